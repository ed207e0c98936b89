import { NotFoundError } from '../../domain/errors.js';
import type { Journey } from '../../domain/journey/definition.js';
import type { Group, Instance } from '../../domain/journey/instance.js';
import { compareConversion, type LiftComparison } from '../../domain/journey/lift.js';
import type { AdminApiDeps } from '../deps.js';
import type {
  DeliveryOutcome,
  DeliveryStatus,
  JourneyStats,
  Logger,
  MessageStatus,
  StatsDelta,
} from '../ports.js';

/**
 * Journey counters. The processor records one delta per instance save (one UpdateItem of `ADD`s,
 * no read); the admin API sums them. Counter names:
 *
 * - `entered`, `active` (goes up on entry, down when the instance ends), `ended.{status}`
 * - `reached.{stepId}` (every visit), `waiting.{stepId}` (instances waiting there now)
 * - `message.sent.{channel}`, `message.skipped.{reason}`, `message.failed.{channel}`,
 *   `message.unknown.{channel}`, `message.requested.{channel}` (a send whose outcome was not passed)
 * - `message.delivered|bounced|complained|opened|clicked` (from provider feedback, `feedbackDelta`)
 * - `sla.breached.{priority}`: waits with a service level that reached their timeout
 * - `goal.{treatment|control}.entered`, `goal.{treatment|control}.converted` (the goal reached
 *   within the conversion window): the lift figures, on journeys with a `goalWindow`
 * - `goal.{treatment|control}.open.{until}`: windows closing at `until` (the instance's
 *   `goalWindow.until`, an ISO time), +1 when one opens and -1 when it converts. A window also
 *   closes when `until` passes, with no save (a treated instance is never woken for it), so the
 *   open ones are those counters whose `until` is still ahead at the time of the read. Instances
 *   started before these counters existed add nothing when they open and -1 when they convert: a
 *   negative counter is read as 0. See `openWindowCounter`.
 */

const OPEN_PREFIX = /^goal\.(treatment|control)\.open\./;

/** The counter of the conversion windows of `group` that close at `until`. */
export const openWindowCounter = (group: Group, until: string): string => `goal.${group}.open.${until}`;

/**
 * When the windows a counter counts close (`until`), or null for any other counter. Stores may
 * keep these counters apart and drop them some time after that moment: a closed window never
 * counts again.
 */
export const windowCloses = (counter: string): string | null => {
  const match = OPEN_PREFIX.exec(counter);
  return match ? counter.slice(match[0].length) : null;
};

/**
 * An effect, optionally with what became of it: for sends, the `SendOutcome` the engine's
 * delivery returns (`status`, the `channel` actually used, the skip `reason`).
 */
export interface EffectOutcome {
  type: string;
  status?: MessageStatus;
  channel?: string;
  reason?: string | null;
  /** A breached service level's priority (`slaBreached`). */
  priority?: string;
}

/** A message id handled before (a retry): it was counted the first time. */
const DUPLICATE = 'duplicate';

const channelOf = (effectType: string): string => (effectType === 'sendSms' ? 'sms' : 'email');
const isSend = (effectType: string): boolean => effectType === 'sendEmail' || effectType === 'sendSms';

const add = (delta: Record<string, number>, counter: string, amount = 1): void => {
  delta[counter] = (delta[counter] ?? 0) + amount;
  if (delta[counter] === 0) delete delta[counter];
};

const waitingAt = (instance: Instance | null): string | null =>
  instance && instance.status === 'active' && instance.waiting ? instance.stepId : null;

/**
 * What one instance save changes in the journey's counters: pass the instance before the save
 * (null when it starts), after it, and the effects that were carried out (with their outcome
 * where known). Pure; an unchanged instance gives an empty delta.
 */
export const statsDelta = (
  previous: Instance | null,
  next: Instance,
  effects: readonly EffectOutcome[] = [],
): StatsDelta => {
  const delta: Record<string, number> = {};
  if (previous === null) add(delta, 'entered');
  const wasActive = previous?.status === 'active';
  const isActive = next.status === 'active';
  if (!wasActive && isActive) add(delta, 'active');
  if ((wasActive || previous === null) && !isActive) {
    if (previous !== null) add(delta, 'active', -1);
    add(delta, `ended.${next.status}`);
  }
  for (const stepId of next.path.slice(previous?.path.length ?? 0)) add(delta, `reached.${stepId}`);
  const before = waitingAt(previous);
  const after = waitingAt(next);
  if (before !== after) {
    if (before) add(delta, `waiting.${before}`, -1);
    if (after) add(delta, `waiting.${after}`);
  }
  const window = next.goalWindow;
  if (window) {
    const open = openWindowCounter(window.group, window.until);
    if (previous === null) {
      add(delta, `goal.${window.group}.entered`);
      if (window.convertedAt === null) add(delta, open);
    }
    if (window.convertedAt !== null && !previous?.goalWindow?.convertedAt) {
      add(delta, `goal.${window.group}.converted`);
      if (previous !== null) add(delta, open, -1);
    }
  }
  for (const effect of effects) {
    if (effect.type === 'slaBreached') add(delta, `sla.breached.${effect.priority ?? 'unknown'}`);
    if (!isSend(effect.type) || effect.reason === DUPLICATE) continue;
    const channel = effect.channel ?? channelOf(effect.type);
    switch (effect.status) {
      case undefined:
      case 'sending':
        add(delta, `message.requested.${channel}`);
        break;
      case 'sent':
        add(delta, `message.sent.${channel}`);
        break;
      case 'skipped':
        add(delta, `message.skipped.${effect.reason ?? 'unknown'}`);
        break;
      default:
        add(delta, `message.${effect.status}.${channel}`);
    }
  }
  return delta;
};

