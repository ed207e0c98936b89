import * as z from '../zod.js';

/** The part of an event that an instance keeps: enough to branch, correlate and render. */
export const EventRef = z.object({
  id: z.string(),
  detailType: z.string(),
  source: z.string(),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type EventRef = z.infer<typeof EventRef>;

/**
 * What makes two deliveries one event: the producer's `detail.eventKey` when it gives one (the
 * same on every retry of its PutEvents, and on careflow's own re-sent events), within its
 * customer, source and detail-type; otherwise the EventBridge id, which a redelivery keeps. The
 * customer is part of it because producers may reuse a key across customers (one `price-drop/
 * sku-1` event per customer), and a run's id names global things: its wake-up schedules, its
 * random draws. JSON keeps the parts apart whatever characters they hold.
 */
export const eventIdentity = (event: EventRef): string => {
  const key = event.detail.eventKey;
  return typeof key === 'string' && key.length > 0
    ? `key:${JSON.stringify([event.detail.customerId, event.source, event.detailType, key])}`
    : event.id;
};

export const Waiting = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timer'), until: z.string() }),
  /** A send step waits for the customer's quiet hours to end; the wake-up sends it. */
  z.object({ kind: z.literal('quiet'), until: z.string() }),
  z.object({
    kind: z.literal('event'),
    until: z.string(),
    /** The trigger's value of the correlation field, e.g. `{ field: 'orderId', value: 'o-1' }`. */
    correlation: z.optional(z.object({ field: z.string(), value: z.unknown() })),
  }),
  /** A held-out customer's instance watches the journey's goal until the conversion window ends. */
  z.object({ kind: z.literal('goal'), until: z.string() }),
  /**
   * A send step with `onSkipped` waits for what became of its message (the `sent` input), which
   * the use case feeds back as soon as it has tried to send, before it saves the instance: this
   * never stays stored. `ran` counts the steps run without waiting, so the chain stays bounded.
   */
  z.object({
    kind: z.literal('send'),
    /** When the send was asked for: its outcome is due at once. */
    until: z.string(),
    messageId: z.string(),
    ran: z.int().check(z.nonnegative()),
  }),
]);
export type Waiting = z.infer<typeof Waiting>;

/**
 * `holdout`: the customer was drawn into the journey's control group: entered and counted, sent
 * nothing, no step run. With a conversion window the instance stays open (`waiting` the goal,
 * `endedAt` null) until the goal is reached or the window ends; without one it ends at once.
 */
export const InstanceStatus = z.enum(['active', 'completed', 'converted', 'failed', 'holdout']);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

/** The group a customer is in for the journey's lift: sent the journey, or held out. */
export const Group = z.enum(['treatment', 'control']);
export type Group = z.infer<typeof Group>;

/** An instance's conversion window (`goalWindow` of its journey): the goal counts only until `until`. */
export const GoalWindow = z.object({
  group: Group,
  until: z.string(),
  /** When the goal was reached within the window; null while it has not been. */
  convertedAt: z.nullable(z.string()),
});
export type GoalWindow = z.infer<typeof GoalWindow>;

export const Instance = z.object({
  schemaVersion: z.literal(1),
  instanceId: z.string(),
  journeyId: z.string(),
  journeyVersion: z.int(),
  customerId: z.string(),
  status: InstanceStatus,
  /** The step the instance is at: the one it waits in, or the last it ran. */
  stepId: z.string(),
  waiting: z.nullable(Waiting),
  trigger: EventRef,
  /** The latest event that moved the instance on (e.g. the survey answer). */
  lastEvent: z.nullable(EventRef),
  /** Steps run so far, in order; also numbers repeated visits for message ids. */
  path: z.array(z.string()),
  /** Bumped on every change; a wake-up carries the version it was scheduled for. */
  version: z.int().check(z.nonnegative()),
  startedAt: z.string(),
  updatedAt: z.string(),
  endedAt: z.nullable(z.string()),
  endReason: z.nullable(z.string()),
  /** Present when the journey has a goal and a `goalWindow` (absent on instances started before). */
  goalWindow: z.optional(GoalWindow),
});
export type Instance = z.infer<typeof Instance>;

export const isActive = (instance: Instance): boolean => instance.status === 'active';

/**
 * Whether the instance still watches its journey's goal for the conversion figures: its window is
 * open and the goal not reached yet. A treated instance watches on after its steps ended (the
 * customer may still convert within the window); a held-out one until its window's wake-up ends it.
 */
export const watchesGoal = (instance: Instance, now: string): boolean => {
  const window = instance.goalWindow;
  if (!window || window.convertedAt !== null) return false;
  return window.group === 'control' ? instance.endedAt === null : Date.parse(now) <= Date.parse(window.until);
};

/**
 * Whether the instance still holds the customer in the journey: it runs steps, or its conversion
 * window is open. Entry rules (`maxConcurrent`) count these, the same way in both groups.
 */
export const isRunning = (instance: Instance, now: string): boolean =>
  instance.status === 'active' || watchesGoal(instance, now);
