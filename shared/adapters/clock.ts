import type { Clock } from '../app/ports.js';

/** The real clock. Only adapters and handlers read it; the domain gets time passed in. */
export const systemClock: Clock = {
  now: () => new Date().toISOString(),
};
