import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Env } from '../../../shared/config/env.js';
import { acknowledgeNag } from '../nag.js';
import { CareflowFunction } from './careflow-function.js';
import type { Data } from './data.js';
import type { Email } from './email.js';
import type { Messaging } from './messaging.js';
import type { Scheduling } from './scheduling.js';

/** Processor timeout; the customer queue's visibility timeout is six times this. */
export const processorTimeout = Duration.seconds(30);

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

/**
 * The four Lambdas and exactly the permissions each needs:
 *
 * - router: send to the customer queue and the invalid-events queue.
 * - processor: consume the customer queue; read/write the table; put events on the bus;
 *   create/delete schedules in the careflow group and pass the scheduler role; send email
 *   from the sender identity with the configuration set; read the signing key.
 * - survey: read/write the table; put events on the bus; read the signing key.
 * - api: read the table.
 */
export class Functions extends Construct {
  readonly router: CareflowFunction;
  readonly processor: CareflowFunction;
  readonly survey: CareflowFunction;
  readonly api: CareflowFunction;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { data, messaging, scheduling, email } = props;
    // The composition root (shared/adapters/compose.ts) builds every adapter at cold start and
    // insists on these names even where a function never schedules a wake. They are names, not
    // permissions: the survey and api roles get no scheduler or queue rights.
    const composeNames = {
      [Env.customerQueueArn]: messaging.customerQueue.queueArn,
      [Env.schedulerGroupName]: scheduling.group.scheduleGroupName,
      [Env.schedulerRoleArn]: scheduling.role.roleArn,
    };
    const common = {
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      tracing: props.tracing,
      metricsNamespace: props.metricsNamespace,
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

    this.processor = new CareflowFunction(this, 'Processor', {
      ...common,
      entry: 'functions/processor/handler.ts',
      description: 'Processes customer events and wake-ups, one customer at a time',
      serviceName: `${props.resourcePrefix}-processor`,
      memorySize: 1024,
      timeout: processorTimeout,
      environment: {
        [Env.tableName]: data.table.tableName,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.customerQueueUrl]: messaging.customerQueue.queueUrl,
        [Env.customerQueueArn]: messaging.customerQueue.queueArn,
        [Env.schedulerGroupName]: scheduling.group.scheduleGroupName,
        [Env.schedulerRoleArn]: scheduling.role.roleArn,
        [Env.sesConfigurationSet]: email.configurationSet.configurationSetName,
        [Env.senderEmail]: email.senderEmail,
        [Env.signingSecretArn]: data.signingSecret.secretArn,
        [Env.retentionDays]: String(props.retentionDays),
        [Env.wakeDlqArn]: messaging.wakeDlq.queueArn,
        [Env.frequencyCap]: props.limits.frequencyCap,
        [Env.quietHours]: props.limits.quietHours,
        [Env.defaultTimeZone]: props.limits.defaultTimeZone,
      },
    });
    this.processor.fn.addEventSource(
      new SqsEventSource(messaging.customerQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        ...(props.processorMaxConcurrency ? { maxConcurrency: props.processorMaxConcurrency } : {}),
      }),
    );
    data.table.grantReadWriteData(this.processor.fn);
    messaging.bus.grantPutEventsTo(this.processor.fn);
    scheduling.grantManageSchedules(this.processor.fn);
    acknowledgeNag(
      this.processor.role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${scheduling.group.scheduleGroupName}/*]`,
      'Wake-up schedules get deterministic names at run time (instance and step), so CreateSchedule/DeleteSchedule must cover the schedules of the careflow schedule group - and only that group.',
    );
    email.grantSend(this.processor.fn);
    data.signingSecret.grantRead(this.processor.fn);

    this.survey = new CareflowFunction(this, 'Survey', {
      ...common,
      entry: 'functions/survey/handler.ts',
      description: 'Public survey pages: GET and POST /surveys/{token}',
      serviceName: `${props.resourcePrefix}-survey`,
      environment: {
        [Env.tableName]: data.table.tableName,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.signingSecretArn]: data.signingSecret.secretArn,
        [Env.retentionDays]: String(props.retentionDays),
        ...composeNames,
      },
    });
    data.table.grantReadWriteData(this.survey.fn);
    messaging.bus.grantPutEventsTo(this.survey.fn);
    data.signingSecret.grantRead(this.survey.fn);

    this.api = new CareflowFunction(this, 'Api', {
      ...common,
      entry: 'functions/api/handler.ts',
      description: 'Admin API (IAM-authorized): GET /customers/{customerId}/messages',
      serviceName: `${props.resourcePrefix}-api`,
      environment: {
        [Env.tableName]: data.table.tableName,
        [Env.eventBusName]: messaging.bus.eventBusName,
        [Env.retentionDays]: String(props.retentionDays),
        ...composeNames,
      },
    });
    data.table.grantReadData(this.api.fn);
  }

  /** Every function with a short name (alarm ids, dashboard labels). */
  get all(): { name: string; fn: CareflowFunction }[] {
    return [
      { name: 'Router', fn: this.router },
      { name: 'Processor', fn: this.processor },
      { name: 'Survey', fn: this.survey },
      { name: 'Api', fn: this.api },
    ];
  }

  /** Sets the base URL of survey and unsubscribe links on the functions that build or check them. */
  setPublicBaseUrl(url: string): void {
    this.processor.fn.addEnvironment(Env.publicBaseUrl, url);
    this.survey.fn.addEnvironment(Env.publicBaseUrl, url);
  }
}
