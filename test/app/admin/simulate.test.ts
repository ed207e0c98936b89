import { describe, expect, it } from 'vitest';
import { createJourney, publishJourney, saveJourney } from '../../../shared/app/admin/journeys.js';
import { MAX_SIMULATED_INPUTS, simulateJourney } from '../../../shared/app/admin/simulate.js';
import { postPurchaseSurvey } from '../../../shared/domain/defaults/post-purchase-survey.js';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.js';
import { adminWorld, welcomeJourney } from './world.js';

const mei = {
  customerId: 'c-mei',
  email: 'mei@example.com',
  name: 'Mei',
  locale: 'zh-CN',
  consent: { email: true },
};
const order = {
  at: '2026-11-02T10:00:00Z',
  detailType: 'Order Completed',
  source: 'shop',
  detail: { orderId: 'o-1', total: 42, currency: 'EUR', items: [] },
};
const answer = (at: string, nps: number) => ({
  at,
  detailType: 'Survey Answered',
  source: 'careflow',
  detail: { orderId: 'o-1', surveyId: 's-1', kind: 'nps', score: nps, nps, revision: 1 },
});

const withSurveyDraft = async () => {
  const world = adminWorld();
  await createJourney(world.deps, postPurchaseSurvey);
  return world;
};

describe('journey simulation (dry run)', () => {
  it('shows the path, each message as it would read, and when it would happen, for a detractor', async () => {
    const { deps } = await withSurveyDraft();

    const result = await simulateJourney(deps, 'post-purchase-survey', {
      profile: mei,
      events: [order, answer('2026-11-03T18:30:00Z', 3)],
    });

    expect(result.journey).toEqual({ id: 'post-purchase-survey', version: 'draft' });
    const [run] = result.instances;
    expect(run).toMatchObject({ status: 'completed', endReason: 'reached exit' });
    expect(run?.path).toEqual([
      { stepId: 'wait', at: '2026-11-02T10:00:00.000Z' },
      { stepId: 'invite', at: '2026-11-03T10:00:00.000Z' },
      { stepId: 'answer', at: '2026-11-03T10:00:00.000Z' },
      { stepId: 'route', at: '2026-11-03T18:30:00.000Z' },
      { stepId: 'sorry', at: '2026-11-03T18:30:00.000Z' },
      { stepId: 'case', at: '2026-11-03T18:30:00.000Z' },
      { stepId: 'end', at: '2026-11-03T18:30:00.000Z' },
    ]);
    expect(run?.durationMs).toBe(32.5 * 3_600_000);
    expect(result.messages.map((m) => [m.at, m.stepId, m.status, m.locale, m.to])).toEqual([
      ['2026-11-03T10:00:00.000Z', 'invite', 'would-send', 'zh-CN', 'mei@example.com'],
      ['2026-11-03T18:30:00.000Z', 'sorry', 'would-send', 'zh-CN', 'mei@example.com'],
    ]);
    expect(result.messages[0]?.subject).toBe('Mei，您有多大可能向朋友推荐我们？');
    expect(result.messages[0]?.text).toContain('https://careflow.invalid/surveys/');
    expect(result.messages[1]?.html).toContain('很抱歉');
    expect(result.emitted).toEqual([
      expect.objectContaining({
        detailType: 'Care Case Requested',
        detail: expect.objectContaining({ reason: 'nps-detractor', orderId: 'o-1' }),
      }),
    ]);
  });

  it('sends the reminder when nobody answers, and stops at the end of the journey', async () => {
    const { deps } = await withSurveyDraft();

    const result = await simulateJourney(deps, 'post-purchase-survey', {
      profile: { ...mei, locale: 'en' },
      events: [order],
    });

    expect(result.messages.map((m) => [m.stepId, m.at])).toEqual([
      ['invite', '2026-11-03T10:00:00.000Z'],
      ['remind', '2026-11-06T10:00:00.000Z'],
    ]);
    expect(result.messages[1]?.subject).toBe('One click: how was your order o-1?');
    expect(result.instances[0]?.status).toBe('completed');
  });

  it('shows the way a skipped invitation takes: no reminder, and the instance ends saying why', async () => {
    const { deps } = await withSurveyDraft();

    const result = await simulateJourney(deps, 'post-purchase-survey', {
      profile: mei,
      events: [
        order,
        {
          at: '2026-11-02T12:00:00Z',
          detailType: 'Customer Profile Updated',
          detail: { consent: { email: false } },
        },
      ],
    });

    const [run] = result.instances;
    expect(run).toMatchObject({
      status: 'completed',
      endReason: 'reached exit; "invite" was not sent (skipped: opted-out)',
      endedAt: '2026-11-03T10:00:00.000Z',
    });
    expect(run?.path.map((p) => p.stepId)).toEqual(['wait', 'invite', 'not-invited']);
    expect(result.messages.map((m) => [m.stepId, m.status, m.reason])).toEqual([
      ['invite', 'skipped', 'opted-out'],
    ]);
    const woken = result.timeline.find((t) => t.input.kind === 'wake');
    expect(woken?.steps.map((s) => s.stepId)).toEqual(['invite', 'not-invited']);
    expect(woken?.ended).toEqual([expect.objectContaining({ status: 'completed', reason: run?.endReason })]);
  });

  it('gives the reason when a customer is not let in or a message is skipped', async () => {
    const world = adminWorld();
    await createJourney(world.deps, welcomeJourney());

    const noConsent = await simulateJourney(world.deps, 'welcome', {
      profile: { customerId: 'c-1', name: 'No email' },
      events: [{ at: '2026-11-02T10:00:00Z', detailType: 'Customer Signed Up' }],
    });
    await createJourney(world.deps, { ...postPurchaseSurvey, id: 'survey-copy' });
    const optedOut = await simulateJourney(world.deps, 'survey-copy', {
      profile: { ...mei, consent: { email: false } },
      events: [order],
    });

    expect(noConsent.messages).toEqual([
      expect.objectContaining({ stepId: 'hello', status: 'skipped', reason: 'no-address', subject: null }),
    ]);
    expect(optedOut.timeline[0]).toMatchObject({
      entered: [],
      notEntered: ['audience requires email consent'],
    });
    expect(optedOut.instances).toEqual([]);
  });

  it('ends the run at the goal', async () => {
    const world = adminWorld();
    await createJourney(world.deps, {
      ...postPurchaseSurvey,
      id: 'with-goal',
      goal: { 'detail-type': ['Order Completed'], detail: { orderId: ['o-2'] } },
    });

    const result = await simulateJourney(world.deps, 'with-goal', {
      profile: mei,
      events: [order, { ...order, at: '2026-11-02T20:00:00Z', detail: { ...order.detail, orderId: 'o-2' } }],
    });

    const first = result.instances.find((i) => i.path[0]?.at === '2026-11-02T10:00:00.000Z');
    expect(first).toMatchObject({ status: 'converted', endedAt: '2026-11-02T20:00:00.000Z' });
    expect(result.messages).toEqual([]);
  });

  it('stops at `until`, leaving the instance waiting', async () => {
    const { deps } = await withSurveyDraft();

    const result = await simulateJourney(deps, 'post-purchase-survey', {
      profile: mei,
      events: [order],
      until: '2026-11-02T23:00:00Z',
    });

    expect(result.instances[0]).toMatchObject({
      status: 'active',
      waiting: { kind: 'timer', until: '2026-11-03T10:00:00.000Z' },
      durationMs: null,
    });
    expect(result.messages).toEqual([]);
  });

  it('writes nothing outside the sandbox and sends nothing', async () => {
    const world = await withSurveyDraft();

    await simulateJourney(world.deps, 'post-purchase-survey', {
      profile: mei,
      events: [order, answer('2026-11-03T12:00:00Z', 10)],
    });

    expect(await world.customers.load('c-mei')).toEqual({ profile: null, instances: [] });
    expect(await world.messages.list('c-mei', 10)).toEqual([]);
    expect(world.outbox.emails).toEqual([]);
  });

  it('runs a published version on request, and refuses a draft that cannot be published', async () => {
    const world = await withSurveyDraft();
    await publishJourney(world.deps, 'post-purchase-survey');
    await saveJourney(world.deps, 'post-purchase-survey', { ...postPurchaseSurvey, start: 'missing' });

    const published = await simulateJourney(world.deps, 'post-purchase-survey', {
      profile: mei,
      events: [order],
      version: 1,
    });
    const draft = await simulateJourney(world.deps, 'post-purchase-survey', {
      profile: mei,
      events: [order],
    }).catch((e: unknown) => e);
    const unknownVersion = await simulateJourney(world.deps, 'post-purchase-survey', {
      events: [order],
      version: 7,
    }).catch((e: unknown) => e);

    expect(published.journey.version).toBe(1);
    expect(published.messages).toHaveLength(2);
    expect(draft).toBeInstanceOf(ValidationError);
    expect(unknownVersion).toBeInstanceOf(NotFoundError);
  });

  it('names the event field that is wrong', async () => {
    const { deps } = await withSurveyDraft();

    const error = await simulateJourney(deps, 'post-purchase-survey', {
      profile: mei,
      events: [{ ...order, detail: { total: 'lots' } }],
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['events.0.detail.orderId', 'events.0.detail.total']),
    );
  });

  it('stops a journey that keeps triggering itself, and says so', async () => {
    const world = adminWorld();
    await createJourney(world.deps, {
      id: 'echo',
      name: 'Echo',
      category: 'care',
      trigger: { 'detail-type': ['Ping'] },
      start: 'ping',
      steps: { ping: { type: 'emit', detailType: 'Ping', next: 'end' }, end: { type: 'exit' } },
    });

    const result = await simulateJourney(world.deps, 'echo', {
      events: [{ at: '2026-11-02T10:00:00Z', detailType: 'Ping' }],
    });

    expect(result.truncated).toBe(true);
    expect(result.timeline).toHaveLength(MAX_SIMULATED_INPUTS);
  });
});

