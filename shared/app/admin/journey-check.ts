import type { Problem } from '../../domain/errors.js';
import type { Journey } from '../../domain/journey/definition.js';
import { validateJourney } from '../../domain/journey/validate.js';
import type { TemplateStore } from '../ports.js';

export type JourneyCheck = { ok: true; journey: Journey; problems: [] } | { ok: false; problems: Problem[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Steps that name a template (`sendEmail`, and any later step kind with a `template` field). */
const templateReferences = (definition: unknown): { path: string; template: string }[] => {
  const steps = isRecord(definition) && isRecord(definition.steps) ? definition.steps : {};
  return Object.entries(steps).flatMap(([id, step]) =>
    isRecord(step) && typeof step.template === 'string' && step.template !== ''
      ? [{ path: `steps.${id}.template`, template: step.template }]
      : [],
  );
};

/**
 * Everything that would stop a journey from being published, each problem with its path:
 * the language's own checks (`validateJourney`) and templates that do not exist.
 */
export const checkJourney = async (definition: unknown, templates: TemplateStore): Promise<JourneyCheck> => {
  const result = validateJourney(definition);
  const problems: Problem[] = result.ok ? [] : [...result.problems];
  for (const ref of templateReferences(definition)) {
    if (!(await templates.get(ref.template))) {
      problems.push({
        path: ref.path,
        message: `names the template "${ref.template}", which does not exist`,
      });
    }
  }
  if (result.ok && problems.length === 0) return { ok: true, journey: result.journey, problems: [] };
  return { ok: false, problems };
};
