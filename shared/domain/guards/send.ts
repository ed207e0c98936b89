import { parseDuration } from '../time/duration.js';
import type { QuietHours } from './quiet-hours.js';

/**
 * The rules every send passes, as pure functions. The use cases look up what needs I/O (the
 * suppression list, recent sends) and ask these functions; nothing here sends or reads.
 */

export type Channel = 'email' | 'sms';
export type MessageCategory = 'care' | 'marketing';

/** Why a message was not sent; the contact history and the journey figures show these codes. */
export type SkipReason =
  /** careflow has no profile of the customer. */
  | 'no-profile'
  /** The profile has no address for the channel (email, phone). */
  | 'no-address'
  /** The customer opted out of the channel (`consent.{channel}` is false). */
  | 'opted-out'
  /** Marketing (or a journey whose audience asks for it) needs an explicit opt-in. */
  | 'no-consent'
  /** The customer unsubscribed from marketing on the channel (care messages still go). */
  | 'unsubscribed'
  /** The address is on the suppression list (bounce, complaint, erasure). */
  | 'suppressed'
  /** The customer reached the marketing frequency cap. */
  | 'frequency-cap'
  /** Safety net: the send would fall into quiet hours (the interpreter defers sends out of them). */
  | 'quiet-hours'
  /** No sender is configured for the channel (e.g. SMS on a stack without one). */
  | 'channel-unavailable'
  /** The template does not exist. */
  | 'no-template'
  /** The rendered SMS is longer than an SMS may be. */
  | 'too-long'
  /** The rendered SMS is empty. */
  | 'empty';

export interface ChannelProfile {
  email?: string | undefined;
  phone?: string | undefined;
  consent?: { email?: boolean | undefined; sms?: boolean | undefined } | undefined;
  attributes?: Record<string, unknown> | undefined;
}

/**
 * The profile attribute that records an unsubscribe from marketing on a channel:
 * `attributes.emailMarketing` / `attributes.smsMarketing` set to `"unsubscribed"`. It is kept
 * apart from `consent`, so that care messages (which an explicit opt-in may be required for)
 * still reach the customer. Any other value (e.g. `"subscribed"`, set by the CRM when the customer
 * opts in again) lifts it.
 */
export const marketingAttribute = (channel: Channel): string => `${channel}Marketing`;
export const UNSUBSCRIBED = 'unsubscribed';

export const unsubscribedFromMarketing = (profile: ChannelProfile | null, channel: Channel): boolean =>
  profile?.attributes?.[marketingAttribute(channel)] === UNSUBSCRIBED;

export interface ChannelFacts {
  channel: Channel;
  category: MessageCategory;
  /** null when careflow has no profile of the customer. */
  profile: ChannelProfile | null;
  /** The journey's audience asks for explicit consent on this channel (`audience.consent`). */
  consentRequired: boolean;
}

/** The address a channel sends to, from the profile. */
export const addressFor = (channel: Channel, profile: ChannelProfile | null): string | null =>
  (channel === 'email' ? profile?.email : profile?.phone) ?? null;

/**
 * Whether the customer may be contacted on the channel at all, before the suppression list:
 * care messages reach everyone who did not opt out of the channel; marketing needs an explicit
 * opt-in (`consent.{channel}: true`) and no unsubscribe from marketing.
 */
export const channelBlock = (facts: ChannelFacts): SkipReason | null => {
  const { channel, profile } = facts;
  if (!profile) return 'no-profile';
  if (!addressFor(channel, profile)) return 'no-address';
  const consent = profile.consent?.[channel];
  if (consent === false) return 'opted-out';
  if ((facts.category === 'marketing' || facts.consentRequired) && consent !== true) return 'no-consent';
  if (facts.category === 'marketing' && unsubscribedFromMarketing(profile, channel)) return 'unsubscribed';
  return null;
};

/** Normalised form of an address for the suppression list: trimmed, lower-case. */
export const normaliseAddress = (address: string): string => address.trim().toLowerCase();

export interface FrequencyCap {
  /** At most this many marketing messages… */
  max: number;
  /** …within this window, an ISO 8601 duration such as `P7D`. */
  window: string;
}

/** The start of the frequency-cap window that ends at `now`. */
export const capWindowStart = (now: string, cap: FrequencyCap): string =>
  new Date(Date.parse(now) - (parseDuration(cap.window) ?? 0)).toISOString();

/**
 * Whether one more message would exceed the frequency cap. Care messages are never capped;
 * `recent` are the customer's counted marketing sends (times), the message itself left out.
 */
export const frequencyBlock = (
  category: MessageCategory,
  recent: readonly string[],
  cap: FrequencyCap | null,
  now: string,
): SkipReason | null => {
  if (category !== 'marketing' || !cap) return null;
  const since = Date.parse(capWindowStart(now, cap));
  const nowMs = Date.parse(now);
  let count = 0;
  for (const at of recent) {
    const ms = Date.parse(at);
    if (ms > since && ms <= nowMs) count += 1;
  }
  return count >= cap.max ? 'frequency-cap' : null;
};

/** The contact policy of a deployment: configuration, with these defaults. */
export interface SendPolicy {
  /** Marketing messages per customer and window, across journeys and channels; null: no cap. */
  frequencyCap: FrequencyCap | null;
  /** In the customer's time zone; null: none. */
  quietHours: QuietHours | null;
  /** For customers whose profile names no time zone. */
  defaultTimeZone: string;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  frequencyCap: { max: 3, window: 'P7D' },
  quietHours: { start: '21:00', end: '08:00' },
  defaultTimeZone: 'UTC',
};

/** The longest SMS text careflow sends: about ten message parts, and more would be costly and unreadable. */
export const SMS_MAX_LENGTH = 1600;
