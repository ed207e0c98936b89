import type { Problem } from '../errors.js';
import { describe, isObject } from './json.js';
import { OPERATORS, parseCondition } from './operators.js';
import { Place } from './place.js';
import { MAX_TERMS } from './terms.js';
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
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    return { ok: false, problems: [{ path: '', message: 'pattern must not be empty' }] };
  }
  const place = new Place();
  const root = parseObject(pattern, keys, false, place);
  if (place.problems.length > 0) return { ok: false, problems: place.problems };
  const terms = root.alternatives;
  if (terms > MAX_TERMS) {
    const message = `pattern is too complex: its $or branches and exists:false alternatives combine into ${terms} cases (at most ${MAX_TERMS})`;
    return { ok: false, problems: [{ path: '', message }] };
  }
  return { ok: true, root, terms };
};

const isAbsence = (c: Condition): boolean => c.kind === 'exists' && !c.value;

/** Checking order within an alternative: exact values, then other values, then objects, then absent fields. */
const rank = (field: PatternField): number => {
  switch (field.kind) {
    case 'present': {
      for (const c of field.conditions) if (c.kind !== 'exact') return 1;
      return 0;
    }
    case 'either':
      return 1;
    case 'object':
      return 2;
    case 'absent':
      return 3;
  }
};

const byRank = (a: PatternField, b: PatternField): number => rank(a) - rank(b);

/** A field's value list, sorted into a present, absent or either field. */
const leafField = (key: string, conditions: Condition[]): PatternField => {
  let absent = 0;
  for (const c of conditions) if (isAbsence(c)) absent++;
  if (absent === 0) return { key, kind: 'present', conditions };
  if (absent === conditions.length) return { key, kind: 'absent' };
  return { key, kind: 'either', conditions: conditions.filter((c) => !isAbsence(c)) };
};

/** `place` stands at the object; `keys` are its own keys, at least one. */
const parseObject = (
  object: Record<string, unknown>,
  keys: string[],
  insideOr: boolean,
  place: Place,
): PatternObject => {
  // Sized up front (and trimmed at the end): arrays grown from empty get a 16-slot backing store.
  const fields = new Array<PatternField>(keys.length);
  let count = 0;
  let or: PatternObject[] | undefined;
  let positive = false;
  let alternatives = 1;
  let ordered = true;
  let lastRank = 0;
  for (const key of keys) {
    const value = object[key];
    place.enter(key);
    let field: PatternField | undefined;
    if (key === '$or') {
      or = parseOr(value, place);
      if (or) alternatives *= or.reduce((sum, branch) => sum + branch.alternatives, 0);
    } else if (insideOr && RESERVED_IN_OR.has(key)) {
      place.report(`"${key}" is a reserved word and cannot name a field inside $or`);
    } else if (isObject(value)) {
      const inner = Object.keys(value);
      if (inner.length === 0) place.report('must not be an empty object');
      else field = { key, kind: 'object', term: parseObject(value, inner, insideOr, place) };
    } else if (Array.isArray(value)) {
      if (value.length === 0) place.report('must list at least one value to match');
      else {
        const conditions = parseConditions(value, place);
        if (conditions) field = leafField(key, conditions);
      }
    } else {
      place.report(`must be a list of values such as ["a"] or an object of fields, not ${describe(value)}`);
    }
    place.leave();
    if (field === undefined) continue;
    if (field.kind === 'object') {
      positive ||= field.term.positive;
      alternatives *= field.term.alternatives;
    } else if (field.kind === 'present') {
      positive = true;
    } else if (field.kind === 'either') {
      alternatives *= 2;
    }
    const fieldRank = rank(field);
    if (fieldRank < lastRank) ordered = false;
    lastRank = Math.max(lastRank, fieldRank);
    fields[count++] = field;
  }
  fields.length = count;
  if (!ordered) fields.sort(byRank);
  return { fields, or, positive, alternatives };
};

/** The conditions of a value list, or undefined when some entry was refused (every entry is checked). */
const parseConditions = (list: unknown[], place: Place): Condition[] | undefined => {
  const conditions = new Array<Condition>(list.length);
  let valid = true;
  for (let i = 0; i < list.length; i++) {
    const condition = parseCondition(list[i], i, place);
    if (condition) conditions[i] = condition;
    else valid = false;
  }
  return valid ? conditions : undefined;
};

const parseOr = (value: unknown, place: Place): PatternObject[] | undefined => {
  if (!Array.isArray(value) || value.length < 2) {
    const found = Array.isArray(value)
      ? `${value.length} element${value.length === 1 ? '' : 's'}`
      : describe(value);
    place.report(`must be a list of at least two objects, found ${found}`);
    return undefined;
  }
  const branches: PatternObject[] = [];
  value.forEach((branch, i) => {
    const keys = isObject(branch) ? Object.keys(branch) : [];
    if (!isObject(branch) || keys.length === 0) {
      const what = isObject(branch) ? 'an empty object' : describe(branch);
      place.report(`each $or branch must be a non-empty object, not ${what}`, i);
      return;
    }
    place.enter(i);
    branches.push(parseObject(branch, keys, true, place));
    place.leave();
  });
  return branches;
};
