import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { validatePattern } from '../pattern/index.js';
import { parseDuration } from '../time/duration.js';
import { isWaiting, Journey, successors } from './definition.js';

const MAX_WAIT_MS = 366 * 86_400_000;

export type JourneyCheck = { ok: true; journey: Journey } | { ok: false; problems: Problem[] };

const schemaProblems = (error: z.ZodError): Problem[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

/**
 * Check a journey definition and list every problem with its location:
 * schema errors, pattern syntax, dangling and unreachable steps, waits over a year,
 * loops that never wait.
 */
export const validateJourney = (input: unknown): JourneyCheck => {
  const parsed = Journey.safeParse(input);
  if (!parsed.success) return { ok: false, problems: schemaProblems(parsed.error) };
  const journey = parsed.data;
  const problems = [
    ...patternProblems(journey),
    ...edgeProblems(journey),
    ...waitProblems(journey),
    ...loopProblems(journey),
  ];
  return problems.length === 0 ? { ok: true, journey } : { ok: false, problems };
};

const prefixed = (path: string, problems: Problem[]): Problem[] =>
  problems.map((p) => ({ path: p.path ? `${path}.${p.path}` : path, message: p.message }));

const patternProblems = (journey: Journey): Problem[] => {
  const problems = prefixed('trigger', validatePattern(journey.trigger));
  if (journey.goal) problems.push(...prefixed('goal', validatePattern(journey.goal)));
  for (const [id, step] of Object.entries(journey.steps)) {
    if (step.type === 'waitForEvent') problems.push(...prefixed(`steps.${id}.pattern`, validatePattern(step.pattern)));
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
        problems.push({ path: `steps.${id}`, message: `leads to the step "${target}", which does not exist` });
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
    if (!reached.has(id)) problems.push({ path: `steps.${id}`, message: 'cannot be reached from the start step' });
  }
  return problems;
};

const waitProblems = (journey: Journey): Problem[] => {
  const problems: Problem[] = [];
  for (const [id, step] of Object.entries(journey.steps)) {
    const field = step.type === 'wait' ? 'duration' : step.type === 'waitForEvent' ? 'timeout' : undefined;
    if (!field) continue;
    const ms = parseDuration((step as Record<string, string>)[field] ?? '') ?? 0;
    if (ms > MAX_WAIT_MS) problems.push({ path: `steps.${id}.${field}`, message: 'must not be longer than a year' });
    if (ms <= 0) problems.push({ path: `steps.${id}.${field}`, message: 'must be longer than zero' });
  }
  return problems;
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
