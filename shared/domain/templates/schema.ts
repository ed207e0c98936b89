import * as z from '../zod.js';
import { LocaleTag } from './locale.js';

/**
 * The schemas of a template, apart from the renderer, so that a schema that embeds templates (a
 * published journey version keeps the templates it sends) does not pull in the Liquid engine.
 */

/** The three parts of an email, each a Liquid template. */
export const TemplateContent = z.object({
  subject: z.string().check(z.minLength(1)),
  html: z.string().check(z.minLength(1)),
  text: z.string().check(z.minLength(1)),
});
export type TemplateContent = z.infer<typeof TemplateContent>;

/**
 * An email template. The top-level parts are the English (`en`) version and the fallback;
 * `locales` holds the other languages, e.g. `{ "zh-CN": { subject, html, text } }`.
 */
export const EmailTemplate = z.extend(TemplateContent, {
  id: z.string().check(z.minLength(1)),
  locales: z.optional(z.record(LocaleTag, TemplateContent)),
});
export type EmailTemplate = z.infer<typeof EmailTemplate>;
