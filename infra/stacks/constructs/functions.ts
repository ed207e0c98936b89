import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROCESSOR_TIMEOUT_SECONDS } from '../../../functions/processor/time-budget.js';
import { Env } from '../../../shared/config/env.js';
import { acknowledgeNag, asNagNames } from '../nag.js';
import { CareflowFunction } from './careflow-function.js';
import type { Data } from './data.js';
import type { Email } from './email.js';
import type { Messaging } from './messaging.js';
import type { Scheduling } from './scheduling.js';

/**
 * Processor timeout; the customer queue's visibility timeout is six times this. The processor
 * starts a record only with 23 s left (one SMS's two provider calls at their timeout, and its
 * table calls: functions/processor/time-budget.ts), so 60 s guarantees each customer of a batch
 * two records per invocation even when the providers hang.
 */
export const processorTimeout = Duration.seconds(PROCESSOR_TIMEOUT_SECONDS);

export interface FunctionsProps {
  readonly resourcePrefix: string;
  readonly data: Data;
  readonly messaging: Messaging;
  readonly scheduling: Scheduling;
  readonly email: Email;
  readonly retentionDays: number;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly tracing: boolean;
  /** Journey defaults the processor applies where a journey sets none (names in shared/config/env.ts). */
  readonly limits: SendingLimits;
  /** Most concurrent processor invocations the customer queue may drive. @default no limit */
  readonly processorMaxConcurrency?: number;
  /** CloudWatch namespace of careflow's own metrics (EMF). */
  readonly metricsNamespace: string;
  /** Keep Lambda's START/END/REPORT log records. @default false */
  readonly platformLogs?: boolean;
  /** How the processor sends SMS through SNS; without it there is no SMS channel. */
  readonly sms?: SmsSettings;
  /** Days a retired link-signing key still verifies links. */
  readonly linkKeyGraceDays: number;
}

/** SMS origination, passed to the processor (names in shared/config/env.ts). */
export interface SmsSettings {
  /** Alphanumeric sender id (1-11 characters). */
  readonly senderId?: string;
  /** Origination number (E.164) or its ARN, from AWS End User Messaging SMS. */
  readonly originationNumber?: string;
}

/** Defaults of the contact-point rules, passed to the processor as environment variables. */
export interface SendingLimits {
  /** `N/<ISO duration>`, e.g. `3/P7D`. */
  readonly frequencyCap: string;
  /** `HH:MM-HH:MM` in the customer's time zone, e.g. `21:00-08:00`. */
  readonly quietHours: string;
  /** IANA zone for customers without one. */
  readonly defaultTimeZone: string;
}

/** A DynamoDB action, without its `dynamodb:` prefix. */
export type TableAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchWriteItem';

/**
 * The DynamoDB actions each function's adapters call (shared/adapters/wiring/*), on the table
 * only: no function but sms-delivery queries the index, and that one is granted in its own
 * construct. A TransactWriteItems needs the action of each of its parts.
 */
export const tableActions = {
  // Customer state, journey versions and the catalog, templates, message log (claim, settle,
  // release), suppressions, contact and entry counters, journey figures.
  processor: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
  // The customer's state (is the answer still allowed), then the answer in one UpdateItem.
  survey: ['Query', 'UpdateItem'],
  // The customer's state, to show the current choice; the request, kept in one UpdateItem until
  // the processor has applied it to the profile.
  unsubscribe: ['Query', 'UpdateItem'],
  // Message status (update, or read after a lost race), suppressions, journey figures, and the
  // customer's state for the correlation fields of the events it emits.
  feedback: ['GetItem', 'Query', 'UpdateItem'],
  // Journeys (publishing writes the current version and its trigger item in a transaction
  // that checks the current item), drafts, templates, suppressions, figures, customer export
  // and erasure (BatchWriteItem deletes the customer's items).
  api: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'BatchWriteItem'],
} as const satisfies Record<string, readonly TableAction[]>;

/** Allows exactly `actions` on the table itself (not its indexes). */
const grantTable = (fn: CareflowFunction, table: dynamodb.ITable, actions: readonly TableAction[]): void => {
  fn.role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'Table',
      actions: actions.map((action) => `dynamodb:${action}`),
      resources: [table.tableArn],
    }),
  );
};

