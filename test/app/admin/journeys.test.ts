import { describe, expect, it } from 'vitest';
import {
  changeJourneyState,
  createJourney,
  getJourney,
  listJourneys,
  publishJourney,
  saveJourney,
  validateJourneyDefinition,
} from '../../../shared/app/admin/journeys.js';
import { processCustomerEvent } from '../../../shared/app/process-customer-event.js';
import { processWake } from '../../../shared/app/process-wake.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/domain/errors.js';
import { Journey } from '../../../shared/domain/journey/definition.js';
import { adminWorld, welcomeJourney } from './world.js';

const brokenJourney = {
  id: 'broken',
  name: 'Broken',
  category: 'care',
  trigger: { 'detail-type': ['Customer Signed Up'], detail: { total: [{ numeric: ['>>', 0] }] } },
  start: 'hello',
  steps: {
    hello: { type: 'sendEmail', template: 'no-such-template', next: 'nowhere' },
    orphan: { type: 'exit' },
  },
};

const problemsOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
};

describe('journey drafts', () => {
  it('keeps an invalid draft and lists what stops it from being published', async () => {
    const { deps } = adminWorld();

    const view = await createJourney(deps, brokenJourney);

    expect(view).toMatchObject({ id: 'broken', status: 'draft', revision: 1, publishedVersion: null });
    expect(view.problems).toEqual(
      expect.arrayContaining([
        { path: 'steps.hello', message: 'leads to the step "nowhere", which does not exist' },
        { path: 'steps.orphan', message: 'cannot be reached from the start step' },
        {
          path: 'steps.hello.template',
          message: 'names the template "no-such-template", which does not exist',
        },
      ]),
    );
    expect(view.problems.some((p) => p.path.startsWith('trigger.detail.total'))).toBe(true);
  });

  it('refuses a second journey with an id that is taken', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, welcomeJourney());

    await expect(createJourney(deps, welcomeJourney({ name: 'Another' }))).rejects.toThrow(ConflictError);
  });

  it('refuses a save based on an old revision, so two editors do not overwrite each other', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, welcomeJourney());
    await saveJourney(deps, 'welcome', welcomeJourney({ name: 'Welcome (Ada)' }), 1);

    const stale = saveJourney(deps, 'welcome', welcomeJourney({ name: 'Welcome (Bob)' }), 1);

    await expect(stale).rejects.toThrow(ConflictError);
    expect((await getJourney(deps, 'welcome')).name).toBe('Welcome (Ada)');
  });

  it('refuses a body whose id differs from the path', async () => {
    const { deps } = adminWorld();

    const problems = await problemsOf(saveJourney(deps, 'welcome', welcomeJourney({ id: 'other' })));

    expect(problems).toEqual([{ path: 'id', message: 'must be "welcome" (or left out)' }]);
  });

  it('validates a definition without saving it', async () => {
    const { deps } = adminWorld();

    const result = await validateJourneyDefinition(deps, brokenJourney);

    expect(result.ok).toBe(false);
    expect(result.problems.length).toBeGreaterThanOrEqual(4);
    expect(await listJourneys(deps)).toEqual([]);
  });
});

describe('publishing', () => {
  it('refuses an invalid draft with every problem listed, and publishes nothing', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, brokenJourney);

    const problems = await problemsOf(publishJourney(deps, 'broken'));

    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['steps.hello', 'steps.orphan', 'steps.hello.template']),
    );
    expect(await deps.journeys.latestVersion('broken')).toBe(0);
  });

  it('publishes numbered, immutable versions and keeps the old one for running instances', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, welcomeJourney());
    const first = await publishJourney(deps, 'welcome');
    await saveJourney(deps, 'welcome', welcomeJourney({ name: 'Welcome v2' }));

    const second = await publishJourney(deps, 'welcome');

    expect(first).toEqual({ journeyId: 'welcome', version: 1, published: true, status: 'active' });
    expect(second).toMatchObject({ version: 2, published: true });
    expect((await deps.journeys.getVersion('welcome', 1))?.name).toBe('Welcome');
    expect((await deps.journeys.getVersion('welcome', 2))?.name).toBe('Welcome v2');
    expect(await getJourney(deps, 'welcome')).toMatchObject({
      publishedVersion: 2,
      hasUnpublishedChanges: false,
    });
  });

  it('publishes nothing new when the draft has not changed (a retried publish)', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, welcomeJourney());
    await publishJourney(deps, 'welcome');

    const again = await publishJourney(deps, 'welcome');

    expect(again).toMatchObject({ version: 1, published: false });
    expect(await deps.journeys.latestVersion('welcome')).toBe(1);
  });

  it('accepts a template once it is stored in the table', async () => {
    const { deps } = adminWorld();
    await createJourney(
      deps,
      welcomeJourney({
        steps: { hello: { type: 'sendEmail', template: 'hello', next: 'end' }, end: { type: 'exit' } },
      }),
    );
    await expect(publishJourney(deps, 'welcome')).rejects.toThrow(ValidationError);

    await deps.storedTemplates.put(
      { id: 'hello', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' },
      deps.clock.now(),
    );

    await expect(publishJourney(deps, 'welcome')).resolves.toMatchObject({ version: 1 });
  });

  it('shows a published journey that never had a draft (seeded) and lets it be edited', async () => {
    const { deps } = adminWorld();
    await deps.journeys.putPublished(Journey.parse(welcomeJourney({ id: 'seeded', name: 'Seeded' })));

    const view = await getJourney(deps, 'seeded');
    const edited = await saveJourney(deps, 'seeded', { ...view.definition, name: 'Seeded, edited' });

    expect(view).toMatchObject({ status: 'active', revision: null, publishedVersion: 1, problems: [] });
    expect(edited).toMatchObject({ revision: 1, hasUnpublishedChanges: true, name: 'Seeded, edited' });
    await expect(publishJourney(deps, 'seeded')).resolves.toMatchObject({ version: 2 });
  });
});

