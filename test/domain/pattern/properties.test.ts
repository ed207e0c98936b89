import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, type EventPattern, validatePattern } from '../../../shared/domain/pattern/index.js';
import { condition, event, number, pattern, scalar, text, wildcardText } from './arbitraries.js';

const matches = (p: EventPattern, e: unknown): boolean => compilePattern(p)(e);

/** A reference for wildcards: the same text as an anchored regular expression. */
const wildcardRegExp = (wildcard: string): RegExp =>
  new RegExp(
    `^${wildcard
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

describe('pattern properties', () => {
  it('anything-but [x] matches a present string exactly when [x] does not', () => {
    fc.assert(
      fc.property(
        text,
        text,
        (x, v) => matches({ f: [{ 'anything-but': [x] }] }, { f: v }) === !matches({ f: [x] }, { f: v }),
      ),
    );
  });

  it('anything-but [n] matches a present number exactly when [n] does not', () => {
    fc.assert(
      fc.property(
        number,
        number,
        (n, v) => matches({ f: [{ 'anything-but': [n] }] }, { f: v }) === !matches({ f: [n] }, { f: v }),
      ),
    );
  });

  it('anything-but prefix matches a present string exactly when the prefix does not', () => {
    fc.assert(
      fc.property(
        text.filter((t) => t !== ''),
        text,
        (p, v) => {
          const excluded = matches({ f: [{ 'anything-but': { prefix: p } }] }, { f: v });
          return excluded === !matches({ f: [{ prefix: p }] }, { f: v });
        },
      ),
    );
  });

  it('a $or matches exactly when one of its branches matches', () => {
    fc.assert(
      fc.property(pattern, pattern, event, (left, right, e) => {
        expect(matches({ $or: [left, right] }, e)).toBe(matches(left, e) || matches(right, e));
      }),
      { numRuns: 300 },
    );
  });

  it('a value list matches exactly when one of its values matches', () => {
    fc.assert(
      fc.property(condition, condition, event, (first, second, e) => {
        expect(matches({ a: [first, second] }, e)).toBe(
          matches({ a: [first] }, e) || matches({ a: [second] }, e),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('every generated pattern is valid', () => {
    fc.assert(fc.property(pattern, (p) => validatePattern(p).length === 0));
  });

  it('compilePattern throws exactly when validatePattern lists problems', () => {
    const anyPattern = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom('a', '$or'), fc.jsonValue(), { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(anyPattern, (p) => {
        const problems = validatePattern(p);
        let threw = false;
        try {
          compilePattern(p);
        } catch {
          threw = true;
        }
        return threw === problems.length > 0;
      }),
      { numRuns: 500 },
    );
  });

  it('never throws while matching any JSON event', () => {
    fc.assert(fc.property(pattern, fc.jsonValue(), (p, e) => typeof matches(p, e) === 'boolean'));
  });

  it('matches wildcards like the equivalent anchored regular expression', () => {
    const subject = fc.string({ unit: fc.constantFrom('x', 'y', 'X'), maxLength: 6 });
    fc.assert(
      fc.property(
        wildcardText,
        subject,
        (w, s) => matches({ f: [{ wildcard: w }] }, { f: s }) === wildcardRegExp(w).test(s),
      ),
      { numRuns: 500 },
    );
  });

  it('matches numeric ranges like the comparisons they spell', () => {
    const op = fc.constantFrom('>', '>=');
    const upper = fc.constantFrom('<', '<=');
    fc.assert(
      fc.property(op, number, upper, number, scalar, (lowOp, low, highOp, high, v) => {
        fc.pre(low < high);
        const expected =
          typeof v === 'number' &&
          (lowOp === '>' ? v > low : v >= low) &&
          (highOp === '<' ? v < high : v <= high);
        return matches({ f: [{ numeric: [lowOp, low, highOp, high] }] }, { f: v }) === expected;
      }),
    );
  });

  it('matches prefixes and suffixes ignoring case like lower-cased comparisons', () => {
    fc.assert(
      fc.property(text, scalar, (t, v) => {
        const s = typeof v === 'string' ? v.toLowerCase() : undefined;
        const prefix = matches({ f: [{ prefix: { 'equals-ignore-case': t } }] }, { f: v });
        const suffix = matches({ f: [{ suffix: { 'equals-ignore-case': t } }] }, { f: v });
        return (
          prefix === (s?.startsWith(t.toLowerCase()) ?? false) &&
          suffix === (s?.endsWith(t.toLowerCase()) ?? false)
        );
      }),
    );
  });

  it('matches exists:true exactly when exists:false does not', () => {
    fc.assert(
      fc.property(event, (e) => {
        const top = matches({ a: [{ exists: true }] }, e) === !matches({ a: [{ exists: false }] }, e);
        const nested =
          matches({ a: { b: [{ exists: true }] } }, e) === !matches({ a: { b: [{ exists: false }] } }, e);
        return top && nested;
      }),
    );
  });
});
