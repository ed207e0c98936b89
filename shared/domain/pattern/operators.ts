import { parseCidr } from './cidr.js';
import { describe, isObject } from './json.js';
import type { Place } from './place.js';
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

/** Check entry `index` of the value list of the field `place` stands at, and turn it into a condition. */
export const parseCondition = (value: unknown, index: number, place: Place): Condition | undefined => {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null)
    return { kind: 'exact', value };
  place.enter(index);
  const condition = parseEntry(value, place);
  place.leave();
  return condition;
};

const parseEntry = (value: unknown, place: Place): Condition | undefined => {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { kind: 'exact', value }
      : place.report(`must be a finite number, not ${value}`);
  }
  if (!isObject(value)) {
    return place.report(
      `must be a string, number, boolean, null or an operator object such as {"prefix": "a"}, not ${describe(value)}`,
    );
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return place.report(
      keys.length === 0
        ? 'is an empty operator object; give exactly one operator such as {"prefix": "a"}'
        : `must hold exactly one operator, found ${keys.length}: ${keys.join(', ')}`,
    );
  }
  const op = keys[0] ?? '';
  place.enter(op);
  const condition = parseOperator(op, value[op], place);
  place.leave();
  return condition;
};

/** `place` stands at the operator. */
const parseOperator = (op: string, arg: unknown, at: Place): Condition | undefined => {
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

const withWildcard = (text: string, at: Place): Condition | undefined => {
  const parsed = parseWildcard(text);
  return parsed.ok ? { kind: 'wildcard', value: parsed.wildcard } : at.report(parsed.message);
};

const parseAffix = (kind: 'prefix' | 'suffix', arg: unknown, at: Place): Condition | undefined => {
  if (typeof arg === 'string') return { kind, value: arg, ignoreCase: false };
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const key = keys[0] ?? '';
    if (keys.length === 1 && key === 'equals-ignore-case') {
      const inner = arg[key];
      return typeof inner === 'string'
        ? { kind, value: inner, ignoreCase: true }
        : at.report(`must be a string, not ${describe(inner)}`, key);
    }
    if (keys.length === 1) {
      return at.report(`unknown ${kind} option "${key}"; only "equals-ignore-case" is allowed`, key);
    }
  }
  return at.report(`must be a string or {"equals-ignore-case": "..."}, not ${describe(arg)}`);
};

const parseNumeric = (arg: unknown, at: Place): NumericRange | undefined => {
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

const numberAfter = (op: string, value: unknown, at: Place): number | undefined => {
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

const parseAnythingBut = (arg: unknown, at: Place): AnythingBut | undefined => {
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
    return at.report(`unknown anything-but option "${key}"; use ${ANYTHING_BUT_OPTIONS.join(', ')}`, key);
  }
  const inner = arg[key];
  const texts = typeof inner === 'string' ? [inner] : inner;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    return at.report(`must be a string or a non-empty list of strings, not ${describe(inner)}`, key);
  }
  const strings = texts as string[];
  if ((key === 'prefix' || key === 'suffix') && strings.includes('')) {
    return at.report(`an anything-but ${key} must not be empty`, key);
  }
  if (key !== 'wildcard') return { kind: key, values: strings };
  const wildcards: Wildcard[] = [];
  for (const text of strings) {
    const parsed = parseWildcard(text);
    if (!parsed.ok) return at.report(`"${text}" ${parsed.message}`, key);
    wildcards.push(parsed.wildcard);
  }
  return { kind: 'wildcard', values: wildcards };
};

const parseAnythingButList = (list: unknown[], at: Place): AnythingBut | undefined => {
  if (list.length === 0) return at.report('must list at least one value');
  const strings = list.filter((v): v is string => typeof v === 'string');
  const numbers = list.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const other = list.findIndex(
    (v) => typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)),
  );
  if (other >= 0) {
    return at.report(
      `anything-but lists take only strings or only numbers, not ${describe(list[other])}`,
      other,
    );
  }
  if (strings.length > 0 && numbers.length > 0) {
    return at.report('mixes strings and numbers; list only strings or only numbers');
  }
  return strings.length > 0 ? { kind: 'strings', values: strings } : { kind: 'numbers', values: numbers };
};
