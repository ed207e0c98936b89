import { InvalidLinkError, ValidationError } from '../domain/errors.js';
import { npsCategory } from '../domain/survey/nps.js';
import type { SurveyDeps } from './deps.js';
import { answerAllowed } from './privacy/erasure-hold.js';
import { CAREFLOW_SOURCE } from './run-effects.js';
import { readSurveyToken, type SurveyClaims } from './survey-links.js';

export interface SurveyAnswerInput {
  token: string;
  score: number;
  comment?: string | undefined;
}

export interface RecordedAnswer {
  surveyId: string;
  score: number;
  revision: number;
}

const scoreRange = { nps: [0, 10], csat: [1, 5] } as const;

/** Check the link and the score, without recording anything: what the answer page shows first. */
export const openSurvey = (deps: SurveyDeps, token: string): SurveyClaims =>
  readSurveyToken(token, deps.links, deps.clock.now());

/**
 * Record the one answer of a survey link (a second answer updates it) and put
 * `Survey Answered` on the bus, so journeys waiting for it move on.
 */
export const recordSurveyAnswer = async (
  deps: SurveyDeps,
  input: SurveyAnswerInput,
): Promise<RecordedAnswer> => {
  const now = deps.clock.now();
  const claims = readSurveyToken(input.token, deps.links, now);
  const [min, max] = scoreRange[claims.kind];
  if (!Number.isInteger(input.score) || input.score < min || input.score > max) {
    throw new ValidationError('The score is out of range.', [
      { path: 'score', message: `must be a whole number from ${min} to ${max}` },
    ]);
  }
  const comment = input.comment?.trim() ? input.comment.trim().slice(0, 2000) : null;
  // Erasure holds: a link sent before the customer was erased records nothing (decision 0075).
  if (!answerAllowed(await deps.customers.load(claims.customerId), claims.instanceId)) {
    deps.logger.warn('survey answer refused: the customer was erased', { surveyId: claims.surveyId });
    throw new InvalidLinkError('This survey is closed.', 'expired');
  }
  const { revision } = await deps.surveys.record({
    surveyId: claims.surveyId,
    customerId: claims.customerId,
    kind: claims.kind,
    score: input.score,
    comment,
    journeyId: claims.journeyId,
    instanceId: claims.instanceId,
    orderId: claims.orderId,
    answeredAt: now,
  });
  await deps.events.publish([
    {
      source: CAREFLOW_SOURCE,
      detailType: 'Survey Answered',
      time: now,
      detail: {
        customerId: claims.customerId,
        surveyId: claims.surveyId,
        kind: claims.kind,
        score: input.score,
        ...(claims.kind === 'nps' ? { nps: input.score, category: npsCategory(input.score) } : {}),
        ...(comment ? { comment } : {}),
        ...(claims.orderId ? { orderId: claims.orderId } : {}),
        journeyId: claims.journeyId,
        instanceId: claims.instanceId,
        revision,
      },
    },
  ]);
  deps.logger.info('survey answered', { surveyId: claims.surveyId, revision });
  return { surveyId: claims.surveyId, score: input.score, revision };
};
