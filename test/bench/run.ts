// `npm run bench`: runs every benchmark module of test/bench in turn and prints one Markdown
// report on stdout (progress goes to stderr). Record the results in docs/benchmarks.md.
import { benchAwsCalls } from './aws-calls.js';
import { benchBundles } from './bundles.js';
import { benchInterpreter } from './interpreter.js';
import { machineLine } from './machine.js';
import { benchMatching } from './matching.js';

interface Bench {
  name: string;
  run: () => Promise<string>;
}

const benches: Bench[] = [
  { name: 'bundle size and initialisation', run: benchBundles },
  { name: 'AWS calls, cost and log bytes per event', run: benchAwsCalls },
  { name: 'event-pattern matching', run: benchMatching },
  { name: 'interpreter step', run: benchInterpreter },
];

const sections: string[] = [`# careflow benchmarks`, '', `Machine: ${machineLine()}.`];
let failed = 0;
const started = Date.now();
for (const bench of benches) {
  const t0 = Date.now();
  process.stderr.write(`bench: ${bench.name} ...\n`);
  try {
    sections.push('', await bench.run());
    process.stderr.write(`bench: ${bench.name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  } catch (error) {
    failed += 1;
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    sections.push('', `## ${bench.name}`, '', `Failed: ${reason.split('\n')[0]}`);
    process.stderr.write(`bench: ${bench.name} FAILED\n${reason}\n`);
  }
}
sections.push('', `_All benchmarks: ${((Date.now() - started) / 1000).toFixed(0)} s._`);
process.stdout.write(`${sections.join('\n')}\n`);
process.exitCode = failed > 0 ? 1 : 0;
