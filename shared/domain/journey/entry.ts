import { unsubscribedFromMarketing } from '../guards/send.js';
import { parseDuration } from '../time/duration.js';
import type { Journey } from './definition.js';
import { type Instance, isRunning, watchesGoal } from './instance.js';
import { matcherOf } from './interpreter.js';

export type EntryDecision = { enter: true } | { enter: false; reason: string };

export interface EntryFacts {
  /** The customer's instances of this journey, running or ended. */
  instances: readonly Instance[];
  /** The customer's profile; null when careflow has no profile of the customer yet. */
  profile: Record<string, unknown> | null;
  now: string;
}

/** Tiers as careflow's segmentation names them (RFM: recency, frequency, monetary value). */
export type Tier = 'vip' | 'regular' | 'potential' | (string & {});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The customer's tier: `profile.attributes.tier` when the CRM (or a journey's `updateProfile`)
 * set one; otherwise `potential`, the tier of a customer careflow knows nothing about yet.
 */
export const tierOf = (profile: Record<string, unknown> | null): Tier => {
  const attributes = profile?.attributes;
  const tier = isRecord(attributes) ? attributes.tier : undefined;
  return typeof tier === 'string' && tier !== '' ? tier : 'potential';
};

/**
 * What an audience condition (`audience.when`) is matched against:
 * `{ profile, tier, consent: { email, sms } }`, where a consent is true only for an explicit opt-in.
 */
export const audienceView = (profile: Record<string, unknown> | null): Record<string, unknown> => {
  const consent = isRecord(profile?.consent) ? profile.consent : {};
  return {
    profile: profile ?? {},
    tier: tierOf(profile),
    consent: { email: consent.email === true, sms: consent.sms === true },
  };
};

/**
 * Whether a customer may enter a journey now: audience consent and condition, how many instances
 * may run at once (counting open conversion windows), re-entry and cooldown. The journey-wide daily cap needs a counter and is
 * checked by the use case after this.
 */
export const decideEntry = (journey: Journey, facts: EntryFacts): EntryDecision => {
  const wanted = journey.audience.consent;
  const consent = isRecord(facts.profile?.consent) ? facts.profile.consent : undefined;
  // Without a profile yet (its event may still be on the way) consent is left to the send guards.
  if (wanted && facts.profile !== null && consent?.[wanted] !== true) {
    return { enter: false, reason: `audience requires ${wanted} consent` };
  }
  if (wanted && journey.category === 'marketing' && unsubscribedFromMarketing(facts.profile, wanted)) {
    return { enter: false, reason: `unsubscribed from ${wanted} marketing` };
  }
  if (journey.audience.when && !matcherOf(journey.audience.when)(audienceView(facts.profile))) {
    return { enter: false, reason: 'not in the audience' };
  }
  const max = journey.reentry.maxConcurrent ?? 1;
  let running = 0;
  let watching = 0;
  let last: Instance | undefined;
  for (const instance of facts.instances) {
    // An instance holds the customer while it runs steps or its conversion window is open, in
    // either group: held-out and treated customers come back on the same terms.
    if (isRunning(instance, facts.now)) running += 1;
    if (instance.status !== 'active' && watchesGoal(instance, facts.now)) watching += 1;
    if (!last || instance.startedAt > last.startedAt) last = instance;
  }
  if (running >= max) {
    const times = max === 1 ? '' : ` ${running} times`;
    const window = watching > 0 ? ' (its conversion window is open)' : '';
    return { enter: false, reason: `already in the journey${times}${window}` };
  }
  if (!last) return { enter: true };
  if (!journey.reentry.allowed) return { enter: false, reason: 're-entry is not allowed' };
  const cooldown = journey.reentry.cooldown ? (parseDuration(journey.reentry.cooldown) ?? 0) : 0;
  if (Date.parse(facts.now) - Date.parse(last.startedAt) < cooldown) {
    return { enter: false, reason: `re-entry cooldown ${journey.reentry.cooldown} has not passed` };
  }
  return { enter: true };
};

/** The UTC day an entry counts towards for the journey's daily cap, `yyyy-mm-dd`. */
export const entryDay = (now: string): string => new Date(Date.parse(now)).toISOString().slice(0, 10);
