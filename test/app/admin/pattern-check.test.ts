import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../../../shared/app/admin/pattern-check.js';

const event = {
  id: '1',
  account: '123456789012',
  source: 'shop',
  time: '2026-11-02T09:00:00Z',
  region: 'eu-west-1',
  'detail-type': 'Order Completed',
  detail: { customerId: 'c-1', total: 120, currency: 'EUR' },
};
const check = (pattern: unknown, e: unknown = event) =>
  testEventPattern({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(e) });

describe('pattern check (EventBridge TestEventPattern)', () => {
  it.each([
    { pattern: { 'detail-type': ['Order Completed'] }, result: true },
    { pattern: { detail: { total: [{ numeric: ['>', 100] }] } }, result: true },
    { pattern: { detail: { total: [{ numeric: ['<', 100] }] } }, result: false },
    {
      pattern: { source: [{ prefix: 'sh' }], detail: { currency: [{ 'anything-but': 'USD' }] } },
      result: true,
    },
    { pattern: { detail: { coupon: [{ exists: true }] } }, result: false },
    { pattern: { $or: [{ source: ['crm'] }, { detail: { currency: ['EUR'] } }] }, result: true },
  ])('answers $result for $pattern', ({ pattern, result }) => {
    expect(check(pattern)).toEqual({ ok: true, result });
  });

  it('explains a malformed pattern with every problem, as InvalidEventPatternException', () => {
    const result = check({ detail: { total: [{ numeric: ['>>', 1] }], currency: 'EUR' } });

    expect(result).toMatchObject({ ok: false, code: 'InvalidEventPatternException' });
    if (result.ok) return;
    expect(result.message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^EventPattern\.detail\.total/),
        'EventPattern.detail.currency',
      ]),
    );
  });

  it('says a pattern that is not JSON is not JSON', () => {
    const result = testEventPattern({ EventPattern: '{"source": [', Event: JSON.stringify(event) });

    expect(result).toMatchObject({ ok: false, code: 'InvalidEventPatternException' });
    if (!result.ok) expect(result.message).toContain('is not JSON');
  });

  it.each(['id', 'account', 'source', 'time', 'region', 'detail-type'])(
    'refuses an event without %s, as AWS does (ValidationException)',
    (field) => {
      const { [field as keyof typeof event]: _left, ...rest } = event;

      expect(check({ source: ['shop'] }, rest)).toMatchObject({
        ok: false,
        code: 'ValidationException',
        message: `Parameter Event is not valid. Reason: Provided Event is missing required field ${field}.`,
      });
    },
  );

  it('accepts an event without resources (AWS does, despite its documentation)', () => {
    expect(check({ source: ['shop'] })).toEqual({ ok: true, result: true });
  });

  it.each([
    { input: { Event: '{}' }, message: "Value null at 'eventPattern'" },
    { input: { EventPattern: '{"source":["a"]}' }, message: "Value null at 'event'" },
    {
      input: { EventPattern: `{"source":["${'a'.repeat(5000)}"]}`, Event: '{}' },
      message: 'less than or equal to 4096',
    },
    { input: { EventPattern: '{"source":["a"]}', Event: '[1]' }, message: 'Parameter Event is not valid.' },
  ])('refuses a malformed request: $message', ({ input, message }) => {
    const result = testEventPattern(input);

    expect(result).toMatchObject({ ok: false, code: 'ValidationException' });
    if (!result.ok) expect(result.message).toContain(message);
  });
});
