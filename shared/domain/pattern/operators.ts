import type { Problem } from '../errors.js';
import { parseCidr } from './cidr.js';
import { childPath, describe, isObject } from './json.js';
import type { AnythingBut, Condition, NumericRange, Wildcard } from './types.js';
import { parseWildcard } from './wildcard.js';

/** The operator names EventBridge accepts inside a field's value list. */
export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

/** Numeric matching is documented for values from -5.0e9 to +5.0e9 inclusive. */
export const NUMERIC_LIMIT = 5e9;

const COMPARISONS = ['=', '<', '<=', '>', '>='];

/** A place in the pattern; its path is only spelled out when a problem is reported there. */
class Where {
  constructor(
    private readonly problems: Problem[],
    private readonly base: string | Where,
    private readonly part: string | number,
  ) {}

  private get path(): string {
    const base = typeof this.base === 'string' ? this.base : this.base.path;
    return typeof this.part === 'number' ? `${base}[${this.part}]` : childPath(base, this.part);
  }

  below(part: string | number): Where {
    return new Where(this.problems, this, part);
  }

  /** Record a problem here; returns undefined so that parsers can `return at.report(...)`. */
  report(message: string): undefined {
    this.problems.push({ path: this.path, message });
    return undefined;
  }
}

/** Check entry `index` of the value list of the field at `field` and turn it into a condition. */
export const parseCondition = (
  value: unknown,
  field: string,
  index: number,
  problems: Problem[],
): Condition | undefined => {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null)
    return { kind: 'exact', value };
  const entry = new Where(problems, field, index);
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { kind: 'exact', value }
      : entry.report(`must be a finite number, not ${value}`);
  }
  if (!isObject(value)) {
    return entry.report(
      `must be a string, number, boolean, null or an operator object such as {"prefix": "a"}, not ${describe(value)}`,
    );
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return entry.report(
      keys.length === 0
        ? 'is an empty operator object; give exactly one operator such as {"prefix": "a"}'
        : `must hold exactly one operator, found ${keys.length}: ${keys.join(', ')}`,
    );
  }
  const op = keys[0] ?? '';
  const arg = value[op];
  const at = entry.below(op);
  switch (op) {
    case 'prefix':
    case 'suffix':
      return parseAffix(op, arg, at);
    case 'equals-ignore-case':
      return typeof arg === 'string'
        ? { kind: 'equals-ignore-case', value: arg }
        : at.report(`must be a string, not ${describe(arg)}`);
    case 'wildcard':
      return typeof arg === 'string'
        ? withWildcard(arg, at)
        : at.report(`must be a string, not ${describe(arg)}`);
    case 'numeric': {
      const range = parseNumeric(arg, at);
      return range && { kind: 'numeric', range };
    }
    case 'exists':
      return typeof arg === 'boolean'
        ? { kind: 'exists', value: arg }
        : at.report(`must be true or false, not ${describe(arg)}`);
    case 'cidr': {
      if (typeof arg !== 'string')
        return at.report(`must be a string such as "10.0.0.0/24", not ${describe(arg)}`);
      const parsed = parseCidr(arg);
      return parsed.ok ? { kind: 'cidr', block: parsed.block } : at.report(parsed.message);
    }
    case 'anything-but': {
      const parsed = parseAnythingBut(arg, at);
      return parsed && { kind: 'anything-but', value: parsed };
    }
    default:
      return at.report(`unknown operator "${op}"; use one of ${OPERATORS.join(', ')}`);
  }
};

const withWildcard = (text: string, at: Where): Condition | undefined => {
  const parsed = parseWildcard(text);
  return parsed.ok ? { kind: 'wildcard', value: parsed.wildcard } : at.report(parsed.message);
};

const parseAffix = (kind: 'prefix' | 'suffix', arg: unknown, at: Where): Condition | undefined => {
  if (typeof arg === 'string') return { kind, value: arg, ignoreCase: false };
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const key = keys[0] ?? '';
    if (keys.length === 1 && key === 'equals-ignore-case') {
      const inner = arg[key];
      return typeof inner === 'string'
        ? { kind, value: inner, ignoreCase: true }
        : at.below(key).report(`must be a string, not ${describe(inner)}`);
    }
    if (keys.length === 1) {
      return at.below(key).report(`unknown ${kind} option "${key}"; only "equals-ignore-case" is allowed`);
    }
  }
  return at.report(`must be a string or {"equals-ignore-case": "..."}, not ${describe(arg)}`);
};

