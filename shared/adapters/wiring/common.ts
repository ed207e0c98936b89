import type { Clock, Logger } from '../../app/ports.js';
import { systemClock } from '../clock.js';
import { createLogger } from '../logger.js';

/**
 * Pieces shared by the per-function composition roots. Each function wires only what it
 * uses, so its bundle carries only those SDK clients and its role needs only those rights.
 * Endpoints come from the standard AWS variables (AWS_ENDPOINT_URL_<SERVICE>): that is how
 * the local stack points the very same code at its emulators.
 */
export interface WiringOverrides {
  clock?: Clock;
  logger?: Logger;
}

export const basics = (overrides: WiringOverrides) => ({
  clock: overrides.clock ?? systemClock,
  logger: overrides.logger ?? createLogger(),
});

/** Build once per container, on first use; a failed build is retried on the next call. */
export const once = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
};