describe('journey simulation under the contact policy', () => {
  it('shows a message that falls in quiet hours going out the next morning, in the customer time zone', async () => {
    const { deps } = await withSurveyDraft();

    const result = await simulateJourney(deps, 'post-purchase-survey', {
      profile: { ...mei, locale: 'en', timezone: 'Europe/Berlin' },
      events: [{ ...order, at: '2026-11-02T21:30:00Z' }],
      until: '2026-11-04T12:00:00Z',
    });

    expect(result.messages.map((m) => [m.stepId, m.at, m.status])).toEqual([
      ['invite', '2026-11-04T07:00:00.000Z', 'would-send'],
    ]);
  });

  it('shows an SMS step with its text', async () => {
    const world = adminWorld();
    await createJourney(world.deps, {
      ...welcomeJourney(),
      steps: {
        hello: { type: 'sendSms', template: 'apology', next: 'end' },
        end: { type: 'exit' },
      },
    });

    const result = await simulateJourney(world.deps, 'welcome', {
      profile: { customerId: 'c-1', name: 'Ada', phone: '+4915112345678', consent: { sms: true } },
      events: [{ at: '2026-11-02T10:00:00Z', detailType: 'Customer Signed Up' }],
    });

    expect(result.messages).toEqual([
      expect.objectContaining({ channel: 'sms', to: '+4915112345678', status: 'would-send', subject: null }),
    ]);
    expect(result.messages[0]?.text).toContain('Ada');
  });
});
