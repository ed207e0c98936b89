import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  JOURNEY_LEFT_OUT_MESSAGE,
  JOURNEYS_LEFT_OUT_METRIC,
} from '../../infra/stacks/constructs/monitoring.js';
import {
  actionsOf,
  type Built,
  build,
  getAtt,
  idOf,
  type Json,
  resourcesOf,
  roleStatements,
} from './support.js';

const withSms = { sms: { senderId: 'Careflow' } };

describe('SMS delivery status (SMS on)', () => {
  let built: Built;
  let template: Template;
  beforeAll(() => {
    built = build({ overrides: withSms });
    template = Template.fromStack(built.stack);
  });
  const sms = () => {
    const construct = built.stack.smsDelivery;
    if (!construct) throw new Error('no SMS delivery construct');
    return construct;
  };

  it('has a role only SNS of this account can assume, writing only to the two SMS delivery log groups', () => {
    const role = template.findResources('AWS::IAM::Role')[idOf(sms().deliveryStatusRole)] as {
      Properties: { AssumeRolePolicyDocument: { Statement: Json[] } };
    };
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const statements = roleStatements(template, sms().deliveryStatusRole);
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement && actionsOf(statement)).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const resources = JSON.stringify(statement && resourcesOf(statement));
    expect(resources).toContain('/DirectPublishToPhoneNumber"');
    expect(resources).toContain('/DirectPublishToPhoneNumber:*"');
    expect(resources).toContain('/DirectPublishToPhoneNumber/Failure"');
    expect(resources).toContain('/DirectPublishToPhoneNumber/Failure:*"');
    expect(resources).not.toContain('"*"');
  });

  it('creates both log groups, kept three days (they hold phone numbers), and subscribes the function to each', () => {
    const retentions = Object.values(template.findResources('Custom::LogRetention')).map(
      (r) => (r as { Properties: Json }).Properties,
    );
    expect(retentions.map((r) => JSON.stringify(r.LogGroupName)).sort()).toEqual(
      [
        JSON.stringify({
          'Fn::Join': [
            '',
            ['sns/', { Ref: 'AWS::Region' }, '/', { Ref: 'AWS::AccountId' }, '/DirectPublishToPhoneNumber'],
          ],
        }),
        JSON.stringify({
          'Fn::Join': [
            '',
            [
              'sns/',
              { Ref: 'AWS::Region' },
              '/',
              { Ref: 'AWS::AccountId' },
              '/DirectPublishToPhoneNumber/Failure',
            ],
          ],
        }),
      ].sort(),
    );
    expect(retentions.map((r) => r.RetentionInDays)).toEqual([3, 3]);

    const filters = Object.values(template.findResources('AWS::Logs::SubscriptionFilter')) as {
      Properties: Json;
      DependsOn?: string[];
    }[];
    expect(filters).toHaveLength(2);
    for (const filter of filters) {
      expect(filter.Properties.FilterPattern).toBe('');
      expect(filter.Properties.DestinationArn).toEqual({ 'Fn::GetAtt': [idOf(sms().handler.fn), 'Arn'] });
      expect(filter.DependsOn?.some((id) => id.includes('LogGroup'))).toBe(true);
    }
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'logs.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [idOf(sms().handler.fn), 'Arn'] },
    });
  });

  it('lets the function query the provider-message-id index, read and update items, put events on the bus and dead letters in its queue, nothing else', () => {
    const tableArn = { 'Fn::GetAtt': [idOf(built.stack.data.table), 'Arn'] };
    const statements = roleStatements(template, sms().handler.role).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(statements.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) }))).toEqual([
      {
        actions: ['dynamodb:Query'],
        resources: [{ 'Fn::Join': ['', [tableArn, '/index/byProviderMessageId']] }],
      },
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [tableArn] },
      { actions: ['dynamodb:Query'], resources: [tableArn] },
    ]);
    const others = roleStatements(template, sms().handler.role).filter(
      (s) => !actionsOf(s).some((a) => a.startsWith('dynamodb:') || a.startsWith('logs:')),
    );
    expect(others.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) }))).toEqual([
      {
        actions: ['events:PutEvents'],
        resources: [{ 'Fn::GetAtt': [idOf(built.stack.messaging.bus), 'Arn'] }],
      },
      {
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        resources: [getAtt(idOf(sms().deadLetterQueue))],
      },
    ]);
  });

  it('outputs the role to name in the account SMS attributes, and alarms on the function', () => {
    template.hasOutput('SmsDeliveryStatusRoleArn', {
      Value: { 'Fn::GetAtt': [idOf(sms().deliveryStatusRole), 'Arn'] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'careflow-dev-SmsDeliveryErrorRate',
    });
  });

  it('keeps a batch that still fails after two retries in an encrypted dead-letter queue, with an alarm', () => {
    const dlq = idOf(sms().deadLetterQueue);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(sms().handler.fn) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: getAtt(dlq) } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toContain(dlq);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'careflow-dev-SmsDeliveryDlqDepth',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(dlq, 'QueueName') }],
    });
    template.hasOutput('SmsDeliveryDlqUrl', { Value: { Ref: dlq } });
    template.hasOutput('SmsDeliveryFunctionName', { Value: { Ref: idOf(sms().handler.fn) } });
  });

  it('indexes message entries by provider message id, keys only', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byProviderMessageId',
          KeySchema: [{ AttributeName: 'providerIdKey', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });
});

