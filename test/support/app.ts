import { MemoryTemplateRepository } from '../../shared/adapters/memory/index.js';
import { MemoryJourneyStats } from '../../shared/adapters/memory/journey-stats.js';
import { LayeredTemplateStore } from '../../shared/adapters/templates/layered-template-store.js';
import type { AppDeps } from '../../shared/app/deps.js';
import { JourneyCatalog } from '../../shared/app/journey-catalog.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { processWake } from '../../shared/app/process-wake.js';
import { postPurchaseSurvey } from '../../shared/domain/defaults/post-purchase-survey.js';
import type { CustomerEvent } from '../../shared/domain/events/envelope.js';
import { DEFAULT_SEND_POLICY } from '../../shared/domain/guards/send.js';
import { Journey, type JourneyInput } from '../../shared/domain/journey/definition.js';
import { defaultTemplates } from '../../shared/domain/templates/defaults.js';
import {
  FakeClock,
  MemoryContactCounter,
  MemoryCustomerStore,
  MemoryEntryCounter,
  MemoryJourneyStore,
  MemoryMessageLog,
  MemorySuppressionList,
  MemorySurveyStore,
  RecordingEmailSender,
  RecordingPublisher,
  RecordingScheduler,
  RecordingSmsSender,
  silentLogger,
} from './fakes.js';

export const SIGNING_KEY = 'test-signing-key-0123456789abcdef';

/** A whole careflow core on in-memory fakes, with a clock the test controls. */
export const makeWorld = async (
  journeys: JourneyInput[] = [postPurchaseSurvey],
  start = '2026-11-02T09:00:00.000Z',
) => {
  const clock = new FakeClock(start);
  const journeyStore = new MemoryJourneyStore();
  for (const j of journeys) await journeyStore.putPublished(Journey.parse(j));
  const fakes = {
    clock,
    customers: new MemoryCustomerStore(),
    journeyStore,
    messages: new MemoryMessageLog(),
    surveys: new MemorySurveyStore(),
    email: new RecordingEmailSender(),
    sms: new RecordingSmsSender(),
    scheduler: new RecordingScheduler(),
    events: new RecordingPublisher(),
    suppressions: new MemorySuppressionList(),
    contacts: new MemoryContactCounter(),
    entries: new MemoryEntryCounter(),
    stats: new MemoryJourneyStats(),
  };
  const deps: AppDeps = {
    clock,
    logger: silentLogger,
    customers: fakes.customers,
    catalog: new JourneyCatalog(journeyStore, clock, 0),
    templates: new LayeredTemplateStore(new MemoryTemplateRepository(), defaultTemplates, {
      clock,
      ttlMs: 0,
    }),
    messages: fakes.messages,
    email: fakes.email,
    scheduler: fakes.scheduler,
    events: fakes.events,
    surveys: fakes.surveys,
    links: { baseUrl: 'https://care.example.com', signingKey: SIGNING_KEY, surveyTtlDays: 30 },
    sender: { from: 'care@example.com' },
    sms: fakes.sms,
    suppressions: fakes.suppressions,
    contacts: fakes.contacts,
    entries: fakes.entries,
    stats: fakes.stats,
    unsubscribeRequests: fakes.customers,
    // The defaults of a deployment: 3 marketing messages per 7 days, quiet 21:00–08:00, UTC.
    policy: DEFAULT_SEND_POLICY,
  };
  let seq = 0;
  const event = (detailType: string, detail: Record<string, unknown>, source = 'shop'): CustomerEvent => {
    seq += 1;
    return {
      version: '0',
      id: `evt-${seq}`,
      'detail-type': detailType,
      source,
      account: '000000000000',
      time: clock.now(),
      region: 'local',
      resources: [],
      detail: detail as CustomerEvent['detail'],
    };
  };
  /** Move the clock on, running every wake that becomes due on the way at its own time, as the scheduler would. */
  const advance = async (ms: number) => {
    const target = new Date(Date.parse(clock.now()) + ms).toISOString();
    for (let due = fakes.scheduler.takeNextDue(target); due; due = fakes.scheduler.takeNextDue(target)) {
      if (due.at > clock.now()) clock.set(due.at);
      await processWake(deps, due.wake);
    }
    clock.set(target);
  };
  /** Deliver what careflow itself published back to the customer's processing, as the bus would. */
  let delivered = 0;
  const deliverPublished = async () => {
    while (delivered < fakes.events.published.length) {
      const e = fakes.events.published[delivered++];
      if (e) await processCustomerEvent(deps, event(e.detailType, e.detail, e.source));
    }
  };
  return { deps, ...fakes, event, advance, deliverPublished };
};

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
