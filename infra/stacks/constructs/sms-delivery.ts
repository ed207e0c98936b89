import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { providerMessageIdIndex } from '../../../shared/adapters/dynamodb/keys.js';
import { Env } from '../../../shared/config/env.js';
import { acknowledgeNag, asNagNames } from '../nag.js';
import { CareflowFunction, type CareflowFunctionProps } from './careflow-function.js';

/** The log groups SNS writes SMS delivery status to, in the stack's account and region. */
export const smsDeliveryLogGroupNames = (stack: Stack): { success: string; failure: string } => {
  const success = `sns/${stack.region}/${stack.account}/DirectPublishToPhoneNumber`;
  return { success, failure: `${success}/Failure` };
};

export interface SmsDeliveryProps {
  readonly resourcePrefix: string;
  readonly table: dynamodb.ITable;
  /** Where `SMS Undelivered` goes, for journeys to act on. */
  readonly bus: events.IEventBus;
  readonly retentionDays: number;
  /** Retention of the two SNS log groups: they hold phone numbers, so they must expire. */
  readonly logRetention: logs.RetentionDays;
  /** What every careflow function shares (log retention, tracing, metrics namespace, …). */
  readonly functionDefaults: Pick<
    CareflowFunctionProps,
    'logRetention' | 'logRemovalPolicy' | 'tracing' | 'metricsNamespace' | 'platformLogs'
  >;
}

/**
 * SMS delivery status (decision 0081). SNS reports what became of an SMS only by writing one
 * record per message to CloudWatch Logs, with a role it assumes, once the account's SMS attribute
 * `DeliveryStatusIAMRole` names that role (an account setting: docs/operations.md). This construct
 * makes:
 *
 * - the role SNS assumes, which may write only to the two SMS delivery log groups;
 * - the two log groups, with a retention (CDK's LogRetention resource creates a group SNS has not
 *   created yet and sets the retention of one it has), so the subscriptions exist at deploy time;
 * - a subscription filter on each, feeding the sms-delivery function, which may read the
 *   provider-message-id index and update message and suppression items, and nothing else;
 * - the dead-letter queue of that function's asynchronous invocations (`npm run redrive -- --queue
 *   sms` hands what it keeps to the function again).
 */
export class SmsDelivery extends Construct {
  readonly deliveryStatusRole: iam.Role;
  readonly handler: CareflowFunction;
  /** Batches of delivery records the function still failed on after Lambda's two retries. */
  readonly deadLetterQueue: sqs.Queue;
  readonly logGroupNames: { success: string; failure: string };

  constructor(scope: Construct, id: string, props: SmsDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroupNames = smsDeliveryLogGroupNames(stack);
    const names = [this.logGroupNames.success, this.logGroupNames.failure];
    const logGroupArn = (name: string) =>
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });

    this.deliveryStatusRole = new iam.Role(this, 'DeliveryStatusRole', {
      description: `${props.resourcePrefix}: SNS writes SMS delivery status to CloudWatch Logs`,
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.deliveryStatusRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteSmsDeliveryStatus',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: names.flatMap((name) => [logGroupArn(name), `${logGroupArn(name)}:*`]),
      }),
    );
    // The finding names each resource as the policy has it: `<AWS::Region>` and the like in an
    // environment-agnostic stack, the account and region themselves in a pinned one.
    const streamsFinding = (name: string): `AwsSolutions-${string}` =>
      `AwsSolutions-IAM5[Resource::${asNagNames(this, `${logGroupArn(name)}:*`)}]`;
    acknowledgeNag(
      this.deliveryStatusRole,
      streamsFinding(this.logGroupNames.success),
      'SNS names the log streams of its SMS delivery log group itself; the role may write to the streams of that one log group only.',
    );
    acknowledgeNag(
      this.deliveryStatusRole,
      streamsFinding(this.logGroupNames.failure),
      'SNS names the log streams of its SMS failure log group itself; the role may write to the streams of that one log group only.',
    );

    this.handler = new CareflowFunction(this, 'Function', {
      ...props.functionDefaults,
      entry: 'functions/sms-delivery/handler.ts',
      description:
        'SNS SMS delivery status logs: message status in the contact history, suppressions, SMS Undelivered on the bus',
      serviceName: `${props.resourcePrefix}-sms-delivery`,
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: {
        [Env.tableName]: props.table.tableName,
        [Env.retentionDays]: String(props.retentionDays),
        [Env.eventBusName]: props.bus.eventBusName,
      },
    });
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindMessageByProviderId',
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${providerMessageIdIndex}`],
      }),
    );
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RecordStatusAndSuppress',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    // The run of the message, for the correlation fields of `SMS Undelivered` (one customer Query).
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheRun',
        actions: ['dynamodb:Query'],
        resources: [props.table.tableArn],
      }),
    );
    props.bus.grantPutEventsTo(this.handler.fn);
    // CloudWatch Logs invokes it asynchronously; a batch that failed after the retries is kept,
    // with its records (and so phone numbers), until it is redriven or its retention ends.
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      "This queue is itself a dead-letter queue: the on-failure destination of the sms-delivery function's asynchronous invocations, not an SQS redrive policy, which is all the rule looks for.",
    );
    this.handler.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    const destination = new LambdaDestination(this.handler.fn);
    for (const [key, name] of [
      ['Success', this.logGroupNames.success],
      ['Failure', this.logGroupNames.failure],
    ] as const) {
      // Creates the group if SNS has not yet, sets the retention if it has; kept on stack deletion
      // (the group belongs to the account's SMS, not to this stack).
      const retention = new logs.LogRetention(this, `${key}LogGroup`, {
        logGroupName: name,
        retention: props.logRetention,
      });
      const group = logs.LogGroup.fromLogGroupName(this, `${key}Logs`, name);
      const filter = new logs.SubscriptionFilter(this, `${key}Subscription`, {
        logGroup: group,
        destination,
        filterPattern: logs.FilterPattern.allEvents(),
        filterName: `${props.resourcePrefix}-sms-delivery`,
      });
      filter.node.addDependency(retention);
    }
    // CDK's LogRetention function, one per stack, created with the first LogRetention above.
    const logRetentionFunction = stack.node.tryFindChild(LOG_RETENTION_SINGLETON);
    if (logRetentionFunction) {
      acknowledgeNag(
        logRetentionFunction,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's own LogRetention provider (creates the SNS SMS log groups if missing and sets their retention) writes its logs with the basic execution policy; it runs only on deploy.",
      );
      acknowledgeNag(
        logRetentionFunction,
        'AwsSolutions-IAM5[Resource::*]',
        "CDK's own LogRetention provider sets the retention of log groups named at deploy time; CDK grants logs:PutRetentionPolicy/DeleteRetentionPolicy without a resource scope. It runs only on deploy.",
      );
    }
  }
}

/** The construct id CDK gives its LogRetention provider function in a stack. */
const LOG_RETENTION_SINGLETON = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';
