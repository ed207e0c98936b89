import { SendRejectedError } from '../errors.js';
import type { Channel } from '../ports.js';

/**
 * The recipient opted out with the provider (e.g. replied STOP to an SMS): nothing was sent, and
 * nothing will be until they opt in again. A `SendRejectedError`, so the message is logged as failed.
 */
export class RecipientOptedOutError extends SendRejectedError {
  constructor(
    readonly channel: Channel,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RecipientOptedOutError';
  }
}
