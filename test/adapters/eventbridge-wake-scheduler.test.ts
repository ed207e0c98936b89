import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  atExpression,
  EventBridgeWakeScheduler,
  type EventBridgeWakeSchedulerOptions,
  effectiveWakeTime,
} from '../../shared/adapters/scheduler/eventbridge-wake-scheduler.js';
import type { Wake } from '../../shared/app/ports.js';

const scheduler = mockClient(SchedulerClient);

const NOW = '2026-11-05T10:00:00.000Z';
const wake: Wake = { kind: 'wake', customerId: 'cust-42', instanceId: 'inst-1', version: 3 };

const create = (options: Partial<EventBridgeWakeSchedulerOptions> = {}) =>
  new EventBridgeWakeScheduler(new SchedulerClient({ region: 'us-east-1' }), {
    groupName: 'careflow-wakes',
    queueArn: 'arn:aws:sqs:us-east-1:123456789012:careflow-customers.fifo',
    roleArn: 'arn:aws:iam::123456789012:role/careflow-scheduler',
    clock: { now: () => NOW },
    ...options,
  });

/** Service exception options: the scheduler exceptions carry both `message` and `Message`. */
const fault = (message: string) => ({ message, Message: message, $metadata: {} });

const lastCreate = () => scheduler.commandCalls(CreateScheduleCommand).at(-1)?.args[0].input;

beforeEach(() => {
  scheduler.reset();
});

describe('EventBridgeWakeScheduler.schedule', () => {
  it('creates a one-time UTC schedule that sends the wake to the customer queue and deletes itself', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await create().schedule({ name: 'wake-abc', at: '2026-11-06T10:00:00.000Z', wake });

    expect(lastCreate()).toEqual({
      Name: 'wake-abc',
      GroupName: 'careflow-wakes',
      ScheduleExpression: 'at(2026-11-06T10:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:sqs:us-east-1:123456789012:careflow-customers.fifo',
        RoleArn: 'arn:aws:iam::123456789012:role/careflow-scheduler',
        Input: JSON.stringify(wake),
        SqsParameters: { MessageGroupId: 'cust-42' },
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
      },
    });
  });

  it('adds the dead-letter queue and retry policy when configured', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await create({
      dlqArn: 'arn:aws:sqs:us-east-1:123456789012:careflow-wakes-dlq',
      retryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
    }).schedule({ name: 'wake-abc', at: '2026-11-06T10:00:00.000Z', wake });

    expect(lastCreate()?.Target?.DeadLetterConfig).toEqual({
      Arn: 'arn:aws:sqs:us-east-1:123456789012:careflow-wakes-dlq',
    });
    expect(lastCreate()?.Target?.RetryPolicy).toEqual({
      MaximumEventAgeInSeconds: 3600,
      MaximumRetryAttempts: 10,
    });
  });

  it.each([
    ['müller', '~sha256:a-yjV44ESSHIVUJUs6Y5e02yNKGy9XpclVRpBv3Tc28'],
    ['c 1', '~sha256:sAPUGYOrvg3saondh5NpXz6_nfbrXuHqIXOZz17O7bE'],
  ])(
    'sends the wake of %j, whose id SQS refuses as a group, in the group its events get',
    async (customerId, group) => {
      scheduler.on(CreateScheduleCommand).resolves({});

      await create().schedule({ name: 'w', at: '2026-11-06T10:00:00.000Z', wake: { ...wake, customerId } });

      expect(lastCreate()?.Target?.SqsParameters).toEqual({ MessageGroupId: group });
      expect(lastCreate()?.Target?.Input).toBe(JSON.stringify({ ...wake, customerId }));
    },
  );

  it('rounds a fractional second up, so a wake never fires early', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await create().schedule({ name: 'w', at: '2026-11-06T10:00:00.001Z', wake });

    expect(lastCreate()?.ScheduleExpression).toBe('at(2026-11-06T10:00:01)');
  });

  it('converts an offset time to UTC', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await create().schedule({ name: 'w', at: '2026-11-06T09:30:00+08:00', wake });

    expect(lastCreate()?.ScheduleExpression).toBe('at(2026-11-06T01:30:00)');
  });

  it.each([
    ['in the past', '2026-11-05T09:00:00.000Z'],
    ['right now', NOW],
    ['within the next minute', '2026-11-05T10:00:30.000Z'],
  ])('schedules a wake that is due %s one minute from now', async (_when, at) => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await create().schedule({ name: 'w', at, wake });

    expect(lastCreate()?.ScheduleExpression).toBe('at(2026-11-05T10:01:00)');
  });

  it('keeps a wake more than a minute ahead as requested', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await create().schedule({ name: 'w', at: '2026-11-05T10:01:01.000Z', wake });

    expect(lastCreate()?.ScheduleExpression).toBe('at(2026-11-05T10:01:01)');
  });

  it('treats an existing schedule of the same name as success', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException(fault('Schedule wake-abc already exists.')));

    await expect(
      create().schedule({ name: 'wake-abc', at: '2026-11-06T10:00:00.000Z', wake }),
    ).resolves.toBeUndefined();
  });

  it('lets any other failure through', async () => {
    const error = new ValidationException(fault('bad expression'));
    scheduler.on(CreateScheduleCommand).rejects(error);

    await expect(create().schedule({ name: 'w', at: '2026-11-06T10:00:00.000Z', wake })).rejects.toBe(error);
  });

  it('refuses an unreadable time before calling the service', async () => {
    await expect(create().schedule({ name: 'w', at: 'tomorrow', wake })).rejects.toThrow(/invalid wake time/);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });
});

describe('EventBridgeWakeScheduler.cancel', () => {
  it('deletes the schedule in its group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});

    await create().cancel('wake-abc');

    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: 'wake-abc',
      GroupName: 'careflow-wakes',
    });
  });

  it('ignores a schedule that is already gone', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException(fault('Schedule wake-abc does not exist.')));

    await expect(create().cancel('wake-abc')).resolves.toBeUndefined();
  });

  it('lets other failures through', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new ValidationException(fault('bad')));

    await expect(create().cancel('wake-abc')).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('schedule time helpers', () => {
  it('formats at() without milliseconds or zone', () => {
    expect(atExpression(new Date('2027-01-01T00:00:00.000Z'))).toBe('at(2027-01-01T00:00:00)');
    expect(atExpression(new Date('2026-12-31T23:59:59.500Z'))).toBe('at(2027-01-01T00:00:00)');
  });

  it('honours a custom minimum lead', () => {
    expect(effectiveWakeTime('2026-11-05T10:00:10.000Z', NOW, 5_000).toISOString()).toBe(
      '2026-11-05T10:00:10.000Z',
    );
    expect(effectiveWakeTime('2026-11-05T10:00:01.000Z', NOW, 5_000).toISOString()).toBe(
      '2026-11-05T10:00:05.000Z',
    );
  });
});
