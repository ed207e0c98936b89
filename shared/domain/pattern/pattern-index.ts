import { type CompiledNode, compileTerm, matchNode, patternTerms } from './compile.js';
import { compileConditions, type ValueTest } from './conditions.js';
import type { Term, TermField } from './terms.js';
import type { Condition, EventPattern, Scalar } from './types.js';

/** A term is placed under at most this many value combinations; further exact fields are left to the check. */
const MAX_PLACEMENTS = 64;

interface Entry<T> {
  value: T;
  seq: number;
  /** The last `match` call that already reported this entry. */
  stamp: number;
  /** Where its terms are filed: `nodes[i]` holds `refs[i]`. */
  nodes: TrieNode<T>[];
  refs: TermRef<T>[];
  fallback: TermRef<T>[] | undefined;
}

/** One alternative of an entry's pattern. */
interface TermRef<T> {
  entry: Entry<T>;
  node: CompiledNode;
  /** Whether anything is left to check once the trie has proven the exact fields it is filed under. */
  residual: boolean;
  stamp: number;
}

/** A path through the event, shared by every edge that follows it; also a node of the index's path tree. */
interface PathSlot {
  keys: string[];
  /** False when a key could be inherited from Object.prototype and needs an own-property check. */
  plain: boolean;
  next: Map<string, PathSlot> | undefined;
}

/** The values of one path below a node: a single child inline, a map once there are more. */
interface Edge<T> {
  slot: PathSlot;
  value: Scalar;
  child: TrieNode<T> | undefined;
  children: Map<Scalar, TrieNode<T>> | undefined;
}

interface TrieNode<T> {
  refs: TermRef<T>[] | undefined;
  edges: Edge<T>[] | undefined;
  stamp: number;
  up: TrieNode<T> | undefined;
  upEdge: Edge<T> | undefined;
  upValue: Scalar;
}

/** A field whose value list holds only exact values: an event can only match if it carries one of them. */
interface KeyField {
  slot: PathSlot;
  values: Scalar[];
  field: TermField;
}

