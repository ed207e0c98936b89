import middy from '@middy/core';
import { correlationIdOf, withCorrelationId } from '../../shared/adapters/observability.js';
import { type FeedbackFunctionDeps, lazyFeedbackDeps } from '../../shared/adapters/wiring/feedback.js';
import { type FeedbackResult, recordEmailFeedback } from '../../shared/app/feedback/record-email-feedback.js';
import { describeSesProblems, parseSesEvent } from './ses-event.js';

export type FeedbackOutcome =
  | ({ outcome: 'recorded' } & FeedbackResult)
  | { outcome: 'ignored'; detailType: string }
  | { outcome: 'invalid'; reason: string };

/**
 * SES events (delivered, bounced, complaint, opened, clicked, rejected) from the careflow bus:
 * suppression, message status, and `Email Opened`/`Email Clicked`/... for journeys. An event that
 * does not parse is logged and kept on the invalid-events queue with its reason; throwing would
 * only make EventBridge retry it into the dead-letter queue. Failures to record are thrown, so
 * EventBridge retries them (every step is idempotent).
 */
export const createFeedbackHandler = (getDeps: () => Promise<FeedbackFunctionDeps>) =>
  middy<unknown, FeedbackOutcome>().handler(async (event, context) => {
    const deps = await getDeps();
    // The correlation id is the EventBridge event's id, the same on every retry of it.
    return withCorrelationId(deps.logger, correlationIdOf(event, context.awsRequestId), () =>
      handleSesEvent(deps, event),
    );
  });

const handleSesEvent = async (deps: FeedbackFunctionDeps, event: unknown): Promise<FeedbackOutcome> => {
  const parsed = parseSesEvent(event);
  if (parsed.kind === 'invalid') {
    const reason = `invalid SES event: ${describeSesProblems(parsed.problems)}`;
    deps.logger.warn('invalid SES event kept', { reason });
    await deps.deadLetters.keep({ reason, payload: event, receivedAt: deps.clock.now() });
    return { outcome: 'invalid', reason };
  }
  if (parsed.kind === 'ignored') {
    deps.logger.debug('SES event type not recorded', { detailType: parsed.detailType });
    return { outcome: 'ignored', detailType: parsed.detailType };
  }
  const result = await recordEmailFeedback(deps, parsed.feedback);
  deps.logger.info('SES event recorded', { event: parsed.feedback.status, ...result });
  return { outcome: 'recorded', ...result };
};

export const handler = createFeedbackHandler(lazyFeedbackDeps);
