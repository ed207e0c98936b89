import { ValidationError } from '../errors.js';
import * as z from '../zod.js';

/**
 * The keys that sign and verify links, and how they rotate (docs/decisions/0074-link-key-rotation.md).
 *
 * The secret holds the current key and the keys it replaced, each with an id that every token
 * carries: `{"current": {"id", "key"}, "previous": [{"id", "key", "retiredAt"}]}`. Links are
 * signed with the current key; a previous key still verifies the links it signed until its grace
 * period after `retiredAt` ends. A secret that is one plain key (the format before key ids) is
 * read as the current key with the id `0`, which is also the id of tokens that carry none.
 */

/** The id of a plain-key secret's key, and of tokens made before tokens carried an id. */
export const LEGACY_KEY_ID = '0';

/** Key ids travel in every link: short, and free of the token's separator. */
export const LinkKeyId = z.string().check(z.regex(/^[A-Za-z0-9]{1,8}$/, 'must be 1 to 8 letters and digits'));

export const LinkKey = z.object({
  id: LinkKeyId,
  key: z.string().check(z.minLength(16, 'must be at least 16 characters')),
});
export type LinkKey = z.infer<typeof LinkKey>;

export const RetiredLinkKey = z.extend(LinkKey, {
  /** When it stopped signing; it verifies for the grace period after this. */
  retiredAt: z.iso.datetime({ offset: true }),
});
export type RetiredLinkKey = z.infer<typeof RetiredLinkKey>;

export const SigningSecret = z
  .object({ current: LinkKey, previous: z._default(z.array(RetiredLinkKey), []) })
  .check(
    z.superRefine((secret, ctx) => {
      const seen = new Set([secret.current.id]);
      secret.previous.forEach((key, index) => {
        if (seen.has(key.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['previous', index, 'id'],
            message: `repeats the id '${key.id}'`,
          });
        }
        seen.add(key.id);
      });
    }),
  );
export type SigningSecret = z.infer<typeof SigningSecret>;

/**
 * The secret's text as keys: JSON in the format above, or one plain key. Throws ValidationError
 * naming the field; messages never quote the secret.
 */
export const parseSigningSecret = (text: string): SigningSecret => {
  const trimmed = text.trim();
  let raw: unknown = { current: { id: LEGACY_KEY_ID, key: trimmed } };
  if (trimmed.startsWith('{')) {
    try {
      raw = JSON.parse(trimmed);
    } catch {
      throw new ValidationError('the link-signing secret is not valid JSON', [
        { path: '', message: 'is not valid JSON' },
      ]);
    }
  }
  const parsed = SigningSecret.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  throw new ValidationError(
    `the link-signing secret is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    problems,
  );
};

/** What signs and verifies: the current key, and the retired ones with the end of their grace period. */
export interface Keyring {
  current: LinkKey;
  retired: readonly (LinkKey & { acceptUntil: number })[];
}

/** Where a plain key is enough (tests, sandboxes): it is the one key, with the legacy id. */
export type SigningKeys = string | Keyring;

export const asKeyring = (keys: SigningKeys): Keyring =>
  typeof keys === 'string' ? { current: { id: LEGACY_KEY_ID, key: keys }, retired: [] } : keys;

const DAY_SECONDS = 86_400;
const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** The keyring of a secret: each previous key is accepted until `retiredAt` plus `graceDays`. */
export const keyringOf = (secret: SigningSecret, graceDays: number): Keyring => ({
  current: { id: secret.current.id, key: secret.current.key },
  retired: secret.previous.map(({ id, key, retiredAt }) => ({
    id,
    key,
    acceptUntil: epochSeconds(retiredAt) + graceDays * DAY_SECONDS,
  })),
});

/** The next key id: one more than the largest numeric id in use. */
const nextKeyId = (secret: SigningSecret): string => {
  const numbers = [secret.current, ...secret.previous]
    .map((key) => (/^\d+$/.test(key.id) ? Number(key.id) : -1))
    .filter((n) => Number.isSafeInteger(n));
  const next = String(Math.max(...numbers, 0) + 1);
  if (!LinkKeyId.safeParse(next).success) throw new RangeError(`no key id left after ${next}`);
  return next;
};

export interface Rotation {
  /** The new key (random, at least 16 characters). */
  key: string;
  now: string;
  /** Previous keys retired longer ago than this are dropped: they verify nothing any more. */
  graceDays: number;
  /**
   * The old keys are known or suspected to be exposed: keep none of them, so every link signed
   * before stops working at once.
   */
  revoke?: boolean;
}

/**
 * The secret after a rotation: a new current key; the old current key becomes a previous key
 * retired `now`; previous keys past their grace period are dropped.
 */
export const rotateSigningSecret = (secret: SigningSecret, rotation: Rotation): SigningSecret => {
  const now = epochSeconds(rotation.now);
  const stillAccepted = secret.previous.filter(
    (key) => epochSeconds(key.retiredAt) + rotation.graceDays * DAY_SECONDS > now,
  );
  return SigningSecret.parse({
    current: { id: nextKeyId(secret), key: rotation.key },
    previous: rotation.revoke ? [] : [{ ...secret.current, retiredAt: rotation.now }, ...stillAccepted],
  });
};
