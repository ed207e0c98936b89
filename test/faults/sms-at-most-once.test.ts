import {
  CheckIfPhoneNumberIsOptedOutCommand,
  InternalErrorException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProcessorHandler } from '../../functions/processor/handler.js';
import { createLocalDynamoDbClient } from '../../infra/local/dynamodb-local.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoCustomerStore } from '../../shared/adapters/dynamodb/customer-store.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { DynamoMessageLog } from '../../shared/adapters/dynamodb/message-log.js';
import { engineDeps } from '../../shared/adapters/wiring/processor.js';
import { contactHistory } from '../../shared/app/contact-history.js';
import type { EngineDeps } from '../../shared/app/deps.js';
import { loadConfig } from '../../shared/config/config.js';
import { Journey, type JourneyInput } from '../../shared/domain/journey/definition.js';
import { FakeClock, silentLogger } from '../support/fakes.js';
import { DynamoFaults, isInstanceItem, isMessageItem } from './support/dynamodb-faults.js';
import { START, useFaultWorld } from './support/harness.js';

/**
 * SMS at most once through the real processor wiring (decisions 0002 and 0032): SNS on
 * aws-sdk-client-mock, DynamoDB Local with fault injection, a deployment that names a sender id.
 */
const { db } = useFaultWorld();
const sns = mockClient(SNSClient);

/** A text as soon as a parcel is delivered (care, no wait). */
const parcelText: JourneyInput = {
  id: 'parcel-text',
  name: 'Text on delivery',
  category: 'care',
  version: 1,
  trigger: { 'detail-type': ['Parcel Texted'] },
  start: 'text',
  steps: {
    text: { type: 'sendSms', template: 'thank-you-referral', next: 'end' },
    end: { type: 'exit' },
  },
};

beforeAll(async () => {
  await new DynamoJourneyStore({ doc: db.doc, tableName: db.tableName }).putPublished(
    Journey.parse(parcelText),
  );
});

beforeEach(() => {
  sns.reset();
  sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
  let accepted = 0;
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: `sns-${++accepted}` }));
});

const timedOut = () => Object.assign(new Error('socket timed out after 10000 ms'), { name: 'TimeoutError' });
const throttled = () =>
  new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

