import { ValidationError } from '../domain/errors.js';
import { marketingAttribute, UNSUBSCRIBED, unsubscribedFromMarketing } from '../domain/guards/send.js';
import { signToken, verifyToken } from '../domain/links/signed-token.js';
import * as z from '../domain/zod.js';
import type { LinkSettings } from './deps.js';
import type {
  Clock,
  CustomerStore,
  EventPublisher,
  Logger,
  Profile,
  UnsubscribeRequest,
  UnsubscribeRequests,
} from './ports.js';

/**
 * One-click unsubscribe (RFC 8058) and the preferences page behind the link.
 *
 * The function that serves the link never writes the profile: the processor is the one writer per
 * customer. It puts `Customer Unsubscribed` on the bus; the processor applies it to the profile in
 * order with the customer's other events (see `applyUnsubscribe`), and other systems (the CRM, the
 * helpdesk) can hear about it too. It also keeps the request in the customer's partition
 * (`UnsubscribeRequests`), which counts until the processor has applied the event
 * (`withPendingUnsubscribes`).
 */

export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';
export const UNSUBSCRIBED_DETAIL_TYPE = 'Customer Unsubscribed';
/** Unsubscribe links keep working for two years: an old newsletter must still be able to stop the next one. */
export const UNSUBSCRIBE_TTL_DAYS = 730;

/**
 * What the customer stops: `marketing` stops offers and news (care messages such as survey
 * invitations still arrive); `all` opts out of email altogether.
 */
export type UnsubscribeScope = 'marketing' | 'all';

export interface UnsubscribeClaims {
  customerId: string;
  /** The journey and message the link came with, for the record. */
  journeyId: string | null;
  messageId: string | null;
}

/** The link a message carries: `{baseUrl}/unsubscribe/{token}`. */
export const unsubscribeUrl = (claims: UnsubscribeClaims, links: LinkSettings, now: string): string => {
  const exp = Math.floor(Date.parse(now) / 1000) + UNSUBSCRIBE_TTL_DAYS * 86_400;
  const token = signToken(
    {
      purpose: UNSUBSCRIBE_PURPOSE,
      exp,
      c: claims.customerId,
      ...(claims.journeyId ? { j: claims.journeyId } : {}),
      ...(claims.messageId ? { m: claims.messageId } : {}),
    },
    links.signingKey,
  );
  return `${links.baseUrl}/unsubscribe/${token}`;
};

/** Check an unsubscribe token; throws InvalidLinkError when forged or expired. */
export const readUnsubscribeToken = (token: string, links: LinkSettings, now: string): UnsubscribeClaims => {
  const payload = verifyToken(
    token,
    links.signingKey,
    UNSUBSCRIBE_PURPOSE,
    Math.floor(Date.parse(now) / 1000),
  );
  return {
    customerId: String(payload.c),
    journeyId: payload.j === undefined ? null : String(payload.j),
    messageId: payload.m === undefined ? null : String(payload.m),
  };
};

/** The headers that make a marketing email unsubscribable in one click (RFC 2369 and RFC 8058). */
export const listUnsubscribeHeaders = (url: string): Record<string, string> => ({
  'List-Unsubscribe': `<${url}>`,
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
});

/** What the unsubscribe function needs. */
export interface UnsubscribeDeps {
  clock: Clock;
  logger: Logger;
  /** Read only: to show the current choice. */
  customers: Pick<CustomerStore, 'load'>;
  /** Where the request is kept at once, apart from the profile, for sends to honour. */
  requests: UnsubscribeRequests;
  events: EventPublisher;
  links: LinkSettings;
}

export interface EmailPreferences {
  /** The address, partly hidden (`a•••@example.com`), or null when careflow has none. */
  maskedEmail: string | null;
  /** Receives marketing email (an explicit opt-in). */
  marketing: boolean;
  /** Receives any email (did not opt out of the channel). */
  anyEmail: boolean;
}

const mask = (email: string): string => {
  const at = email.indexOf('@');
  return at <= 0 ? '•••' : `${email[0]}•••${email.slice(at)}`;
};

const preferencesOf = (profile: Profile | null): EmailPreferences => ({
  maskedEmail: profile?.email ? mask(profile.email) : null,
  marketing: profile?.consent?.email === true && !unsubscribedFromMarketing(profile, 'email'),
  anyEmail: profile?.consent?.email !== false,
});

