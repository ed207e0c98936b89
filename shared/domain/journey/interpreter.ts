import { type QuietHours, quietUntil } from '../guards/quiet-hours.js';
import { knownZone } from '../guards/zoned-time.js';
import { compilePattern, type Matcher } from '../pattern/index.js';
import { addDuration } from '../time/duration.js';
import { isSend, type Journey, type Step } from './definition.js';
import { type Draw, hashDraw, inHoldout, pickByPercent } from './draw.js';
import { type Effect, notSent, type SendResult } from './effects.js';
import { type EventRef, eventIdentity, type Instance, watchesGoal } from './instance.js';
import { waitUntilTarget } from './wait-until.js';

/** A journey can run at most this many steps without waiting before the instance fails. */
export const MAX_STEPS_PER_RUN = 100;

export type StepInput =
  | { kind: 'event'; event: EventRef }
  | { kind: 'wake'; version: number }
  /** What became of the message a send step with `onSkipped` waits for (`waiting.kind` `send`). */
  | { kind: 'sent'; messageId: string; result: SendResult; reason: string | null };

export interface StepOutcome {
  instance: Instance;
  effects: Effect[];
  /** False when the input did not concern the instance; nothing needs saving then. */
  changed: boolean;
}

export interface StepEnv {
  now: string;
  /** The customer's profile as branch conditions see it under `profile`. */
  profile: Record<string, unknown>;
  /** The customer's IANA time zone, for `waitUntil` and quiet hours. Default UTC. */
  timeZone?: string;
  /** Sends are deferred until these hours end, in `timeZone`. Default: none. */
  quietHours?: QuietHours | null;
  /** Random splits and the holdout draw from this; default: a hash of the key (deterministic). */
  draw?: Draw;
}

const compiled = new WeakMap<object, Matcher>();
/** A compiled pattern, compiled once per pattern object (journeys are cached, so once per journey). */
export const matcherOf = (pattern: Record<string, unknown>): Matcher => {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    matcher = compilePattern(pattern);
    compiled.set(pattern, matcher);
  }
  return matcher;
};

/** The event as an EventBridge pattern sees it. */
export const patternView = (event: EventRef): Record<string, unknown> => ({
  id: event.id,
  'detail-type': event.detailType,
  source: event.source,
  time: event.time,
  detail: event.detail,
});

/**
 * Start a new instance of a journey for the trigger event and run it up to its first wait.
 * A customer drawn into the journey's holdout group runs no step: the instance only watches the
 * goal until the conversion window ends (a wake-up then ends it), or ends at once when the journey
 * has no window.
 */
export const startInstance = (
  journey: Journey,
  init: { instanceId: string; customerId: string; trigger: EventRef },
  env: StepEnv,
): StepOutcome => {
  const instance: Instance = {
    schemaVersion: 1,
    instanceId: init.instanceId,
    journeyId: journey.id,
    journeyVersion: journey.version,
    customerId: init.customerId,
    status: 'active',
    stepId: journey.start,
    waiting: null,
    trigger: init.trigger,
    lastEvent: null,
    path: [],
    version: 0,
    startedAt: env.now,
    updatedAt: env.now,
    endedAt: null,
    endReason: null,
  };
  const until = windowEnd(journey, env.now);
  if (journey.holdout && inHoldout(journey.id, init.customerId, journey.holdout.percent, env.draw)) {
    const reason = `in the ${journey.holdout.percent}% holdout group`;
    if (until === null) return end({ ...instance, version: 1 }, env, 'holdout', reason);
    return {
      instance: {
        ...instance,
        status: 'holdout',
        version: 1,
        waiting: { kind: 'goal', until },
        goalWindow: { group: 'control', until, convertedAt: null },
      },
      effects: [{ type: 'scheduleWake', instanceId: init.instanceId, version: 1, at: until }],
      changed: true,
    };
  }
  const treated: Instance =
    until === null ? instance : { ...instance, goalWindow: { group: 'treatment', until, convertedAt: null } };
  return run(journey, treated, journey.start, env);
};

/** When the conversion window of an instance starting `now` ends; null when the journey has none. */
const windowEnd = (journey: Journey, now: string): string | null =>
  journey.goal && journey.goalWindow ? addDuration(now, journey.goalWindow) : null;

const unchanged = (instance: Instance): StepOutcome => ({ instance, effects: [], changed: false });

/** The event was seen before: it started the instance, or it is the one that moved it last. */
const seen = (instance: Instance, event: EventRef): boolean => {
  const identity = eventIdentity(event);
  return (
    identity === eventIdentity(instance.trigger) ||
    (instance.lastEvent !== null && identity === eventIdentity(instance.lastEvent))
  );
};

/**
 * Whether an event reaches the journey's goal: the one test for both groups, so treated and
 * held-out customers convert on exactly the same events.
 */
