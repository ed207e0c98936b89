// Interpreter step latency: the pure `step` on the hot path of every event and wake-up.
import { performance } from 'node:perf_hooks';
import { postPurchaseSurvey } from '../../shared/domain/defaults/post-purchase-survey.js';
import { Journey } from '../../shared/domain/journey/definition.js';
import type { EventRef, Instance } from '../../shared/domain/journey/instance.js';
import { startInstance, step } from '../../shared/domain/journey/interpreter.js';

const journey = Journey.parse(postPurchaseSurvey);
const T0 = '2026-11-02T09:00:00.000Z';
const env = (now: string) => ({
  now,
  profile: { attributes: { tier: 'regular' } },
  timeZone: 'Europe/Berlin',
});
const order: EventRef = {
  id: 'e-order',
  detailType: 'Order Completed',
  source: 'shop',
  time: T0,
  detail: { customerId: 'c-1', orderId: 'o-1', total: 59.9, currency: 'EUR', items: [] },
};
const answer: EventRef = {
  id: 'e-answer',
  detailType: 'Survey Answered',
  source: 'careflow',
  time: T0,
  detail: { customerId: 'c-1', orderId: 'o-1', nps: 3, score: 3 },
};
const other: EventRef = {
  ...answer,
  id: 'e-other',
  detailType: 'Page Viewed',
  detail: { customerId: 'c-1' },
};

const started = startInstance(
  journey,
  { instanceId: 'i-1', customerId: 'c-1', trigger: order },
  env(T0),
).instance;
const waitingForAnswer = step(
  journey,
  started,
  { kind: 'wake', version: started.version },
  env('2026-11-03T09:00:00.000Z'),
).instance;

const measure = (name: string, run: () => unknown, rounds = 200_000) => {
  for (let i = 0; i < 20_000; i += 1) run();
  const samples = new Float64Array(rounds);
  for (let i = 0; i < rounds; i += 1) {
    const t = performance.now();
    run();
    samples[i] = performance.now() - t;
  }
  samples.sort();
  const at = (q: number) => (samples[Math.floor(q * (rounds - 1))] ?? 0) * 1000;
  return `| ${name} | ${at(0.5).toFixed(2)} | ${at(0.99).toFixed(2)} |`;
};

export async function benchInterpreter(): Promise<string> {
  const wakeInput = { kind: 'wake' as const, version: started.version };
  const rows = [
    measure('start: order → first wait (schedule wake)', () =>
      startInstance(journey, { instanceId: 'i-2', customerId: 'c-1', trigger: order }, env(T0)),
    ),
    measure('wake: send invitation → wait for answer', () =>
      step(journey, started as Instance, wakeInput, env('2026-11-03T09:00:00.000Z')),
    ),
    measure('event: answer → branch → apology → emit → exit', () =>
      step(journey, waitingForAnswer, { kind: 'event', event: answer }, env('2026-11-03T10:00:00.000Z')),
    ),
    measure('event that concerns no step (ignored)', () =>
      step(journey, waitingForAnswer, { kind: 'event', event: other }, env('2026-11-03T10:00:00.000Z')),
    ),
  ];
  return [
    '## Interpreter step',
    '',
    'One call of the pure `step`/`startInstance` on the post-purchase survey (200,000 timed calls',
    'after 20,000 warm-up calls each). Target: median under 10 µs.',
    '',
    '| input | median µs | p99 µs |',
    '| --- | ---: | ---: |',
    ...rows,
  ].join('\n');
}