/** `GET /unsubscribe/{token}`: check the link and show the current choice. Changes nothing. */
export const openUnsubscribe = async (
  deps: UnsubscribeDeps,
  token: string,
): Promise<{ claims: UnsubscribeClaims; preferences: EmailPreferences }> => {
  const claims = readUnsubscribeToken(token, deps.links, deps.clock.now());
  const { profile, unsubscribeRequests } = await deps.customers.load(claims.customerId);
  return { claims, preferences: preferencesOf(withPendingUnsubscribes(profile, unsubscribeRequests)) };
};

export const UnsubscribeScopeInput = z.enum(['marketing', 'all']);

/**
 * `POST /unsubscribe/{token}`: unsubscribe. A one-click POST from a mail client
 * (`List-Unsubscribe=One-Click`) stops marketing email; the preferences page can stop all email.
 * Idempotent: a second click puts the same request on the bus, and applying it again changes nothing.
 */
export const unsubscribe = async (
  deps: UnsubscribeDeps,
  input: { token: string; scope: unknown; via: 'one-click' | 'page' },
): Promise<{ customerId: string; scope: UnsubscribeScope }> => {
  const now = deps.clock.now();
  const claims = readUnsubscribeToken(input.token, deps.links, now);
  const scope = UnsubscribeScopeInput.safeParse(input.scope ?? 'marketing');
  if (!scope.success) {
    throw new ValidationError('Please choose what to unsubscribe from.', [
      { path: 'scope', message: 'must be "marketing" or "all"' },
    ]);
  }
  await deps.events.publish([
    {
      source: 'careflow',
      detailType: UNSUBSCRIBED_DETAIL_TYPE,
      time: now,
      detail: {
        customerId: claims.customerId,
        channel: 'email',
        scope: scope.data,
        via: input.via,
        ...(claims.journeyId ? { journeyId: claims.journeyId } : {}),
        ...(claims.messageId ? { messageId: claims.messageId } : {}),
      },
    },
  ]);
  // Then kept beside the profile: sends honour it from now on, before the event reaches the processor.
  await deps.requests.record(claims.customerId, { channel: 'email', scope: scope.data, at: now });
  deps.logger.info('unsubscribe requested', {
    scope: scope.data,
    via: input.via,
    journeyId: claims.journeyId,
  });
  return { customerId: claims.customerId, scope: scope.data };
};

/** The detail of `Customer Unsubscribed`, as the processor reads it. */
export const CustomerUnsubscribed = z.object({
  customerId: z.string().check(z.minLength(1)),
  channel: z.enum(['email', 'sms']),
  scope: UnsubscribeScopeInput,
});
export type CustomerUnsubscribed = z.infer<typeof CustomerUnsubscribed>;

/**
 * The profile after an unsubscribe. `marketing` sets `attributes.{channel}Marketing` to
 * `unsubscribed` and leaves `consent` as it is, so care messages (even those of journeys that ask
 * for an opt-in, like the survey invitation) still arrive; `all` opts out of the channel
 * (`consent.{channel}: false`). Null when nothing changes.
 */
export const applyUnsubscribe = (
  profile: Profile | null,
  request: CustomerUnsubscribed,
  now: string,
): Profile | null => {
  const base = profile ?? { customerId: request.customerId, createdAt: now };
  if (request.scope === 'marketing') {
    if (unsubscribedFromMarketing(profile, request.channel)) return null;
    return {
      ...base,
      attributes: { ...profile?.attributes, [marketingAttribute(request.channel)]: UNSUBSCRIBED },
      updatedAt: now,
    };
  }
  if (profile?.consent?.[request.channel] === false) return null;
  return { ...base, consent: { ...profile?.consent, [request.channel]: false }, updatedAt: now };
};

/**
 * The profile as the customer's pending unsubscribe requests leave it, oldest first: the view
 * sends, journeys and the preferences page work with until the processor has applied each
 * request's `Customer Unsubscribed` to the stored profile (and removed the request). A customer
 * careflow has no profile of is left without one: there is nobody to send to, and nothing to
 * create.
 */
export const withPendingUnsubscribes = (
  profile: Profile | null,
  requests: readonly UnsubscribeRequest[] = [],
): Profile | null =>
  profile === null
    ? null
    : [...requests]
        .sort((a, b) => a.at.localeCompare(b.at))
        .reduce<Profile>(
          (current, { channel, scope, at }) =>
            applyUnsubscribe(current, { customerId: current.customerId, channel, scope }, at) ?? current,
          profile,
        );
