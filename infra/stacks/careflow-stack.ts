import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { customerEventRoute } from '../routes.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Email } from './constructs/email.js';
import { Functions, processorTimeout } from './constructs/functions.js';
import { Messaging } from './constructs/messaging.js';
import { Monitoring } from './constructs/monitoring.js';
import { Routing } from './constructs/routing.js';
import { Scheduling } from './constructs/scheduling.js';

export interface CareflowStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, ...): prefixes resource names and tags everything. */
  readonly stage: string;
  /** From address of careflow's email; it or its domain must be verified in SES. */
  readonly senderEmail: string;
  /** Base URL of survey and unsubscribe links. @default the HTTP API's endpoint */
  readonly publicBaseUrl?: string;
  /** Days to keep message logs and processed-event markers. @default 180 */
  readonly retentionDays?: number;
  /** Retention of the Lambda and API access logs. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Address subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** Active X-Ray tracing on the Lambdas. @default false */
  readonly tracing?: boolean;
  /** Throttling of the HTTP API's default stage. @default 50 requests/s, burst 100 */
  readonly apiRateLimit?: number;
  readonly apiBurstLimit?: number;
}

const stagePattern = /^[a-z][a-z0-9-]{0,19}$/;
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const defaultRetentionDays = 180;

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
  const retentionDays = props.retentionDays ?? defaultRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`careflow:retentionDays must be a positive whole number of days: got '${retentionDays}'`);
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
    // Logs of throw-away stages go with the stack; production keeps them (they expire anyway).
    const logRemovalPolicy = isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    Tags.of(this).add('app', 'careflow');
    Tags.of(this).add('careflow:stage', props.stage);

    this.data = new Data(this, 'Data', { resourcePrefix, deletionProtection: isProduction });
    this.messaging = new Messaging(this, 'Messaging', {
      resourcePrefix,
      customerQueueVisibilityTimeout: Duration.seconds(processorTimeout.toSeconds() * 6),
      maxReceiveCount: 5,
    });
    this.scheduling = new Scheduling(this, 'Scheduling', {
      resourcePrefix,
      customerQueue: this.messaging.customerQueue,
    });
    this.email = new Email(this, 'Email', { resourcePrefix, senderEmail: props.senderEmail });

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
    });

    this.routing = new Routing(this, 'Routing', {
      bus: this.messaging.bus,
      route: customerEventRoute,
      router: this.functions.router.fn,
      deadLetterQueue: this.messaging.ingestDlq,
    });

    this.api = new Api(this, 'Api', {
      resourcePrefix,
      surveyFunction: this.functions.survey.fn,
      adminFunction: this.functions.api.fn,
      rateLimit: props.apiRateLimit ?? 50,
      burstLimit: props.apiBurstLimit ?? 100,
      logRetention,
      logRemovalPolicy,
    });
    this.functions.setPublicBaseUrl(props.publicBaseUrl ?? this.api.url);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      resourcePrefix,
      customerQueue: this.messaging.customerQueue,
      customerDlq: this.messaging.customerDlq,
      ingestDlq: this.messaging.ingestDlq,
      invalidEvents: this.messaging.invalidEvents,
      processor: this.functions.processor.fn,
      router: this.functions.router.fn,
      maxMessageAge: Duration.minutes(15),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    new CfnOutput(this, 'EventBusName', {
      value: this.messaging.bus.eventBusName,
      description: 'Producers put customer events on this bus',
    });
    new CfnOutput(this, 'EventBusArn', { value: this.messaging.bus.eventBusArn });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'AdminInvokeArn', {
      value: this.api.httpApi.arnForExecuteApi('GET', '/customers/*/messages', '$default'),
      description: 'Grant execute-api:Invoke on this ARN to admin callers (SigV4)',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'CustomerDlqUrl', {
      value: this.messaging.customerDlq.queueUrl,
      description: 'Customer messages that failed processing; redrive after a fix',
    });
    new CfnOutput(this, 'IngestDlqUrl', {
      value: this.messaging.ingestDlq.queueUrl,
      description: 'Events that never reached the customer queue',
    });
    new CfnOutput(this, 'InvalidEventsQueueUrl', {
      value: this.messaging.invalidEvents.queueUrl,
      description: 'Events that failed validation, each with its reason',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
  }
}
