import { describe, expect, it } from 'vitest';
import { Journey, type JourneyInput } from '../../../shared/domain/journey/definition.js';
import { audienceView, decideEntry, entryDay, tierOf } from '../../../shared/domain/journey/entry.js';
import type { Instance } from '../../../shared/domain/journey/instance.js';

const NOW = '2026-11-02T09:00:00.000Z';
const journeyWith = (overrides: Partial<JourneyInput>): Journey =>
  Journey.parse({
    id: 'demo',
    name: 'Demo',
    category: 'marketing',
    trigger: {},
    start: 'end',
    steps: { end: { type: 'exit' } },
    ...overrides,
  });

const instance = (status: Instance['status'], startedAt: string, id = startedAt): Instance => ({
  schemaVersion: 1,
  instanceId: id,
  journeyId: 'demo',
  journeyVersion: 1,
  customerId: 'c-1',
  status,
  stepId: 'end',
  waiting: status === 'active' ? { kind: 'timer', until: NOW } : null,
  trigger: { id: `e-${id}`, detailType: 'X', source: 's', time: startedAt, detail: {} },
  lastEvent: null,
  path: [],
  version: 1,
  startedAt,
  updatedAt: startedAt,
  endedAt: status === 'active' ? null : startedAt,
  endReason: null,
});

/** An instance of a journey with a conversion window of a week that started a day before NOW. */
const windowed = (
  status: Instance['status'],
  group: 'treatment' | 'control',
  convertedAt: string | null = null,
  until = '2026-11-08T09:00:00.000Z',
): Instance => {
  const base = instance(status, '2026-11-01T09:00:00.000Z');
  const open = status === 'holdout' && convertedAt === null && until > NOW;
  return {
    ...base,
    waiting: open ? { kind: 'goal', until } : base.waiting,
    endedAt: open ? null : base.endedAt,
    goalWindow: { group, until, convertedAt },
  };
};

const vip = {
  customerId: 'c-1',
  consent: { email: true },
  attributes: { tier: 'vip' },
  birthday: '1990-07-14',
};

describe('who may enter a journey', () => {
  it.each([
    ['a VIP into a VIP journey', { audience: { when: { tier: ['vip'] } } }, vip, [], null],
    [
      'a regular customer into a VIP journey',
      { audience: { when: { tier: ['vip'] } } },
      { ...vip, attributes: { tier: 'regular' } },
      [],
      'not in the audience',
    ],
    [
      'a customer without a tier counts as potential',
      { audience: { when: { tier: ['potential'] } } },
      { customerId: 'c-1' },
      [],
      null,
    ],
    [
      'a profile condition on the birthday',
      { audience: { when: { profile: { birthday: [{ exists: true }] } } } },
      vip,
      [],
      null,
    ],
    [
      'a profile condition on a missing birthday',
      { audience: { when: { profile: { birthday: [{ exists: true }] } } } },
      { customerId: 'c-1' },
      [],
      'not in the audience',
    ],
    [
      'a consent condition',
      { audience: { when: { consent: { sms: [true] } } } },
      vip,
      [],
      'not in the audience',
    ],
    [
      'audience consent that was never given',
      { audience: { consent: 'email' as const } },
      { customerId: 'c-1', consent: {} },
      [],
      'audience requires email consent',
    ],
    [
      'a marketing journey after an unsubscribe from marketing',
      { audience: { consent: 'email' as const } },
      { ...vip, attributes: { emailMarketing: 'unsubscribed' } },
      [],
      'unsubscribed from email marketing',
    ],
    [
      'a care journey after an unsubscribe from marketing',
      { category: 'care' as const, audience: { consent: 'email' as const } },
      { ...vip, attributes: { emailMarketing: 'unsubscribed' } },
      [],
      null,
    ],
    [
      'audience consent before the profile has arrived',
      { audience: { consent: 'email' as const } },
      null,
      [],
      null,
    ],
    [
      'a second instance while one runs',
      {},
      vip,
      [instance('active', '2026-11-01T00:00:00.000Z')],
      'already in the journey',
    ],
    [
      'a third instance, two at once allowed',
      { reentry: { allowed: true, maxConcurrent: 2 } },
      vip,
      [
        instance('active', '2026-11-01T00:00:00.000Z', 'a'),
        instance('active', '2026-11-01T01:00:00.000Z', 'b'),
      ],
      'already in the journey 2 times',
    ],
    [
      'a second instance, two at once allowed',
      { reentry: { allowed: true, maxConcurrent: 2 } },
      vip,
      [instance('active', '2026-11-01T00:00:00.000Z')],
      null,
    ],
    [
      'again, when re-entry is not allowed',
      { reentry: { allowed: false } },
      vip,
      [instance('completed', '2026-01-01T00:00:00.000Z')],
      're-entry is not allowed',
    ],
    [
      'again within the cooldown',
      { reentry: { allowed: true, cooldown: 'P30D' } },
      vip,
      [instance('completed', '2026-10-20T00:00:00.000Z')],
      're-entry cooldown P30D has not passed',
    ],
    [
      'again after the cooldown',
      { reentry: { allowed: true, cooldown: 'P30D' } },
      vip,
      [instance('completed', '2026-09-20T00:00:00.000Z')],
      null,
    ],
    [
      'again after being held out, within the cooldown',
      { reentry: { allowed: true, cooldown: 'P30D' } },
      vip,
      [instance('holdout', '2026-10-30T00:00:00.000Z')],
      're-entry cooldown P30D has not passed',
    ],
    [
      'a held-out customer again while the conversion window is open',
      {},
      vip,
      [windowed('holdout', 'control')],
      'already in the journey (its conversion window is open)',
    ],
    [
      'a treated customer again after the journey, while the conversion window is open',
      {},
      vip,
      [windowed('completed', 'treatment')],
      'already in the journey (its conversion window is open)',
    ],
    [
      'a held-out customer again after converting',
      {},
      vip,
      [windowed('holdout', 'control', '2026-11-01T12:00:00.000Z')],
      null,
    ],
    [
      'a treated customer again after converting',
      {},
      vip,
      [windowed('converted', 'treatment', '2026-11-01T12:00:00.000Z')],
      null,
    ],
    [
      'a held-out customer again once the window ended',
      {},
      vip,
      [windowed('holdout', 'control', null, '2026-11-02T08:00:00.000Z')],
      null,
    ],
    [
      'a treated customer again once the window ended',
      {},
      vip,
      [windowed('completed', 'treatment', null, '2026-11-02T08:00:00.000Z')],
      null,
    ],
  ])('%s', (_, overrides, profile, instances, reason) => {
    const decision = decideEntry(journeyWith(overrides as Partial<JourneyInput>), {
      instances,
      profile,
      now: NOW,
    });
    expect(decision).toEqual(reason === null ? { enter: true } : { enter: false, reason });
  });

  it('shows conditions the profile, the tier and explicit opt-ins', () => {
    expect(
      audienceView({
        customerId: 'c-1',
        consent: { email: true, sms: false },
        attributes: { tier: 'regular' },
      }),
    ).toEqual({
      profile: { customerId: 'c-1', consent: { email: true, sms: false }, attributes: { tier: 'regular' } },
      tier: 'regular',
      consent: { email: true, sms: false },
    });
    expect(tierOf(null)).toBe('potential');
  });

  it('counts entries per UTC day', () => {
    expect(entryDay('2026-11-02T23:59:59.999Z')).toBe('2026-11-02');
    expect(entryDay('2026-11-03T00:30:00+02:00')).toBe('2026-11-02');
  });
});