const FEEDBACK_KINDS = ['delivered', 'bounced', 'complained', 'opened', 'clicked', 'undelivered'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** The delta for one piece of provider feedback (SES/SMS event) about a journey's message. */
export const feedbackDelta = (kind: FeedbackKind): StatsDelta => ({ [`message.${kind}`]: 1 });

/**
 * Count provider feedback in the figures of the journey that sent the message: once per message
 * and kind, by the call that recorded the first event of that kind (`newKind`), so a redelivered
 * or retried provider event is never counted twice. Never fails the caller (see `recordStats`).
 */
export const recordFeedback = async (
  deps: { stats?: JourneyStats; logger: Logger },
  outcome: DeliveryOutcome,
  kind: DeliveryStatus,
): Promise<void> => {
  if (!outcome.newKind || !(FEEDBACK_KINDS as readonly string[]).includes(kind)) return;
  const { journeyId, instanceId } = outcome.message;
  await recordStats(deps, journeyId, instanceId, feedbackDelta(kind as FeedbackKind));
};

/**
 * Record a delta and never fail the caller: the figures are a report, not state the engine
 * depends on, so a failed write is logged and lost (the figures may then be a little low).
 */
export const recordStats = async (
  deps: { stats?: JourneyStats; logger: Logger },
  journeyId: string,
  shardKey: string,
  delta: StatsDelta,
): Promise<void> => {
  if (!deps.stats || Object.keys(delta).length === 0) return;
  try {
    await deps.stats.record(journeyId, shardKey, delta);
  } catch (error) {
    deps.logger.warn('journey figures not recorded', {
      journeyId,
      error: error instanceof Error ? error.name : String(error),
    });
  }
};

/** Public list prices used for the cost estimate, in US dollars per message. */
export const PRICES_USD = {
  /** Amazon SES outbound email: $0.10 per 1,000 (no attachments, no dedicated IPs). */
  email: 0.1 / 1000,
  /**
   * SMS varies by destination country, origination identity and carrier fees (from well under a
   * cent to over ten cents per message part). Assumed: one US message part at about $0.0083
   * (AWS list price plus a typical carrier fee). Pass `smsPriceUsd` for your own destinations.
   */
  sms: 0.0083,
} as const;

/**
 * Conversion within the window, treated vs held out, and the lift. Provisional (`provisional`,
 * and the verdict says so) while a window of either group is open at the time of the request:
 * customers who entered lately have had less time to convert, in both groups alike. Each group's
 * `openWindows` says how many.
 */
export type LiftFigures = LiftComparison & {
  /** The current version's holdout share and conversion window (null when it has none). */
  holdoutPercent: number | null;
  goalWindow: string | null;
};

export interface JourneyFigures {
  journeyId: string;
  entered: number;
  active: number;
  ended: Record<string, number>;
  converted: number;
  /** Null for a journey that never measured a conversion window. */
  lift: LiftFigures | null;
  /** Waits with a service level that reached their timeout, by priority. */
  slaBreaches: Record<string, number>;
  steps: { stepId: string; reached: number; waiting: number }[];
  messages: {
    sent: Record<string, number>;
    skipped: Record<string, number>;
    failed: Record<string, number>;
    unknown: Record<string, number>;
    delivered: number;
    bounced: number;
    complained: number;
    opened: number;
    clicked: number;
    /** SMS the carrier or the phone did not take. */
    undelivered: number;
  };
  estimatedCost: {
    currency: 'USD';
    total: number;
    email: { messages: number; unitPrice: number; amount: number };
    sms: { messages: number; unitPrice: number; amount: number };
    assumptions: string;
  };
}

const group = (counters: Record<string, number>, prefix: string): Record<string, number> =>
  Object.fromEntries(
    Object.entries(counters)
      .filter(([name, value]) => name.startsWith(prefix) && value !== 0)
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );

const roundUsd = (amount: number): number => Math.round(amount * 1e6) / 1e6;
const round6 = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 1e6) / 1e6;

