import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { build, idOf, propsOf } from './support.js';

interface Alarm {
  AlarmName: string;
  Namespace: string;
  MetricName: string;
  Statistic: string;
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  AlarmDescription: string;
}

const smsSpendAlarm = (built: ReturnType<typeof build>): Alarm | undefined => {
  const construct = built.stack.monitoring.alarms.find((a) => a.node.id === 'SmsMonthlySpend');
  if (!construct) return undefined;
  return propsOf(
    Template.fromStack(built.stack),
    'AWS::CloudWatch::Alarm',
    idOf(construct),
  ) as unknown as Alarm;
};

const withSms = { 'careflow:smsSenderId': 'Careflow' };

describe('SMS spend alarm', () => {
  it('alarms at 80 % of the default USD 1 budget, the spend limit of a new account, to the alarm topic', () => {
    const built = build({ context: withSms });
    const alarm = smsSpendAlarm(built);
    const topic = { Ref: idOf(built.stack.monitoring.topic) };

    expect(alarm).toMatchObject({
      AlarmName: 'careflow-dev-SmsMonthlySpend',
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 0.8,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm?.AlarmActions).toEqual([topic]);
    expect(alarm?.OKActions).toEqual([topic]);
  });

  it('alarms at the configured fraction of the configured monthly budget', () => {
    const alarm = smsSpendAlarm(
      build({
        context: { ...withSms, 'careflow:smsMonthlyBudgetUsd': '250', 'careflow:smsSpendAlarmAt': '0.9' },
      }),
    );
    expect(alarm?.Threshold).toBe(225);
    expect(alarm?.AlarmDescription).toContain('USD 225 (90 % of the USD 250 budget)');
  });

  it('adds no SMS alarm when SMS is off', () => {
    expect(smsSpendAlarm(build())).toBeUndefined();
  });

  it.each([
    [{ 'careflow:smsMonthlyBudgetUsd': 'lots' }, /careflow:smsMonthlyBudgetUsd must be a number/],
    [{ 'careflow:smsMonthlyBudgetUsd': '0' }, /careflow:smsMonthlyBudgetUsd must be a positive amount/],
    [{ 'careflow:smsSpendAlarmAt': '80' }, /careflow:smsSpendAlarmAt must be a fraction/],
    [{ 'careflow:smsSpendAlarmAt': '0' }, /careflow:smsSpendAlarmAt must be a fraction/],
  ])('refuses %o, naming the key', (context, message) => {
    expect(() => build({ context: { ...withSms, ...context } })).toThrow(message);
  });

  it('passes cdk-nag with SMS and its alarm on', () => {
    expect(() => build({ nag: true, context: withSms }).app.synth()).not.toThrow();
  });
});
