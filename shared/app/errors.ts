import { CareflowError } from '../domain/errors.js';

/** The email provider refused the message for good (bad address, rejected content). */
export class SendRejectedError extends CareflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'SendRejected', options);
    this.name = 'SendRejectedError';
  }
}

/** The provider certainly did not send (throttled, paused): a retry may succeed. */
export class SendDeferredError extends CareflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'SendDeferred', options);
    this.name = 'SendDeferredError';
  }
}
