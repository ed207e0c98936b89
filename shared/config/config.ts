import * as z from 'zod';
import { ValidationError } from '../domain/errors.js';
import { parseDuration } from '../domain/time/duration.js';
import { Env } from './env.js';

const optional = z.string().min(1).optional();

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
  eventBusName: z.string().min(1).default('careflow'),
  customerQueueUrl: optional,
  customerQueueArn: optional,
  invalidEventsQueueUrl: optional,
  schedulerGroupName: z.string().min(1).default('careflow'),
  schedulerRoleArn: optional,
  sesConfigurationSet: optional,
  senderEmail: z.email().default('noreply@example.com'),
  publicBaseUrl: z.url().default('http://127.0.0.1:3000'),
  signingSecretArn: optional,
  signingSecret: z.string().min(16).optional(),
  // As long as an unsubscribe link lives, so rotating the key never breaks one already sent.
  linkKeyGraceDays: z.coerce.number().int().positive().default(730),
  retentionDays: z.coerce.number().int().positive().default(180),
  wakeDlqArn: optional,
  frequencyCap: z
    .string()
    .regex(/^[1-9]\d*\/P\S+$/, 'must be N/<ISO duration>, e.g. 3/P7D')
    .refine(
      (text) => parseDuration(text.slice(text.indexOf('/') + 1)) !== undefined,
      'has an invalid duration',
    )
    .transform((text) => {
      const [max, window] = text.split('/');
      return { max: Number(max), window: window ?? '' };
    })
    .optional(),
  quietHours: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM, e.g. 21:00-08:00')
    .transform((text) => {
      const [start, end] = text.split('-');
      return { start: start ?? '', end: end ?? '' };
    })
    .optional(),
  defaultTimeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').optional(),
  adminToken: z.string().min(16, 'must be at least 16 characters').optional(),
  smsSenderId: z
    .string()
    .regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'must be 1 to 11 letters and digits, at least one letter')
    .optional(),
  smsOriginationNumber: z
    .string()
    .regex(
      /^(\+[1-9]\d{6,14}|arn:aws[a-z-]*:sms-voice:\S+)$/,
      'must be an E.164 number or an origination identity ARN',
    )
    .optional(),
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
