import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** The machine the benchmarks ran on: processors, CPU model, memory, Node, date. */
export const machine = () => {
  let cpu = 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: keep "unknown CPU".
  }
  return {
    nproc: availableParallelism(),
    cpu,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
};

export const machineLine = (): string => {
  const m = machine();
  return `${m.date}; ${m.nproc} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}`;
};