const reachesGoal = (journey: Journey, event: EventRef): boolean =>
  journey.goal !== null && matcherOf(journey.goal)(patternView(event));

/** The instance with its conversion counted, when its window is still open at `now`. */
const withConversion = (instance: Instance, now: string): Instance =>
  watchesGoal(instance, now) && instance.goalWindow
    ? { ...instance, goalWindow: { ...instance.goalWindow, convertedAt: now } }
    : instance;

/**
 * Feed one input (an event of the customer, or a wake-up) to an instance.
 * Pure: returns the next instance and the effects to carry out.
 */
export const step = (journey: Journey, instance: Instance, input: StepInput, env: StepEnv): StepOutcome => {
  if (instance.status === 'holdout') return stepHeldOut(journey, instance, input, env);
  if (instance.status !== 'active') return stepAfterEnd(journey, instance, input, env);
  const waiting = instance.waiting;
  if (!waiting) return unchanged(instance);
  // Nothing else moves an instance that waits for its send's outcome: that comes first.
  if (waiting.kind === 'send' || input.kind === 'sent') {
    return input.kind === 'sent' && waiting.kind === 'send' && input.messageId === waiting.messageId
      ? afterSend(journey, instance, input, waiting.ran, env)
      : unchanged(instance);
  }
  if (input.kind === 'wake') {
    if (input.version !== instance.version) return unchanged(instance);
    const current = journey.steps[instance.stepId];
    if (!current) return fail(bumped(instance), env, `step "${instance.stepId}" is missing`);
    // A send deferred by quiet hours runs its own step again; the others go on to the next.
    if (waiting.kind === 'quiet') return run(journey, instance, instance.stepId, env, { resume: true });
    const to = wakeTarget(current);
    if (!to) return fail(bumped(instance), env, `step "${instance.stepId}" cannot wake`);
    const breach = slaBreach(current, instance.stepId);
    return run(journey, instance, to, env, breach ? { first: breach } : {});
  }
  const { event } = input;
  if (seen(instance, event)) return unchanged(instance);
  if (reachesGoal(journey, event)) {
    const ended = end(
      { ...withConversion(bumped(instance), env.now), lastEvent: event },
      env,
      'converted',
      `goal reached by ${event.detailType}`,
    );
    ended.effects.push(cancelPending(instance));
    return ended;
  }
  const current = journey.steps[instance.stepId];
  if (current?.type !== 'waitForEvent' || !awaits(current, instance, event)) return unchanged(instance);
  return run(journey, { ...instance, lastEvent: event }, current.next, env, {
    first: cancelPending(instance),
  });
};

/**
 * The outcome of the message the instance's send step waits for: a message that did not go out
 * (skipped by a guard, or refused) takes `onSkipped`, any other goes on to `next`, as every send
 * step does. A run that ends at an `exit` right after a skipped send records why.
 */
const afterSend = (
  journey: Journey,
  instance: Instance,
  sent: Extract<StepInput, { kind: 'sent' }>,
  ran: number,
  env: StepEnv,
): StepOutcome => {
  const current = journey.steps[instance.stepId];
  if (!current || !isSend(current))
    return fail(bumped(instance), env, `step "${instance.stepId}" sends nothing`);
  if (!notSent(sent.result) || !current.onSkipped) return run(journey, instance, current.next, env, { ran });
  const why = sent.reason ? `${sent.result}: ${sent.reason}` : sent.result;
  return run(journey, instance, current.onSkipped, env, {
    ran,
    endReason: `reached exit; "${instance.stepId}" was not sent (${why})`,
  });
};

/**
 * A held-out customer's instance: it runs no step and sends nothing. While its window is open it
 * waits for the goal (converted: it ends, the window's wake-up is cancelled) or for the wake-up at
 * the window's end (it ends unconverted). A goal after the window does not count; the wake-up,
 * due any moment, ends the instance.
 */
const stepHeldOut = (journey: Journey, instance: Instance, input: StepInput, env: StepEnv): StepOutcome => {
  const waiting = instance.waiting;
  if (waiting?.kind !== 'goal') return unchanged(instance);
  if (input.kind === 'wake') {
    return input.version === instance.version
      ? end(bumped(instance), env, 'holdout', 'held out; the goal was not reached within the window')
      : unchanged(instance);
  }
  if (input.kind !== 'event') return unchanged(instance);
  const { event } = input;
  if (seen(instance, event) || !reachesGoal(journey, event)) return unchanged(instance);
  if (Date.parse(env.now) > Date.parse(waiting.until)) return unchanged(instance);
  const ended = end(
    { ...withConversion(bumped(instance), env.now), lastEvent: event },
    env,
    'holdout',
    `held out; goal reached by ${event.detailType} within the window`,
  );
  ended.effects.push(cancelPending(instance));
  return ended;
};

