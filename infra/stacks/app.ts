import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CareflowStack, type CareflowStackProps, toLogRetention } from './careflow-stack.js';

/** Context keys that configure the app (`cdk synth -c careflow:stage=prod`). */
export const ContextKeys = {
  stage: 'careflow:stage',
  senderEmail: 'careflow:senderEmail',
  publicBaseUrl: 'careflow:publicBaseUrl',
  retentionDays: 'careflow:retentionDays',
  alarmEmail: 'careflow:alarmEmail',
  /** Active X-Ray tracing on the Lambdas (`true`/`false`). */
  tracing: 'careflow:tracing',
  /** Deploy to this account and region; without them the stack is environment-agnostic. */
  account: 'careflow:account',
  region: 'careflow:region',
  /** Create this domain as an SES identity with Easy DKIM. */
  senderDomain: 'careflow:senderDomain',
  logRetentionDays: 'careflow:logRetentionDays',
  /** With SMS on: days SNS's SMS delivery log groups (phone numbers) are kept. */
  smsDeliveryLogRetentionDays: 'careflow:smsDeliveryLogRetentionDays',
  frequencyCap: 'careflow:frequencyCap',
  quietHours: 'careflow:quietHours',
  defaultTimeZone: 'careflow:defaultTimeZone',
  processorMaxConcurrency: 'careflow:processorMaxConcurrency',
  apiRateLimit: 'careflow:apiRateLimit',
  apiBurstLimit: 'careflow:apiBurstLimit',
  /** Keep Lambda's START/END/REPORT log records (`true`/`false`). */
  platformLogs: 'careflow:platformLogs',
  /** SMS through SNS: an alphanumeric sender id and/or an origination number (E.164 or ARN). */
  smsSenderId: 'careflow:smsSenderId',
  smsOriginationNumber: 'careflow:smsOriginationNumber',
  /** Monthly SMS budget in USD, and the fraction of it at which the spend alarm fires. */
  smsMonthlyBudgetUsd: 'careflow:smsMonthlyBudgetUsd',
  smsSpendAlarmAt: 'careflow:smsSpendAlarmAt',
  /** Days a retired link-signing key still verifies the links it signed. */
  linkKeyGraceDays: 'careflow:linkKeyGraceDays',
} as const;

const optionalString = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

/** A whole number from context (`-c` gives strings); names the key when it is not one. */
const wholeNumber = (key: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`${key} must be a whole number: got '${value}'`);
  return parsed;
};

