import type { JourneyInput } from '../journey/definition.js';

/**
 * Invite every buyer to an NPS survey 24 hours after the order; apologise to detractors
 * (and ask the care team to follow up), thank promoters, remind once after three days of silence.
 * A customer the invitation could not go to (no consent, suppressed address, …) is not reminded
 * of it: the instance ends there, with the reason.
 */
export const postPurchaseSurvey: JourneyInput = {
  id: 'post-purchase-survey',
  name: 'Post-purchase survey',
  category: 'care',
  version: 1,
  trigger: { 'detail-type': ['Order Completed'], detail: { total: [{ numeric: ['>', 0] }] } },
  audience: { consent: 'email' },
  reentry: { allowed: true, cooldown: 'P30D' },
  start: 'wait',
  steps: {
    wait: { type: 'wait', duration: 'PT24H', next: 'invite' },
    invite: {
      type: 'sendEmail',
      template: 'survey-nps',
      survey: { kind: 'nps' },
      next: 'answer',
      onSkipped: 'not-invited',
    },
    answer: {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Survey Answered'] },
      correlate: 'orderId',
      timeout: 'P3D',
      next: 'route',
      onTimeout: 'remind',
    },
    remind: { type: 'sendEmail', template: 'survey-reminder', survey: { kind: 'nps' }, next: 'end' },
    route: {
      type: 'branch',
      cases: [
        { when: { detail: { nps: [{ numeric: ['<=', 6] }] } }, next: 'sorry' },
        { when: { detail: { nps: [{ numeric: ['>=', 9] }] } }, next: 'thanks' },
      ],
      otherwise: 'end',
    },
    sorry: { type: 'sendEmail', template: 'apology', next: 'case' },
    case: {
      type: 'emit',
      detailType: 'Care Case Requested',
      detail: { reason: 'nps-detractor' },
      next: 'end',
    },
    thanks: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
    end: { type: 'exit' },
    'not-invited': { type: 'exit' },
  },
  goal: null,
};
