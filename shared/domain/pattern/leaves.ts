import { anyLeaf, hasLeaf } from './compile.js';
import type { ValueTest } from './conditions.js';
import type { PathSlot } from './keys.js';
import type { Term } from './terms.js';

/** One leaf of a term, checked along its path. */
export interface FlatCheck {
  slot: PathSlot;
  absent: boolean;
  test: ValueTest;
}

/** Outcome of the flat checks: passed, failed, or met an event array and needs the full check. */
export const PASS = 1;
export const FAIL = 0;
export const UNSURE = -1;

/**
 * Run the flat checks. Without arrays on the way, a term is just the AND of its leaves; an array in
 * the middle of a path brings in element binding, which only the full check handles.
 */
export const runCheck = (check: FlatCheck, event: unknown): number => {
  const { keys, plain } = check.slot;
  let current = event;
  for (let i = 0; i < keys.length; i++) {
    if (Array.isArray(current)) return UNSURE;
    if (typeof current !== 'object' || current === null) {
      current = undefined;
      break;
    }
    const key = keys[i] as string;
    const node = current as Record<string, unknown>;
    current = plain || Object.hasOwn(node, key) ? node[key] : undefined;
    if (current === undefined) break;
  }
  return (check.absent ? hasLeaf(current) : !anyLeaf(current, check.test)) ? FAIL : PASS;
};

/** How many leaves a term has. */
export const countLeaves = (term: Term): number => {
  let count = 0;
  for (const field of term.fields) count += field.kind === 'object' ? countLeaves(field.term) : 1;
  return count;
};
