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

const isAbsence = (c: Condition): boolean => c.kind === 'exists' && !c.value;

/** How many alternatives `expandTerms` would produce, without producing them. */
export const countTerms = (object: PatternObject): number => {
  let count = 1;
  for (const field of object.fields) {
    if (field.kind === 'object') {
      count *= countTerms(field.object);
    } else {
      const absent = field.conditions.some(isAbsence);
      const present = field.conditions.some((c) => !isAbsence(c));
      count *= (absent ? 1 : 0) + (present ? 1 : 0);
    }
  }
  if (object.or) count *= object.or.reduce((sum, branch) => sum + countTerms(branch), 0);
  return count;
};

/** Spread a checked pattern into its alternatives; the pattern matches when any of them does. */
export const expandTerms = (root: PatternObject): Term[] => expand(root).map(finish);

type Fields = TermField[];

const expand = (object: PatternObject): Fields[] => {
  let alternatives: Fields[] = [[]];
  for (const field of object.fields) {
    const options: TermField[] = [];
    if (field.kind === 'object') {
      for (const fields of expand(field.object)) {
        options.push({ key: field.key, kind: 'object', term: { fields, positive: false } });
      }
    } else {
      const present = field.conditions.filter((c) => !isAbsence(c));
      if (present.length > 0) options.push({ key: field.key, kind: 'present', conditions: present });
      if (present.length < field.conditions.length) options.push({ key: field.key, kind: 'absent' });
    }
    alternatives = alternatives.flatMap((fields) => options.map((option) => [...fields, option]));
  }
  if (object.or) {
    const branches = object.or.flatMap(expand);
    alternatives = alternatives.flatMap((fields) => branches.map((branch) => merge(fields, branch)));
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

const RANK = { present: 0, object: 1, absent: 2 } as const;

/** Work out `positive` bottom-up and order fields so that cheap, selective checks run first. */
const finish = (fields: Fields): Term => {
  const done = fields.map((field): TermField => {
    if (field.kind !== 'object') return field;
    return { key: field.key, kind: 'object', term: finish(field.term.fields) };
  });
  const exactFirst = (f: TermField): number =>
    f.kind === 'present' && f.conditions.every((c) => c.kind === 'exact') ? -1 : RANK[f.kind];
  done.sort((a, b) => exactFirst(a) - exactFirst(b));
  const positive = done.some((f) => f.kind === 'present' || (f.kind === 'object' && f.term.positive));
  return { fields: done, positive };
};
