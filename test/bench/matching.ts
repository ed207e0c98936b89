// Benchmark of PatternIndex against a linear scan of compiled patterns, on a seeded journey-trigger
// workload. Run alone with:
//   npx tsx -e "import('./test/bench/matching.ts').then(async m => console.log(await m.benchMatching()))"
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/stacks/bundling.js';
import { catalogSnapshotText } from '../../shared/app/catalog-snapshot.js';
import {
  compilePattern,
  type EventPattern,
  type Matcher,
  PatternIndex,
} from '../../shared/domain/pattern/index.js';

const execute = promisify(execFile);

const SEED = 20_240_601;
const SIZES = [1_000, 10_000, 100_000];
const INDEX_EVENTS = 60_000;
/** The machine may be shared: each measurement runs this many times and the fastest round is kept. */
const ROUNDS = 3;
/** Rounds of building and matching; the sizes take turns within each round. */
const MATCH_ROUNDS = 5;
const WARMUP_EVENTS = 10_000;
/** Events matched on the freshly built index, before any warm-up: what the first requests of a container pay. */
const FIRST_EVENTS = 1_000;
const DISTINCT_EVENTS = 4_000;

/** xorshift32: a small deterministic generator returning numbers in [0, 1). */
const random = (seed: number): (() => number) => {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
};

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)] as T;

const DETAIL_TYPES = [
  'order.placed',
  'order.shipped',
  'order.delivered',
  'cart.abandoned',
  'profile.updated',
  'survey.answered',
  'ticket.opened',
  'subscription.renewed',
  'payment.failed',
  'email.clicked',
  'appointment.booked',
  'refund.requested',
] as const;
const DIMENSIONS = ['productId', 'campaignId', 'segment'] as const;
const CHANNELS = ['email', 'sms', 'push', 'web'] as const;
const COUNTRIES = ['DE', 'FR', 'NL', 'US', 'GB', 'ES'] as const;
const TIERS = ['bronze', 'silver', 'gold'] as const;
const PAGES = ['reviews', 'details', 'photos'] as const;
const EXTRAS = [
  'prefix',
  'numeric',
  'anything-but',
  'exists',
  'equals-ignore-case',
  'wildcard',
  '$or',
] as const;

/** How many distinct values each dimension has: it grows with the number of triggers, as campaigns do. */
const cardinality = (patterns: number): number => Math.max(20, Math.round(patterns / 40));

const dimensionValue = (dimension: (typeof DIMENSIONS)[number], n: number): string =>
  `${dimension.slice(0, 4)}-${n}`;

/** A journey trigger: a detail-type, one specific product/campaign/segment, and 0–2 further conditions. */
const makePattern = (rng: Rng, card: number): EventPattern => {
  const dimension = pick(rng, DIMENSIONS);
  const detail: Record<string, unknown> = { [dimension]: [dimensionValue(dimension, int(rng, card))] };
  const pattern: EventPattern = { 'detail-type': [pick(rng, DETAIL_TYPES)], detail };
  const extras = new Set<(typeof EXTRAS)[number]>();
  const wanted = int(rng, 3);
  while (extras.size < wanted) extras.add(pick(rng, EXTRAS));
  for (const extra of extras) {
    switch (extra) {
      case 'prefix':
        detail.sku = [{ prefix: `SKU-${int(rng, 10)}` }];
        break;
      case 'numeric': {
        const low = int(rng, 600);
        detail.total = [
          rng() < 0.5 ? { numeric: ['>', low] } : { numeric: ['>=', low, '<', low + 1 + int(rng, 400)] },
        ];
        break;
      }
      case 'anything-but':
        detail.channel = [{ 'anything-but': rng() < 0.5 ? 'sms' : ['sms', 'push'] }];
        break;
      case 'exists':
        detail.coupon = [{ exists: rng() < 0.5 }];
        break;
      case 'equals-ignore-case':
        detail.country = [{ 'equals-ignore-case': pick(rng, COUNTRIES).toLowerCase() }];
        break;
      case 'wildcard':
        detail.page = [{ wildcard: `/products/*/${pick(rng, PAGES)}` }];
        break;
      case '$or':
        pattern.$or = [
          { detail: { tier: [pick(rng, TIERS)] } },
          { detail: { total: [{ numeric: ['>=', 200 + int(rng, 600)] }] } },
        ];
        break;
    }
  }
  return pattern;
};

