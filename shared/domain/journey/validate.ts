import type { Problem } from '../errors.js';
import { validatePattern } from '../pattern/index.js';
import { parseDuration } from '../time/duration.js';
import type * as z from '../zod.js';
import { isSend, isWaiting, Journey, STEP_TYPES, type Step, successors } from './definition.js';
import { isDatePath } from './wait-until.js';

const MAX_WAIT_MS = 366 * 86_400_000;

export type JourneyCheck = { ok: true; journey: Journey } | { ok: false; problems: Problem[] };

const requiredHint: Record<string, string> = {
  timeout: 'is required: a waitForEvent step needs a timeout such as P3D',
  next: 'is required: name the step that comes next',
  onTimeout: 'is required: name the step to take when the timeout passes',
};

const schemaMessage = (issue: z.core.$ZodIssue): string => {
  const field = String(issue.path[issue.path.length - 1] ?? '');
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return requiredHint[field] ?? 'is required';
  }
  if (issue.code === 'invalid_union' && field === 'type') return `must be one of: ${STEP_TYPES.join(', ')}`;
  return issue.message;
};

const schemaProblems = (error: z.core.$ZodError): Problem[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: schemaMessage(issue) }));

/**
 * Check a journey definition and list every problem with its location:
 * schema errors, pattern syntax, dangling and unreachable steps, waits over a year,
 * loops that never wait, split percentages, date attributes of `waitUntil`, a send's `onSkipped`
 * that goes where `next` does, entry rules, the goal and conversion window a holdout needs, and a
 * window that closes before the last message.
 * (Whether templates exist is checked where templates are known: `checkJourney`.)
 */
export const validateJourney = (input: unknown): JourneyCheck => {
  const parsed = Journey.safeParse(input);
  if (!parsed.success) return { ok: false, problems: schemaProblems(parsed.error) };
  const journey = parsed.data;
  const problems = [
    ...patternProblems(journey),
    ...edgeProblems(journey),
    ...waitProblems(journey),
    ...waitUntilProblems(journey),
    ...sendProblems(journey),
    ...splitProblems(journey),
    ...entryProblems(journey),
    ...goalProblems(journey),
    ...loopProblems(journey),
  ];
  return problems.length === 0 ? { ok: true, journey } : { ok: false, problems };
};

const prefixed = (path: string, problems: Problem[]): Problem[] =>
  problems.map((p) => ({ path: p.path ? `${path}.${p.path}` : path, message: p.message }));

const patternProblems = (journey: Journey): Problem[] => {
  const problems = prefixed('trigger', validatePattern(journey.trigger));
  if (journey.audience.when)
    problems.push(...prefixed('audience.when', validatePattern(journey.audience.when)));
  if (journey.goal) problems.push(...prefixed('goal', validatePattern(journey.goal)));
  for (const [id, step] of Object.entries(journey.steps)) {
    if (step.type === 'waitForEvent')
      problems.push(...prefixed(`steps.${id}.pattern`, validatePattern(step.pattern)));
    if (step.type === 'branch') {
      step.cases.forEach((c, i) => {
        problems.push(...prefixed(`steps.${id}.cases.${i}.when`, validatePattern(c.when)));
      });
    }
  }
  return problems;
};

const edgeProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  if (!journey.steps[journey.start]) {
    problems.push({ path: 'start', message: `names the step "${journey.start}", which does not exist` });
  }
  for (const [id, step] of Object.entries(journey.steps)) {
    for (const target of successors(step)) {
      if (!journey.steps[target]) {
        problems.push({
          path: `steps.${id}`,
          message: `leads to the step "${target}", which does not exist`,
        });
      }
    }
  }
  const reached = new Set<string>();
  const queue = journey.steps[journey.start] ? [journey.start] : [];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (reached.has(id)) continue;
    reached.add(id);
    const step = journey.steps[id];
    if (step) queue.push(...successors(step));
  }
  for (const id of Object.keys(journey.steps)) {
    if (!reached.has(id))
      problems.push({ path: `steps.${id}`, message: 'cannot be reached from the start step' });
  }
  return problems;
};

const waitProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  for (const [id, step] of Object.entries(journey.steps)) {
    const field = step.type === 'wait' ? 'duration' : step.type === 'waitForEvent' ? 'timeout' : undefined;
    if (!field) continue;
    const ms = parseDuration((step as Record<string, string>)[field] ?? '') ?? 0;
    if (ms > MAX_WAIT_MS)
      problems.push({ path: `steps.${id}.${field}`, message: 'must not be longer than a year' });
    if (ms <= 0) problems.push({ path: `steps.${id}.${field}`, message: 'must be longer than zero' });
  }
  return problems;
};

const waitUntilProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  for (const [id, step] of Object.entries(journey.steps)) {
    if (step.type !== 'waitUntil') continue;
    if (step.date !== undefined && !isDatePath(step.date)) {
      problems.push({
        path: `steps.${id}.date`,
        message: 'must name a date as profile.birthday, profile.attributes.<name> or trigger.detail.<name>',
      });
    }
    if (step.annual && step.date === undefined) {
      problems.push({ path: `steps.${id}.annual`, message: 'needs a date: every year on which day?' });
    }
    if (step.onMissing && step.date === undefined) {
      problems.push({ path: `steps.${id}.onMissing`, message: 'is only used with a date' });
    }
  }
  return problems;
};

/** `onSkipped` is the way for a message that did not go out; one that leads where `next` does says nothing. */
const sendProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  for (const [id, step] of Object.entries(journey.steps)) {
    if (isSend(step) && step.onSkipped === step.next) {
      problems.push({
        path: `steps.${id}.onSkipped`,
        message: `leads where next does ("${step.next}"): leave it out, or name the step for a message that was not sent`,
      });
    }
  }
  return problems;
};

const splitProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  for (const [id, step] of Object.entries(journey.steps)) {
    if (step.type !== 'randomSplit') continue;
    const total = step.branches.reduce((sum, b) => sum + b.percent, 0);
    if (Math.abs(total - 100) > 1e-6) {
      problems.push({
        path: `steps.${id}.branches`,
        message: `percentages must add up to 100, not ${total}`,
      });
    }
  }
  return problems;
};

const entryProblems = (journey: Journey): Problem[] => {
  const max = journey.reentry.maxConcurrent ?? 1;
  return max > 1 && !journey.reentry.allowed
    ? [
        {
          path: 'reentry.maxConcurrent',
          message: 'needs re-entry allowed: a customer enters only once otherwise',
        },
      ]
    : [];
};

/** The longest conversion window: ended instances are kept 180 days by default, well past it. */
const MAX_GOAL_WINDOW_MS = 90 * 86_400_000;

/** A holdout needs something to measure: the goal, and how long after entry it counts. */
const goalProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  if (journey.holdout && journey.goal === null) {
    problems.push({
      path: 'goal',
      message: 'is required with a holdout: the event pattern that counts as a conversion in both groups',
    });
  }
  if (journey.goalWindow === undefined) {
    if (journey.holdout && journey.goal !== null) {
      problems.push({
        path: 'goalWindow',
        message:
          'is required with a holdout: how long after entry the goal counts, for both groups, e.g. P30D',
      });
    }
    return problems;
  }
  if (journey.goal === null) {
    problems.push({ path: 'goalWindow', message: 'needs a goal: the window is how long the goal counts' });
  }
  const ms = parseDuration(journey.goalWindow) ?? 0;
  if (ms <= 0) problems.push({ path: 'goalWindow', message: 'must be longer than zero' });
  if (ms > MAX_GOAL_WINDOW_MS)
    problems.push({ path: 'goalWindow', message: 'must not be longer than 90 days' });
  const last = lastSendAfter(journey);
  if (ms > 0 && last !== null && ms < last) {
    problems.push({
      path: 'goalWindow',
      message: `must be at least ${isoDuration(last)}: the last message can go out ${spokenDuration(last)} after entry`,
    });
  }
  return problems;
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The longest a step can hold an instance before it goes on: a wait its duration, a wait for an
 * event its timeout (on both ways out: the event may come just before it), a `waitUntil` a time of
 * day up to a day, one on a date (a birthday) up to 366 days. Other steps go on at once.
 */
const longestHold = (step: Step): number => {
  switch (step.type) {
    case 'wait':
      return parseDuration(step.duration) ?? 0;
    case 'waitForEvent':
      return parseDuration(step.timeout) ?? 0;
    case 'waitUntil':
      return step.date === undefined ? DAY_MS : 366 * DAY_MS;
    default:
      return 0;
  }
};

/**
 * The latest a send step can run after entry, over every path from the start (a loop is not
 * counted around again: its waits count once); null when no send step can be reached. Quiet hours, which may defer a send further,
 * are not counted.
 */
const lastSendAfter = (journey: Journey): number | null => {
  const NONE = Number.NEGATIVE_INFINITY;
  const latest = new Map<string, number>();
  const onPath = new Set<string>();
  // The latest a send can run after entering step `id`; NONE when none follows it.
  const from = (id: string): number => {
    const known = latest.get(id);
    if (known !== undefined) return known;
    const step = journey.steps[id];
    if (!step || onPath.has(id)) return NONE;
    onPath.add(id);
    let result = isSend(step) ? 0 : NONE;
    const hold = longestHold(step);
    for (const next of successors(step)) result = Math.max(result, hold + from(next));
    onPath.delete(id);
    latest.set(id, result);
    return result;
  };
  const result = from(journey.start);
  return result === NONE ? null : result;
};

/** Milliseconds as an ISO 8601 duration: days, then hours, minutes and seconds (`P7D`, `P1DT12H`). */
const isoDuration = (ms: number): string => {
  const { days, hours, minutes, seconds } = partsOf(ms);
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  const text = `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
  return text === 'P' ? 'PT0S' : text;
};

/** Milliseconds in words: `7 days`, `1 day and 12 hours`. */
const spokenDuration = (ms: number): string => {
  const { days, hours, minutes, seconds } = partsOf(ms);
  const words = (
    [
      [days, 'day'],
      [hours, 'hour'],
      [minutes, 'minute'],
      [seconds, 'second'],
    ] as const
  )
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`);
  if (words.length === 0) return '0 seconds';
  return words.length === 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
};

const partsOf = (ms: number) => {
  const totalSeconds = Math.ceil(ms / 1000);
  return {
    days: Math.floor(totalSeconds / 86_400),
    hours: Math.floor((totalSeconds % 86_400) / 3600),
    minutes: Math.floor((totalSeconds % 3600) / 60),
    seconds: totalSeconds % 60,
  };
};

/** A cycle made only of steps that do not wait would spin forever: refuse it. */
const loopProblems = (journey: Journey): Problem[] => {
  const state = new Map<string, 'visiting' | 'done'>();
  const problems: Problem[] = [];
  const visit = (id: string, trail: string[]): void => {
    const step = journey.steps[id];
    if (!step || isWaiting(step) || state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const loop = [...trail.slice(trail.indexOf(id)), id];
      problems.push({ path: `steps.${id}`, message: `loops without a wait: ${loop.join(' → ')}` });
      return;
    }
    state.set(id, 'visiting');
    for (const next of successors(step)) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of Object.keys(journey.steps)) visit(id, []);
  return problems;
};
