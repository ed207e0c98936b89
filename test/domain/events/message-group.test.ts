import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deduplicationIdOf,
  ENCODED_FIFO_ID_PREFIX,
  isValidFifoId,
  messageGroupIdOf,
} from '../../../shared/domain/events/message-group.js';

/** Ids SQS takes as they are: 1–128 characters from `!` to `~`. */
const validId = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 128,
});
/** What the customer id schema lets through: any 1–128 UTF-16 code units, lone surrogates too. */
const schemaId = fc.string({ unit: 'binary', minLength: 1, maxLength: 128 });
/** Ids that look like an encoded one. */
const prefixedId = validId.map((id) => `${ENCODED_FIFO_ID_PREFIX}${id}`.slice(0, 128));
const anyId = fc.oneof(validId, schemaId, prefixedId, fc.string({ maxLength: 300 }));

describe('a customer id as SQS FIFO message group', () => {
  it('always gives an id SQS accepts', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        expect(isValidFifoId(messageGroupIdOf(id))).toBe(true);
      }),
    );
  });

  it('gives the same group for the same id, every time', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        expect(messageGroupIdOf(id)).toBe(messageGroupIdOf(`${id}`));
      }),
    );
  });

  it('keeps an id SQS accepts as it is, so existing groups and in-flight messages stay where they are', () => {
    fc.assert(
      fc.property(
        validId.filter((id) => !id.startsWith(ENCODED_FIFO_ID_PREFIX)),
        (id) => {
          expect(messageGroupIdOf(id)).toBe(id);
        },
      ),
    );
  });

  it('gives distinct customers distinct groups', () => {
    fc.assert(
      fc.property(anyId, anyId, (a, b) => {
        fc.pre(a !== b);
        expect(messageGroupIdOf(a)).not.toBe(messageGroupIdOf(b));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a space', 'c 1'],
    ['a letter outside ASCII', 'müller'],
    ['an emoji', 'kunde-🙂'],
    ['a tab', 'c\t1'],
    ['a lone surrogate', 'c-\ud800'],
    ['the mark of an encoded id', `${ENCODED_FIFO_ID_PREFIX}abc`],
  ])('encodes an id with %s as the mark and a SHA-256 in base64url', (_, id) => {
    expect(messageGroupIdOf(id)).toMatch(/^~sha256:[A-Za-z0-9_-]{43}$/);
  });

  it('keeps apart ids that UTF-8 would make equal (lone surrogates)', () => {
    expect(messageGroupIdOf('c-\ud800')).not.toBe(messageGroupIdOf('c-\udc00'));
  });

  // Pinned: a changed encoding would move every encoded customer to a new group while messages
  // of the old one are still in flight. Values: SHA-256 of the UTF-16LE bytes, base64url.
  it.each([
    ['müller', '~sha256:a-yjV44ESSHIVUJUs6Y5e02yNKGy9XpclVRpBv3Tc28'],
    ['c 1', '~sha256:sAPUGYOrvg3saondh5NpXz6_nfbrXuHqIXOZz17O7bE'],
  ])('maps %j to %s, today and after any change', (id, group) => {
    expect(messageGroupIdOf(id)).toBe(group);
  });
});

describe('an event id as SQS FIFO deduplication id', () => {
  it('keeps a UUID (what EventBridge gives) as it is', () => {
    const id = '6f1c1d4e-2a1b-4c3d-9e8f-0a1b2c3d4e5f';
    expect(deduplicationIdOf(id)).toBe(id);
  });

  it('encodes an id SQS would refuse into one it accepts, the same each time', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        expect(isValidFifoId(deduplicationIdOf(id))).toBe(true);
        expect(deduplicationIdOf(id)).toBe(deduplicationIdOf(id));
      }),
    );
  });
});

describe('isValidFifoId (the SQS rule)', () => {
  it.each([
    ['c-1', true],
    ['!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['c 1', false],
    ['müller', false],
    ['c\n1', false],
  ])('%j → %s', (id, valid) => {
    expect(isValidFifoId(id)).toBe(valid);
  });
});
