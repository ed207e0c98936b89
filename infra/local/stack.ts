import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createApiHandler } from '../../functions/api/handler.js';
import { createFeedbackHandler } from '../../functions/feedback/handler.js';
import { createProcessorHandler } from '../../functions/processor/handler.js';
import { PROCESSOR_TIMEOUT_SECONDS } from '../../functions/processor/time-budget.js';
import { createRouterHandler } from '../../functions/router/handler.js';
import { createSmsDeliveryHandler } from '../../functions/sms-delivery/handler.js';
import { createSurveyHandler } from '../../functions/survey/handler.js';
import { createUnsubscribeHandler } from '../../functions/unsubscribe/handler.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { createTable } from '../../shared/adapters/dynamodb/table.js';
import { createLogger } from '../../shared/adapters/logger.js';
import { storedThenBuiltInTemplates } from '../../shared/adapters/templates/engine-templates.js';
import { adminDeps } from '../../shared/adapters/wiring/admin.js';
import { once } from '../../shared/adapters/wiring/common.js';
import { feedbackDeps } from '../../shared/adapters/wiring/feedback.js';
import { engineDeps } from '../../shared/adapters/wiring/processor.js';
import { routerDeps } from '../../shared/adapters/wiring/router.js';
import { smsDeliveryDeps } from '../../shared/adapters/wiring/sms-delivery.js';
import { surveyDeps } from '../../shared/adapters/wiring/survey.js';
import { unsubscribeDeps } from '../../shared/adapters/wiring/unsubscribe.js';
import { withTemplateSnapshot } from '../../shared/app/admin/journeys.js';
import { loadConfig } from '../../shared/config/config.js';
import { Env } from '../../shared/config/env.js';
import { defaultJourneys } from '../../shared/domain/defaults/index.js';
import { Journey } from '../../shared/domain/journey/definition.js';
import { customerEventRoute, sesEventRoute } from '../routes.js';
import { LocalBus } from './bus.js';
import { LocalClock } from './clock.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { LocalFifoQueue } from './fifo-queue.js';
import { createGateway, settle } from './gateway.js';
import { lambdaContext } from './lambda-context.js';
import { LocalListQueue } from './list-queue.js';
import { LocalScheduler } from './scheduler.js';
import { LocalSentMail } from './ses-events.js';
import { startSesLocal } from './ses-local.js';
import { LocalSmsOutbox } from './sms-outbox.js';

export interface LocalStackOptions {
  port: number;
  sesPort: number;
  dynamoPort: number;
  /** Folder for DynamoDB Local's data, the schedules, the SMS outbox and the signing key; null keeps all in memory. */
  dataDir: string | null;
  /** Fire due wake-ups as real time passes (off in tests, which advance the clock themselves). */
  realTimeWakes?: boolean;
  /**
   * Where the local clock starts (ISO time), instead of now. Tests pin it to a morning so that
   * quiet hours (21:00–08:00 by default) never depend on when the suite happens to run.
   */
  startAt?: string;
}

export interface LocalStack {
  baseUrl: string;
  sesUrl: string;
  dynamoEndpoint: string;
  clock: LocalClock;
  /** Wait until every event and wake-up in flight has been processed. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const TABLE = 'careflow';
/** The configuration set careflow sends with locally; SES events name it, the SES route matches it. */
const CONFIGURATION_SET = 'careflow-local';

const signingSecret = (dataDir: string | null): string => {
  const file = dataDir ? join(dataDir, 'signing-key') : null;
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  if (file) writeFileSync(file, key, { mode: 0o600 });
  return key;
};

const listen = (server: Server, port: number): Promise<number> =>
  new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });

