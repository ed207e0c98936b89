import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CareflowStack, type CareflowStackProps } from './careflow-stack.js';

/** Context keys that configure the app (`cdk synth -c careflow:stage=prod`). */
export const ContextKeys = {
  stage: 'careflow:stage',
  senderEmail: 'careflow:senderEmail',
  publicBaseUrl: 'careflow:publicBaseUrl',
  retentionDays: 'careflow:retentionDays',
  alarmEmail: 'careflow:alarmEmail',
  tracing: 'careflow:tracing',
} as const;

const optionalString = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

/** Stack configuration from CDK context; values given with `-c` arrive as strings. */
export const readStackConfig = (app: App): CareflowStackProps => {
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const retention = optionalString(ctx(ContextKeys.retentionDays));
  const publicBaseUrl = optionalString(ctx(ContextKeys.publicBaseUrl));
  const alarmEmail = optionalString(ctx(ContextKeys.alarmEmail));
  return {
    stage: optionalString(ctx(ContextKeys.stage)) ?? 'dev',
    senderEmail: optionalString(ctx(ContextKeys.senderEmail)) ?? 'noreply@example.com',
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    ...(retention ? { retentionDays: Number(retention) } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    tracing: String(ctx(ContextKeys.tracing) ?? 'false') === 'true',
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
