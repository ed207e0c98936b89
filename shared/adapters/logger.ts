import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Logger } from '../app/ports.js';

/**
 * Structured JSON logs (Powertools) that never carry personal data: values under personal keys
 * are masked, and e-mail addresses and phone numbers are masked in every string
 * that reaches the output, including messages and error texts.
 */

export const REDACTED = '[redacted]';

/** Keys (compared lower-case, without `_` and `-`) whose values are masked wherever they appear. */
const SENSITIVE_KEYS: ReadonlySet<string> = new Set([
  'email',
  'emailaddress',
  'to',
  'from',
  'cc',
  'bcc',
  'replyto',
  'recipient',
  'recipients',
  'phone',
  'phonenumber',
  'mobile',
  'html',
  'text',
  'body',
  'subject',
  'comment',
  'comments',
  'name',
  'firstname',
  'lastname',
  'fullname',
  'displayname',
  'address',
]);

/** Key endings that mark personal data too: `customerEmail`, `mobilePhone`, `contactPhoneNumber`. */
const SENSITIVE_SUFFIXES = ['email', 'emailaddress', 'phone', 'phonenumber'];

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

export const isSensitiveKey = (key: string): boolean => {
  const normalized = normalizeKey(key);
  return SENSITIVE_KEYS.has(normalized) || SENSITIVE_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
};

const EMAIL_PATTERN =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+/g;
/**
 * International numbers (`+` then 8 to 15 digits, optionally spaced): ids and timestamps do not
 * match. A match ends where a run of digits ends, so a number that follows (`+4915112345678 (0151
 * 12345678)`, `+4915112345678 2026-11-05T…`) is not cut in two.
 */
const PHONE_PATTERN = /\+\d(?:[\s().-]{0,2}\d){7,14}(?!\d)/g;

/*
 * National numbers are told apart from the ids, times and amounts of log lines by their shape: digit
 * groups split by spaces, hyphens, slashes or an area code in parentheses, standing alone (not
 * inside a token of letters, digits, `-`, `.`, `/` or `+`, nor after a time's `12:`). ISO times,
 * dates, UUIDs, message ids, ARNs, epoch seconds and milliseconds, durations and amounts have none
 * of these shapes. A number written as one run of digits (`015112345678`) is not masked: it looks
 * like an AWS account id or an epoch time.
 */
const ALONE_BEFORE = String.raw`(?<![\w.+/-])(?<!\d:)`;
const ALONE_AFTER = String.raw`(?![\w+]|[.:/-]\w)`;
/** With a trunk `0` and at least 9 digits: `0151 12345678`, `(030) 1234567`, `0151/12345678`, `06 12 34 56 78`. */
const TRUNK_PHONE_PATTERN = new RegExp(
  String.raw`${ALONE_BEFORE}(?:\(0\d{1,4}\)\s?|0\d{1,4}[\s/-])\d{2,8}(?:[\s-]\d{2,8}){0,5}${ALONE_AFTER}`,
  'g',
);
const MIN_TRUNK_DIGITS = 9;
/** North American, 3-3-4: `(555) 010-0199`, `555-010-0199`, `555.010.0199`, `1-555-010-0199`. */
const NANP_PHONE_PATTERN = new RegExp(
  String.raw`${ALONE_BEFORE}(?:1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}${ALONE_AFTER}`,
  'g',
);

const digitCount = (text: string): number => text.replace(/\D/g, '').length;

/** Mask e-mail addresses and phone numbers (international, and national in the shapes above) inside free text. */
export const scrubText = (text: string): string =>
  text
    .replace(EMAIL_PATTERN, '[email]')
    .replace(PHONE_PATTERN, '[phone]')
    .replace(NANP_PHONE_PATTERN, '[phone]')
    .replace(TRUNK_PHONE_PATTERN, (match) => (digitCount(match) >= MIN_TRUNK_DIGITS ? '[phone]' : match));

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const redactValue = (value: unknown, seen: WeakSet<object>): unknown => {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) {
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    return value.map((item) => redactValue(item, seen));
  }
  if (isPlainObject(value)) {
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        isSensitiveKey(key) && inner !== null && inner !== undefined ? REDACTED : redactValue(inner, seen);
    }
    return out;
  }
  // Errors, dates and other instances pass through; their strings are scrubbed at output.
  return value;
};

