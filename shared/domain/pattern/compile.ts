import { ValidationError } from '../errors.js';
import { compileConditions, type ValueTest } from './conditions.js';
import { parsePattern } from './parse.js';
import { expandTerms, type Term, type TermField } from './terms.js';
import type { Matcher, Scalar } from './types.js';

type Node = Record<string, unknown> | undefined;
type FieldTest = (node: Node) => boolean;

/** Whether some leaf value (arrays looked through, objects skipped) passes the test. */
const anyLeaf = (value: unknown, test: ValueTest): boolean => {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (anyLeaf(item, test)) return true;
    return false;
  }
  if (typeof value === 'object' && value !== null) return false;
  return test(value as Scalar);
};

/** Whether the value holds at least one leaf; `exists` only looks at leaves, as in EventBridge. */
const hasLeaf = (value: unknown): boolean => {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasLeaf(item)) return true;
    return false;
  }
  return typeof value !== 'object' || value === null;
};

const asNode = (value: unknown): Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** Read a field without ever picking up something inherited such as `constructor`. */
const reader = (key: string): ((node: Record<string, unknown>) => unknown) =>
  key in Object.prototype
    ? (node) => (Object.hasOwn(node, key) ? node[key] : undefined)
    : (node) => node[key];

const compileField = (field: TermField): FieldTest => {
  const read = reader(field.key);
  switch (field.kind) {
    case 'present': {
      const test = compileConditions(field.conditions);
      return (node) => node !== undefined && anyLeaf(read(node), test);
    }
    case 'absent':
      return (node) => node === undefined || !hasLeaf(read(node));
    case 'object': {
      const inner = compileTerm(field.term);
      return (node) => inner(node === undefined ? undefined : read(node));
    }
  }
};

/**
 * Compile one alternative. Arrays in the event are matched element by element: a subtree that
 * needs present values must hold within a single element (EventBridge's array consistency), a
 * subtree of absent fields must hold for every element.
 */
export const compileTerm = (term: Term): Matcher => {
  const tests = term.fields.map(compileField);
  const positive = term.positive;
  const matchNode = (value: unknown): boolean => {
    if (Array.isArray(value)) {
      if (positive) {
        for (const item of value) if (matchNode(item)) return true;
        return false;
      }
      for (const item of value) if (!matchNode(item)) return false;
      return true;
    }
    const node = asNode(value);
    for (const test of tests) if (!test(node)) return false;
    return true;
  };
  return matchNode;
};

/** Check and spread a pattern into its alternatives; throws ValidationError when it is not valid. */
export const patternTerms = (pattern: unknown): Term[] => {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    const where = first?.path ? ` at ${first.path}` : '';
    throw new ValidationError(`The event pattern is not valid${where}: ${first?.message}`, parsed.problems);
  }
  return expandTerms(parsed.root);
};

/** Compile an EventBridge event pattern into a matcher; throws ValidationError on a bad pattern. */
export const compilePattern = (pattern: unknown): Matcher => {
  const matchers = patternTerms(pattern).map(compileTerm);
  const only = matchers[0];
  if (matchers.length === 1 && only) return only;
  return (event) => {
    for (const matcher of matchers) if (matcher(event)) return true;
    return false;
  };
};
