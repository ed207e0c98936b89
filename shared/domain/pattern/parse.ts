import type { Problem } from '../errors.js';
import { childPath, describe, isObject } from './json.js';
import { OPERATORS, parseCondition } from './operators.js';
import { countTerms, MAX_TERMS } from './terms.js';
import type { Condition, PatternField, PatternObject } from './types.js';

/** Words EventBridge keeps for itself: no field inside a `$or` branch may be named after them. */
const RESERVED_IN_OR = new Set<string>([
  ...OPERATORS,
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** A checked pattern with the number of alternatives it spreads into, or its problems. */
export type ParseResult =
  | { ok: true; root: PatternObject; terms: number }
  | { ok: false; problems: Problem[] };

/** Check a pattern the way EventBridge does and, when it passes, return its checked form. */
export const parsePattern = (pattern: unknown): ParseResult => {
  if (!isObject(pattern)) {
    return {
      ok: false,
      problems: [{ path: '', message: `pattern must be an object, not ${describe(pattern)}` }],
    };
  }
  if (Object.keys(pattern).length === 0) {
    return { ok: false, problems: [{ path: '', message: 'pattern must not be empty' }] };
  }
  const problems: Problem[] = [];
  const root = parseObject(pattern, '', false, problems);
  if (problems.length > 0) return { ok: false, problems };
  const terms = countTerms(root);
  if (terms > MAX_TERMS) {
    const message = `pattern is too complex: its $or branches and exists:false alternatives combine into ${terms} cases (at most ${MAX_TERMS})`;
    return { ok: false, problems: [{ path: '', message }] };
  }
  return { ok: true, root, terms };
};

const parseObject = (
  object: Record<string, unknown>,
  path: string,
  insideOr: boolean,
  problems: Problem[],
): PatternObject => {
  const keys = Object.keys(object);
  // Sized up front (and trimmed at the end): arrays grown from empty get a 16-slot backing store.
  const fields = new Array<PatternField>(keys.length);
  let count = 0;
  let or: PatternObject[] | undefined;
  for (const key of keys) {
    const value = object[key];
    const at = childPath(path, key);
    if (key === '$or') {
      or = parseOr(value, at, problems);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.push({ path: at, message: `"${key}" is a reserved word and cannot name a field inside $or` });
      continue;
    }
    if (isObject(value)) {
      if (Object.keys(value).length === 0) {
        problems.push({ path: at, message: 'must not be an empty object' });
        continue;
      }
      fields[count++] = { key, kind: 'object', object: parseObject(value, at, insideOr, problems) };
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        problems.push({ path: at, message: 'must list at least one value to match' });
        continue;
      }
      const conditions = new Array<Condition>(value.length);
      for (let i = 0; i < value.length; i++) {
        const condition = parseCondition(value[i], at, i, problems);
        if (condition) conditions[i] = condition;
      }
      fields[count++] = { key, kind: 'leaf', conditions };
    } else {
      problems.push({
        path: at,
        message: `must be a list of values such as ["a"] or an object of fields, not ${describe(value)}`,
      });
    }
  }
  fields.length = count;
  return { fields, or };
};

const parseOr = (value: unknown, at: string, problems: Problem[]): PatternObject[] | undefined => {
  if (!Array.isArray(value) || value.length < 2) {
    const found = Array.isArray(value)
      ? `${value.length} element${value.length === 1 ? '' : 's'}`
      : describe(value);
    problems.push({ path: at, message: `must be a list of at least two objects, found ${found}` });
    return undefined;
  }
  const branches: PatternObject[] = [];
  value.forEach((branch, i) => {
    const branchPath = `${at}[${i}]`;
    if (!isObject(branch) || Object.keys(branch).length === 0) {
      const what = isObject(branch) ? 'an empty object' : describe(branch);
      problems.push({ path: branchPath, message: `each $or branch must be a non-empty object, not ${what}` });
      return;
    }
    branches.push(parseObject(branch, branchPath, true, problems));
  });
  return branches;
};
