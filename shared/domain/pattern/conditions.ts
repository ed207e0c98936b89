import { cidrContains } from './cidr.js';
import type { AnythingBut, Condition, NumericRange, Scalar } from './types.js';
import { wildcardMatches } from './wildcard.js';

/** A test on one leaf value of the event (a string, number, boolean or null). */
export type ValueTest = (value: Scalar) => boolean;

const lower = (s: string): string => s.toLowerCase();

const inRange = (r: NumericRange, n: number): boolean =>
  (r.minInclusive ? n >= r.min : n > r.min) && (r.maxInclusive ? n <= r.max : n < r.max);

/**
 * Compile a field's value list (an OR) into one test. Strings only match strings and numbers only
 * numbers; exact numbers compare by value, as JSON parsing leaves no other representation.
 */
export const compileConditions = (conditions: Condition[]): ValueTest => {
  const only = conditions.length === 1 ? conditions[0] : undefined;
  if (only) return compileOne(only);
  const exact: Scalar[] = [];
  const tests: ValueTest[] = [];
  for (const condition of conditions) {
    if (condition.kind === 'exact') {
      if (!exact.includes(condition.value)) exact.push(condition.value);
    } else if (condition.kind === 'exists') tests.push(anyValue);
    else tests.push(compileCondition(condition));
  }
  if (exact.length > 0) tests.unshift(exactTest(exact));
  return tests.length === 1 ? (tests[0] as ValueTest) : anyOf(tests);
};

const anyValue: ValueTest = () => true;

const compileOne = (condition: Condition): ValueTest => {
  if (condition.kind === 'exact') {
    const value = condition.value;
    return (v) => v === value;
  }
  return condition.kind === 'exists' ? anyValue : compileCondition(condition);
};

const exactTest = (values: Scalar[]): ValueTest => {
  if (values.length === 1) {
    const only = values[0];
    return (v) => v === only;
  }
  const set = new Set(values);
  return (v) => set.has(v);
};

const anyOf =
  (tests: ValueTest[]): ValueTest =>
  (v) => {
    for (const test of tests) if (test(v)) return true;
    return false;
  };

const compileCondition = (condition: Exclude<Condition, { kind: 'exact' | 'exists' }>): ValueTest => {
  switch (condition.kind) {
    case 'prefix': {
      const text = condition.value;
      if (!condition.ignoreCase) return (v) => typeof v === 'string' && v.startsWith(text);
      const folded = lower(text);
      return (v) => typeof v === 'string' && lower(v).startsWith(folded);
    }
    case 'suffix': {
      const text = condition.value;
      if (!condition.ignoreCase) return (v) => typeof v === 'string' && v.endsWith(text);
      const folded = lower(text);
      return (v) => typeof v === 'string' && lower(v).endsWith(folded);
    }
    case 'equals-ignore-case': {
      const folded = lower(condition.value);
      return (v) => typeof v === 'string' && lower(v) === folded;
    }
    case 'wildcard': {
      const wildcard = condition.value;
      return (v) => typeof v === 'string' && wildcardMatches(wildcard, v);
    }
    case 'numeric': {
      const range = condition.range;
      return (v) => typeof v === 'number' && inRange(range, v);
    }
    case 'cidr': {
      const block = condition.block;
      return (v) => typeof v === 'string' && cidrContains(block, v);
    }
    case 'anything-but':
      return compileAnythingBut(condition.value);
  }
};

/**
 * Anything-but matches every present leaf value except the excluded ones. Exclusions only apply to
 * values of their own type: `{"anything-but": "a"}` matches the number 1, true and null.
 */
const compileAnythingBut = (rule: AnythingBut): ValueTest => {
  switch (rule.kind) {
    case 'strings': {
      const excluded = new Set(rule.values);
      return (v) => typeof v !== 'string' || !excluded.has(v);
    }
    case 'numbers': {
      const excluded = new Set(rule.values);
      return (v) => typeof v !== 'number' || !excluded.has(v);
    }
    case 'prefix': {
      const texts = rule.values;
      return (v) => typeof v !== 'string' || !texts.some((t) => v.startsWith(t));
    }
    case 'suffix': {
      const texts = rule.values;
      return (v) => typeof v !== 'string' || !texts.some((t) => v.endsWith(t));
    }
    case 'equals-ignore-case': {
      const excluded = new Set(rule.values.map(lower));
      return (v) => typeof v !== 'string' || !excluded.has(lower(v));
    }
    case 'wildcard': {
      const wildcards = rule.values;
      return (v) => typeof v !== 'string' || !wildcards.some((w) => wildcardMatches(w, v));
    }
  }
};

const quote = (s: string): string => JSON.stringify(s);
const numberKey = (n: number): string => (Object.is(n, -0) ? '0' : String(n));

/** A short text that identifies a condition, for sharing compiled tests; tokens are self-delimiting. */
const conditionKey = (c: Condition): string => {
  switch (c.kind) {
    case 'exact':
      return typeof c.value === 'string'
        ? `s${quote(c.value)}`
        : `v${typeof c.value === 'number' ? numberKey(c.value) : String(c.value)}`;
    case 'prefix':
    case 'suffix':
      return `${c.kind === 'prefix' ? 'p' : 'q'}${c.ignoreCase ? 'i' : ''}${quote(c.value)}`;
    case 'equals-ignore-case':
      return `e${quote(c.value)}`;
    case 'wildcard':
      return `w${JSON.stringify(c.value.segments)}`;
    case 'numeric': {
      const r = c.range;
      return `n${numberKey(r.min)}${r.minInclusive ? '[' : '('}${numberKey(r.max)}${r.maxInclusive ? ']' : ')'}`;
    }
    case 'exists':
      return c.value ? 'E' : 'A';
    case 'cidr':
      return `c${c.block.bits}/${c.block.address.join('.')}`;
    case 'anything-but': {
      const rule = c.value;
      const values = rule.kind === 'wildcard' ? rule.values.map((w) => w.segments) : rule.values;
      return `b${rule.kind}${JSON.stringify(values)}`;
    }
  }
};

/** A key for a whole value list: the same key means the same compiled test. */
export const conditionsKey = (conditions: Condition[]): string => {
  if (conditions.length === 1) return conditionKey(conditions[0] as Condition);
  let key = '';
  for (const c of conditions) key += `${conditionKey(c)}|`;
  return key;
};
