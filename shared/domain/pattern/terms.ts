import type { Condition, PatternObject } from './types.js';

/**
 * One alternative of a pattern once every `$or` (and every `{"exists": false}` that shares a value
 * list with other conditions) has been spread out: a tree of fields that must all hold.
 * `positive` tells whether the subtree needs some value to be present; EventBridge binds the
 * conditions of such a subtree to one element of an event array, while a subtree that only asks
 * for absent fields must hold for the whole array.
 */
export interface Term {
  fields: TermField[];
  positive: boolean;
}

export type TermField =
  | { key: string; kind: 'object'; term: Term }
  | { key: string; kind: 'present'; conditions: Condition[] }
  | { key: string; kind: 'absent' };

/** Most alternatives a single pattern may spread into. */
export const MAX_TERMS = 1000;

/** Spread a checked pattern into its alternatives; the pattern matches when any of them does. */
export const expandTerms = (root: PatternObject): Term[] =>
  // With a single alternative there is neither a `$or` nor an "either" field anywhere, and the parser
  // has already ordered the fields and worked out `positive`: the pattern is its own term.
  root.alternatives === 1 ? [root as Term] : expand(root).map(finish);

type Fields = TermField[];

/** Every combination of one alternative from `left` and one option; a single option is appended in place. */
const extend = (left: Fields[], options: TermField[]): Fields[] => {
  if (options.length === 1) {
    const only = options[0] as TermField;
    for (const fields of left) fields.push(only);
    return left;
  }
  const out: Fields[] = [];
  for (const fields of left) for (const option of options) out.push([...fields, option]);
  return out;
};

const expand = (object: PatternObject): Fields[] => {
  let alternatives: Fields[] = [[]];
  for (const field of object.fields) {
    if (field.kind === 'object') {
      const inner = expand(field.term);
      const options = inner.map(
        (fields): TermField => ({ key: field.key, kind: 'object', term: { fields, positive: false } }),
      );
      alternatives = extend(alternatives, options);
    } else if (field.kind === 'either') {
      const present: TermField = { key: field.key, kind: 'present', conditions: field.conditions };
      alternatives = extend(alternatives, [present, { key: field.key, kind: 'absent' }]);
    } else {
      alternatives = extend(alternatives, [field]);
    }
  }
  if (object.or) {
    const branches = object.or.flatMap(expand);
    const out: Fields[] = [];
    for (const fields of alternatives) for (const branch of branches) out.push(merge(fields, branch));
    alternatives = out;
  }
  return alternatives;
};

/** AND two field lists; objects under the same key become one object, so they bind to the same array element. */
const merge = (left: Fields, right: Fields): Fields => {
  const result = [...left];
  for (const field of right) {
    const index =
      field.kind === 'object' ? result.findIndex((f) => f.kind === 'object' && f.key === field.key) : -1;
    const existing = result[index];
    if (field.kind === 'object' && existing?.kind === 'object') {
      result[index] = {
        key: field.key,
        kind: 'object',
        term: { fields: merge(existing.term.fields, field.term.fields), positive: false },
      };
    } else {
      result.push(field);
    }
  }
  return result;
};

/** Cheap, selective checks first: exact values, then other values, then objects, then absent fields. */
const rank = (f: TermField): number => {
  if (f.kind === 'present') return f.conditions.every((c) => c.kind === 'exact') ? 0 : 1;
  return f.kind === 'object' ? 2 : 3;
};

const byRank = (a: TermField, b: TermField): number => rank(a) - rank(b);

/** Work out `positive` bottom-up and order fields so that cheap, selective checks run first. */
const finish = (fields: Fields): Term => {
  let positive = false;
  const done: Fields = [];
  for (const field of fields) {
    if (field.kind === 'object') {
      const term = finish(field.term.fields);
      positive ||= term.positive;
      done.push({ key: field.key, kind: 'object', term });
    } else {
      positive ||= field.kind === 'present';
      done.push(field);
    }
  }
  if (done.length > 1) done.sort(byRank);
  return { fields: done, positive };
};
