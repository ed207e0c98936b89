import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidLinkError } from '../errors.js';
import { asKeyring, LEGACY_KEY_ID, type LinkKey, type SigningKeys } from './keyring.js';

/**
 * Compact signed tokens for links in messages (survey answers, unsubscribe):
 * `{keyId}.base64url(json payload).base64url(HMAC-SHA256 of "{keyId}.{payload}")`. The payload
 * carries its expiry; the key id says which key of the keyring signed it, so the key can rotate
 * without breaking links already sent. Tokens made before key ids, `payload.signature`, are read
 * as signed with the key of id `0`. Signing is deterministic: the same payload and key give the
 * same token.
 */
export interface TokenPayload {
  /** What the token is for, so a survey token cannot be used to unsubscribe. */
  purpose: string;
  /** Expiry, epoch seconds. */
  exp: number;
  [claim: string]: string | number;
}

const mac = (signed: string, key: string): Buffer => createHmac('sha256', key).update(signed).digest();

/** Signs with the current key of the keyring. */
export const signToken = (payload: TokenPayload, keys: SigningKeys): string => {
  const { current } = asKeyring(keys);
  const signed = `${current.id}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signed}.${mac(signed, current.key).toString('base64url')}`;
};

/** The parts of a token: the key id, the payload, and what the signature covers. */
const partsOf = (token: string) => {
  const parts = token.split('.');
  if (parts.length === 2) {
    const [body = '', signature = ''] = parts;
    return { keyId: LEGACY_KEY_ID, body, signed: body, signature };
  }
  if (parts.length === 3) {
    const [keyId = '', body = '', signature = ''] = parts;
    return { keyId, body, signed: `${keyId}.${body}`, signature };
  }
  return null;
};

/**
 * The key of this id: the current key, or a retired one with the end of its grace period.
 * An unknown id makes the link invalid.
 */
const keyFor = (keys: SigningKeys, keyId: string): LinkKey & { acceptUntil?: number } => {
  const keyring = asKeyring(keys);
  if (keyring.current.id === keyId) return keyring.current;
  const retired = keyring.retired.find((key) => key.id === keyId);
  if (!retired) throw new InvalidLinkError('This link is not valid.', 'signature');
  return retired;
};

export const verifyToken = (
  token: string,
  keys: SigningKeys,
  purpose: string,
  nowEpochSeconds: number,
): TokenPayload => {
  const parts = partsOf(token);
  if (!parts?.keyId || !parts.body || !parts.signature) {
    throw new InvalidLinkError('This link is incomplete.', 'malformed');
  }
  const key = keyFor(keys, parts.keyId);
  const expected = mac(parts.signed, key.key);
  const given = Buffer.from(parts.signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidLinkError('This link is not valid.', 'signature');
  }
  // Signed by a retired key whose grace period is over: the link was real, and is now too old.
  if (key.acceptUntil !== undefined && key.acceptUntil < nowEpochSeconds) {
    throw new InvalidLinkError('This link has expired.', 'expired');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts.body, 'base64url').toString('utf8'));
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
