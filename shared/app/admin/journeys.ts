import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError, type Problem, ValidationError } from '../../domain/errors.js';
import { Journey } from '../../domain/journey/definition.js';
import type { EmailTemplate } from '../../domain/templates/schema.js';
import { MAX_PUBLISHED_BYTES, templateIdsOf, withTemplates } from '../../domain/templates/snapshot.js';
import * as z from '../../domain/zod.js';
import type { AdminApiDeps } from '../deps.js';
import type { JourneyDraft, JourneyState, PublishedJourney, TemplateStore } from '../ports.js';
import { checkJourney } from './journey-check.js';

/** A journey as the admin API shows it: `draft` until first published, then its lifecycle state. */
export type JourneyStatus = 'draft' | JourneyState;

export interface JourneySummary {
  id: string;
  name: string | null;
  category: string | null;
  status: JourneyStatus;
  /** The version customers enter (when active); null until published. */
  publishedVersion: number | null;
  /** The draft's revision; null for a journey published without a draft (e.g. seeded). */
  revision: number | null;
  updatedAt: string | null;
  /** The draft differs from what was last published. */
  hasUnpublishedChanges: boolean;
}

export interface JourneyView extends JourneySummary {
  /** The draft as saved (may be invalid), or the published definition when there is no draft. */
  definition: Record<string, unknown>;
  /** What would stop the draft from being published; empty when it can be. */
  problems: Problem[];
  published: Journey | null;
}

type Deps = Pick<AdminApiDeps, 'drafts' | 'journeys' | 'templates' | 'clock' | 'logger'>;

const JourneyId = Journey.shape.id;
const DraftBody = z.looseObject({ id: JourneyId });

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * A definition as marketers edit it: without the templates a published version keeps (publishing
 * takes them anew), so a published definition saved back as a draft does not carry old wording.
 */
export const editable = (definition: Record<string, unknown>): Record<string, unknown> => {
  const { templates: _snapshot, ...rest } = definition;
  return rest;
};

const statusOf = (draft: JourneyDraft | undefined, current: PublishedJourney | undefined): JourneyStatus =>
  current ? current.state : draft?.archived ? 'archived' : 'draft';

const summarize = (
  id: string,
  draft: JourneyDraft | undefined,
  current: PublishedJourney | undefined,
): JourneySummary => {
  const source: Record<string, unknown> = draft?.definition ?? current?.journey ?? {};
  return {
    id,
    name: text(source.name),
    category: text(source.category),
    status: statusOf(draft, current),
    publishedVersion: current?.journey.version ?? null,
    revision: draft?.revision ?? null,
    updatedAt: draft?.updatedAt ?? null,
    hasUnpublishedChanges: draft !== undefined && draft.publishedRevision !== draft.revision,
  };
};

