import { Liquid, type Template as LiquidTemplate } from 'liquidjs';
import { chooseLocale } from './locale.js';
import type { EmailTemplate, TemplateContent } from './schema.js';

export { EmailTemplate, TemplateContent } from './schema.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export type TemplatePart = keyof TemplateContent;

/**
 * Liquid with HTML escaping on by default for HTML (`| raw` opts out; templates come from
 * marketers), without for subject and text. Built on first use: a new engine asks Intl for the
 * default locale, which costs a cold start some 15 ms in functions that may render nothing.
 */
let engines: { html: Liquid; text: Liquid } | undefined;
const engineFor = (part: TemplatePart): Liquid => {
  engines ??= {
    html: new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, cache: 500 }),
    text: new Liquid({ ownPropertyOnly: true, cache: 500 }),
  };
  return part === 'html' ? engines.html : engines.text;
};

const MAX_PARSED = 1000;
const parsed = new Map<string, LiquidTemplate[]>();
/** Parse once per distinct source; throws liquidjs's error (with line and column) on bad syntax. */
export const parseTemplatePart = (part: TemplatePart, source: string): LiquidTemplate[] => {
  const key = `${part === 'html' ? 'h' : 't'}:${source}`;
  let templates = parsed.get(key);
  if (!templates) {
    templates = engineFor(part).parse(source);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(key, templates);
  }
  return templates;
};

/** The content of a template in a locale (`en`, or a key of `locales`). */
export const contentIn = (template: EmailTemplate, locale: string): TemplateContent =>
  template.locales?.[locale] ?? template;

const profileLocale = (context: Record<string, unknown>): string | undefined => {
  const profile = context.profile;
  if (typeof profile !== 'object' || profile === null) return undefined;
  const locale = (profile as Record<string, unknown>).locale;
  return typeof locale === 'string' ? locale : undefined;
};

/** Render the parts of one version of a template. */
export const renderContent = (content: TemplateContent, context: Record<string, unknown>): RenderedEmail => ({
  subject: engineFor('subject').renderSync(parseTemplatePart('subject', content.subject), context).trim(),
  html: engineFor('html').renderSync(parseTemplatePart('html', content.html), context),
  text: engineFor('text').renderSync(parseTemplatePart('text', content.text), context),
});

/**
 * Render a template in the locale that fits best (`locale`, or else the `profile.locale` of the
 * context; falling back to `en`), and say which locale that was.
 */
export const renderTemplate = (
  template: EmailTemplate,
  context: Record<string, unknown>,
  locale?: string,
): RenderedEmail & { locale: string } => {
  const chosen = chooseLocale(Object.keys(template.locales ?? {}), locale ?? profileLocale(context));
  return { ...renderContent(contentIn(template, chosen), context), locale: chosen };
};

/** Render every part of an email template against the message context, in the profile's locale. */
export const renderEmail = (template: EmailTemplate, context: Record<string, unknown>): RenderedEmail => {
  const { subject, html, text } = renderTemplate(template, context);
  return { subject, html, text };
};
