import { ValidationError } from '../errors.js';
import { compileConditions, type ValueTest } from './conditions.js';
import { parsePattern } from './parse.js';
import { expandTerms, type Term } from './terms.js';
import type { Matcher, Scalar } from './types.js';

const PRESENT = 0;
const ABSENT = 1;
const OBJECT = 2;

/**
 * A compiled alternative: plain data walked by `matchNode`, so that thousands of patterns stay
 * small in memory. Every field has the same shape to keep property access monomorphic.
 */
export interface CompiledNode {
  positive: boolean;
  fields: CompiledField[];
}

export interface CompiledField {
  key: string;
  /** False when the key could be inherited from Object.prototype and needs an own-property check. */
  plain: boolean;
  kind: typeof PRESENT | typeof ABSENT | typeof OBJECT;
  test: ValueTest | undefined;
  node: CompiledNode | undefined;
}

/** Whether some leaf value (arrays looked through, objects skipped) passes the test. */
export const anyLeaf = (value: unknown, test: ValueTest): boolean => {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (anyLeaf(item, test)) return true;
    return false;
  }
  if (typeof value === 'object' && value !== null) return false;
  return test(value as Scalar);
};

/** Whether the value holds at least one leaf; `exists` only looks at leaves, as in EventBridge. */
export const hasLeaf = (value: unknown): boolean => {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasLeaf(item)) return true;
    return false;
  }
  return typeof value !== 'object' || value === null;
};

/**
 * Match one alternative against an event node. Arrays are matched element by element: a subtree
 * that needs present values must hold within a single element (EventBridge's array consistency), a
 * subtree of absent fields must hold for every element.
 */
export const matchNode = (node: CompiledNode, value: unknown): boolean => {
  if (Array.isArray(value)) {
    if (node.positive) {
      for (const item of value) if (matchNode(node, item)) return true;
      return false;
    }
    for (const item of value) if (!matchNode(node, item)) return false;
    return true;
  }
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const fields = node.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as CompiledField;
    const key = field.key;
    const child =
      object === undefined ? undefined : field.plain || Object.hasOwn(object, key) ? object[key] : undefined;
    if (field.kind === PRESENT) {
      if (!anyLeaf(child, field.test as ValueTest)) return false;
    } else if (field.kind === ABSENT) {
      if (hasLeaf(child)) return false;
    } else if (!matchNode(field.node as CompiledNode, child)) {
      return false;
    }
  }
  return true;
};

/** Compile one alternative into data for `matchNode`. */
export const compileTerm = (term: Term): CompiledNode => ({
  positive: term.positive,
  fields: term.fields.map((field): CompiledField => {
    const plain = !(field.key in Object.prototype);
    if (field.kind === 'object') {
      return { key: field.key, plain, kind: OBJECT, test: undefined, node: compileTerm(field.term) };
    }
    if (field.kind === 'absent')
      return { key: field.key, plain, kind: ABSENT, test: undefined, node: undefined };
    return {
      key: field.key,
      plain,
      kind: PRESENT,
      test: compileConditions(field.conditions),
      node: undefined,
    };
  }),
});

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
  const nodes = patternTerms(pattern).map((term) => compileTerm(term));
  const only = nodes[0];
  if (nodes.length === 1 && only) return (event) => matchNode(only, event);
  return (event) => {
    for (const node of nodes) if (matchNode(node, event)) return true;
    return false;
  };
};
