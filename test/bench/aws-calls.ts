// AWS calls per event, cost per million events, and log bytes per event: a synthetic month
// replayed through careflow's real handlers, use cases and adapters, with the AWS SDK clients
// mocked by aws-sdk-client-mock. DynamoDB calls are counted and then passed through to Amazon's
// DynamoDB Local (needs Java 17+), so the use cases see real reads and conditional writes and
// DynamoDB reports the capacity each call consumed.
// Run alone: npx tsx -e "import('./test/bench/aws-calls.ts').then(async m => console.log(await m.benchAwsCalls()))"
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createProcessorHandler } from '../../functions/processor/handler.js';
import { createRouterHandler } from '../../functions/router/handler.js';
import { createSurveyHandler } from '../../functions/survey/handler.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { createTable } from '../../shared/adapters/dynamodb/table.js';
import { createLogger } from '../../shared/adapters/logger.js';
import { EmfMetrics } from '../../shared/adapters/observability.js';
import { storedThenBuiltInTemplates } from '../../shared/adapters/templates/engine-templates.js';
import { engineDeps } from '../../shared/adapters/wiring/processor.js';
import { routerDeps } from '../../shared/adapters/wiring/router.js';
import { surveyDeps } from '../../shared/adapters/wiring/survey.js';
import { withTemplateSnapshot } from '../../shared/app/admin/journeys.js';
import type { Clock } from '../../shared/app/ports.js';
import { loadConfig } from '../../shared/config/config.js';
import { Env } from '../../shared/config/env.js';
import { defaultJourneys } from '../../shared/domain/defaults/index.js';
import { Journey } from '../../shared/domain/journey/definition.js';
import { PRICE_REGION, PRICES_AS_OF, Prices } from './prices.js';
import {
  answerFor,
  MONTH_START,
  type ProducerEvent,
  seededRandom,
  syntheticMonth,
} from './synthetic-month.js';

const CUSTOMERS = 600;
const SEED = 20_261_102;
const DAYS = 30;

/** Memory of the functions in the stack (infra/stacks/constructs/functions.ts), in MB. */
const MEMORY_MB = { router: 256, processor: 512, survey: 512 } as const;
/**
 * Modelled Lambda duration: in-region latency of each call plus a few ms of compute. The replay
 * talks to local emulators, so its own timings say nothing about Lambda's. Lambda's CPU share
 * grows with memory, so compute is 4 ms at 1024 MB and takes longer with less (8 ms at 512 MB):
 * its GB-seconds do not depend on memory, the waits on calls do.
 */
const LATENCY_MS = { dynamo: 6, ses: 60, scheduler: 25, eventBridge: 20, sqs: 12, secrets: 20, compute: 4 };
const COMPUTE_AT_MB = 1024;
/** Lambda's START, END and REPORT lines per invocation, and CloudWatch's 26 bytes per log event. */
const PLATFORM_LOG_BYTES = 260;
const PLATFORM_LOG_LINES = 3;
const LOG_EVENT_OVERHEAD = 26;
/** At scale, each container refreshes the journey catalog once a minute (JourneyCatalog TTL). */
const CATALOG_REFRESHES_PER_MONTH_AT_SCALE = 2 * 43_200;

type Fn = 'router' | 'processor' | 'survey';

