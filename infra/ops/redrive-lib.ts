import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { entrySize, MAX_EVENT_BYTES } from '../../shared/adapters/eventbridge/eventbridge-publisher.js';
import { messageGroupIdOf } from '../../shared/domain/events/message-group.js';

/**
 * Moving dead letters back, once their cause is fixed. Three ways, by what the queue holds:
 *
 * - the customer DLQ (FIFO, an SQS redrive policy's DLQ): an SQS message move task back to the
 *   customer queue (`moveDeadLetters`);
 * - queues of EventBridge events (the ingest DLQ, the invalid-events queue): each event is put on
 *   the bus again with PutEvents, and its message deleted once EventBridge accepted it
 *   (`putEventsAgain`);
 * - the wake-up DLQ (what EventBridge Scheduler could not deliver): each wake is sent to the
 *   customer queue again, in its customer's message group (`resendWakes`);
 * - the SES events DLQ: each SES event is handed to the feedback function again (`invokeAgain`;
 *   EventBridge takes no `aws.*` events in PutEvents).
 *
 * A dry run reads and reports, and changes nothing: messages it looked at become visible again.
 * A message that cannot be moved stays in its queue (visible again at the end) and is reported.
 */

export interface Failure {
  messageId?: string;
  reason: string;
}

export interface RedriveReport {
  source: string;
  destination: string;
  dryRun: boolean;
  /** Messages looked at (for a move task: the queue's approximate depth). */
  examined: number;
  /** Messages moved (a dry run: would move). */
  moved: number;
  failures: Failure[];
  notes: string[];
}

export interface DrainOptions {
  dryRun: boolean;
  /** Stop after this many messages. @default no limit */
  max?: number;
  /** Seconds a received message stays hidden while it is handled. @default 300 */
  visibilityTimeout?: number;
}

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

// --- FIFO dead-letter queue: SQS message move task ------------------------------------------

export interface MoveOptions {
  dlqUrl: string;
  /** Where to move the messages; without it, SQS moves each back to the queue it came from. */
  destinationUrl?: string;
  dryRun: boolean;
  /** Messages per second the task moves. @default SQS's own optimised rate */
  maxPerSecond?: number;
  /** Wait until the task has finished and report what it moved. */
  wait?: boolean;
  /** Between status checks while waiting. */
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
}

const queueAttributes = async (
  sqs: SQSClient,
  url: string,
  names: ('QueueArn' | 'ApproximateNumberOfMessages')[],
) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }),
  );
  return Attributes ?? {};
};

/** Moves every message of a dead-letter queue back with an SQS message move task. */
export const moveDeadLetters = async (sqs: SQSClient, options: MoveOptions): Promise<RedriveReport> => {
  const source = await queueAttributes(sqs, options.dlqUrl, ['QueueArn', 'ApproximateNumberOfMessages']);
  const sourceArn = source.QueueArn;
  if (!sourceArn) throw new Error(`no ARN for ${options.dlqUrl}`);
  const destinationArn = options.destinationUrl
    ? (await queueAttributes(sqs, options.destinationUrl, ['QueueArn'])).QueueArn
    : undefined;
  const depth = Number(source.ApproximateNumberOfMessages ?? 0);
  const report: RedriveReport = {
    source: sourceArn,
    destination: destinationArn ?? 'the queues the messages came from',
    dryRun: options.dryRun,
    examined: depth,
    moved: 0,
    failures: [],
    notes: [],
  };

  const { Results: tasks = [] } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
  );
  const running = tasks.find((task) => task.Status === 'RUNNING');
  if (running) {
    report.failures.push({
      reason: `a message move task is already running for this queue (handle ${running.TaskHandle}); wait for it or cancel it`,
    });
    return report;
  }
  if (options.dryRun) {
    report.moved = depth;
    report.notes.push(`would start a message move task for about ${depth} message(s)`);
    return report;
  }
  if (depth === 0) {
    report.notes.push('the queue is empty: nothing to move');
    return report;
  }

  let handle: string | undefined;
  try {
    ({ TaskHandle: handle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: sourceArn,
        ...(destinationArn ? { DestinationArn: destinationArn } : {}),
        ...(options.maxPerSecond ? { MaxNumberOfMessagesPerSecond: options.maxPerSecond } : {}),
      }),
    ));
  } catch (error) {
    report.failures.push({ reason: `the message move task did not start: ${errorText(error)}` });
    return report;
  }
  report.notes.push(`message move task started (handle ${handle})`);
  if (!options.wait) {
    report.moved = depth;
    report.notes.push(
      'not waiting for it: follow it in the SQS console or with `aws sqs list-message-move-tasks`',
    );
    return report;
  }

  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    await sleep(options.pollMs ?? 5_000);
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
    );
    const task = Results.find((t) => t.TaskHandle === handle) ?? Results[0];
    if (!task || task.Status === 'RUNNING') continue;
    report.moved = task.ApproximateNumberOfMessagesMoved ?? 0;
    if (task.Status !== 'COMPLETED') {
      report.failures.push({
        reason: `the message move task ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`,
      });
    }
    return report;
  }
};

