import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EventPattern,
  type IndexSnapshot,
  PatternIndex,
  SNAPSHOT_FORMAT,
} from '../../../shared/domain/pattern/index.js';
import { event, pattern } from './arbitraries.js';

/** A snapshot as it comes back from the store: through JSON. */
const throughJson = (index: PatternIndex<unknown>): IndexSnapshot =>
  JSON.parse(JSON.stringify(index.snapshot()));

const loaded = (index: PatternIndex<unknown>): PatternIndex<string> =>
  PatternIndex.fromSnapshot(throughJson(index), (id) => id);

const indexOf = (patterns: EventPattern[]): PatternIndex<string> => {
  const index = new PatternIndex<string>();
  patterns.forEach((p, i) => {
    index.add(`p${i}`, p, `p${i}`);
  });
  return index;
};

const order = (productId: string) => ({
  'detail-type': ['order.placed'],
  detail: { productId: [productId] },
});
const placed = (productId: string) => ({ 'detail-type': 'order.placed', detail: { productId } });

describe('PatternIndex loaded from a snapshot', () => {
  it('matches exactly what the index it was taken from matches, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 6 }),
        fc.array(event, { maxLength: 8 }),
        (patterns, events) => {
          const built = indexOf(patterns);
          const index = loaded(built);
          expect(index.size).toBe(patterns.length);
          for (const e of events) expect(index.match(e)).toEqual(built.match(e));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('changes like any index: patterns added, replaced and removed after loading', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 2, maxLength: 6 }),
        pattern,
        fc.array(event, { maxLength: 6 }),
        (patterns, replacement, events) => {
          const built = indexOf(patterns);
          const index = loaded(built);
          // Reach part of it first, so that some nodes are made and some still stored.
          if (events[0]) index.match(events[0]);
          for (const changed of [built, index]) {
            changed.remove('p0');
            changed.add('p1', replacement, 'p1');
            changed.add('new', patterns[0] ?? {}, 'new');
          }
          expect(index.has('p0')).toBe(false);
          expect(index.size).toBe(built.size);
          for (const e of events) expect(index.match(e)).toEqual(built.match(e));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives each pattern the value `valueFor` makes for it, only once an event reaches it', () => {
    const built = new PatternIndex<number>();
    for (let n = 0; n < 100; n++) built.add(`shoes-${n}`, order(`shoes-${n}`), n);
    const made: string[] = [];
    const index = PatternIndex.fromSnapshot(throughJson(built), (id, position) => {
      made.push(id);
      return position * 10;
    });

    expect(index.match(placed('shoes-42'))).toEqual([420]);
    expect(index.match(placed('shoes-42'))).toEqual([420]);
    expect(made).toEqual(['shoes-42']);
  });

  it('keeps patterns checked for every event, and patterns filed under several values', () => {
    const built = new PatternIndex<string>();
    built.add('any-large', { detail: { total: [{ numeric: ['>', 100] }] } }, 'any-large');
    built.add('two', { 'detail-type': ['order.placed', 'order.paid'] }, 'two');
    built.add('or', { $or: [{ source: ['shop'] }, { detail: { vip: [true] } }] }, 'or');
    const index = loaded(built);
    const paid = { 'detail-type': 'order.paid', source: 'app', detail: { total: 120, vip: true } };

    expect(index.match(paid)).toEqual(['any-large', 'two', 'or']);
    expect(index.match({ 'detail-type': 'order.placed', source: 'shop', detail: {} })).toEqual(['two', 'or']);
    index.remove('two');
    expect(index.match(paid)).toEqual(['any-large', 'or']);
  });

  it('refuses what is not a snapshot this release can load', () => {
    const good = throughJson(new PatternIndex<string>());
    for (const bad of [
      null,
      'text',
      { ...good, format: SNAPSHOT_FORMAT + 1 },
      { ...good, filing: 0 },
      { ...good, ids: ['a'] },
      { ...good, root: [0] },
    ]) {
      expect(() => PatternIndex.fromSnapshot(bad, (id) => id)).toThrow(/index snapshot/);
    }
  });

  it('will not carry over a stored filing that no event has checked', () => {
    const index = new PatternIndex<string>();
    index.addFiled('shoes', order('shoes-1'), PatternIndex.filingOf(order('shoes-1')), 'shoes');
    expect(() => index.snapshot()).toThrow(/not checked/);
    index.match(placed('shoes-1'));
    expect(loaded(index).match(placed('shoes-1'))).toEqual(['shoes']);
  });
});
