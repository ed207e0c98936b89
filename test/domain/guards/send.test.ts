import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChannelFacts,
  channelBlock,
  frequencyBlock,
  normaliseAddress,
} from '../../../shared/domain/guards/send.js';

const ada = { email: 'ada@example.com', phone: '+4915112345678' };
const facts = (overrides: Partial<ChannelFacts>): ChannelFacts => ({
  channel: 'email',
  category: 'care',
  profile: { ...ada, consent: { email: true, sms: true } },
  consentRequired: false,
  ...overrides,
});

describe('channel guard', () => {
  it.each([
    ['care email with an opt-in', facts({}), null],
    ['care email without any consent given', facts({ profile: { ...ada, consent: {} } }), null],
    [
      'care email after opting out of email',
      facts({ profile: { ...ada, consent: { email: false } } }),
      'opted-out',
    ],
    ['marketing email with an opt-in', facts({ category: 'marketing' }), null],
    [
      'marketing email without an opt-in (never given, or unsubscribed)',
      facts({ category: 'marketing', profile: { ...ada, consent: {} } }),
      'no-consent',
    ],
    [
      'marketing email after opting out',
      facts({ category: 'marketing', profile: { ...ada, consent: { email: false } } }),
      'opted-out',
    ],
    [
      'care email whose journey asks for consent',
      facts({ consentRequired: true, profile: { ...ada, consent: {} } }),
      'no-consent',
    ],
    [
      'an email to a customer without an address',
      facts({ profile: { phone: ada.phone, consent: { email: true } } }),
      'no-address',
    ],
    [
      'an SMS to a customer without a phone',
      facts({ channel: 'sms', profile: { email: ada.email, consent: { sms: true } } }),
      'no-address',
    ],
    [
      'a marketing SMS without an SMS opt-in',
      facts({ channel: 'sms', category: 'marketing', profile: { ...ada, consent: { email: true } } }),
      'no-consent',
    ],
    ['anything to a customer careflow has no profile of', facts({ profile: null }), 'no-profile'],
    [
      'marketing email after unsubscribing from marketing',
      facts({
        category: 'marketing',
        profile: { ...ada, consent: { email: true }, attributes: { emailMarketing: 'unsubscribed' } },
      }),
      'unsubscribed',
    ],
    [
      'care email after unsubscribing from marketing, even when the journey asks for consent',
      facts({
        consentRequired: true,
        profile: { ...ada, consent: { email: true }, attributes: { emailMarketing: 'unsubscribed' } },
      }),
      null,
    ],
    [
      'marketing SMS after unsubscribing from email marketing',
      facts({
        channel: 'sms',
        category: 'marketing',
        profile: { ...ada, consent: { sms: true }, attributes: { emailMarketing: 'unsubscribed' } },
      }),
      null,
    ],
    [
      'marketing email after subscribing again',
      facts({
        category: 'marketing',
        profile: { ...ada, consent: { email: true }, attributes: { emailMarketing: 'subscribed' } },
      }),
      null,
    ],
  ])('%s → %s', (_, given, expected) => {
    expect(channelBlock(given)).toBe(expected);
  });

  it('never lets a message through to a customer who opted out of the channel (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('email' as const, 'sms' as const),
        fc.constantFrom('care' as const, 'marketing' as const),
        fc.boolean(),
        fc.record({
          email: fc.option(fc.boolean(), { nil: undefined }),
          sms: fc.option(fc.boolean(), { nil: undefined }),
        }),
        (channel, category, consentRequired, consent) => {
          const verdict = channelBlock({ channel, category, consentRequired, profile: { ...ada, consent } });
          if (consent[channel] === false) expect(verdict).toBe('opted-out');
          if (category === 'marketing' && consent[channel] !== true) expect(verdict).not.toBeNull();
        },
      ),
    );
  });
});

describe('frequency cap', () => {
  const cap = { max: 3, window: 'P7D' };
  const now = '2026-11-10T12:00:00.000Z';

  it.each([
    ['two marketing messages this week', 'marketing', ['2026-11-04T12:00:00Z', '2026-11-09T12:00:00Z'], null],
    [
      'three marketing messages this week',
      'marketing',
      ['2026-11-04T12:00:00Z', '2026-11-08T12:00:00Z', '2026-11-09T12:00:00Z'],
      'frequency-cap',
    ],
    [
      'three messages, one older than seven days',
      'marketing',
      ['2026-11-03T11:59:00Z', '2026-11-08T12:00:00Z', '2026-11-09T12:00:00Z'],
      null,
    ],
    [
      'a care message after three marketing ones',
      'care',
      ['2026-11-04T12:00:00Z', '2026-11-08T12:00:00Z', '2026-11-09T12:00:00Z'],
      null,
    ],
  ] as const)('%s → %s', (_, category, recent, expected) => {
    expect(frequencyBlock(category, recent, cap, now)).toBe(expected);
  });

  it('does not cap when no cap is configured', () => {
    expect(frequencyBlock('marketing', [now, now, now, now], null, now)).toBeNull();
  });
});

describe('suppression addresses', () => {
  it('compares addresses without case or surrounding space', () => {
    expect(normaliseAddress('  Ada@Example.COM ')).toBe(normaliseAddress('ada@example.com'));
  });
});