// --- Standard queues: read, handle in batches, delete what was moved ---------------------------

type Received = Message & { MessageId: string; ReceiptHandle: string };

/** What to do with one message: move it (with what to send), or keep it and say why. */
type Verdict<T> = { ok: true; item: T } | { ok: false; reason: string };

/**
 * Reads `queueUrl` until it is empty (or `max` messages), `classify`ing each message and handing
 * the movable ones to `move` in batches of up to ten; deletes what `move` moved. Messages that
 * stay (kept, failed, or everything in a dry run) become visible again at the end.
 */
const drain = async <T>(
  sqs: SQSClient,
  queueUrl: string,
  options: DrainOptions,
  classify: (message: Received) => Verdict<T>,
  move: (batch: { message: Received; item: T }[]) => Promise<Map<string, string>>,
  report: RedriveReport,
): Promise<void> => {
  const seen = new Set<string>();
  const release: Received[] = [];
  const max = options.max ?? Number.POSITIVE_INFINITY;
  try {
    while (report.examined < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - report.examined),
          WaitTimeSeconds: 1,
          VisibilityTimeout: options.visibilityTimeout ?? 300,
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter(
        (m): m is Received =>
          typeof m.MessageId === 'string' && typeof m.ReceiptHandle === 'string' && !seen.has(m.MessageId),
      );
      if (fresh.length === 0) break;
      const movable: { message: Received; item: T }[] = [];
      for (const message of fresh) {
        seen.add(message.MessageId);
        report.examined += 1;
        const verdict = classify(message);
        if (verdict.ok) movable.push({ message, item: verdict.item });
        else {
          report.failures.push({ messageId: message.MessageId, reason: verdict.reason });
          release.push(message);
        }
      }
      if (options.dryRun) {
        report.moved += movable.length;
        release.push(...movable.map((m) => m.message));
        continue;
      }
      const failed = movable.length > 0 ? await move(movable) : new Map<string, string>();
      const done = movable.filter((m) => !failed.has(m.message.MessageId)).map((m) => m.message);
      for (const { message } of movable) {
        const reason = failed.get(message.MessageId);
        if (reason) {
          report.failures.push({ messageId: message.MessageId, reason });
          release.push(message);
        }
      }
      if (done.length > 0) {
        const { Failed = [] } = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        report.moved += done.length - Failed.length;
        for (const f of Failed) {
          const message = done[Number(f.Id)];
          report.failures.push({
            ...(message ? { messageId: message.MessageId } : {}),
            reason:
              `moved, but not deleted from the dead-letter queue (it may be moved twice): ${f.Code} ${f.Message ?? ''}`.trim(),
          });
        }
      }
    }
  } finally {
    // Whatever stays becomes visible again now, not when its visibility timeout runs out.
    for (const batch of chunks(release, 10)) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
};

// --- Events back onto the bus ---------------------------------------------------------------

/** An EventBridge event as the bus delivers it (to a DLQ, a Lambda, a queue). */
export interface BusEvent {
  source: string;
  'detail-type': string;
  detail: unknown;
  time?: string;
  resources?: string[];
}

const isBusEvent = (value: unknown): value is BusEvent => {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.source === 'string' &&
    typeof event['detail-type'] === 'string' &&
    typeof event.detail === 'object' &&
    event.detail !== null
  );
};

const parseJson = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};

/**
 * The event in a message of the ingest DLQ. An EventBridge rule target DLQ holds the event
 * itself; the router's on-failure destination holds Lambda's invocation record, with the event
 * under `requestPayload`.
 */
export const eventFromIngestMessage = (body: string | undefined): BusEvent | undefined => {
  const parsed = parseJson(body);
  if (isBusEvent(parsed)) return parsed;
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'requestContext' in parsed &&
    'requestPayload' in parsed
  ) {
    const payload = (parsed as { requestPayload: unknown }).requestPayload;
    if (isBusEvent(payload)) return payload;
  }
  return undefined;
};

/** The event in a message of the invalid-events queue: `{ reason, payload, receivedAt }`. */
export const eventFromInvalidMessage = (body: string | undefined): BusEvent | undefined => {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null || !('payload' in parsed)) return undefined;
  const payload = (parsed as { payload: unknown }).payload;
  return isBusEvent(payload) ? payload : undefined;
};

