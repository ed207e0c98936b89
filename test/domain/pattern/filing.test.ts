import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventPattern } from '../../../shared/domain/pattern/index.js';
import { FILING_FORMAT, type Filing, PatternIndex } from '../../../shared/domain/pattern/pattern-index.js';
import { event, pattern } from './arbitraries.js';

/** A filing as it comes back from the store: through JSON, as a DynamoDB item would carry it. */
const stored = (p: EventPattern): Filing => JSON.parse(JSON.stringify(PatternIndex.filingOf(p)));

const order = { 'detail-type': ['order.placed'], detail: { productId: ['shoes-1'] } };
const placed = (productId: string) => ({ 'detail-type': 'order.placed', detail: { productId } });

describe('PatternIndex loaded from stored filings', () => {
  it('matches exactly what an index built from the patterns matches', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 6 }),
        fc.array(event, { maxLength: 8 }),
        (patterns, events) => {
          const parsed = new PatternIndex<number>();
          const filed = new PatternIndex<number>();
          const texts = new PatternIndex<number>();
          patterns.forEach((p, i) => {
            parsed.add(`p${i}`, p, i);
            filed.addFiled(`p${i}`, p, stored(p), i);
            texts.addFiled(`p${i}`, JSON.stringify(p), JSON.stringify(PatternIndex.filingOf(p)), i);
          });
          for (const e of events) {
            const expected = parsed.match(e);
            expect(filed.match(e)).toEqual(expected);
            expect(texts.match(e)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('files a pattern under the values of its exact fields', () => {
    const filing = PatternIndex.filingOf({
      'detail-type': ['order.placed', 'order.paid'],
      detail: { productId: ['shoes-1'], total: [{ numeric: ['>', 100] }] },
    });
    expect(filing).toEqual([
      FILING_FORMAT,
      [
        ['detail-type', ['order.placed', 'order.paid']],
        ['detail', 'productId', ['shoes-1']],
      ],
    ]);
    expect(PatternIndex.filingOf({ detail: { total: [{ numeric: ['>', 100] }] } })).toEqual([
      FILING_FORMAT,
      null,
    ]);
  });

  // Filings are stored: when one of these changes, raise FILING_FORMAT, so that the filings stored
  // by earlier releases are no longer used.
  it('files alternatives of $or and of exists:false mixed with values separately', () => {
    const filing = PatternIndex.filingOf({
      'detail-type': ['order.placed'],
      $or: [{ detail: { tier: ['gold', 'platinum'] } }, { detail: { total: [{ numeric: ['>=', 500] }] } }],
      detail: { coupon: ['SAVE10', { exists: false }] },
    });
    expect(filing).toEqual([
      FILING_FORMAT,
      [
        ['detail-type', ['order.placed']],
        ['detail', 'coupon', ['SAVE10']],
        ['detail', 'tier', ['gold', 'platinum']],
      ],
      [
        ['detail-type', ['order.placed']],
        ['detail', 'coupon', ['SAVE10']],
      ],
      [
        ['detail-type', ['order.placed']],
        ['detail', 'tier', ['gold', 'platinum']],
      ],
      [['detail-type', ['order.placed']]],
    ]);
  });

  it('never reports a match a wrong filing would suggest, and files the pattern from itself once reached', () => {
    const heard: [string, Error | undefined][] = [];
    const index = new PatternIndex<string>((id, problem) => heard.push([id, problem]));
    const wrong = stored({ 'detail-type': ['order.placed'], detail: { productId: ['boots-9'] } });
    index.addFiled('shoes', order, wrong, 'shoes');

    expect(index.match(placed('boots-9'))).toEqual([]);
    expect(heard).toEqual([['shoes', undefined]]);
    expect(index.match(placed('shoes-1'))).toEqual(['shoes']);
  });

  it('reports a match right away when the wrong filing still led the event to the pattern', () => {
    const index = new PatternIndex<string>();
    const broad = stored({ 'detail-type': ['order.placed'] });
    index.addFiled('shoes', order, broad, 'shoes');
    expect(index.match(placed('shoes-1'))).toEqual(['shoes']);
    expect(index.match(placed('shoes-1'))).toEqual(['shoes']);
  });

  it('keeps the order patterns were added in after filing one again', () => {
    const index = new PatternIndex<string>();
    index.addFiled('first', order, stored({ 'detail-type': ['order.placed'] }), 'first');
    index.addFiled(
      'second',
      { 'detail-type': ['order.placed'] },
      stored({ 'detail-type': ['order.placed'] }),
      'second',
    );
    expect(index.match(placed('shoes-1'))).toEqual(['first', 'second']);
    expect(index.match(placed('shoes-1'))).toEqual(['first', 'second']);
  });

  it('files from the pattern at once a filing of another format, or none', () => {
    const heard: string[] = [];
    const index = new PatternIndex<string>((id) => heard.push(id));
    const older = [FILING_FORMAT + 1, ...stored({ 'detail-type': ['order.placed'] }).slice(1)];
    index.addFiled('older', order, older, 'older');
    index.addFiled('none', order, undefined, 'none');
    expect(index.match(placed('shoes-1'))).toEqual(['older', 'none']);
    expect(heard).toEqual([]);
  });

  it('refuses a bad pattern at once when it has no usable filing', () => {
    const index = new PatternIndex<string>();
    expect(() =>
      index.addFiled('bad', { detail: { total: [{ numeric: ['>'] }] } }, undefined, 'bad'),
    ).toThrow(/numeric/);
  });

  it('takes the pattern and the filing as the JSON text they are stored as', () => {
    const heard: [string, string | undefined][] = [];
    const index = new PatternIndex<string>((id, problem) => heard.push([id, problem?.message]));
    const filing = JSON.stringify(PatternIndex.filingOf({ 'detail-type': ['order.placed'] }));
    index.addFiled('shoes', JSON.stringify(order), JSON.stringify(PatternIndex.filingOf(order)), 'shoes');
    index.addFiled('torn', '{"detail-type": ["order.placed"', filing, 'torn');

    expect(index.match(placed('shoes-1'))).toEqual(['shoes']);
    expect(index.has('torn')).toBe(false);
    expect(heard).toEqual([['torn', 'pattern is not valid JSON']]);
    expect(() => index.addFiled('torn', '{"detail-type"', '{"format":', 'torn')).toThrow(
      'pattern is not valid JSON',
    );
  });

  it('drops a bad pattern that came with a filing once an event reaches it, and says why', () => {
    const heard: [string, string | undefined][] = [];
    const index = new PatternIndex<string>((id, problem) => heard.push([id, problem?.message]));
    const bad = { 'detail-type': ['order.placed'], detail: { total: [{ numeric: ['>'] }] } };
    index.addFiled('bad', bad, stored({ 'detail-type': ['order.placed'] }), 'bad');
    index.add('good', { 'detail-type': ['order.placed'] }, 'good');

    expect(index.match(placed('shoes-1'))).toEqual(['good']);
    expect(index.has('bad')).toBe(false);
    expect(heard).toHaveLength(1);
    expect(heard[0]?.[0]).toBe('bad');
    expect(heard[0]?.[1]).toMatch(/numeric/);
  });
});
