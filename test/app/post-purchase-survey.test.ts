import { describe, expect, it } from 'vitest';
import { contactHistory } from '../../shared/app/contact-history.js';
import { SendDeferredError, SendRejectedError } from '../../shared/app/errors.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { recordSurveyAnswer } from '../../shared/app/record-survey-answer.js';
import { DAY, HOUR, makeWorld } from '../support/app.js';

const alice = {
  customerId: 'c-alice',
  email: 'alice@example.com',
  name: 'Alice',
  timezone: 'Europe/Berlin',
  locale: 'en',
  consent: { email: true },
};
const order = { customerId: 'c-alice', orderId: 'o-1001', total: 59.9, currency: 'EUR', items: [] };

/** Pulls the token out of the first score link of an invitation. */
const tokenFrom = (text: string): string => {
  const match = /\/surveys\/([^?\s]+)\?score=0/.exec(text);
  if (!match?.[1]) throw new Error('no survey link in the email');
  return match[1];
};

const buyAndWait = async () => {
  const world = await makeWorld();
  await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
  await processCustomerEvent(world.deps, world.event('Order Completed', order));
  return world;
};

describe('post-purchase survey', () => {
  it('sends nothing at purchase time and the invitation 24 hours after the order', async () => {
    const world = await buyAndWait();
    expect(world.email.sent).toHaveLength(0);
    await world.advance(23 * HOUR);
    expect(world.email.sent).toHaveLength(0);
    await world.advance(1 * HOUR);
    expect(world.email.sent).toHaveLength(1);
    const [invite] = world.email.sent;
    expect(invite?.to).toBe('alice@example.com');
    expect(invite?.subject).toContain('Alice');
    expect(invite?.text).toContain('o-1001');
    for (let score = 0; score <= 10; score += 1) expect(invite?.html).toContain(`?score=${score}"`);
  });

  it.each([
    { score: 3, template: 'apology', caseRequested: true },
    { score: 10, template: 'thank-you-referral', caseRequested: false },
    { score: 8, template: null, caseRequested: false },
  ])('answers a score of $score with $template', async ({ score, template, caseRequested }) => {
    const world = await buyAndWait();
    await world.advance(DAY);
    const token = tokenFrom(world.email.sent[0]?.text ?? '');
    await recordSurveyAnswer(world.deps, { token, score });
    await world.deliverPublished();

    const followUps = world.email.sent.slice(1);
    expect(followUps.map((m) => m.tags?.step)).toEqual(
      template ? [template === 'apology' ? 'sorry' : 'thanks'] : [],
    );
    const requested = world.events.published.filter((e) => e.detailType === 'Care Case Requested');
    expect(requested).toHaveLength(caseRequested ? 1 : 0);
    if (caseRequested)
      expect(requested[0]?.detail).toMatchObject({ customerId: 'c-alice', orderId: 'o-1001' });
    const instance = [...world.customers.instances.values()][0];
    expect(instance?.status).toBe('completed');
  });

  it('reminds once after three days without an answer, then ends', async () => {
    const world = await buyAndWait();
    await world.advance(DAY);
    await world.advance(3 * DAY);
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['invite', 'remind']);
    await world.advance(30 * DAY);
    expect(world.email.sent).toHaveLength(2);
  });

  it("ignores an answer to another order's survey", async () => {
    const world = await buyAndWait();
    await world.advance(DAY);
    await processCustomerEvent(
      world.deps,
      world.event(
        'Survey Answered',
        {
          customerId: 'c-alice',
          surveyId: 's-x',
          kind: 'nps',
          score: 1,
          nps: 1,
          orderId: 'o-other',
          revision: 1,
        },
        'careflow',
      ),
    );
    expect(world.email.sent).toHaveLength(1);
    const instance = [...world.customers.instances.values()][0];
    expect(instance?.stepId).toBe('answer');
  });

  it('lists every message in the contact history, newest first', async () => {
    const world = await buyAndWait();
    await world.advance(DAY);
    await recordSurveyAnswer(world.deps, { token: tokenFrom(world.email.sent[0]?.text ?? ''), score: 2 });
    world.clock.advance(1000);
    await world.deliverPublished();
    const history = await contactHistory(world.deps, 'c-alice');
    expect(history.map((h) => [h.stepId, h.status, h.to])).toEqual([
      ['sorry', 'sent', 'alice@example.com'],
      ['invite', 'sent', 'alice@example.com'],
    ]);
  });

  it('does not invite a customer without email consent, and says why', async () => {
    const world = await makeWorld();
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { ...alice, consent: { email: false } }),
    );
    const result = await processCustomerEvent(world.deps, world.event('Order Completed', order));
    expect(result.skipped).toEqual([
      { journeyId: 'post-purchase-survey', reason: 'audience requires email consent' },
    ]);
    await world.advance(DAY);
    expect(world.email.sent).toHaveLength(0);
  });

  it('starts one instance and sends one invitation when the same order event arrives twice', async () => {
    const world = await makeWorld();
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    const purchase = world.event('Order Completed', order);
    await processCustomerEvent(world.deps, purchase);
    await processCustomerEvent(world.deps, purchase);
    await world.advance(DAY);
    await processCustomerEvent(world.deps, purchase);
    expect(world.customers.instances.size).toBe(1);
    expect(world.email.sent).toHaveLength(1);
  });

  it('does not send twice when the same wake fires twice', async () => {
    const world = await buyAndWait();
    const [wake] = [...world.scheduler.scheduled.values()].map((s) => s.wake);
    await world.advance(DAY);
    const { processWake } = await import('../../shared/app/process-wake.js');
    if (!wake) throw new Error('no wake scheduled');
    expect(await processWake(world.deps, wake)).toBe('stale');
    expect(world.email.sent).toHaveLength(1);
  });

  it('never sends again when the process died after the provider accepted the email, and says so', async () => {
    const world = await buyAndWait();
    const errors: string[] = [];
    const warnings: string[] = [];
    world.deps.metrics = {
      messageSent: () => {},
      skipped: () => {},
      slaBreached: () => {},
      error: (kind) => errors.push(kind),
    };
    world.deps.logger = { ...world.deps.logger, warn: (message) => warnings.push(message) };
    // The send succeeds but recording the outcome fails, as if the Lambda timed out right there.
    const settle = world.messages.settle.bind(world.messages);
    world.messages.settle = async () => {
      throw new Error('timeout');
    };
    await expect(world.advance(DAY)).rejects.toThrow('timeout');
    world.messages.settle = settle;
    // The queue retries the wake: the instance is still before the invite, the log blocks a second copy.
    const [wake] = [...world.scheduler.scheduled.values()].map((s) => s.wake);
    expect(wake).toBeUndefined();
    const retry = await import('../../shared/app/process-wake.js');
    const instance = [...world.customers.instances.values()][0];
    if (!instance) throw new Error('no instance');
    await retry.processWake(world.deps, {
      kind: 'wake',
      customerId: 'c-alice',
      instanceId: instance.instanceId,
      version: instance.version,
    });
    expect(world.email.sent).toHaveLength(1);
    expect([...world.customers.instances.values()][0]?.stepId).toBe('answer');
    // The retry found the claim without an outcome: the operator hears of it.
    expect(errors).toEqual(['ClaimWithoutOutcome']);
    expect(warnings).toEqual(['message claimed earlier without an outcome; not sent again']);
  });

  it('records a refused email as failed and moves on', async () => {
    const world = await buyAndWait();
    world.email.failWith = new SendRejectedError('address rejected');
    await world.advance(DAY);
    const history = await contactHistory(world.deps, 'c-alice');
    expect(history[0]).toMatchObject({ stepId: 'invite', status: 'failed', reason: 'address rejected' });
  });

  it('retries a throttled email later and sends it once', async () => {
    const world = await buyAndWait();
    world.email.failWith = new SendDeferredError('throttled');
    await expect(world.advance(DAY)).rejects.toThrow('throttled');
    world.email.failWith = null;
    const instance = [...world.customers.instances.values()][0];
    if (!instance) throw new Error('no instance');
    const { processWake } = await import('../../shared/app/process-wake.js');
    await processWake(world.deps, {
      kind: 'wake',
      customerId: 'c-alice',
      instanceId: instance.instanceId,
      version: instance.version,
    });
    expect(world.email.sent).toHaveLength(1);
  });
});

