import { compilePattern, type Matcher } from '../pattern/index.js';
import { addDuration } from '../time/duration.js';
import type { Journey, Step } from './definition.js';
import type { Effect } from './effects.js';
import type { EventRef, Instance } from './instance.js';

/** A journey can run at most this many steps without waiting before the instance fails. */
export const MAX_STEPS_PER_RUN = 100;

export type StepInput =
  | { kind: 'event'; event: EventRef }
  | { kind: 'wake'; version: number };

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
}

const compiled = new WeakMap<object, Matcher>();
const matcherOf = (pattern: Record<string, unknown>): Matcher => {
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

/** Start a new instance of a journey for the trigger event and run it up to its first wait. */
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
  return run(journey, instance, journey.start, env);
};

/**
 * Feed one input (an event of the customer, or a wake-up) to an instance.
 * Pure: returns the next instance and the effects to carry out.
 */
export const step = (journey: Journey, instance: Instance, input: StepInput, env: StepEnv): StepOutcome => {
  const unchanged: StepOutcome = { instance, effects: [], changed: false };
  if (instance.status !== 'active' || !instance.waiting) return unchanged;
  const next = { ...instance, version: instance.version + 1 };
  if (input.kind === 'wake') {
    if (input.version !== instance.version) return unchanged;
    const current = journey.steps[instance.stepId];
    if (!current) return fail(next, env, `step "${instance.stepId}" is missing`);
    const to = current.type === 'waitForEvent' ? current.onTimeout : current.type === 'wait' ? current.next : null;
    return to ? run(journey, instance, to, env) : fail(next, env, `step "${instance.stepId}" cannot wake`);
  }
  const { event } = input;
  if (event.id === instance.trigger.id || event.id === instance.lastEvent?.id) return unchanged;
  if (journey.goal && matcherOf(journey.goal)(patternView(event))) {
    return end({ ...next, lastEvent: event }, env, 'converted', `goal reached by ${event.detailType}`);
  }
  const current = journey.steps[instance.stepId];
  if (current?.type !== 'waitForEvent' || !awaits(current, instance, event)) return unchanged;
  return run(journey, { ...instance, lastEvent: event }, current.next, env);
};

const awaits = (current: Extract<Step, { type: 'waitForEvent' }>, instance: Instance, event: EventRef): boolean => {
  const waiting = instance.waiting;
  if (waiting?.kind !== 'event') return false;
  if (waiting.correlation && event.detail[waiting.correlation.field] !== waiting.correlation.value) return false;
  return matcherOf(current.pattern)(patternView(event));
};

/**
 * Run steps from `from` until the instance waits or ends; bounded so a bad journey cannot spin.
 * The result carries the next version: one run is one save.
 */
const run = (journey: Journey, start: Instance, from: string, env: StepEnv): StepOutcome => {
  const version = start.version + 1;
  const instance: Instance = { ...start, version, waiting: null, path: [...start.path], updatedAt: env.now };
  const effects: Effect[] = [];
  let stepId = from;
  for (let count = 0; count < MAX_STEPS_PER_RUN; count += 1) {
    const current = journey.steps[stepId];
    if (!current) return fail(instance, env, `step "${stepId}" is missing`, effects);
    instance.stepId = stepId;
    instance.path.push(stepId);
    const visit = instance.path.filter((id) => id === stepId).length;
    switch (current.type) {
      case 'wait': {
        const until = addDuration(env.now, current.duration);
        instance.waiting = { kind: 'timer', until };
        effects.push({ type: 'scheduleWake', instanceId: instance.instanceId, version, at: until });
        return { instance, effects, changed: true };
      }
      case 'waitForEvent': {
        const until = addDuration(env.now, current.timeout);
        const value = current.correlate ? instance.trigger.detail[current.correlate] : undefined;
        instance.waiting = {
          kind: 'event',
          until,
          ...(current.correlate && value !== undefined ? { correlation: { field: current.correlate, value } } : {}),
        };
        effects.push({ type: 'scheduleWake', instanceId: instance.instanceId, version, at: until });
        return { instance, effects, changed: true };
      }
      case 'sendEmail':
        effects.push({
          type: 'sendEmail',
          messageId: `${instance.instanceId}.${stepId}.${visit}`,
          journeyId: journey.id,
          instanceId: instance.instanceId,
          stepId,
          template: current.template,
          ...(current.survey ? { survey: current.survey } : {}),
        });
        stepId = current.next;
        break;
      case 'emit':
        effects.push({
          type: 'emitEvent',
          eventId: `${instance.instanceId}.${stepId}.${visit}`,
          detailType: current.detailType,
          detail: emittedDetail(journey, instance, current.detail),
        });
        stepId = current.next;
        break;
      case 'branch': {
        const view = branchView(instance, env.profile);
        stepId = current.cases.find((c) => matcherOf(c.when)(view))?.next ?? current.otherwise;
        break;
      }
      case 'exit':
        return { ...end(instance, env, 'completed', 'reached exit'), effects };
    }
  }
  return fail(instance, env, `ran ${MAX_STEPS_PER_RUN} steps without waiting`, effects);
};

/** Branch conditions see the latest event at the top level, plus the trigger and the profile. */
export const branchView = (instance: Instance, profile: Record<string, unknown>): Record<string, unknown> => ({
  ...patternView(instance.lastEvent ?? instance.trigger),
  trigger: patternView(instance.trigger),
  profile,
});

const emittedDetail = (journey: Journey, instance: Instance, extra: Record<string, unknown> | undefined) => {
  const correlation: Record<string, unknown> = {};
  for (const key of ['orderId', 'ticketId', 'caseId', 'surveyId']) {
    const value = instance.lastEvent?.detail[key] ?? instance.trigger.detail[key];
    if (value !== undefined) correlation[key] = value;
  }
  return {
    ...correlation,
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
