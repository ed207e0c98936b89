import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type RetryPolicy,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Clock, Wake, WakeScheduler } from '../../app/ports.js';
import { messageGroupIdOf } from '../../domain/events/message-group.js';
import { systemClock } from '../clock.js';

export interface EventBridgeWakeSchedulerOptions {
  groupName: string;
  /** The customer FIFO queue (it needs content-based deduplication: the target sets no dedup id). */
  queueArn: string;
  /** Role EventBridge Scheduler assumes to send to the queue. */
  roleArn: string;
  /** Where Scheduler puts a wake it could not deliver after its retries. */
  dlqArn?: string;
  /** Default: 185 attempts within 24 hours (the service maximum). */
  retryPolicy?: RetryPolicy;
  /** Schedules are never set earlier than now + this. Default 60 000 (Scheduler's precision). */
  minimumLeadMs?: number;
  /** Reads the current time for the lead-time rule. Default: the system clock. */
  clock?: Clock;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 };

/**
 * The `at()` expression for a time: UTC, `yyyy-mm-ddThh:mm:ss`, rounded UP to the next whole
 * second (a wake must never fire before the time the interpreter asked for).
 */
export const atExpression = (at: Date): string => {
  const ms = Math.ceil(at.getTime() / 1000) * 1000;
  return `at(${new Date(ms).toISOString().slice(0, 19)})`;
};

/**
 * When the schedule fires: `at`, but never earlier than now + minimum lead. A wake that is
 * due (or overdue) is delivered about a minute later instead of being lost: EventBridge
 * Scheduler has one-minute precision, and a one-time schedule in the past is either refused
 * or never fires (reports differ), so careflow never sends one.
 */
export const effectiveWakeTime = (at: string, now: string, minimumLeadMs: number): Date => {
  const requested = new Date(at);
  if (Number.isNaN(requested.getTime())) throw new Error(`invalid wake time: ${JSON.stringify(at)}`);
  const earliest = new Date(new Date(now).getTime() + minimumLeadMs);
  return requested.getTime() < earliest.getTime() ? earliest : requested;
};

/** WakeScheduler on EventBridge Scheduler: one one-time schedule per wake, deleted after it fires. */
export class EventBridgeWakeScheduler implements WakeScheduler {
  private readonly clock: Clock;
  private readonly minimumLeadMs: number;

  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeWakeSchedulerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.minimumLeadMs = options.minimumLeadMs ?? 60_000;
  }

  async schedule(request: { name: string; at: string; wake: Wake }): Promise<void> {
    const { name, at, wake } = request;
    const when = effectiveWakeTime(at, this.clock.now(), this.minimumLeadMs);
    const input: CreateScheduleCommandInput = {
      Name: name,
      GroupName: this.options.groupName,
      ScheduleExpression: atExpression(when),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.options.queueArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify(wake),
        // The group the router gives the customer's events: wake-ups and events take turns.
        SqsParameters: { MessageGroupId: messageGroupIdOf(wake.customerId) },
        RetryPolicy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
        ...(this.options.dlqArn ? { DeadLetterConfig: { Arn: this.options.dlqArn } } : {}),
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      // Names are deterministic per (instance, version): an existing one is this very wake.
      if (errorName(error) === 'ConflictException') return;
      throw error;
    }
  }

  /** Delete a pending wake; one that already fired (and deleted itself) or never existed is fine. */
  async cancel(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return;
      throw error;
    }
  }
}

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);
