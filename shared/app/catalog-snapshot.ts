import { ValidationError } from '../domain/errors.js';
import { PatternIndex, parsedPattern } from '../domain/pattern/index.js';
import type { JourneyTrigger } from './ports.js';

/** A journey at one version, as the trigger index files it. */
export type VersionRef = Pick<JourneyTrigger, 'id' | 'version'>;

/** A trigger the snapshot leaves out, and why: the catalog that loads it logs each. */
export interface LeftOut {
  journey: string;
  problem: string;
}

/**
 * The catalog's trigger index, made once when the journeys change and stored (decision 0082): a
 * cold start loads it with one `JSON.parse` instead of filing thousands of triggers one by one.
 */
interface CatalogSnapshot {
  /** Each journey's version, in the order of the index's ids. */
  versions: number[];
  leftOut: LeftOut[];
  index: unknown;
}

/**
 * The snapshot of the active journeys' triggers, as JSON text. Every trigger is parsed and filed
 * from its pattern (never from a stored filing), so what the snapshot holds is checked; a trigger
 * that does not compile is left out and listed, after those the store could not read (`unreadable`).
 */
export const catalogSnapshotText = (triggers: JourneyTrigger[], unreadable: LeftOut[] = []): string => {
  const index = new PatternIndex<number>();
  const leftOut: LeftOut[] = [...unreadable];
  for (const { id, version, trigger } of triggers) {
    try {
      index.add(id, parsedPattern(trigger), version);
    } catch (problem) {
      leftOut.push({ journey: id, problem: problem instanceof Error ? problem.message : String(problem) });
    }
  }
  const versionOf = new Map(triggers.map(({ id, version }) => [id, version]));
  const snapshot = index.snapshot();
  const document: CatalogSnapshot = {
    versions: snapshot.ids.map((id) => versionOf.get(id) as number),
    leftOut,
    index: snapshot,
  };
  return JSON.stringify(document);
};

/**
 * The index a snapshot's text describes, each trigger's value its journey and version, made when
 * an event first reaches it. Throws ValidationError when the text is not a snapshot this release
 * can load.
 */
export const loadCatalogSnapshot = (
  text: string,
  onMisfiled?: (id: string, problem: Error | undefined) => void,
): { index: PatternIndex<VersionRef>; leftOut: LeftOut[] } => {
  let document: Partial<CatalogSnapshot>;
  try {
    document = JSON.parse(text) as Partial<CatalogSnapshot>;
  } catch {
    throw notSnapshot('it is not JSON');
  }
  const { versions, leftOut, index } = document;
  if (!Array.isArray(versions) || !Array.isArray(leftOut)) throw notSnapshot('versions or leftOut missing');
  const loaded = PatternIndex.fromSnapshot(
    index,
    (id, position): VersionRef => ({ id, version: versions[position] as number }),
    onMisfiled,
  );
  if (loaded.size !== versions.length) throw notSnapshot('one version per trigger expected');
  return { index: loaded, leftOut };
};

const notSnapshot = (why: string): ValidationError =>
  new ValidationError(`not a catalog snapshot: ${why}`, [{ path: '', message: why }]);
