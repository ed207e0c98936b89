import { anyLeaf, hasLeaf } from './compile.js';
import { compileConditions, type ValueTest } from './conditions.js';
import { type PathSlot, slotBelow } from './keys.js';
import type { Term } from './terms.js';
import type { Condition } from './types.js';

/** One leaf of a term, checked along its path. */
export interface FlatCheck {
  slot: PathSlot;
  absent: boolean;
  /** The value list of a present leaf; empty for an absent one. */
  conditions: Condition[];
  /**
   * The compiled value list, made on first use: most leaves of a large index are only reached by
   * few events, or never checked at all because the trie proves them, so compiling them all up
   * front made building the index slower for nothing.
   */
  test: ValueTest | undefined;
}

const anyValue: ValueTest = () => true;

/** The leaf's test, compiled when first asked for. */
const testOf = (check: FlatCheck): ValueTest => {
  check.test ??= check.absent ? anyValue : compileConditions(check.conditions);
  return check.test;
};

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
  if (check.absent) return hasLeaf(current) ? FAIL : PASS;
  return anyLeaf(current, check.test ?? testOf(check)) ? PASS : FAIL;
};

const NO_CONDITIONS: Condition[] = [];

/** Append the leaves of a term, in the term's order, to `out`; their paths are taken from the path tree below `slot`. */
export const flatten = (term: Term, slot: PathSlot, out: FlatCheck[]): FlatCheck[] => {
  for (const field of term.fields) {
    const below = slotBelow(slot, field.key);
    if (field.kind === 'object') flatten(field.term, below, out);
    else if (field.kind === 'absent')
      out.push({ slot: below, absent: true, conditions: NO_CONDITIONS, test: undefined });
    else out.push({ slot: below, absent: false, conditions: field.conditions, test: undefined });
  }
  return out;
};