describe('pause, resume, archive', () => {
  const published = async () => {
    const world = adminWorld();
    await createJourney(world.deps, welcomeJourney());
    await publishJourney(world.deps, 'welcome');
    return world;
  };
  const signUp = (world: ReturnType<typeof adminWorld>, customerId: string) =>
    processCustomerEvent(world.engine, world.event('Customer Signed Up', { customerId }));

  it('lets no one in while paused, and everyone again once resumed', async () => {
    const world = await published();

    await changeJourneyState(world.deps, 'welcome', 'pause');
    const whilePaused = await signUp(world, 'c-1');
    await changeJourneyState(world.deps, 'welcome', 'resume');
    const afterResume = await signUp(world, 'c-2');

    expect(whilePaused.started).toEqual([]);
    expect(afterResume.started).toHaveLength(1);
  });

  it('lets a running instance finish while the journey is paused, on its version', async () => {
    const world = await published();
    await signUp(world, 'c-1');
    await changeJourneyState(world.deps, 'welcome', 'pause');
    await saveJourney(world.deps, 'welcome', welcomeJourney({ name: 'Welcome v2' }));
    await publishJourney(world.deps, 'welcome');

    world.clock.set('2026-11-03T09:00:00.000Z');
    const due = world.wakes.takeNextDue(world.clock.now());
    if (due) await processWake(world.engine, due.wake);

    const [instance] = (await world.customers.load('c-1')).instances;
    expect(instance).toMatchObject({
      status: 'completed',
      journeyVersion: 1,
      path: ['hello', 'wait', 'end'],
    });
    expect((await world.deps.journeys.getCurrent('welcome'))?.state).toBe('paused');
  });

  it('hides an archived journey from the list and lets no one in', async () => {
    const world = await published();

    const result = await changeJourneyState(world.deps, 'welcome', 'archive');

    expect(result).toEqual({ journeyId: 'welcome', status: 'archived', previousStatus: 'active' });
    expect(await listJourneys(world.deps)).toEqual([]);
    expect((await listJourneys(world.deps, { includeArchived: true })).map((j) => j.status)).toEqual([
      'archived',
    ]);
    expect((await signUp(world, 'c-1')).started).toEqual([]);
    await expect(publishJourney(world.deps, 'welcome')).rejects.toThrow(ConflictError);
  });

  it('treats repeating an action as done, and refuses to pause an archived journey', async () => {
    const world = await published();
    await changeJourneyState(world.deps, 'welcome', 'pause');

    const again = await changeJourneyState(world.deps, 'welcome', 'pause');
    await changeJourneyState(world.deps, 'welcome', 'archive');

    expect(again).toEqual({ journeyId: 'welcome', status: 'paused', previousStatus: 'paused' });
    await expect(changeJourneyState(world.deps, 'welcome', 'pause')).rejects.toThrow(ConflictError);
    await expect(changeJourneyState(world.deps, 'welcome', 'resume')).resolves.toMatchObject({
      status: 'active',
    });
  });

  it('archives a draft that was never published, and cannot pause it', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, welcomeJourney());

    await expect(changeJourneyState(deps, 'welcome', 'pause')).rejects.toThrow(ConflictError);
    await changeJourneyState(deps, 'welcome', 'archive');

    expect(await listJourneys(deps)).toEqual([]);
    await expect(changeJourneyState(deps, 'welcome', 'resume')).resolves.toMatchObject({ status: 'draft' });
  });

  it('answers NotFound for a journey that does not exist', async () => {
    const { deps } = adminWorld();

    await expect(changeJourneyState(deps, 'nope', 'pause')).rejects.toThrow(NotFoundError);
    await expect(getJourney(deps, 'nope')).rejects.toThrow(NotFoundError);
  });
});
