import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import { compilePattern, type EventPattern, PatternIndex } from '../../../shared/domain/pattern/index.js';
import { event, pattern, scalar } from './arbitraries.js';

const indexOf = (patterns: Record<string, EventPattern>): PatternIndex<string> => {
  const index = new PatternIndex<string>();
  for (const [id, p] of Object.entries(patterns)) index.add(id, p, id);
  return index;
};

const triggers: Record<string, EventPattern> = {
  bigOrder: { 'detail-type': ['order.placed'], detail: { total: [{ numeric: ['>', 100] }] } },
  shoes: { 'detail-type': ['order.placed'], detail: { productId: ['shoes-1'] } },
  spring: { 'detail-type': ['order.placed', 'order.paid'], detail: { campaignId: ['spring'] } },
  vipAnywhere: { detail: { segment: [{ prefix: 'vip-' }] } },
  noCoupon: { detail: { coupon: [{ exists: false }] } },
  goldOrBig: {
    'detail-type': ['order.placed'],
    $or: [{ detail: { tier: ['gold'] } }, { detail: { total: [{ numeric: ['>=', 500] }] } }],
  },
  tagged: { 'detail-type': ['order.placed'], detail: { tags: ['new'] } },
};

type Row = [behaviour: string, event: unknown, expected: string[]];

const rows: Row[] = [
  [
    'finds the product trigger and the big-order trigger for a large shoe order',
    { 'detail-type': 'order.placed', detail: { productId: 'shoes-1', total: 150, coupon: 'X' } },
    ['bigOrder', 'shoes'],
  ],
  [
    'finds a trigger listed under one of several detail-types',
    { 'detail-type': 'order.paid', detail: { campaignId: 'spring', coupon: 'X' } },
    ['spring'],
  ],
  [
    'finds triggers without any exact field',
    { 'detail-type': 'profile.updated', detail: { segment: 'vip-eu' } },
    ['vipAnywhere', 'noCoupon'],
  ],
  [
    'finds a $or trigger through either branch',
    { 'detail-type': 'order.placed', detail: { tier: 'silver', total: 900, coupon: 'X' } },
    ['bigOrder', 'goldOrBig'],
  ],
  [
    'finds a trigger whose value sits inside an event array',
    { 'detail-type': 'order.placed', detail: { tags: ['old', 'new'], coupon: 'X' } },
    ['tagged'],
  ],
  ['finds nothing for an unrelated event', { 'detail-type': 'page.viewed', detail: { coupon: 'X' } }, []],
  ['finds only the absent-field trigger for an event that is not an object', 'order.placed', ['noCoupon']],
];