/**
 * A copy of `extra` with values under personal keys (email, to, phone, html, text, body,
 * comment, name, ...) replaced by `[redacted]`, at any depth, and e-mail addresses and phone
 * numbers masked in the remaining strings.
 */
export const redact = (extra: Record<string, unknown>): Record<string, unknown> =>
  redactValue(extra, new WeakSet()) as Record<string, unknown>;

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
type Level = (typeof LEVELS)[number];

const parseLevel = (level: string | undefined): Level | undefined => {
  if (level === undefined) return undefined;
  const upper = level.toUpperCase();
  const found = LEVELS.find((candidate) => candidate === upper);
  if (!found) throw new Error(`unknown log level "${level}"; use one of ${LEVELS.join(', ')}`);
  return found;
};

/** Whether X-Ray records this invocation (Lambda sets the header on every invocation, sampled or not). */
const isSampledTrace = (): boolean => /(?:^|;)Sampled=1(?:;|$)/.test(process.env._X_AMZN_TRACE_ID ?? '');

/**
 * Lines of `level`, `message`, then careflow's keys (`correlation_id` first when set). Powertools'
 * other standard keys are left out, because CloudWatch already knows them or they say nothing:
 * `timestamp` (every log event has one), `service` and the function's name, ARN, memory and
 * cold start (one log group per function), `sampling_rate` (always 0). `xray_trace_id` stays
 * when X-Ray samples the invocation, so a trace and its lines can be joined.
 */
export class CompactLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base: LogAttributes = { level: attributes.logLevel, message: attributes.message };
    if (attributes.xRayTraceId && isSampledTrace()) base.xray_trace_id = attributes.xRayTraceId;
    return new LogItem({ attributes: base }).addAttributes(additional);
  }
}

/**
 * The correlation id of the record being handled, per asynchronous context: records of different
 * customers handled at the same time each write their own on their lines.
 */
const correlation = new AsyncLocalStorage<string>();

/** Run `work` with `correlation_id` set to `id` on every line it logs, however its awaits interleave with others'. */
export const runWithCorrelationId = <T>(id: string, work: () => Promise<T>): Promise<T> =>
  correlation.run(id, work);

export interface CreateLoggerOptions {
  /** The function's service name (POWERTOOLS_SERVICE_NAME, else `careflow`); not written on log lines. */
  serviceName?: string;
  /** Minimum level (case-insensitive). Default: the Powertools environment variables, else INFO. */
  level?: string;
  /** Keys added to every log line (redacted like `extra`). */
  persistentKeys?: Record<string, unknown>;
}

/** The Logger port, plus the Powertools logger underneath (for middy's injectLambdaContext). */
export interface CareflowLogger extends Logger {
  readonly powertools: PowertoolsLogger;
}

export const createLogger = (options: CreateLoggerOptions = {}): CareflowLogger => {
  const logLevel = parseLevel(options.level);
  const serviceName = options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'careflow';
  const powertools = new PowertoolsLogger({
    serviceName,
    ...(logLevel ? { logLevel } : {}),
    ...(options.persistentKeys ? { persistentKeys: redact(options.persistentKeys) } : {}),
    logFormatter: new CompactLogFormatter(),
    // The last net: every string on its way to the output, whatever added it.
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? scrubText(value) : value),
  });
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, extra?: Record<string, unknown>): void => {
      const id = correlation.getStore();
      const fields = extra ? redact(extra) : undefined;
      if (id !== undefined) powertools[level](message, { correlation_id: id, ...fields });
      else if (fields) powertools[level](message, fields);
      else powertools[level](message);
    };
  return {
    powertools,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
};