/**
 * A treated instance whose steps are over (completed, or failed) keeps watching the goal until
 * its window ends, so that both groups are judged over the same time: a goal event records the
 * conversion and nothing else happens. Wake-ups mean nothing to it.
 */
const stepAfterEnd = (journey: Journey, instance: Instance, input: StepInput, env: StepEnv): StepOutcome => {
  if (input.kind !== 'event' || !watchesGoal(instance, env.now)) return unchanged(instance);
  const { event } = input;
  if (seen(instance, event) || !reachesGoal(journey, event)) return unchanged(instance);
  return {
    instance: { ...withConversion(bumped(instance), env.now), lastEvent: event, updatedAt: env.now },
    effects: [],
    changed: true,
  };
};

/** The wake-up the instance waits for is not needed any more: it moved on because of an event. */
const cancelPending = (instance: Instance): Effect => ({
  type: 'cancelWake',
  instanceId: instance.instanceId,
  version: instance.version,
});

const wakeTarget = (current: Step): string | null => {
  switch (current.type) {
    case 'wait':
    case 'waitUntil':
      return current.next;
    case 'waitForEvent':
      return current.onTimeout;
    default:
      return null;
  }
};

/** The breach a wake-up means at a step: a `waitForEvent` with a service level reached its timeout. */
const slaBreach = (current: Step, stepId: string): Effect | null =>
  current.type === 'waitForEvent' && current.sla
    ? { type: 'slaBreached', stepId, priority: current.sla.priority }
    : null;

const bumped = (instance: Instance): Instance => ({ ...instance, version: instance.version + 1 });

const awaits = (
  current: Extract<Step, { type: 'waitForEvent' }>,
  instance: Instance,
  event: EventRef,
): boolean => {
  const waiting = instance.waiting;
  if (waiting?.kind !== 'event') return false;
  if (waiting.correlation && event.detail[waiting.correlation.field] !== waiting.correlation.value)
    return false;
  return matcherOf(current.pattern)(patternView(event));
};

/** How often the instance has been at `stepId` (the message id's visit number). */
const visits = (path: readonly string[], stepId: string): number => {
  let count = 0;
  for (const id of path) if (id === stepId) count += 1;
  return count;
};

interface RunOptions {
  /** Re-enter the step the instance waits in (a send deferred by quiet hours) without counting a second visit. */
  resume?: boolean;
  /** An effect that goes before the run's own (cancelling the wake-up the instance no longer needs). */
  first?: Effect;
  /** Steps already run without waiting, by the run that stopped for a send's outcome. */
  ran?: number;
  /** The end reason when the run reaches an `exit` (default `reached exit`). */
  endReason?: string;
}

/**
 * Run steps from `from` until the instance waits or ends; bounded so a bad journey cannot spin
 * (a run that goes on after a send's outcome counts the steps before it). The result carries the
 * next version: one run is one save, or, when a send step waits for its outcome, one part of it.
 */
