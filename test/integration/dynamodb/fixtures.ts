import type { MessageRecord, Profile, SurveyAnswer } from '../../../shared/app/ports.js';
import { Journey, type JourneyInput } from '../../../shared/domain/journey/definition.js';
import type { Instance } from '../../../shared/domain/journey/instance.js';

/** Builders of valid stored values; each test overrides what it is about. */

export const aProfile = (overrides: Partial<Profile> = {}): Profile => ({
  customerId: 'c-1',
  email: 'ada@example.com',
  name: 'Ada',
  timezone: 'Europe/Berlin',
  locale: 'de-DE',
  consent: { email: true },
  attributes: { tier: 'vip', tags: ['early', 'loyal'], spend: 1234.5 },
  createdAt: '2026-11-01T08:00:00.000Z',
  updatedAt: '2026-11-02T08:00:00.000Z',
  ...overrides,
});

export const anInstance = (overrides: Partial<Instance> = {}): Instance => ({
  schemaVersion: 1,
  instanceId: 'i-1',
  journeyId: 'post-purchase-survey',
  journeyVersion: 1,
  customerId: 'c-1',
  status: 'active',
  stepId: 'wait',
  waiting: { kind: 'timer', until: '2026-11-03T09:00:00.000Z' },
  trigger: {
    id: 'evt-1',
    detailType: 'Order Completed',
    source: 'shop',
    time: '2026-11-02T09:00:00.000Z',
    detail: {
      customerId: 'c-1',
      orderId: 'o-1',
      total: 42.5,
      items: [{ sku: 'a', quantity: 1 }],
      note: null,
    },
  },
  lastEvent: null,
  path: ['wait'],
  version: 1,
  startedAt: '2026-11-02T09:00:00.000Z',
  updatedAt: '2026-11-02T09:00:00.000Z',
  endedAt: null,
  endReason: null,
  ...overrides,
});

export const aMessage = (overrides: Partial<MessageRecord> = {}): MessageRecord => ({
  messageId: 'm-1',
  customerId: 'c-1',
  channel: 'email',
  to: 'ada@example.com',
  subject: 'How did we do?',
  journeyId: 'post-purchase-survey',
  instanceId: 'i-1',
  stepId: 'invite',
  template: 'survey-nps',
  status: 'sending',
  reason: null,
  providerMessageId: null,
  sentAt: '2026-11-03T09:00:00.000Z',
  updatedAt: '2026-11-03T09:00:00.000Z',
  ...overrides,
});

export const anAnswer = (overrides: Partial<SurveyAnswer> = {}): SurveyAnswer => ({
  surveyId: 'm-1',
  customerId: 'c-1',
  kind: 'nps',
  score: 9,
  comment: null,
  journeyId: 'post-purchase-survey',
  instanceId: 'i-1',
  orderId: 'o-1',
  answeredAt: '2026-11-03T10:00:00.000Z',
  ...overrides,
});

export const aJourney = (overrides: Partial<JourneyInput> = {}): Journey =>
  Journey.parse({
    id: 'post-purchase-survey',
    name: 'Post-purchase survey',
    category: 'care',
    version: 1,
    trigger: { 'detail-type': ['Order Completed'], detail: { total: [{ numeric: ['>', 0] }] } },
    start: 'wait',
    steps: {
      wait: { type: 'wait', duration: 'PT24H', next: 'invite' },
      invite: { type: 'sendEmail', template: 'survey-nps', survey: { kind: 'nps' }, next: 'end' },
      end: { type: 'exit' },
    },
    ...overrides,
  } satisfies JourneyInput);

/** Epoch seconds of an ISO time. */
export const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
export const day = 86_400;