/** A number from context, fractions allowed; names the key when it is not one. */
const decimal = (key: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${key} must be a number: got '${value}'`);
  return parsed;
};

/**
 * A yes/no setting from context: `true` or `false` (`-c` gives the strings, cdk.json may give
 * booleans); anything else names the key rather than turning the setting off unnoticed.
 */
const flag = (key: string, value: string | undefined): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`${key} must be true or false: got '${value}'`);
};

/** A `careflow:` key careflow does not read is a typo that would deploy unnoticed (`careflow:tracng`). */
const refuseUnknownKeys = (app: App): void => {
  const known = new Set<string>(Object.values(ContextKeys));
  const unknown = Object.keys(app.node.getAllContext() as Record<string, unknown>).filter(
    (key) => key.startsWith('careflow:') && !known.has(key),
  );
  if (unknown.length > 0) {
    throw new Error(
      `unknown context ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.join(', ')}: careflow reads ${[...known].join(', ')}`,
    );
  }
};

/** Stack configuration from CDK context; values given with `-c` arrive as strings. */
export const readStackConfig = (app: App): CareflowStackProps => {
  refuseUnknownKeys(app);
  const ctx = (key: string): string | undefined => optionalString(app.node.tryGetContext(key));
  const retentionDays = wholeNumber(ContextKeys.retentionDays, ctx(ContextKeys.retentionDays));
  const publicBaseUrl = ctx(ContextKeys.publicBaseUrl);
  const alarmEmail = ctx(ContextKeys.alarmEmail);
  const account = ctx(ContextKeys.account);
  const region = ctx(ContextKeys.region);
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    throw new Error(`${ContextKeys.account} must be a 12-digit AWS account id: got '${account}'`);
  }
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new Error(`${ContextKeys.region} must be an AWS region such as eu-west-1: got '${region}'`);
  }
  const senderDomain = ctx(ContextKeys.senderDomain);
  const logRetentionDays = wholeNumber(ContextKeys.logRetentionDays, ctx(ContextKeys.logRetentionDays));
  const smsLogDays = wholeNumber(
    ContextKeys.smsDeliveryLogRetentionDays,
    ctx(ContextKeys.smsDeliveryLogRetentionDays),
  );
  const limits = {
    ...(ctx(ContextKeys.frequencyCap) ? { frequencyCap: ctx(ContextKeys.frequencyCap) } : {}),
    ...(ctx(ContextKeys.quietHours) ? { quietHours: ctx(ContextKeys.quietHours) } : {}),
    ...(ctx(ContextKeys.defaultTimeZone) ? { defaultTimeZone: ctx(ContextKeys.defaultTimeZone) } : {}),
  };
  const maxConcurrency = wholeNumber(
    ContextKeys.processorMaxConcurrency,
    ctx(ContextKeys.processorMaxConcurrency),
  );
  const apiRateLimit = wholeNumber(ContextKeys.apiRateLimit, ctx(ContextKeys.apiRateLimit));
  const apiBurstLimit = wholeNumber(ContextKeys.apiBurstLimit, ctx(ContextKeys.apiBurstLimit));
  const smsSenderId = ctx(ContextKeys.smsSenderId);
  const smsOriginationNumber = ctx(ContextKeys.smsOriginationNumber);
  const smsMonthlyBudgetUsd = decimal(ContextKeys.smsMonthlyBudgetUsd, ctx(ContextKeys.smsMonthlyBudgetUsd));
  const smsSpendAlarmAt = decimal(ContextKeys.smsSpendAlarmAt, ctx(ContextKeys.smsSpendAlarmAt));
  const linkKeyGraceDays = wholeNumber(ContextKeys.linkKeyGraceDays, ctx(ContextKeys.linkKeyGraceDays));
  const tracing = flag(ContextKeys.tracing, ctx(ContextKeys.tracing));
  const platformLogs = flag(ContextKeys.platformLogs, ctx(ContextKeys.platformLogs));
  return {
    stage: ctx(ContextKeys.stage) ?? 'dev',
    senderEmail: ctx(ContextKeys.senderEmail) ?? 'noreply@example.com',
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    tracing: tracing ?? false,
    ...(account || region ? { env: { ...(account ? { account } : {}), ...(region ? { region } : {}) } } : {}),
    ...(senderDomain ? { senderDomain } : {}),
    ...(logRetentionDays !== undefined ? { logRetention: toLogRetention(logRetentionDays) } : {}),
    ...(smsLogDays !== undefined
      ? { smsDeliveryLogRetention: toLogRetention(smsLogDays, ContextKeys.smsDeliveryLogRetentionDays) }
      : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(maxConcurrency !== undefined ? { processorMaxConcurrency: maxConcurrency } : {}),
    ...(apiRateLimit !== undefined ? { apiRateLimit } : {}),
    ...(apiBurstLimit !== undefined ? { apiBurstLimit } : {}),
    platformLogs: platformLogs ?? false,
    ...(smsSenderId || smsOriginationNumber
      ? {
          sms: {
            ...(smsSenderId ? { senderId: smsSenderId } : {}),
            ...(smsOriginationNumber ? { originationNumber: smsOriginationNumber } : {}),
          },
        }
      : {}),
    ...(smsMonthlyBudgetUsd !== undefined ? { smsMonthlyBudgetUsd } : {}),
    ...(smsSpendAlarmAt !== undefined ? { smsSpendAlarmAt } : {}),
    ...(linkKeyGraceDays !== undefined ? { linkKeyGraceDays } : {}),
  };
};

export interface BuildOptions {
  /** Run the cdk-nag AWS Solutions checks at synth (violations make synth fail). @default true */
  readonly nag?: boolean;
  /** Overrides on top of the context configuration (tests). */
  readonly overrides?: Partial<CareflowStackProps>;
}

/** Adds the careflow stack (named `careflow-<stage>`) to the app, with cdk-nag unless disabled. */
export const buildCareflowApp = (app: App, options: BuildOptions = {}): CareflowStack => {
  const config = { ...readStackConfig(app), ...options.overrides };
  const stack = new CareflowStack(app, `careflow-${config.stage}`, config);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return stack;
};
