import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { Env } from '../../shared/config/env.js';
import { parseDuration } from '../../shared/domain/time/duration.js';
import { type HttpRouteSpec, httpRoutes } from '../routes.js';
import { apiGatewayEvent } from './api-event.js';
import {
  handleAmzTarget,
  handleScheduler,
  type LocalQueueTarget,
  type WireResponse,
  wireTestEventPattern,
} from './aws-wire.js';
import type { LocalBus } from './bus.js';
import type { LocalClock } from './clock.js';
import type { LocalFifoQueue } from './fifo-queue.js';
import { lambdaContext } from './lambda-context.js';
import type { LocalScheduler } from './scheduler.js';
import { type LocalSentMail, LocalSesEventError, LocalSesEventRequest, sesEvent } from './ses-events.js';
import { relayToSesLocal } from './ses-local.js';
import { LocalSmsDeliveryRequest, smsDeliveryPayload } from './sms-delivery.js';
import type { LocalSmsOutbox } from './sms-outbox.js';
import { handleSnsQuery } from './sns-wire.js';

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayParts {
  bus: LocalBus;
  queue: LocalFifoQueue;
  /** Every queue the local SQS endpoint knows, by name. */
  queues: Record<string, LocalQueueTarget>;
  invalidEvents: { messages: unknown[] };
  scheduler: LocalScheduler;
  clock: LocalClock;
  /** Where SNS `Publish` puts SMS, and the numbers that opted out. */
  sms: LocalSmsOutbox;
  /** The SES emulator SES v2 requests are relayed to, and what the relay noted of the mail sent. */
  ses: { url: string; sentMail: LocalSentMail; account: string; region: string };
  /** One handler per function named as a target in `httpRoutes`. */
  handlers: Record<HttpRouteSpec['target'], HttpHandler>;
  /** The sms-delivery function, as the CloudWatch Logs subscriptions invoke it. */
  smsDelivery?: (event: unknown) => Promise<unknown>;
  isReady: () => boolean;
  /**
   * The bearer token admin routes (auth `iam`) require, standing in for IAM. Default:
   * `CAREFLOW_ADMIN_TOKEN`, or a new random one that is put there for the start banner.
   */
  adminToken?: string;
}

interface HttpRoute {
  key: string;
  method: string;
  path: RegExp;
  params: string[];
  handler: HttpRouteSpec['target'];
  auth: HttpRouteSpec['auth'];
}

/** The HTTP API's routes, from the same list the CDK stack creates its routes from. */
const compiledRoutes: HttpRoute[] = httpRoutes.map((spec) => {
  const params: string[] = [];
  const source = spec.path.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return {
    key: `${spec.method} ${spec.path}`,
    method: spec.method,
    path: new RegExp(`^${source}$`),
    params,
    handler: spec.target,
    auth: spec.auth,
  };
});

/** The admin token: given, from the environment, or generated (and exported for the banner). */
const resolveAdminToken = (given: string | undefined): string => {
  const token = given ?? process.env[Env.adminToken];
  if (token) return token;
  const generated = randomBytes(24).toString('base64url');
  process.env[Env.adminToken] = generated;
  return generated;
};

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
const authorized = (req: IncomingMessage, token: string): boolean => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
};

const unauthorized: WireResponse = {
  status: 401,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'www-authenticate': 'Bearer realm="careflow-admin"',
  },
  body: JSON.stringify({
    code: 'Unauthorized',
    message: `This route needs the admin token: send "Authorization: Bearer <token>" (${Env.adminToken}, printed at start).`,
  }),
};

const MAX_BODY = 1024 * 1024;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const send = (res: ServerResponse, reply: WireResponse) => {
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
};

const jsonReply = (status: number, body: unknown): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/** One loopback HTTP server: the HTTP API, the AWS wire protocols, and the local controls. */
export const createGateway = (parts: GatewayParts): Server => {
  const withToken = { ...parts, adminToken: resolveAdminToken(parts.adminToken) };
  return createServer((req, res) => {
    handle(withToken, req)
      .then((reply) => send(res, reply))
      .catch((error: unknown) =>
        send(
          res,
          jsonReply(500, {
            code: 'InternalError',
            message: error instanceof Error ? error.message : 'error',
          }),
        ),
      );
  });
};

