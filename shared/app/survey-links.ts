import { signToken, verifyToken } from '../domain/links/signed-token.js';
import type { LinkSettings } from './deps.js';

export const SURVEY_PURPOSE = 'survey';

export interface SurveyClaims {
  surveyId: string;
  customerId: string;
  kind: 'nps' | 'csat';
  journeyId: string;
  instanceId: string;
  orderId: string | null;
}

const scores = { nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], csat: [1, 2, 3, 4, 5] } as const;

/** One signed token per survey, and one link per score, as the invitation email shows them. */
export const surveyLinks = (claims: SurveyClaims, links: LinkSettings, now: string) => {
  const exp = Math.floor(Date.parse(now) / 1000) + links.surveyTtlDays * 86_400;
  const token = signToken(
    {
      purpose: SURVEY_PURPOSE,
      exp,
      s: claims.surveyId,
      c: claims.customerId,
      k: claims.kind,
      j: claims.journeyId,
      i: claims.instanceId,
      ...(claims.orderId ? { o: claims.orderId } : {}),
    },
    links.signingKey,
  );
  const base = `${links.baseUrl}/surveys/${token}`;
  return {
    token,
    url: base,
    links: scores[claims.kind].map((score) => ({ score, url: `${base}?score=${score}` })),
  };
};

/** Check a survey token; throws InvalidLinkError when forged or expired. */
export const readSurveyToken = (token: string, links: LinkSettings, now: string): SurveyClaims => {
  const payload = verifyToken(token, links.signingKey, SURVEY_PURPOSE, Math.floor(Date.parse(now) / 1000));
  return {
    surveyId: String(payload.s),
    customerId: String(payload.c),
    kind: payload.k === 'csat' ? 'csat' : 'nps',
    journeyId: String(payload.j),
    instanceId: String(payload.i),
    orderId: payload.o === undefined ? null : String(payload.o),
  };
};
