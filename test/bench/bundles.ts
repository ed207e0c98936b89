// Bundle size and module initialisation time of every Lambda, built the way the CDK stack builds
// them (infra/stacks/bundling.ts), next to the earlier settings and two naive baselines.
// Run alone: npx tsx -e "import('./test/bench/bundles.ts').then(async m => console.log(await m.benchBundles()))"
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { esbuildOptions } from '../../infra/stacks/bundling.js';
import { projectPath } from '../../infra/stacks/paths.js';

const run = promisify(execFile);

const FUNCTIONS = ['processor', 'survey', 'router', 'api'] as const;
/** Fresh Node processes per bundle for the import time; the median is reported. */
const RUNS = 7;

/** The environment a Lambda function sees, as far as the SDK cares at load. */
const lambdaEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
  POWERTOOLS_SERVICE_NAME: 'bench',
};

/**
 * What-if: `import * as z from 'zod'` instead of `import { z } from 'zod'` in careflow's own
 * files. esbuild cannot tree-shake the namespace object behind the named `z` export, so the
 * named form pulls in all of zod, its 40-odd locales included.
 */
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      return {
        contents: source.replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';"),
        loader: 'ts',
      };
    });
  },
};

type Variant = 'after' | 'before' | 'zodNamespace' | 'naive';

/** esbuild options of each variant. `before` is the stack's bundling until this change. */
const variantOptions = (variant: Variant, entry: string, outfile: string): BuildOptions => {
  const current = esbuildOptions(entry, outfile);
  switch (variant) {
    case 'after':
      return current;
    case 'before':
      return { ...current, external: [] };
    case 'zodNamespace':
      return { ...current, plugins: [zodNamespaceImports] };
    case 'naive':
      // `esbuild --bundle --platform=node`: CommonJS, the packages' default (CommonJS) builds, not minified.
      return {
        entryPoints: [entry],
        outfile: outfile.replace(/\.mjs$/, '.cjs'),
        bundle: true,
        platform: 'node',
      };
  }
};

interface Built {
  file: string;
  bytes: number;
  metafile?: Metafile;
}

const bundle = async (dir: string, name: string, variant: Variant, entry: string): Promise<Built> => {
  const options = variantOptions(variant, projectPath(entry), join(dir, variant, name, 'index.mjs'));
  const result = await build({ ...options, metafile: true, logLevel: 'silent' });
  const file = String(options.outfile);
  return { file, bytes: statSync(file).size, metafile: result.metafile };
};

/**
 * One `import()` of the bundle in a fresh Node process: CPU time (user + system, which holds on a
 * busy machine) and wall-clock time, in ms; process start-up excluded.
 */
const importOnce = async (file: string): Promise<{ cpu: number; wall: number }> => {
  const probe = [
    'const c = process.cpuUsage(); const t = performance.now();',
    'await import(process.argv[1]);',
    'const wall = performance.now() - t; const u = process.cpuUsage(c);',
    'process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1000, wall }));',
  ].join(' ');
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', probe, pathToFileURL(file).href],
    {
      env: lambdaEnv,
    },
  );
  return JSON.parse(stdout) as { cpu: number; wall: number };
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Median import CPU and wall time of each bundle. The bundles take turns, run after run, so a
 * machine that gets busier or quieter meanwhile affects them all alike.
 */
const importTimes = async (files: string[]): Promise<{ cpu: number; wall: number }[]> => {
  const samples = files.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
  for (let r = 0; r < RUNS; r++) {
    for (const [i, file] of files.entries()) {
      const { cpu, wall } = await importOnce(file);
      samples[i]?.cpu.push(cpu);
      samples[i]?.wall.push(wall);
    }
  }
  return samples.map((s) => ({ cpu: median(s.cpu), wall: median(s.wall) }));
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const time = (t: { cpu: number; wall: number } | undefined): string =>
  t ? `${ms(t.cpu)} (${ms(t.wall)})` : 'n/a';

/** The packages that contribute most to a bundle, from esbuild's metafile. */
const topPackages = (metafile: Metafile, count: number): string => {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = match?.[1] ?? `careflow ${path.split('/')[0]}/`;
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(', ');
};

export async function benchBundles(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'careflow-bench-bundles-'));
  try {
    const rows: string[] = [];
    const contributors: string[] = [];
    for (const name of FUNCTIONS) {
      const entry = `functions/${name}/handler.ts`;
      const built = {
        after: await bundle(dir, name, 'after', entry),
        before: await bundle(dir, name, 'before', entry),
        zodNamespace: await bundle(dir, name, 'zodNamespace', entry),
        naive: await bundle(dir, name, 'naive', entry),
      };
      const [naive, before, after, zodNamespace] = await importTimes([
        built.naive.file,
        built.before.file,
        built.after.file,
        built.zodNamespace.file,
      ]);
      rows.push(
        `| ${name} | ${kb(built.naive.bytes)} | ${kb(built.before.bytes)} | **${kb(built.after.bytes)}** | ${kb(built.zodNamespace.bytes)} | ${time(naive)} | ${time(before)} | **${time(after)}** | ${time(zodNamespace)} |`,
      );
      if (built.after.metafile) contributors.push(`- ${name}: ${topPackages(built.after.metafile, 8)}`);
    }

    const naiveEntry = 'test/bench/fixtures/naive-full-clients.ts';
    const full = await bundle(dir, 'full-clients', 'after', naiveEntry);
    const fullNaive = await bundle(dir, 'full-clients', 'naive', naiveEntry);
    const [fullInit, fullNaiveInit] = await importTimes([full.file, fullNaive.file]);

    return [
      '## Bundle size and module initialisation',
      '',
      `Each handler bundled with esbuild as the CDK stack bundles it, then imported in ${RUNS} fresh Node processes per variant, the variants taking turns (median of the \`import()\` alone, process start-up excluded; a Lambda's init adds the runtime's own start-up). Init is CPU time (user + system), wall-clock in brackets: on a shared machine the wall-clock figures vary up to ×2 from one run to the next.`,
      '',
      "- **naive**: `esbuild --bundle --platform=node` (CommonJS, the packages' CommonJS builds, not minified)",
      "- **before**: the stack's earlier settings (minified ESM, `mainFields: module,main`, everything bundled)",
      '- **after**: the current settings: before, minus the credential providers Lambda never loads (`infra/stacks/bundling.ts`)',
      "- **`import * as z`**: after, with careflow's files importing zod as a namespace (not applied: those files belong to the domain code)",
      '',
      '| function | naive | before | after | after + `import * as z` | init naive | init before | init after | init after + `import * as z` |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `All SDK v3 clients careflow uses, aggregated (\`new DynamoDB()\`, \`new SESv2()\`, ... every command included) and created at load: ${kb(full.bytes)} minified (init ${time(fullInit)}), ${kb(fullNaive.bytes)} naive (init ${time(fullNaiveInit)}).`,
      '',
      'Largest contributors to the current bundles (minified bytes):',
      '',
      ...contributors,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
