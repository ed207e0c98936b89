import { Liquid, type Template as LiquidTemplate } from 'liquidjs';
import { z } from 'zod';

export const EmailTemplate = z.object({
  id: z.string().min(1),
  subject: z.string().min(1),
  html: z.string().min(1),
  text: z.string().min(1),
});
export type EmailTemplate = z.infer<typeof EmailTemplate>;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Liquid with HTML escaping on by default; `| raw` opts out. Templates come from marketers. */
const liquid = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, cache: 500 });
const textLiquid = new Liquid({ ownPropertyOnly: true, cache: 500 });

const parsed = new Map<string, LiquidTemplate[]>();
const parse = (engine: Liquid, source: string): LiquidTemplate[] => {
  const key = `${engine === liquid ? 'h' : 't'}:${source}`;
  let templates = parsed.get(key);
  if (!templates) {
    templates = engine.parse(source);
    parsed.set(key, templates);
  }
  return templates;
};

/** Render every part of an email template against the message context. */
export const renderEmail = (template: EmailTemplate, context: Record<string, unknown>): RenderedEmail => ({
  subject: textLiquid.renderSync(parse(textLiquid, template.subject), context).trim(),
  html: liquid.renderSync(parse(liquid, template.html), context),
  text: textLiquid.renderSync(parse(textLiquid, template.text), context),
});
