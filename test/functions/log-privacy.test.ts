import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFeedbackHandler } from '../../functions/feedback/handler.js';
import { createProcessorHandler } from '../../functions/processor/handler.js';
import { createSurveyHandler } from '../../functions/survey/handler.js';
import { createUnsubscribeHandler } from '../../functions/unsubscribe/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { DynamoCustomerStore } from '../../shared/adapters/dynamodb/customer-store.js';
import { DynamoMessageDeliveryLog } from '../../shared/adapters/dynamodb/message-delivery.js';
import { DynamoMessageLog } from '../../shared/adapters/dynamodb/message-log.js';
import { DynamoSuppressionList } from '../../shared/adapters/dynamodb/suppression-list.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge/eventbridge-publisher.js';
import { createLogger } from '../../shared/adapters/logger.js';
import { encodeTagValue } from '../../shared/adapters/ses/ses-email-sender.js';
import { SendDeferredError, SendRejectedError } from '../../shared/app/errors.js';
import { surveyLinks } from '../../shared/app/survey-links.js';
import { unsubscribeUrl } from '../../shared/app/unsubscribe.js';
import { postPurchaseSurvey } from '../../shared/domain/defaults/post-purchase-survey.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { aMessage, aProfile } from '../integration/dynamodb/fixtures.js';
import { makeWorld } from '../support/app.js';
import { useDynamoDb } from '../support/dynamodb.js';
import { FakeClock } from '../support/fakes.js';
import { linkRequest } from '../support/link-requests.js';
import { logLines } from '../support/log-lines.js';
import { busEvent, queueRecord } from '../support/queue-records.js';

/**
 * What each function writes to its log, at DEBUG and at INFO, with the production logger: never
 * an e-mail address, a phone number, a name, a subject, a message body or a survey comment.
 */

const EMAIL = 'ada.lovelace@example.com';
const PHONE = '+4915112345678';
const NAME = 'Ada Lovelace';
const SUBJECT = 'Your parcel 4711 is on its way, Ada Lovelace';
const COMMENT = 'The parcel arrived soaked and the courier was rude';
const LEVELS = ['DEBUG', 'INFO'] as const;

/** Everything the production logger writes while `act` runs: the text, and each line's message. */
const logOutput = async (act: () => Promise<unknown>): Promise<{ text: string; messages: string[] }> => {
  const { text, lines } = await logLines(act);
  return { text, messages: lines.map((line) => String(line.message)) };
};

/** Fails naming the first piece of personal data found in the log text. */
const expectNoneOf = (text: string, personal: readonly string[]) => {
  for (const value of personal) expect(text, `the log contains "${value}"`).not.toContain(value);
};

/** The address, the phone number (international and national), the name. */
const CONTACT = [EMAIL, 'ada.lovelace', PHONE, '15112345678', '12345678', NAME, 'Lovelace'] as const;

