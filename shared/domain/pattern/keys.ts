import type { Term, TermField } from './terms.js';
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

/** A field whose value list holds only exact values: an event can only match if it carries one of them. */
export interface KeyField {
  slot: PathSlot;
  values: Scalar[];
  field: TermField;
}

/** Whether the field is one of the key fields. */
export const isKey = (keys: KeyField[], field: TermField): boolean => {
  for (const key of keys) if (key.field === field) return true;
  return false;
};

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

const exactValue = (c: Condition | undefined): Scalar => (c?.kind === 'exact' ? c.value : null);

const distinctValues = (conditions: Condition[]): Scalar[] => {
  const values: Scalar[] = [];
  for (const c of conditions) if (!values.includes(exactValue(c))) values.push(exactValue(c));
  return values;
};

const keyFields = (term: Term, slot: PathSlot, out: KeyField[]): KeyField[] => {
  for (const field of term.fields) {
    if (field.kind === 'present' && onlyExact(field.conditions)) {
      const values =
        field.conditions.length === 1 ? [exactValue(field.conditions[0])] : distinctValues(field.conditions);
      out.push({ slot: slotBelow(slot, field.key), values, field });
    } else if (field.kind === 'object' && field.term.positive) {
      keyFields(field.term, slotBelow(slot, field.key), out);
    }
  }
  return out;
};

/**
 * Trie order: shallow paths first (envelope fields such as detail-type and source have few values,
 * so the upper levels stay few and hot), then by path.
 */
const byPath = (a: KeyField, b: KeyField): number => {
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

const byValuesThenPath = (a: KeyField, b: KeyField): number =>
  a.values.length - b.values.length || byPath(a, b);

/** The exact-value fields a term is filed under: the most specific first, within the placement budget. */
export const chooseKeys = (term: Term, root: PathSlot, scratch: KeyField[]): KeyField[] => {
  scratch.length = 0;
  const fields = keyFields(term, root, scratch);
  if (fields.length > 1) fields.sort(byValuesThenPath);
  let count = 0;
  let placements = 1;
  for (const field of fields) {
    if (count > 0 && placements * field.values.length > MAX_PLACEMENTS) break;
    count++;
    placements *= field.values.length;
  }
  const chosen = fields.slice(0, count);
  if (chosen.length > 1) chosen.sort(byPath);
  return chosen;
};
