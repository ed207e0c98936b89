import type { JourneyInput } from '../journey/definition.js';

/**
 * Win back customers at risk of churning: a day after the risk is detected (by careflow's churn
 * scoring, another system, or the CRM setting `attributes.churnRisk` to `high`), offer a discount
 * by email (by SMS when email is not possible), remind once five days later, and stop the moment
 * the customer orders again, which counts as a conversion. One in ten customers is held out: sent
 * nothing, but watched for an order like everyone else. An order within 30 days of entering counts
 * for both groups, so the figures show what the offer adds over doing nothing. A customer the
 * offer could not go to on either channel (frequency cap, no consent, …) is neither marked as
 * offered nor reminded of it: the instance ends there (still watched for an order in its window).
 */
export const churnWinBack: JourneyInput = {
  id: 'churn-win-back',
  name: 'Churn-risk win-back',
  category: 'marketing',
  version: 1,
  trigger: {
    $or: [
      { 'detail-type': ['Churn Risk Detected'] },
      { 'detail-type': ['Customer Profile Updated'], detail: { attributes: { churnRisk: ['high'] } } },
    ],
  },
  audience: { consent: 'email' },
  reentry: { allowed: true, cooldown: 'P90D' },
  entryCap: { perDay: 500 },
  holdout: { percent: 10 },
  start: 'pause',
  steps: {
    pause: { type: 'wait', duration: 'P1D', next: 'offer' },
    offer: {
      type: 'sendEmail',
      template: 'win-back-offer',
      fallback: 'sms',
      next: 'tag',
      onSkipped: 'not-offered',
    },
    tag: { type: 'updateProfile', set: { winBack: 'offered' }, next: 'patience' },
    patience: { type: 'wait', duration: 'P5D', next: 'remind' },
    remind: { type: 'sendEmail', template: 'win-back-reminder', next: 'grace' },
    grace: { type: 'wait', duration: 'P9D', next: 'end' },
    end: { type: 'exit' },
    'not-offered': { type: 'exit' },
  },
  goal: { 'detail-type': ['Order Completed'] },
  goalWindow: 'P30D',
};