beforeEach(() => {
  // One JSON object per line, as in Lambda.
  vi.stubEnv('POWERTOOLS_DEV', '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('feedback function logs', () => {
  const db = useDynamoDb();
  const eventBridge = mockClient(EventBridgeClient);
  const table = () => ({ doc: db.doc, tableName: db.tableName, retentionDays: 90 });
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  });

  const handlerAt = (level: string) =>
    createFeedbackHandler(async () => ({
      clock: new FakeClock('2026-11-03T10:05:00.000Z'),
      logger: createLogger({ level }),
      deliveries: new DynamoMessageDeliveryLog(table()),
      suppressions: new DynamoSuppressionList(table()),
      customers: new DynamoCustomerStore(table()),
      events: new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), 'careflow-test', {
        sleep: async () => {},
      }),
      deadLetters: { keep: async () => {} },
    }));

  /** An SES event as EventBridge delivers it, with the recipient in every place SES puts it. */
  const sesEvent = (
    detailType: string,
    eventType: string,
    body: Record<string, unknown>,
    tags: Record<string, string[]>,
  ) => ({
    version: '0',
    id: `ses-${crypto.randomUUID()}`,
    'detail-type': detailType,
    source: 'aws.ses',
    account: '123456789012',
    time: '2026-11-03T10:00:01Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventType,
      mail: {
        timestamp: '2026-11-03T10:00:00.000Z',
        source: 'Shop Care <care@shop.example>',
        messageId: '0102019a-ses-1',
        destination: [EMAIL],
        headersTruncated: false,
        headers: [
          { name: 'To', value: `${NAME} <${EMAIL}>` },
          { name: 'Subject', value: SUBJECT },
        ],
        commonHeaders: {
          from: ['Shop Care <care@shop.example>'],
          to: [`${NAME} <${EMAIL}>`],
          subject: SUBJECT,
        },
        tags: { 'ses:configuration-set': ['careflow-test'], ...tags },
      },
      ...body,
    },
  });

  const bounce = (bounceType: string) => ({
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [
        {
          emailAddress: EMAIL,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: `smtp; 550 5.1.1 <${EMAIL}>: user unknown`,
        },
      ],
      timestamp: '2026-11-03T10:00:02.000Z',
      feedbackId: 'feedback-1',
    },
  });

  it.each(LEVELS)('never writes the recipient, the name or the subject at %s', async (level) => {
    // prepare
    const customerId = `c-${crypto.randomUUID()}`;
    await new DynamoCustomerStore(table()).saveProfile(
      aProfile({ customerId, email: EMAIL, phone: PHONE, name: NAME }),
    );
    const sent = aMessage({
      customerId,
      messageId: 'i-1.invite.1',
      instanceId: 'i-1',
      to: EMAIL,
      subject: SUBJECT,
      status: 'sent',
      providerMessageId: '0102019a-ses-1',
    });
    await new DynamoMessageLog(table()).claim(sent);
    const tags = { messageId: [encodeTagValue(sent.messageId)], customerId: [encodeTagValue(customerId)] };
    const events = [
      sesEvent(
        'Email Delivered',
        'Delivery',
        {
          delivery: {
            timestamp: '2026-11-03T10:00:02.000Z',
            recipients: [EMAIL],
            smtpResponse: `250 ok <${EMAIL}>`,
          },
        },
        tags,
      ),
      sesEvent('Email Bounced', 'Bounce', bounce('Transient'), tags),
      sesEvent(
        'Email Complaint Received',
        'Complaint',
        {
          complaint: {
            complainedRecipients: [{ emailAddress: EMAIL }],
            timestamp: '2026-11-03T10:00:03.000Z',
            complaintFeedbackType: 'abuse',
          },
        },
        tags,
      ),
      sesEvent('Email Bounced', 'Bounce', bounce('Permanent'), tags),
      // Not tagged by careflow, of a message it does not know, of a type it does not record, broken.
      sesEvent('Email Bounced', 'Bounce', bounce('Permanent'), {}),
      sesEvent('Email Bounced', 'Bounce', bounce('Permanent'), {
        messageId: ['unknown.1'],
        customerId: [customerId],
      }),
      sesEvent(
        'Email Delivery Delayed',
        'DeliveryDelay',
        { deliveryDelay: { delayedRecipients: [{ emailAddress: EMAIL }] } },
        tags,
      ),
      sesEvent('Email Bounced', 'Bounce', { bounce: { bouncedRecipients: [{ emailAddress: EMAIL }] } }, tags),
    ];
    const handler = handlerAt(level);

    // act
    const { text, messages } = await logOutput(async () => {
      for (const event of events) await handler(event, lambdaContext('feedback'));
    });

    // assess
    expect(messages).toEqual(expect.arrayContaining(['addresses suppressed', 'invalid SES event kept']));
    if (level === 'DEBUG') expect(messages).toContain('SES event type not recorded');
    expectNoneOf(text, [...CONTACT, SUBJECT, 'parcel 4711']);
  });
});

describe('processor logs', () => {
  /** Thanks a buyer by email, then by SMS, with their name in the subject and the text. */
  const thankTwice: JourneyInput = {
    id: 'thank-twice',
    name: 'Thank twice',
    category: 'care',
    version: 1,
    trigger: { 'detail-type': ['Order Completed'] },
    audience: { consent: 'email' },
    reentry: { allowed: true },
    start: 'email',
    steps: {
      email: { type: 'sendEmail', template: 'thank-you-referral', next: 'sms' },
      sms: { type: 'sendSms', template: 'thank-you-referral', next: 'end' },
      end: { type: 'exit' },
    },
    goal: null,
  };
  const profile = (customerId: string) =>
    busEvent(`p-${customerId}`, customerId, 'Customer Profile Updated', {
      email: EMAIL,
      phone: PHONE,
      name: NAME,
      consent: { email: true, sms: true },
    });
  const order = (id: string, customerId: string) =>
    busEvent(id, customerId, 'Order Completed', { orderId: id, total: 20, currency: 'EUR' });

  it.each(LEVELS)('never writes contact data, subjects, texts or survey comments at %s', async (level) => {
    // prepare
    const world = await makeWorld([thankTwice, postPurchaseSurvey]);
    const handler = createProcessorHandler(async () => ({ ...world.deps, logger: createLogger({ level }) }));
    const answered = busEvent('s-1', 'c-a', 'Survey Answered', {
      surveyId: 'i-1.invite.1',
      kind: 'nps',
      score: 2,
      comment: COMMENT,
      revision: 1,
    });

    // act
    const { text, messages } = await logOutput(async () => {
      await handler(
        {
          Records: [
            queueRecord('m1', 'c-a', profile('c-a')),
            queueRecord('m2', 'c-a', order('o-1', 'c-a')),
            queueRecord('m3', 'c-a', answered),
          ],
        },
        lambdaContext('processor'),
      );
      // Providers that refuse or defer, naming the address and the number in their error.
      world.email.failWith = new SendRejectedError(
        `Email address is not verified. The following identities failed the check: ${EMAIL}`,
      );
      world.sms.failWith = new SendDeferredError(`Throttled: too many messages to ${PHONE} (0151 12345678)`);
      await handler(
        {
          Records: [queueRecord('m4', 'c-b', profile('c-b')), queueRecord('m5', 'c-b', order('o-2', 'c-b'))],
        },
        lambdaContext('processor'),
      );
    });

    // assess
    const email = world.email.sent[0];
    const sms = world.sms.sent[0];
    expect(email?.subject).toContain(NAME);
    expect(sms?.text).toContain(NAME);
    expect(messages.filter((m) => m === 'event')).toHaveLength(4);
    expect(messages).toContain('record failed');
    if (level === 'DEBUG') expect(messages).toContain('instance advanced');
    expectNoneOf(text, [
      ...CONTACT,
      email?.subject ?? SUBJECT,
      'Thank you for recommending us',
      COMMENT,
      'soaked',
    ]);
  });
});

