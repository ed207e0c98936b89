import { Liquid, type Variable } from 'liquidjs';
import type { Problem } from '../errors.js';
import { type EmailTemplate, parseTemplatePart, type TemplateContent, type TemplatePart } from './render.js';

const parts: readonly TemplatePart[] = ['subject', 'html', 'text'];
/** Built on first use, as the rendering engines are (./render.ts). */
let analyzer: Liquid | undefined;

const syntaxMessage = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);

/** Every Liquid syntax error of every part of every locale, with the part's path. */
export const templateProblems = (template: EmailTemplate): Problem[] => {
  const problems: Problem[] = [];
  const check = (prefix: string, content: TemplateContent) => {
    for (const part of parts) {
      try {
        parseTemplatePart(part, content[part]);
      } catch (error) {
        problems.push({ path: `${prefix}${part}`, message: syntaxMessage(error) });
      }
    }
  };
  check('', template);
  for (const [locale, content] of Object.entries(template.locales ?? {}))
    check(`locales.${locale}.`, content);
  return problems;
};

export interface MissingVariable {
  /** The variable as written, e.g. `trigger.orderId`. */
  variable: string;
  part: TemplatePart;
  line: number;
  column: number;
  /**
   * True when the template copes with the gap (a `default` filter, or the variable is only tested
   * in an `if`/`unless`/`case`); false when the message would show an empty spot.
   */
  guarded: boolean;
}

type Lookup = { found: true; value: unknown } | { found: false };

const lookup = (
  context: unknown,
  segments: readonly (string | number | Variable)[],
  root: unknown,
): Lookup => {
  let value: unknown = context;
  for (const segment of segments) {
    let key: string | number;
    if (typeof segment === 'object') {
      const inner = lookup(root, segment.segments, root);
      if (!inner.found || (typeof inner.value !== 'string' && typeof inner.value !== 'number')) {
        return { found: false };
      }
      key = inner.value;
    } else key = segment;
    if (key === 'size' && (Array.isArray(value) || typeof value === 'string'))
      return { found: true, value: 1 };
    if (key === 'first' && Array.isArray(value)) key = 0;
    if (key === 'last' && Array.isArray(value)) key = value.length - 1;
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return { found: false };
    value = (value as Record<string | number, unknown>)[key];
  }
  return value === undefined || value === null ? { found: false } : { found: true, value };
};

/** The markup around a position: `{{ … }}` or `{% … %}`, to see how the variable is used. */
const markupAt = (source: string, line: number, column: number): string => {
  const lines = source.split('\n');
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
  const open = Math.max(source.lastIndexOf('{{', offset), source.lastIndexOf('{%', offset));
  if (open < 0) return '';
  const close = source.indexOf(source[open + 1] === '{' ? '}}' : '%}', offset);
  return source.slice(open, close < 0 ? undefined : close + 2);
};

const isGuarded = (markup: string): boolean =>
  /\|\s*default\b/.test(markup) || /^\{%-?\s*(if|unless|elsif|case|when)\b/.test(markup);

/**
 * The variables a template version reads that the context does not provide, found by walking
 * the parse tree (loop variables and `assign`s are not reported, only what must come from outside).
 */
export const missingVariables = (
  content: TemplateContent,
  context: Record<string, unknown>,
): MissingVariable[] => {
  const missing: MissingVariable[] = [];
  for (const part of parts) {
    const source = content[part];
    analyzer ??= new Liquid({ ownPropertyOnly: true });
    const analysis = analyzer.analyzeSync(parseTemplatePart(part, source), { partials: false });
    for (const variables of Object.values(analysis.globals)) {
      for (const variable of variables) {
        if (lookup(context, variable.segments, context).found) continue;
        const { row, col } = variable.location;
        missing.push({
          variable: String(variable),
          part,
          line: row,
          column: col,
          guarded: isGuarded(markupAt(source, row, col)),
        });
      }
    }
  }
  return missing.sort(
    (a, b) => parts.indexOf(a.part) - parts.indexOf(b.part) || a.line - b.line || a.column - b.column,
  );
};
