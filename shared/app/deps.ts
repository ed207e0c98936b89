import type { SendPolicy } from '../domain/guards/send.js';
import type { Journey } from '../domain/journey/definition.js';
import type { SigningKeys } from '../domain/links/keyring.js';
import type { EmailTemplate } from '../domain/templates/render.js';
import type { JourneyCatalog } from './journey-catalog.js';
// Aliased: another section of this file imports the same port under its own name.
import type {
  Clock,
  ContactCounter,
  CustomerStore,
  EmailSender,
  EntryCounter,
  EventPublisher,
  JourneyAdminStore,
  JourneyDrafts,
  JourneyStats,
  Logger,
  MessageLog,
  OutgoingEmail,
  OutgoingEvent,
  OutgoingSms,
  SmsSender,
  SuppressionList as SuppressionListPort,
  SurveyStore,
  TemplateRepository,
  TemplateStore,
  UnsubscribeRequests,
  Wake,
  WakeScheduler,
} from './ports.js';

export interface LinkSettings {
  /** Public base URL of the survey and unsubscribe endpoints, without a trailing slash. */
  baseUrl: string;
  /** The keys that sign links (the current one) and verify them (it and the retired ones in their grace period). */
  signingKey: SigningKeys;
  /** How long a survey link stays valid. */
  surveyTtlDays: number;
}

/** What the journey engine needs: the processor's dependencies. */
export interface EngineDeps {
  clock: Clock;
  logger: Logger;
  customers: CustomerStore;
  catalog: JourneyCatalog;
  templates: TemplateStore;
  messages: MessageLog;
  email: EmailSender;
  scheduler: WakeScheduler;
  events: EventPublisher;
  links: LinkSettings;
  sender: { from: string };
  /*
   * The send guards' and entry limits' state. The processor's composition root always sets these
   * (a test checks it); only dry-run sandboxes leave them out, and then nothing is suppressed,
   * frequency-capped or entry-capped.
   */
  /** Addresses that must not be contacted (bounces, complaints, erasure); checked before every send. */
  suppressions?: SuppressionListPort;
  /** Recent marketing sends per customer, for the frequency cap. */
  contacts?: ContactCounter;
  /** Entries per journey and day, for journeys with `entryCap`. */
  entries?: EntryCounter;
  /** SMS. Without it, SMS steps fall back to email when they may, and are skipped otherwise. */
  sms?: SmsSender;
  /** Frequency cap, quiet hours, default time zone. Default: DEFAULT_SEND_POLICY (3 per 7 days, 21:00–08:00, UTC). */
  policy?: SendPolicy;
  /** Journey figures: one delta per instance save (never fails the engine). Absent in sandboxes. */
  stats?: JourneyStats;
  /** Operational metrics (EMF in AWS): sends by channel, skips by reason. Absent in sandboxes. */
  metrics?: SendMetrics;
  /** Unsubscribe requests, told when their event was applied to the profile. Absent in sandboxes. */
  unsubscribeRequests?: Pick<UnsubscribeRequests, 'applied'>;
}

/** The part of the metrics port the use cases report to. */
export interface SendMetrics {
  messageSent(channel: 'email' | 'sms'): void;
  skipped(reason: string): void;
  /** A wait with a service level reached its timeout (`SlaBreaches` by priority). */
  slaBreached(priority: string): void;
  /** Something went wrong that a customer may notice (`Errors` by kind), though the record goes on. */
  error(kind: string): void;
}

/** What the public survey endpoints need. */
export interface SurveyDeps {
  clock: Clock;
  logger: Logger;
  /** Read before an answer is kept, so an erased customer's old link records nothing (decision 0075). */
  customers: Pick<CustomerStore, 'load'>;
  surveys: SurveyStore;
  events: EventPublisher;
  links: LinkSettings;
}

/** What the admin read API needs. */
export interface AdminDeps {
  logger: Logger;
  messages: MessageLog;
}

/** Everything, as tests wire it. Each function is wired with only its own part. */
export type AppDeps = EngineDeps & SurveyDeps & AdminDeps;

/**
 * A throwaway engine for dry runs: in-memory stores, a virtual clock, nothing sent, nothing
 * written to the real table. The simulation drives it with the real use cases.
 */
export interface Sandbox {
  deps: EngineDeps;
  clock: { now(): string; set(iso: string): void };
  wakes: { nextAt(): string | undefined; takeNextDue(now: string): { at: string; wake: Wake } | undefined };
  /** Everything the journeys put on the bus, in order. */
  published: readonly OutgoingEvent[];
  /** Every email the engine handed to the sender, rendered. */
  outbox: readonly OutgoingEmail[];
  /** Every SMS the engine handed to the sender. */
  smsOutbox: readonly OutgoingSms[];
}

/** Build a sandbox holding only `journeys`, with its clock at `start`. */
export type SandboxFactory = (journeys: readonly Journey[], start: string) => Sandbox;

/** What the admin API needs beyond the contact history: journeys, templates, dry runs, figures. */
export interface AdminApiDeps extends AdminDeps, PrivacyDeps {
  clock: Clock;
  customers: CustomerStore;
  journeys: JourneyAdminStore;
  drafts: JourneyDrafts;
  /** Templates as the engine resolves them: stored first, then built in. */
  templates: TemplateStore;
  storedTemplates: TemplateRepository;
  builtInTemplates: readonly EmailTemplate[];
  stats: JourneyStats;
  /** For test sends only; the admin API never sends to customers. */
  email: EmailSender;
  sender: { from: string };
  sandbox: SandboxFactory;
  /** A new unique id (test-send message ids). */
  newId: () => string;
}

import type { CustomerDataStore, MessageDeliveryLog, SuppressionList } from './ports.js';

/** What the SES feedback function needs (see shared/app/feedback). */
export interface FeedbackDeps {
  clock: Clock;
  logger: Logger;
  deliveries: MessageDeliveryLog;
  suppressions: SuppressionList;
  /** To copy the run's correlation fields (orderId, ...) into emitted events. */
  customers: Pick<CustomerStore, 'load'>;
  events: EventPublisher;
  /** The journeys' figures: delivered, bounced, complained, opened, clicked. */
  stats?: JourneyStats;
}

/** What customer export and erasure need (see shared/app/privacy). */
export interface PrivacyDeps {
  clock: Clock;
  logger: Logger;
  customerData: CustomerDataStore;
  suppressions: SuppressionList;
}
