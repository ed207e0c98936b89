import { ValidationError } from '../errors.js';
import { compileConditions, type ValueTest } from './conditions.js';
import { parsePattern } from './parse.js';
import { expandTerms, type Term, type TermField } from './terms.js';
import type { Condition, Matcher, Scalar } from './types.js';

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
  /** False when an index has already proven this field (or everything under it) for the event. */
  residual: boolean;
}

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

/**
 * Match one alternative against an event node. Arrays are matched element by element: a subtree
 * that needs present values must hold within a single element (EventBridge's array consistency), a
 * subtree of absent fields must hold for every element. With `skipProven`, fields that are not
 * `residual` are taken as already checked.
 */
export const matchNode = (node: CompiledNode, value: unknown, skipProven: boolean): boolean => {
  if (Array.isArray(value)) {
    if (node.positive) {
      for (const item of value) if (matchNode(node, item, skipProven)) return true;
      return false;
    }
    for (const item of value) if (!matchNode(node, item, skipProven)) return false;
    return true;
  }
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const fields = node.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as CompiledField;
    if (skipProven && !field.residual) continue;
    const key = field.key;
    const child =
      object === undefined ? undefined : field.plain || Object.hasOwn(object, key) ? object[key] : undefined;
    if (field.kind === PRESENT) {
      if (!anyLeaf(child, field.test as ValueTest)) return false;
    } else if (field.kind === ABSENT) {
      if (hasLeaf(child)) return false;
    } else if (!matchNode(field.node as CompiledNode, child, skipProven)) {
      return false;
    }
  }
  return true;
};

/** Compiles a field's value list; an index passes one that shares tests between its patterns. */
export type TestCompiler = (conditions: Condition[]) => ValueTest;

/** Compile one alternative; fields in `proven` are marked as not residual. */
export const compileTerm = (
  term: Term,
  proven: readonly TermField[] = [],
  compileTest: TestCompiler = compileConditions,
): CompiledNode => ({
  positive: term.positive,
  fields: term.fields.map((field): CompiledField => {
    const plain = !(field.key in Object.prototype);
    if (field.kind === 'object') {
      const node = compileTerm(field.term, proven, compileTest);
      const residual = node.fields.some((f) => f.residual);
      return { key: field.key, plain, kind: OBJECT, test: undefined, node, residual };
    }
    const residual = !proven.includes(field);
    if (field.kind === 'absent')
      return { key: field.key, plain, kind: ABSENT, test: undefined, node: undefined, residual };
    return {
      key: field.key,
      plain,
      kind: PRESENT,
      test: compileTest(field.conditions),
      node: undefined,
      residual,
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
  return expandTerms(parsed.root, parsed.terms);
};

/** Compile an EventBridge event pattern into a matcher; throws ValidationError on a bad pattern. */
export const compilePattern = (pattern: unknown): Matcher => {
  const nodes = patternTerms(pattern).map((term) => compileTerm(term));
  const only = nodes[0];
  if (nodes.length === 1 && only) return (event) => matchNode(only, event, false);
  return (event) => {
    for (const node of nodes) if (matchNode(node, event, false)) return true;
    return false;
  };
};
