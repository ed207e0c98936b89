import * as z from 'zod';
import { LocaleTag } from './locale.js';

/**
 * The schemas of a template, apart from the renderer, so that a schema that embeds templates (a
 * published journey version keeps the templates it sends) does not pull in the Liquid engine.
 */

/** The three parts of an email, each a Liquid template. */
export const TemplateContent = z.object({
  subject: z.string().min(1),
  html: z.string().min(1),
  text: z.string().min(1),
});
export type TemplateContent = z.infer<typeof TemplateContent>;

/**
 * An email template. The top-level parts are the English (`en`) version and the fallback;
 * `locales` holds the other languages, e.g. `{ "zh-CN": { subject, html, text } }`.
 */
export const EmailTemplate = TemplateContent.extend({
  id: z.string().min(1),
  locales: z.record(LocaleTag, TemplateContent).optional(),
});
export type EmailTemplate = z.infer<typeof EmailTemplate>;