const slotBelow = (slot: PathSlot, key: string): PathSlot => {
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

const keyFields = (term: Term, slot: PathSlot, out: KeyField[]): KeyField[] => {
  for (const field of term.fields) {
    if (field.kind === 'present' && onlyExact(field.conditions)) {
      const values: Scalar[] = [];
      for (const c of field.conditions)
        if (c.kind === 'exact' && !values.includes(c.value)) values.push(c.value);
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
const chooseKeys = (term: Term, root: PathSlot): KeyField[] => {
  const fields = keyFields(term, root, []);
  if (fields.length > 1) fields.sort(byValuesThenPath);
  const chosen: KeyField[] = [];
  let placements = 1;
  for (const field of fields) {
    if (chosen.length > 0 && placements * field.values.length > MAX_PLACEMENTS) break;
    chosen.push(field);
    placements *= field.values.length;
  }
  if (chosen.length > 1) chosen.sort(byPath);
  return chosen;
};

const newNode = <T>(
  up: TrieNode<T> | undefined,
  upEdge: Edge<T> | undefined,
  upValue: Scalar,
): TrieNode<T> => ({
  refs: undefined,
  edges: undefined,
  stamp: 0,
  up,
  upEdge,
  upValue,
});

/** Add to a list; short lists are copied at their exact size, as most trie nodes hold one or two items. */
const appended = <I>(list: I[] | undefined, item: I): I[] => {
  if (!list) return [item];
  if (list.length < 8) return [...list, item];
  list.push(item);
  return list;
};

const childOf = <T>(edge: Edge<T>, value: Scalar): TrieNode<T> | undefined =>
  edge.children ? edge.children.get(value) : edge.value === value ? edge.child : undefined;

/**
 * Many patterns at once. Each alternative of a pattern is filed in a trie keyed by the values of
 * its exact-value fields (e.g. detail.campaignId, then detail-type), so matching an event walks only
 * the branches whose values the event carries, and checks only what those values do not prove.
 * Patterns without any exact-value field sit on a short list checked for every event.
 */
export class PatternIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly paths: PathSlot = { keys: [], plain: true, next: undefined };
  /** Tests of single exact values, shared by every pattern that lists the same value. */
  private readonly exactTests = new Map<Scalar, ValueTest>();
  private readonly compileTest = (conditions: Condition[]): ValueTest => {
    const first = conditions[0];
    if (conditions.length !== 1 || first?.kind !== 'exact') return compileConditions(conditions);
    let test = this.exactTests.get(first.value);
    if (!test) {
      test = compileConditions(conditions);
      this.exactTests.set(first.value, test);
    }
    return test;
  };
  private readonly root: TrieNode<T> = newNode<T>(undefined, undefined, null);
  private fallback: TermRef<T>[] = [];
  private seq = 0;
  private epoch = 0;
  private event: unknown;
  private found: Entry<T>[] = [];

  /** How many patterns the index holds. */
  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Add a pattern, replacing any pattern under the same id; throws ValidationError on a bad pattern. */
  add(id: string, pattern: EventPattern, value: T): void {
    const terms = patternTerms(pattern);
    this.remove(id);
    const entry: Entry<T> = { value, seq: ++this.seq, stamp: 0, nodes: [], refs: [], fallback: undefined };
    const nodesOfEntry: TrieNode<T>[] = [];
    const refsOfEntry: TermRef<T>[] = [];
    for (const term of terms) {
      const keys = chooseKeys(term, this.paths);
      const node = compileTerm(
        term,
        keys.map((k) => k.field),
        this.compileTest,
      );
      const ref: TermRef<T> = { entry, node, residual: node.fields.some((f) => f.residual), stamp: 0 };
      if (keys.length === 0) {
        entry.fallback = appended(entry.fallback, ref);
        this.fallback.push(ref);
        continue;
      }
      let nodes = [this.root];
      for (const key of keys) {
        if (key.values.length === 1) {
          const value = key.values[0] as Scalar;
          for (let i = 0; i < nodes.length; i++)
            nodes[i] = this.child(nodes[i] as TrieNode<T>, key.slot, value);
        } else {
          nodes = nodes.flatMap((n) => key.values.map((v) => this.child(n, key.slot, v)));
        }
      }
      for (const n of nodes) {
        n.refs = appended(n.refs, ref);
        nodesOfEntry.push(n);
        refsOfEntry.push(ref);
      }
    }
    entry.nodes = nodesOfEntry.slice();
    entry.refs = refsOfEntry.slice();
    this.entries.set(id, entry);
  }

  /** Remove the pattern filed under `id`; tells whether there was one. */
  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.nodes.forEach((node, i) => {
      const refs = node.refs ?? [];
      const at = refs.indexOf(entry.refs[i] as TermRef<T>);
      if (at >= 0) {
        refs[at] = refs[refs.length - 1] as TermRef<T>;
        refs.pop();
      }
      if (refs.length === 0) node.refs = undefined;
      this.prune(node);
    });
    if (entry.fallback) this.fallback = this.fallback.filter((ref) => ref.entry !== entry);
    this.entries.delete(id);
    return true;
  }

  /** The values of every pattern that matches the event, in the order the patterns were added. */
  match(event: unknown): T[] {
    this.epoch++;
    this.event = event;
    this.visit(this.root, true);
    for (const ref of this.fallback) this.check(ref, false);
    const found = this.found;
    this.found = [];
    this.event = undefined;
    if (found.length > 1) found.sort((a, b) => a.seq - b.seq);
    return found.map((entry) => entry.value);
  }

  private child(node: TrieNode<T>, slot: PathSlot, value: Scalar): TrieNode<T> {
    let edge: Edge<T> | undefined;
    if (node.edges) for (const e of node.edges) if (e.slot === slot) edge = e;
    if (!edge) {
      const child = newNode(node, undefined, value);
      edge = { slot, value, child, children: undefined };
      child.upEdge = edge;
      node.edges = appended(node.edges, edge);
      return child;
    }
    let next = childOf(edge, value);
    if (!next) {
      next = newNode(node, edge, value);
      if (!edge.children) {
        edge.children = new Map([[edge.value, edge.child as TrieNode<T>]]);
        edge.child = undefined;
      }
      edge.children.set(value, next);
    }
    return next;
  }

  private prune(from: TrieNode<T>): void {
    let node = from;
    while (node.up && node.upEdge && node.refs === undefined && node.edges === undefined) {
      const { up, upEdge: edge } = node;
      const emptied = edge.children ? edge.children.delete(node.upValue) && edge.children.size === 0 : true;
      if (emptied) {
        const edges = up.edges ?? [];
        edges.splice(edges.indexOf(edge), 1);
        if (edges.length === 0) up.edges = undefined;
      }
      node = up;
    }
  }

  /** `clean` tells that no event array stood on the way, so the fields the route proves need no check. */
  private visit(node: TrieNode<T>, clean: boolean): void {
    if (node.stamp === this.epoch) return;
    node.stamp = this.epoch;
    const refs = node.refs;
    if (refs) for (const ref of refs) this.check(ref, clean);
    const edges = node.edges;
    if (edges) for (const edge of edges) this.follow(edge, this.event, 0, clean);
  }

  /** Walk the edge's path through the event, looking through arrays, and visit the children of the values found. */
  private follow(edge: Edge<T>, value: unknown, depth: number, clean: boolean): void {
    const { keys, plain } = edge.slot;
    let current = value;
    for (let i = depth; i < keys.length; i++) {
      if (Array.isArray(current)) {
        for (const item of current) this.follow(edge, item, i, false);
        return;
      }
      if (typeof current !== 'object' || current === null) return;
      const key = keys[i] as string;
      const node = current as Record<string, unknown>;
      current = plain || Object.hasOwn(node, key) ? node[key] : undefined;
      if (current === undefined) return;
    }
    this.arrive(edge, current, clean);
  }

  private arrive(edge: Edge<T>, value: unknown, clean: boolean): void {
    if (Array.isArray(value)) {
      for (const item of value) this.arrive(edge, item, clean);
      return;
    }
    if (typeof value === 'object' && value !== null) return;
    const next = childOf(edge, value as Scalar);
    if (next) this.visit(next, clean);
  }

  private check(ref: TermRef<T>, clean: boolean): void {
    if (ref.stamp === this.epoch) return;
    ref.stamp = this.epoch;
    const entry = ref.entry;
    if (entry.stamp === this.epoch) return;
    if (
      clean ? !ref.residual || matchNode(ref.node, this.event, true) : matchNode(ref.node, this.event, false)
    ) {
      entry.stamp = this.epoch;
      this.found.push(entry);
    }
  }
}