const parseId = (id: string): string => {
  const parsed = JourneyId.safeParse(id);
  if (!parsed.success) {
    throw new ValidationError('The journey id is invalid.', [
      { path: 'id', message: parsed.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return parsed.data;
};

const parseBody = (body: unknown, pathId?: string): Record<string, unknown> & { id: string } => {
  const withId =
    pathId !== undefined && typeof body === 'object' && body !== null && !Array.isArray(body)
      ? { id: pathId, ...body }
      : body;
  const parsed = DraftBody.safeParse(withId);
  if (!parsed.success) {
    throw new ValidationError(
      'The journey must be a JSON object with an id.',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || 'body', message: i.message })),
    );
  }
  if (pathId !== undefined && parsed.data.id !== pathId) {
    throw new ValidationError('The id in the body differs from the one in the path.', [
      { path: 'id', message: `must be "${pathId}" (or left out)` },
    ]);
  }
  return { ...editable(parsed.data), id: parsed.data.id };
};

/** Every journey that is not archived (or every one), by id. */
export const listJourneys = async (
  deps: Pick<Deps, 'drafts' | 'journeys'>,
  options: { includeArchived?: boolean } = {},
): Promise<JourneySummary[]> => {
  const [drafts, current] = await Promise.all([deps.drafts.list(), deps.journeys.listCurrent()]);
  const draftById = new Map(drafts.map((d) => [d.journeyId, d]));
  const currentById = new Map(current.map((c) => [c.journey.id, c]));
  const ids = [...new Set([...draftById.keys(), ...currentById.keys()])].sort();
  return ids
    .map((id) => summarize(id, draftById.get(id), currentById.get(id)))
    .filter((s) => options.includeArchived || s.status !== 'archived');
};

/** One journey: its draft (or published definition), its problems and its state. */
export const getJourney = async (deps: Deps, id: string): Promise<JourneyView> => {
  const [draft, current] = await Promise.all([deps.drafts.get(id), deps.journeys.getCurrent(id)]);
  if (!draft && !current) throw new NotFoundError(`There is no journey "${id}".`);
  const definition = editable(draft?.definition ?? current?.journey ?? {});
  const check = await checkJourney(definition, deps.templates);
  return {
    ...summarize(id, draft, current),
    definition,
    problems: check.problems,
    published: current?.journey ?? null,
  };
};

/** `POST /journeys`: a new draft. Its id must not be taken by a draft or a published journey. */
export const createJourney = async (deps: Deps, body: unknown): Promise<JourneyView> => {
  const definition = parseBody(body);
  if (await deps.journeys.getCurrent(definition.id)) {
    throw new ConflictError(`journey ${definition.id} exists already`);
  }
  await deps.drafts.save({ journeyId: definition.id, definition, at: deps.clock.now() }, 'new');
  return getJourney(deps, definition.id);
};

/**
 * `PUT /journeys/{id}`: replace the draft (created when the journey so far had none). With
 * `expectedRevision` the save succeeds only if nobody saved in between (ConflictError otherwise).
 */
export const saveJourney = async (
  deps: Deps,
  id: string,
  body: unknown,
  expectedRevision?: number,
): Promise<JourneyView> => {
  const definition = parseBody(body, parseId(id));
  await deps.drafts.save(
    { journeyId: id, definition, at: deps.clock.now() },
    expectedRevision === undefined ? 'any' : { revision: expectedRevision },
  );
  return getJourney(deps, id);
};

/** `POST /journeys/validate`: the problems of a definition, nothing saved. */
export const validateJourneyDefinition = async (
  deps: Pick<Deps, 'templates'>,
  body: unknown,
): Promise<{ ok: boolean; problems: Problem[] }> => {
  const check = await checkJourney(body, deps.templates);
  return { ok: check.ok, problems: check.problems };
};

export interface PublishResult {
  journeyId: string;
  version: number;
  /** False when the draft equals the current version: nothing new was published. */
  published: boolean;
  status: JourneyStatus;
}

/**
 * Publish the draft as the next version (versions are immutable). Refused with every problem
 * listed when the draft is invalid or names a template that does not exist. Publishing content
 * equal to the current version publishes nothing, so a retried publish is harmless.
 */
export const publishJourney = async (
  deps: Deps,
  id: string,
  expectedRevision?: number,
): Promise<PublishResult> => {
  const [draft, current] = await Promise.all([deps.drafts.get(id), deps.journeys.getCurrent(id)]);
  if (!draft) {
    throw new NotFoundError(
      current
        ? `Journey "${id}" has no draft to publish: save one with PUT first.`
        : `There is no journey "${id}".`,
    );
  }
  if (statusOf(draft, current) === 'archived') {
    throw new ConflictError(`journey ${id} is archived: resume it before publishing`);
  }
  if (expectedRevision !== undefined && draft.revision !== expectedRevision) {
    throw new ConflictError(`journey ${id} is at revision ${draft.revision}, not ${expectedRevision}`);
  }
  const version = (await deps.journeys.latestVersion(id)) + 1;
  const check = await checkJourney({ ...editable(draft.definition), id, version }, deps.templates);
  if (!check.ok) {
    const count = check.problems.length;
    throw new ValidationError(
      `Journey "${id}" cannot be published: ${count} problem${count === 1 ? '' : 's'}.`,
      check.problems,
    );
  }
  const journey = await withTemplateSnapshot(check.journey, deps.templates);
  const now = deps.clock.now();
  if (current && isDeepStrictEqual({ ...journey, version: 0 }, { ...current.journey, version: 0 })) {
    await deps.drafts.markPublished(id, draft.revision, current.journey.version, now);
    return { journeyId: id, version: current.journey.version, published: false, status: current.state };
  }
  await deps.journeys.putPublished(journey);
  await deps.drafts.markPublished(id, draft.revision, version, now);
  deps.logger.info('journey published', { journeyId: id, version, revision: draft.revision });
  return { journeyId: id, version, published: true, status: current?.state ?? 'active' };
};

const kb = (bytes: number): string => `${Math.ceil(bytes / 1024)} KB`;

/**
 * The version as it is published: with every template its send steps name, as the engine resolves
 * it now (stored, else built in), every locale included. Refused when the version would be too
 * large to store (MAX_PUBLISHED_BYTES), naming the largest templates.
 */
export const withTemplateSnapshot = async (journey: Journey, templates: TemplateStore): Promise<Journey> => {
  const found: EmailTemplate[] = [];
  for (const id of templateIdsOf(journey)) {
    const template = await templates.get(id);
    if (!template) {
      throw new ValidationError(`Journey "${journey.id}" names a template that does not exist.`, [
        { path: 'templates', message: `the template "${id}" does not exist` },
      ]);
    }
    found.push(template);
  }
  const result = withTemplates(journey, found);
  if (result.ok) return result.journey;
  const largest = result.sizes
    .slice(0, 3)
    .map((s) => `"${s.id}" ${kb(s.bytes)}`)
    .join(', ');
  throw new ValidationError(
    `Journey "${journey.id}" cannot be published: with its templates it would take ${kb(result.bytes)}.`,
    [
      {
        path: 'templates',
        message: `a published version keeps its templates and may take at most ${kb(MAX_PUBLISHED_BYTES)}; it would take ${kb(result.bytes)} (largest templates: ${largest}); shorten them or split the journey`,
      },
    ],
  );
};

export type LifecycleAction = 'pause' | 'resume' | 'archive';

/**
 * Pause (no new entries), resume (entries again; also brings an archived journey back) or
 * archive (no new entries, hidden from the list). Running instances go on in every state.
 * Repeating an action is harmless. Takes effect in the processor within its catalog refresh (a minute).
 */
export const changeJourneyState = async (
  deps: Deps,
  id: string,
  action: LifecycleAction,
): Promise<{ journeyId: string; status: JourneyStatus; previousStatus: JourneyStatus }> => {
  const [draft, current] = await Promise.all([deps.drafts.get(id), deps.journeys.getCurrent(id)]);
  if (!draft && !current) throw new NotFoundError(`There is no journey "${id}".`);
  const previousStatus = statusOf(draft, current);
  const now = deps.clock.now();
  const result = (status: JourneyStatus) => ({ journeyId: id, status, previousStatus });
  if (!current) {
    if (action === 'archive') {
      await deps.drafts.setArchived(id, true, now);
      return result('archived');
    }
    if (action === 'resume' && previousStatus === 'archived') {
      await deps.drafts.setArchived(id, false, now);
      return result('draft');
    }
    throw new ConflictError(`journey ${id} has not been published yet: publish it first`);
  }
  const target: JourneyState = action === 'pause' ? 'paused' : action === 'resume' ? 'active' : 'archived';
  if (action === 'pause' && current.state === 'archived') {
    throw new ConflictError(`journey ${id} is archived: resume it first`);
  }
  if (current.state !== target) await deps.journeys.setState(id, target, now);
  deps.logger.info('journey state changed', { journeyId: id, from: current.state, to: target });
  return result(target);
};
