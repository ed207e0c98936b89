import { ValidationError } from '../domain/errors.js';
import { parseDuration } from '../domain/time/duration.js';
import * as z from '../domain/zod.js';
import { Env } from './env.js';

const optional = z.optional(z.string().check(z.minLength(1)));

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Settings every function may need; each function checks the ones it uses at cold start. */
export const Config = z.object({
  tableName: optional,
  eventBusName: z._default(z.string().check(z.minLength(1)), 'careflow'),
  customerQueueUrl: optional,
  customerQueueArn: optional,
  invalidEventsQueueUrl: optional,
  schedulerGroupName: z._default(z.string().check(z.minLength(1)), 'careflow'),
  schedulerRoleArn: optional,
  sesConfigurationSet: optional,
  senderEmail: z._default(z.email(), 'noreply@example.com'),
  publicBaseUrl: z._default(z.url(), 'http://127.0.0.1:3000'),
  signingSecretArn: optional,
  signingSecret: z.optional(z.string().check(z.minLength(16))),
  // As long as an unsubscribe link lives, so rotating the key never breaks one already sent.
  linkKeyGraceDays: z._default(z.coerce.number().check(z.int(), z.positive()), 730),
  retentionDays: z._default(z.coerce.number().check(z.int(), z.positive()), 180),
  wakeDlqArn: optional,
  frequencyCap: z.optional(
    z.pipe(
      z.string().check(
        z.regex(/^[1-9]\d*\/P\S+$/, 'must be N/<ISO duration>, e.g. 3/P7D'),
        z.refine(
          (text) => parseDuration(text.slice(text.indexOf('/') + 1)) !== undefined,
          'has an invalid duration',
        ),
      ),
      z.transform((text) => {
        const [max, window] = text.split('/');
        return { max: Number(max), window: window ?? '' };
      }),
    ),
  ),
  quietHours: z.optional(
    z.pipe(
      z
        .string()
        .check(
          z.regex(
            /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/,
            'must be HH:MM-HH:MM, e.g. 21:00-08:00',
          ),
        ),
      z.transform((text) => {
        const [start, end] = text.split('-');
        return { start: start ?? '', end: end ?? '' };
      }),
    ),
  ),
  defaultTimeZone: z.optional(
    z.string().check(z.refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')),
  ),
  adminToken: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  smsSenderId: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/,
          'must be 1 to 11 letters and digits, at least one letter',
        ),
      ),
  ),
  smsOriginationNumber: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(\+[1-9]\d{6,14}|arn:aws[a-z-]*:sms-voice:\S+)$/,
          'must be an E.164 number or an origination identity ARN',
        ),
      ),
  ),
});
export type Config = z.infer<typeof Config>;

/** Read the configuration from environment variables and fail fast, naming every bad variable. */
export const loadConfig = (env: Record<string, string | undefined>): Config => {
  const raw = Object.fromEntries(Object.entries(Env).map(([key, name]) => [key, env[name] || undefined]));
  const parsed = Config.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]) as keyof typeof Env;
    return { path: Env[key] ?? key, message: issue.message };
  });
  throw new ValidationError(
    `careflow is misconfigured: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    problems,
  );
};

/** A setting a function cannot run without. */
export const required = <K extends keyof Config>(config: Config, key: K): NonNullable<Config[K]> => {
  const value = config[key];
  if (value === undefined || value === null) {
    throw new ValidationError(`careflow is misconfigured: ${Env[key as keyof typeof Env]} is not set`, [
      { path: Env[key as keyof typeof Env], message: 'is required' },
    ]);
  }
  return value as NonNullable<Config[K]>;
};
