import type { LinkSettings, Sandbox, SandboxFactory } from '../../app/deps.js';
import { JourneyCatalog } from '../../app/journey-catalog.js';
import type { Logger, TemplateStore } from '../../app/ports.js';
import type { SendPolicy } from '../../domain/guards/send.js';
import { VirtualClock } from './clock.js';
import { MemoryContactCounter, MemoryEntryCounter } from './counters.js';
import { MemoryCustomerStore } from './customer-store.js';
import { MemoryJourneyStore } from './journey-store.js';
import { MemoryMessageLog } from './message-log.js';
import { EmailOutbox, EventCollector, SmsOutbox, WakeQueue } from './outbox.js';

/**
 * Survey links in simulated mail are signed with a key nobody holds, on a host that does not
 * exist (`.invalid`): they show what the customer would get, but cannot record an answer.
 */
const simulationLinks: LinkSettings = {
  baseUrl: 'https://careflow.invalid',
  signingKey: 'simulation-only-key-links-do-not-work',
  surveyTtlDays: 30,
};

/** The engine's own chatter stays out of the logs of a dry run; warnings and errors do not. */
const quiet = (logger: Logger): Logger => ({
  debug: () => {},
  info: () => {},
  warn: (message, extra) => logger.warn(`simulation: ${message}`, extra),
  error: (message, extra) => logger.error(`simulation: ${message}`, extra),
});

/**
 * Sandboxes for dry runs: the engine on in-memory stores and a virtual clock, with the
 * deployment's contact policy (frequency cap, quiet hours) and its own counters, so caps and
 * quiet hours show in the run. Templates are read from the real store (read-only); nothing is
 * sent, scheduled, published or written, and no address is suppressed.
 */
export const createSandboxFactory =
  (options: {
    templates: TemplateStore;
    logger: Logger;
    sender: { from: string };
    policy?: SendPolicy;
  }): SandboxFactory =>
  (journeys, start): Sandbox => {
    const clock = new VirtualClock(start);
    const outbox = new EmailOutbox();
    const sms = new SmsOutbox();
    const wakes = new WakeQueue();
    const events = new EventCollector();
    return {
      deps: {
        clock,
        logger: quiet(options.logger),
        customers: new MemoryCustomerStore(),
        catalog: new JourneyCatalog(new MemoryJourneyStore(journeys), clock, 0),
        templates: options.templates,
        messages: new MemoryMessageLog(),
        email: outbox,
        scheduler: wakes,
        events,
        links: simulationLinks,
        sender: options.sender,
        sms,
        contacts: new MemoryContactCounter(),
        entries: new MemoryEntryCounter(),
        ...(options.policy ? { policy: options.policy } : {}),
      },
      clock,
      wakes,
      published: events.events,
      outbox: outbox.emails,
      smsOutbox: sms.messages,
    };
  };
