import { describe, expect, it } from 'vitest';
import { InvalidLinkError } from '../../shared/domain/errors.js';
import { signToken, verifyToken } from '../../shared/domain/links/signed-token.js';

const KEY = 'k'.repeat(32);
const NOW = 1_800_000_000;
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
    const [, signature] = signToken(payload, KEY).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, c: 'c-2' })).toString('base64url');
    expect(reasonOf(() => verifyToken(`${forged}.${signature}`, KEY, 'survey', NOW))).toBe('signature');
  });

  it('refuses an expired token', () => {
    expect(reasonOf(() => verifyToken(signToken(payload, KEY), KEY, 'survey', NOW + 61))).toBe('expired');
  });

  it('refuses a token made for another purpose', () => {
    expect(reasonOf(() => verifyToken(signToken(payload, KEY), KEY, 'unsubscribe', NOW))).toBe('signature');
  });

  it.each(['', 'abc', 'a.b.c', '.', '%%%.%%%'])('refuses the malformed token %j', (token) => {
    expect(['malformed', 'signature']).toContain(reasonOf(() => verifyToken(token, KEY, 'survey', NOW)));
  });
});