const run = (
  journey: Journey,
  start: Instance,
  from: string,
  env: StepEnv,
  { resume = false, first, ran = 0, endReason = 'reached exit' }: RunOptions = {},
): StepOutcome => {
  const version = start.version + 1;
  const instance: Instance = {
    ...start,
    version,
    waiting: null,
    path: start.path.slice(),
    updatedAt: env.now,
  };
  const effects: Effect[] = first ? [first] : [];
  let profile = env.profile;
  let stepId = from;
  let entering = !resume;
  for (let count = ran; count < MAX_STEPS_PER_RUN; count += 1) {
    const current = journey.steps[stepId];
    if (!current) return fail(instance, env, `step "${stepId}" is missing`, effects);
    instance.stepId = stepId;
    if (entering) instance.path.push(stepId);
    entering = true;
    switch (current.type) {
      case 'wait':
        return waitFor(instance, effects, addDuration(env.now, current.duration), 'timer');
      case 'waitUntil': {
        const target = waitUntilTarget(
          current,
          { profile, trigger: instance.trigger.detail },
          Date.parse(env.now),
          knownZone(env.timeZone),
        );
        if (target.kind === 'missing') {
          if (!current.onMissing) {
            return { ...end(instance, env, 'completed', `no date at ${current.date}`), effects };
          }
          stepId = current.onMissing;
          break;
        }
        if (target.at > Date.parse(env.now))
          return waitFor(instance, effects, new Date(target.at).toISOString(), 'timer');
        stepId = current.next;
        break;
      }
      case 'waitForEvent': {
        const until = addDuration(env.now, current.timeout);
        const value = current.correlate ? instance.trigger.detail[current.correlate] : undefined;
        instance.waiting = {
          kind: 'event',
          until,
          ...(current.correlate && value !== undefined
            ? { correlation: { field: current.correlate, value } }
            : {}),
        };
        effects.push({ type: 'scheduleWake', instanceId: instance.instanceId, version, at: until });
        return { instance, effects, changed: true };
      }
      case 'sendEmail':
      case 'sendSms': {
        const quietEnd = env.quietHours ? quietUntil(env.now, knownZone(env.timeZone), env.quietHours) : null;
        if (quietEnd) return waitFor(instance, effects, quietEnd, 'quiet');
        const messageId = `${instance.instanceId}.${stepId}.${visits(instance.path, stepId)}`;
        const fields = {
          messageId,
          journeyId: journey.id,
          instanceId: instance.instanceId,
          stepId,
          template: current.template,
          category: journey.category,
        };
        if (current.type === 'sendEmail') {
          effects.push({
            type: 'sendEmail',
            ...fields,
            ...(current.survey ? { survey: current.survey } : {}),
            ...(current.fallback ? { fallback: current.fallback } : {}),
          });
        } else {
          effects.push({
            type: 'sendSms',
            ...fields,
            ...(current.fallback ? { fallback: current.fallback } : {}),
          });
        }
        // Which way to go depends on the message's fate: stop until the use case has tried it.
        if (current.onSkipped) {
          instance.waiting = { kind: 'send', until: env.now, messageId, ran: count + 1 };
          return { instance, effects, changed: true };
        }
        stepId = current.next;
        break;
      }
      case 'emit':
        effects.push({
          type: 'emitEvent',
          eventId: `${instance.instanceId}.${stepId}.${visits(instance.path, stepId)}`,
          detailType: current.detailType,
          detail: emittedDetail(journey, instance, current.detail),
        });
        stepId = current.next;
        break;
      case 'updateProfile': {
        effects.push({ type: 'updateProfile', attributes: current.set });
        // Later steps of this run (branches, dates) see the new attributes.
        const attributes = profile.attributes;
        profile = {
          ...profile,
          attributes: {
            ...(typeof attributes === 'object' && attributes !== null ? attributes : {}),
            ...current.set,
          },
        };
        stepId = current.next;
        break;
      }
      case 'branch': {
        const view = branchView(instance, profile);
        stepId = current.cases.find((c) => matcherOf(c.when)(view))?.next ?? current.otherwise;
        break;
      }
      case 'randomSplit': {
        const draw = (env.draw ?? hashDraw)(`${instance.instanceId}/${stepId}`);
        const branch = pickByPercent(current.branches, draw);
        if (!branch) return fail(instance, env, `step "${stepId}" has no branch to take`, effects);
        stepId = branch.next;
        break;
      }
      case 'exit':
        return { ...end(instance, env, 'completed', endReason), effects };
    }
  }
  return fail(instance, env, `ran ${MAX_STEPS_PER_RUN} steps without waiting`, effects);
};

/** The instance stops here until `until`: a timer (or the end of quiet hours) and its wake-up. */
const waitFor = (
  instance: Instance,
  effects: Effect[],
  until: string,
  kind: 'timer' | 'quiet',
): StepOutcome => {
  instance.waiting = { kind, until };
  effects.push({
    type: 'scheduleWake',
    instanceId: instance.instanceId,
    version: instance.version,
    at: until,
  });
  return { instance, effects, changed: true };
};

/** Branch conditions see the latest event at the top level, plus the trigger and the profile. */
export const branchView = (
  instance: Instance,
  profile: Record<string, unknown>,
): Record<string, unknown> => ({
  ...patternView(instance.lastEvent ?? instance.trigger),
  trigger: patternView(instance.trigger),
  profile,
});

/** The fields that tie a run to its order, ticket, case or survey, as events about the run carry them. */
const CORRELATION_FIELDS = ['orderId', 'ticketId', 'caseId', 'surveyId'] as const;

/** The run's correlation fields, from its latest event or else its trigger. */
export const correlationOf = (instance: Instance): Record<string, unknown> => {
  const correlation: Record<string, unknown> = {};
  for (const key of CORRELATION_FIELDS) {
    const value = instance.lastEvent?.detail[key] ?? instance.trigger.detail[key];
    if (value !== undefined) correlation[key] = value;
  }
  return correlation;
};

const emittedDetail = (journey: Journey, instance: Instance, extra: Record<string, unknown> | undefined) => {
  return {
    ...correlationOf(instance),
    ...extra,
    customerId: instance.customerId,
    journeyId: journey.id,
    instanceId: instance.instanceId,
  };
};

const end = (instance: Instance, env: StepEnv, status: Instance['status'], reason: string): StepOutcome => ({
  instance: {
    ...instance,
    status,
    waiting: null,
    updatedAt: env.now,
    endedAt: env.now,
    endReason: reason,
  },
  effects: [],
  changed: true,
});

const fail = (instance: Instance, env: StepEnv, reason: string, effects: Effect[] = []): StepOutcome => ({
  ...end(instance, env, 'failed', reason),
  effects,
});
