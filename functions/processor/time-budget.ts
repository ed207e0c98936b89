import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../shared/adapters/at-most-once-client.js';
import { CareflowError } from '../../shared/domain/errors.js';

/**
 * The time one record may need at worst, in ms. Its costliest send is an SMS: two provider calls
 * (the opt-out check, then the publish), each ended by the at-most-once client's request timeout
 * (a hung call ends as unknown, it is not retried). The 3 s on top cover the senders' backoff
 * after a throttled answer (200 then 400 ms per call) and the record's DynamoDB reads and writes.
 * A record is started only while the invocation has at least this much time left: a record cut
 * off by the Lambda timeout would bring the whole batch back, every customer's records with it.
 */
export const RECORD_RESERVE_MS = 2 * DEFAULT_REQUEST_TIMEOUT_MS + 3_000;

/**
 * The processor's timeout (the stack's, and the local stack's): with 23 s kept for each record,
 * it lets each customer of a batch have two records per invocation even when providers hang.
 * The customer queue's visibility timeout is six times this.
 */
export const PROCESSOR_TIMEOUT_SECONDS = 60;

/** Whether the invocation still has time for one more record. */
export const timeForOneMore = (remainingMs: number): boolean => remainingMs >= RECORD_RESERVE_MS;

/**
 * A record the invocation had no time left to start: it goes back to the queue untouched, with
 * its customer's later records, and is handled again in order.
 */
export class RecordNotStartedError extends CareflowError {
  constructor(readonly remainingMs: number) {
    super(
      `not started: ${remainingMs} ms left, a record may need ${RECORD_RESERVE_MS} ms`,
      'RecordNotStarted',
    );
    this.name = 'RecordNotStartedError';
  }
}
