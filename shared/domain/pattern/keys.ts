import type { Leaf } from './leaves.js';
import type { Condition, Scalar } from './types.js';

/** A term is placed under at most this many value combinations; further exact fields are left to the check. */
const MAX_PLACEMENTS = 64;

/** A path through the event, shared by every edge and check that follows it; also a node of the path tree. */
export interface PathSlot {
  keys: string[];
  /** False when a key could be inherited from Object.prototype and needs an own-property check. */
  plain: boolean;
  next: Map<string, PathSlot> | undefined;
}

/** The path one key below `slot`, shared through the path tree. */
export const slotBelow = (slot: PathSlot, key: string): PathSlot => {
  slot.next ??= new Map();
  let next = slot.next.get(key);
  if (!next) {
    next = { keys: [...slot.keys, key], plain: slot.plain && !(key in Object.prototype), next: undefined };
    slot.next.set(key, next);
  }
  return next;
};

const onlyExact = (conditions: Condition[]): boolean => {
  for (const c of conditions) if (c.kind !== 'exact') return false;
  return true;
};

/** A leaf that asks for one of a few exact values: an event can only match if it carries one of them. */
const isKeyLeaf = (leaf: Leaf): boolean => !leaf.absent && onlyExact(leaf.conditions);

const exactValue = (c: Condition | undefined): Scalar => (c?.kind === 'exact' ? c.value : null);

/** The distinct values a key leaf asks for. */
export const keyValues = (leaf: Leaf): Scalar[] => {
  const values: Scalar[] = [];
  for (const c of leaf.conditions) if (!values.includes(exactValue(c))) values.push(exactValue(c));
  return values;
};

/** How many distinct values a key leaf asks for; most ask for one. */
export const keyValueCount = (leaf: Leaf): number =>
  leaf.conditions.length === 1 ? 1 : keyValues(leaf).length;

/**
 * Trie order: shallow paths first (envelope fields such as detail-type and source have few values,
 * so the upper levels stay few and hot), then by path.
 */
const byPath = (a: Leaf, b: Leaf): number => {
  const x = a.slot.keys;
  const y = b.slot.keys;
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
};

const byValuesThenPath = (a: Leaf, b: Leaf): number => keyValueCount(a) - keyValueCount(b) || byPath(a, b);

/**
 * The exact-value leaves a term is filed under: the most specific first, within the placement
 * budget; returned in trie order.
 */
export const chooseKeys = (leaves: Leaf[], scratch: Leaf[]): Leaf[] => {
  scratch.length = 0;
  let oneValueEach = true;
  for (const leaf of leaves) {
    if (!isKeyLeaf(leaf)) continue;
    scratch.push(leaf);
    if (leaf.conditions.length > 1) oneValueEach = false;
  }
  // Leaves of one value each multiply the placements by one: they all fit, whatever the order.
  let count = scratch.length;
  if (!oneValueEach) {
    scratch.sort(byValuesThenPath);
    count = 0;
    let placements = 1;
    for (const leaf of scratch) {
      const values = keyValueCount(leaf);
      if (count > 0 && placements * values > MAX_PLACEMENTS) break;
      count++;
      placements *= values;
    }
  }
  const chosen = scratch.slice(0, count);
  if (chosen.length > 1) chosen.sort(byPath);
  return chosen;
};