const handle = async (
  parts: GatewayParts & { adminToken: string },
  req: IncomingMessage,
): Promise<WireResponse> => {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  const target = req.headers['x-amz-target'];
  if (method === 'POST' && url.pathname === '/' && typeof target === 'string') {
    return handleAmzTarget(target, body, { ...parts, testEventPattern: wireTestEventPattern });
  }
  if (method === 'POST' && url.pathname === '/' && isForm(req)) return handleSnsQuery(body, parts.sms);
  if (url.pathname.startsWith('/v2/email/')) return relaySes(parts, method, url, req, body);
  const schedule = /^\/schedules\/([^/]+)$/.exec(url.pathname);
  if (schedule?.[1] && (method === 'POST' || method === 'DELETE')) {
    return handleScheduler(method, decodeURIComponent(schedule[1]), url, body, parts.scheduler);
  }
  switch (`${method} ${url.pathname}`) {
    case 'GET /health':
      return parts.isReady() ? jsonReply(200, { status: 'ok' }) : jsonReply(503, { status: 'starting' });
    case 'POST /events':
      return putEvents(parts, body);
    case 'GET /_local/clock':
      return jsonReply(200, { now: parts.clock.now(), offsetMs: parts.clock.offset });
    case 'POST /_local/clock/advance':
      return advanceClock(parts, body);
    case 'GET /_local/dead-letters':
      return jsonReply(200, {
        rejectedAtPut: parts.bus.deadLetters,
        invalidEvents: parts.invalidEvents.messages,
        customerQueue: parts.queue.deadLetters,
      });
    case 'GET /_local/schedules':
      return jsonReply(200, { schedules: parts.scheduler.pending });
    case 'GET /_local/sms':
      return jsonReply(200, { messages: parts.sms.messages, optedOut: parts.sms.optedOut });
    case 'POST /_local/sms/opt-out':
      return optOut(parts, body);
    case 'POST /_local/sms/delivery':
      return putSmsDelivery(parts, body);
    case 'POST /_local/ses/events':
      return putSesEvent(parts, body);
  }
  for (const route of compiledRoutes) {
    const match = route.path.exec(url.pathname);
    if (!match) continue;
    if (route.method !== method) {
      if (compiledRoutes.some((r) => r.method === method && r.path.test(url.pathname))) continue;
      return jsonReply(405, {
        code: 'MethodNotAllowed',
        message: `${method} is not allowed on ${url.pathname}`,
      });
    }
    if (route.auth === 'iam' && !authorized(req, parts.adminToken)) return unauthorized;
    const pathParameters = Object.fromEntries(
      route.params.map((p, i) => [p, decodeURIComponent(match[i + 1] ?? '')]),
    );
    const event = apiGatewayEvent(req, url, body, { key: route.key, pathParameters }, parts.clock.now());
    const result = await parts.handlers[route.handler](event, lambdaContext(`careflow-${route.handler}`));
    return {
      status: result.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body: result.body ?? '',
    };
  }
  return jsonReply(404, { code: 'NotFound', message: `No route for ${method} ${url.pathname}` });
};

const putEvents = (parts: GatewayParts, body: string): WireResponse => {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return jsonReply(400, { code: 'ValidationError', message: 'The body is not valid JSON.' });
  }
  const entries = (input as { Entries?: unknown }).Entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
    return jsonReply(400, {
      code: 'ValidationError',
      message: 'Entries: must be an array of 1 to 10 entries',
    });
  }
  return jsonReply(200, parts.bus.putEvents(entries));
};

