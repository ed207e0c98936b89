import * as z from '../zod.js';

/** The language of a template's top-level parts, and the last fallback. */
export const BASE_LOCALE = 'en';

/** A BCP 47 language tag as profiles carry it: `en`, `zh-CN`, `zh-Hant-TW`, `pt-BR`. */
export const LocaleTag = z
  .string()
  .check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or zh-CN'));

const languageOf = (tag: string): string => tag.split('-')[0] ?? tag;

/**
 * Pick the variant for a wanted locale among the template's `available` variant keys:
 * 1. the wanted tag, then shorter forms of it (`zh-Hant-TW` → `zh-Hant` → `zh`), ignoring case;
 * 2. otherwise another variant of the same language (`zh-TW` → `zh-CN`), the first by name;
 * 3. otherwise `en`, the template's top-level parts.
 * Returns the variant key, or `en`.
 */
export const chooseLocale = (available: readonly string[], wanted: string | undefined): string => {
  if (!wanted) return BASE_LOCALE;
  const byLower = new Map(available.map((key) => [key.toLowerCase(), key]));
  const parts = wanted.toLowerCase().split('-');
  for (let length = parts.length; length > 0; length -= 1) {
    const candidate = parts.slice(0, length).join('-');
    if (candidate === BASE_LOCALE) return BASE_LOCALE;
    const found = byLower.get(candidate);
    if (found) return found;
  }
  const language = languageOf(wanted.toLowerCase());
  if (language === BASE_LOCALE) return BASE_LOCALE;
  const sameLanguage = [...available].sort().find((key) => languageOf(key.toLowerCase()) === language);
  return sameLanguage ?? BASE_LOCALE;
};
