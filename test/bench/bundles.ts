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

/** Median time of `import()` of the bundle in fresh Node processes (process start-up excluded). */
const importTime = async (file: string, nodeOptions: string[] = []): Promise<number> => {
  const probe =
    'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await run(
      process.execPath,
      [...nodeOptions, '--input-type=module', '-e', probe, pathToFileURL(file).href],
      { env: lambdaEnv },
    );
    times.push(Number(stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

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
      const init = {
        after: await importTime(built.after.file),
        afterWithMaps: await importTime(built.after.file, ['--enable-source-maps']),
        before: await importTime(built.before.file),
        naive: await importTime(built.naive.file),
      };
      rows.push(
        `| ${name} | ${kb(built.naive.bytes)} | ${kb(built.before.bytes)} | **${kb(built.after.bytes)}** | ${kb(built.zodNamespace.bytes)} | ${ms(init.naive)} | ${ms(init.before)} | **${ms(init.after)}** | ${ms(init.afterWithMaps)} |`,
      );
      if (built.after.metafile) contributors.push(`- ${name}: ${topPackages(built.after.metafile, 8)}`);
    }

    const naiveEntry = 'test/bench/fixtures/naive-full-clients.ts';
    const full = await bundle(dir, 'full-clients', 'after', naiveEntry);
    const fullNaive = await bundle(dir, 'full-clients', 'naive', naiveEntry);
    const fullInit = await importTime(full.file);
    const fullNaiveInit = await importTime(fullNaive.file);

    return [
      '## Bundle size and module initialisation',
      '',
      `Each handler bundled with esbuild as the CDK stack bundles it, then imported in ${RUNS} fresh Node processes (median of the \`import()\` alone, process start-up excluded; a Lambda's init adds the runtime's own start-up).`,
      '',
      "- **naive**: `esbuild --bundle --platform=node` (CommonJS, the packages' CommonJS builds, not minified)",
      "- **before**: the stack's earlier settings (minified ESM, `mainFields: module,main`, everything bundled)",
      '- **after**: the current settings: before, minus the credential providers Lambda never loads (`infra/stacks/bundling.ts`)',
      "- **`import * as z`**: after, with careflow's files importing zod as a namespace (not applied: those files belong to the domain code)",
      '- import times are without `--enable-source-maps`, except the last column (the stack sets it in `NODE_OPTIONS`)',
      '',
      '| function | naive | before | after | after + `import * as z` | init naive | init before | init after | init after, source maps on |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `All SDK v3 clients careflow uses, aggregated (\`new DynamoDB()\`, \`new SESv2()\`, ... every command included) and created at load: ${kb(full.bytes)} minified (init ${ms(fullInit)}), ${kb(fullNaive.bytes)} naive (init ${ms(fullNaiveInit)}).`,
      '',
      'Largest contributors to the current bundles (minified bytes):',
      '',
      ...contributors,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
