import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryJourneyStats } from '../../../shared/adapters/memory/journey-stats.js';
import type { FeedbackDeps } from '../../../shared/app/deps.js';
import {
  type EmailFeedback,
  recordEmailFeedback,
  strongestStatus,
  suppressionReason,
} from '../../../shared/app/feedback/index.js';
import type { DeliveryStatus, MessageRecord } from '../../../shared/app/ports.js';
import { aMessage, anInstance } from '../../integration/dynamodb/fixtures.js';
import { FakeClock, MemoryCustomerStore, RecordingPublisher, silentLogger } from '../../support/fakes.js';
import { MemoryDeliveryLog, MemorySuppressionList } from './fakes.js';

const message = (overrides: Partial<MessageRecord> = {}): MessageRecord =>
  aMessage({ messageId: 'i-1.invite.1', status: 'sent', providerMessageId: 'ses-1', ...overrides });

let seq = 0;
const feedback = (status: DeliveryStatus, overrides: Partial<EmailFeedback> = {}): EmailFeedback => {
  seq += 1;
  return {
    eventId: `ses-event-${seq}`,
    status,
    at: '2026-11-03T10:00:00.000Z',
    providerMessageId: 'ses-1',
    messageId: 'i-1.invite.1',
    customerIds: ['c-1'],
    recipients: [],
    permanentBounce: false,
    detail: null,
    ...overrides,
  };
};

const world = () => {
  const deliveries = new MemoryDeliveryLog();
  const suppressions = new MemorySuppressionList();
  const customers = new MemoryCustomerStore();
  const events = new RecordingPublisher();
  const stats = new MemoryJourneyStats();
  const deps: FeedbackDeps = {
    clock: new FakeClock('2026-11-03T10:00:05.000Z'),
    logger: silentLogger,
    deliveries,
    suppressions,
    customers,
    events,
    stats,
  };
  return { deps, deliveries, suppressions, customers, events, stats };
};

describe('suppression on provider feedback', () => {
  it.each([
    ['a hard bounce', feedback('bounced', { permanentBounce: true }), 'bounce'],
    ['a complaint', feedback('complained'), 'complaint'],
    ['a soft bounce (SES gave up retrying)', feedback('bounced', { permanentBounce: false }), null],
    ['a delivery', feedback('delivered'), null],
    ['an open', feedback('opened'), null],
    ['a click', feedback('clicked'), null],
    ['a rejection', feedback('rejected'), null],
  ])('%s suppresses with reason %s', (_name, event, reason) => {
    expect(suppressionReason(event)).toBe(reason);
  });

  it('suppresses every address that bounced hard, once each', async () => {
    const { deps, suppressions } = world();
    const result = await recordEmailFeedback(
      deps,
      feedback('bounced', {
        permanentBounce: true,
        recipients: ['ada@example.com', 'ada@example.com', 'bob@example.com'],
      }),
    );
    expect(result.suppressed).toBe(2);
    expect(await suppressions.reasonFor('email', 'ada@example.com')).toBe('bounce');
    expect(await suppressions.reasonFor('email', 'bob@example.com')).toBe('bounce');
  });

  it('suppresses a complainant even when the message is not in the contact history (erased, expired)', async () => {
    const { deps, suppressions } = world();
    const result = await recordEmailFeedback(
      deps,
      feedback('complained', { recipients: ['ada@example.com'] }),
    );
    expect(result).toEqual({ suppressed: 1, message: 'not-found', status: null, emitted: null });
    expect(await suppressions.reasonFor('email', 'ada@example.com')).toBe('complaint');
  });

  it('suppresses nothing for a soft bounce, but records the bounce on the message', async () => {
    const { deps, deliveries, suppressions } = world();
    deliveries.add(message());
    const result = await recordEmailFeedback(deps, feedback('bounced', { recipients: ['ada@example.com'] }));
    expect(result.suppressed).toBe(0);
    expect(result.status).toBe('bounced');
    expect(suppressions.calls).toEqual([]);
  });
});

describe('message status from provider feedback', () => {
  it('moves the status up and never down', async () => {
    const { deps, deliveries } = world();
    deliveries.add(message());
    expect((await recordEmailFeedback(deps, feedback('opened'))).status).toBe('opened');
    expect((await recordEmailFeedback(deps, feedback('delivered'))).status).toBe('opened');
    expect((await recordEmailFeedback(deps, feedback('clicked'))).status).toBe('clicked');
    expect((await recordEmailFeedback(deps, feedback('opened'))).status).toBe('clicked');
    expect((await recordEmailFeedback(deps, feedback('complained'))).status).toBe('complained');
  });

  it('reports mail without careflow tags as untagged and changes nothing', async () => {
    const { deps, deliveries, events } = world();
    deliveries.add(message());
    expect(await recordEmailFeedback(deps, feedback('opened', { messageId: null }))).toMatchObject({
      message: 'untagged',
    });
    expect(await recordEmailFeedback(deps, feedback('opened', { customerIds: [] }))).toMatchObject({
      message: 'untagged',
    });
    expect(deliveries.messages.get('c-1 i-1.invite.1')?.delivery).toBeUndefined();
    expect(events.published).toEqual([]);
  });

  it('tries each customer id candidate until one holds the message', async () => {
    const { deps, deliveries } = world();
    deliveries.add(message({ customerId: 'c_1' }));
    const result = await recordEmailFeedback(
      deps,
      feedback('delivered', { customerIds: ['c\u00fc1', 'c_1'] }),
    );
    expect(result).toMatchObject({ message: 'updated', status: 'delivered' });
  });

  it('the strongest status wins whatever the order', () => {
    expect(strongestStatus(['clicked', 'delivered', 'opened'])).toBe('clicked');
    expect(strongestStatus(['complained', 'opened'])).toBe('complained');
    expect(strongestStatus(['delivered', 'bounced'])).toBe('bounced');
    expect(strongestStatus([])).toBeNull();
  });
});