const isForm = (req: IncomingMessage): boolean =>
  (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

const parseJson = (body: string): { ok: true; value: unknown } | { ok: false; reply: WireResponse } => {
  try {
    return { ok: true, value: JSON.parse(body || '{}') };
  } catch {
    return {
      ok: false,
      reply: jsonReply(400, { code: 'ValidationError', message: 'The body is not valid JSON.' }),
    };
  }
};

const validationError = (message: string): WireResponse =>
  jsonReply(400, { code: 'ValidationError', message });

/** `POST /_local/sms/opt-out {"phoneNumber"}`: what a STOP reply does in SNS. */
const optOut = (parts: GatewayParts, body: string): WireResponse => {
  const input = parseJson(body);
  if (!input.ok) return input.reply;
  const phoneNumber = (input.value as { phoneNumber?: unknown }).phoneNumber;
  if (typeof phoneNumber !== 'string' || !/^\+[1-9]\d{1,14}$/.test(phoneNumber)) {
    return validationError('phoneNumber: must be an E.164 phone number such as +4915112345678');
  }
  parts.sms.optOut(phoneNumber);
  return jsonReply(200, { phoneNumber, optedOut: true });
};

/**
 * `POST /_local/sms/delivery {"messageId", "status", "providerResponse"}`: the delivery record SNS
 * would write about an SMS of the outbox, handed to the sms-delivery function as the log
 * subscription hands it. Answers with the record and what the function did.
 */
const putSmsDelivery = async (parts: GatewayParts, body: string): Promise<WireResponse> => {
  const input = parseJson(body);
  if (!input.ok) return input.reply;
  const request = LocalSmsDeliveryRequest.safeParse(input.value);
  if (!request.success) {
    return validationError(
      request.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  const sms = parts.sms.messages.find((m) => m.messageId === request.data.messageId);
  if (!sms) {
    return jsonReply(404, {
      code: 'NotFound',
      message: 'messageId: no SMS with this id is in the outbox (GET /_local/sms lists them)',
    });
  }
  if (!parts.smsDelivery) {
    return jsonReply(503, { code: 'Unavailable', message: 'the sms-delivery function is not wired' });
  }
  const { record, event } = smsDeliveryPayload(sms, request.data, {
    id: randomUUID(),
    now: parts.clock.now(),
    account: parts.ses.account,
    region: parts.ses.region,
  });
  const outcome = await parts.smsDelivery(event);
  return jsonReply(200, { record, outcome });
};

/**
 * SES v2 requests go on to the emulator; the gateway notes the tags and configuration set of
 * each mail SES accepted, which the emulator forgets and SES's events carry.
 */
const relaySes = async (
  parts: GatewayParts,
  method: string,
  url: URL,
  req: IncomingMessage,
  body: string,
): Promise<WireResponse> => {
  const reply = await relayToSesLocal(parts.ses.url, method, url, req.headers, body);
  if (method === 'POST' && url.pathname === '/v2/email/outbound-emails' && reply.status === 200) {
    parts.ses.sentMail.record(body, reply.body, parts.clock.now());
  }
  return reply;
};

/**
 * `POST /_local/ses/events`: the event SES would publish about a mail it sent, through the
 * default bus onto the careflow bus, where the feedback route picks it up. Answers once careflow
 * has processed it (and what it started), with the event.
 */
const putSesEvent = async (parts: GatewayParts, body: string): Promise<WireResponse> => {
  const input = parseJson(body);
  if (!input.ok) return input.reply;
  const request = LocalSesEventRequest.safeParse(input.value);
  if (!request.success) {
    return validationError(
      request.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  const mail = parts.ses.sentMail.find(request.data.messageId);
  if (!mail) {
    return jsonReply(404, {
      code: 'NotFound',
      message:
        'messageId: no mail with this SES or careflow message id went out since the local stack started',
    });
  }
  let event: ReturnType<typeof sesEvent>;
  try {
    event = sesEvent(mail, request.data, {
      id: randomUUID(),
      now: parts.clock.now(),
      account: parts.ses.account,
      region: parts.ses.region,
    });
  } catch (error) {
    if (error instanceof LocalSesEventError) return validationError(error.message);
    throw error;
  }
  parts.bus.putServiceEvent(event);
  await settle(parts);
  return jsonReply(200, { event });
};

const advanceClock = async (parts: GatewayParts, body: string): Promise<WireResponse> => {
  let by: unknown;
  try {
    by = (JSON.parse(body || '{}') as { by?: unknown }).by;
  } catch {
    return jsonReply(400, { code: 'ValidationError', message: 'The body is not valid JSON.' });
  }
  const ms = typeof by === 'string' ? parseDuration(by) : undefined;
  if (ms === undefined) {
    return jsonReply(400, {
      code: 'ValidationError',
      message: 'by: must be a duration such as "90m", "24h", "3d" or "PT24H"',
    });
  }
  await parts.bus.idle();
  await parts.queue.idle();
  await parts.scheduler.advance(ms);
  await settle(parts);
  return jsonReply(200, { now: parts.clock.now(), offsetMs: parts.clock.offset });
};

/** Wait until the bus and the queue are both quiet (each can feed the other). */
export const settle = async (parts: Pick<GatewayParts, 'bus' | 'queue'>): Promise<void> => {
  for (let i = 0; i < 100; i += 1) {
    await parts.bus.idle();
    await parts.queue.idle();
    if (parts.queue.depth === 0) {
      await parts.bus.idle();
      if (parts.queue.depth === 0) return;
    }
  }
};
