import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CUSTOMER_QUEUE_MAX_RECEIVES } from '../../functions/processor/deferral.js';
import { DEFAULT_METRICS_NAMESPACE } from '../../shared/adapters/observability.js';
import { Config } from '../../shared/config/config.js';
import { customerEventRoute } from '../routes.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Email } from './constructs/email.js';
import { Functions, processorTimeout, type SendingLimits, type SmsSettings } from './constructs/functions.js';
import { Messaging } from './constructs/messaging.js';
import { Monitoring } from './constructs/monitoring.js';
import { Routing } from './constructs/routing.js';
import { Scheduling } from './constructs/scheduling.js';
import { SesEvents } from './constructs/ses-events.js';
import { SmsDelivery } from './constructs/sms-delivery.js';
import { StackOutput } from './outputs.js';

export interface CareflowStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, ...): prefixes resource names and tags everything. */
  readonly stage: string;
  /** From address of careflow's email; it or its domain must be verified in SES. */
  readonly senderEmail: string;
  /**
   * Create this domain as an SES identity with Easy DKIM; the sender address must be on it.
   * @default none: the sender identity is verified outside the stack
   */
  readonly senderDomain?: string;
  /** Base URL (https) of survey and unsubscribe links. @default the HTTP API's endpoint */
  readonly publicBaseUrl?: string;
  /**
   * Days DynamoDB keeps a customer's records before TTL removes them: message log entries (from
   * the send), survey answers (from the answer), ended journey instances (from the end, or from
   * the close of their goal window when later) and erasure tombstones (at least 30 days).
   * @default 180
   */
  readonly retentionDays?: number;
  /** Retention of the Lambda and API access logs. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * With SMS on: retention of SNS's two SMS delivery log groups, which hold phone numbers. Their
   * records are recorded within seconds, and a batch that fails is kept in the SMS delivery DLQ.
   * @default three days
   */
  readonly smsDeliveryLogRetention?: logs.RetentionDays;
  /** Email address subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** Active X-Ray tracing on the Lambdas. @default false */
  readonly tracing?: boolean;
  /**
   * Throttling of the HTTP API's default stage, in whole requests: a steady rate per second, and
   * a burst (API Gateway does not require the burst to reach the rate). @default 50 requests/s, burst 100
   */
  readonly apiRateLimit?: number;
  readonly apiBurstLimit?: number;
  /** Contact-point defaults the processor applies where a journey sets none. @default defaultLimits */
  readonly limits?: Partial<SendingLimits>;
  /** Most concurrent processor invocations (2 to 1000); caps the SES/SNS send rate. @default no cap */
  readonly processorMaxConcurrency?: number;
  /** Keep Lambda's START/END/REPORT log records (cold starts, memory). @default false */
  readonly platformLogs?: boolean;
  /** SMS through SNS: a sender id and/or an origination number. @default no SMS channel */
  readonly sms?: SmsSettings;
  /**
   * Monthly SMS budget in USD (set the account's SNS spend limit to it). With SMS on, an alarm
   * fires when the month's SMS spend reaches `smsSpendAlarmAt` of it. @default 1, the limit of a new account
   */
  readonly smsMonthlyBudgetUsd?: number;
  /** Fraction of the SMS budget (0 to 1) at which the spend alarm fires. @default 0.8 */
  readonly smsSpendAlarmAt?: number;
  /**
   * Days a retired link-signing key still verifies the links it signed. @default 730, as long as
   * an unsubscribe link lives, so a rotation breaks no link already sent
   */
  readonly linkKeyGraceDays?: number;
}

/** Defaults of the contact-point rules when the deployer sets none. */
export const defaultLimits: SendingLimits = {
  frequencyCap: '3/P7D',
  quietHours: '21:00-08:00',
  defaultTimeZone: 'UTC',
};

const stagePattern = /^[a-z][a-z0-9-]{0,19}$/;
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const defaultRetentionDays = 180;
const defaultSmsMonthlyBudgetUsd = 1;
const defaultSmsSpendAlarmAt = 0.8;
const defaultLinkKeyGraceDays = 730;