describe('SMS delivery log retention', () => {
  const retentions = (built: Built) =>
    Object.values(Template.fromStack(built.stack).findResources('Custom::LogRetention')).map(
      (r) => (r as { Properties: Json }).Properties.RetentionInDays,
    );

  it('is set by careflow:smsDeliveryLogRetentionDays, apart from the functions’ log retention', () => {
    const built = build({
      context: { 'careflow:smsDeliveryLogRetentionDays': '14', 'careflow:logRetentionDays': '90' },
      overrides: withSms,
    });
    expect(retentions(built)).toEqual([14, 14]);
  });

  it('refuses a number of days CloudWatch Logs does not offer, naming the key', () => {
    expect(() =>
      build({ context: { 'careflow:smsDeliveryLogRetentionDays': '2' }, overrides: withSms }),
    ).toThrow(/careflow:smsDeliveryLogRetentionDays must be one of 1, 3, 5/);
  });
});

describe('SMS delivery status (SMS off)', () => {
  it('has no role, log groups, subscriptions or function for it', () => {
    const built = build();
    const template = Template.fromStack(built.stack);
    expect(built.stack.smsDelivery).toBeUndefined();
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    template.resourceCountIs('Custom::LogRetention', 0);
    expect(Object.keys(template.findOutputs('SmsDeliveryStatusRoleArn'))).toEqual([]);
    expect(Object.keys(template.findOutputs('SmsDeliveryDlqUrl'))).toEqual([]);
  });
});

describe('journeys left out', () => {
  let built: Built;
  let template: Template;
  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
  });

  it('counts the processor’s ERROR line about an unreadable journey as JourneysLeftOut', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: idOf(built.stack.functions.processor.logGroup) },
      FilterPattern: `{ ($.level = "ERROR") && ($.message = "${JOURNEY_LEFT_OUT_MESSAGE}") }`,
      MetricTransformations: [
        { MetricNamespace: 'careflow', MetricName: JOURNEYS_LEFT_OUT_METRIC, MetricValue: '1' },
      ],
    });
  });

  it('alarms from the first journey left out in five minutes, to the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'careflow-dev-JourneysLeftOut',
      Metrics: [
        {
          Id: 'm1',
          Label: 'journeys left out',
          MetricStat: {
            Metric: { Namespace: 'careflow', MetricName: JOURNEYS_LEFT_OUT_METRIC },
            Period: 300,
            Stat: 'Sum',
          },
          ReturnData: true,
        },
      ],
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: idOf(built.stack.monitoring.topic) }],
      OKActions: [{ Ref: idOf(built.stack.monitoring.topic) }],
    });
  });

  it('shows the metric on the dashboard', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(body).toContain('Journeys left out (unreadable)');
    expect(body).toContain(JOURNEYS_LEFT_OUT_METRIC);
  });
});
