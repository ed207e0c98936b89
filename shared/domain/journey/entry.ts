import { parseDuration } from '../time/duration.js';
import type { Journey } from './definition.js';
import type { Instance } from './instance.js';

export type EntryDecision = { enter: true } | { enter: false; reason: string };

export interface EntryFacts {
  /** The customer's instances of this journey, running or ended. */
  instances: readonly Instance[];
  /** The profile's consent; undefined when careflow has no profile of the customer yet. */
  consent: { email?: boolean; sms?: boolean } | undefined;
  now: string;
}

/** Whether a customer may enter a journey now: audience consent and re-entry rules. */
export const decideEntry = (journey: Journey, facts: EntryFacts): EntryDecision => {
  const wanted = journey.audience.consent;
  // Without a profile yet (its event may still be on the way) consent is left to the send guards.
  if (wanted && facts.consent !== undefined && facts.consent[wanted] !== true) {
    return { enter: false, reason: `audience requires ${wanted} consent` };
  }
  if (facts.instances.some((i) => i.status === 'active')) {
    return { enter: false, reason: 'already in the journey' };
  }
  const last = [...facts.instances].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  if (!last) return { enter: true };
  if (!journey.reentry.allowed) return { enter: false, reason: 're-entry is not allowed' };
  const cooldown = journey.reentry.cooldown ? (parseDuration(journey.reentry.cooldown) ?? 0) : 0;
  if (Date.parse(facts.now) - Date.parse(last.startedAt) < cooldown) {
    return { enter: false, reason: `re-entry cooldown ${journey.reentry.cooldown} has not passed` };
  }
  return { enter: true };
};
