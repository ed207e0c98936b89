import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlarmThresholds } from '../../infra/stacks/constructs/monitoring.js';
import { type Built, build, idOf, type Json, propsOf } from './support.js';

interface AlarmMetric {
  Id: string;
  Expression?: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
  };
}
interface Alarm {
  AlarmName?: string;
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: AlarmMetric[];
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  TreatMissingData?: string;
}

const alarmsOf = (template: Template): Map<string, Alarm> =>
  new Map(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => [
      id,
      (r as { Properties: Alarm }).Properties,
    ]),
  );

/** Every metric an alarm reads, whether it alarms on one metric or on a math expression. */
const metricsOf = (alarm: Alarm) =>
  alarm.Metrics
    ? alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []))
    : [
        {
          Namespace: alarm.Namespace ?? '',
          MetricName: alarm.MetricName ?? '',
          Dimensions: alarm.Dimensions,
        },
      ];

interface Widget {
  type: string;
  properties: { title?: string; [key: string]: unknown };
}

/** The dashboard's widgets: its body is a Fn::Join of JSON text and tokens (tokens become "<ref>"). */
const dashboardWidgets = (body: unknown): Widget[] => {
  const join = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : '<ref>')).join(join[0]);
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
};

const dimensionValue = (dimensions: { Name: string; Value: unknown }[] | undefined, name: string) =>
  dimensions?.find((d) => d.Name === name)?.Value;

