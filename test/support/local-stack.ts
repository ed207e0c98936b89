import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalSms } from '../../infra/local/sms-outbox.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';

/** 09:00 UTC tomorrow: a morning in the future, so sends never fall into quiet hours by chance. */
export const nextMorning = (now = Date.now()): string => {
  const day = new Date(now + 86_400_000);
  day.setUTCHours(9, 0, 0, 0);
  return day.toISOString();
};

/** The local stack for an end-to-end test file: free ports, in memory, the clock in the test's hands. */
export const startTestStack = (): Promise<LocalStack> =>
  startLocalStack({
    port: 0,
    sesPort: 0,
    dynamoPort: 0,
    dataDir: null,
    realTimeWakes: false,
    startAt: nextMorning(),
  });

export interface StoredMail {
  subject: string;
  destination: { to: string[] };
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
}

/**
 * One local stack for an end-to-end test file, started before its tests and stopped after, with
 * the calls those tests make: the admin API with the token, events, the clock, the mailbox.
 */
export const useTestStack = (adminToken: string) => {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    process.env.CAREFLOW_ADMIN_TOKEN = adminToken;
    stack = await startTestStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });
  const current = (): LocalStack => {
    if (!stack) throw new Error('the local stack has not started');
    return stack;
  };

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${current().baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** Put one event on the bus and wait until careflow has processed it. */
  const put = async (detailType: string, detail: Record<string, unknown>, source = 'shop') => {
    const result = await admin('POST', '/events', {
      Entries: [{ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
    });
    expect(result.body.FailedEntryCount).toBe(0);
    await current().settle();
  };

  /** Move the local clock; wake-ups that fall due on the way run at their own time. */
  const advance = async (by: string) => {
    const result = await admin('POST', '/_local/clock/advance', { by });
    expect(result.status).toBe(200);
  };

  const mailTo = async (address: string): Promise<StoredMail[]> => {
    const store = (await (await fetch(`${current().sesUrl}/store`)).json()) as { emails: StoredMail[] };
    return store.emails.filter((m) => m.destination.to.includes(address));
  };

  /** The local SMS outbox, newest first, and the numbers that opted out. */
  const sms = async (): Promise<{ messages: LocalSms[]; optedOut: string[] }> =>
    (await fetch(`${current().baseUrl}/_local/sms`)).json() as Promise<{
      messages: LocalSms[];
      optedOut: string[];
    }>;

  /** Have SES report on a mail it sent (`POST /_local/ses/events`); answers once careflow recorded it. */
  const sesEvent = (body: Record<string, unknown>) => admin('POST', '/_local/ses/events', body);

  return { stack: current, admin, put, advance, mailTo, sms, sesEvent };
};
