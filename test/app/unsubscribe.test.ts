import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createUnsubscribeHandler } from '../../functions/unsubscribe/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { contactHistory } from '../../shared/app/contact-history.js';
import { SendDeferredError } from '../../shared/app/errors.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { surveyLinks } from '../../shared/app/survey-links.js';
import { type UnsubscribeDeps, unsubscribeUrl } from '../../shared/app/unsubscribe.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { DAY, makeWorld } from '../support/app.js';
import { linkRequest } from '../support/link-requests.js';

const offers: JourneyInput = {
  id: 'offers',
  name: 'Offers',
  category: 'marketing',
  trigger: { 'detail-type': ['Offer Due'] },
  reentry: { allowed: true, maxConcurrent: 10 },
  start: 'send',
  steps: { send: { type: 'sendEmail', template: 'win-back-offer', next: 'end' }, end: { type: 'exit' } },
};
const care: JourneyInput = {
  ...offers,
  id: 'care',
  category: 'care',
  trigger: { 'detail-type': ['Order Shipped'] },
};

const request = (
  method: 'GET' | 'POST',
  token: string,
  options: { body?: string; contentType?: string; accept?: string } = {},
) =>
  linkRequest(method, 'unsubscribe', token, {
    headers: {
      ...(options.contentType ? { 'content-type': options.contentType } : {}),
      ...(options.accept ? { accept: options.accept } : {}),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });

const setup = async (consent: Record<string, boolean> = { email: true }) => {
  const world = await makeWorld([offers, care]);
  await processCustomerEvent(
    world.deps,
    world.event('Customer Profile Updated', {
      customerId: 'c-1',
      email: 'ada@example.com',
      name: 'Ada',
      consent,
    }),
  );
  const deps: UnsubscribeDeps = {
    clock: world.clock,
    logger: world.deps.logger,
    customers: world.customers,
    requests: world.customers,
    events: world.events,
    links: world.deps.links,
  };
  const handler = createUnsubscribeHandler(async () => deps);
  const call = async (event: APIGatewayProxyEventV2) => {
    const result = await handler(event, lambdaContext('careflow-unsubscribe'));
    await world.deliverPublished();
    return result;
  };
  const token = () => {
    const url = unsubscribeUrl(
      { customerId: 'c-1', journeyId: 'offers', messageId: 'm-1' },
      world.deps.links,
      world.clock.now(),
    );
    return url.slice(url.lastIndexOf('/') + 1);
  };
  const sendBoth = async () => {
    await processCustomerEvent(world.deps, world.event('Offer Due', { customerId: 'c-1' }));
    await processCustomerEvent(world.deps, world.event('Order Shipped', { customerId: 'c-1' }));
    return (await contactHistory(world.deps, 'c-1'))
      .slice(0, 2)
      .map((h) => [h.journeyId, h.status, h.reason])
      .sort();
  };
  /** The request as the unsubscribe function handles it, its event not yet through the queue. */
  const callOnly = (event: APIGatewayProxyEventV2) => handler(event, lambdaContext('careflow-unsubscribe'));
  return { world, call, callOnly, token, sendBoth };
};

const oneClick = (token: string) =>
  request('POST', token, {
    body: 'List-Unsubscribe=One-Click',
    contentType: 'application/x-www-form-urlencoded',
  });

describe('an unsubscribe counts before the processor has applied it', () => {
  it('stops marketing at once, while Customer Unsubscribed is still on its way', async () => {
    const { world, callOnly, token, sendBoth } = await setup();
    expect((await callOnly(oneClick(token()))).statusCode).toBe(200);
    expect(world.customers.profiles.get('c-1')?.attributes?.emailMarketing).toBeUndefined();
    expect(await sendBoth()).toEqual([
      ['care', 'sent', null],
      ['offers', 'skipped', 'unsubscribed'],
    ]);
  });

  it('does not send an offer the provider deferred when it comes back after the customer unsubscribed', async () => {
    const { world, callOnly, token } = await setup();
    const due = world.event('Offer Due', { customerId: 'c-1' });
    world.email.failWith = new SendDeferredError('SES did not send the message (LimitExceededException)');
    await expect(processCustomerEvent(world.deps, due)).rejects.toThrow(SendDeferredError);
    world.email.failWith = null;
    world.clock.set(new Date(Date.parse(world.clock.now()) + 3_600_000).toISOString());
    await callOnly(oneClick(token()));
    // The queue gives the deferred offer out again, ahead of Customer Unsubscribed.
    await processCustomerEvent(world.deps, due);
    expect(world.email.sent).toEqual([]);
    expect((await contactHistory(world.deps, 'c-1')).map((h) => [h.status, h.reason])).toEqual([
      ['skipped', 'unsubscribed'],
    ]);
  });

  it('is written on the stored profile when its event arrives, and no longer pending', async () => {
    const { world, call, token, sendBoth } = await setup();
    await call(oneClick(token()));
    expect(world.customers.profiles.get('c-1')?.attributes?.emailMarketing).toBe('unsubscribed');
    expect(world.customers.requests.get('c-1')).toEqual([]);
    // Long after the request item would have expired, the choice stands.
    world.customers.requests.clear();
    expect(await sendBoth()).toEqual([
      ['care', 'sent', null],
      ['offers', 'skipped', 'unsubscribed'],
    ]);
  });

  it('is not undone by an older CRM sync that the queue hands over after the click', async () => {
    const { world, callOnly, token, sendBoth } = await setup();
    const staleSync = world.event('Customer Profile Updated', {
      customerId: 'c-1',
      consent: { email: true },
      attributes: { emailMarketing: 'subscribed' },
    });
    await callOnly(oneClick(token()));
    world.clock.set(new Date(Date.parse(world.clock.now()) + 60_000).toISOString());
    await processCustomerEvent(world.deps, staleSync);
    expect(await sendBoth()).toEqual([
      ['care', 'sent', null],
      ['offers', 'skipped', 'unsubscribed'],
    ]);
  });

  it('counts no more once the profile changed after it: subscribing again through the CRM', async () => {
    const { world, call, token, sendBoth } = await setup();
    await call(oneClick(token()));
    world.clock.set(new Date(Date.parse(world.clock.now()) + 60_000).toISOString());
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', {
        customerId: 'c-1',
        attributes: { emailMarketing: 'subscribed' },
      }),
    );
    expect(await sendBoth()).toEqual([
      ['care', 'sent', null],
      ['offers', 'sent', null],
    ]);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it("stops marketing email on the mail client's one-click POST; care email still arrives", async () => {
    const { world, call, token, sendBoth } = await setup();
    const response = await call(
      request('POST', token(), {
        body: 'List-Unsubscribe=One-Click',
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(world.events.published).toContainEqual(
      expect.objectContaining({
        detailType: 'Customer Unsubscribed',
        detail: {
          customerId: 'c-1',
          channel: 'email',
          scope: 'marketing',
          via: 'one-click',
          journeyId: 'offers',
          messageId: 'm-1',
        },
      }),
    );
    expect(await sendBoth()).toEqual([
      ['care', 'sent', null],
      ['offers', 'skipped', 'unsubscribed'],
    ]);
  });

  it('accepts the one-click POST as multipart/form-data too', async () => {
    const { call, token, sendBoth } = await setup();
    const body =
      '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n';
    expect(
      (await call(request('POST', token(), { body, contentType: 'multipart/form-data; boundary=x' })))
        .statusCode,
    ).toBe(200);
    expect((await sendBoth()).find(([journey]) => journey === 'offers')).toEqual([
      'offers',
      'skipped',
      'unsubscribed',
    ]);
  });

  it('stops all email from the preferences page', async () => {
    const { call, token, sendBoth } = await setup();
    const response = await call(
      request('POST', token(), { body: 'scope=all', contentType: 'application/x-www-form-urlencoded' }),
    );
    expect(response.body).toContain('no more email');
    expect(await sendBoth()).toEqual([
      ['care', 'skipped', 'opted-out'],
      ['offers', 'skipped', 'opted-out'],
    ]);
  });

  it('shows the preferences page on GET and changes nothing (link scanners unsubscribe nobody)', async () => {
    const { world, call, token, sendBoth } = await setup();
    const page = await call(request('GET', token()));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('a•••@example.com');
    expect(page.body).toContain('Stop offers and news');
    expect(page.body).toContain('Stop all email');
    expect(world.events.published).toHaveLength(0);
    expect(await sendBoth()).toEqual([
      ['care', 'sent', null],
      ['offers', 'sent', null],
    ]);
  });

  it('answers JSON to a client that asks for it', async () => {
    const { call, token } = await setup({});
    const page = await call(request('GET', token(), { accept: 'application/json' }));
    expect(JSON.parse(page.body ?? '')).toEqual({
      maskedEmail: 'a•••@example.com',
      marketing: false,
      anyEmail: true,
    });
  });

  it.each([
    ['a tampered token', (t: string) => `${t.slice(0, -3)}abc`, 400],
    ['a token cut short', (t: string) => t.split('.')[0] ?? '', 400],
  ])('refuses %s', async (_, mangle, status) => {
    const { world, call, token } = await setup();
    const response = await call(
      request('POST', mangle(token()), {
        body: 'scope=all',
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    expect(response.statusCode).toBe(status);
    expect(world.events.published).toHaveLength(0);
  });

  it('refuses a survey link used as an unsubscribe link', async () => {
    const { world, call } = await setup();
    const survey = surveyLinks(
      { surveyId: 's', customerId: 'c-1', kind: 'nps', journeyId: 'j', instanceId: 'i', orderId: null },
      world.deps.links,
      world.clock.now(),
    );
    expect((await call(request('POST', survey.token))).statusCode).toBe(400);
  });

  it('keeps working for two years, then says the link expired', async () => {
    const { world, call, token } = await setup();
    const issued = token();
    world.clock.advance(729 * DAY);
    expect((await call(request('GET', issued))).statusCode).toBe(200);
    world.clock.advance(2 * DAY);
    const expired = await call(request('GET', issued));
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This link has expired');
  });

  it('refuses a choice it does not know', async () => {
    const { call, token } = await setup();
    const response = await call(
      request('POST', token(), {
        body: 'scope=everything',
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    expect(response.statusCode).toBe(400);
  });
});