describe('alarms and dashboard', () => {
  let built: Built;
  let template: Template;
  let alarms: Map<string, Alarm>;

  beforeAll(() => {
    built = build({ overrides: { alarmEmail: 'ops@shop.example' } });
    template = Template.fromStack(built.stack);
    alarms = alarmsOf(template);
  });

  const alarmNamed = (id: string): Alarm => {
    const construct = built.stack.monitoring.alarms.find((a) => a.node.id === id);
    const alarm = construct && alarms.get(idOf(construct));
    if (!alarm) throw new Error(`no alarm ${id}`);
    return alarm;
  };

  it('alarms on the depth of every queue except the customer queue, from the first message', () => {
    const customerQueue = idOf(built.stack.messaging.customerQueue);
    const queues = Object.keys(template.findResources('AWS::SQS::Queue')).filter(
      (id) => id !== customerQueue,
    );
    expect(queues).toHaveLength(5);
    for (const queue of queues) {
      const depth = [...alarms.values()].filter(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(dimensionValue(a.Dimensions, 'QueueName')) ===
            JSON.stringify({ 'Fn::GetAtt': [queue, 'QueueName'] }),
      );
      expect(depth, queue).toHaveLength(1);
      expect(depth[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('alarms when the oldest customer message is 15 minutes old', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [idOf(built.stack.messaging.customerQueue), 'QueueName'] },
        },
      ],
      Threshold: 900,
    });
  });

  it('alarms on the error rate of every function, errors over invocations', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const fn of functions) {
      const rate = [...alarms.values()].find((a) =>
        metricsOf(a).some(
          (m) =>
            m.MetricName === 'Errors' &&
            m.Namespace === 'AWS/Lambda' &&
            JSON.stringify(dimensionValue(m.Dimensions, 'FunctionName')) === JSON.stringify({ Ref: fn }),
        ),
      );
      expect(rate, fn).toBeDefined();
      expect(rate?.Threshold).toBe(AlarmThresholds.functionErrorRatePercent);
      expect(rate?.Metrics?.find((m) => m.Expression)?.Expression).toContain('100 * errors / invocations');
      expect(
        metricsOf(rate as Alarm)
          .map((m) => m.MetricName)
          .sort(),
      ).toEqual(['Errors', 'Invocations']);
    }
  });

  it('alarms on throttles of all functions together', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    const throttles = [...alarms.values()].find((a) =>
      metricsOf(a).every((m) => m.MetricName === 'Throttles'),
    );
    expect(throttles).toBeDefined();
    const throttled = metricsOf(throttles as Alarm).map((m) =>
      JSON.stringify(dimensionValue(m.Dimensions, 'FunctionName')),
    );
    expect(throttled.sort()).toEqual(functions.map((fn) => JSON.stringify({ Ref: fn })).sort());
  });

  it('alarms on the processing error rate: failed records (emitted by the processor, under its service name) against records processed (deleted from the customer queue)', () => {
    const processor = propsOf(
      template,
      'AWS::Lambda::Function',
      idOf(built.stack.functions.processor.fn),
    ) as {
      Environment: { Variables: Json };
    };
    const service = processor.Environment.Variables.POWERTOOLS_SERVICE_NAME;
    const namespace = processor.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE;
    expect(service).toBe('careflow-dev-processor');
    expect(namespace).toBe('careflow');

    const rate = alarmNamed('ProcessingErrorRate');
    expect(rate?.Threshold).toBe(AlarmThresholds.processingErrorRatePercent);
    const metrics = metricsOf(rate);
    expect(metrics.map((m) => m.MetricName).sort()).toEqual(['Errors', 'NumberOfMessagesDeleted']);
    const failed = metrics.find((m) => m.MetricName === 'Errors');
    expect(failed?.Namespace).toBe(namespace);
    expect(failed?.Dimensions).toEqual([{ Name: 'service', Value: service }]);
    const processed = metrics.find((m) => m.MetricName === 'NumberOfMessagesDeleted');
    expect(processed?.Namespace).toBe('AWS/SQS');
    expect(processed?.Dimensions).toEqual([
      {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [idOf(built.stack.messaging.customerQueue), 'QueueName'] },
      },
    ]);
  });

  it.each([
    ['SesBounceRate', 'Reputation.BounceRate', 0.05],
    ['SesComplaintRate', 'Reputation.ComplaintRate', 0.001],
  ])('%s alarms when the SES account %s reaches %s', (id, metricName, threshold) => {
    const alarm = alarmNamed(id);
    expect(metricsOf(alarm)).toEqual([{ Namespace: 'AWS/SES', MetricName: metricName }]);
    expect(alarm).toMatchObject({
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('sends every alarm and its recovery to the alarm topic, which mails the configured address', () => {
    const topic = idOf(built.stack.monitoring.topic);
    expect(alarms.size).toBe(built.stack.monitoring.alarms.length);
    for (const [id, alarm] of alarms) {
      expect(alarm.AlarmActions, id).toEqual([{ Ref: topic }]);
      expect(alarm.OKActions, id).toEqual([{ Ref: topic }]);
      expect(alarm.TreatMissingData, id).toBe('notBreaching');
      expect(alarm.AlarmName, id).toMatch(/^careflow-dev-/);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@shop.example',
      TopicArn: { Ref: topic },
    });
  });

  it('has a dashboard of events, sends by channel, skips by reason, SLA breaches, errors, queues, functions and SES', () => {
    const dashboard = propsOf(template, 'AWS::CloudWatch::Dashboard', idOf(built.stack.monitoring.dashboard));
    expect(dashboard.DashboardName).toBe('careflow-dev');
    const widgets = dashboardWidgets(dashboard.DashboardBody);
    const titled = (title: string) => {
      const widget = widgets.find((w) => w.properties.title === title);
      if (!widget) throw new Error(`no widget "${title}"`);
      return JSON.stringify(widget.properties);
    };

    expect(widgets.some((w) => w.type === 'alarm')).toBe(true);
    expect(titled('Customer events and wake-ups')).toContain('"AWS/SQS","NumberOfMessagesDeleted"');
    expect(titled('Customer events and wake-ups')).toContain('"Errors","service","careflow-dev-processor"');
    expect(titled('Messages sent by channel')).toContain('"MessagesSent","channel","email"');
    expect(titled('Messages sent by channel')).toContain('"MessagesSent","channel","sms"');
    expect(titled('Skipped by reason')).toContain('{careflow,service,reason} MetricName=\\"Skipped\\"');
    expect(titled('SLA breaches by priority')).toContain('MetricName=\\"SlaBreaches\\"');
    expect(titled('Errors by kind')).toContain('{careflow,service,kind} MetricName=\\"Errors\\"');
    expect(titled('Age of the oldest customer message (s)')).toContain('ApproximateAgeOfOldestMessage');
    expect(
      titled('Dead-letter and parking queues').match(/ApproximateNumberOfMessagesVisible/g),
    ).toHaveLength(5);
    expect(titled('Throttles').match(/"AWS\/Lambda","Throttles"/g)).toHaveLength(
      built.stack.functions.all.length,
    );
    expect(titled('SES reputation')).toContain('Reputation.ComplaintRate');
  });

  it('subscribes no one when no alarm email is configured', () => {
    const { stack } = build();
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
