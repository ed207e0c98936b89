import { anyLeaf, hasLeaf } from './compile.js';
import type { ValueTest } from './conditions.js';
import { type PathSlot, slotBelow } from './keys.js';
import type { Term } from './terms.js';
import type { Condition } from './types.js';

/** A leaf of a term as the pattern states it: its path and its value list (empty when absent). */
export interface Leaf {
  slot: PathSlot;
  absent: boolean;
  conditions: Condition[];
}

/** A leaf left to check, with its value list compiled. */
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

const NO_CONDITIONS: Condition[] = [];

/** Append the leaves of a term, in the term's order, to `out`; their paths come from the path tree below `slot`. */
export const flatten = (term: Term, slot: PathSlot, out: Leaf[]): Leaf[] => {
  for (const field of term.fields) {
    const below = slotBelow(slot, field.key);
    if (field.kind === 'object') flatten(field.term, below, out);
    else if (field.kind === 'absent') out.push({ slot: below, absent: true, conditions: NO_CONDITIONS });
    else out.push({ slot: below, absent: false, conditions: field.conditions });
  }
  return out;
};
