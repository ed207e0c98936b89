import {
  EventBridgeClient,
  InvalidEventPatternException,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { inHoldout } from '../../shared/domain/journey/draw.js';
import { startTestStack } from '../support/local-stack.js';

/**
 * A marketer's story over HTTP against the local stack: draft a journey, see its problems,
 * fix and publish it, watch customers go through it (branch, wait, goal), try it as a dry run,
 * send a test, pause it; and the EventBridge pattern check through the real AWS SDK.
 */
const TOKEN = 'e2e-admin-token-0123456789abcdef';
let stack: LocalStack;

beforeAll(async () => {
  process.env.CAREFLOW_ADMIN_TOKEN = TOKEN;
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

type Json = Record<string, unknown>;
interface JourneyRun {
  journeyId: string;
  status: string;
}
interface Overview {
  activeJourneys: JourneyRun[];
  pastJourneys: JourneyRun[];
}
interface Simulation {
  instances: { path: { stepId: string; at: string }[] }[];
  messages: { stepId: string; status: string; subject: string }[];
}

/** An admin call with the token; the body is the route's documented answer. */
const api = async <T = Json>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
};

const putEvent = async (detailType: string, detail: Record<string, unknown>, source = 'shop') => {
  const response = await fetch(`${stack.baseUrl}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Entries: [{ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
    }),
  });
  expect(((await response.json()) as Json).FailedEntryCount).toBe(0);
  await stack.settle();
};

/** Move the local clock (wake-ups fire on the way); also lets the processor's journey cache refresh. */
const advance = async (by: string) => {
  const response = await fetch(`${stack.baseUrl}/_local/clock/advance`, {
    method: 'POST',
    body: JSON.stringify({ by }),
  });
  expect(response.status).toBe(200);
};

const mailTo = async (address: string): Promise<{ subject: string }[]> => {
  const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
    emails: { subject: string; destination: { to: string[] } }[];
  };
  return store.emails.filter((m) => m.destination.to.includes(address));
};

const customer = async (id: string) => {
  await putEvent(
    'Customer Profile Updated',
    {
      customerId: id,
      email: `${id}@example.com`,
      name: id.toUpperCase(),
      locale: 'en',
      consent: { email: true },
    },
    'crm',
  );
};

/** A lost parcel: apologise at once when it matters, else wait two days and thank; a new order ends it. */
const lostParcel = {
  id: 'lost-parcel-care',
  name: 'Lost parcel care',
  category: 'care',
  trigger: { 'detail-type': ['Parcel Lost'] },
  audience: { consent: 'email' },
  start: 'route',
  steps: {
    route: {
      type: 'branch',
      cases: [{ when: { detail: { value: [{ numeric: ['>=', 100] }] } }, next: 'apologise' }],
      otherwise: 'wait',
    },
    apologise: { type: 'sendEmail', template: 'apology', next: 'wait' },
    wait: { type: 'wait', duration: 'P2D', next: 'thank' },
    thank: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
    end: { type: 'exit' },
  },
  goal: { 'detail-type': ['Order Completed'] },
};

describe('admin API on the local stack', () => {
  it('asks for the admin token on admin routes only', async () => {
    const without = await fetch(`${stack.baseUrl}/journeys`);
    const wrong = await fetch(`${stack.baseUrl}/journeys`, { headers: { authorization: 'Bearer nope' } });
    const survey = await fetch(`${stack.baseUrl}/surveys/not-a-token`, {
      headers: { accept: 'application/json' },
    });

    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await without.json()) as Json).code).toBe('Unauthorized');
    expect(wrong.status).toBe(401);
    expect(survey.status).toBe(400);
  });

  it('takes a journey from draft to published and runs customers through branch, wait and goal', async () => {
    // A first draft with mistakes: a step that leads nowhere and a template that does not exist.
    const broken = {
      ...lostParcel,
      steps: {
        ...lostParcel.steps,
        apologise: { type: 'sendEmail', template: 'sorry-we-lost-it', next: 'wiat' },
      },
    };
    const created = await api('POST', '/journeys', broken);
    const validated = await api('POST', '/journeys/validate', broken);
    const refused = await api('POST', '/journeys/lost-parcel-care/publish');

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', revision: 1 });
    const problems = [
      { path: 'steps.apologise', message: 'leads to the step "wiat", which does not exist' },
      {
        path: 'steps.apologise.template',
        message: 'names the template "sorry-we-lost-it", which does not exist',
      },
    ];
    expect(validated.body).toMatchObject({ ok: false, problems: expect.arrayContaining(problems) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'ValidationError',
      details: expect.arrayContaining(problems),
    });

    // Fixed and published.
    const saved = await api('PUT', '/journeys/lost-parcel-care', lostParcel, { 'if-match': '1' });
    const published = await api('POST', '/journeys/lost-parcel-care/publish', { revision: 2 });
    expect(saved.body).toMatchObject({ revision: 2, problems: [] });
    expect(published.body).toEqual({
      journeyId: 'lost-parcel-care',
      version: 1,
      published: true,
      status: 'active',
    });
    await advance('2m');

    // A valuable parcel: an apology at once; a new order within two days is the goal.
    await customer('c-vera');
    await putEvent('Parcel Lost', { customerId: 'c-vera', parcelId: 'p-1', value: 250 });
    expect((await mailTo('c-vera@example.com')).map((m) => m.subject)).toEqual(['We are sorry, C-VERA']);
    await putEvent('Order Completed', {
      customerId: 'c-vera',
      orderId: 'o-9',
      total: 30,
      currency: 'EUR',
      items: [],
    });

    // A cheap parcel: no apology; two days later a thank-you.
    await customer('c-lou');
    await putEvent('Parcel Lost', { customerId: 'c-lou', parcelId: 'p-2', value: 12 });
    expect(await mailTo('c-lou@example.com')).toEqual([]);
    await advance('2d');

    expect((await mailTo('c-lou@example.com')).map((m) => m.subject)).toEqual(['Thank you, C-LOU!']);
    expect((await mailTo('c-vera@example.com')).some((m) => m.subject.startsWith('Thank you'))).toBe(false);
    const vera = await api<Overview>('GET', '/customers/c-vera');
    const lou = await api<Overview>('GET', '/customers/c-lou');
    const veraRun = vera.body.pastJourneys.find((j) => j.journeyId === 'lost-parcel-care');
    expect(veraRun).toMatchObject({
      status: 'converted',
      journeyVersion: 1,
      endReason: 'goal reached by Order Completed',
    });
    expect(lou.body.pastJourneys).toEqual([
      expect.objectContaining({ journeyId: 'lost-parcel-care', status: 'completed' }),
    ]);
    expect(lou.body.activeJourneys).toEqual([]);

    const stats = await api<{ steps: { stepId: string }[] }>('GET', '/journeys/lost-parcel-care/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.steps.map((s) => s.stepId)).toEqual(['route', 'apologise', 'wait', 'thank', 'end']);
  });

  it('holds customers out of a journey, watches both groups for the goal and reports the lift', async () => {
    const journey = {
      id: 'delay-voucher',
      name: 'Delay voucher',
      category: 'care',
      trigger: { 'detail-type': ['Delivery Delayed'] },
      holdout: { percent: 50 },
      start: 'voucher',
      steps: {
        voucher: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
        end: { type: 'exit' },
      },
      goal: { 'detail-type': ['Order Completed'] },
      goalWindow: 'P7D',
    };
    expect((await api('POST', '/journeys', journey)).status).toBe(201);
    expect((await api('POST', '/journeys/delay-voucher/publish')).status).toBe(200);
    await advance('2m');
    const pick = (held: boolean, from: number) => {
      for (let i = from; ; i += 1) if (inHoldout(journey.id, `c-dv-${i}`, 50) === held) return `c-dv-${i}`;
    };
    const held = [pick(true, 0), pick(true, 1000)];
    const treated = [pick(false, 0), pick(false, 1000)];
    for (const id of [...held, ...treated]) {
      await customer(id);
      await putEvent('Delivery Delayed', { customerId: id, orderId: `o-${id}` });
    }
    // One customer of each group orders again within the week.
    await advance('2d');
    for (const id of [held[0], treated[0]]) {
      await putEvent('Order Completed', {
        customerId: id,
        orderId: `o2-${id}`,
        total: 20,
        currency: 'EUR',
        items: [],
      });
    }
    await advance('6d');

    // The orders bring the post-purchase survey; the voucher is the thank-you.
    const vouchers = async (id: string) =>
      (await mailTo(`${id}@example.com`)).filter((m) => m.subject.startsWith('Thank you'));
    for (const id of held) expect(await vouchers(id)).toEqual([]);
    for (const id of treated) expect(await vouchers(id)).toHaveLength(1);
    const stats = await api<{ lift: Json }>('GET', '/journeys/delay-voucher/stats');
    expect(stats.body.lift).toMatchObject({
      holdoutPercent: 50,
      goalWindow: 'P7D',
      treatment: { entered: 2, converted: 1, conversionRate: 0.5 },
      control: { entered: 2, converted: 1, conversionRate: 0.5 },
      absoluteLift: 0,
      significant: false,
    });
    const heldOut = await api<{ pastJourneys: (JourneyRun & { endReason: string })[] }>(
      'GET',
      `/customers/${held[1]}`,
    );
    expect(heldOut.body.pastJourneys).toEqual([
      expect.objectContaining({
        journeyId: 'delay-voucher',
        status: 'holdout',
        endReason: 'held out; the goal was not reached within the window',
      }),
    ]);
  });

  it('dry-runs the published journey without sending anything', async () => {
    const before = (await mailTo('sim@example.com')).length;

    const result = await api<Simulation>('POST', '/journeys/lost-parcel-care/simulate', {
      profile: { customerId: 'c-sim', email: 'sim@example.com', name: 'Sim', consent: { email: true } },
      events: [{ at: '2026-11-02T10:00:00Z', detailType: 'Parcel Lost', detail: { value: 500 } }],
    });

    expect(result.status).toBe(200);
    expect(result.body.instances[0]?.path.map((p) => [p.stepId, p.at])).toEqual([
      ['route', '2026-11-02T10:00:00.000Z'],
      ['apologise', '2026-11-02T10:00:00.000Z'],
      ['wait', '2026-11-02T10:00:00.000Z'],
      ['thank', '2026-11-04T10:00:00.000Z'],
      ['end', '2026-11-04T10:00:00.000Z'],
    ]);
    expect(result.body.messages.map((m) => [m.stepId, m.status, m.subject])).toEqual([
      ['apologise', 'would-send', 'We are sorry, Sim'],
      ['thank', 'would-send', 'Thank you, Sim!'],
    ]);
    expect(await mailTo('sim@example.com')).toHaveLength(before);
    expect((await api('GET', '/customers/c-sim')).status).toBe(404);
  });

  it('sends a test message marked as a test and keeps it out of contact histories', async () => {
    const sent = await api('POST', '/messages/test', {
      template: 'survey-nps',
      to: 'team@example.com',
      profile: { name: '梅', locale: 'zh-CN' },
    });

    expect(sent.status).toBe(200);
    expect((await mailTo('team@example.com')).map((m) => m.subject)).toEqual([
      '[TEST] 梅，您有多大可能向朋友推荐我们？',
    ]);
    expect(
      (await api<{ messages: unknown[] }>('GET', '/customers/sample-customer/messages')).body.messages,
    ).toEqual([]);
  });

  it('lets no one in while the journey is paused', async () => {
    await api('POST', '/journeys/lost-parcel-care/pause');
    await advance('2m');
    await customer('c-pia');

    await putEvent('Parcel Lost', { customerId: 'c-pia', parcelId: 'p-3', value: 999 });

    expect(await mailTo('c-pia@example.com')).toEqual([]);
    const listed = await api<{ journeys: Json[] }>('GET', '/journeys');
    expect(listed.body.journeys).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'lost-parcel-care', status: 'paused' })]),
    );
    await api('POST', '/journeys/lost-parcel-care/resume');
  });

  it('answers a wrong method with 405 and an unknown route with 404', async () => {
    expect((await api('DELETE', '/journeys/lost-parcel-care')).status).toBe(405);
    expect((await api('GET', '/no-such-thing')).status).toBe(404);
  });
});

describe('pattern check', () => {
  const sdk = () =>
    new EventBridgeClient({
      endpoint: stack.baseUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  const event = JSON.stringify({
    id: 'e-1',
    account: '123456789012',
    source: 'shop',
    time: '2026-11-02T09:00:00Z',
    region: 'us-east-1',
    'detail-type': 'Order Completed',
    resources: [],
    detail: { customerId: 'c-1', total: 120 },
  });

  it.each([
    { pattern: { detail: { total: [{ numeric: ['>', 100] }] } }, result: true },
    { pattern: { detail: { total: [{ numeric: ['>', 200] }] } }, result: false },
  ])('answers TestEventPatternCommand from the AWS SDK: $result', async ({ pattern, result }) => {
    const answer = await sdk().send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }),
    );

    expect(answer.Result).toBe(result);
  });

  it('refuses a malformed pattern through the SDK with InvalidEventPatternException and the reason', async () => {
    const error = await sdk()
      .send(new TestEventPatternCommand({ EventPattern: '{"source":"shop"}', Event: event }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventPatternException);
    expect((error as Error).message).toMatch(/^Event pattern is not valid\. Reason: source/);
  });

  it('refuses an event without its required fields through the SDK, as AWS does', async () => {
    const error = await sdk()
      .send(new TestEventPatternCommand({ EventPattern: '{"source":["shop"]}', Event: '{"source":"shop"}' }))
      .catch((e: unknown) => e);

    expect((error as Error).name).toBe('ValidationException');
    expect((error as Error).message).toContain('Parameter Event is not valid.');
  });

  it('answers POST /test-event-pattern with the same result', async () => {
    const answer = await api('POST', '/test-event-pattern', {
      EventPattern: '{"source":["shop"]}',
      Event: event,
    });
    const malformed = await api('POST', '/test-event-pattern', { EventPattern: '{"source":', Event: event });

    expect(answer).toEqual({ status: 200, body: { Result: true } });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'InvalidEventPatternException' } });
  });
});