describe('post-purchase survey when the order arrives before the profile', () => {
  it('still invites the customer once the profile with consent has arrived', async () => {
    const world = await makeWorld();
    await processCustomerEvent(world.deps, world.event('Order Completed', order));
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    await world.advance(DAY);
    expect(world.email.sent.map((m) => m.to)).toEqual(['alice@example.com']);
  });

  it('skips the invitation, with the reason, when the profile never granted email consent', async () => {
    const world = await makeWorld();
    await processCustomerEvent(world.deps, world.event('Order Completed', order));
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { ...alice, consent: {} }),
    );
    await world.advance(DAY);
    expect(world.email.sent).toHaveLength(0);
    const history = await contactHistory(world.deps, 'c-alice');
    expect(history[0]).toMatchObject({ stepId: 'invite', status: 'skipped', reason: 'no-consent' });
  });
});

describe('operational metrics', () => {
  it('counts a sent invitation by channel and a skipped one by reason', async () => {
    const counted: string[] = [];
    const metrics = {
      messageSent: (channel: string) => counted.push(`sent:${channel}`),
      skipped: (reason: string) => counted.push(`skipped:${reason}`),
      slaBreached: (priority: string) => counted.push(`sla:${priority}`),
      error: (kind: string) => counted.push(`error:${kind}`),
    };
    const world = await makeWorld();
    world.deps.metrics = metrics;
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    await processCustomerEvent(world.deps, world.event('Order Completed', order));
    await processCustomerEvent(
      world.deps,
      world.event('Order Completed', { ...order, customerId: 'c-nobody' }),
    );
    await world.advance(DAY);
    expect(counted.sort()).toEqual(['sent:email', 'skipped:no-profile']);
  });
});
