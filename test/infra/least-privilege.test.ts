import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../infra/routes.js';
import { publicRouteThrottle } from '../../infra/stacks/constructs/api.js';
import type { CareflowFunction } from '../../infra/stacks/constructs/careflow-function.js';
import {
  actionsOf,
  type Built,
  build,
  getAtt,
  idOf,
  type Json,
  resourcesOf,
  type Statement,
  statementsOf,
} from './support.js';

const prefixed = (service: string, statements: Statement[]) =>
  statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith(`${service}:`)));

describe('least privilege', () => {
  let built: Built;
  let template: Template;

  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
  });

  const fn = (
    name: 'router' | 'processor' | 'survey' | 'unsubscribe' | 'feedback' | 'api',
  ): CareflowFunction => built.stack.functions[name];

  describe('DynamoDB: each function may make the calls its adapters make, on the table only', () => {
    it.each([
      ['processor', ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem']],
      ['survey', ['Query', 'UpdateItem']],
      ['unsubscribe', ['Query', 'UpdateItem']],
      ['feedback', ['GetItem', 'Query', 'UpdateItem']],
      [
        'api',
        ['BatchWriteItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      ],
      ['router', []],
    ] as const)('the %s function: %j', (name, expected) => {
      const statements = prefixed('dynamodb', statementsOf(template, fn(name)));
      const actions = statements.flatMap(actionsOf).map((a) => a.replace('dynamodb:', ''));
      expect([...new Set(actions)].sort()).toEqual([...expected]);
      for (const resource of statements.flatMap(resourcesOf)) {
        expect(resource).toEqual(getAtt(idOf(built.stack.data.table)));
      }
    });

    it('never allows a scan, a batch read or a table description to any function', () => {
      for (const { fn: f } of built.stack.functions.all) {
        const actions = statementsOf(template, f).flatMap(actionsOf);
        for (const forbidden of [
          'dynamodb:Scan',
          'dynamodb:BatchGetItem',
          'dynamodb:DescribeTable',
          'dynamodb:*',
        ]) {
          expect(actions, f.serviceName).not.toContain(forbidden);
        }
      }
    });
  });

  describe('SQS: each function names only the queues it uses', () => {
    it.each([
      ['router', ['customerQueue', 'invalidEvents', 'ingestDlq']],
      ['processor', ['customerQueue']],
      ['survey', []],
      ['unsubscribe', []],
      ['feedback', ['invalidEvents', 'sesEventsDlq']],
      ['api', []],
    ] as const)('the %s function: %j', (name, queues) => {
      const { messaging } = built.stack;
      const resources = prefixed('sqs', statementsOf(template, fn(name)))
        .flatMap(resourcesOf)
        .map((r) => JSON.stringify(r));
      expect([...new Set(resources)].sort()).toEqual(
        queues.map((q) => JSON.stringify(getAtt(idOf(messaging[q])))).sort(),
      );
    });

    it('the processor may postpone a message of the customer queue, and sends to none', () => {
      const actions = prefixed('sqs', statementsOf(template, fn('processor'))).flatMap(actionsOf);
      expect(actions).toContain('sqs:ChangeMessageVisibility');
      expect(actions).not.toContain('sqs:SendMessage');
    });

    it('the sms-delivery function sends only to its own dead-letter queue', () => {
      const withSms = build({ overrides: { sms: { senderId: 'Careflow' } } });
      const smsDelivery = withSms.stack.smsDelivery;
      if (!smsDelivery) throw new Error('no SMS delivery with SMS configured');
      const resources = prefixed('sqs', statementsOf(Template.fromStack(withSms.stack), smsDelivery.handler))
        .flatMap(resourcesOf)
        .map((r) => JSON.stringify(r));
      expect([...new Set(resources)]).toEqual([JSON.stringify(getAtt(idOf(smsDelivery.deadLetterQueue)))]);
    });
  });

  describe('queue retention', () => {
    const retentionOf = (queue: Parameters<typeof idOf>[0]): unknown =>
      (template.findResources('AWS::SQS::Queue')[idOf(queue)] as { Properties: Json }).Properties
        .MessageRetentionPeriod;

    it('keeps every dead-letter and parking queue 14 days, the most SQS allows', () => {
      const { customerDlq, ingestDlq, invalidEvents, wakeDlq, sesEventsDlq } = built.stack.messaging;
      for (const queue of [customerDlq, ingestDlq, invalidEvents, wakeDlq, sesEventsDlq]) {
        expect(retentionOf(queue), queue.node.path).toBe(14 * 24 * 3600);
      }
    });

    it('keeps customer messages 4 days, well inside their dead-letter queue retention', () => {
      expect(retentionOf(built.stack.messaging.customerQueue)).toBe(4 * 24 * 3600);
    });

    it('keeps the SMS delivery dead-letter queue 14 days', () => {
      const withSms = build({ overrides: { sms: { senderId: 'Careflow' } } });
      const dlq = withSms.stack.smsDelivery?.deadLetterQueue;
      if (!dlq) throw new Error('no SMS delivery DLQ with SMS configured');
      const props = (
        Template.fromStack(withSms.stack).findResources('AWS::SQS::Queue')[idOf(dlq)] as {
          Properties: Json;
        }
      ).Properties;
      expect(props.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    });
  });

  describe('SES: sending from the sender identity', () => {
    const sesResources = (t: Template, f: CareflowFunction): string =>
      JSON.stringify(prefixed('ses', statementsOf(t, f)).flatMap(resourcesOf));

    it('allows the sender domain identity for a sender on its subdomain', () => {
      const { stack } = build({
        overrides: { senderEmail: 'care@mail.shop.example', senderDomain: 'shop.example' },
      });
      const t = Template.fromStack(stack);
      for (const f of [stack.functions.processor, stack.functions.api]) {
        const resources = sesResources(t, f);
        expect(resources).toContain(':identity/care@mail.shop.example"');
        expect(resources).toContain(':identity/mail.shop.example"');
        expect(resources).toContain(':identity/shop.example"');
        expect(resources).toContain(':configuration-set/');
        expect(resources).not.toContain(':identity/example"');
      }
    });

    it('allows every domain between a deeper subdomain and the sender domain, and no other', () => {
      const { stack } = build({
        overrides: { senderEmail: 'care@eu.mail.shop.example', senderDomain: 'shop.example' },
      });
      const resources = sesResources(Template.fromStack(stack), stack.functions.processor);
      const identities = [...resources.matchAll(/:identity\/([^"]+)"/g)].map((m) => m[1]).sort();
      expect(identities).toEqual([
        'care@eu.mail.shop.example',
        'eu.mail.shop.example',
        'mail.shop.example',
        'shop.example',
      ]);
    });

    it('allows only the address and its domain without a sender domain', () => {
      const resources = sesResources(template, fn('processor'));
      const identities = [...resources.matchAll(/:identity\/([^"]+)"/g)].map((m) => m[1]).sort();
      expect(identities).toEqual(['example.com', 'noreply@example.com']);
    });
  });

  describe('HTTP API throttling', () => {
    const stageProps = (t: Template): Json =>
      (Object.values(t.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: Json }).Properties;
    const publicKeys = httpRoutes.filter((r) => r.auth === 'none').map((r) => `${r.method} ${r.path}`);
    const adminKeys = httpRoutes.filter((r) => r.auth === 'iam').map((r) => `${r.method} ${r.path}`);

    it('gives each public route its own limits, so the admin routes keep the stage limits', () => {
      expect(publicKeys.length).toBeGreaterThan(0);
      const props = stageProps(template);
      expect(props.DefaultRouteSettings).toMatchObject({
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      });
      const settings = props.RouteSettings as Record<string, Json>;
      expect(Object.keys(settings).sort()).toEqual([...publicKeys].sort());
      for (const key of publicKeys) {
        expect(settings[key]).toEqual({
          ThrottlingRateLimit: publicRouteThrottle.rateLimit,
          ThrottlingBurstLimit: publicRouteThrottle.burstLimit,
        });
      }
      for (const key of adminKeys) expect(settings[key]).toBeUndefined();
    });

    it('never lets a public route above the stage limits an operator lowered', () => {
      const lowered = build({ overrides: { apiRateLimit: 5, apiBurstLimit: 30 } });
      const settings = stageProps(Template.fromStack(lowered.stack)).RouteSettings as Record<string, Json>;
      for (const key of publicKeys) {
        expect(settings[key]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 30 });
      }
    });

    it('creates the public routes before the stage that names them', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
        DependsOn?: string[];
      };
      for (const route of built.stack.api.publicRoutes) {
        expect(stage.DependsOn ?? []).toContain(idOf(route));
      }
    });
  });
});
