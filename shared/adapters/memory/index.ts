// In-memory implementations of the ports: the engine's sandbox for dry runs, and stores for tools.
export { VirtualClock } from './clock.js';
export { MemoryContactCounter, MemoryEntryCounter } from './counters.js';
export { MemoryCustomerStore } from './customer-store.js';
export { MemoryJourneyDrafts } from './journey-drafts.js';
export { MemoryJourneyStats } from './journey-stats.js';
export { MemoryJourneyStore } from './journey-store.js';
export { MemoryMessageLog } from './message-log.js';
export { EmailOutbox, EventCollector, SmsOutbox, WakeQueue } from './outbox.js';
export { createSandboxFactory } from './sandbox.js';
export { MemoryTemplateRepository } from './template-store.js';