describe('events for journeys', () => {
  let w: ReturnType<typeof world>;
  beforeEach(async () => {
    w = world();
    w.deliveries.add(message());
    await w.customers.saveInstance(anInstance({ instanceId: 'i-1', customerId: 'c-1' }), null);
  });

  it('announces the first open with the run, the message and the correlation fields', async () => {
    const result = await recordEmailFeedback(w.deps, feedback('opened'));
    expect(result.emitted).toBe('Email Opened');
    expect(w.events.published).toEqual([
      {
        source: 'careflow',
        detailType: 'Email Opened',
        time: '2026-11-03T10:00:05.000Z',
        detail: {
          customerId: 'c-1',
          orderId: 'o-1',
          messageId: 'i-1.invite.1',
          journeyId: 'post-purchase-survey',
          instanceId: 'i-1',
          stepId: 'invite',
          template: 'survey-nps',
          channel: 'email',
          at: '2026-11-03T10:00:00.000Z',
          eventKey: 'i-1.invite.1/opened',
        },
      },
    ]);
  });

  it('announces a later open of the same message no more', async () => {
    await recordEmailFeedback(w.deps, feedback('opened'));
    const again = await recordEmailFeedback(w.deps, feedback('opened'));
    expect(again.emitted).toBeNull();
    expect(w.events.published).toHaveLength(1);
  });

  it('announces a redelivered provider event again, with the same event key', async () => {
    const open = feedback('opened');
    await recordEmailFeedback(w.deps, open);
    await recordEmailFeedback(w.deps, open);
    expect(w.events.published.map((e) => e.detail.eventKey)).toEqual([
      'i-1.invite.1/opened',
      'i-1.invite.1/opened',
    ]);
  });

  it('announces an open that arrives after the click', async () => {
    await recordEmailFeedback(w.deps, feedback('clicked'));
    await recordEmailFeedback(w.deps, feedback('opened'));
    expect(w.events.published.map((e) => e.detailType)).toEqual(['Email Clicked', 'Email Opened']);
  });

  it.each([
    ['bounced', 'Email Bounced'],
    ['complained', 'Email Complaint Received'],
    ['clicked', 'Email Clicked'],
  ] as const)('announces %s as %s', async (status, detailType) => {
    await recordEmailFeedback(
      w.deps,
      feedback(status, { permanentBounce: true, recipients: ['ada@example.com'] }),
    );
    expect(w.events.published.map((e) => e.detailType)).toEqual([detailType]);
  });

  it('tells journeys whether a bounce was permanent', async () => {
    await recordEmailFeedback(w.deps, feedback('bounced', { permanentBounce: false }));
    expect(w.events.published[0]?.detail.permanent).toBe(false);
  });

  it.each(['delivered', 'rejected'] as const)('does not announce %s', async (status) => {
    await recordEmailFeedback(w.deps, feedback(status));
    expect(w.events.published).toEqual([]);
  });

  it('announces without correlation fields when the run has expired', async () => {
    w.customers.instances.clear();
    await recordEmailFeedback(w.deps, feedback('opened'));
    expect(w.events.published[0]?.detail).not.toHaveProperty('orderId');
    expect(w.events.published[0]?.detail.instanceId).toBe('i-1');
  });
});

describe("the journey's figures from provider feedback", () => {
  let w: ReturnType<typeof world>;
  beforeEach(() => {
    w = world();
    w.deliveries.add(message());
  });

  it('counts each kind of feedback once per message, in the journey that sent it', async () => {
    await recordEmailFeedback(w.deps, feedback('delivered'));
    await recordEmailFeedback(w.deps, feedback('opened'));
    await recordEmailFeedback(w.deps, feedback('opened'));
    await recordEmailFeedback(w.deps, feedback('clicked'));

    expect(await w.stats.read('post-purchase-survey')).toEqual({
      'message.delivered': 1,
      'message.opened': 1,
      'message.clicked': 1,
    });
  });

  it('never counts a redelivered provider event twice', async () => {
    const bounce = feedback('bounced', { permanentBounce: true });
    await recordEmailFeedback(w.deps, bounce);
    await recordEmailFeedback(w.deps, bounce);

    expect(await w.stats.read('post-purchase-survey')).toEqual({ 'message.bounced': 1 });
  });

  it('counts nothing for mail it cannot map to a message, or for a rejection', async () => {
    await recordEmailFeedback(w.deps, feedback('delivered', { messageId: null }));
    await recordEmailFeedback(w.deps, feedback('delivered', { messageId: 'someone-else' }));
    await recordEmailFeedback(w.deps, feedback('rejected'));

    expect(await w.stats.read('post-purchase-survey')).toEqual({});
  });

  it('still records the status when the figures cannot be written', async () => {
    w.deps.stats = {
      record: async () => {
        throw new Error('throttled');
      },
      read: async () => ({}),
    };
    const result = await recordEmailFeedback(w.deps, feedback('delivered'));
    expect(result).toMatchObject({ message: 'updated', status: 'delivered' });
  });
});
