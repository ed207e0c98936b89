import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifySnsError, createSnsClient, SnsSmsSender } from '../../shared/adapters/sns/sns-sms-sender.js';
import { SendDeferredError } from '../../shared/app/errors.js';

/**
 * SNS as a socket that takes requests and never answers: the client's request timeout must end
 * the call, or it would run into the Lambda timeout and bring the whole batch back.
 */
let server: Server;
let requests: string[];
let endpoint: string;

beforeEach(async () => {
  requests = [];
  server = createServer((request: IncomingMessage) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => requests.push(new URLSearchParams(body).get('Action') ?? '?'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const hungSns = () =>
  createSnsClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestTimeoutMs: 300,
  });

const sms = { messageId: 'm-1', to: '+4915112345678', text: 'Thanks!', category: 'care' as const };

describe('fault injection: an SNS call that never answers', () => {
  it('ends a hung publish at the request timeout, once, with an outcome that is never resent', async () => {
    // prepare
    const sender = new SnsSmsSender(hungSns(), { optOutCheck: 'none' });
    const started = Date.now();

    // act
    const error: unknown = await sender.send(sms).catch((e: unknown) => e);

    // assess: SNS may have taken the message, so the error is not one that releases the claim.
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(classifySnsError(error)).toBe('unknown');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(requests).toEqual(['Publish']);
  });

  it('ends a hung opt-out check at the request timeout: nothing was published, the send is deferred', async () => {
    // prepare
    const sender = new SnsSmsSender(hungSns(), { throttleRetries: 0 });

    // act
    const error: unknown = await sender.send(sms).catch((e: unknown) => e);

    // assess
    expect(error).toBeInstanceOf(SendDeferredError);
    expect(requests).toEqual(['CheckIfPhoneNumberIsOptedOut']);
  });
});