/** Log retention values CloudWatch Logs accepts, in days. */
const logRetentionDays: ReadonlySet<number> = new Set(
  Object.values(logs.RetentionDays).filter((days): days is number => typeof days === 'number' && days > 0),
);

/** A CloudWatch Logs retention from a number of days; names the context key when CloudWatch has no such value. */
export const toLogRetention = (days: number, key = 'careflow:logRetentionDays'): logs.RetentionDays => {
  if (!logRetentionDays.has(days)) {
    throw new Error(
      `${key} must be one of ${[...logRetentionDays].sort((a, b) => a - b).join(', ')}: got '${days}'`,
    );
  }
  return days as logs.RetentionDays;
};

const limitsOf = (props: CareflowStackProps): SendingLimits => ({ ...defaultLimits, ...props.limits });

/**
 * The base URL of the links in careflow's messages: what the functions accept at cold start
 * (`z.url()` in shared/config/config.ts), and https, since customers open the links from their
 * mail (the functions also take http, for the local stack).
 */
const validatePublicBaseUrl = (url: string): void => {
  if (Token.isUnresolved(url)) return;
  const parsed = Config.shape.publicBaseUrl.safeParse(url);
  if (!parsed.success || new URL(url).protocol !== 'https:') {
    throw new Error(
      `careflow:publicBaseUrl must be an https URL, e.g. https://care.shop.example: got '${url}'`,
    );
  }
};

/** Refuses configuration that would fail later or deploy something surprising; names the context key. */
const validateProps = (props: CareflowStackProps): void => {
  if (!stagePattern.test(props.stage)) {
    throw new Error(
      `careflow:stage must be lowercase letters, digits and dashes, starting with a letter (max 20): got '${props.stage}'`,
    );
  }
  if (!emailPattern.test(props.senderEmail)) {
    throw new Error(`careflow:senderEmail must be an email address: got '${props.senderEmail}'`);
  }
  if (props.alarmEmail !== undefined && !emailPattern.test(props.alarmEmail)) {
    throw new Error(`careflow:alarmEmail must be an email address: got '${props.alarmEmail}'`);
  }
  if (props.publicBaseUrl !== undefined) validatePublicBaseUrl(props.publicBaseUrl);
  const retentionDays = props.retentionDays ?? defaultRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`careflow:retentionDays must be a positive whole number of days: got '${retentionDays}'`);
  }
  for (const [key, value] of [
    ['careflow:apiRateLimit', props.apiRateLimit],
    ['careflow:apiBurstLimit', props.apiBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new Error(`${key} must be a positive whole number of requests: got '${value}'`);
    }
  }
  if (props.senderDomain !== undefined) {
    const domain = props.senderDomain.toLowerCase();
    if (!domainPattern.test(domain)) {
      throw new Error(`careflow:senderDomain must be a domain name: got '${props.senderDomain}'`);
    }
    const senderDomain = props.senderEmail.split('@')[1]?.toLowerCase() ?? '';
    if (senderDomain !== domain && !senderDomain.endsWith(`.${domain}`)) {
      throw new Error(
        `careflow:senderEmail must be an address on careflow:senderDomain (${domain}): got '${props.senderEmail}'`,
      );
    }
  }
  // The same checks the processor applies at cold start (shared/config/config.ts).
  const limits = limitsOf(props);
  const checks = [
    ['careflow:frequencyCap', Config.shape.frequencyCap, limits.frequencyCap],
    ['careflow:quietHours', Config.shape.quietHours, limits.quietHours],
    ['careflow:defaultTimeZone', Config.shape.defaultTimeZone, limits.defaultTimeZone],
    ['careflow:smsSenderId', Config.shape.smsSenderId, props.sms?.senderId],
    ['careflow:smsOriginationNumber', Config.shape.smsOriginationNumber, props.sms?.originationNumber],
  ] as const;
  for (const [key, schema, value] of checks) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new Error(`${key} ${parsed.error.issues[0]?.message ?? 'is invalid'}: got '${value}'`);
    }
  }
  const budget = props.smsMonthlyBudgetUsd ?? defaultSmsMonthlyBudgetUsd;
  if (!Number.isFinite(budget) || budget <= 0) {
    throw new Error(`careflow:smsMonthlyBudgetUsd must be a positive amount of USD: got '${budget}'`);
  }
  const alarmAt = props.smsSpendAlarmAt ?? defaultSmsSpendAlarmAt;
  if (!Number.isFinite(alarmAt) || alarmAt <= 0 || alarmAt > 1) {
    throw new Error(
      `careflow:smsSpendAlarmAt must be a fraction of the budget above 0 and at most 1: got '${alarmAt}'`,
    );
  }
  const grace = props.linkKeyGraceDays ?? defaultLinkKeyGraceDays;
  if (!Number.isInteger(grace) || grace < 1) {
    throw new Error(`careflow:linkKeyGraceDays must be a positive whole number of days: got '${grace}'`);
  }
  const concurrency = props.processorMaxConcurrency;
  if (
    concurrency !== undefined &&
    (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 1000)
  ) {
    throw new Error(
      `careflow:processorMaxConcurrency must be a whole number from 2 to 1000: got '${concurrency}'`,
    );
  }
};