/**
 * The Lambdas and exactly the permissions each needs:
 *
 * - router: send to the customer queue and the invalid-events queue.
 * - processor: consume the customer queue; the table actions of `tableActions.processor`; put
 *   events on the bus; create/delete schedules in the careflow group and pass the scheduler
 *   role; send email from the sender identity with the configuration set; read the signing
 *   key; with SMS configured, publish SMS through SNS.
 * - survey: query the table and update answers; put events on the bus; read the signing key.
 * - unsubscribe: query the table and keep the request (one item in the customer's partition);
 *   put events on the bus (the processor applies the choice); read the signing key.
 * - feedback: read and update the table (message status, suppressions, figures); put events
 *   on the bus; keep invalid SES events on the invalid-events queue.
 * - api (admin): the table actions of `tableActions.api` (journeys, drafts, templates,
 *   export and erasure); send test email.
 */
export class Functions extends Construct {
  readonly router: CareflowFunction;
  readonly processor: CareflowFunction;
  readonly survey: CareflowFunction;
  readonly unsubscribe: CareflowFunction;
  readonly feedback: CareflowFunction;
  readonly api: CareflowFunction;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { data, messaging, scheduling, email } = props;
    const common = {
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      tracing: props.tracing,
      metricsNamespace: props.metricsNamespace,
      platformLogs: props.platformLogs ?? false,
    };
    const table = {
      [Env.tableName]: data.table.tableName,
      [Env.retentionDays]: String(props.retentionDays),
    };

