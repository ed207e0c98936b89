import * as z from 'zod';

/** The part of an event that an instance keeps: enough to branch, correlate and render. */
export const EventRef = z.object({
  id: z.string(),
  detailType: z.string(),
  source: z.string(),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type EventRef = z.infer<typeof EventRef>;

export const Waiting = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timer'), until: z.string() }),
  /** A send step waits for the customer's quiet hours to end; the wake-up sends it. */
  z.object({ kind: z.literal('quiet'), until: z.string() }),
  z.object({
    kind: z.literal('event'),
    until: z.string(),
    /** The trigger's value of the correlation field, e.g. `{ field: 'orderId', value: 'o-1' }`. */
    correlation: z.object({ field: z.string(), value: z.unknown() }).optional(),
  }),
]);
export type Waiting = z.infer<typeof Waiting>;

/**
 * `holdout`: the customer was drawn into the journey's control group: entered, counted, sent
 * nothing, ended at once.
 */
export const InstanceStatus = z.enum(['active', 'completed', 'converted', 'failed', 'holdout']);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const Instance = z.object({
  schemaVersion: z.literal(1),
  instanceId: z.string(),
  journeyId: z.string(),
  journeyVersion: z.number().int(),
  customerId: z.string(),
  status: InstanceStatus,
  /** The step the instance is at: the one it waits in, or the last it ran. */
  stepId: z.string(),
  waiting: Waiting.nullable(),
  trigger: EventRef,
  /** The latest event that moved the instance on (e.g. the survey answer). */
  lastEvent: EventRef.nullable(),
  /** Steps run so far, in order; also numbers repeated visits for message ids. */
  path: z.array(z.string()),
  /** Bumped on every change; a wake-up carries the version it was scheduled for. */
  version: z.number().int().nonnegative(),
  startedAt: z.string(),
  updatedAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
});
export type Instance = z.infer<typeof Instance>;

export const isActive = (instance: Instance): boolean => instance.status === 'active';