/** A careflow event as it reaches the Lambda, as JSON text. */
const makeEvent = (rng: Rng, card: number, n: number): string => {
  const country = pick(rng, COUNTRIES);
  const detail: Record<string, unknown> = {
    productId: dimensionValue('productId', int(rng, card)),
    campaignId: dimensionValue('campaignId', int(rng, card)),
    segment: dimensionValue('segment', int(rng, card)),
    customerId: `cust-${int(rng, 1_000_000)}`,
    total: Math.round(rng() * 100_000) / 100,
    currency: 'EUR',
    channel: pick(rng, CHANNELS),
    country: rng() < 0.5 ? country : country.toLowerCase(),
    tier: pick(rng, TIERS),
    sku: `SKU-${int(rng, 20)}-${int(rng, 1000)}`,
    page: `/products/${int(rng, 5000)}/${pick(rng, PAGES)}`,
    email: `user${int(rng, 100_000)}@example.com`,
    tags: ['web', rng() < 0.3 ? 'returning' : 'new'],
    items: [
      { sku: `SKU-${int(rng, 20)}-${int(rng, 1000)}`, qty: 1 + int(rng, 3) },
      { sku: `SKU-${int(rng, 20)}-${int(rng, 1000)}`, qty: 1 + int(rng, 3) },
    ],
  };
  if (rng() < 0.5) detail.coupon = `SAVE${int(rng, 50)}`;
  return JSON.stringify({
    version: '0',
    id: `evt-${n}`,
    'detail-type': pick(rng, DETAIL_TYPES),
    source: 'careflow.app',
    account: '123456789012',
    time: '2026-03-01T12:00:00Z',
    region: 'eu-central-1',
    resources: [],
    detail,
  });
};

/** CPU time used by the process so far, in ms (main thread plus V8's helper threads). */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

interface Run {
  eventsPerSecond: number;
  /** Events per second of CPU time: unaffected by other processes competing for the machine. */
  eventsPerCpuSecond: number;
  p50: number;
  p99: number;
  matchesPerEvent: number;
  results: number[][];
}

/** Parse and match `count` events, timing each one (µs); keeps the first `keep` results for comparison. */
const run = (events: string[], count: number, keep: number, match: (event: unknown) => number[]): Run => {
  const times = new Float64Array(count);
  const results: number[][] = [];
  let matches = 0;
  const cpuStart = cpuMs();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const json = events[i % events.length] as string;
    const t0 = performance.now();
    const found = match(JSON.parse(json));
    times[i] = (performance.now() - t0) * 1000;
    matches += found.length;
    if (i < keep) results.push(found);
  }
  const elapsed = performance.now() - start;
  const cpu = cpuMs() - cpuStart;
  times.sort();
  return {
    eventsPerSecond: count / (elapsed / 1000),
    eventsPerCpuSecond: count / (cpu / 1000),
    p50: times[Math.floor(count * 0.5)] ?? 0,
    p99: times[Math.floor(count * 0.99)] ?? 0,
    matchesPerEvent: matches / count,
    results,
  };
};

const sameResults = (a: number[][], b: number[][]): boolean =>
  a.every((found, i) => {
    const other = [...(b[i] ?? [])].sort((x, y) => x - y);
    return found.length === other.length && found.every((v, j) => v === other[j]);
  });

/** The fastest of ROUNDS runs. */
const best = (measure: () => Run): Run => {
  let fastest = measure();
  for (let i = 1; i < ROUNDS; i++) {
    const next = measure();
    if (next.eventsPerCpuSecond > fastest.eventsPerCpuSecond) fastest = next;
  }
  return fastest;
};

interface SizeResult {
  patterns: number;
  buildMs: number;
  buildCpuMs: number;
  firstBuildMs: number;
  /** Wall time of the first FIRST_EVENTS events on the new index, checks built on first reach included. */
  firstEventsMs: number;
  index: Run;
  naive: Run;
  agrees: boolean;
  eventBytes: number;
}

/** The seeded workload for `patterns` triggers: the trigger patterns and the distinct events. */
export const workload = (patterns: number): { list: EventPattern[]; events: string[] } => {
  const rng = random(SEED + patterns);
  const card = cardinality(patterns);
  // Through JSON, as the catalog reads them from the table: JSON.parse hands out V8's shared
  // (internalized) copy of each short string, which an event's values then compare to by pointer.
  const list = Array.from({ length: patterns }, () => JSON.parse(JSON.stringify(makePattern(rng, card))));
  const events = Array.from({ length: DISTINCT_EVENTS }, (_, n) => makeEvent(rng, card, n));
  return { list, events };
};