/** The PutEvents entry that puts `event` on `busName` again (EventBridge gives it a new id). */
export const entryFor = (event: BusEvent, busName: string): PutEventsRequestEntry => {
  const time = event.time ? new Date(event.time) : undefined;
  const resources = Array.isArray(event.resources)
    ? event.resources.filter((r) => typeof r === 'string')
    : [];
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    ...(time && !Number.isNaN(time.getTime()) ? { Time: time } : {}),
    ...(resources.length > 0 ? { Resources: resources } : {}),
  };
};

export interface PutAgainOptions extends DrainOptions {
  queueUrl: string;
  busName: string;
  /** Finds the event in a message body. */
  extract: (body: string | undefined) => BusEvent | undefined;
}

/** Puts the events of a standard queue on the bus again; deletes each message once EventBridge took its event. */
export const putEventsAgain = async (
  sqs: SQSClient,
  eventBridge: EventBridgeClient,
  options: PutAgainOptions,
): Promise<RedriveReport> => {
  const report: RedriveReport = {
    source: options.queueUrl,
    destination: `event bus ${options.busName}`,
    dryRun: options.dryRun,
    examined: 0,
    moved: 0,
    failures: [],
    notes: [],
  };
  const classify = (message: Received): Verdict<PutEventsRequestEntry> => {
    const event = options.extract(message.Body);
    if (!event) return { ok: false, reason: 'no EventBridge event in the message body; left in the queue' };
    if (event.source.startsWith('aws.')) {
      return {
        ok: false,
        reason: `events of AWS services (source ${event.source}) cannot be put on a bus again`,
      };
    }
    const entry = entryFor(event, options.busName);
    const size = entrySize(entry);
    if (size > MAX_EVENT_BYTES)
      return { ok: false, reason: `the event is ${size} bytes; PutEvents takes at most ${MAX_EVENT_BYTES}` };
    return { ok: true, item: entry };
  };
  const move = async (
    batch: { message: Received; item: PutEventsRequestEntry }[],
  ): Promise<Map<string, string>> => {
    const failed = new Map<string, string>();
    // Ten entries of up to 256 KB each may exceed the 256 KB per call: send by size.
    const calls: (typeof batch)[] = [];
    let current: typeof batch = [];
    let bytes = 0;
    for (const entry of batch) {
      const size = entrySize(entry.item);
      if (current.length > 0 && bytes + size > MAX_EVENT_BYTES) {
        calls.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += size;
    }
    if (current.length > 0) calls.push(current);
    for (const call of calls) {
      try {
        const { Entries = [] } = await eventBridge.send(
          new PutEventsCommand({ Entries: call.map((c) => c.item) }),
        );
        call.forEach(({ message }, i) => {
          const result = Entries[i];
          if (!result?.EventId) {
            failed.set(
              message.MessageId,
              `PutEvents refused it: ${result?.ErrorCode ?? 'no result'} ${result?.ErrorMessage ?? ''}`.trim(),
            );
          }
        });
      } catch (error) {
        for (const { message } of call)
          failed.set(message.MessageId, `PutEvents failed: ${errorText(error)}`);
      }
    }
    return failed;
  };
  await drain(sqs, options.queueUrl, options, classify, move, report);
  report.notes.push(
    'events put again get new event ids; journeys treat them as new events (see docs/operations.md, "Redrive")',
  );
  return report;
};

// --- Wake-ups back to the customer queue ------------------------------------------------------

export interface Wake {
  kind: 'wake';
  customerId: string;
  instanceId: string;
  version: number;
}

/** The wake in a message of the wake-up DLQ (EventBridge Scheduler puts the target's input there). */
export const wakeFromMessage = (body: string | undefined): Wake | undefined => {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const wake = parsed as Record<string, unknown>;
  if (
    wake.kind === 'wake' &&
    typeof wake.customerId === 'string' &&
    wake.customerId !== '' &&
    typeof wake.instanceId === 'string' &&
    Number.isInteger(wake.version)
  ) {
    return wake as unknown as Wake;
  }
  return undefined;
};

export interface ResendWakesOptions extends DrainOptions {
  queueUrl: string;
  customerQueueUrl: string;
}

/**
 * Sends the wakes of the wake-up DLQ to the customer queue, in their customer's message group.
 * Safe to repeat: the processor ignores a wake whose instance moved on (stale) or is gone.
 */
export const resendWakes = async (sqs: SQSClient, options: ResendWakesOptions): Promise<RedriveReport> => {
  const report: RedriveReport = {
    source: options.queueUrl,
    destination: options.customerQueueUrl,
    dryRun: options.dryRun,
    examined: 0,
    moved: 0,
    failures: [],
    notes: [],
  };
  const classify = (message: Received): Verdict<Wake> => {
    const wake = wakeFromMessage(message.Body);
    return wake
      ? { ok: true, item: wake }
      : { ok: false, reason: 'not a careflow wake-up; left in the queue' };
  };
  const move = async (batch: { message: Received; item: Wake }[]): Promise<Map<string, string>> => {
    const failed = new Map<string, string>();
    try {
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: options.customerQueueUrl,
          Entries: batch.map(({ message, item }, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify(item),
            MessageGroupId: messageGroupIdOf(item.customerId),
            // One per dead letter: a second run within five minutes does not send it twice.
            MessageDeduplicationId: `redrive-${message.MessageId}`.slice(0, 128),
          })),
        }),
      );
      for (const f of Failed) {
        const entry = batch[Number(f.Id)];
        if (entry)
          failed.set(entry.message.MessageId, `SendMessage refused it: ${f.Code} ${f.Message ?? ''}`.trim());
      }
    } catch (error) {
      for (const { message } of batch)
        failed.set(message.MessageId, `SendMessageBatch failed: ${errorText(error)}`);
    }
    return failed;
  };
  await drain(sqs, options.queueUrl, options, classify, move, report);
  return report;
};

