import {
  createSandboxFactory,
  EmailOutbox,
  EventCollector,
  MemoryCustomerStore,
  MemoryJourneyDrafts,
  MemoryJourneyStats,
  MemoryJourneyStore,
  MemoryMessageLog,
  MemoryTemplateRepository,
  VirtualClock,
  WakeQueue,
} from '../../../shared/adapters/memory/index.js';
import { LayeredTemplateStore } from '../../../shared/adapters/templates/layered-template-store.js';
import type { AdminApiDeps, EngineDeps } from '../../../shared/app/deps.js';
import { JourneyCatalog } from '../../../shared/app/journey-catalog.js';
import type { Logger } from '../../../shared/app/ports.js';
import type { CustomerEvent } from '../../../shared/domain/events/envelope.js';
import type { JourneyInput } from '../../../shared/domain/journey/definition.js';
import { defaultTemplates } from '../../../shared/domain/templates/defaults.js';
import { MemorySuppressionList } from '../../support/fakes.js';

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The admin use cases on in-memory adapters, plus the engine on the very same journey store,
 * so a test can publish through the admin side and watch the engine react.
 */
export const adminWorld = (start = '2026-11-02T09:00:00.000Z') => {
  const clock = new VirtualClock(start);
  const journeys = new MemoryJourneyStore();
  const storedTemplates = new MemoryTemplateRepository();
  const templates = new LayeredTemplateStore(storedTemplates, defaultTemplates, { clock, ttlMs: 0 });
  const outbox = new EmailOutbox();
  const customers = new MemoryCustomerStore();
  const messages = new MemoryMessageLog();
  const sender = { from: 'care@example.com' };
  let ids = 0;
  const deps: AdminApiDeps = {
    clock,
    logger: quietLogger,
    messages,
    customers,
    journeys,
    drafts: new MemoryJourneyDrafts(),
    templates,
    storedTemplates,
    builtInTemplates: defaultTemplates,
    stats: new MemoryJourneyStats(),
    email: outbox,
    sender,
    sandbox: createSandboxFactory({ templates, logger: quietLogger, sender }),
    newId: () => `id-${++ids}`,
    customerData: {
      readAll: () => Promise.reject(new Error('customer data is not part of the admin world')),
      markErased: () => Promise.reject(new Error('customer data is not part of the admin world')),
      deleteAll: () => Promise.reject(new Error('customer data is not part of the admin world')),
    },
    suppressions: new MemorySuppressionList(),
  };
  const wakes = new WakeQueue();
  const engine: EngineDeps = {
    clock,
    logger: quietLogger,
    customers,
    catalog: new JourneyCatalog(journeys, clock, 0),
    templates,
    messages,
    email: outbox,
    scheduler: wakes,
    events: new EventCollector(),
    links: {
      baseUrl: 'https://care.example.com',
      signingKey: 'test-signing-key-0123456789abcdef',
      surveyTtlDays: 30,
    },
    sender,
  };
  let seq = 0;
  const event = (detailType: string, detail: Record<string, unknown>): CustomerEvent => ({
    version: '0',
    id: `evt-${++seq}`,
    'detail-type': detailType,
    source: 'shop',
    account: '000000000000',
    time: clock.now(),
    region: 'local',
    resources: [],
    detail: detail as CustomerEvent['detail'],
  });
  return { deps, engine, clock, outbox, customers, messages, wakes, event };
};

/** A small valid journey: a welcome email on sign-up, a day's wait, then a tip. */
export const welcomeJourney = (overrides: Partial<JourneyInput> = {}): JourneyInput => ({
  id: 'welcome',
  name: 'Welcome',
  category: 'care',
  trigger: { 'detail-type': ['Customer Signed Up'] },
  start: 'hello',
  steps: {
    hello: { type: 'sendEmail', template: 'thank-you-referral', next: 'wait' },
    wait: { type: 'wait', duration: 'P1D', next: 'end' },
    end: { type: 'exit' },
  },
  ...overrides,
});

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
