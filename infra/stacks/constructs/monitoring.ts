import { CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { MetricDimension, MetricName } from '../../../shared/adapters/observability.js';

/** A queue whose every message means something was not processed: alarmed from the first one. */
export interface WatchedQueue {
  /** Construct id of the alarm, e.g. `CustomerDlqDepth`. */
  readonly id: string;
  /** Title on the dashboard. */
  readonly title: string;
  readonly queue: sqs.IQueue;
  /** What a message there means and what to do (the alarm description). */
  readonly meaning: string;
}

export interface WatchedFunction {
  readonly name: string;
  readonly fn: lambda.IFunction;
}

export interface MonitoringProps {
  readonly resourcePrefix: string;
  readonly customerQueue: sqs.IQueue;
  /** Dead-letter and parking queues. */
  readonly deadLetterQueues: readonly WatchedQueue[];
  readonly functions: readonly WatchedFunction[];
  /** The processor, whose custom metrics (EMF) drive the processing error rate. */
  readonly processorServiceName: string;
  /** The processor's log group: its ERROR lines about journeys left out become a metric. */
  readonly processorLogGroup: logs.ILogGroup;
  readonly metricsNamespace: string;
  readonly configurationSetName: string;
  /** Alarm when the oldest customer message is older than this. */
  readonly maxMessageAge: Duration;
  /** The wake-up schedules' group: a wake-up Scheduler could not put in its DLQ is lost. */
  readonly scheduleGroup: scheduler.IScheduleGroup;
  /** Optional address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** With SMS on: the monthly SMS budget (USD) and the fraction of it that raises the alarm. */
  readonly smsSpend?: { readonly monthlyBudgetUsd: number; readonly alarmAt: number };
}

/** Thresholds, in one place, as the alarm descriptions and docs/operations.md state them. */
export const AlarmThresholds = {
  /** Percent of failed invocations of a function, in 3 of 5 one-minute periods. */
  functionErrorRatePercent: 5,
  /** Percent of customer-queue records that failed, in 3 of 5 one-minute periods. */
  processingErrorRatePercent: 5,
  /** SES account bounce rate (fraction): AWS reviews accounts from 5 %. */
  sesBounceRate: 0.05,
  /** SES account complaint rate (fraction): AWS reviews accounts from 0.1 %. */
  sesComplaintRate: 0.001,
  /** Throttled invocations of all careflow functions in five minutes. */
  throttles: 1,
  /** Journeys the engine left out because it cannot read them, in five minutes. */
  journeysLeftOut: 1,
} as const;

/** An EventBridge rule whose targets have a dead-letter queue, by a short name (alarm ids, labels). */
export interface DeadLetteringRule {
  readonly name: string;
  /** The rule's CloudFormation resource. */
  readonly rule: events.CfnRule;
}

/** Whether `value` (a rule's targets or an invoke config's destinations, resolved) names `key`. */
const names = (value: unknown, key: string): boolean =>
  Array.isArray(value)
    ? value.some((item) => names(item, key))
    : typeof value === 'object' && value !== null && key in value;

/** The CloudFormation resource of `type` that `construct` is, or has as its default child. */
const resourceOf = <T extends CfnResource>(
  construct: IConstruct | undefined,
  type: string,
): T | undefined => {
  const resource = construct?.node.defaultChild ?? construct;
  return CfnResource.isCfnResource(resource) && resource.cfnResourceType === type
    ? (resource as T)
    : undefined;
};

/**
 * The stack's EventBridge rules with a dead-letter queue on a target, named by their construct
 * path below the stack (`Routing/Rule` → `RoutingRule`).
 */
export const rulesWithDeadLetterQueues = (scope: IConstruct): DeadLetteringRule[] => {
  const stack = Stack.of(scope);
  return stack.node
    .findAll()
    .flatMap((c) => {
      const rule = resourceOf<events.CfnRule>(c, events.CfnRule.CFN_RESOURCE_TYPE_NAME);
      return rule && c !== rule ? [{ construct: c, rule }] : [];
    })
    .filter(({ rule }) => names(stack.resolve(rule.targets), 'deadLetterConfig'))
    .map(({ construct, rule }) => ({
      name: construct.node.scopes
        .slice(stack.node.scopes.length)
        .map((c) => c.node.id.replace(/[^A-Za-z0-9]/g, ''))
        .join(''),
      rule,
    }));
};

/** The functions whose asynchronous invocations have an on-failure destination (`configureAsyncInvoke`). */
export const functionsWithOnFailureDestinations = (
  functions: readonly WatchedFunction[],
): WatchedFunction[] =>
  functions.filter(({ fn }) => {
    const config = resourceOf<lambda.CfnEventInvokeConfig>(
      fn.node.tryFindChild('EventInvokeConfig'),
      lambda.CfnEventInvokeConfig.CFN_RESOURCE_TYPE_NAME,
    );
    return config !== undefined && names(Stack.of(fn).resolve(config.destinationConfig), 'onFailure');
  });

/**
 * EventBridge's failures to put an event in a rule's dead-letter queue. A rule on a custom bus
 * publishes its metrics with the bus name and rule name; one on the default bus with the rule
 * name alone.
 */
const failedToDeadLetter = ({ rule }: DeadLetteringRule): cloudwatch.Metric => {
  const busName = rule.eventBusName;
  const onDefaultBus = busName === undefined || busName === 'default';
  // A rule's Ref is its name on the default bus only; on another bus it is `<bus>|<rule>`.
  const named = typeof rule.name === 'string' && !Token.isUnresolved(rule.name) ? rule.name : undefined;
  const ruleName = onDefaultBus ? rule.ref : named;
  if (ruleName === undefined) {
    throw new Error(`${rule.node.path}: a rule on a custom bus needs a ruleName for its metrics`);
  }
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName: 'InvocationsFailedToBeSentToDlq',
    dimensionsMap: {
      RuleName: ruleName,
      ...(onDefaultBus ? {} : { EventBusName: busName }),
    },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(1),
  });
};

