import { describe, expect, it } from 'vitest';
import {
  createJourney,
  getJourney,
  publishJourney,
  saveJourney,
} from '../../../shared/app/admin/journeys.js';
import { simulateJourney } from '../../../shared/app/admin/simulate.js';
import type { TemplateStore } from '../../../shared/app/ports.js';
import { processCustomerEvent } from '../../../shared/app/process-customer-event.js';
import { processWake } from '../../../shared/app/process-wake.js';
import { defaultJourneys } from '../../../shared/domain/defaults/index.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { Journey } from '../../../shared/domain/journey/definition.js';
import { jsonBytes, MAX_PUBLISHED_BYTES } from '../../../shared/domain/templates/snapshot.js';
import { adminWorld, DAY, welcomeJourney } from './world.js';

const ada = { customerId: 'c-ada', email: 'ada@example.com', name: 'Ada', consent: { email: true } };

/** Sign-up sends `hello` at once; a day later, `tip`. */
const twoMails = welcomeJourney({
  steps: {
    hello: { type: 'sendEmail', template: 'thank-you-referral', next: 'wait' },
    wait: { type: 'wait', duration: 'P1D', next: 'tip' },
    tip: { type: 'sendEmail', template: 'tip', next: 'end' },
    end: { type: 'exit' },
  },
});

const tip = (wording: string) => ({ id: 'tip', subject: wording, html: `<p>${wording}</p>`, text: wording });

const countingTemplates = (inner: TemplateStore) => {
  const counted = { reads: 0 };
  const store: TemplateStore = {
    get: (id) => {
      counted.reads += 1;
      return inner.get(id);
    },
  };
  return { store, counted };
};

/** A world with `twoMails` published while `tip` read "Tip one". */
const publishedWithTip = async () => {
  const world = adminWorld();
  await world.deps.storedTemplates.put(tip('Tip one'), world.clock.now());
  await createJourney(world.deps, twoMails);
  await publishJourney(world.deps, 'welcome');
  await processCustomerEvent(world.engine, world.event('Customer Profile Updated', ada));
  return world;
};

const wakeAll = async (world: ReturnType<typeof adminWorld>) => {
  for (
    let due = world.wakes.takeNextDue(world.clock.now());
    due;
    due = world.wakes.takeNextDue(world.clock.now())
  )
    await processWake(world.engine, due.wake);
};

describe('templates kept by a published version', () => {
  it('keeps every locale of every template the steps send, as it was at publish', async () => {
    const world = await publishedWithTip();

    const version = await world.deps.journeys.getVersion('welcome', 1);

    expect(version?.templates?.map((t) => t.id)).toEqual(['thank-you-referral', 'tip']);
    expect(version?.templates?.[0]?.locales?.['zh-CN']?.subject).toContain('谢谢您');
    expect(version?.templates?.[1]?.subject).toBe('Tip one');
  });

  it('lets a running instance send the wording it started with after the template is edited', async () => {
    const world = await publishedWithTip();
    await processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId: 'c-ada' }));
    await world.deps.storedTemplates.put(tip('Tip two'), world.clock.now());

    world.clock.set(new Date(Date.parse(world.clock.now()) + DAY + 60_000).toISOString());
    await wakeAll(world);

    expect(world.outbox.emails.map((e) => e.subject)).toEqual([
      expect.stringContaining('Thank you'),
      'Tip one',
    ]);
  });

  it('sends an edited template only from the next published version on', async () => {
    const world = await publishedWithTip();
    await world.deps.storedTemplates.put(tip('Tip two'), world.clock.now());

    const republished = await publishJourney(world.deps, 'welcome');
    await processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId: 'c-ada' }));
    world.clock.set(new Date(Date.parse(world.clock.now()) + DAY + 60_000).toISOString());
    await wakeAll(world);

    expect(republished).toMatchObject({ version: 2, published: true });
    expect(world.outbox.emails.at(-1)?.subject).toBe('Tip two');
  });

  it('reads no template on the send path', async () => {
    const world = await publishedWithTip();
    const { store, counted } = countingTemplates(world.engine.templates);
    world.engine.templates = store;

    await processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId: 'c-ada' }));
    world.clock.set(new Date(Date.parse(world.clock.now()) + DAY + 60_000).toISOString());
    await wakeAll(world);

    expect(world.outbox.emails).toHaveLength(2);
    expect(counted.reads).toBe(0);
  });

  it('renders the current template for a version published before versions kept templates', async () => {
    const world = adminWorld();
    await world.deps.storedTemplates.put(tip('Tip one'), world.clock.now());
    await world.deps.journeys.putPublished(Journey.parse(twoMails));
    await processCustomerEvent(world.engine, world.event('Customer Profile Updated', ada));
    await processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId: 'c-ada' }));
    await world.deps.storedTemplates.put(tip('Tip two'), world.clock.now());

    world.clock.set(new Date(Date.parse(world.clock.now()) + DAY + 60_000).toISOString());
    await wakeAll(world);

    expect(world.outbox.emails.at(-1)?.subject).toBe('Tip two');
  });

  it('does not let a draft carry templates: publishing takes them anew', async () => {
    const world = await publishedWithTip();
    const published = await getJourney(world.deps, 'welcome');
    await saveJourney(world.deps, 'welcome', {
      ...published.definition,
      templates: [tip('Smuggled wording')],
    });

    const view = await getJourney(world.deps, 'welcome');

    expect(published.definition).not.toHaveProperty('templates');
    expect(view.definition).not.toHaveProperty('templates');
    expect(view.published?.templates?.map((t) => t.subject)).toContain('Tip one');
  });

  it('refuses to publish a version too large to store, naming the largest template', async () => {
    const world = adminWorld();
    const huge = 'x'.repeat(MAX_PUBLISHED_BYTES);
    await world.deps.storedTemplates.put(
      { id: 'tip', subject: 'Tip', html: `<p>${huge}</p>`, text: 'Tip' },
      world.clock.now(),
    );
    await createJourney(world.deps, twoMails);

    const error = await publishJourney(world.deps, 'welcome').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      { path: 'templates', message: expect.stringMatching(/at most 300 KB.*"tip" 301 KB/) },
    ]);
    expect(await world.deps.journeys.latestVersion('welcome')).toBe(0);
  });

  it('keeps the default journeys far below the size limit', async () => {
    const world = adminWorld();
    for (const journey of defaultJourneys) {
      await createJourney(world.deps, journey);
      await publishJourney(world.deps, journey.id);
      const version = await world.deps.journeys.getVersion(journey.id, 1);
      expect(version?.templates?.length).toBeGreaterThan(0);
      expect(jsonBytes(version)).toBeLessThan(MAX_PUBLISHED_BYTES / 10);
    }
  });
});

describe('templates in dry runs', () => {
  const signUp = { at: '2026-11-02T10:00:00Z', detailType: 'Customer Signed Up', detail: {} };

  it('renders the current templates for a draft, and the kept ones for a published version', async () => {
    const world = await publishedWithTip();
    await world.deps.storedTemplates.put(tip('Tip two'), world.clock.now());

    const draft = await simulateJourney(world.deps, 'welcome', { profile: ada, events: [signUp] });
    const published = await simulateJourney(world.deps, 'welcome', {
      profile: ada,
      events: [signUp],
      version: 1,
    });

    expect(draft.messages.at(-1)?.subject).toBe('Tip two');
    expect(published.messages.at(-1)?.subject).toBe('Tip one');
  });
});