/**
 * Start careflow on loopback: DynamoDB Local, SES v2 local, the bus, the customer queue,
 * the scheduler and the HTTP gateway, running the very Lambda handlers of the AWS stack.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo = await startDynamoDbLocal({
    port: options.dynamoPort,
    dataDir: dataDir && join(dataDir, 'dynamodb'),
  });
  const ses = await startSesLocal(options.sesPort).catch(async (error: unknown) => {
    await dynamo.stop();
    throw error;
  });

  const clock = new LocalClock(options.startAt ? Date.parse(options.startAt) - Date.now() : 0);
  let ready = false;
  const bus = new LocalBus(clock);
  const queue = new LocalFifoQueue(`arn:aws:sqs:local:${ACCOUNT}:careflow-customers.fifo`, clock);
  const invalidEvents = new LocalListQueue();
  const scheduler = new LocalScheduler(clock, queue, dataDir && join(dataDir, 'scheduler.json'));
  scheduler.load();
  const sms = new LocalSmsOutbox(clock, dataDir && join(dataDir, 'sms.json'));
  sms.load();
  const gatewayParts = {
    bus,
    queue,
    queues: { 'careflow-customers.fifo': queue, 'careflow-invalid-events': invalidEvents },
    invalidEvents,
    scheduler,
    clock,
    sms,
    ses: { url: ses.url, sentMail: new LocalSentMail(), account: ACCOUNT, region: REGION },
    isReady: () => ready,
  };
  const server = createGateway({
    ...gatewayParts,
    handlers: {
      survey: (event, context) => survey(event, context),
      api: (event, context) => api(event, context),
      unsubscribe: (event, context) => unsubscribe(event, context),
    },
    smsDelivery: (event) => smsDelivery(event, lambdaContext('careflow-sms-delivery')),
  });
  const port = await listen(server, options.port);
  const baseUrl = `http://127.0.0.1:${port}`;

  // The handlers read the same variables as in AWS; the AWS SDK sends each service to its emulator.
  // SES goes through the gateway, which passes it on to the emulator and notes what SES events need.
  const smsConfigured = process.env[Env.smsSenderId] || process.env[Env.smsOriginationNumber];
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SESV2: baseUrl,
    AWS_ENDPOINT_URL_SNS: baseUrl,
    AWS_ENDPOINT_URL_EVENTBRIDGE: baseUrl,
    AWS_ENDPOINT_URL_SCHEDULER: baseUrl,
    AWS_ENDPOINT_URL_SQS: baseUrl,
    [Env.tableName]: TABLE,
    [Env.eventBusName]: 'careflow',
    [Env.customerQueueUrl]: `${baseUrl}/${ACCOUNT}/careflow-customers.fifo`,
    [Env.customerQueueArn]: queue.arn,
    [Env.invalidEventsQueueUrl]: `${baseUrl}/${ACCOUNT}/careflow-invalid-events`,
    [Env.schedulerGroupName]: 'careflow',
    [Env.schedulerRoleArn]: `arn:aws:iam::${ACCOUNT}:role/careflow-scheduler`,
    [Env.senderEmail]: process.env[Env.senderEmail] ?? 'care@careflow.local',
    [Env.sesConfigurationSet]: CONFIGURATION_SET,
    // SMS goes through SNS when a sender id or origination number is set: locally, always.
    ...(smsConfigured ? {} : { [Env.smsSenderId]: 'careflow' }),
    [Env.publicBaseUrl]: baseUrl,
    [Env.signingSecret]: signingSecret(dataDir),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  const config = loadConfig(process.env);
  const logger = createLogger({ serviceName: 'careflow-local' });
  const wiring = { clock, logger };
  const survey = createSurveyHandler(once(() => surveyDeps(config, wiring)));
  const api = createApiHandler(once(() => adminDeps(config, wiring)));
  const unsubscribe = createUnsubscribeHandler(once(() => unsubscribeDeps(config, wiring)));
  const processor = createProcessorHandler(once(() => engineDeps(config, wiring)));
  const router = createRouterHandler(once(() => routerDeps(config, wiring)));
  const feedback = createFeedbackHandler(once(() => feedbackDeps(config, wiring)));
  const smsDelivery = createSmsDeliveryHandler(once(() => smsDeliveryDeps(config, wiring)));

  queue.setConsumer((event) =>
    processor(event, lambdaContext('careflow-processor', PROCESSOR_TIMEOUT_SECONDS * 1000)),
  );
  bus.addRoute(customerEventRoute.name, { ...customerEventRoute.pattern }, (event) =>
    router(event as Parameters<typeof router>[0], lambdaContext('careflow-router')),
  );
  const sesRoute = sesEventRoute(CONFIGURATION_SET);
  bus.addRoute(sesRoute.name, { ...sesRoute.pattern }, (event) =>
    feedback(event, lambdaContext('careflow-feedback')),
  );

  await createTable(dynamo.client, TABLE);
  const table = { doc: createDocumentClient(dynamo.client), tableName: TABLE };
  const journeys = new DynamoJourneyStore(table);
  const templates = storedThenBuiltInTemplates(table, clock, 0);
  // Seed the default journeys once, published as the admin API publishes (with the templates they
  // send, and their trigger items); a marketer's later versions are left alone on restart. Journeys
  // kept from a release without trigger items get theirs (decision 0078).
  for (const journey of defaultJourneys) {
    if (await journeys.getCurrent(journey.id)) continue;
    await journeys.putPublished(await withTemplateSnapshot(Journey.parse(journey), templates));
  }
  await journeys.completeTriggerItems();
  if (options.realTimeWakes ?? true) scheduler.start();
  ready = true;

  return {
    baseUrl,
    sesUrl: ses.url,
    dynamoEndpoint: dynamo.endpoint,
    clock,
    settle: () => settle(gatewayParts),
    stop: async () => {
      ready = false;
      scheduler.stop();
      await settle(gatewayParts);
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await ses.stop();
      await dynamo.stop();
    },
  };
};
