import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.js';

export interface MessagingProps {
  readonly resourcePrefix: string;
  /** Visibility timeout of the customer queue; at least six times the processor's timeout. */
  readonly customerQueueVisibilityTimeout: Duration;
  /** Receives before a customer message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/**
 * The bus and the queues.
 *
 * - `bus`: the careflow event bus that producers put customer events on.
 * - `customerQueue`: SQS FIFO, one message group per customer, so each customer's events and
 *   wake-ups are processed in order, one at a time. Content-based deduplication is on because
 *   EventBridge Scheduler cannot set a deduplication id on a FIFO target. High-throughput
 *   mode (deduplication and throughput per message group) since every customer is a group.
 * - `customerDlq`: FIFO dead-letter queue of the customer queue.
 * - `ingestDlq`: standard dead-letter queue for events that never reached the customer queue
 *   (rule target delivery failures and router invocations that failed after retries).
 * - `invalidEvents`: standard queue where the router keeps events that fail their schema,
 *   each with the reason, so bad input is visible and nothing is silently dropped.
 * - `wakeDlq`: standard dead-letter queue of the wake-up schedules (EventBridge Scheduler
 *   accepts no FIFO queue as a DLQ); it receives wakes Scheduler could not deliver.
 * - `sesEventsDlq`: standard dead-letter queue of the SES event rules (forwarding from the
 *   default bus, and delivery to the feedback function).
 *
 * `npm run redrive` (infra/ops/redrive.ts) moves messages from each dead-letter queue back.
 *
 * All queues: SSE with SQS-managed keys, TLS required.
 */
export class Messaging extends Construct {
  readonly bus: events.EventBus;
  readonly customerQueue: sqs.Queue;
  readonly customerDlq: sqs.Queue;
  readonly ingestDlq: sqs.Queue;
  readonly invalidEvents: sqs.Queue;
  readonly wakeDlq: sqs.Queue;
  readonly sesEventsDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.resourcePrefix,
      description: 'careflow customer events: producers put events here, careflow emits its own',
    });

    this.customerDlq = new sqs.Queue(this, 'CustomerDlq', {
      fifo: true,
      contentBasedDeduplication: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.customerQueue = new sqs.Queue(this, 'CustomerQueue', {
      fifo: true,
      contentBasedDeduplication: true,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.customerQueueVisibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.customerDlq, maxReceiveCount: props.maxReceiveCount },
    });

    this.ingestDlq = new sqs.Queue(this, 'IngestDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.ingestDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: of the EventBridge rule target and the on-failure destination of the router Lambda (neither is an SQS redrive policy, which is all the rule looks for).',
    );

    this.invalidEvents = new sqs.Queue(this, 'InvalidEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.invalidEvents,
      'AwsSolutions-SQS3',
      'A parking queue, like a dead-letter queue: the router puts events that fail validation here with their reason; operators read it (an alarm fires on depth). Nothing consumes it automatically, so a DLQ behind it would never receive anything.',
    );

    this.wakeDlq = new sqs.Queue(this, 'WakeDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.wakeDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: of the EventBridge Scheduler wake-up schedules (a schedule DeadLetterConfig, not an SQS redrive policy, which is all the rule looks for).',
    );

    this.sesEventsDlq = new sqs.Queue(this, 'SesEventsDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.sesEventsDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: of the EventBridge rules that forward and deliver SES events (rule target DLQs, not an SQS redrive policy, which is all the rule looks for).',
    );
  }
}
