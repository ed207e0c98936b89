// Bundle size and module initialisation time of every Lambda, built the way the CDK stack builds
// them (infra/stacks/bundling.ts), next to a naive build, classic zod and a what-if.
// Run alone: npx tsx -e "import('./test/bench/bundles.ts').then(async m => console.log(await m.benchBundles()))"
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { esbuildOptions, lambdaNodeOptions } from '../../infra/stacks/bundling.js';
import { projectPath } from '../../infra/stacks/paths.js';

const run = promisify(execFile);

const FUNCTIONS = ['processor', 'survey', 'router', 'api'] as const;
/** Fresh Node processes per bundle for the import time; the median is reported. */
const RUNS = 11;

/** The environment a Lambda function sees, as far as its load goes (source maps on, as deployed). */
const lambdaEnv = {
  NODE_OPTIONS: lambdaNodeOptions,
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
  POWERTOOLS_SERVICE_NAME: 'bench',
};

/**
 * careflow's zod module (`shared/domain/zod.ts`) re-exporting classic zod instead of `zod/mini`,
 * as careflow used until decision 0083. Classic zod has the functions of `zod/mini` (and the
 * methods on top), so the code runs unchanged; its schema classes carry every method, which
 * esbuild cannot drop, and it loads its English messages itself.
 */
const classicZod: Plugin = {
  name: 'classic-zod',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]shared[\\/]domain[\\/]zod\.ts$/ }, (args) => ({
      // Classic zod has no top-level object helpers: those come from zod/mini, and clone the schema given.
      contents: "export * from 'zod'; export { extend, omit, partial, pick, required } from 'zod/mini';",
      loader: 'ts',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * What-if: the SDK clients' generated schemas with literal trait keys (`{ http: [...] }`) instead
 * of computed ones (`{ [_h]: [...] }`). esbuild must keep an object literal with a computed key
 * (the key could run code), so every operation schema of a client stays in the bundle, with
 * every structure it points to, even when one command is used.
 */
const literalSchemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(builder) {
    builder.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/ },
      (args) => {
        const source = readFileSync(args.path, 'utf8');
        const strings = new Map<string, string>();
        for (const [, name, value] of source.matchAll(/^const (_\w+) = ("[^"\n]*");$/gm)) {
          if (name && value) strings.set(name, value);
        }
        return {
          contents: source.replace(/\[(_\w+)\]:/g, (key, name: string) => {
            const value = strings.get(name);
            return value ? `${value}:` : key;
          }),
          loader: 'js',
        };
      },
    );
  },
};

type Variant = 'naive' | 'classicZod' | 'current' | 'literalKeys';

