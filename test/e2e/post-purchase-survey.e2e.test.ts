import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { startTestStack } from '../support/local-stack.js';

/**
 * The walking skeleton's user story, over HTTP against the local stack:
 * profile → purchase → 24 hours later the survey email → a score → apology or thank-you →
 * contact history.
 */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

interface StoredMail {
  subject: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
  messageId: string;
}

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
};

const putEvents = async (...entries: { DetailType: string; Detail: unknown; Source?: string }[]) => {
  const { status, text } = await post('/events', {
    Entries: entries.map((e) => ({
      Source: e.Source ?? 'shop',
      DetailType: e.DetailType,
      Detail: JSON.stringify(e.Detail),
    })),
  });
  expect(status).toBe(200);
  return JSON.parse(text) as { FailedEntryCount: number; Entries: Record<string, string>[] };
};

const advance = async (by: string) => {
  const { status } = await post('/_local/clock/advance', { by });
  expect(status).toBe(200);
};

const mailTo = async (address: string): Promise<StoredMail[]> => {
  const response = await fetch(`${stack.sesUrl}/store`);
  const store = (await response.json()) as { emails: StoredMail[] };
  return store.emails.filter((m) => m.destination.to.includes(address));
};

const history = async (customerId: string) => {
  // Admin routes need the local stack's admin token (IAM in AWS).
  const response = await fetch(`${stack.baseUrl}/customers/${customerId}/messages`, {
    headers: { authorization: `Bearer ${process.env.CAREFLOW_ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: Record<string, string>[] }).messages;
};

const customer = (id: string) => ({
  customerId: id,
  email: `${id}@example.com`,
  name: id.toUpperCase(),
  timezone: 'Europe/Berlin',
  locale: 'en',
  consent: { email: true },
});

const buyAndGetInvitation = async (id: string, orderId: string) => {
  const put = await putEvents(
    { DetailType: 'Customer Profile Updated', Detail: customer(id) },
    {
      DetailType: 'Order Completed',
      Detail: { customerId: id, orderId, total: 42.5, currency: 'EUR', items: [] },
    },
  );
  expect(put.FailedEntryCount).toBe(0);
  await advance('23h');
  expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
  await advance('1h');
  const mails = await mailTo(`${id}@example.com`);
  expect(mails).toHaveLength(1);
  return mails[0] as StoredMail;
};

const scoreLink = (mail: StoredMail, score: number): string => {
  const match = new RegExp(`(https?://[^\\s"]+/surveys/[^?\\s"]+)\\?score=${score}(?=["\\s])`).exec(
    mail.body.text ?? '',
  );
  if (!match?.[1]) throw new Error(`no link for score ${score}`);
  return match[1];
};

describe('post-purchase survey on the local stack', () => {
  it('answers health checks once everything is up', async () => {
    const response = await fetch(`${stack.baseUrl}/health`);
    expect(response.status).toBe(200);
  });

  it.each([
    { who: 'detractor', id: 'c-dora', score: 3, reply: /sorry/i },
    { who: 'promoter', id: 'c-pete', score: 10, reply: /thank you/i },
  ])('sends the survey a day after the purchase and answers a $who', async ({ id, score, reply }) => {
    const invitation = await buyAndGetInvitation(id, `o-${id}`);
    expect(invitation.subject).toContain(id.toUpperCase());
    for (let s = 0; s <= 10; s += 1) expect(invitation.body.text).toContain(`?score=${s}`);

    const link = scoreLink(invitation, score);
    const page = await fetch(`${link}?score=${score}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`value="${score}" checked`);
    expect(await history(id)).toHaveLength(1); // opening the page records nothing

    const answer = await post(new URL(link).pathname, { score, comment: 'as it was' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ score, revision: 1 });
    await stack.settle();

    const mails = await mailTo(`${id}@example.com`);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.subject).toMatch(reply);

    const messages = await history(id);
    expect(messages.map((m) => m.status)).toEqual(['sent', 'sent']);
    expect(messages[0]).toMatchObject({
      channel: 'email',
      to: `${id}@example.com`,
      journeyId: 'post-purchase-survey',
      subject: mails[1]?.subject,
    });
    expect(messages[1]).toMatchObject({ subject: invitation.subject });
    expect(Date.parse(messages[0]?.sentAt ?? '')).toBeGreaterThan(Date.parse(messages[1]?.sentAt ?? ''));
  });

  it('records a second answer as an update, from a form post', async () => {
    const invitation = await buyAndGetInvitation('c-fred', 'o-fred');
    const path = new URL(scoreLink(invitation, 5)).pathname;
    const first = await post(path, 'score=5', { 'content-type': 'application/x-www-form-urlencoded' });
    const second = await post(path, 'score=6&comment=changed+my+mind', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(first.status).toBe(200);
    expect(first.type).toContain('text/html');
    expect(second.text).toContain('replaces the answer');
    await stack.settle();
    expect(await mailTo('c-fred@example.com')).toHaveLength(2); // one apology, not two
  });

  it('shows a clear error for a forged survey link and records nothing', async () => {
    const response = await fetch(
      `${stack.baseUrl}/surveys/eyJmb3JnZWQiOnRydWV9.bm90LWEtc2lnbmF0dXJl?score=0`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This link does not work');
    const json = await post(
      '/surveys/eyJmb3JnZWQiOnRydWV9.bm90LWEtc2lnbmF0dXJl',
      { score: 1 },
      { accept: 'application/json' },
    );
    expect(JSON.parse(json.text)).toEqual({ code: 'InvalidLink', message: 'This link is not valid.' });
  });

  it('sends nothing twice when the queue delivers the same event again', async () => {
    await putEvents({ DetailType: 'Customer Profile Updated', Detail: customer('c-dupe') });
    await stack.settle();
    const event = {
      version: '0',
      id: 'evt-redelivered',
      'detail-type': 'Order Completed',
      source: 'shop',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: { customerId: 'c-dupe', orderId: 'o-dupe', total: 10, currency: 'EUR', items: [] },
    };
    const sqs = new SQSClient({});
    const queueUrl = `${stack.baseUrl}/000000000000/careflow-customers.fifo`;
    // Two deliveries of one event, as after a redrive past the queue's deduplication window.
    for (const dedupe of ['first', 'second']) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(event),
          MessageGroupId: 'c-dupe',
          MessageDeduplicationId: dedupe,
        }),
      );
    }
    await stack.settle();
    await advance('24h');
    expect(await mailTo('c-dupe@example.com')).toHaveLength(1);
    expect(await history('c-dupe')).toHaveLength(1);
  });

  it('reports an invalid entry by field, keeps it, and still takes the valid ones', async () => {
    const put = await putEvents(
      { DetailType: 'Order Completed', Detail: { customerId: 'c-x', total: 'a lot', currency: 'EUR' } },
      { DetailType: 'Customer Profile Updated', Detail: customer('c-valid') },
    );
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries[0]?.ErrorMessage).toContain('detail.orderId');
    expect(put.Entries[0]?.ErrorMessage).toContain('detail.total');
    expect(put.Entries[1]?.EventId).toBeTruthy();
    const dead = (await (await fetch(`${stack.baseUrl}/_local/dead-letters`)).json()) as {
      rejectedAtPut: { reason: string }[];
    };
    expect(dead.rejectedAtPut.some((d) => d.reason.includes('detail.orderId'))).toBe(true);
  });

  it('takes events from the AWS SDK unchanged', async () => {
    const client = new EventBridgeClient({
      endpoint: stack.baseUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'crm',
            DetailType: 'Customer Profile Updated',
            Detail: JSON.stringify(customer('c-sdk')),
          },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
