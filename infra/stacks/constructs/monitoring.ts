import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly resourcePrefix: string;
  readonly customerQueue: sqs.IQueue;
  readonly customerDlq: sqs.IQueue;
  readonly ingestDlq: sqs.IQueue;
  readonly invalidEvents: sqs.IQueue;
  readonly processor: lambda.IFunction;
  readonly router: lambda.IFunction;
  /** Alarm when the oldest customer message is older than this. */
  readonly maxMessageAge: Duration;
  /** Optional address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
}

/** Alarms on what loses or delays customer events, all published to one SNS topic. */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${props.resourcePrefix} alarms`,
      enforceSSL: true,
      // Not KMS-encrypted: alarm notifications carry alarm names and metric values, no customer
      // data, and CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    const action = new SnsAction(this.topic);
    const add = (alarmId: string, props: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, props);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
      return alarm;
    };
    const oneMinute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);

    add('CustomerDlqDepth', {
      alarmDescription:
        'Customer messages failed processing repeatedly and are in the customer DLQ. Inspect, fix, then redrive.',
      metric: props.customerDlq.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add('IngestDlqDepth', {
      alarmDescription:
        'Customer events did not reach the customer queue (rule delivery or router failures) and are in the ingest DLQ.',
      metric: props.ingestDlq.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add('InvalidEventsDepth', {
      alarmDescription:
        'Producers sent events that failed validation; they are kept with their reason in the invalid-events queue.',
      metric: props.invalidEvents.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add('ProcessorErrors', {
      alarmDescription: 'The processor Lambda failed invocations (whole batches failed or timed out).',
      metric: props.processor.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add('RouterErrors', {
      alarmDescription: 'The router Lambda failed to forward customer events to the customer queue.',
      metric: props.router.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add('CustomerQueueAge', {
      alarmDescription: `The oldest customer message waited more than ${props.maxMessageAge.toSeconds()} s: processing is stuck or falling behind.`,
      metric: props.customerQueue.metricApproximateAgeOfOldestMessage({
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: props.maxMessageAge.toSeconds(),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
