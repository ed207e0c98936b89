import { createHash } from 'node:crypto';
import { testEventPattern } from '../../shared/app/admin/pattern-check.js';
import type { LocalBus, PutEventsEntry } from './bus.js';
import { InvalidParameterValueError } from './fifo-queue.js';
import type { LocalScheduler } from './scheduler.js';

/**
 * The slices of AWS's own wire protocols the local stack speaks, so the real AWS SDK
 * (and the CLI) work unchanged against it: EventBridge PutEvents (JSON 1.1),
 * SQS SendMessage/SendMessageBatch (JSON 1.0), and Scheduler CreateSchedule/DeleteSchedule (REST JSON).
 */

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const awsJson = (
  version: '1.0' | '1.1',
  status: number,
  body: unknown,
  errorType?: string,
): WireResponse => ({
  status,
  headers: {
    'content-type': `application/x-amz-json-${version}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  },
  body: JSON.stringify(
    errorType ? { __type: errorType, message: String((body as { message?: string }).message) } : body,
  ),
});

/**
 * `AWSEvents.TestEventPattern` on careflow's own matcher: `{ "Result": true|false }`, or
 * EventBridge's `InvalidEventPatternException` / `ValidationException` with the reason.
 */
export const wireTestEventPattern = (input: unknown): WireResponse => {
  const check = testEventPattern(input);
  return check.ok
    ? awsJson('1.1', 200, { Result: check.result })
    : awsJson('1.1', 400, { message: check.message }, check.code);
};

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A queue the local SQS endpoint can write to, found by the name at the end of its QueueUrl. */
export interface LocalQueueTarget {
  send(messages: { body: string; groupId: string; deduplicationId: string }[]): string[];
  /** ChangeMessageVisibility; queues that give nothing out need not take it. */
  changeVisibility?(receiptHandle: string, seconds: number): boolean;
}

export const handleAmzTarget = (
  target: string,
  body: string,
  parts: {
    bus: LocalBus;
    queues: Record<string, LocalQueueTarget>;
    testEventPattern?: (input: unknown) => WireResponse;
  },
): WireResponse => {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body || '{}') as Record<string, unknown>;
  } catch {
    return awsJson('1.1', 400, { message: 'body is not JSON' }, 'SerializationException');
  }
  switch (target) {
    case 'AWSEvents.PutEvents': {
      const entries = Array.isArray(input.Entries) ? (input.Entries as PutEventsEntry[]) : [];
      if (entries.length === 0 || entries.length > 10) {
        return awsJson('1.1', 400, { message: 'Entries must hold 1 to 10 entries' }, 'ValidationException');
      }
      return awsJson('1.1', 200, parts.bus.putEvents(entries));
    }
    case 'AWSEvents.TestEventPattern':
      return parts.testEventPattern
        ? parts.testEventPattern(input)
        : awsJson('1.1', 400, { message: 'not supported' }, 'UnknownOperationException');
    case 'AmazonSQS.SendMessage':
    case 'AmazonSQS.SendMessageBatch':
    case 'AmazonSQS.ChangeMessageVisibility': {
      const name =
        String(input.QueueUrl ?? '')
          .split('/')
          .pop() ?? '';
      const queue = parts.queues[name];
      if (!queue) {
        return awsJson(
          '1.0',
          400,
          { message: `queue ${name} does not exist` },
          'AWS.SimpleQueueService.NonExistentQueue',
        );
      }
      if (target === 'AmazonSQS.ChangeMessageVisibility') return changeVisibility(queue, input);
      try {
        return target === 'AmazonSQS.SendMessage'
          ? sendMessage(queue, input)
          : sendMessageBatch(queue, input);
      } catch (error) {
        // A group or deduplication id SQS would refuse: a sender fault, as SQS answers it (never retried).
        if (!(error instanceof InvalidParameterValueError)) throw error;
        return awsJson('1.0', 400, { message: error.message }, 'InvalidParameterValue');
      }
    }
    default:
      return awsJson(
        '1.1',
        400,
        { message: `${target} is not supported locally` },
        'UnknownOperationException',
      );
  }
};

const changeVisibility = (queue: LocalQueueTarget, input: Record<string, unknown>): WireResponse => {
  const seconds = Number(input.VisibilityTimeout);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
    return awsJson(
      '1.0',
      400,
      { message: 'VisibilityTimeout must be 0 to 43200 seconds' },
      'InvalidParameterValue',
    );
  }
  if (!queue.changeVisibility?.(String(input.ReceiptHandle ?? ''), seconds)) {
    return awsJson('1.0', 400, { message: 'The receipt handle is not valid' }, 'ReceiptHandleIsInvalid');
  }
  return awsJson('1.0', 200, {});
};

const sendMessage = (queue: LocalQueueTarget, input: Record<string, unknown>): WireResponse => {
  const [id] = sendToQueue(queue, [input]);
  return awsJson('1.0', 200, { MessageId: id, MD5OfMessageBody: md5(String(input.MessageBody)) });
};

const sendMessageBatch = (queue: LocalQueueTarget, input: Record<string, unknown>): WireResponse => {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
  const ids = sendToQueue(queue, entries);
  return awsJson('1.0', 200, {
    Successful: entries.map((e, i) => ({
      Id: e.Id,
      MessageId: ids[i],
      MD5OfMessageBody: md5(String(e.MessageBody)),
    })),
    Failed: [],
  });
};

const sendToQueue = (queue: LocalQueueTarget, entries: Record<string, unknown>[]): string[] =>
  queue.send(
    entries.map((e) => {
      const body = String(e.MessageBody ?? '');
      return {
        body,
        groupId: String(e.MessageGroupId ?? 'default'),
        deduplicationId: String(e.MessageDeduplicationId ?? md5(body)),
      };
    }),
  );

/** `POST /schedules/{name}` (CreateSchedule) and `DELETE /schedules/{name}` (DeleteSchedule). */
export const handleScheduler = (
  method: string,
  name: string,
  url: URL,
  body: string,
  scheduler: LocalScheduler,
): WireResponse => {
  const rest = (status: number, payload: unknown, errorType?: string): WireResponse => ({
    status,
    headers: { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
    body: JSON.stringify(payload),
  });
  if (method === 'DELETE') {
    const group = url.searchParams.get('groupName') ?? 'default';
    return scheduler.delete(group, name)
      ? rest(200, {})
      : rest(404, { Message: `Schedule ${name} does not exist.` }, 'ResourceNotFoundException');
  }
  const input = JSON.parse(body || '{}') as {
    GroupName?: string;
    ScheduleExpression?: string;
    Target?: { Input?: string; SqsParameters?: { MessageGroupId?: string } };
  };
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(input.ScheduleExpression ?? '')?.[1];
  if (!at) {
    return rest(
      400,
      { Message: 'Only one-time at() schedules are supported locally.' },
      'ValidationException',
    );
  }
  const groupName = input.GroupName ?? 'default';
  const created = scheduler.create({
    name,
    groupName,
    at: new Date(`${at}Z`).toISOString(),
    input: input.Target?.Input ?? '{}',
    messageGroupId: input.Target?.SqsParameters?.MessageGroupId ?? 'default',
  });
  return created
    ? rest(200, { ScheduleArn: `arn:aws:scheduler:local:000000000000:schedule/${groupName}/${name}` })
    : rest(409, { Message: `Schedule ${name} already exists.` }, 'ConflictException');
};
