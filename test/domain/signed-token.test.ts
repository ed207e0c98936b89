import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidLinkError, ValidationError } from '../../shared/domain/errors.js';
import {
  keyringOf,
  parseSigningSecret,
  rotateSigningSecret,
  type SigningSecret,
} from '../../shared/domain/links/keyring.js';
import { signToken, verifyToken } from '../../shared/domain/links/signed-token.js';

const KEY = 'k'.repeat(32);
const NEW_KEY = 'n'.repeat(32);
const NOW = 1_800_000_000;
const DAY = 86_400;
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
const payload = { purpose: 'survey', exp: NOW + 60, s: 'survey-1', c: 'c-1' };

const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidLinkError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('signed link tokens', () => {
  it('round-trips the claims of a valid token', () => {
    expect(verifyToken(signToken(payload, KEY), KEY, 'survey', NOW)).toEqual(payload);
  });

  it('refuses a token signed with another key', () => {
    expect(reasonOf(() => verifyToken(signToken(payload, 'x'.repeat(32)), KEY, 'survey', NOW))).toBe(
      'signature',
    );
  });

  it('refuses a token whose claims were changed', () => {
    const [keyId, , signature] = signToken(payload, KEY).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, c: 'c-2' })).toString('base64url');
    expect(reasonOf(() => verifyToken(`${keyId}.${forged}.${signature}`, KEY, 'survey', NOW))).toBe(
      'signature',
    );
  });

  it('refuses an expired token', () => {
    expect(reasonOf(() => verifyToken(signToken(payload, KEY), KEY, 'survey', NOW + 61))).toBe('expired');
  });

  it('refuses a token made for another purpose', () => {
    expect(reasonOf(() => verifyToken(signToken(payload, KEY), KEY, 'unsubscribe', NOW))).toBe('signature');
  });

  it.each(['', 'abc', 'a.b.c.d', '.', '..', '%%%.%%%'])('refuses the malformed token %j', (token) => {
    expect(['malformed', 'signature']).toContain(reasonOf(() => verifyToken(token, KEY, 'survey', NOW)));
  });

  it('stays short enough for a link: the key id adds two characters', () => {
    const token = signToken(payload, KEY);
    expect(token.startsWith('0.')).toBe(true);
    expect(token.length).toBeLessThan(150);
  });

  it('still accepts a token made before tokens carried a key id', () => {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const legacy = `${body}.${createHmac('sha256', KEY).update(body).digest('base64url')}`;
    expect(verifyToken(legacy, parseSigningSecret(KEY).current.key, 'survey', NOW)).toEqual(payload);
    expect(verifyToken(legacy, keyringOf(parseSigningSecret(KEY), 730), 'survey', NOW)).toEqual(payload);
  });
});

describe('link-signing key rotation', () => {
  const longLived = { ...payload, purpose: 'unsubscribe', exp: NOW + 800 * DAY };
  const rotated = (secret: SigningSecret, at: number, options: { revoke?: boolean } = {}) =>
    rotateSigningSecret(secret, { key: NEW_KEY, now: iso(at), graceDays: 30, ...options });

  it('reads a secret holding one plain key as key 0, so an existing deployment keeps working', () => {
    expect(parseSigningSecret(`${KEY}\n`)).toEqual({ current: { id: '0', key: KEY }, previous: [] });
  });

  it('signs with the new key and still verifies a link sent before the rotation', () => {
    const before = parseSigningSecret(KEY);
    const oldLink = signToken(longLived, keyringOf(before, 30));

    const after = keyringOf(rotated(before, NOW), 30);
    const newLink = signToken(longLived, after);

    expect(newLink.split('.')[0]).toBe('1');
    expect(verifyToken(oldLink, after, 'unsubscribe', NOW + 29 * DAY)).toEqual(longLived);
    expect(verifyToken(newLink, after, 'unsubscribe', NOW + 29 * DAY)).toEqual(longLived);
  });

  it('stops accepting links of the old key once its grace period is over', () => {
    const before = parseSigningSecret(KEY);
    const oldLink = signToken(longLived, keyringOf(before, 30));
    const after = keyringOf(rotated(before, NOW), 30);

    expect(reasonOf(() => verifyToken(oldLink, after, 'unsubscribe', NOW + 30 * DAY + 1))).toBe('expired');
    expect(verifyToken(signToken(longLived, after), after, 'unsubscribe', NOW + 31 * DAY)).toEqual(longLived);
  });

  it('refuses a token whose key id it does not know', () => {
    const keyring = keyringOf(rotated(parseSigningSecret(KEY), NOW), 30);
    const [, body, signature] = signToken(payload, keyring).split('.');
    expect(reasonOf(() => verifyToken(`7.${body}.${signature}`, keyring, 'survey', NOW))).toBe('signature');
  });

  it('refuses a token whose key id was changed to another known key', () => {
    const keyring = keyringOf(rotated(parseSigningSecret(KEY), NOW), 30);
    const [, body, signature] = signToken(payload, keyring).split('.');
    expect(reasonOf(() => verifyToken(`0.${body}.${signature}`, keyring, 'survey', NOW))).toBe('signature');
  });

  it('refuses a token signed with a retired key but with changed claims', () => {
    const before = parseSigningSecret(KEY);
    const [keyId, , signature] = signToken(payload, keyringOf(before, 30)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, c: 'c-2' })).toString('base64url');
    const after = keyringOf(rotated(before, NOW), 30);
    expect(reasonOf(() => verifyToken(`${keyId}.${forged}.${signature}`, after, 'survey', NOW))).toBe(
      'signature',
    );
  });

  it('drops previous keys past their grace period at the next rotation, and numbers keys on', () => {
    const first = rotated(parseSigningSecret(KEY), NOW);
    const second = rotateSigningSecret(first, {
      key: 'm'.repeat(32),
      now: iso(NOW + 10 * DAY),
      graceDays: 30,
    });
    const third = rotateSigningSecret(second, {
      key: 'o'.repeat(32),
      now: iso(NOW + 35 * DAY),
      graceDays: 30,
    });

    expect(second.previous.map((k) => k.id)).toEqual(['1', '0']);
    expect(third.current.id).toBe('3');
    expect(third.previous.map((k) => k.id)).toEqual(['2', '1']);
  });

  it('keeps no old key when the rotation revokes them: every earlier link stops at once', () => {
    const before = parseSigningSecret(KEY);
    const oldLink = signToken(payload, keyringOf(before, 30));
    const after = keyringOf(rotated(before, NOW, { revoke: true }), 30);
    expect(after.retired).toEqual([]);
    expect(reasonOf(() => verifyToken(oldLink, after, 'survey', NOW))).toBe('signature');
  });

  it.each([
    ['not JSON', '{"current": ', ''],
    ['a short key', JSON.stringify({ current: { id: '1', key: 'short' } }), 'current.key'],
    ['a key id with a dot', JSON.stringify({ current: { id: 'a.b', key: KEY } }), 'current.id'],
    [
      'a repeated id',
      JSON.stringify({
        current: { id: '1', key: KEY },
        previous: [{ id: '1', key: KEY, retiredAt: iso(NOW) }],
      }),
      'previous.0.id',
    ],
    [
      'a previous key without retiredAt',
      JSON.stringify({ current: { id: '2', key: KEY }, previous: [{ id: '1', key: KEY }] }),
      'previous.0.retiredAt',
    ],
  ])('refuses a secret with %s, naming the field and never the key', (_, text, path) => {
    let error: unknown;
    try {
      parseSigningSecret(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toContain(path);
    expect((error as Error).message).not.toContain(KEY);
  });
});
