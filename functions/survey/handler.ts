import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lazySurveyDeps } from '../../shared/adapters/wiring/survey.js';
import type { SurveyDeps } from '../../shared/app/deps.js';
import { openSurvey, recordSurveyAnswer } from '../../shared/app/record-survey-answer.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { linkErrorResponse } from '../http/pages.js';
import { bodyFields, type HttpResult, html, json, wantsJson } from '../http/responses.js';
import { confirmPage, thanksPage } from './pages.js';

const SCORES = { nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], csat: [1, 2, 3, 4, 5] } as const;

const parseScore = (raw: string | undefined): number => {
  const score = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isInteger(score)) {
    throw new ValidationError('Please pick a score.', [{ path: 'score', message: 'must be a whole number' }]);
  }
  return score;
};

/**
 * Public survey endpoints. `GET /surveys/{token}` shows the answer page (link scanners
 * that follow links record nothing); `POST /surveys/{token}` records the answer.
 */
export const createSurveyHandler = (getDeps: () => Promise<SurveyDeps>) =>
  middy<APIGatewayProxyEventV2, HttpResult>().handler(async (event) => {
    const asJson = wantsJson(event);
    try {
      const deps = await getDeps();
      const token = event.pathParameters?.token ?? '';
      if (event.requestContext.http.method === 'GET') {
        const claims = openSurvey(deps, token);
        const raw = event.queryStringParameters?.score;
        const selected = raw === undefined ? null : Number(raw);
        return html(
          200,
          confirmPage(event.rawPath, SCORES[claims.kind], Number.isInteger(selected) ? selected : null),
        );
      }
      const fields = bodyFields(event);
      const answer = await recordSurveyAnswer(deps, {
        token,
        score: parseScore(fields.score),
        comment: fields.comment,
      });
      return asJson ? json(200, answer) : html(200, thanksPage(answer.score, answer.revision));
    } catch (error) {
      const deps = await getDeps().catch(() => null);
      return linkErrorResponse(error, asJson, deps ? { logger: deps.logger, what: 'survey' } : null);
    }
  });

export const handler = createSurveyHandler(lazySurveyDeps);