const parseNumeric = (arg: unknown, at: Where): NumericRange | undefined => {
  if (!Array.isArray(arg) || arg.length === 0) {
    return at.report(`must be a list such as [">", 0, "<=", 5], not ${describe(arg)}`);
  }
  const first = arg[0];
  if (typeof first !== 'string' || !COMPARISONS.includes(first)) {
    return at.report(
      typeof first === 'string'
        ? `unknown comparison "${first}"; use "=", "<", "<=", ">" or ">="`
        : `must start with a comparison ("=", "<", "<=", ">" or ">="), not ${describe(first)}`,
    );
  }
  const low = numberAfter(first, arg[1], at);
  if (low === undefined) return undefined;
  if (first === '=') {
    return arg.length === 2
      ? { min: low, minInclusive: true, max: low, maxInclusive: true }
      : at.report('"=" takes exactly one number, e.g. ["=", 100]');
  }
  if (first === '<' || first === '<=') {
    return arg.length === 2
      ? { min: Number.NEGATIVE_INFINITY, minInclusive: false, max: low, maxInclusive: first === '<=' }
      : at.report('give the lower bound first, e.g. [">", 0, "<=", 5]');
  }
  if (arg.length === 2) {
    return { min: low, minInclusive: first === '>=', max: Number.POSITIVE_INFINITY, maxInclusive: false };
  }
  if (arg.length !== 4)
    return at.report(`has ${arg.length} elements; a range has four, e.g. [">", 0, "<=", 5]`);
  const second = arg[2];
  if (second !== '<' && second !== '<=') {
    return at.report(
      `the upper bound must use "<" or "<=", not ${typeof second === 'string' ? `"${second}"` : describe(second)}`,
    );
  }
  const high = numberAfter(second, arg[3], at);
  if (high === undefined) return undefined;
  if (!(low < high)) return at.report(`the lower bound ${low} must be below the upper bound ${high}`);
  return { min: low, minInclusive: first === '>=', max: high, maxInclusive: second === '<=' };
};

const numberAfter = (op: string, value: unknown, at: Where): number | undefined => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return at.report(`the value after "${op}" must be a number, not ${describe(value)}`);
  }
  if (Math.abs(value) > NUMERIC_LIMIT) {
    return at.report(`${value} is outside the range EventBridge compares numerically (-5e9 to 5e9)`);
  }
  return value;
};

const ANYTHING_BUT_OPTIONS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;
type AnythingButOption = (typeof ANYTHING_BUT_OPTIONS)[number];
const isOption = (key: string): key is AnythingButOption =>
  (ANYTHING_BUT_OPTIONS as readonly string[]).includes(key);

const parseAnythingBut = (arg: unknown, at: Where): AnythingBut | undefined => {
  if (typeof arg === 'string') return { kind: 'strings', values: [arg] };
  if (typeof arg === 'number' && Number.isFinite(arg)) return { kind: 'numbers', values: [arg] };
  if (Array.isArray(arg)) return parseAnythingButList(arg, at);
  if (!isObject(arg)) {
    return at.report(
      `must be a string, a number, a list of strings or of numbers, or an object such as {"prefix": "init"}, not ${describe(arg)}`,
    );
  }
  const keys = Object.keys(arg);
  const key = keys[0] ?? '';
  if (keys.length !== 1) return at.report(`must hold exactly one of ${ANYTHING_BUT_OPTIONS.join(', ')}`);
  if (!isOption(key)) {
    return at
      .below(key)
      .report(`unknown anything-but option "${key}"; use ${ANYTHING_BUT_OPTIONS.join(', ')}`);
  }
  const inner = arg[key];
  const innerPath = at.below(key);
  const texts = typeof inner === 'string' ? [inner] : inner;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    return innerPath.report(`must be a string or a non-empty list of strings, not ${describe(inner)}`);
  }
  const strings = texts as string[];
  if ((key === 'prefix' || key === 'suffix') && strings.includes('')) {
    return innerPath.report(`an anything-but ${key} must not be empty`);
  }
  if (key !== 'wildcard') return { kind: key, values: strings };
  const wildcards: Wildcard[] = [];
  for (const text of strings) {
    const parsed = parseWildcard(text);
    if (!parsed.ok) return innerPath.report(`"${text}" ${parsed.message}`);
    wildcards.push(parsed.wildcard);
  }
  return { kind: 'wildcard', values: wildcards };
};

const parseAnythingButList = (list: unknown[], at: Where): AnythingBut | undefined => {
  if (list.length === 0) return at.report('must list at least one value');
  const strings = list.filter((v): v is string => typeof v === 'string');
  const numbers = list.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const other = list.findIndex(
    (v) => typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)),
  );
  if (other >= 0) {
    return at
      .below(other)
      .report(`anything-but lists take only strings or only numbers, not ${describe(list[other])}`);
  }
  if (strings.length > 0 && numbers.length > 0) {
    return at.report('mixes strings and numbers; list only strings or only numbers');
  }
  return strings.length > 0 ? { kind: 'strings', values: strings } : { kind: 'numbers', values: numbers };
};
