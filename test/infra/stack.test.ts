import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerEventRoute, httpRoutes } from '../../infra/routes.js';
import type { CareflowFunction } from '../../infra/stacks/constructs/careflow-function.js';
import { toCdkEventPattern } from '../../infra/stacks/constructs/routing.js';
import { Env } from '../../shared/config/env.js';
import {
  actionsOf,
  type Built,
  build,
  getAtt,
  idOf,
  type Json,
  policyIdOf,
  policyStatements,
  resourcesOf,
  statementsOf,
} from './support.js';

describe('careflow stack', () => {
  let built: Built;
  let template: Template;
  let ids: {
    table: string;
    customerQueue: string;
    customerDlq: string;
    ingestDlq: string;
    invalidEvents: string;
    wakeDlq: string;
    sesEventsDlq: string;
    bus: string;
    schedulerRole: string;
    secret: string;
  };

  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
    const { data, messaging, scheduling } = built.stack;
    ids = {
      table: idOf(data.table),
      customerQueue: idOf(messaging.customerQueue),
      customerDlq: idOf(messaging.customerDlq),
      ingestDlq: idOf(messaging.ingestDlq),
      invalidEvents: idOf(messaging.invalidEvents),
      wakeDlq: idOf(messaging.wakeDlq),
      sesEventsDlq: idOf(messaging.sesEventsDlq),
      bus: idOf(messaging.bus),
      schedulerRole: idOf(scheduling.role),
      secret: idOf(data.signingSecret),
    };
  });

  it('is named and tagged by stage', () => {
    expect(built.stack.stackName).toBe('careflow-dev');
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'careflow-dev' });
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'careflow-dev' });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([{ Key: 'careflow:stage', Value: 'dev' }]),
    });
  });

  it('has a FIFO customer queue with content-based deduplication and a FIFO dead-letter queue', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const customer = queues[ids.customerQueue] as { Properties: Json };
    expect(customer.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: getAtt(ids.customerDlq), maxReceiveCount: 5 },
    });
    expect((queues[ids.customerDlq] as { Properties: Json }).Properties).toMatchObject({ FifoQueue: true });
  });

  it('encrypts every queue and requires TLS on each', () => {
    const queues = Object.entries(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(6);
    for (const [id, queue] of queues) {
      const props = (queue as { Properties: Json }).Properties;
      expect(props.SqsManagedSseEnabled === true || props.KmsMasterKeyId !== undefined, id).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('has one table with pk/sk, on-demand, PITR, SSE, TTL on expiresAt, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });

  it('runs every Lambda on nodejs22.x arm64 with its own log group', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(built.stack.functions.all.length);
    expect(built.stack.functions.all.map((f) => f.name)).toEqual([
      'Router',
      'Processor',
      'Survey',
      'Unsubscribe',
      'Feedback',
      'Api',
    ]);
    for (const fn of functions) {
      const props = (fn as { Properties: Json }).Properties;
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Handler).toBe('index.handler');
      expect(props.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // No AWS managed policies (AWSLambdaBasicExecutionRole): each role writes its own log group only.
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect((role as { Properties: Json }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('passes the shared environment names to the functions', () => {
    const envOf = (name: 'Router' | 'Processor' | 'Survey' | 'Api'): Json => {
      const functions = built.stack.functions;
      const construct = {
        Router: functions.router,
        Processor: functions.processor,
        Survey: functions.survey,
        Api: functions.api,
      }[name];
      const id = idOf(construct.fn);
      const fn = template.findResources('AWS::Lambda::Function')[id] as {
        Properties: { Environment: { Variables: Json } };
      };
      return fn.Properties.Environment.Variables;
    };
    expect(Object.keys(envOf('Processor'))).toEqual(
      expect.arrayContaining([
        Env.tableName,
        Env.eventBusName,
        Env.customerQueueUrl,
        Env.customerQueueArn,
        Env.schedulerGroupName,
        Env.schedulerRoleArn,
        Env.sesConfigurationSet,
        Env.senderEmail,
        Env.publicBaseUrl,
        Env.signingSecretArn,
        Env.retentionDays,
      ]),
    );
    expect(envOf('Processor')[Env.senderEmail]).toBe('noreply@example.com');
    expect(envOf('Processor')[Env.retentionDays]).toBe('180');
    expect(envOf('Processor')[Env.schedulerRoleArn]).toEqual(getAtt(ids.schedulerRole));
    expect(envOf('Router')[Env.customerQueueUrl]).toEqual({ Ref: ids.customerQueue });
    expect(envOf('Router')[Env.invalidEventsQueueUrl]).toEqual({ Ref: ids.invalidEvents });
    expect(Object.keys(envOf('Survey'))).toEqual(
      expect.arrayContaining([Env.tableName, Env.eventBusName, Env.signingSecretArn, Env.publicBaseUrl]),
    );
    expect(Object.keys(envOf('Api'))).toContain(Env.tableName);
    expect(Object.keys(envOf('Api'))).not.toContain(Env.signingSecretArn);
  });

  it('routes customer events with the shared route pattern to the router, with retries and a DLQ', () => {
    const customerRules = template.findResources('AWS::Events::Rule', {
      Properties: { EventBusName: { Ref: ids.bus }, EventPattern: customerEventRoute.pattern },
    });
    expect(Object.keys(customerRules)).toHaveLength(1);
    const router = idOf(built.stack.functions.router.fn);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: ids.bus },
      EventPattern: customerEventRoute.pattern,
      Targets: [
        Match.objectLike({
          Arn: getAtt(router),
          DeadLetterConfig: { Arn: getAtt(ids.ingestDlq) },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
    // After Lambda's own async retries, failed router events go to the ingest DLQ too.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: router },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: getAtt(ids.ingestDlq) } },
    });
  });

  it('maps JSON event-pattern keys to CDK keys and back', () => {
    expect(toCdkEventPattern({ 'detail-type': ['Order Completed'], source: ['shop'] })).toEqual({
      detailType: ['Order Completed'],
      source: ['shop'],
    });
  });

  it('feeds the processor from the customer queue in batches of 10 with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(ids.customerQueue),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('never grants dynamodb or sqs actions on "*" and scopes them to the table and queues', () => {
    const allowed = {
      // The table's grants cover its index too (the provider-message-id index, decision 0081).
      dynamodb: [
        JSON.stringify(getAtt(ids.table)),
        JSON.stringify({ 'Fn::Join': ['', [getAtt(ids.table), '/index/*']] }),
      ],
      sqs: [
        ids.customerQueue,
        ids.customerDlq,
        ids.ingestDlq,
        ids.invalidEvents,
        ids.wakeDlq,
        ids.sesEventsDlq,
      ].map((id) => JSON.stringify(getAtt(id))),
    };
    let checked = 0;
    for (const statements of policyStatements(template).values()) {
      for (const statement of statements) {
        for (const service of ['dynamodb', 'sqs'] as const) {
          if (!actionsOf(statement).some((a) => a.startsWith(`${service}:`))) continue;
          for (const resource of resourcesOf(statement)) {
            expect(resource).not.toBe('*');
            expect(allowed[service]).toContain(JSON.stringify(resource));
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('gives each function only what it needs', () => {
    const { router, processor, survey, unsubscribe, feedback, api } = built.stack.functions;
    const services = (fn: CareflowFunction) =>
      new Set(statementsOf(template, fn).flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])));
    expect(services(router)).toEqual(new Set(['logs', 'sqs']));
    expect(services(processor)).toEqual(
      new Set(['logs', 'sqs', 'dynamodb', 'events', 'scheduler', 'iam', 'ses', 'secretsmanager']),
    );
    expect(services(survey)).toEqual(new Set(['logs', 'dynamodb', 'events', 'secretsmanager']));
    expect(services(unsubscribe)).toEqual(new Set(['logs', 'dynamodb', 'events', 'secretsmanager']));
    expect(services(feedback)).toEqual(new Set(['logs', 'dynamodb', 'events', 'sqs']));
    expect(services(api)).toEqual(new Set(['logs', 'dynamodb', 'ses']));
    const writes = (fn: CareflowFunction) =>
      statementsOf(template, fn)
        .flatMap(actionsOf)
        .filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a));
    // Its one write keeps the request in the customer's partition; the profile is the processor's.
    expect(writes(unsubscribe)).toEqual(['dynamodb:UpdateItem']);
    // The feedback function keeps invalid SES events on the invalid-events queue; Lambda puts
    // events it failed to handle in the SES events DLQ (on-failure destination, the function's role).
    const feedbackQueues = statementsOf(template, feedback)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    expect(feedbackQueues.sort()).toEqual(
      [getAtt(ids.invalidEvents), getAtt(ids.sesEventsDlq)].map((r) => JSON.stringify(r)).sort(),
    );
  });

  it('gives SNS SMS rights to the processor only when SMS is configured', () => {
    const smsActions = (t: Template) =>
      statementsOf(t, built.stack.functions.processor)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('sns:'));
    expect(smsActions(template)).toEqual([]);

    const withSms = build({ overrides: { sms: { senderId: 'Careflow' } } });
    const smsTemplate = Template.fromStack(withSms.stack);
    const statements = statementsOf(smsTemplate, withSms.stack.functions.processor).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('sns:')),
    );
    expect(statements).toEqual([
      {
        Sid: 'SendSms',
        Effect: 'Allow',
        Action: ['sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish'],
        Resource: '*',
      },
    ]);
    for (const { fn } of withSms.stack.functions.all.filter((f) => f.name !== 'Processor')) {
      expect(
        statementsOf(smsTemplate, fn)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('sns:')),
      ).toEqual([]);
    }
  });

  it('lets only the processor, the survey and the unsubscribe function read the signing key', () => {
    const readers: string[] = [];
    for (const [policyId, statements] of policyStatements(template)) {
      for (const s of statements) {
        if (resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: ids.secret }))) {
          readers.push(policyId);
        }
      }
    }
    expect(readers.sort()).toEqual(
      [
        policyIdOf(built.stack.functions.processor.role),
        policyIdOf(built.stack.functions.survey.role),
        policyIdOf(built.stack.functions.unsubscribe.role),
      ].sort(),
    );
  });

  it('lets the scheduler role send to the customer queue and its own DLQ only, and only scheduler can assume it', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
    expect(policyStatements(template).get(policyIdOf(built.stack.scheduling.role))).toEqual([
      {
        Sid: 'DeliverWakeUps',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: getAtt(ids.customerQueue),
      },
      {
        Sid: 'DeadLetterUndeliveredWakeUps',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: getAtt(ids.wakeDlq),
      },
    ]);
  });

  it('lets the processor manage schedules of the careflow group and pass exactly the scheduler role', () => {
    const statements = statementsOf(template, built.stack.functions.processor);
    const schedules = statements.find((s) => s.Sid === 'ManageWakeUpSchedules');
    expect(schedules?.Action).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    expect(JSON.stringify(schedules?.Resource)).toContain(':schedule/careflow-dev/*');
    const passRole = statements.filter((s) => actionsOf(s).includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        Sid: 'PassSchedulerRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: getAtt(ids.schedulerRole),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('sends email only from the sender identity with the careflow configuration set', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'careflow-dev',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const ses = statementsOf(template, built.stack.functions.processor).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    const resources = JSON.stringify(ses[0]?.Resource);
    expect(resources).toContain(':identity/noreply@example.com');
    expect(resources).toContain(':identity/example.com');
    expect(resources).toContain(':configuration-set/');
    expect(resources).not.toContain('"*"');
  });

  it('puts the admin route behind IAM and leaves the survey routes public', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /customers/{customerId}/messages',
      AuthorizationType: 'AWS_IAM',
    });
    for (const routeKey of ['GET /surveys/{token}', 'POST /surveys/{token}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
      });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', httpRoutes.length);
    for (const spec of httpRoutes) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${spec.method} ${spec.path}`,
        AuthorizationType: spec.auth === 'iam' ? 'AWS_IAM' : 'NONE',
      });
    }
  });

  it('throttles the default stage and writes access logs without paths', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context\\.routeKey'),
      },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: { AccessLogSettings: { Format: string } };
    };
    expect(stage.Properties.AccessLogSettings.Format).not.toContain('$context.path');
  });

  it('uses the configured public base URL when one is given', () => {
    const { stack } = build({ context: { 'careflow:publicBaseUrl': 'https://care.example.com' } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [Env.publicBaseUrl]: 'https://care.example.com' }) },
    });
  });
});

describe('careflow app configuration', () => {
  it('reads stage, sender and retention from context', () => {
    const { stack } = build({
      context: {
        'careflow:stage': 'prod',
        'careflow:senderEmail': 'care@shop.example',
        'careflow:retentionDays': '90',
      },
    });
    expect(stack.stackName).toBe('careflow-prod');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'careflow-prod' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [Env.senderEmail]: 'care@shop.example', [Env.retentionDays]: '90' }),
      },
    });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  it('refuses a bad stage name or sender address with a clear message', () => {
    expect(() => build({ overrides: { stage: 'Prod_1' } })).toThrow(/careflow:stage/);
    expect(() => build({ overrides: { senderEmail: 'not-an-address' } })).toThrow(/careflow:senderEmail/);
    expect(() => build({ overrides: { retentionDays: 0 } })).toThrow(/careflow:retentionDays/);
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it('synthesizes the app with no unresolved findings', () => {
    const { app } = build({ nag: true });
    expect(() => app.synth()).not.toThrow();
  });

  it('stays clean with X-Ray tracing on', () => {
    const { app } = build({ nag: true, overrides: { tracing: true } });
    expect(() => app.synth()).not.toThrow();
  });

  it('stays clean with SMS, a sender domain and tracing configured', () => {
    const { app } = build({
      nag: true,
      overrides: {
        tracing: true,
        sms: { senderId: 'Careflow', originationNumber: '+4915112345678' },
        senderDomain: 'example.com',
      },
    });
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synth on an unacknowledged finding', () => {
    const { app, stack } = build({ nag: true });
    // A queue without TLS enforcement, DLQ or acknowledgement must be reported.
    new sqs.Queue(stack, 'Unchecked');
    expect(() => app.synth()).toThrow(/AwsSolutions/);
  });
});
