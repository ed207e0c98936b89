import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Built, build, idOf, type Json, propsOf } from './support.js';

interface Alarm {
  Properties: Json & { Dimensions?: { Name: string; Value: unknown }[]; AlarmActions?: unknown[] };
}

const alarmsOf = (template: Template, metricName: string): Alarm[] =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
    (alarm) => (alarm as Alarm).Properties.MetricName === metricName,
  ) as Alarm[];

const dimension = (alarm: Alarm, name: string): unknown =>
  alarm.Properties.Dimensions?.find((d) => d.Name === name)?.Value;

describe('alarms on dead-letter paths that fail', () => {
  let built: Built;
  let template: Template;

  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
  });

  it('alarms from the first event EventBridge could not put in a rule dead-letter queue, for each rule with one', () => {
    const { routing, sesEvents, messaging } = built.stack;
    const rules = [routing.rule, sesEvents.forwardRule, sesEvents.feedbackRule].flatMap((r) =>
      r ? [r] : [],
    );
    expect(rules).toHaveLength(3);
    const alarms = alarmsOf(template, 'InvocationsFailedToBeSentToDlq');
    // The rule's name: its Ref on the default bus; on another bus the Ref is `<bus>|<rule>`, so
    // such a rule is named and the alarm uses that name.
    const nameOf = (rule: (typeof rules)[number]): unknown => {
      const props = propsOf(template, 'AWS::Events::Rule', idOf(rule)) as {
        Name?: string;
        EventBusName?: unknown;
      };
      return props.EventBusName === 'default' || props.EventBusName === undefined
        ? { Ref: idOf(rule) }
        : props.Name;
    };
    expect(nameOf(routing.rule)).toBe('customer-events');
    expect(alarms.map((a) => JSON.stringify(dimension(a, 'RuleName'))).sort()).toEqual(
      rules.map((r) => JSON.stringify(nameOf(r))).sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Events',
        Statistic: 'Sum',
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // A rule on the careflow bus reports with the bus name; the forwarding rule on the default bus without.
    const byRule = (rule: (typeof rules)[number]) =>
      alarms.find((a) => JSON.stringify(dimension(a, 'RuleName')) === JSON.stringify(nameOf(rule)));
    expect(dimension(byRule(routing.rule) as Alarm, 'EventBusName')).toEqual({ Ref: idOf(messaging.bus) });
    expect(dimension(byRule(sesEvents.forwardRule) as Alarm, 'EventBusName')).toBeUndefined();
  });

  it('alarms from the first wake-up EventBridge Scheduler could not put in the wake-up DLQ', () => {
    const alarms = alarmsOf(template, 'InvocationsFailedToBeSentToDeadLetterCount');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'AWS/Scheduler',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // The group's name, as the stack names it (careflow-<stage>).
    expect(dimension(alarms[0] as Alarm, 'ScheduleGroup')).toBe('careflow-dev');
    expect(
      propsOf(template, 'AWS::Scheduler::ScheduleGroup', idOf(built.stack.scheduling.group)),
    ).toMatchObject({
      Name: 'careflow-dev',
    });
  });

  it.each([
    ['without SMS', {}, ['Router', 'Feedback']],
    ['with SMS', { sms: { senderId: 'Careflow' } }, ['Router', 'Feedback', 'SmsDelivery']],
  ] as const)(
    'alarms from the first failed on-failure delivery of each function that has one (%s)',
    (_, overrides, names) => {
      const { stack } = Object.keys(overrides).length === 0 ? built : build({ overrides });
      const t = Object.keys(overrides).length === 0 ? template : Template.fromStack(stack);
      const functionIds: Record<string, string> = {
        Router: idOf(stack.functions.router.fn),
        Feedback: idOf(stack.functions.feedback.fn),
        ...(stack.smsDelivery ? { SmsDelivery: idOf(stack.smsDelivery.handler.fn) } : {}),
      };
      const alarms = alarmsOf(t, 'DestinationDeliveryFailures');
      expect(alarms.map((a) => JSON.stringify(dimension(a, 'FunctionName'))).sort()).toEqual(
        names.map((name) => JSON.stringify({ Ref: functionIds[name] })).sort(),
      );
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
      }
    },
  );

  it('notifies the alarm topic on alarm and on recovery, like every careflow alarm', () => {
    const topic = { Ref: idOf(built.stack.monitoring.topic) };
    const alarms = [
      ...alarmsOf(template, 'InvocationsFailedToBeSentToDlq'),
      ...alarmsOf(template, 'DestinationDeliveryFailures'),
    ];
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
      expect(String(alarm.Properties.AlarmName)).toMatch(/^careflow-dev-/);
    }
  });

  it('shows them on the dashboard, next to the dead-letter queues', () => {
    const body = JSON.stringify(
      (Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: Json })
        .Properties.DashboardBody,
    );
    expect(body).toContain('Failed deliveries to dead-letter queues');
    expect(body).toContain('InvocationsFailedToBeSentToDlq');
    expect(body).toContain('DestinationDeliveryFailures');
  });
});