/** Windows of each group still open at `now`: their `until` is ahead (a negative counter reads as 0). */
const openWindows = (counters: Record<string, number>, now: string): Record<Group, number> => {
  const open = { treatment: 0, control: 0 };
  const nowMs = Date.parse(now);
  for (const [name, value] of Object.entries(counters)) {
    const until = windowCloses(name);
    if (until === null || value <= 0 || !(Date.parse(until) > nowMs)) continue;
    open[name.startsWith('goal.treatment.') ? 'treatment' : 'control'] += value;
  }
  return open;
};

const liftFigures = (
  counters: Record<string, number>,
  journey: Journey | undefined,
  now: string,
): LiftFigures | null => {
  const measured = Object.keys(counters).some((name) => name.startsWith('goal.'));
  if (!measured && !journey?.goalWindow) return null;
  const open = openWindows(counters, now);
  const group = (name: Group) => ({
    entered: counters[`goal.${name}.entered`] ?? 0,
    converted: counters[`goal.${name}.converted`] ?? 0,
    openWindows: open[name],
  });
  const lift = compareConversion(group('treatment'), group('control'));
  const interval = lift.confidenceInterval;
  return {
    holdoutPercent: journey?.holdout?.percent ?? null,
    goalWindow: journey?.goalWindow ?? null,
    ...lift,
    treatment: { ...lift.treatment, conversionRate: round6(lift.treatment.conversionRate) },
    control: { ...lift.control, conversionRate: round6(lift.control.conversionRate) },
    absoluteLift: round6(lift.absoluteLift),
    relativeLift: round6(lift.relativeLift),
    confidenceInterval: interval
      ? { level: interval.level, low: round6(interval.low) ?? 0, high: round6(interval.high) ?? 0 }
      : null,
    pValue: round6(lift.pValue),
  };
};

/** `GET /journeys/{id}/stats`: the journey's figures and the estimated cost of its sends. */
export const journeyFigures = async (
  deps: Pick<AdminApiDeps, 'stats' | 'journeys' | 'drafts' | 'clock'>,
  id: string,
  options: { smsPriceUsd?: number } = {},
): Promise<JourneyFigures> => {
  const [counters, current, draft] = await Promise.all([
    deps.stats.read(id),
    deps.journeys.getCurrent(id),
    deps.drafts.get(id),
  ]);
  if (!current && !draft) throw new NotFoundError(`There is no journey "${id}".`);
  const value = (name: string) => counters[name] ?? 0;
  const reached = group(counters, 'reached.');
  const waiting = group(counters, 'waiting.');
  const order = Object.keys(current?.journey.steps ?? {});
  const stepIds = [...new Set([...order, ...Object.keys(reached), ...Object.keys(waiting)])];
  const sent = group(counters, 'message.sent.');
  const smsPrice = options.smsPriceUsd ?? PRICES_USD.sms;
  const email = {
    messages: sent.email ?? 0,
    unitPrice: PRICES_USD.email,
    amount: roundUsd((sent.email ?? 0) * PRICES_USD.email),
  };
  const sms = { messages: sent.sms ?? 0, unitPrice: smsPrice, amount: roundUsd((sent.sms ?? 0) * smsPrice) };
  return {
    journeyId: id,
    entered: value('entered'),
    active: value('active'),
    ended: group(counters, 'ended.'),
    converted: value('ended.converted'),
    lift: liftFigures(counters, current?.journey, deps.clock.now()),
    slaBreaches: group(counters, 'sla.breached.'),
    steps: stepIds.map((stepId) => ({
      stepId,
      reached: reached[stepId] ?? 0,
      waiting: waiting[stepId] ?? 0,
    })),
    messages: {
      sent,
      skipped: group(counters, 'message.skipped.'),
      failed: group(counters, 'message.failed.'),
      unknown: group(counters, 'message.unknown.'),
      delivered: value('message.delivered'),
      bounced: value('message.bounced'),
      complained: value('message.complained'),
      opened: value('message.opened'),
      clicked: value('message.clicked'),
      undelivered: value('message.undelivered'),
    },
    estimatedCost: {
      currency: 'USD',
      total: roundUsd(email.amount + sms.amount),
      email,
      sms,
      assumptions:
        options.smsPriceUsd === undefined
          ? 'SES list price $0.10 per 1,000 emails; SMS assumed at $0.0083 per message (one US message part incl. carrier fee) - pass smsPriceUsd for your destinations. Sends only: Lambda, DynamoDB, EventBridge and SQS are not included.'
          : `SES list price $0.10 per 1,000 emails; SMS at the given $${smsPrice} per message. Sends only: Lambda, DynamoDB, EventBridge and SQS are not included.`,
    },
  };
};
