import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { type MissingVariable, missingVariables, templateProblems } from '../../domain/templates/check.js';
import { BASE_LOCALE } from '../../domain/templates/locale.js';
import {
  contentIn,
  EmailTemplate,
  type RenderedEmail,
  renderTemplate,
} from '../../domain/templates/render.js';
import * as z from '../../domain/zod.js';
import type { AdminApiDeps } from '../deps.js';
import { parseInput, RenderInput, renderContext } from './render-context.js';

type Deps = Pick<AdminApiDeps, 'templates' | 'storedTemplates' | 'builtInTemplates' | 'clock'>;

export interface TemplateSummary {
  id: string;
  /** `stored`: saved in the table (it wins over a built-in one of the same id); `built-in`: shipped in code. */
  source: 'stored' | 'built-in';
  /** A stored template that replaces a built-in one; deleting it brings the built-in one back. */
  overridesBuiltIn: boolean;
  locales: string[];
  revision: number | null;
  updatedAt: string | null;
}

export interface TemplateView extends TemplateSummary {
  template: EmailTemplate;
}

const TemplateId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'));
const localesOf = (template: EmailTemplate): string[] => [
  BASE_LOCALE,
  ...Object.keys(template.locales ?? {}),
];

/** Stored and built-in templates, by id; a stored one hides the built-in one of the same id. */
export const listTemplates = async (deps: Deps): Promise<TemplateSummary[]> => {
  const stored = await deps.storedTemplates.list();
  const storedIds = new Set(stored.map((s) => s.template.id));
  const builtInIds = new Set(deps.builtInTemplates.map((t) => t.id));
  const summaries: TemplateSummary[] = [
    ...stored.map((s) => ({
      id: s.template.id,
      source: 'stored' as const,
      overridesBuiltIn: builtInIds.has(s.template.id),
      locales: localesOf(s.template),
      revision: s.revision,
      updatedAt: s.updatedAt,
    })),
    ...deps.builtInTemplates
      .filter((t) => !storedIds.has(t.id))
      .map((t) => ({
        id: t.id,
        source: 'built-in' as const,
        overridesBuiltIn: false,
        locales: localesOf(t),
        revision: null,
        updatedAt: null,
      })),
  ];
  return summaries.sort((a, b) => a.id.localeCompare(b.id));
};

export const getTemplate = async (deps: Deps, id: string): Promise<TemplateView> => {
  const stored = await deps.storedTemplates.get(id);
  const builtIn = deps.builtInTemplates.find((t) => t.id === id);
  if (stored) {
    return {
      id,
      source: 'stored',
      overridesBuiltIn: builtIn !== undefined,
      locales: localesOf(stored.template),
      revision: stored.revision,
      updatedAt: stored.updatedAt,
      template: stored.template,
    };
  }
  if (!builtIn) throw new NotFoundError(`There is no template "${id}".`);
  return {
    id,
    source: 'built-in',
    overridesBuiltIn: false,
    locales: localesOf(builtIn),
    revision: null,
    updatedAt: null,
    template: builtIn,
  };
};

/** Parse a template from a request and check its Liquid syntax in every part and locale. */
const checkedTemplate = (input: unknown, what: string): EmailTemplate => {
  const template = parseInput(EmailTemplate, input, what);
  const problems = templateProblems(template);
  if (problems.length > 0) throw new ValidationError(`The ${what} has Liquid syntax errors.`, problems);
  return template;
};

/**
 * `PUT /templates/{id}`: store (or replace) a template. Previews, test sends and draft simulations
 * use it at once; customers get it from the next published version of each journey that sends it
 * (a published version keeps the templates it was published with).
 */
export const putTemplate = async (deps: Deps, id: string, body: unknown): Promise<TemplateView> => {
  const validId = TemplateId.safeParse(id);
  if (!validId.success) {
    throw new ValidationError('The template id is invalid.', [
      { path: 'id', message: validId.error.issues[0]?.message ?? 'is invalid' },
    ]);
  }
  const withId = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, id } : body;
  if (typeof body === 'object' && body !== null && 'id' in body && body.id !== id) {
    throw new ValidationError('The id in the body differs from the one in the path.', [
      { path: 'id', message: `must be "${id}" (or left out)` },
    ]);
  }
  await deps.storedTemplates.put(checkedTemplate(withId, 'template'), deps.clock.now());
  return getTemplate(deps, id);
};

/** `DELETE /templates/{id}`: remove the stored template; a built-in one of the same id applies again. */
export const deleteTemplate = async (
  deps: Deps,
  id: string,
): Promise<{ id: string; fallback: 'built-in' | null }> => {
  if (!(await deps.storedTemplates.delete(id))) {
    throw new NotFoundError(
      deps.builtInTemplates.some((t) => t.id === id)
        ? `Template "${id}" is built in; only stored templates can be deleted.`
        : `There is no stored template "${id}".`,
    );
  }
  return { id, fallback: deps.builtInTemplates.some((t) => t.id === id) ? 'built-in' : null };
};

export const PreviewInput = z.extend(RenderInput, {
  /** The id of a stored or built-in template, or a template given inline. */
  template: z.union([z.string().check(z.minLength(1)), z.partial(EmailTemplate, { id: true })]),
});

export interface Preview extends RenderedEmail {
  templateId: string | null;
  locale: string;
  missingVariables: MissingVariable[];
}

/** Resolve a template by id (as the engine would) or take it inline. */
export const resolveTemplate = async (
  deps: Pick<Deps, 'templates'>,
  template: string | z.infer<typeof PreviewInput>['template'],
): Promise<EmailTemplate> => {
  if (typeof template !== 'string') return checkedTemplate({ id: 'inline', ...template }, 'template');
  const found = await deps.templates.get(template);
  if (!found) {
    throw new ValidationError(`There is no template "${template}".`, [
      { path: 'template', message: `names the template "${template}", which does not exist` },
    ]);
  }
  return found;
};

/** Render a template and list the variables it uses that the context does not provide. */
export const renderWithReport = (
  template: EmailTemplate,
  input: RenderInput,
): RenderedEmail & { locale: string; missingVariables: MissingVariable[] } => {
  const context = renderContext(input);
  try {
    const rendered = renderTemplate(template, context, input.locale);
    return { ...rendered, missingVariables: missingVariables(contentIn(template, rendered.locale), context) };
  } catch (error) {
    throw new ValidationError('The template cannot be rendered.', [
      { path: 'template', message: error instanceof Error ? error.message : String(error) },
    ]);
  }
};

/** `POST /templates/preview`: render any template against a sample (or given) profile and event. */
export const previewTemplate = async (deps: Pick<Deps, 'templates'>, body: unknown): Promise<Preview> => {
  const input = parseInput(PreviewInput, body, 'preview request');
  const template = await resolveTemplate(deps, input.template);
  return {
    templateId: typeof input.template === 'string' ? template.id : null,
    ...renderWithReport(template, input),
  };
};