/** The processor's log line when the journey catalog cannot read a journey (shared/app/journey-catalog.ts). */
export const JOURNEY_LEFT_OUT_MESSAGE = 'journey left out: it cannot be read';

/** The metric a logged left-out journey counts in (the stack's metrics namespace). */
export const JOURNEYS_LEFT_OUT_METRIC = 'JourneysLeftOut';

const oneMinute = Duration.minutes(1);
const fiveMinutes = Duration.minutes(5);
const fifteenMinutes = Duration.minutes(15);

/**
 * Alarms on everything that loses, delays or endangers customer messages, published to one SNS
 * topic, and a dashboard of careflow's own metrics (EMF) next to the AWS ones.
 *
 * Alarms: depth of every dead-letter and parking queue (from the first message); every failed
 * delivery to a dead-letter place (EventBridge rules with a DLQ, and functions with an
 * on-failure destination, from the first failure); the age of the oldest customer message; the error rate of each function; the processing error rate
 * (records that failed inside a batch, which Lambda's own Errors metric does not count);
 * throttles; and the SES account's bounce and complaint rates.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

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
    const add = (alarmId: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${props.resourcePrefix}-${alarmId}`,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
      return alarm;
    };

    // --- Queues -------------------------------------------------------------------------
    const depth = (queue: sqs.IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      });
    for (const dlq of props.deadLetterQueues) {
      add(dlq.id, {
        alarmDescription: `${dlq.meaning} Inspect the messages, fix the cause, then redrive (docs/operations.md).`,
        metric: depth(dlq.queue),
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
    const oldestAge = props.customerQueue.metricApproximateAgeOfOldestMessage({
      period: oneMinute,
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    add('CustomerQueueAge', {
      alarmDescription: `The oldest customer message waited more than ${props.maxMessageAge.toSeconds()} s: processing is stuck or falling behind.`,
      metric: oldestAge,
      threshold: props.maxMessageAge.toSeconds(),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });

    // --- Dead-letter paths that fail themselves -------------------------------------------
    // A failed dead-letter delivery loses what failed: alarmed from the first one.
    const deadLetteringRules = rulesWithDeadLetterQueues(this);
    const dlqFailures: cloudwatch.IMetric[] = [];
    for (const watched of deadLetteringRules) {
      // Unlabelled in the alarm, which keeps it a plain metric alarm; labelled on the dashboard.
      const metric = failedToDeadLetter(watched);
      dlqFailures.push(metric.with({ label: watched.name }));
      add(`${watched.name}DlqDeliveryFailures`, {
        alarmDescription: `EventBridge could not put events of the ${watched.name} rule in its dead-letter queue (permissions, a missing queue or the size limit): those events are lost. Check the queue and its policy (docs/operations.md).`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
    const deadLetteringFunctions = functionsWithOnFailureDestinations(props.functions);
    for (const { name, fn } of deadLetteringFunctions) {
      const metric = fn.metric('DestinationDeliveryFailures', {
        statistic: cloudwatch.Stats.SUM,
        period: oneMinute,
      });
      dlqFailures.push(metric.with({ label: name }));
      add(`${name}DestinationDeliveryFailures`, {
        alarmDescription: `Lambda could not deliver failed asynchronous invocations of the ${name} function to its on-failure destination (permissions, a missing queue or the size limit): those events are lost. Check the queue and the function's role (docs/operations.md).`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
    const wakesLost = props.scheduleGroup.metricFailedToBeSentToDLQ(undefined, {
      statistic: cloudwatch.Stats.SUM,
      period: oneMinute,
    });
    dlqFailures.push(wakesLost.with({ label: 'WakeSchedules' }));
    add('WakeSchedulesDlqDeliveryFailures', {
      alarmDescription:
        'EventBridge Scheduler could not put wake-ups it failed to deliver in the wake-up DLQ (permissions, a missing queue or the size limit): those journey timers are lost. Check the queue and the scheduler role (docs/operations.md).',
      metric: wakesLost,
      threshold: 1,
      evaluationPeriods: 1,
    });
    // Monitoring is built last; a rule added after it would go unwatched, so synth says so.
    this.node.addValidation({
      validate: () =>
        rulesWithDeadLetterQueues(this)
          .filter(({ rule }) => !deadLetteringRules.some((watched) => watched.rule === rule))
          .map(
            ({ rule }) =>
              `${rule.node.path} has a dead-letter queue but no alarm: create it before Monitoring`,
          ),
    });

    // --- Functions ----------------------------------------------------------------------
    for (const { name, fn } of props.functions) {
      add(`${name}ErrorRate`, {
        alarmDescription: `More than ${AlarmThresholds.functionErrorRatePercent} % of the ${name} function's invocations failed in 3 of 5 minutes.`,
        metric: new cloudwatch.MathExpression({
          label: `${name} error rate (%)`,
          expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
          usingMetrics: {
            errors: fn.metricErrors({ period: oneMinute, statistic: cloudwatch.Stats.SUM }),
            invocations: fn.metricInvocations({ period: oneMinute, statistic: cloudwatch.Stats.SUM }),
          },
          period: oneMinute,
        }),
        threshold: AlarmThresholds.functionErrorRatePercent,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      });
    }
    const throttles = new cloudwatch.MathExpression({
      label: 'Throttled invocations (all functions)',
      expression: props.functions.map((_, i) => `t${i}`).join(' + '),
      usingMetrics: Object.fromEntries(
        props.functions.map(({ fn }, i) => [
          `t${i}`,
          fn.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        ]),
      ),
      period: fiveMinutes,
    });
    add('Throttles', {
      alarmDescription:
        'careflow functions were throttled (account concurrency exhausted or a concurrency limit reached). Queued work waits; HTTP callers get 429.',
      metric: throttles,
      threshold: AlarmThresholds.throttles,
      evaluationPeriods: 1,
    });

    // --- careflow's own metrics (EMF, see shared/adapters/observability.ts) -------------------
    const custom = (metricName: string, dimensions: Record<string, string> = {}, label?: string) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { [MetricDimension.service]: props.processorServiceName, ...dimensions },
        statistic: cloudwatch.Stats.SUM,
        period: oneMinute,
        ...(label ? { label } : {}),
      });
    const processedRecords = props.customerQueue.metricNumberOfMessagesDeleted({
      period: oneMinute,
      statistic: cloudwatch.Stats.SUM,
      label: 'records processed',
    });
    const processingErrorRate = new cloudwatch.MathExpression({
      label: 'Processing error rate (%)',
      expression: 'IF(failed + processed > 0, 100 * failed / (failed + processed), 0)',
      usingMetrics: {
        failed: custom(MetricName.errors),
        // A record is deleted from the customer queue once processed.
        processed: processedRecords,
      },
      period: oneMinute,
    });
    add('ProcessingErrorRate', {
      alarmDescription: `More than ${AlarmThresholds.processingErrorRatePercent} % of customer events and wake-ups failed in 3 of 5 minutes (they are retried, then dead-lettered). See the Errors metric by kind.`,
      metric: processingErrorRate,
      threshold: AlarmThresholds.processingErrorRatePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });

    // --- Journeys the engine cannot read (from the processor's log lines) ----------------
    // Powertools writes one JSON object per line, `{"level":"ERROR","message":…,"journey":…}`,
    // and Lambda's JSON log format passes it as it is.
    const leftOutFilter = new logs.MetricFilter(this, 'JourneysLeftOutFilter', {
      logGroup: props.processorLogGroup,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        logs.FilterPattern.stringValue('$.message', '=', JOURNEY_LEFT_OUT_MESSAGE),
      ),
      metricNamespace: props.metricsNamespace,
      metricName: JOURNEYS_LEFT_OUT_METRIC,
      metricValue: '1',
    });
    const journeysLeftOut = leftOutFilter.metric({
      statistic: cloudwatch.Stats.SUM,
      period: fiveMinutes,
      label: 'journeys left out',
    });
    add('JourneysLeftOut', {
      alarmDescription:
        'The engine left a published journey out because it cannot read the stored journey: customers are not entered into it and its waiting instances do not move on. Find the journey in the processor logs (message "journey left out: it cannot be read", field journey), then republish or archive it (docs/operations.md).',
      metric: journeysLeftOut,
      threshold: AlarmThresholds.journeysLeftOut,
      evaluationPeriods: 1,
    });

    // --- SES reputation (account level, published by SES) ------------------------------
    const ses = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: fifteenMinutes,
        label,
      });
    const configurationSet = { 'ses:configuration-set': props.configurationSetName };
    const bounceRate = ses('Reputation.BounceRate', 'Bounce rate');
    const complaintRate = ses('Reputation.ComplaintRate', 'Complaint rate');
    add('SesBounceRate', {
      alarmDescription:
        'The SES account bounce rate reached 5 %: AWS may put the account under review or pause sending. Check list hygiene and suppressed addresses.',
      metric: bounceRate,
      threshold: AlarmThresholds.sesBounceRate,
      evaluationPeriods: 1,
    });
    add('SesComplaintRate', {
      alarmDescription:
        'The SES account complaint rate reached 0.1 %: AWS may put the account under review or pause sending. Check consent, frequency caps and unsubscribe links.',
      metric: complaintRate,
      threshold: AlarmThresholds.sesComplaintRate,
      evaluationPeriods: 1,
    });

    // --- SMS spend (account level, published by SNS) -----------------------------------
    if (props.smsSpend) {
      const { monthlyBudgetUsd, alarmAt } = props.smsSpend;
      const thresholdUsd = Math.round(monthlyBudgetUsd * alarmAt * 100) / 100;
      add('SmsMonthlySpend', {
        alarmDescription: `SMS spend this month reached USD ${thresholdUsd} (${Math.round(alarmAt * 100)} % of the USD ${monthlyBudgetUsd} budget). At the account's SNS spend limit every SMS fails: raise the limit or pause SMS journeys (docs/operations.md).`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SNS',
          metricName: 'SMSMonthToDateSpentUSD',
          statistic: cloudwatch.Stats.MAXIMUM,
          period: fifteenMinutes,
        }),
        threshold: thresholdUsd,
        evaluationPeriods: 1,
      });
    }

    // --- Dashboard ------------------------------------------------------------------------
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.resourcePrefix,
      defaultInterval: Duration.hours(6),
    });
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });
    const search = (label: string, metricName: string, dimension: string) =>
      new cloudwatch.MathExpression({
        label,
        expression: `SEARCH('{${props.metricsNamespace},${MetricDimension.service},${dimension}} MetricName="${metricName}" ${MetricDimension.service}="${props.processorServiceName}"', 'Sum', 300)`,
        usingMetrics: {},
        period: fiveMinutes,
      });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# careflow (${props.resourcePrefix})\nRunbook: docs/operations.md. Alarms go to the SNS topic \`${props.resourcePrefix} alarms\`.`,
        width: 8,
        height: 6,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 16, height: 6 }),
    );
    this.dashboard.addWidgets(
      graph('Customer events and wake-ups', [
        processedRecords,
        custom(MetricName.errors, {}, 'failed records'),
      ]),
      graph('Messages sent by channel', [
        custom(MetricName.messagesSent, { [MetricDimension.channel]: 'email' }, 'email'),
        custom(MetricName.messagesSent, { [MetricDimension.channel]: 'sms' }, 'sms'),
      ]),
      graph('Skipped by reason', [search('skipped', MetricName.skipped, MetricDimension.reason)]),
    );
    this.dashboard.addWidgets(
      graph('Processing error rate (%)', [processingErrorRate], {
        leftAnnotations: [{ value: AlarmThresholds.processingErrorRatePercent, label: 'alarm' }],
      }),
      graph('Errors by kind', [search('errors', MetricName.errors, MetricDimension.kind)]),
      graph('SLA breaches by priority', [
        search('SLA breaches', MetricName.slaBreaches, MetricDimension.priority),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Journeys left out (unreadable)', [journeysLeftOut], {
        leftAnnotations: [{ value: AlarmThresholds.journeysLeftOut, label: 'alarm' }],
      }),
    );
    this.dashboard.addWidgets(
      graph('Customer queue', [
        props.customerQueue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
        props.customerQueue.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' }),
      ]),
      graph('Age of the oldest customer message (s)', [oldestAge], {
        leftAnnotations: [{ value: props.maxMessageAge.toSeconds(), label: 'alarm' }],
      }),
      graph(
        'Dead-letter and parking queues',
        props.deadLetterQueues.map((dlq) =>
          dlq.queue.metricApproximateNumberOfMessagesVisible({
            label: dlq.title,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('Failed deliveries to dead-letter queues', dlqFailures, {
        leftAnnotations: [{ value: 1, label: 'alarm' }],
      }),
    );
    const perFunction = (
      title: string,
      metric: (fn: lambda.IFunction, name: string) => cloudwatch.IMetric,
    ): cloudwatch.GraphWidget =>
      graph(
        title,
        props.functions.map(({ fn, name }) => metric(fn, name)),
        { width: 6 },
      );
    this.dashboard.addWidgets(
      perFunction('Invocations', (fn, label) =>
        fn.metricInvocations({ label, statistic: cloudwatch.Stats.SUM }),
      ),
      perFunction('Errors', (fn, label) => fn.metricErrors({ label, statistic: cloudwatch.Stats.SUM })),
      perFunction('Throttles', (fn, label) => fn.metricThrottles({ label, statistic: cloudwatch.Stats.SUM })),
      perFunction('Duration p95 (ms)', (fn, label) =>
        fn.metricDuration({ label, statistic: cloudwatch.Stats.p(95) }),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'SES reputation',
        [
          bounceRate.with({ period: Duration.hours(1), label: 'bounce rate (account)' }),
          complaintRate.with({ period: Duration.hours(1), label: 'complaint rate (account)' }),
          // Published per configuration set because careflow's has reputation metrics on.
          bounceRate.with({
            period: Duration.hours(1),
            dimensionsMap: configurationSet,
            label: 'bounce rate (careflow)',
          }),
          complaintRate.with({
            period: Duration.hours(1),
            dimensionsMap: configurationSet,
            label: 'complaint rate (careflow)',
          }),
        ],
        {
          leftAnnotations: [
            { value: AlarmThresholds.sesBounceRate, label: 'bounce alarm' },
            { value: AlarmThresholds.sesComplaintRate, label: 'complaint alarm' },
          ],
        },
      ),
      graph('SES sending (account)', [
        new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Send', statistic: 'Sum', label: 'sent' }),
        new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName: 'Delivery',
          statistic: 'Sum',
          label: 'delivered',
        }),
        new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName: 'Bounce',
          statistic: 'Sum',
          label: 'bounced',
        }),
        new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName: 'Complaint',
          statistic: 'Sum',
          label: 'complaints',
        }),
      ]),
      graph('EventBridge rules (careflow and SES forwarding)', [
        new cloudwatch.MathExpression({
          label: 'rules',
          // Rules get generated names that start with the stack name; search by its tokens.
          expression: `SEARCH('Namespace="AWS/Events" MetricName=("Invocations" OR "FailedInvocations" OR "DeadLetterInvocations") ${props.resourcePrefix}', 'Sum', 300)`,
          usingMetrics: {},
          period: fiveMinutes,
        }),
      ]),
    );
  }
}
