import { isSend, type Journey } from '../journey/definition.js';
import type { EmailTemplate } from './schema.js';

/**
 * A published journey version keeps the templates it sends (`Journey.templates`), taken at
 * publish: running instances render those, so a template edit reaches only versions published
 * after it, and the send path reads no template.
 */

/** The templates the journey's send steps name, each once, in step order. */
export const templateIdsOf = (journey: Pick<Journey, 'steps'>): string[] => [
  ...new Set(
    Object.values(journey.steps)
      .filter(isSend)
      .map((step) => step.template),
  ),
];

/**
 * The most a published version may take as JSON text, in bytes. A version is stored as one
 * DynamoDB item (and repeated in the current-version item), and items are limited to 400 KB;
 * this leaves room for the keys and bookkeeping attributes with a wide margin.
 */
export const MAX_PUBLISHED_BYTES = 300 * 1024;

const encoder = new TextEncoder();

/** The size of a value as the JSON text it is stored as, in bytes (UTF-8). */
export const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;

/** The version with its templates, or the problem that stops it from being stored. */
export const withTemplates = (
  journey: Journey,
  templates: readonly EmailTemplate[],
): { ok: true; journey: Journey } | { ok: false; bytes: number; sizes: { id: string; bytes: number }[] } => {
  const snapshot: Journey = { ...journey, templates: [...templates] };
  const bytes = jsonBytes(snapshot);
  if (bytes <= MAX_PUBLISHED_BYTES) return { ok: true, journey: snapshot };
  const sizes = templates
    .map((template) => ({ id: template.id, bytes: jsonBytes(template) }))
    .sort((a, b) => b.bytes - a.bytes);
  return { ok: false, bytes, sizes };
};

/** The template a version renders for `id`: from its snapshot; undefined when it has none. */
export const snapshotTemplate = (journey: Journey, id: string): EmailTemplate | undefined =>
  journey.templates?.find((template) => template.id === id);
