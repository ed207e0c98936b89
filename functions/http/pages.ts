import type { Logger } from '../../shared/app/ports.js';
import { errorStatus, type HttpResult, html, json } from './responses.js';

/** HTML pages of the public link endpoints (survey answers, unsubscribe). */

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const baseStyle =
  'body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}button{padding:.6rem 1.2rem}';

/** A small, self-contained page (the content security policy allows inline styles only). */
export const page = (title: string, body: string, style = ''): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${baseStyle}${style}</style></head>
<body>${body}</body></html>`;

const titleFor = (status: number): string =>
  status === 410
    ? 'This link has expired'
    : status >= 500
      ? 'Something went wrong'
      : 'This link does not work';

/**
 * How a public link endpoint answers an error: JSON for API callers, a page for people.
 * Unexpected errors are logged and never shown.
 */
export const linkErrorResponse = (
  error: unknown,
  asJson: boolean,
  log: { logger: Logger; what: string } | null,
): HttpResult => {
  const { status, body } = errorStatus(error);
  if (status === 500) log?.logger.error(`${log.what} failed`, { error: String(error) });
  if (asJson) return json(status, body);
  const title = titleFor(status);
  return html(status, page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body.message)}</p>`));
};