    this.router = new CareflowFunction(this, 'Router', {
      ...common,
      entry: 'functions/router/handler.ts',
      description: 'Forwards each customer event to the FIFO customer queue, grouped by customerId',
      serviceName: `${props.resourcePrefix}-router`,
      memorySize: 256,
      environment: {
        [Env.customerQueueUrl]: messaging.customerQueue.queueUrl,
        [Env.invalidEventsQueueUrl]: messaging.invalidEvents.queueUrl,
      },
    });
    messaging.customerQueue.grantSendMessages(this.router.fn);
    messaging.invalidEvents.grantSendMessages(this.router.fn);
    // EventBridge invokes the router asynchronously: after Lambda's own retries, the event
    // lands in the ingest DLQ together with the error.
    this.router.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(messaging.ingestDlq),
    });

    const sms = props.sms ?? {};
    this.processor = new CareflowFunction(this, 'Processor', {
      ...common,
      entry: 'functions/processor/handler.ts',
      description: 'Processes customer events and wake-ups, one customer at a time',
      serviceName: `${props.resourcePrefix}-processor`,
      // It waits on DynamoDB, SES and Scheduler; a few ms of CPU per record (docs/benchmarks.md).
      memorySize: 512,
      timeout: processorTimeout,
      environment: {
        ...table,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.customerQueueUrl]: messaging.customerQueue.queueUrl,
        [Env.customerQueueArn]: messaging.customerQueue.queueArn,
        [Env.schedulerGroupName]: scheduling.group.scheduleGroupName,
        [Env.schedulerRoleArn]: scheduling.role.roleArn,
        [Env.wakeDlqArn]: messaging.wakeDlq.queueArn,
        [Env.sesConfigurationSet]: email.configurationSet.configurationSetName,
        [Env.senderEmail]: email.senderEmail,
        [Env.signingSecretArn]: data.signingSecret.secretArn,
        [Env.linkKeyGraceDays]: String(props.linkKeyGraceDays),
        [Env.frequencyCap]: props.limits.frequencyCap,
        [Env.quietHours]: props.limits.quietHours,
        [Env.defaultTimeZone]: props.limits.defaultTimeZone,
        ...(sms.senderId ? { [Env.smsSenderId]: sms.senderId } : {}),
        ...(sms.originationNumber ? { [Env.smsOriginationNumber]: sms.originationNumber } : {}),
      },
    });
    this.processor.fn.addEventSource(
      new SqsEventSource(messaging.customerQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        ...(props.processorMaxConcurrency ? { maxConcurrency: props.processorMaxConcurrency } : {}),
      }),
    );
    grantTable(this.processor, data.table, tableActions.processor);
    messaging.bus.grantPutEventsTo(this.processor.fn);
    scheduling.grantManageSchedules(this.processor.fn);
    acknowledgeNag(
      this.processor.role,
      `AwsSolutions-IAM5[Resource::${asNagNames(this, scheduling.schedulesArn)}]`,
      'Wake-up schedules get deterministic names at run time (instance and step), so CreateSchedule/DeleteSchedule must cover the schedules of the careflow schedule group - and only that group.',
    );
    email.grantSend(this.processor.fn);
    data.signingSecret.grantRead(this.processor.fn);
    if (sms.senderId || sms.originationNumber) {
      this.processor.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'SendSms',
          actions: ['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut'],
          // A publish to a phone number has no resource ARN to scope it to.
          resources: ['*'],
        }),
      );
      acknowledgeNag(
        this.processor.role,
        'AwsSolutions-IAM5[Resource::*]',
        'SNS Publish to a phone number (direct SMS) and CheckIfPhoneNumberIsOptedOut have no resource to scope to; granted only when SMS is configured, and the processor publishes to no topic.',
      );
    }

    this.survey = new CareflowFunction(this, 'Survey', {
      ...common,
      entry: 'functions/survey/handler.ts',
      description: 'Public survey pages: GET and POST /surveys/{token}',
      serviceName: `${props.resourcePrefix}-survey`,
      environment: {
        ...table,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.signingSecretArn]: data.signingSecret.secretArn,
        [Env.linkKeyGraceDays]: String(props.linkKeyGraceDays),
      },
    });
    grantTable(this.survey, data.table, tableActions.survey);
    messaging.bus.grantPutEventsTo(this.survey.fn);
    data.signingSecret.grantRead(this.survey.fn);

    this.unsubscribe = new CareflowFunction(this, 'Unsubscribe', {
      ...common,
      entry: 'functions/unsubscribe/handler.ts',
      description: 'Public unsubscribe pages and one-click unsubscribe: GET and POST /unsubscribe/{token}',
      serviceName: `${props.resourcePrefix}-unsubscribe`,
      memorySize: 256,
      environment: {
        ...table,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.signingSecretArn]: data.signingSecret.secretArn,
        [Env.linkKeyGraceDays]: String(props.linkKeyGraceDays),
      },
    });
    grantTable(this.unsubscribe, data.table, tableActions.unsubscribe);
    messaging.bus.grantPutEventsTo(this.unsubscribe.fn);
    data.signingSecret.grantRead(this.unsubscribe.fn);

    this.feedback = new CareflowFunction(this, 'Feedback', {
      ...common,
      entry: 'functions/feedback/handler.ts',
      description:
        'SES events (delivery, bounce, complaint, open, click): message status, suppressions, journey events',
      serviceName: `${props.resourcePrefix}-feedback`,
      memorySize: 256,
      environment: {
        ...table,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.invalidEventsQueueUrl]: messaging.invalidEvents.queueUrl,
      },
    });
    grantTable(this.feedback, data.table, tableActions.feedback);
    messaging.bus.grantPutEventsTo(this.feedback.fn);
    messaging.invalidEvents.grantSendMessages(this.feedback.fn);
    // EventBridge invokes it asynchronously: after Lambda's retries the event goes to the SES events DLQ.
    this.feedback.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(messaging.sesEventsDlq),
    });

    this.api = new CareflowFunction(this, 'Api', {
      ...common,
      entry: 'functions/api/handler.ts',
      description: 'Admin API (IAM-authorized): journeys, drafts, templates, test sends, figures, customers',
      serviceName: `${props.resourcePrefix}-api`,
      environment: {
        ...table,
        [Env.sesConfigurationSet]: email.configurationSet.configurationSetName,
        [Env.senderEmail]: email.senderEmail,
      },
    });
    grantTable(this.api, data.table, tableActions.api);
    // Test sends of a template to an operator's address.
    email.grantSend(this.api.fn);
  }

  /** Every function with a short name (alarm ids, dashboard labels). */
  get all(): { name: string; fn: CareflowFunction }[] {
    return [
      { name: 'Router', fn: this.router },
      { name: 'Processor', fn: this.processor },
      { name: 'Survey', fn: this.survey },
      { name: 'Unsubscribe', fn: this.unsubscribe },
      { name: 'Feedback', fn: this.feedback },
      { name: 'Api', fn: this.api },
    ];
  }

  /**
   * The functions that read the link-signing key, those that only verify links first: a key
   * rotation restarts them in this order, so none meets a link signed with a key it does not know.
   */
  get linkKeyReaders(): lambda.IFunction[] {
    return [this.survey.fn, this.unsubscribe.fn, this.processor.fn];
  }

  /** Sets the base URL of survey and unsubscribe links on the functions that build or check them. */
  setPublicBaseUrl(url: string): void {
    this.processor.fn.addEnvironment(Env.publicBaseUrl, url);
    this.survey.fn.addEnvironment(Env.publicBaseUrl, url);
    this.unsubscribe.fn.addEnvironment(Env.publicBaseUrl, url);
  }
}
