import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUnsubscribeHandler } from '../../functions/unsubscribe/handler.js';
import { unsubscribeDeps } from '../../shared/adapters/wiring/unsubscribe.js';
import { unsubscribeUrl } from '../../shared/app/unsubscribe.js';
import { loadConfig } from '../../shared/config/config.js';
import { Env } from '../../shared/config/env.js';
import { parseSigningSecret, rotateSigningSecret } from '../../shared/domain/links/keyring.js';
import { FakeClock, silentLogger } from '../support/fakes.js';
import { linkRequest } from '../support/link-requests.js';

const OLD_KEY = 'the-key-before-the-rotation-0123456789';
const NEW_KEY = 'the-key-after-the-rotation-9876543210ab';
const BASE_URL = 'https://care.example.com';
const SENT_AT = '2026-11-02T09:00:00.000Z';
const ROTATED_AT = '2026-11-09T09:00:00.000Z';
const DAY = 86_400_000;
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The secret as `npm run link-key -- rotate` leaves it a week after the link below was sent. */
const rotatedSecret = JSON.stringify(
  rotateSigningSecret(parseSigningSecret(OLD_KEY), { key: NEW_KEY, now: ROTATED_AT, graceDays: 30 }),
);

/** The one-click POST a mail client sends. */
const post = (token: string) =>
  linkRequest('POST', 'unsubscribe', token, { body: 'List-Unsubscribe=One-Click' });

describe('unsubscribe link across a rotation of the signing key', () => {
  const secrets = mockClient(SecretsManagerClient);
  const bus = mockClient(EventBridgeClient);
  const table = mockClient(DynamoDBDocumentClient);
  beforeEach(() => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: rotatedSecret });
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    // The request, kept in the customer's partition for sends to honour at once.
    table.on(UpdateCommand).resolves({});
  });
  afterEach(() => {
    secrets.reset();
    bus.reset();
    table.reset();
  });

  /** The environment the stack gives the unsubscribe function. */
  const config = () =>
    loadConfig({
      [Env.signingSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:careflow-links',
      [Env.tableName]: 'careflow',
      [Env.publicBaseUrl]: BASE_URL,
      [Env.linkKeyGraceDays]: '30',
    });

  /** The unsubscribe function as the stack wires it, reading the rotated secret, at a given time. */
  const unsubscribeAt = async (now: string, token: string) => {
    const deps = await unsubscribeDeps(config(), { clock: new FakeClock(now), logger: silentLogger });
    const result = await createUnsubscribeHandler(async () => deps)(post(token), {} as Context);
    return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
  };

  /** The link in an email sent before the rotation, signed with the key the secret held then. */
  const tokenOf = (url: string) => url.slice(`${BASE_URL}/unsubscribe/`.length);
  const linkSentBefore = tokenOf(
    unsubscribeUrl(
      { customerId: 'c-1', journeyId: 'newsletter', messageId: 'm-1' },
      { baseUrl: BASE_URL, signingKey: OLD_KEY, surveyTtlDays: 30 },
      SENT_AT,
    ),
  );

  it('unsubscribes with a link sent before the rotation', async () => {
    const { status, body } = await unsubscribeAt(later(ROTATED_AT, DAY), linkSentBefore);

    expect(status).toBe(200);
    expect(body).toEqual({ scope: 'marketing' });
    const entries = bus.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.DetailType).toBe('Customer Unsubscribed');
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({ customerId: 'c-1', scope: 'marketing' });
    expect(table.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key)).toEqual([
      { pk: 'C#c-1', sk: '#UNSUBSCRIBE' },
    ]);
  });

  it('refuses that link once the old key’s grace period is over, and unsubscribes no one', async () => {
    const { status, body } = await unsubscribeAt(later(ROTATED_AT, 31 * DAY), linkSentBefore);

    expect(status).toBe(410);
    expect(body.message).toBe('This link has expired.');
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('signs new links with the new key, and they work after the old key’s grace period', async () => {
    const { links } = await unsubscribeDeps(config(), { logger: silentLogger });
    const fresh = tokenOf(
      unsubscribeUrl({ customerId: 'c-2', journeyId: null, messageId: null }, links, ROTATED_AT),
    );

    expect(fresh.split('.')[0]).toBe('1');
    expect((await unsubscribeAt(later(ROTATED_AT, 31 * DAY), fresh)).status).toBe(200);
  });

  it('refuses to start on a secret it cannot use, naming the field', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"current": {"id": "1", "key": "short"}}' });
    await expect(unsubscribeDeps(config(), { logger: silentLogger })).rejects.toThrow(
      /CAREFLOW_SIGNING_SECRET_ARN is not a usable link-signing secret: .*current\.key/,
    );
  });
});