/** One customer with a phone number, and a processor with SMS as a deployment wires it. */
const smsWorld = async () => {
  const clock = new FakeClock(START);
  const faults = new DynamoFaults();
  const client = createLocalDynamoDbClient(db.endpoint);
  faults.attach(client);
  const table = { doc: createDocumentClient(client), tableName: db.tableName, retentionDays: 30 };
  const config = loadConfig({
    CAREFLOW_TABLE_NAME: db.tableName,
    CAREFLOW_EVENT_BUS_NAME: 'careflow-faults',
    CAREFLOW_CUSTOMER_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:careflow-customers.fifo',
    CAREFLOW_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/careflow-scheduler',
    CAREFLOW_SENDER_EMAIL: 'care@shop.example',
    CAREFLOW_SIGNING_SECRET: 'fault-injection-signing-key-0123',
    CAREFLOW_RETENTION_DAYS: '30',
    CAREFLOW_SMS_SENDER_ID: 'Shop',
  });
  const wired = await engineDeps(config, { clock, logger: silentLogger });
  // The hot path — load, save, claim, settle, release — goes through the client with faults.
  const deps: EngineDeps = {
    ...wired,
    customers: new DynamoCustomerStore(table),
    messages: new DynamoMessageLog(table),
  };
  const customerId = `c-${crypto.randomUUID()}`;
  const phone = `+4915${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  let seq = 0;

  const sqsRecord = (body: unknown): SQSRecord => {
    seq += 1;
    return {
      messageId: `sqs-${seq}`,
      receiptHandle: `sqs-${seq}`,
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'router',
        ApproximateFirstReceiveTimestamp: '0',
        MessageGroupId: customerId,
        MessageDeduplicationId: `dedup-${seq}`,
        SequenceNumber: String(seq),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:careflow-customers.fifo',
      awsRegion: 'eu-west-1',
    };
  };

  /** One invocation of the processor with these messages; the ids it reports failed. */
  const deliver = async (...bodies: unknown[]): Promise<string[]> => {
    const records = bodies.map(sqsRecord);
    const handler = createProcessorHandler(async () => deps);
    const response = await handler({ Records: records }, lambdaContext('processor'));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    return records.filter((r) => failed.has(r.messageId)).map((r) => r.messageId);
  };

  const event = (detailType: string, detail: Record<string, unknown> = {}) => ({
    version: '0',
    id: `evt-${crypto.randomUUID()}`,
    'detail-type': detailType,
    source: 'shop',
    account: '123456789012',
    time: clock.now(),
    region: 'eu-west-1',
    resources: [],
    detail: { customerId, ...detail },
  });

  const signUp = async () => {
    const failed = await deliver(
      event('Customer Profile Updated', { phone, name: 'Ada', consent: { sms: true } }),
    );
    if (failed.length > 0) throw new Error('could not create the customer');
  };

  /** What the customer would notice: the SMS SNS was asked to publish to their number. */
  const publishes = () =>
    sns.commandCalls(PublishCommand).filter((call) => call.args[0].input.PhoneNumber === phone);

  const history = () =>
    contactHistory({ messages: new DynamoMessageLog({ ...table, doc: db.doc }) }, customerId);

  return { clock, faults, deliver, event, signUp, publishes, history };
};

describe('fault injection: SMS', () => {
  it('SNS accepts the SMS, then the Lambda dies before the log update: the retry does not send again', async () => {
    // prepare: the moment SNS has accepted the SMS, the function "times out".
    const w = await smsWorld();
    await w.signUp();
    const texted = w.event('Parcel Texted', { parcelId: 'p-1' });
    sns.on(PublishCommand).callsFake(async () => {
      w.faults.failEverything(() =>
        Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'TimeoutError' }),
      );
      return { MessageId: 'sns-accepted' };
    });

    // act
    expect(await w.deliver(texted)).toHaveLength(1);
    w.faults.clear();
    sns.on(PublishCommand).resolves({ MessageId: 'sns-would-be-a-second-copy' });
    expect(await w.deliver(texted)).toEqual([]);

    // assess: the claim has no outcome, and the SMS is not sent again.
    expect(w.publishes()).toHaveLength(1);
    expect(await w.history()).toEqual([
      expect.objectContaining({ channel: 'sms', stepId: 'text', status: 'sending' }),
    ]);
  });

  it.each([
    ['a request timeout', timedOut],
    [
      'a 500 from SNS',
      () => new InternalErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
    ],
  ])(
    '%s after the publish may have happened: unknown, and no second SMS when the Lambda is retried',
    async (_name, makeError) => {
      // prepare: the publish fails as it may have gone out, and the instance save fails on every
      // attempt, so the record fails and the step is computed again on the retry.
      const w = await smsWorld();
      await w.signUp();
      const texted = w.event('Parcel Texted', { parcelId: 'p-1' });
      sns.on(PublishCommand).rejects(makeError());
      w.faults.on(
        isInstanceItem,
        (call) => {
          if (call.operation === 'PutItem') throw timedOut();
        },
        Number.POSITIVE_INFINITY,
      );

      // act
      expect(await w.deliver(texted)).toHaveLength(1);
      w.faults.clear();
      sns.on(PublishCommand).resolves({ MessageId: 'sns-would-be-a-second-copy' });
      expect(await w.deliver(texted)).toEqual([]);
      expect(await w.deliver(texted)).toEqual([]);

      // assess
      expect(w.publishes()).toHaveLength(1);
      expect(await w.history()).toEqual([
        expect.objectContaining({ channel: 'sms', stepId: 'text', status: 'unknown' }),
      ]);
    },
  );

  it('the opt-out check is throttled: nothing is sent, the claim is released, and the retry sends once', async () => {
    // prepare: the sender retries the check twice in process, then hands the message back.
    const w = await smsWorld();
    await w.signUp();
    const texted = w.event('Parcel Texted', { parcelId: 'p-1' });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(throttled());

    // act
    expect(await w.deliver(texted)).toHaveLength(1);

    // assess
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(3);
    expect(w.publishes()).toHaveLength(0);
    expect(await w.history()).toEqual([]);

    // act: the queue delivers the event again, once SNS answers.
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
    w.clock.advance(60_000);
    expect(await w.deliver(texted)).toEqual([]);
    expect(await w.deliver(texted)).toEqual([]);

    // assess
    expect(w.publishes()).toHaveLength(1);
    expect(await w.history()).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent' })]);
  });

  it.each([
    ['throttled', throttled],
    [
      'refused before any connection',
      () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
  ])(
    'a publish %s was not sent: the claim is released and the retry sends it once',
    async (_name, makeError) => {
      // prepare
      const w = await smsWorld();
      await w.signUp();
      const texted = w.event('Parcel Texted', { parcelId: 'p-1' });
      sns.on(PublishCommand).rejects(makeError());

      // act
      expect(await w.deliver(texted)).toHaveLength(1);
      expect(await w.history()).toEqual([]);
      sns.on(PublishCommand).resolves({ MessageId: 'sns-later' });
      w.clock.advance(60_000);
      expect(await w.deliver(texted)).toEqual([]);
      expect(await w.deliver(texted)).toEqual([]);

      // assess: every attempt before the retry was refused; one SMS went out.
      const accepted = await Promise.allSettled(w.publishes().map((call) => call.returnValue));
      expect(accepted.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      expect(await w.history()).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent' })]);
    },
  );

  it('the message log cannot record the claim: nothing is published until it can', async () => {
    // prepare: every attempt of the claim fails (the SDK retries it before giving up).
    const w = await smsWorld();
    await w.signUp();
    const texted = w.event('Parcel Texted', { parcelId: 'p-1' });
    w.faults.on(
      isMessageItem,
      (call) => {
        if (call.operation === 'PutItem') throw timedOut();
      },
      Number.POSITIVE_INFINITY,
    );

    // act
    expect(await w.deliver(texted)).toHaveLength(1);

    // assess
    expect(w.publishes()).toHaveLength(0);

    // act: DynamoDB is back when the queue delivers the event again.
    w.faults.clear();
    expect(await w.deliver(texted)).toEqual([]);

    // assess
    expect(w.publishes()).toHaveLength(1);
    expect(await w.history()).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent' })]);
  });
});