interface Size {
  patterns: number;
  list: EventPattern[];
  events: string[];
  buildMs: number;
  buildCpuMs: number;
  firstBuildMs: number;
  firstEventsMs: number;
  index: Run | undefined;
}

/** One round at one size: build a new index, match on it cold, warm it up, measure. */
const measureRound = (size: Size, round: number): void => {
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const index = new PatternIndex<number>();
  size.list.forEach((pattern, i) => {
    index.add(`trigger-${i}`, pattern, i);
  });
  const ms = performance.now() - t0;
  size.buildMs = Math.min(size.buildMs, ms);
  size.buildCpuMs = Math.min(size.buildCpuMs, cpuMs() - cpu0);
  const opening = run(size.events, FIRST_EVENTS, 0, (event) => index.match(event));
  if (round === 0) {
    size.firstBuildMs = ms;
    size.firstEventsMs = (FIRST_EVENTS / opening.eventsPerSecond) * 1000;
  }
  run(size.events, WARMUP_EVENTS, 0, (event) => index.match(event));
  const naiveEvents = Math.max(30, Math.min(5_000, Math.round(4e6 / size.patterns)));
  const measured = run(size.events, INDEX_EVENTS, naiveEvents, (event) => index.match(event));
  if (!size.index || measured.eventsPerCpuSecond > size.index.eventsPerCpuSecond) size.index = measured;
};

const linearScan = (size: Size): Run => {
  const matchers: Matcher[] = size.list.map((pattern) => compilePattern(pattern));
  const scan = (event: unknown): number[] => {
    const found: number[] = [];
    for (let i = 0; i < matchers.length; i++) if ((matchers[i] as Matcher)(event)) found.push(i);
    return found;
  };
  const naiveEvents = Math.max(30, Math.min(5_000, Math.round(4e6 / size.patterns)));
  run(size.events, Math.min(naiveEvents, 200), 0, scan);
  return best(() => run(size.events, naiveEvents, naiveEvents, scan));
};

const finish = (size: Size): SizeResult => {
  const index = size.index as Run;
  const naive = linearScan(size);
  return {
    patterns: size.patterns,
    buildMs: size.buildMs,
    buildCpuMs: size.buildCpuMs,
    firstBuildMs: size.firstBuildMs,
    firstEventsMs: size.firstEventsMs,
    index,
    naive,
    agrees: sameResults(index.results, naive.results),
    eventBytes: size.events.reduce((sum, e) => sum + e.length, 0) / size.events.length,
  };
};

/** Fresh Node processes per way of building, taking turns; the median is reported. */
const COLD_RUNS = 9;
const COLD_PATTERNS = 10_000;

interface ColdBuild {
  cpu: number;
  wall: number;
  /** Wall time of the first FIRST_EVENTS events on the new index (the index probe only). */
  firstEvents?: number;
}

/** A trigger item as the DynamoDB document client returns it (see the journey store), with or without its filing. */
const triggerItem = (pattern: EventPattern, n: number, withFiling: boolean): Record<string, unknown> => ({
  pk: 'JOURNEY#TRIGGERS',
  sk: `journey-${n}`,
  type: 'journeyTrigger',
  schemaVersion: 1,
  journeyId: `journey-${n}`,
  version: 1,
  trigger: JSON.stringify(pattern),
  ...(withFiling ? { filing: JSON.stringify(PatternIndex.filingOf(pattern)) } : {}),
});

interface ColdWay {
  label: string;
  probe: string;
  args: string[];
}

/**
 * The build at a real cold start: the code bundled as the stack bundles a Lambda (minified; no source map), loaded in a
 * fresh Node process that builds one index from stored triggers, the ways taking turns. The index
 * alone, from the patterns (parsing each) or from the filings stored beside them at publish; and
 * the journey catalog's whole first load from the trigger items, with and without their filings.
 */