describe('PatternIndex', () => {
  it.each(rows)('%s', (_behaviour, e, expected) => {
    expect(indexOf(triggers).match(e)).toEqual(expected);
  });

  it('returns values in the order the patterns were added', () => {
    const index = new PatternIndex<number>();
    index.add('z', { a: ['1'] }, 1);
    index.add('y', { a: [{ prefix: '1' }] }, 2);
    index.add('x', { b: ['2'] }, 3);
    expect(index.match({ a: '1', b: '2' })).toEqual([1, 2, 3]);
  });

  it('no longer finds a removed pattern', () => {
    const index = indexOf(triggers);
    expect(index.remove('shoes')).toBe(true);
    expect(index.remove('noCoupon')).toBe(true);
    expect(index.match({ 'detail-type': 'order.placed', detail: { productId: 'shoes-1' } })).toEqual([]);
    expect(index.size).toBe(Object.keys(triggers).length - 2);
  });

  it('tells when there was nothing to remove', () => {
    expect(new PatternIndex<string>().remove('missing')).toBe(false);
  });

  it('replaces the pattern filed under the same id', () => {
    const index = indexOf({ t: { a: ['1'] } });
    index.add('t', { a: ['2'] }, 'new');
    expect([index.match({ a: '1' }), index.match({ a: '2' }), index.size]).toEqual([[], ['new'], 1]);
  });

  it('keeps the old pattern when the replacement is invalid', () => {
    const index = indexOf({ t: { a: ['1'] } });
    expect(() => index.add('t', { a: 'oops' }, 'bad')).toThrow(ValidationError);
    expect(index.match({ a: '1' })).toEqual(['t']);
  });

  it('reports each pattern once even when several of its alternatives match', () => {
    const index = indexOf({ t: { $or: [{ a: ['1'] }, { b: ['2'] }], c: ['3', '4'] } });
    expect(index.match({ a: ['1', '1'], b: '2', c: ['3', '4'] })).toEqual(['t']);
  });

  it('keeps array elements apart as compilePattern does', () => {
    const index = indexOf({ t: { items: { sku: ['A'], qty: [2] } } });
    expect(
      index.match({
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 2 },
        ],
      }),
    ).toEqual([]);
    expect(
      index.match({
        items: [
          { sku: 'B', qty: 1 },
          { sku: 'A', qty: 2 },
        ],
      }),
    ).toEqual(['t']);
  });

  it('binds the remaining conditions to one array element too', () => {
    const index = indexOf({
      t: { 'detail-type': ['x'], items: { sku: [{ prefix: 'A' }], qty: [{ numeric: ['>', 1] }] } },
    });
    const event = (items: unknown) => ({ 'detail-type': 'x', items });
    expect(
      index.match(
        event([
          { sku: 'A1', qty: 1 },
          { sku: 'B', qty: 2 },
        ]),
      ),
    ).toEqual([]);
    expect(
      index.match(
        event([
          { sku: 'B', qty: 1 },
          { sku: 'A1', qty: 2 },
        ]),
      ),
    ).toEqual(['t']);
    expect(index.match(event({ sku: 'A1', qty: 2 }))).toEqual(['t']);
  });

  it('does not confuse values of different types', () => {
    const index = indexOf({
      one: { a: [1] },
      text: { a: ['1'] },
      yes: { a: [true] },
      nothing: { a: [null] },
    });
    expect([
      index.match({ a: 1 }),
      index.match({ a: '1' }),
      index.match({ a: true }),
      index.match({ a: null }),
    ]).toEqual([['one'], ['text'], ['yes'], ['nothing']]);
  });

  it('reads no inherited property of the event', () => {
    const index = indexOf({ t: { constructor: { name: ['Object'] } } });
    expect(index.match({})).toEqual([]);
    expect(index.match(JSON.parse('{"constructor":{"name":"Object"}}'))).toEqual(['t']);
  });

  it('files a pattern with many listed values under each of them', () => {
    const values = Array.from({ length: 200 }, (_, i) => `p${i}`);
    const index = indexOf({ many: { a: values, b: ['x', 'y'] } });
    expect([index.match({ a: 'p150', b: 'y' }), index.match({ a: 'p150', b: 'z' })]).toEqual([['many'], []]);
  });

  it('finds exactly what a linear scan of compiled patterns finds', () => {
    const structured = fc.record({
      'detail-type': fc.array(scalar, { minLength: 1, maxLength: 2 }),
      detail: pattern,
    });
    const anyPattern = fc.oneof(pattern, structured);
    const anyEvent = fc.oneof(event, fc.record({ 'detail-type': scalar, detail: event }));
    fc.assert(
      fc.property(
        fc.array(anyPattern, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(anyEvent, { minLength: 1, maxLength: 10 }),
        (patterns, removals, events) => {
          const index = new PatternIndex<number>();
          const live = new Map<string, { matcher: (e: unknown) => boolean; seq: number }>();
          patterns.forEach((p, i) => {
            const id = `p${i % 20}`;
            index.add(id, p, i);
            live.set(id, { matcher: compilePattern(p), seq: i });
          });
          for (const r of removals) {
            const id = `p${r % 20}`;
            expect(index.remove(id)).toBe(live.delete(id));
          }
          for (const e of events) {
            const expected = [...live.values()].filter(({ matcher }) => matcher(e)).map(({ seq }) => seq);
            expect(index.match(e)).toEqual(expected.sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it('stays in step with a linear scan while patterns are added, replaced and removed between events', () => {
    const step = fc.oneof(
      fc.record({ add: fc.nat(9), pattern }),
      fc.record({ remove: fc.nat(9) }),
      fc.record({ event }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const index = new PatternIndex<number>();
        const live = new Map<string, { matcher: (e: unknown) => boolean; seq: number }>();
        steps.forEach((s, i) => {
          if ('add' in s) {
            index.add(`p${s.add}`, s.pattern, i);
            live.delete(`p${s.add}`);
            live.set(`p${s.add}`, { matcher: compilePattern(s.pattern), seq: i });
          } else if ('remove' in s) {
            expect(index.remove(`p${s.remove}`)).toBe(live.delete(`p${s.remove}`));
          } else {
            const expected = [...live.values()]
              .filter(({ matcher }) => matcher(s.event))
              .map(({ seq }) => seq);
            expect(index.match(s.event)).toEqual(expected.sort((a, b) => a - b));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
