import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createProcessorHandler } from '../../../functions/processor/handler.js';
import { createLocalDynamoDbClient } from '../../../infra/local/dynamodb-local.js';
import { lambdaContext } from '../../../infra/local/lambda-context.js';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoCustomerStore } from '../../../shared/adapters/dynamodb/customer-store.js';
import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { DynamoMessageLog } from '../../../shared/adapters/dynamodb/message-log.js';
import { engineDeps } from '../../../shared/adapters/wiring/processor.js';
import { type ContactHistoryEntry, contactHistory } from '../../../shared/app/contact-history.js';
import type { EngineDeps } from '../../../shared/app/deps.js';
import type { Wake } from '../../../shared/app/ports.js';
import { loadConfig } from '../../../shared/config/config.js';
import { Journey, type JourneyInput } from '../../../shared/domain/journey/definition.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { FakeClock, silentLogger } from '../../support/fakes.js';
import { DynamoFaults } from './dynamodb-faults.js';

/**
 * The processor as it runs in AWS — the real handler, the real use cases, the composition root of
 * shared/adapters/wiring/processor.ts — with DynamoDB on DynamoDB Local (the hot-path adapters on a
 * client with fault injection), SES, EventBridge Scheduler and EventBridge on aws-sdk-client-mock,
 * and a clock the test moves. Only what a customer would notice is asserted: how many emails SES
 * was asked to send and accepted, and the contact history.
 */

export const ses = mockClient(SESv2Client);
export const scheduler = mockClient(SchedulerClient);
export const eventBridge = mockClient(EventBridgeClient);

/**
 * The bus as the PutEvents mock answers it: the entries it accepted, and a per-entry fault
 * (an error code answers that entry as failed, null accepts it).
 */
export const bus: {
  accepted: PutEventsRequestEntry[];
  failEntry: (entry: PutEventsRequestEntry) => string | null;
} = { accepted: [], failEntry: () => null };

export const START = '2026-11-02T09:00:00.000Z';
export const HOUR = 3_600_000;

/** A thank-you email as soon as a parcel is delivered (care, no wait). */
export const parcelThanks: JourneyInput = {
  id: 'parcel-thanks',
  name: 'Thanks on delivery',
  category: 'care',
  version: 1,
  trigger: { 'detail-type': ['Parcel Delivered'] },
  start: 'thanks',
  steps: {
    thanks: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
    end: { type: 'exit' },
  },
};

/** An apology, then a case for the care team and a note for the helpdesk, on every complaint. */
export const complaintCare: JourneyInput = {
  id: 'complaint-care',
  name: 'Complaint care',
  category: 'care',
  version: 1,
  trigger: { 'detail-type': ['Complaint Filed'] },
  start: 'sorry',
  steps: {
    sorry: { type: 'sendEmail', template: 'apology', next: 'case' },
    case: { type: 'emit', detailType: 'Care Case Requested', detail: { reason: 'complaint' }, next: 'note' },
    note: { type: 'emit', detailType: 'Complaint Acknowledged', next: 'end' },
    end: { type: 'exit' },
  },
};

/** The post-purchase survey's first part: an NPS invitation 24 hours after the order (a wake). */
export const surveyInvite: JourneyInput = {
  id: 'survey-invite',
  name: 'Survey invitation',
  category: 'care',
  version: 1,
  trigger: { 'detail-type': ['Order Completed'] },
  start: 'wait',
  steps: {
    wait: { type: 'wait', duration: 'PT24H', next: 'invite' },
    invite: { type: 'sendEmail', template: 'survey-nps', survey: { kind: 'nps' }, next: 'end' },
    end: { type: 'exit' },
  },
};

const ENV_KEYS = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;