interface Timed {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

/** A tiny time-ordered queue (binary insertion, stable for equal times). */
class Timeline {
  private items: Timed[] = [];
  private seq = 0;
  add(at: number, run: () => Promise<void>): void {
    const item = { at, seq: this.seq++, run };
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.items[mid] as Timed;
      if (other.at < at || (other.at === at && other.seq < item.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
  }
  next(): Timed | undefined {
    return this.items.shift();
  }
}

const docCommands = [
  GetCommand,
  PutCommand,
  UpdateCommand,
  DeleteCommand,
  QueryCommand,
  ScanCommand,
  BatchGetCommand,
  BatchWriteCommand,
  TransactGetCommand,
  TransactWriteCommand,
] as const;
const readOps = new Set(['Get', 'Query', 'Scan', 'BatchGet', 'TransactGet']);

const opName = (command: { constructor: { name: string } }): string =>
  command.constructor.name.replace(/Command$/, '');

/**
 * The journey catalog's calls: its stamp, read at every refresh; its index snapshot, read when the
 * stamp moved; the triggers and versions of the journeys.
 */
const isCatalog = (part: string): boolean =>
  part === 'catalog' || part === 'catalog-stamp' || part === 'catalog-snapshot';

/**
 * Which part of the table a call touches: a customer's partition, the journey catalog, or
 * another item type, named by its partition key prefix (e.g. `pk=SUPPRESSION#`).
 */
const partOf = (input: Record<string, unknown>): string => {
  const key = (input.Key ?? input.Item) as { pk?: unknown } | undefined;
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  const pk = String(key?.pk ?? values?.[':pk'] ?? '');
  if (pk.startsWith('C#')) return 'customer';
  if (pk === 'JOURNEYS' || pk.startsWith('JOURNEY#')) return 'catalog';
  if (pk === 'CATALOG') return values?.[':stamp'] === undefined ? 'catalog-stamp' : 'catalog-snapshot';
  const hash = pk.indexOf('#');
  return `pk=${hash >= 0 ? pk.slice(0, hash + 1) : pk}`;
};

interface Tally {
  dynamo: Map<string, { calls: number; units: number }>;
  /** DynamoDB calls by the function that made them, the journey catalog aside. */
  dynamoByFunction: Record<Fn, { reads: number; writes: number }>;
  other: Map<string, number>;
  invocations: Record<Fn, number>;
  durationMs: Record<Fn, number>;
  logBytes: Record<Fn, number>;
  logLines: Record<Fn, number>;
  emfBytes: number;
  emfLines: number;
  /** CPU time of this process during each function's invocations (DynamoDB Local runs apart). */
  cpuMicros: Record<Fn, number>;
  /** The modelled waits on calls of each processor record, in the order they were handled, with its customer. */
  processorRecords: { group: string; waitMs: number }[];
}

const add = <K>(map: Map<K, number>, key: K, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

export async function benchAwsCalls(): Promise<string> {
  const local = await startDynamoDbLocal({ port: 0 });
  const savedEnv = { ...process.env };
  const mocks: { restore(): void }[] = [];
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    delete process.env.AWS_PROFILE;
    const tableName = `careflow-bench-${randomUUID()}`;
    await createTable(local.client, tableName);

    // --- The clock of the replay -----------------------------------------------------------
    let now = MONTH_START;
    const clock: Clock = { now: () => new Date(now).toISOString() };

    // --- Counting mocks ------------------------------------------------------------------------
    const tally: Tally = {
      dynamo: new Map(),
      other: new Map(),
      dynamoByFunction: {
        router: { reads: 0, writes: 0 },
        processor: { reads: 0, writes: 0 },
        survey: { reads: 0, writes: 0 },
      },
      invocations: { router: 0, processor: 0, survey: 0 },
      durationMs: { router: 0, processor: 0, survey: 0 },
      logBytes: { router: 0, processor: 0, survey: 0 },
      logLines: { router: 0, processor: 0, survey: 0 },
      emfBytes: 0,
      emfLines: 0,
      cpuMicros: { router: 0, processor: 0, survey: 0 },
      processorRecords: [],
    };
    let counting = false;
    let current: Fn = 'processor';
    const latency = (ms: number) => {
      if (counting) tally.durationMs[current] += ms;
    };
    /** `name` is `{operation} {part}` as in the calls table. */
    const countByFunction = (name: string) => {
      const [op = '', part = ''] = name.split(' ');
      if (isCatalog(part)) return;
      tally.dynamoByFunction[current][readOps.has(op) ? 'reads' : 'writes'] += 1;
    };

    // DynamoDB: count, then pass through to DynamoDB Local with the real client code.
    const docMock = mockClient(DynamoDBDocumentClient);
    mocks.push(docMock);
    const realSend = Object.getPrototypeOf(DynamoDBDocumentClient.prototype).send as (
      this: DynamoDBDocumentClient,
      command: unknown,
    ) => Promise<Record<string, unknown>>;
    for (const Command of docCommands) {
      docMock
        .on(Command as never)
        .callsFake(async (input: Record<string, unknown>, getClient: () => unknown) => {
          const command = new (Command as unknown as new (i: unknown) => { constructor: { name: string } })({
            ...input,
            ReturnConsumedCapacity: 'TOTAL',
          });
          const output = await realSend
            .call(getClient() as DynamoDBDocumentClient, command)
            .catch((error: unknown) => {
              // A failed conditional write still consumed its write unit.
              if (counting) {
                const name = `${opName(command)} ${partOf(input)}`;
                const entry = tally.dynamo.get(name) ?? { calls: 0, units: 0 };
                entry.calls += 1;
                entry.units += 1;
                tally.dynamo.set(name, entry);
                countByFunction(name);
                latency(LATENCY_MS.dynamo);
              }
              throw error;
            });
          if (counting) {
            const name = `${opName(command)} ${partOf(input)}`;
            const entry = tally.dynamo.get(name) ?? { calls: 0, units: 0 };
            entry.calls += 1;
            const consumed = output.ConsumedCapacity as
              | { CapacityUnits?: number }
              | { CapacityUnits?: number }[]
              | undefined;
            const units = Array.isArray(consumed)
              ? consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0)
              : (consumed?.CapacityUnits ?? 1);
            entry.units += units;
            tally.dynamo.set(name, entry);
            countByFunction(name);
            latency(LATENCY_MS.dynamo);
          }
          const { ConsumedCapacity: _dropped, ...rest } = output;
          return rest;
        });
    }
    // The adapters use the document client; a raw DynamoDB call would bypass the count, so it fails loudly.
    const rawMock = mockClient(DynamoDBClient);
    mocks.push(rawMock);
    rawMock.callsFake(() => {
      throw new Error('a raw DynamoDB call: the benchmark counts document-client calls only; extend it');
    });

    const count = (service: string, command: string, ms: number) => {
      if (!counting) return;
      add(tally.other, `${service} ${command}`);
      latency(ms);
    };

    const sent: { to: string; text: string; template: string; customerId: string }[] = [];
    const sesMock = mockClient(SESv2Client);
    mocks.push(sesMock);
    sesMock
      .on(SendEmailCommand)
      .callsFake(
        (input: {
          Content?: { Simple?: { Body?: { Text?: { Data?: string } } } };
          Destination?: { ToAddresses?: string[] };
          EmailTags?: { Name: string; Value: string }[];
        }) => {
          count('SES', 'SendEmail', LATENCY_MS.ses);
          const tags = Object.fromEntries((input.EmailTags ?? []).map((t) => [t.Name, t.Value]));
          sent.push({
            to: input.Destination?.ToAddresses?.[0] ?? '',
            text: input.Content?.Simple?.Body?.Text?.Data ?? '',
            template: String(tags.step ?? ''),
            customerId: '',
          });
          return { MessageId: `ses-${sent.length}` };
        },
      );

    const pendingWakes = new Map<string, { at: number; body: string; groupId: string }>();
    const schedulerMock = mockClient(SchedulerClient);
    mocks.push(schedulerMock);
    schedulerMock
      .on(CreateScheduleCommand)
      .callsFake(
        (input: {
          Name?: string;
          ScheduleExpression?: string;
          Target?: { Input?: string; SqsParameters?: { MessageGroupId?: string } };
        }) => {
          count('Scheduler', 'CreateSchedule', LATENCY_MS.scheduler);
          const at = Date.parse(`${/^at\((.+)\)$/.exec(input.ScheduleExpression ?? '')?.[1] ?? ''}Z`);
          const name = input.Name ?? '';
          if (!pendingWakes.has(name)) {
            pendingWakes.set(name, {
              at,
              body: input.Target?.Input ?? '',
              groupId: input.Target?.SqsParameters?.MessageGroupId ?? '',
            });
            timeline.add(at, () => deliverWake(name));
          }
          return { ScheduleArn: `arn:aws:scheduler:::schedule/${name}` };
        },
      );
    schedulerMock.on(DeleteScheduleCommand).callsFake((input: { Name?: string }) => {
      count('Scheduler', 'DeleteSchedule', LATENCY_MS.scheduler);
      pendingWakes.delete(input.Name ?? '');
      return {};
    });

    const ebMock = mockClient(EventBridgeClient);
    mocks.push(ebMock);
    ebMock.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
      count('EventBridge', 'PutEvents', LATENCY_MS.eventBridge);
      const entries = input.Entries ?? [];
      if (counting) add(tally.other, 'EventBridge events emitted', entries.length);
      for (const entry of entries) {
        const detail = JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>;
        // The bus routes events that name a customer back through the router (infra/routes.ts).
        if (typeof detail.customerId === 'string') {
          timeline.add(now, () =>
            busDelivery({ source: entry.Source ?? '', detailType: entry.DetailType ?? '', detail }),
          );
        }
      }
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `eb-${now}-${i}` })) };
    });

    const enqueued: { body: string; groupId: string }[] = [];
    const sqsMock = mockClient(SQSClient);
    mocks.push(sqsMock);
    sqsMock
      .on(SendMessageBatchCommand)
      .callsFake((input: { Entries?: { Id?: string; MessageBody?: string; MessageGroupId?: string }[] }) => {
        count('SQS', 'SendMessageBatch', LATENCY_MS.sqs);
        const entries = input.Entries ?? [];
        for (const e of entries)
          enqueued.push({ body: e.MessageBody ?? '', groupId: e.MessageGroupId ?? '' });
        return {
          Successful: entries.map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: '' })),
          Failed: [],
        };
      });
    sqsMock.on(SendMessageCommand).callsFake(() => {
      count('SQS', 'SendMessage (invalid events)', LATENCY_MS.sqs);
      return { MessageId: randomUUID() };
    });

    const secretsMock = mockClient(SecretsManagerClient);
    mocks.push(secretsMock);
    secretsMock.on(GetSecretValueCommand).callsFake(() => {
      count('Secrets Manager', 'GetSecretValue', LATENCY_MS.secrets);
      return { SecretString: 'bench-signing-key-0123456789abcdef' };
    });

    // --- careflow, wired by its own composition roots ----------------------------------------
    const config = loadConfig({
      [Env.tableName]: tableName,
      [Env.eventBusName]: 'careflow-bench',
      [Env.customerQueueUrl]:
        'https://sqs.us-east-1.amazonaws.com/123456789012/careflow-bench-customers.fifo',
      [Env.customerQueueArn]: 'arn:aws:sqs:us-east-1:123456789012:careflow-bench-customers.fifo',
      [Env.invalidEventsQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/careflow-bench-invalid',
      [Env.schedulerGroupName]: 'careflow-bench',
      [Env.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/careflow-bench-scheduler',
      [Env.sesConfigurationSet]: 'careflow-bench',
      [Env.senderEmail]: 'care@shop.example',
      [Env.publicBaseUrl]: 'https://care.shop.example',
      [Env.signingSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:careflow-bench',
      [Env.retentionDays]: '180',
    });
    const loggerFor = (fn: Fn) => createLogger({ serviceName: `careflow-bench-${fn}`, level: 'INFO' });

    // Setup: publish the seeded journeys as the admin API does, with their templates (not counted).
    const table = { doc: createDocumentClient(new DynamoDBClient({})), tableName };
    const templates = storedThenBuiltInTemplates(table, clock, 0);
    const journeys = new DynamoJourneyStore(table);
    for (const journey of defaultJourneys) {
      await journeys.putPublished(await withTemplateSnapshot(Journey.parse(journey), templates));
    }

    counting = true;
    current = 'processor';
    const engine = await engineDeps(config, { clock, logger: loggerFor('processor') });
    current = 'survey';
    const surveys = await surveyDeps(config, { clock, logger: loggerFor('survey') });
    current = 'router';
    const router = await routerDeps(config, { clock, logger: loggerFor('router') });
    // The processor's metrics as in production, their EMF lines counted apart from the log lines.
    const metrics = new EmfMetrics({
      namespace: 'careflow',
      serviceName: 'careflow-prod-processor',
      write: (line) => {
        tally.emfBytes += Buffer.byteLength(line) + 1;
        tally.emfLines += 1;
      },
    });
    const processorHandler = createProcessorHandler(async () => engine, metrics);
    const routerHandler = createRouterHandler(async () => router);
    const surveyHandler = createSurveyHandler(async () => surveys);

    // --- Output capture: log bytes per function ------------------------------------------------
    const writes = {
      stdout: process.stdout.write.bind(process.stdout),
      stderr: process.stderr.write.bind(process.stderr),
    };
    const capture = (chunk: string | Uint8Array): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      tally.logBytes[current] += Buffer.byteLength(text);
      tally.logLines[current] += text.split('\n').filter((l) => l.length > 0).length;
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;

    const invoke = async <T>(fn: Fn, work: () => Promise<T>): Promise<T> => {
      current = fn;
      tally.invocations[fn] += 1;
      const cpu = process.cpuUsage();
      try {
        return await work();
      } finally {
        const used = process.cpuUsage(cpu);
        tally.cpuMicros[fn] += used.user + used.system;
      }
    };

    // --- The replay ----------------------------------------------------------------------------
    const timeline = new Timeline();
    const random = seededRandom(SEED + 1);
    let eventSeq = 0;
    let producerEvents = 0;
    let busEvents = 0;
    let processorRecords = 0;
    let wakesDelivered = 0;
    let surveyAnswers = 0;
    let failedRecords = 0;

    const processRecords = async (records: { body: string; groupId: string }[]) => {
      if (records.length === 0) return;
      const event: SQSEvent = {
        Records: records.map((r, i) => ({
          messageId: randomUUID(),
          receiptHandle: `rh-${i}`,
          body: r.body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(now),
            SenderId: 'bench',
            ApproximateFirstReceiveTimestamp: String(now),
            MessageGroupId: r.groupId,
            MessageDeduplicationId: randomUUID(),
            SequenceNumber: String(i),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:careflow-bench-customers.fifo',
          awsRegion: 'us-east-1',
        })),
      };
      processorRecords += records.length;
      const sesBefore = sent.length;
      const waitedBefore = tally.durationMs.processor;
      const result = await invoke('processor', () => processorHandler(event, lambdaContext('processor')));
      // The replay hands the processor one record at a time.
      tally.processorRecords.push({
        group: records[0]?.groupId ?? '',
        waitMs: tally.durationMs.processor - waitedBefore,
      });
      failedRecords += result?.batchItemFailures?.length ?? 0;
      for (let i = sesBefore; i < sent.length; i++) onEmailSent(sent[i] as (typeof sent)[number]);
    };

    const busDelivery = async (e: {
      source: string;
      detailType: string;
      detail: Record<string, unknown>;
    }) => {
      busEvents += 1;
      eventSeq += 1;
      const event = {
        version: '0',
        // EventBridge gives every event a UUID: as long as production's correlation ids.
        id: `00000000-0000-4000-8000-${String(eventSeq).padStart(12, '0')}`,
        'detail-type': e.detailType,
        source: e.source,
        account: '123456789012',
        time: new Date(now).toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: e.detail,
      };
      enqueued.length = 0;
      await invoke('router', () => routerHandler(event as never, lambdaContext('router')));
      const messages = enqueued.splice(0);
      // One customer's messages arrive one batch at a time; at low traffic a batch is one message.
      for (const message of messages) await processRecords([message]);
    };

    const deliverWake = async (name: string) => {
      const wake = pendingWakes.get(name);
      if (!wake) return;
      pendingWakes.delete(name);
      wakesDelivered += 1;
      await processRecords([{ body: wake.body, groupId: wake.groupId }]);
    };

    const answer = async (token: string, score: number) => {
      surveyAnswers += 1;
      const path = `/surveys/${token}`;
      const apiEvent = (method: 'GET' | 'POST', body?: string): APIGatewayProxyEventV2 => ({
        version: '2.0',
        routeKey: `${method} /surveys/{token}`,
        rawPath: path,
        rawQueryString: method === 'GET' ? `score=${score}` : '',
        headers: {
          accept: 'text/html',
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(method === 'GET' ? { queryStringParameters: { score: String(score) } } : {}),
        pathParameters: { token },
        requestContext: {
          accountId: '123456789012',
          apiId: 'bench',
          domainName: 'care.shop.example',
          domainPrefix: 'care',
          http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'bench' },
          requestId: randomUUID(),
          routeKey: `${method} /surveys/{token}`,
          stage: '$default',
          time: new Date(now).toISOString(),
          timeEpoch: now,
        },
        ...(body ? { body } : {}),
        isBase64Encoded: false,
      });
      await invoke('survey', () => surveyHandler(apiEvent('GET'), lambdaContext('survey')));
      await invoke('survey', () =>
        surveyHandler(apiEvent('POST', `score=${score}`), lambdaContext('survey')),
      );
    };

    const onEmailSent = (email: { text: string }) => {
      const token = /\/surveys\/([A-Za-z0-9._~-]+)/.exec(email.text)?.[1];
      if (!token) return;
      const reply = answerFor(random);
      if (reply) timeline.add(now + reply.afterMs, () => answer(token, reply.score));
    };

    const month: ProducerEvent[] = syntheticMonth({ customers: CUSTOMERS, seed: SEED, days: DAYS });
    for (const e of month) {
      timeline.add(MONTH_START + e.at, async () => {
        producerEvents += 1;
        await busDelivery({ source: e.source, detailType: e.detailType, detail: e.detail });
      });
    }
    const endOfMonth = MONTH_START + DAYS * 86_400_000;
    const started = Date.now();
    try {
      for (let item = timeline.next(); item && item.at < endOfMonth; item = timeline.next()) {
        now = Math.max(now, item.at);
        await item.run();
      }
    } finally {
      process.stdout.write = writes.stdout as typeof process.stdout.write;
      process.stderr.write = writes.stderr as typeof process.stderr.write;
    }
    const replaySeconds = (Date.now() - started) / 1000;

    return report({
      tally,
      producerEvents,
      busEvents,
      processorRecords,
      wakesDelivered,
      surveyAnswers,
      failedRecords,
      emailsSent: sent.length,
      replaySeconds,
      publishedJourneys: defaultJourneys.length,
    });
  } finally {
    for (const mock of mocks) mock.restore();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await local.stop();
  }
}

interface Outcome {
  tally: Tally;
  producerEvents: number;
  busEvents: number;
  processorRecords: number;
  wakesDelivered: number;
  surveyAnswers: number;
  failedRecords: number;
  publishedJourneys: number;
  emailsSent: number;
  replaySeconds: number;
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);
const usd = (n: number): string => `$${n.toFixed(n < 0.1 ? 3 : 2)}`;
const sumOf = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

/**
 * EMF written when the processor is invoked `invocations` times: at most one line per invocation
 * that counted something. With bigger batches the replay's lines merge into fewer; their bytes
 * are kept as they are (a merged line is a little shorter than two), so this errs high.
 */
const emfAt = (tally: Tally, invocations: number): { emfBytes: number; emfLines: number } => ({
  emfBytes: tally.emfBytes,
  emfLines: Math.min(tally.emfLines, invocations),
});

/**
 * Read units of one refresh of the journey catalog, as DynamoDB Local reported them: the stamp
 * item, which tells whether anything was published or paused since the last load. Reloading the
 * journeys themselves (with the templates they keep) happens only after such a change, a few times
 * a month; the replay's one load is in the calls table.
 */
const catalogUnitsPerRefresh = (tally: Tally): number => {
  const stamp = tally.dynamo.get('Get catalog-stamp');
  return stamp && stamp.calls > 0 ? stamp.units / stamp.calls : 1;
};

/**
 * The processor's modelled waits on calls when it receives `batch` records per invocation. It
 * handles the customers of a batch at once, each customer's records in order (decision 0084), so
 * a batch waits as long as its slowest customer. The month's records are cut into batches in the
 * order the replay handled them.
 */
const processorWaitMs = (tally: Tally, batch: number): number => {
  let total = 0;
  for (let i = 0; i < tally.processorRecords.length; i += batch) {
    const byGroup = new Map<string, number>();
    for (const { group, waitMs } of tally.processorRecords.slice(i, i + batch))
      byGroup.set(group, (byGroup.get(group) ?? 0) + waitMs);
    total += Math.max(...byGroup.values());
  }
  return total;
};

/**
 * The month's cost items when the processor receives `batch` records per invocation: 1 at low
 * traffic (each customer's messages trickle in), up to 10 when the queue is busy. Batching changes
 * the processor's invocations, Lambda's ReceiveMessage/DeleteMessageBatch calls and the EMF lines
 * (one flush per invocation); everything else is per record.
 */
const costItems = (o: Outcome, readUnits: number, writeUnits: number, batch: number): [string, number][] => {
  const { tally } = o;
  const other = (key: string) => tally.other.get(key) ?? 0;
  const processorInvocations = Math.ceil(o.processorRecords / batch);
  const invocations = tally.invocations.router + processorInvocations + tally.invocations.survey;
  const invocationsOf: Record<Fn, number> = { ...tally.invocations, processor: processorInvocations };
  const waitsOf: Record<Fn, number> = { ...tally.durationMs, processor: processorWaitMs(tally, batch) };
  const gbSeconds = (Object.keys(MEMORY_MB) as Fn[]).reduce(
    (total, fn) =>
      total +
      ((waitsOf[fn] + invocationsOf[fn] * LATENCY_MS.compute * (COMPUTE_AT_MB / MEMORY_MB[fn])) / 1000) *
        (MEMORY_MB[fn] / 1024),
    0,
  );
  const sqsRequests =
    other('SQS SendMessageBatch') + // router → customer queue
    o.wakesDelivered + // Scheduler → customer queue
    2 * processorInvocations; // Lambda's poller: ReceiveMessage, then DeleteMessageBatch
  const { emfBytes, emfLines } = emfAt(tally, processorInvocations);
  const logBytes =
    sumOf(Object.values(tally.logBytes)) +
    emfBytes +
    (sumOf(Object.values(tally.logLines)) + emfLines) * LOG_EVENT_OVERHEAD;
  const catalogReads = (CATALOG_REFRESHES_PER_MONTH_AT_SCALE / 1e6) * o.producerEvents;
  return [
    ['DynamoDB reads', readUnits * Prices.dynamoReadUnit],
    [
      `DynamoDB reads of the journey catalog's stamp (2 containers, once a minute, ${fmt(catalogUnitsPerRefresh(tally), 1)} read units each)`,
      catalogReads * catalogUnitsPerRefresh(tally) * Prices.dynamoReadUnit,
    ],
    ['DynamoDB writes', writeUnits * Prices.dynamoWriteUnit],
    ['Lambda requests', invocations * Prices.lambdaRequest],
    ['Lambda duration (modelled)', gbSeconds * Prices.lambdaGbSecondArm],
    ['SQS FIFO requests', sqsRequests * Prices.sqsFifoRequest],
    [
      'EventBridge events (producers + careflow)',
      (o.producerEvents + other('EventBridge events emitted')) * Prices.eventBridgeEvent,
    ],
    ['EventBridge Scheduler invocations', o.wakesDelivered * Prices.schedulerInvocation],
    ['API Gateway HTTP API (survey pages)', tally.invocations.survey * Prices.httpApiRequest],
    ['CloudWatch Logs ingestion (careflow lines + EMF)', (logBytes / 1e9) * Prices.logsIngestionGb],
    ['Secrets Manager', other('Secrets Manager GetSecretValue') * Prices.secretsManagerCall],
  ];
};

/**
 * What the path the requirement fixes costs per million producer events before any journey does
 * anything: the event put on the bus, the router's invocation and its send to the customer's FIFO
 * queue, the processor's share of a batch (its invocation, Lambda's ReceiveMessage and
 * DeleteMessageBatch), one read of the customer's partition, `writes` writes and the record's one
 * log line. The customers of a batch are distinct, so a batch waits as long as one record.
 */
const pathFloor = (writes: number, batch: number, logBytesPerRecord: number): number => {
  const compute = (mb: number) => LATENCY_MS.compute * (COMPUTE_AT_MB / mb);
  const routerMs = LATENCY_MS.sqs + compute(MEMORY_MB.router);
  const processorMs = (LATENCY_MS.dynamo * (1 + writes) + compute(MEMORY_MB.processor)) / batch;
  const gbSeconds =
    (routerMs / 1000) * (MEMORY_MB.router / 1024) + (processorMs / 1000) * (MEMORY_MB.processor / 1024);
  return (
    1e6 *
    (Prices.eventBridgeEvent +
      Prices.lambdaRequest * (1 + 1 / batch) +
      gbSeconds * Prices.lambdaGbSecondArm +
      Prices.sqsFifoRequest * (1 + 2 / batch) +
      Prices.dynamoReadUnit +
      writes * Prices.dynamoWriteUnit +
      ((logBytesPerRecord + LOG_EVENT_OVERHEAD) / 1e9) * Prices.logsIngestionGb)
  );
};

const report = (o: Outcome): string => {
  const { tally } = o;
  const perEvent = (n: number) => n / o.producerEvents;
  const records = o.processorRecords;
  const dynamoRows = [...tally.dynamo.entries()].sort();
  const sum = (filter: (op: string, part: string) => boolean, field: 'calls' | 'units') =>
    dynamoRows
      .filter(([name]) => {
        const [op = '', part = ''] = name.split(' ');
        return filter(op, part);
      })
      .reduce((total, [, v]) => total + v[field], 0);
  const isRead = (op: string) => readOps.has(op);
  const reads = sum((op, part) => isRead(op) && !isCatalog(part), 'calls');
  const writes = sum((op, part) => !isRead(op) && !isCatalog(part), 'calls');
  const catalogReads = sum((op, part) => isRead(op) && part === 'catalog-stamp', 'calls');
  const catalogLoads = sum((op, part) => op === 'Query' && part === 'catalog', 'calls');
  const snapshotLoads = sum((op, part) => op === 'Query' && part === 'catalog-snapshot', 'calls');
  const versionReads = sum((op, part) => op === 'Get' && part === 'catalog', 'calls');
  const readUnits = sum((op, part) => isRead(op) && !isCatalog(part), 'units');
  const writeUnits = sum((op) => !isRead(op), 'units');
  // The target is the processor's: its calls per record it handles (the survey function's apart).
  const byProcessor = tally.dynamoByFunction.processor;
  const readsPerRecord = byProcessor.reads / records;
  const writesPerRecord = byProcessor.writes / records;
  const bySurvey = tally.dynamoByFunction.survey;

  const scale = 1e6 / o.producerEvents;
  const low = costItems(o, readUnits, writeUnits, 1);
  const busy = costItems(o, readUnits, writeUnits, 10);
  const totalLow = sumOf(low.map(([, c]) => c)) * scale;
  const totalBusy = sumOf(busy.map(([, c]) => c)) * scale;
  const sesPerMillion = o.emailsSent * Prices.sesEmail * scale;
  const invocations = sumOf(Object.values(tally.invocations));
  const platformBytes = invocations * PLATFORM_LOG_BYTES;
  const target = (ok: boolean) => (ok ? 'met' : '**not met**');
  const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
  const ownBytesPerRecord = tally.logBytes.processor / records;

  return [
    '## AWS calls and cost per event',
    '',
    `A synthetic month (seed ${SEED}): ${CUSTOMERS} customers, ${o.producerEvents} producer events (profiles, orders, deliveries, page views, churn flags, tickets), ${o.wakesDelivered} wake-ups, ${o.surveyAnswers} survey answers, ${o.emailsSent} emails; ${o.busEvents} events reached the router (careflow's own events included) and the processor handled ${records} records (${o.failedRecords} failed). Replayed through the real handlers, use cases and adapters (wired by their composition roots) in ${fmt(o.replaySeconds, 0)} s; the SDK clients mocked with aws-sdk-client-mock, DynamoDB calls counted and passed through to DynamoDB Local.`,
    '',
    '### Calls',
    '',
    '| call | count | per producer event | per processor record |',
    '| --- | ---: | ---: | ---: |',
    ...dynamoRows.map(
      ([name, v]) =>
        `| DynamoDB ${name} | ${v.calls} | ${fmt(perEvent(v.calls))} | ${fmt(v.calls / records)} |`,
    ),
    ...[...tally.other.entries()]
      .sort()
      .map(([name, n]) => `| ${name} | ${n} | ${fmt(perEvent(n))} | ${fmt(n / records)} |`),
    `| Lambda invocations: router / processor / survey (one record per batch) | ${tally.invocations.router} / ${tally.invocations.processor} / ${tally.invocations.survey} | ${fmt(perEvent(invocations))} | |`,
    '',
    `DynamoDB calls of the processor per record it handles (an event or a wake-up), the journey catalog aside: **${fmt(readsPerRecord)} reads** (target ≤ 1: ${target(readsPerRecord <= 1)}) and **${fmt(writesPerRecord)} writes** (target ≤ 2: ${target(writesPerRecord <= 2)}). The survey function, per answer: ${fmt(bySurvey.reads / Math.max(1, o.surveyAnswers))} reads (the erasure check) and ${fmt(bySurvey.writes / Math.max(1, o.surveyAnswers))} writes. All functions, per producer event with everything it causes (wake-ups, survey answers, careflow's own events): ${fmt(perEvent(reads))} reads, ${fmt(perEvent(writes))} writes; ${fmt(readUnits / records)} read and ${fmt(writeUnits / records)} write units per processor record as DynamoDB Local reported them.`,
    '',
    `The journey catalog (published journeys, cached per container for 60 s) checked its stamp ${catalogReads} times here (the replayed events are minutes apart, so nearly every one finds the cache expired) and loaded the index of the ${o.publishedJourneys} published journeys ${times(snapshotLoads)} from its snapshot (one Query of one item, decision 0082; the stamp moves only when a journey is published, paused, resumed or archived) and ${times(catalogLoads)} from their trigger items (decision 0078), then each journey's version the first time an event matched it (${versionReads} reads). At a million events a month two warm containers refresh it about ${CATALOG_REFRESHES_PER_MONTH_AT_SCALE} times (${fmt(CATALOG_REFRESHES_PER_MONTH_AT_SCALE / 1e6, 3)} reads per event) of ${fmt(catalogUnitsPerRefresh(tally), 1)} read units; the costs use that.`,
    '',
    `### Cost per million producer events (${PRICE_REGION} list prices as of ${PRICES_AS_OF}, test/bench/prices.ts)`,
    '',
    '| item | 1 record per batch | 10 records per batch |',
    '| --- | ---: | ---: |',
    ...low.map(
      ([name, cost], i) => `| ${name} | ${usd(cost * scale)} | ${usd((busy[i]?.[1] ?? 0) * scale)} |`,
    ),
    `| **total, without SES/SNS message prices** | **${usd(totalLow)}** | **${usd(totalBusy)}** |`,
    `| SES emails (${fmt(o.emailsSent / o.producerEvents, 3)} per event; not in the target) | ${usd(sesPerMillion)} | ${usd(sesPerMillion)} |`,
    '',
    `Target ≤ $3.00 per million events without message prices: ${target(totalLow <= 3)} at one record per batch, ${target(totalBusy <= 3)} at ten.`,
    '',
    `The floor of the path itself (\`pathFloor\`): an event that enters no journey, with the bus, the router, the customer's FIFO queue and the processor as the requirement fixes them, one read, the writes below and one log line of ${fmt(ownBytesPerRecord, 0)} bytes, same prices and duration model:`,
    '',
    '| writes per event | 1 record per batch | 10 records per batch |',
    '| ---: | ---: | ---: |',
    ...[1, 2].map(
      (w) =>
        `| ${w} | ${usd(pathFloor(w, 1, ownBytesPerRecord))} | ${usd(pathFloor(w, 10, ownBytesPerRecord))} |`,
    ),
    '',
    `Lambda duration is modelled, not measured: per call ${LATENCY_MS.dynamo} ms DynamoDB, ${LATENCY_MS.ses} ms SES, ${LATENCY_MS.scheduler} ms Scheduler, ${LATENCY_MS.eventBridge} ms EventBridge, ${LATENCY_MS.sqs} ms SQS, plus ${LATENCY_MS.compute} ms of compute per invocation at ${COMPUTE_AT_MB} MB (longer with less memory, same GB-seconds); the processor handles a batch's customers at once (decision 0084), so a batch waits as long as its slowest customer's records, with the month's records cut into batches in the order they were handled; memory as in the stack (router ${MEMORY_MB.router} MB, processor ${MEMORY_MB.processor} MB, survey ${MEMORY_MB.survey} MB), arm64. Not included: fixed monthly costs (custom metrics, alarms, dashboard, secret, storage, PITR), SES events and SMS delivery reports coming back (the feedback and sms-delivery functions: per message and kind of event, a status update, a journey-figure update the first time, and an event on the bus for a bounce, complaint, open, click or undelivered SMS), SQS polling of idle queues, free tiers.`,
    '',
    '### Log bytes per event (INFO)',
    '',
    '| source | bytes | lines | bytes per producer event | per processor record | CPU ms per invocation (this machine) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(Object.keys(tally.logBytes) as Fn[]).map(
      (fn) =>
        `| ${fn} | ${tally.logBytes[fn]} | ${tally.logLines[fn]} | ${fmt(perEvent(tally.logBytes[fn]), 0)} | ${fmt(tally.logBytes[fn] / records, 0)} | ${fmt(tally.cpuMicros[fn] / 1000 / Math.max(1, tally.invocations[fn]), 1)} |`,
    ),
    `| EMF metrics (one line per processor invocation that counted something) | ${tally.emfBytes} | ${tally.emfLines} | ${fmt(perEvent(tally.emfBytes), 0)} | ${fmt(tally.emfBytes / records, 0)} | |`,
    `| Lambda START/END/REPORT records (about ${PLATFORM_LOG_BYTES} bytes per invocation; dropped by default, \`careflow:platformLogs\`) | ${platformBytes} | ${invocations * PLATFORM_LOG_LINES} | ${fmt(perEvent(platformBytes), 0)} | | |`,
    '',
    ...logSummary(o),
  ].join('\n');
};

/** Log bytes per producer event at one and at ten records per batch, with and without EMF. */
const logSummary = (o: Outcome): string[] => {
  const { tally } = o;
  const own = sumOf(Object.values(tally.logBytes));
  const ownLines = sumOf(Object.values(tally.logLines));
  const perEvent = (n: number) => n / o.producerEvents;
  const row = (batch: number) => {
    const { emfBytes, emfLines } = emfAt(tally, Math.ceil(o.processorRecords / batch));
    const written = own + emfBytes;
    const ingested = written + (ownLines + emfLines) * LOG_EVENT_OVERHEAD;
    return `| ${batch} | ${fmt(perEvent(own), 0)} | **${fmt(perEvent(written), 0)}** | ${fmt(perEvent(ingested), 0)} |`;
  };
  return [
    `Bytes per producer event (everything it causes: its processor records, wake-ups, survey answers), at INFO; target ≤ 300 with EMF. careflow's own lines are ${fmt(own / o.processorRecords, 0)} bytes per processor record.`,
    '',
    `| records per batch | careflow's lines | lines + EMF | ingested (+ ${LOG_EVENT_OVERHEAD} bytes per log event) |`,
    '| ---: | ---: | ---: | ---: |',
    row(1),
    row(10),
  ];
};
