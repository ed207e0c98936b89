import {
  CheckIfPhoneNumberIsOptedOutCommand,
  InternalErrorException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { Journey, type JourneyInput } from '../../shared/domain/journey/definition.js';
import { isInstanceItem, isMessageItem } from './support/dynamodb-faults.js';
import { useFaultWorld } from './support/harness.js';

/**
 * SMS at most once through the real processor wiring (decisions 0002 and 0032): SNS on
 * aws-sdk-client-mock, DynamoDB Local with fault injection, a deployment that names a sender id.
 */
const { db, world } = useFaultWorld();
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
  const w = await world({ CAREFLOW_SMS_SENDER_ID: 'Shop' });
  const phone = `+4915${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

  const signUp = async () => {
    const failed = await w.deliver(
      w.event('Customer Profile Updated', { phone, name: 'Ada', consent: { sms: true } }),
    );
    if (failed.length > 0) throw new Error('could not create the customer');
  };

  /** What the customer would notice: the SMS SNS was asked to publish to their number. */
  const publishes = () =>
    sns.commandCalls(PublishCommand).filter((call) => call.args[0].input.PhoneNumber === phone);

  return { ...w, signUp, publishes };
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