export const useFaultWorld = () => {
  const db = useDynamoDb();
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    // The composition root builds its own DynamoDB client: point it at DynamoDB Local.
    for (const key of ENV_KEYS) saved.set(key, process.env[key]);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const journeys = new DynamoJourneyStore({ doc: db.doc, tableName: db.tableName });
    for (const journey of [parcelThanks, complaintCare, surveyInvite])
      await journeys.putPublished(Journey.parse(journey));
  });
  afterAll(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  beforeEach(() => {
    ses.reset();
    scheduler.reset();
    eventBridge.reset();
    let accepted = 0;
    ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++accepted}` }));
    scheduler
      .on(CreateScheduleCommand)
      .resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/x' });
    bus.accepted.length = 0;
    bus.failEntry = () => null;
    eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
      const results = (input.Entries ?? []).map((entry): PutEventsResultEntry => {
        const errorCode = bus.failEntry(entry);
        if (errorCode) return { ErrorCode: errorCode, ErrorMessage: `injected ${errorCode}` };
        bus.accepted.push(entry);
        return { EventId: `eb-${bus.accepted.length}` };
      });
      return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
    });
  });

  /**
   * A fresh processor for one test: its own clock, fault plan and customer. `env` adds to the
   * deployment's configuration (an SMS sender id, say).
   */
  const world = async (env: Record<string, string> = {}) => {
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
      CAREFLOW_SES_CONFIGURATION_SET: 'careflow-faults',
      CAREFLOW_SENDER_EMAIL: 'care@shop.example',
      CAREFLOW_SIGNING_SECRET: 'fault-injection-signing-key-0123',
      CAREFLOW_RETENTION_DAYS: '30',
      ...env,
    });
    const wired = await engineDeps(config, { clock, logger: silentLogger });
    // The hot path — load, save, claim, settle, release — goes through the client with faults.
    const deps: EngineDeps = {
      ...wired,
      customers: new DynamoCustomerStore(table),
      messages: new DynamoMessageLog(table),
    };
    const customerId = `c-${crypto.randomUUID()}`;
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

    /**
     * Deliver queue messages (bus events or wakes) to the processor in one batch, as one invocation
     * (its own container, so overlapping deliveries model concurrent Lambdas); the ids it reports failed.
     */
    const deliver = async (...bodies: unknown[]): Promise<string[]> => {
      const records = bodies.map(sqsRecord);
      const handler = createProcessorHandler(async () => deps);
      const response: SQSBatchResponse = await handler({ Records: records }, lambdaContext('processor'));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      return records.filter((r) => failed.has(r.messageId)).map((r) => r.messageId);
    };

    /** A bus event of this test's customer, as the router puts it on the queue. */
    const event = (
      detailType: string,
      detail: Record<string, unknown> = {},
      id = `evt-${crypto.randomUUID()}`,
    ) => ({
      version: '0',
      id,
      'detail-type': detailType,
      source: 'shop',
      account: '123456789012',
      time: clock.now(),
      region: 'eu-west-1',
      resources: [],
      detail: { customerId, ...detail },
    });

    /** The customer, with an email address and consent. */
    const signUp = async () => {
      const failed = await deliver(
        event('Customer Profile Updated', {
          email: `${customerId}@example.com`,
          name: 'Ada',
          consent: { email: true },
        }),
      );
      if (failed.length > 0) throw new Error('could not create the customer');
    };

    /** Wakes the processor asked EventBridge Scheduler for, as Scheduler would deliver them. */
    const wakes = (): Wake[] =>
      scheduler
        .commandCalls(CreateScheduleCommand)
        .map((call) => JSON.parse(call.args[0].input.Target?.Input ?? '{}') as Wake)
        .filter((wake) => wake.customerId === customerId);

    /** What the customer would notice: the emails SES was asked to send to them. */
    const emailsRequested = () =>
      ses
        .commandCalls(SendEmailCommand)
        .filter((call) => call.args[0].input.Destination?.ToAddresses?.includes(`${customerId}@example.com`));

    /** The emails SES accepted (answered with a message id) for this customer. */
    const emailsAccepted = async () => {
      const calls = emailsRequested();
      const settled = await Promise.allSettled(calls.map((call) => call.returnValue));
      return settled.filter((s) => s.status === 'fulfilled').length;
    };

    /** The customer's contact history, read without faults. */
    const history = (): Promise<ContactHistoryEntry[]> =>
      contactHistory({ messages: new DynamoMessageLog({ ...table, doc: db.doc }) }, customerId);

    const instances = async () =>
      (await new DynamoCustomerStore({ ...table, doc: db.doc }).load(customerId)).instances;

    return {
      clock,
      faults,
      deps,
      customerId,
      deliver,
      event,
      signUp,
      wakes,
      emailsRequested,
      emailsAccepted,
      history,
      instances,
    };
  };

  return { db, world };
};

export type FaultWorld = Awaited<ReturnType<ReturnType<typeof useFaultWorld>['world']>>;
