// fast-check generators of valid patterns and of events over a small shared vocabulary, so that
// random patterns and random events often agree on fields and values.
import fc from 'fast-check';
import type { EventPattern } from '../../../shared/domain/pattern/index.js';

export const KEYS = ['a', 'b', 'c'] as const;
const key = fc.constantFrom(...KEYS);
const NUMBERS = [-1, 0, 1, 2, 2.5, 100];

export const text = fc.string({ unit: fc.constantFrom('x', 'y', 'X', '-'), maxLength: 3 });
const nonEmptyText = fc.string({ unit: fc.constantFrom('x', 'y', 'X', '-'), minLength: 1, maxLength: 3 });
export const number = fc.constantFrom(...NUMBERS);
export const scalar = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('10.0.0.7', '10.1.2.3'),
);

/** A wildcard text without two `*` in a row. */
export const wildcardText = fc
  .array(fc.constantFrom('x', 'y', 'X', '*'), { maxLength: 5 })
  .map((chars) => chars.join('').replace(/\*+/g, '*'));

const range = fc
  .tuple(number, number, fc.boolean(), fc.boolean())
  .filter(([low, high]) => low < high)
  .map(([low, high, lowIn, highIn]) => ({ numeric: [lowIn ? '>=' : '>', low, highIn ? '<=' : '<', high] }));

export const condition: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: scalar, weight: 6 },
  text.map((t) => ({ prefix: t })),
  text.map((t) => ({ prefix: { 'equals-ignore-case': t } })),
  text.map((t) => ({ suffix: t })),
  text.map((t) => ({ suffix: { 'equals-ignore-case': t } })),
  text.map((t) => ({ 'equals-ignore-case': t })),
  wildcardText.map((w) => ({ wildcard: w })),
  fc.boolean().map((b) => ({ exists: b })),
  text.map((t) => ({ 'anything-but': t })),
  fc.array(text, { minLength: 1, maxLength: 3 }).map((v) => ({ 'anything-but': v })),
  fc.array(number, { minLength: 1, maxLength: 3 }).map((v) => ({ 'anything-but': v })),
  nonEmptyText.map((t) => ({ 'anything-but': { prefix: t } })),
  nonEmptyText.map((t) => ({ 'anything-but': { suffix: t } })),
  text.map((t) => ({ 'anything-but': { 'equals-ignore-case': t } })),
  wildcardText.map((w) => ({ 'anything-but': { wildcard: w } })),
  fc.tuple(fc.constantFrom('>', '>=', '<', '<=', '='), number).map(([op, n]) => ({ numeric: [op, n] })),
  range,
  fc.constantFrom('10.0.0.0/8', '10.0.0.0/24').map((c) => ({ cidr: c })),
);

const leaf = fc.array(condition, { minLength: 1, maxLength: 3 });

/** A valid pattern object nested at most `depth` levels, with `$or` branches now and then. */
export const patternObject = (depth: number): fc.Arbitrary<EventPattern> => {
  const value = depth === 0 ? leaf : fc.oneof({ arbitrary: leaf, weight: 3 }, patternObject(depth - 1));
  const fields = fc.dictionary(key, value, { minKeys: 1, maxKeys: 3 });
  if (depth === 0) return fields;
  const or = fc.option(fc.array(patternObject(depth - 1), { minLength: 2, maxLength: 3 }), { freq: 4 });
  return fc.tuple(fields, or).map(([f, branches]) => (branches ? { ...f, $or: branches } : f));
};

export const pattern = patternObject(2);

const eventValue = (depth: number): fc.Arbitrary<unknown> => {
  const leaves = fc.oneof({ arbitrary: scalar, weight: 4 }, fc.array(scalar, { maxLength: 3 }));
  if (depth === 0) return leaves;
  const object = fc.dictionary(key, eventValue(depth - 1), { maxKeys: 3 });
  return fc.oneof({ arbitrary: leaves, weight: 3 }, object, fc.array(object, { maxLength: 3 }));
};

/** An event over the same keys and values as the patterns. */
export const event = fc.dictionary(key, eventValue(2), { maxKeys: 3 });
