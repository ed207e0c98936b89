import type { JourneyCatalog } from './journey-catalog.js';
import type {
  Clock,
  CustomerStore,
  EmailSender,
  EventPublisher,
  Logger,
  MessageLog,
  SurveyStore,
  TemplateStore,
  WakeScheduler,
} from './ports.js';

export interface LinkSettings {
  /** Public base URL of the survey and unsubscribe endpoints, without a trailing slash. */
  baseUrl: string;
  signingKey: string;
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
}

/** What the public survey endpoints need. */
export interface SurveyDeps {
  clock: Clock;
  logger: Logger;
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
