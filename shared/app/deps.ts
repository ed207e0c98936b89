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

/** Everything the use cases need, wired once per container by a composition root. */
export interface AppDeps {
  clock: Clock;
  logger: Logger;
  customers: CustomerStore;
  catalog: JourneyCatalog;
  templates: TemplateStore;
  messages: MessageLog;
  email: EmailSender;
  scheduler: WakeScheduler;
  events: EventPublisher;
  surveys: SurveyStore;
  links: LinkSettings;
  sender: { from: string };
}
