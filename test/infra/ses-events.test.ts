import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SesEvents, sesDetailTypes, sesEventPattern } from '../../infra/stacks/constructs/ses-events.js';
import { compilePattern } from '../../shared/domain/pattern/index.js';
import {
  actionsOf,
  type Built,
  build,
  getAtt,
  idOf,
  type Json,
  propsOf,
  resourcesOf,
  roleStatements,
  type Statement,
} from './support.js';

/** An SES "Email Bounced" event on EventBridge, trimmed to what the rules look at. */
const sesEvent = (configurationSet: string, detailType = 'Email Bounced') => ({
  version: '0',
  id: 'e-1',
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-11-02T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventType: 'Bounce',
    mail: {
      messageId: 'ses-1',
      tags: { 'ses:configuration-set': [configurationSet], messageId: ['m-1'] },
    },
  },
});

describe('SES events back into careflow', () => {
  let built: Built;
  let template: Template;

  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
  });

  it('sends delivery, bounce, complaint, open, click, reject and rendering-failure events to the default bus', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: idOf(built.stack.email.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(
          ['delivery', 'bounce', 'complaint', 'open', 'click', 'reject', 'renderingFailure'].map((t) =>
            Match.exact(t),
          ),
        ),
        EventBridgeDestination: {
          EventBusArn: {
            'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-bus/default$')])],
          },
        },
      },
    });
  });

  it("forwards this stage's SES events from the default bus to the careflow bus, with a DLQ", () => {
    const { forwardRule } = built.stack.sesEvents;
    const rule = propsOf(template, 'AWS::Events::Rule', idOf(forwardRule)) as {
      EventBusName: unknown;
      EventPattern: Json;
      Targets: Json[];
    };
    expect(rule.EventBusName).toBe('default');
    expect(rule.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': [...sesDetailTypes],
      detail: {
        mail: { tags: { 'ses:configuration-set': [{ Ref: idOf(built.stack.email.configurationSet) }] } },
      },
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: getAtt(idOf(built.stack.messaging.bus)),
        DeadLetterConfig: { Arn: getAtt(idOf(built.stack.messaging.sesEventsDlq)) },
        RoleArn: expect.anything(),
      }),
    ]);
  });

  it('matches the SES events of its own configuration set only (other stages and apps share the default bus)', () => {
    // The CDK pattern in EventBridge's JSON form, applied with careflow's EventBridge matcher.
    const { detailType, ...rest } = sesEventPattern('careflow-dev');
    const matches = compilePattern({ ...rest, 'detail-type': detailType });
    expect(matches(sesEvent('careflow-dev'))).toBe(true);
    expect(matches(sesEvent('careflow-dev', 'Email Clicked'))).toBe(true);
    expect(matches(sesEvent('careflow-prod'))).toBe(false);
    expect(matches(sesEvent('newsletter'))).toBe(false);
    expect(matches(sesEvent('careflow-dev', 'Email Sent'))).toBe(false);
  });

  it('lets the forwarding role put events on the careflow bus and nothing else', () => {
    const rule = propsOf(template, 'AWS::Events::Rule', idOf(built.stack.sesEvents.forwardRule)) as {
      Targets: { RoleArn: { 'Fn::GetAtt': [string, string] } }[];
    };
    const roleId = rule.Targets[0]?.RoleArn['Fn::GetAtt'][0] ?? '';
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId),
    );
    const statements = policies.flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(statements.flatMap(actionsOf)).toEqual(['events:PutEvents']);
    expect(statements.flatMap(resourcesOf)).toEqual([getAtt(idOf(built.stack.messaging.bus))]);
  });

  it('lets EventBridge dead-letter into the SES events DLQ only from its own rule', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: idOf(built.stack.messaging.sesEventsDlq) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(idOf(built.stack.sesEvents.forwardRule)) } },
          }),
        ]),
      },
    });
  });

  it('gives the scheduler role no more than it had: SES forwarding uses its own role', () => {
    const statements = roleStatements(template, built.stack.scheduling.role);
    expect(statements.flatMap(actionsOf)).toEqual(['sqs:SendMessage', 'sqs:SendMessage']);
  });
});

describe('SES events construct with a feedback function', () => {
  it('invokes the feedback function from the careflow bus, with retries and the DLQ', () => {
    const stack = new Stack(new App(), 'Test');
    const bus = new events.EventBus(stack, 'Bus');
    const dlq = new sqs.Queue(stack, 'Dlq');
    const configurationSet = new ses.ConfigurationSet(stack, 'Set', {
      configurationSetName: 'careflow-test',
    });
    const feedback = new lambda.Function(stack, 'Feedback', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });

    const sesEvents = new SesEvents(stack, 'SesEvents', {
      configurationSet,
      bus,
      deadLetterQueue: dlq,
      feedback,
    });

    const template = Template.fromStack(stack);
    expect(sesEvents.feedbackRule).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: idOf(bus) },
      EventPattern: Match.objectLike({ source: ['aws.ses'] }),
      Targets: [
        Match.objectLike({
          Arn: getAtt(idOf(feedback)),
          DeadLetterConfig: { Arn: getAtt(idOf(dlq)) },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
  });

  it('creates no feedback rule without a feedback function', () => {
    const stack = new Stack(new App(), 'Test');
    const sesEvents = new SesEvents(stack, 'SesEvents', {
      configurationSet: new ses.ConfigurationSet(stack, 'Set'),
      bus: new events.EventBus(stack, 'Bus'),
      deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
    });
    expect(sesEvents.feedbackRule).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 1);
  });
});