const coldBuilds = async (): Promise<{ label: string; cpu: number; wall: number; firstEvents: number }[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'careflow-cold-build-'));
  try {
    const { list, events } = workload(COLD_PATTERNS);
    const write = (name: string, value: unknown): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value));
      return path;
    };
    const triggers = write(
      'triggers.json',
      list.map((pattern, n) => ({
        id: `journey-${n}`,
        pattern: JSON.stringify(pattern),
        filing: JSON.stringify(PatternIndex.filingOf(pattern)),
      })),
    );
    const firstEvents = write('events.json', events.slice(0, FIRST_EVENTS));
    const built = new PatternIndex<number>();
    list.forEach((pattern, n) => {
      built.add(`journey-${n}`, JSON.parse(JSON.stringify(pattern)), n);
    });
    const snapshot = write('snapshot.json', built.snapshot());
    const catalogSnapshot = join(dir, 'catalog-snapshot.gz');
    writeFileSync(
      catalogSnapshot,
      gzipSync(
        catalogSnapshotText(
          list.map((pattern, n) => ({ id: `journey-${n}`, version: 1, trigger: JSON.stringify(pattern) })),
        ),
      ),
    );
    const filed = write('items-filed.json', [
      { pk: 'JOURNEY#TRIGGERS', sk: '#COMPLETE', type: 'journeyTriggersComplete' },
      ...list.map((pattern, n) => triggerItem(pattern, n, true)),
    ]);
    const unfiled = write('items.json', [
      { pk: 'JOURNEY#TRIGGERS', sk: '#COMPLETE', type: 'journeyTriggersComplete' },
      ...list.map((pattern, n) => triggerItem(pattern, n, false)),
    ]);
    const bundle = async (fixture: string): Promise<string> => {
      const outfile = join(dir, `${fixture}.mjs`);
      const entry = fileURLToPath(new URL(`./fixtures/${fixture}.ts`, import.meta.url));
      await build({ ...esbuildOptions(entry, outfile), sourcemap: false, logLevel: 'silent' });
      return outfile;
    };
    const index = await bundle('cold-build');
    const catalog = await bundle('catalog-cold-start');
    const ways: ColdWay[] = [
      {
        label: 'index, from the patterns (`add`: parse, check and file each)',
        probe: index,
        args: [triggers, 'patterns', firstEvents],
      },
      {
        label:
          'index, from the stored filings (`addFiled`; each pattern parsed when an event first reaches it)',
        probe: index,
        args: [triggers, 'filings', firstEvents],
      },
      {
        label:
          'index, from the catalog snapshot (`fromSnapshot`: one `JSON.parse`; each trigger made when an event first reaches it)',
        probe: index,
        args: [snapshot, 'snapshot', firstEvents],
      },
      {
        label: 'catalog first load, trigger items without filings (read each item, then `add`)',
        probe: catalog,
        args: [unfiled],
      },
      {
        label: 'catalog first load, trigger items with filings (read each item, then `addFiled`)',
        probe: catalog,
        args: [filed],
      },
      {
        label: 'catalog first load, from the index snapshot (read one item, gunzip, load)',
        probe: catalog,
        args: [filed, catalogSnapshot],
      },
    ];
    const samples = ways.map(() => [] as ColdBuild[]);
    for (let r = 0; r < COLD_RUNS; r++) {
      for (const [w, way] of ways.entries()) {
        const { stdout } = await execute(process.execPath, [way.probe, ...way.args]);
        samples[w]?.push(JSON.parse(stdout) as ColdBuild);
      }
    }
    const median = (runs: ColdBuild[], key: keyof ColdBuild): number =>
      [...runs].map((b) => b[key] ?? Number.NaN).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ??
      Number.NaN;
    return ways.map((way, w) => ({
      label: way.label,
      cpu: median(samples[w] ?? [], 'cpu'),
      wall: median(samples[w] ?? [], 'wall'),
      firstEvents: median(samples[w] ?? [], 'firstEvents'),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const us = (v: number): string => `${v.toFixed(2)} µs`;
const rate = (v: number): string => Math.round(v).toLocaleString('en-US');

/** Run the benchmark and describe it as a Markdown section. */
export async function benchMatching(): Promise<string> {
  const sizes: Size[] = SIZES.map((patterns) => ({
    patterns,
    ...workload(patterns),
    buildMs: Number.POSITIVE_INFINITY,
    buildCpuMs: Number.POSITIVE_INFINITY,
    firstBuildMs: 0,
    firstEventsMs: 0,
    index: undefined,
  }));
  // One size after the other, each on its own index, as in a Lambda container: taking turns round
  // after round was tried, and the collection of the index dropped by one size then fell into the
  // measurement of the next.
  for (const size of sizes) for (let round = 0; round < MATCH_ROUNDS; round++) measureRound(size, round);
  const results = sizes.map(finish);
  const cold = await coldBuilds();
  const rows = results.map((r) =>
    [
      r.patterns.toLocaleString('en-US'),
      `${r.buildCpuMs.toFixed(1)} ms`,
      `${r.buildMs.toFixed(1)} ms`,
      `${r.firstBuildMs.toFixed(1)} ms`,
      `${r.firstEventsMs.toFixed(1)} ms`,
      rate(r.index.eventsPerCpuSecond),
      rate(r.index.eventsPerSecond),
      us(r.index.p50),
      us(r.index.p99),
      r.index.matchesPerEvent.toFixed(2),
      rate(r.naive.eventsPerCpuSecond),
      us(r.naive.p50),
      `${(r.index.eventsPerCpuSecond / r.naive.eventsPerCpuSecond).toFixed(0)}×`,
      r.agrees ? 'yes' : '**no**',
    ].join(' | '),
  );
  const first = results[0];
  const last = results[results.length - 1];
  const growth = first && last ? first.index.eventsPerCpuSecond / last.index.eventsPerCpuSecond : Number.NaN;
  return [
    '## Event-pattern matching',
    '',
    `Seeded workload (seed ${SEED}): each pattern names a detail-type and one productId, campaignId or segment value, plus 0–2 conditions among prefix, numeric range, anything-but, exists, equals-ignore-case, wildcard and $or. Each dimension has max(20, patterns/40) values. ${DISTINCT_EVENTS.toLocaleString('en-US')} distinct events of ~${Math.round(first?.eventBytes ?? 0)} bytes are cycled; every measured event includes \`JSON.parse\`. Build: time to add every pattern to an empty index (parse, validate, file under its exact values; the checks of an alternative are built when an event first reaches it), fastest of ${MATCH_ROUNDS} builds in this process; the first, colder build is shown too, and so is the time the freshly built index takes for its first ${FIRST_EVENTS.toLocaleString('en-US')} events, where those checks are built. The build at a real cold start is below the table. "CPU" figures divide by the process's CPU time (\`process.cpuUsage\`, which also counts V8's garbage-collection helper threads), so they hold on a busy machine; "wall" figures and the per-event p50/p99 are wall-clock. Index: ${INDEX_EVENTS.toLocaleString('en-US')} events after ${WARMUP_EVENTS.toLocaleString('en-US')} warm-up on a new index, fastest of ${MATCH_ROUNDS} rounds by CPU time (p50/p99 from that round), each round on a new index. Linear scan: max(30, min(5000, 4e6/patterns)) events, fastest of ${ROUNDS} rounds. Node ${process.version}, one core.`,
    '',
    `| patterns | build (CPU) | build (wall) | first build (wall) | first ${FIRST_EVENTS.toLocaleString('en-US')} events (wall) | events/s (CPU) | events/s (wall) | p50 | p99 | matches/event | linear scan events/s (CPU) | scan p50 | speed-up | same matches |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map((row) => `| ${row} |`),
    '',
    `Per-event CPU cost from ${first?.patterns.toLocaleString('en-US')} to ${last?.patterns.toLocaleString('en-US')} patterns: ×${growth.toFixed(2)}.`,
    '',
    `Cold start, ${COLD_PATTERNS.toLocaleString('en-US')} triggers: the code bundled as the stack bundles a Lambda (minified; no source map), one load in each of ${COLD_RUNS} fresh Node processes per way, the ways taking turns (median; the process's start-up, the module's load and the reading of the file excluded). The catalog's load reads the trigger items through the journey store as the DynamoDB document client returns them, in 1 MB pages, without the network.`,
    '',
    `| cold start | CPU | wall | then the first ${FIRST_EVENTS.toLocaleString('en-US')} events (wall) |`,
    '| --- | ---: | ---: | ---: |',
    ...cold.map(
      (way) =>
        `| ${way.label} | ${way.cpu.toFixed(1)} ms | ${way.wall.toFixed(1)} ms | ${Number.isNaN(way.firstEvents) ? '' : `${way.firstEvents.toFixed(1)} ms`} |`,
    ),
    '',
  ].join('\n');
}
