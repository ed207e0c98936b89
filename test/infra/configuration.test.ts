import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../infra/stacks/careflow-stack.js';
import { StackOutput } from '../../infra/stacks/outputs.js';
import { Env } from '../../shared/config/env.js';
import { build, cdkJsonContext, idOf, type Json, propsOf } from './support.js';

const processorEnv = (built: ReturnType<typeof build>): Json => {
  const template = Template.fromStack(built.stack);
  const fn = propsOf(template, 'AWS::Lambda::Function', idOf(built.stack.functions.processor.fn)) as {
    Environment: { Variables: Json };
  };
  return fn.Environment.Variables;
};

describe('deployment configuration from CDK context', () => {
  it('deploys to the given account and region, and is environment-agnostic without them', () => {
    const pinned = build({
      context: { 'careflow:account': '123456789012', 'careflow:region': 'eu-central-1' },
    });
    expect(pinned.stack.account).toBe('123456789012');
    expect(pinned.stack.region).toBe('eu-central-1');

    const agnostic = build();
    expect(Token.isUnresolved(agnostic.stack.account)).toBe(true);
    expect(Token.isUnresolved(agnostic.stack.region)).toBe(true);
  });

  it.each([
    [{ 'careflow:account': '1234' }, /careflow:account must be a 12-digit/],
    [{ 'careflow:region': 'Frankfurt' }, /careflow:region must be an AWS region/],
    [{ 'careflow:logRetentionDays': '42' }, /careflow:logRetentionDays must be one of .*30, 60, 90/],
    [{ 'careflow:logRetentionDays': 'a month' }, /careflow:logRetentionDays must be a whole number/],
    [{ 'careflow:quietHours': '22-7' }, /careflow:quietHours must be HH:MM-HH:MM/],
    [{ 'careflow:frequencyCap': 'three a week' }, /careflow:frequencyCap must be N\/<ISO duration>/],
    [{ 'careflow:defaultTimeZone': 'Mars/Olympus' }, /careflow:defaultTimeZone must be an IANA time zone/],
    [
      { 'careflow:processorMaxConcurrency': '1' },
      /careflow:processorMaxConcurrency must be a whole number from 2 to 1000/,
    ],
    [{ 'careflow:senderDomain': 'not a domain' }, /careflow:senderDomain must be a domain name/],
    [
      { 'careflow:senderDomain': 'shop.example', 'careflow:senderEmail': 'care@other.example' },
      /careflow:senderEmail must be an address on careflow:senderDomain/,
    ],
    [{ 'careflow:publicBaseUrl': 'care.shop.example' }, /careflow:publicBaseUrl must be an https URL/],
    [{ 'careflow:publicBaseUrl': 'http://care.shop.example' }, /careflow:publicBaseUrl must be an https URL/],
    [{ 'careflow:publicBaseUrl': 'https://' }, /careflow:publicBaseUrl must be an https URL/],
    [{ 'careflow:alarmEmail': 'ops team' }, /careflow:alarmEmail must be an email address/],
    [{ 'careflow:apiRateLimit': '0' }, /careflow:apiRateLimit must be a positive whole number/],
    [{ 'careflow:apiRateLimit': '-5' }, /careflow:apiRateLimit must be a positive whole number/],
    [{ 'careflow:apiRateLimit': '12.5' }, /careflow:apiRateLimit must be a whole number/],
    [{ 'careflow:apiBurstLimit': '0' }, /careflow:apiBurstLimit must be a positive whole number/],
    [{ 'careflow:apiBurstLimit': 'lots' }, /careflow:apiBurstLimit must be a whole number/],
    [{ 'careflow:retentionDays': 'half a year' }, /careflow:retentionDays must be a whole number/],
    [{ 'careflow:tracing': 'yes' }, /careflow:tracing must be true or false: got 'yes'/],
    [{ 'careflow:tracing': 'TRUE' }, /careflow:tracing must be true or false/],
    [{ 'careflow:platformLogs': '1' }, /careflow:platformLogs must be true or false: got '1'/],
    [{ 'careflow:tracng': 'true' }, /unknown context key careflow:tracng: careflow reads careflow:stage, /],
  ])('refuses %o, naming the key', (context, message) => {
    expect(() => build({ context })).toThrow(message);
  });

  it.each([
    ['a host', 'https://care.shop.example/', 'https://care.shop.example/'],
    ['a path', 'https://shop.example/care', 'https://shop.example/care'],
  ])('takes an https public base URL (%s) and gives it to the functions', (_case, url, expected) => {
    expect(processorEnv(build({ context: { 'careflow:publicBaseUrl': url } }))[Env.publicBaseUrl]).toBe(
      expected,
    );
  });

  it.each([
    [true, true],
    ['true', true],
    [false, false],
    ['false', false],
    [undefined, false],
  ])('reads careflow:tracing and careflow:platformLogs given as %o as %o', (value, expected) => {
    const context = value === undefined ? {} : { 'careflow:tracing': value, 'careflow:platformLogs': value };
    const { stack } = build({ context });
    const template = Template.fromStack(stack);
    const processor = propsOf(template, 'AWS::Lambda::Function', idOf(stack.functions.processor.fn)) as {
      TracingConfig?: { Mode: string };
      LoggingConfig: { SystemLogLevel: string };
    };
    expect(processor.TracingConfig?.Mode === 'Active').toBe(expected);
    expect(processor.LoggingConfig.SystemLogLevel).toBe(expected ? 'INFO' : 'WARN');
  });

  it('subscribes a valid alarm address', () => {
    const template = Template.fromStack(
      build({ context: { 'careflow:alarmEmail': 'ops@shop.example' } }).stack,
    );
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@shop.example',
    });
  });

  it('accepts an API burst below the rate, as API Gateway does', () => {
    const template = Template.fromStack(
      build({ context: { 'careflow:apiRateLimit': '100', 'careflow:apiBurstLimit': '20' } }).stack,
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 20 },
    });
  });

  it('passes the default frequency cap, quiet hours and time zone to the processor', () => {
    const env = processorEnv(build());
    expect(env[Env.frequencyCap]).toBe(defaultLimits.frequencyCap);
    expect(env[Env.quietHours]).toBe(defaultLimits.quietHours);
    expect(env[Env.defaultTimeZone]).toBe(defaultLimits.defaultTimeZone);
  });

  it('passes configured limits to the processor', () => {
    const env = processorEnv(
      build({
        context: {
          'careflow:frequencyCap': '2/P1D',
          'careflow:quietHours': '20:00-09:30',
          'careflow:defaultTimeZone': 'Europe/Berlin',
        },
      }),
    );
    expect(env).toMatchObject({
      [Env.frequencyCap]: '2/P1D',
      [Env.quietHours]: '20:00-09:30',
      [Env.defaultTimeZone]: 'Europe/Berlin',
    });
  });

  it('passes the wake-up DLQ to the processor, so schedules carry a dead-letter config', () => {
    const built = build();
    expect(processorEnv(built)[Env.wakeDlqArn]).toEqual({
      'Fn::GetAtt': [idOf(built.stack.messaging.wakeDlq), 'Arn'],
    });
  });

  it('sets the log retention of every log group', () => {
    const template = Template.fromStack(build({ context: { 'careflow:logRetentionDays': '90' } }).stack);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('caps the processor concurrency when asked', () => {
    const template = Template.fromStack(
      build({ context: { 'careflow:processorMaxConcurrency': '5' } }).stack,
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const uncapped = Template.fromStack(build().stack);
    uncapped.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: Match.absent() });
  });

  it('throttles the HTTP API as configured', () => {
    const template = Template.fromStack(
      build({ context: { 'careflow:apiRateLimit': '20', 'careflow:apiBurstLimit': '40' } }).stack,
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('creates the sender domain as an SES identity with Easy DKIM and outputs the DNS records', () => {
    const built = build({
      context: { 'careflow:senderDomain': 'Shop.Example', 'careflow:senderEmail': 'care@mail.shop.example' },
    });
    const template = Template.fromStack(built.stack);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'shop.example',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: idOf(built.stack.email.configurationSet) } },
      DkimAttributes: { SigningEnabled: true },
    });
    const output = template.findOutputs(StackOutput.dkimRecords);
    expect(JSON.stringify(output)).toContain('DkimDNSTokenName1');
    expect(JSON.stringify(output)).toContain('DkimDNSTokenValue3');
  });

  it('creates no SES identity without a sender domain', () => {
    Template.fromStack(build().stack).resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('outputs what the operator commands look up', () => {
    const outputs = Template.fromStack(build().stack).findOutputs('*');
    for (const key of [
      StackOutput.customerQueueUrl,
      StackOutput.customerDlqUrl,
      StackOutput.ingestDlqUrl,
      StackOutput.invalidEventsQueueUrl,
      StackOutput.wakeDlqUrl,
      StackOutput.sesEventsDlqUrl,
      StackOutput.feedbackFunctionName,
      StackOutput.eventBusName,
      StackOutput.dashboardName,
    ]) {
      expect(outputs[key], key).toBeDefined();
    }
  });
});

describe('CDK feature flags', () => {
  /** Flags deliberately not at the recommended value, each with its reason in docs/decisions/0045. */
  const deliberate: Record<string, unknown> = {
    '@aws-cdk/core:enableAdditionalMetadataCollection': false,
  };

  it('sets every currently recommended flag in cdk.json (the tests synthesize with them)', () => {
    const context = cdkJsonContext();
    const notRecommended = Object.entries(CURRENTLY_RECOMMENDED_FLAGS)
      .filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(deliberate[flag] ?? value))
      .map(([flag]) => flag);
    expect(notRecommended).toEqual([]);
    for (const [flag, value] of Object.entries(deliberate)) expect(context[flag], flag).toEqual(value);
  });
});