/** esbuild options of each variant; `current` is what the stack builds. */
const variantOptions = (variant: Variant, entry: string, outfile: string): BuildOptions => {
  const current = esbuildOptions(entry, outfile);
  switch (variant) {
    case 'current':
      return current;
    case 'classicZod':
      return { ...current, plugins: [classicZod] };
    case 'literalKeys':
      return { ...current, plugins: [literalSchemaKeys] };
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

/** The processor bundled as the stack bundles it, but with the AWS SDK left external (never imported: size only). */
const bundleWithoutSdk = async (dir: string): Promise<Built> => {
  const options = esbuildOptions(
    projectPath('functions/processor/handler.ts'),
    join(dir, 'without-sdk', 'index.mjs'),
  );
  const external = [...(options.external ?? []), '@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];
  const result = await build({ ...options, external, metafile: true, logLevel: 'silent' });
  return {
    file: String(options.outfile),
    bytes: statSync(String(options.outfile)).size,
    metafile: result.metafile,
  };
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

const VARIANTS: readonly Variant[] = ['naive', 'classicZod', 'current', 'literalKeys'];

interface Measured {
  variant: Variant;
  built: Built;
  time: { cpu: number; wall: number } | undefined;
}

/** Every variant of one entry point, bundled, then imported in turns. */
const measure = async (dir: string, name: string, entry: string, variants: readonly Variant[]) => {
  const built: Built[] = [];
  for (const variant of variants) built.push(await bundle(dir, name, variant, entry));
  const times = await importTimes(built.map((b) => b.file));
  return built.map((b, i): Measured => ({ variant: variants[i] ?? 'current', built: b, time: times[i] }));
};

/** Sizes, then init times, of a row; the current build in bold. */
const cells = (measured: Measured[]): string => {
  const bold = (m: Measured, text: string) => (m.variant === 'current' ? `**${text}**` : text);
  const sizes = measured.map((m) => bold(m, kb(m.built.bytes)));
  const times = measured.map((m) => bold(m, time(m.time)));
  return [...sizes, ...times].join(' | ');
};

export async function benchBundles(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'careflow-bench-bundles-'));
  try {
    const rows: string[] = [];
    const contributors: string[] = [];
    for (const name of FUNCTIONS) {
      const measured = await measure(dir, name, `functions/${name}/handler.ts`, VARIANTS);
      rows.push(`| ${name} | ${cells(measured)} |`);
      const current = measured.find((m) => m.variant === 'current')?.built.metafile;
      if (current) contributors.push(`- ${name}: ${topPackages(current, name === 'processor' ? 14 : 8)}`);
    }

    const floor = await measure(dir, 'processor-sdk-floor', 'test/bench/fixtures/processor-sdk-floor.ts', [
      'current',
      'literalKeys',
    ]);
    const full = await measure(dir, 'full-clients', 'test/bench/fixtures/naive-full-clients.ts', [
      'current',
      'naive',
    ]);
    const withoutSdk = await bundleWithoutSdk(dir);
    const sized = (m: Measured | undefined) => (m ? `${kb(m.built.bytes)} (init ${time(m.time)})` : 'n/a');

    return [
      '## Bundle size and module initialisation',
      '',
      `Each handler bundled with esbuild as the CDK stack bundles it, then imported in ${RUNS} fresh Node processes per variant, the variants taking turns (median of the \`import()\` alone, process start-up excluded; a Lambda's init adds the runtime's own start-up). Node runs with \`NODE_OPTIONS=${lambdaNodeOptions}\` as the functions do, so the time includes reading the source map. Init is CPU time (user + system), wall-clock in brackets: on a shared machine the wall-clock figures vary up to ×2 from one run to the next. Sizes are the \`.mjs\` files; the source maps are separate files.`,
      '',
      "- **naive**: `esbuild --bundle --platform=node` (CommonJS, the packages' CommonJS builds, not minified)",
      "- **classic zod**: the current settings, with careflow's zod module re-exporting classic zod instead of `zod/mini`, as until decision 0083",
      '- **current**: what the stack builds (`infra/stacks/bundling.ts`)',
      "- **literal keys** (what-if, not applied): current, with the SDK clients' generated schemas using literal instead of computed trait keys, which lets esbuild drop the schemas of operations a function never calls",
      '',
      '| function | naive | classic zod | current | literal keys | init naive | init classic zod | init current | init literal keys |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `The floor with SDK v3 bundled: the six clients and the commands the processor sends, created on first use, and nothing else (\`test/bench/fixtures/processor-sdk-floor.ts\`): ${sized(floor[0])}; with literal schema keys ${sized(floor[1])}.`,
      '',
      `All SDK v3 clients careflow uses, aggregated (\`new DynamoDB()\`, \`new SESv2()\`, ... every command included) and created at load: ${sized(full[0])} minified, ${sized(full[1])} naive.`,
      '',
      `Without the SDK (what-if, size only): the processor as the stack builds it, with every \`@aws-sdk\`, \`@smithy\` and \`@aws-crypto\` module left out of the bundle, as if the Lambda runtime's copy were used: ${kb(withoutSdk.bytes)}${withoutSdk.metafile ? ` (${topPackages(withoutSdk.metafile, 4)})` : ''}.`,
      '',
      'Largest contributors to the current bundles (minified bytes):',
      '',
      ...contributors,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