/** An HTTP API request to a public link endpoint. */
const request = (method: 'GET' | 'POST', path: 'surveys' | 'unsubscribe', token: string, body?: string) =>
  linkRequest(method, path, token, body === undefined ? {} : { body });

describe('survey function logs', () => {
  it.each(LEVELS)('never writes the comment of an answer at %s', async (level) => {
    // prepare
    const world = await makeWorld();
    await world.customers.saveProfile(
      aProfile({ customerId: 'c-a', email: EMAIL, phone: PHONE, name: NAME }),
    );
    const deps = { ...world.deps, logger: createLogger({ level }) };
    const { token } = surveyLinks(
      {
        surveyId: 'i-1.invite.1',
        customerId: 'c-a',
        kind: 'nps',
        journeyId: 'post-purchase-survey',
        instanceId: 'i-1',
        orderId: 'o-1',
      },
      deps.links,
      world.clock.now(),
    );
    const handler = createSurveyHandler(async () => deps);
    const withContact = `${COMMENT}. Call me on 0151 12345678 or ${PHONE}, or write to ${EMAIL}`;

    // act
    const { text, messages } = await logOutput(async () => {
      await handler(request('GET', 'surveys', token), lambdaContext('survey'));
      await handler(
        request('POST', 'surveys', token, `score=2&comment=${encodeURIComponent(withContact)}`),
        lambdaContext('survey'),
      );
      await handler(
        request('POST', 'surveys', token, `score=11&comment=${encodeURIComponent(COMMENT)}`),
        lambdaContext('survey'),
      );
      // A store that fails.
      world.surveys.record = async () => {
        throw new Error('throttled');
      };
      await handler(
        request('POST', 'surveys', token, `score=3&comment=${encodeURIComponent(COMMENT)}`),
        lambdaContext('survey'),
      );
    });

    // assess
    expect(world.events.published[0]?.detail.comment).toBe(withContact);
    expect(messages).toEqual(['survey answered', 'survey failed']);
    expectNoneOf(text, [...CONTACT, COMMENT, 'soaked', '12345678']);
  });
});

describe('unsubscribe function logs', () => {
  it.each(LEVELS)('never writes the address of the customer who unsubscribes at %s', async (level) => {
    // prepare
    const world = await makeWorld();
    await world.customers.saveProfile(
      aProfile({ customerId: 'c-a', email: EMAIL, phone: PHONE, name: NAME }),
    );
    const deps = { ...world.deps, requests: world.customers, logger: createLogger({ level }) };
    const url = unsubscribeUrl(
      { customerId: 'c-a', journeyId: 'win-back', messageId: 'i-1.offer.1' },
      deps.links,
      world.clock.now(),
    );
    const token = url.slice(url.lastIndexOf('/') + 1);
    const handler = createUnsubscribeHandler(async () => deps);

    // act
    const { text, messages } = await logOutput(async () => {
      await handler(request('GET', 'unsubscribe', token), lambdaContext('unsubscribe'));
      await handler(
        request('POST', 'unsubscribe', token, 'List-Unsubscribe=One-Click'),
        lambdaContext('unsubscribe'),
      );
      await handler(request('POST', 'unsubscribe', token, 'scope=all'), lambdaContext('unsubscribe'));
      await handler(
        request('POST', 'unsubscribe', token, `scope=${encodeURIComponent(EMAIL)}`),
        lambdaContext('unsubscribe'),
      );
      // A store that fails, naming the customer's address and number.
      world.customers.load = async () => {
        throw new Error(`profile of ${EMAIL} (${PHONE}, 0151 12345678) is unreadable`);
      };
      await handler(request('GET', 'unsubscribe', token), lambdaContext('unsubscribe'));
    });

    // assess
    expect(messages).toEqual(['unsubscribe requested', 'unsubscribe requested', 'unsubscribe failed']);
    expectNoneOf(text, CONTACT);
  });
});