/** careflow on AWS: bus, router, ordered customer queue, processor, table, scheduler, SES, HTTP API. */
export class CareflowStack extends Stack {
  readonly stage: string;
  readonly data: Data;
  readonly messaging: Messaging;
  readonly scheduling: Scheduling;
  readonly email: Email;
  readonly functions: Functions;
  readonly routing: Routing;
  readonly api: Api;
  readonly sesEvents: SesEvents;
  /** SMS delivery status from SNS's delivery logs; only with the SMS channel on. */
  readonly smsDelivery: SmsDelivery | undefined;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CareflowStackProps) {
    validateProps(props);
    super(scope, id, {
      description: `careflow journey orchestration and customer-care automation (${props.stage})`,
      ...props,
    });
    const retentionDays = props.retentionDays ?? defaultRetentionDays;
    this.stage = props.stage;
    const resourcePrefix = `careflow-${props.stage}`;
    const isProduction = props.stage === 'prod';
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const metricsNamespace = DEFAULT_METRICS_NAMESPACE;
    // Logs of throw-away stages go with the stack; production keeps them (they expire anyway).
    const logRemovalPolicy = isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    Tags.of(this).add('app', 'careflow');
    Tags.of(this).add('careflow:stage', props.stage);

    this.data = new Data(this, 'Data', { resourcePrefix, deletionProtection: isProduction });
    this.messaging = new Messaging(this, 'Messaging', {
      resourcePrefix,
      customerQueueVisibilityTimeout: Duration.seconds(processorTimeout.toSeconds() * 6),
      maxReceiveCount: CUSTOMER_QUEUE_MAX_RECEIVES,
    });
    this.scheduling = new Scheduling(this, 'Scheduling', {
      resourcePrefix,
      customerQueue: this.messaging.customerQueue,
      deadLetterQueue: this.messaging.wakeDlq,
    });
    this.email = new Email(this, 'Email', {
      resourcePrefix,
      senderEmail: props.senderEmail,
      ...(props.senderDomain ? { domain: props.senderDomain.toLowerCase() } : {}),
    });

    this.functions = new Functions(this, 'Functions', {
      resourcePrefix,
      data: this.data,
      messaging: this.messaging,
      scheduling: this.scheduling,
      email: this.email,
      retentionDays,
      logRetention,
      logRemovalPolicy,
      tracing: props.tracing ?? false,
      limits: limitsOf(props),
      metricsNamespace,
      platformLogs: props.platformLogs ?? false,
      linkKeyGraceDays: props.linkKeyGraceDays ?? defaultLinkKeyGraceDays,
      ...(props.processorMaxConcurrency ? { processorMaxConcurrency: props.processorMaxConcurrency } : {}),
      ...(props.sms ? { sms: props.sms } : {}),
    });

    this.routing = new Routing(this, 'Routing', {
      bus: this.messaging.bus,
      route: customerEventRoute,
      router: this.functions.router.fn,
      deadLetterQueue: this.messaging.ingestDlq,
    });

    this.api = new Api(this, 'Api', {
      resourcePrefix,
      functions: {
        survey: this.functions.survey.fn,
        unsubscribe: this.functions.unsubscribe.fn,
        api: this.functions.api.fn,
      },
      rateLimit: props.apiRateLimit ?? 50,
      burstLimit: props.apiBurstLimit ?? 100,
      logRetention,
      logRemovalPolicy,
    });
    this.functions.setPublicBaseUrl(props.publicBaseUrl ?? this.api.url);

    this.sesEvents = new SesEvents(this, 'SesEvents', {
      configurationSet: this.email.configurationSet,
      bus: this.messaging.bus,
      deadLetterQueue: this.messaging.sesEventsDlq,
      feedback: this.functions.feedback.fn,
    });

    this.smsDelivery = props.sms
      ? new SmsDelivery(this, 'SmsDelivery', {
          resourcePrefix,
          table: this.data.table,
          bus: this.messaging.bus,
          retentionDays,
          logRetention: props.smsDeliveryLogRetention ?? logs.RetentionDays.THREE_DAYS,
          functionDefaults: {
            logRetention,
            logRemovalPolicy,
            tracing: props.tracing ?? false,
            metricsNamespace,
            platformLogs: props.platformLogs ?? false,
          },
        })
      : undefined;

    const { messaging, functions, smsDelivery } = this;
    const watchedFunctions = [
      ...functions.all,
      ...(smsDelivery ? [{ name: 'SmsDelivery', fn: smsDelivery.handler }] : []),
    ];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      resourcePrefix,
      scheduleGroup: this.scheduling.group,
      customerQueue: messaging.customerQueue,
      deadLetterQueues: [
        {
          id: 'CustomerDlqDepth',
          title: 'customer DLQ',
          queue: messaging.customerDlq,
          meaning: 'Customer events or wake-ups failed processing 5 times and are in the customer DLQ.',
        },
        {
          id: 'IngestDlqDepth',
          title: 'ingest DLQ',
          queue: messaging.ingestDlq,
          meaning:
            'Customer events did not reach the customer queue (rule delivery or router failures) and are in the ingest DLQ.',
        },
        {
          id: 'InvalidEventsDepth',
          title: 'invalid events',
          queue: messaging.invalidEvents,
          meaning:
            'Producers sent events that failed validation; they are kept with their reason in the invalid-events queue.',
        },
        {
          id: 'WakeDlqDepth',
          title: 'wake-up DLQ',
          queue: messaging.wakeDlq,
          meaning: 'EventBridge Scheduler could not deliver wake-ups to the customer queue for 24 hours.',
        },
        {
          id: 'SesEventsDlqDepth',
          title: 'SES events DLQ',
          queue: messaging.sesEventsDlq,
          meaning:
            'SES events (bounces, complaints, deliveries, opens, clicks) could not be forwarded or recorded.',
        },
        ...(smsDelivery
          ? [
              {
                id: 'SmsDeliveryDlqDepth',
                title: 'SMS delivery DLQ',
                queue: smsDelivery.deadLetterQueue,
                meaning:
                  'SNS delivery records of SMS (delivered, failed) could not be recorded; they hold phone numbers.',
              },
            ]
          : []),
      ],
      functions: watchedFunctions.map(({ name, fn }) => ({ name, fn: fn.fn })),
      processorServiceName: functions.processor.serviceName,
      processorLogGroup: functions.processor.logGroup,
      metricsNamespace,
      configurationSetName: this.email.configurationSet.configurationSetName,
      maxMessageAge: Duration.minutes(15),
      ...(props.sms
        ? {
            smsSpend: {
              monthlyBudgetUsd: props.smsMonthlyBudgetUsd ?? defaultSmsMonthlyBudgetUsd,
              alarmAt: props.smsSpendAlarmAt ?? defaultSmsSpendAlarmAt,
            },
          }
        : {}),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    const output = (key: string, value: string, description?: string) =>
      new CfnOutput(this, key, { value, ...(description ? { description } : {}) });
    output(StackOutput.eventBusName, messaging.bus.eventBusName, 'Producers put customer events on this bus');
    output(StackOutput.eventBusArn, messaging.bus.eventBusArn);
    output(StackOutput.apiUrl, this.api.url, 'HTTP API base URL');
    output(
      StackOutput.adminInvokeArn,
      this.api.httpApi.arnForExecuteApi('GET', '/customers/*/messages', '$default'),
      'Grant execute-api:Invoke on this ARN to admin callers (SigV4)',
    );
    output(StackOutput.tableName, this.data.table.tableName);
    output(
      StackOutput.customerQueueUrl,
      messaging.customerQueue.queueUrl,
      'FIFO queue of customer events and wake-ups',
    );
    output(
      StackOutput.customerDlqUrl,
      messaging.customerDlq.queueUrl,
      'Customer messages that failed processing; redrive after a fix',
    );
    output(
      StackOutput.ingestDlqUrl,
      messaging.ingestDlq.queueUrl,
      'Events that never reached the customer queue',
    );
    output(
      StackOutput.invalidEventsQueueUrl,
      messaging.invalidEvents.queueUrl,
      'Events that failed validation, each with its reason',
    );
    output(
      StackOutput.wakeDlqUrl,
      messaging.wakeDlq.queueUrl,
      'Wake-ups EventBridge Scheduler could not deliver',
    );
    output(
      StackOutput.sesEventsDlqUrl,
      messaging.sesEventsDlq.queueUrl,
      'SES events that could not be forwarded',
    );
    output(
      StackOutput.feedbackFunctionName,
      functions.feedback.fn.functionName,
      'Records SES events; `npm run redrive -- --queue ses` hands it the SES events DLQ',
    );
    output(
      StackOutput.linkSigningSecretArn,
      this.data.signingSecret.secretArn,
      'The key that signs survey and unsubscribe links; rotate with `npm run link-key -- rotate`',
    );
    output(
      StackOutput.linkKeyFunctions,
      functions.linkKeyReaders.map((fn) => fn.functionName).join(','),
      'Functions that read the link-signing key; a rotation restarts them',
    );
    if (smsDelivery) {
      output(
        StackOutput.smsDeliveryDlqUrl,
        smsDelivery.deadLetterQueue.queueUrl,
        'SMS delivery records that could not be recorded',
      );
      output(
        StackOutput.smsDeliveryFunctionName,
        smsDelivery.handler.fn.functionName,
        'Records SMS delivery status; `npm run redrive -- --queue sms` hands it the SMS delivery DLQ',
      );
      output(
        StackOutput.smsDeliveryStatusRoleArn,
        smsDelivery.deliveryStatusRole.roleArn,
        'SNS writes SMS delivery status with this role once the account names it: aws sns set-sms-attributes --attributes DeliveryStatusIAMRole=<this ARN>,DeliveryStatusSuccessSamplingRate=100 (docs/operations.md)',
      );
    }
    output(StackOutput.alarmTopicArn, this.monitoring.topic.topicArn);
    output(StackOutput.dashboardName, this.monitoring.dashboard.dashboardName);
    if (this.email.identity) {
      output(
        StackOutput.dkimRecords,
        this.email.dkimRecords.map((r) => `${r.name} CNAME ${r.value}`).join(' ; '),
        'Publish these DKIM CNAME records in the domain DNS; SES verifies the domain once they resolve',
      );
    }
  }
}
