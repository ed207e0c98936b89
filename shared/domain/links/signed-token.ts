import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidLinkError } from '../errors.js';

/**
 * Compact signed tokens for links in messages (survey answers, unsubscribe):
 * `base64url(json payload).base64url(HMAC-SHA256)`. The payload carries its expiry.
 * Signing is deterministic: the same payload and key give the same token.
 */
export interface TokenPayload {
  /** What the token is for, so a survey token cannot be used to unsubscribe. */
  purpose: string;
  /** Expiry, epoch seconds. */
  exp: number;
  [claim: string]: string | number;
}

const mac = (body: string, key: string): Buffer => createHmac('sha256', key).update(body).digest();

export const signToken = (payload: TokenPayload, key: string): string => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(body, key).toString('base64url')}`;
};

export const verifyToken = (
  token: string,
  key: string,
  purpose: string,
  nowEpochSeconds: number,
): TokenPayload => {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) {
    throw new InvalidLinkError('This link is incomplete.', 'malformed');
  }
  const expected = mac(body, key);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidLinkError('This link is not valid.', 'signature');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidLinkError('This link is incomplete.', 'malformed');
  }
  if (!isPayload(payload) || payload.purpose !== purpose) {
    throw new InvalidLinkError('This link is not valid.', 'signature');
  }
  if (payload.exp < nowEpochSeconds) throw new InvalidLinkError('This link has expired.', 'expired');
  return payload;
};

const isPayload = (value: unknown): value is TokenPayload =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as TokenPayload).purpose === 'string' &&
  typeof (value as TokenPayload).exp === 'number';
