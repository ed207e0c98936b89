import type { JourneyInput } from '../journey/definition.js';
import { churnWinBack } from './churn-win-back.js';
import { postPurchaseSurvey } from './post-purchase-survey.js';
import { vipBirthday } from './vip-birthday.js';

export { churnWinBack, postPurchaseSurvey, vipBirthday };

/** The journeys a new deployment starts with (docs/journeys.md describes each). */
export const defaultJourneys: readonly JourneyInput[] = [postPurchaseSurvey, churnWinBack, vipBirthday];
