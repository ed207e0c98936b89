import type { Wildcard } from './types.js';

export type WildcardParse = { ok: true; wildcard: Wildcard } | { ok: false; message: string };

/**
 * Split a wildcard text at its `*`. As in EventBridge: `\*` is a literal asterisk, `\\` a literal
 * backslash, any other escape is refused, and so are two wildcards in a row (`**`).
 */
export const parseWildcard = (text: string): WildcardParse => {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '*') {
      if (text[i + 1] === '*') {
        return { ok: false, message: `has two wildcards in a row at position ${i}; use a single *` };
      }
      segments.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        return {
          ok: false,
          message: `has an invalid escape at position ${i}: only \\* and \\\\ may follow a backslash`,
        };
      }
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return { ok: true, wildcard: { segments } };
};

/** Whether `value` matches the wildcard; each `*` stands for any run of characters, empty included. */
export const wildcardMatches = (wildcard: Wildcard, value: string): boolean => {
  const segments = wildcard.segments;
  const last = segments.length - 1;
  const head = segments[0] ?? '';
  if (last === 0) return value === head;
  const tail = segments[last] ?? '';
  if (value.length < head.length + tail.length) return false;
  if (!value.startsWith(head) || !value.endsWith(tail)) return false;
  const end = value.length - tail.length;
  let position = head.length;
  for (let i = 1; i < last; i++) {
    const segment = segments[i] ?? '';
    const found = value.indexOf(segment, position);
    if (found < 0 || found + segment.length > end) return false;
    position = found + segment.length;
  }
  return true;
};