// --- Asynchronous invocations back to their function: SES events, SMS delivery records ---------

/**
 * The SES event in a message of the SES events DLQ: the event itself (the rules' DLQs), or
 * Lambda's invocation record with the event under `requestPayload` (the feedback function's
 * on-failure destination).
 */
export const sesEventFromMessage = (body: string | undefined): BusEvent | undefined => {
  const event = eventFromIngestMessage(body);
  return event?.source === 'aws.ses' ? event : undefined;
};

/**
 * The batch of SMS delivery records in a message of the SMS delivery DLQ: Lambda's invocation
 * record with CloudWatch Logs' payload (`{ awslogs: { data } }`) under `requestPayload`.
 */
export const smsDeliveryPayloadFromMessage = (body: string | undefined): unknown => {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null || !('requestPayload' in parsed)) return undefined;
  const payload = (parsed as { requestPayload: unknown }).requestPayload;
  const awslogs =
    typeof payload === 'object' && payload !== null && 'awslogs' in payload ? payload.awslogs : null;
  const data = typeof awslogs === 'object' && awslogs !== null && 'data' in awslogs ? awslogs.data : null;
  return typeof data === 'string' ? payload : undefined;
};

export interface InvokeAgainOptions extends DrainOptions {
  queueUrl: string;
  functionName: string;
  /** What the function takes from a dead letter; undefined leaves the message in the queue. */
  payloadOf: (body: string | undefined) => unknown;
  /** What `payloadOf` looks for, for the reason a message is left: e.g. `an SES event`. */
  what: string;
}

/**
 * Hands what each dead letter kept to its function again, as an asynchronous invocation, as
 * EventBridge or CloudWatch Logs made it: SES events to the feedback function (EventBridge refuses
 * `aws.*` sources in PutEvents, so the bus cannot take them back), SMS delivery records to the
 * sms-delivery function. Safe to repeat: both functions record each event once.
 */
export const invokeAgain = async (
  lambda: LambdaClient,
  sqs: SQSClient,
  options: InvokeAgainOptions,
): Promise<RedriveReport> => {
  const report: RedriveReport = {
    source: options.queueUrl,
    destination: `function ${options.functionName}`,
    dryRun: options.dryRun,
    examined: 0,
    moved: 0,
    failures: [],
    notes: [],
  };
  const classify = (message: Received): Verdict<unknown> => {
    const payload = options.payloadOf(message.Body);
    return payload === undefined
      ? { ok: false, reason: `not ${options.what}; left in the queue` }
      : { ok: true, item: payload };
  };
  const move = async (batch: { message: Received; item: unknown }[]): Promise<Map<string, string>> => {
    const failed = new Map<string, string>();
    for (const { message, item } of batch) {
      try {
        const { StatusCode, FunctionError } = await lambda.send(
          new InvokeCommand({
            FunctionName: options.functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(item)),
          }),
        );
        if (StatusCode !== 202 || FunctionError) {
          failed.set(
            message.MessageId,
            `Lambda did not accept it: status ${StatusCode} ${FunctionError ?? ''}`.trim(),
          );
        }
      } catch (error) {
        failed.set(message.MessageId, `Invoke failed: ${errorText(error)}`);
      }
    }
    return failed;
  };
  await drain(sqs, options.queueUrl, options, classify, move, report);
  return report;
};
