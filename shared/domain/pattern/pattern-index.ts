import { type CompiledNode, compileLeaves, matchNode, patternTerms } from './compile.js';
import { compileConditions, conditionsKey, type ValueTest } from './conditions.js';
import { chooseKeys, isKey, type KeyField, type PathSlot, slotBelow } from './keys.js';
import { countLeaves, FAIL, type FlatCheck, PASS, runCheck, UNSURE } from './leaves.js';
import type { Term } from './terms.js';
import { appended, childOf, type Edge, newNode, type TrieNode } from './trie.js';
import type { Condition, EventPattern, Scalar } from './types.js';

interface Entry<T> {
  value: T;
  seq: number;
  /** The last `match` call that already reported this entry (only consulted when it has several terms). */
  stamp: number;
  /** Where its terms are filed: `nodes[i]` holds `refs[i]`. */
  nodes: TrieNode<T>[];
  refs: TermRef<T>[];
  fallback: TermRef<T>[] | undefined;
}

/** One alternative of an entry's pattern. */
export interface TermRef<T> {
  entry: Entry<T>;
  /** Whether the entry has other alternatives, so that it may already have been reported. */
  shared: boolean;
  stamp: number;
  /** The first leaf left to check once the trie has proven the exact fields the term is filed under. */
  check: FlatCheck | undefined;
  /** Every leaf of the term: the `residual` ones left to check first, then those the trie proves. */
  leaves: FlatCheck[];
  residual: number;
  /** The whole alternative, rebuilt from its leaves when event arrays make the flat checks unsafe. */
  node: CompiledNode | undefined;
}

const runChecks = <T>(ref: TermRef<T>, event: unknown): number => {
  if (ref.check === undefined) return PASS;
  let outcome = runCheck(ref.check, event);
  for (let c = 1; outcome === PASS && c < ref.residual; c++)
    outcome = runCheck(ref.leaves[c] as FlatCheck, event);
  return outcome;
};

/**
 * Many patterns at once. Each alternative of a pattern is filed in a trie keyed by the values of
 * its exact-value fields (e.g. detail-type, then detail.campaignId), so matching an event walks only
 * the branches whose values the event carries, and checks only what those values do not prove.
 * Patterns without any exact-value field sit on a short list checked for every event.
 */
export class PatternIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly paths: PathSlot = { keys: [], plain: true, next: undefined };
  private readonly root: TrieNode<T> = newNode<T>(undefined, undefined, null);
  /** Tests of single exact values, shared by every pattern that lists the same value. */
  private readonly exactTests = new Map<Scalar, ValueTest>();
  /** Tests of other value lists, by their key (see `conditionsKey`). */
  private readonly tests = new Map<Scalar, ValueTest>();
  private fallback: TermRef<T>[] = [];
  /** Reused while choosing the key fields of a term, to spare the garbage collector. */
  private readonly scratch: KeyField[] = [];
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
    for (const term of terms) {
      const keys = chooseKeys(term, this.paths, this.scratch);
      const leaves = new Array<FlatCheck>(countLeaves(term));
      const residual = this.leavesOf(term, this.paths, keys, leaves, { front: 0, back: leaves.length });
      const ref: TermRef<T> = {
        entry,
        shared: terms.length > 1,
        stamp: 0,
        check: residual > 0 ? leaves[0] : undefined,
        leaves,
        residual,
        node: undefined,
      };
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
      for (const n of nodes)
        n.refs = n.refs === undefined ? ref : appended(Array.isArray(n.refs) ? n.refs : [n.refs], ref);
      const refs = nodes.length === 1 ? [ref] : nodes.map(() => ref);
      entry.nodes = entry.nodes.length === 0 ? nodes : entry.nodes.concat(nodes);
      entry.refs = entry.refs.length === 0 ? refs : entry.refs.concat(refs);
    }
    this.entries.set(id, entry);
  }

  /** Remove the pattern filed under `id`; tells whether there was one. */
  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.nodes.forEach((node, i) => {
      const ref = entry.refs[i];
      if (node.refs === ref) {
        node.refs = undefined;
      } else if (Array.isArray(node.refs)) {
        const refs = node.refs;
        const at = refs.indexOf(ref as TermRef<T>);
        if (at >= 0) {
          refs[at] = refs[refs.length - 1] as TermRef<T>;
          refs.pop();
        }
        if (refs.length === 0) node.refs = undefined;
      }
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
    for (const ref of this.fallback) this.check(ref, true);
    const found = this.found;
    this.found = [];
    this.event = undefined;
    if (found.length > 1) found.sort((a, b) => a.seq - b.seq);
    return found.map((entry) => entry.value);
  }

  /**
   * Place the leaves of a term: those left to check from the front of `out`, those its key fields
   * prove from the back. Returns how many are left to check.
   */
  private leavesOf(
    term: Term,
    slot: PathSlot,
    keys: KeyField[],
    out: FlatCheck[],
    at: { front: number; back: number },
  ): number {
    for (const field of term.fields) {
      if (field.kind === 'object') {
        this.leavesOf(field.term, slotBelow(slot, field.key), keys, out, at);
        continue;
      }
      const test = field.kind === 'present' ? this.compileTest(field.conditions) : anyValue;
      const leaf = { slot: slotBelow(slot, field.key), absent: field.kind === 'absent', test };
      if (isKey(keys, field)) out[--at.back] = leaf;
      else out[at.front++] = leaf;
    }
    return at.front;
  }

  /** Compile a value list once per index: patterns listing the same conditions share one test. */
  private compileTest(conditions: Condition[]): ValueTest {
    const first = conditions[0];
    const single = conditions.length === 1 && first?.kind === 'exact';
    const cache = single ? this.exactTests : this.tests;
    const key = single ? first.value : conditionsKey(conditions);
    let test = cache.get(key);
    if (!test) {
      test = compileConditions(conditions);
      cache.set(key, test);
    }
    return test;
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

  /**
   * `clean` tells that no event array stood on the way, so the fields the route proves hold and the
   * flat checks may cover the rest; fallback terms prove nothing and are always clean.
   */
  private visit(node: TrieNode<T>, clean: boolean): void {
    if (node.stamp === this.epoch) return;
    node.stamp = this.epoch;
    const refs = node.refs;
    if (refs !== undefined) {
      if (Array.isArray(refs)) for (const ref of refs) this.check(ref, clean);
      else this.check(refs, clean);
    }
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
    if (ref.shared && ref.entry.stamp === this.epoch) return;
    let outcome = clean ? runChecks(ref, this.event) : UNSURE;
    if (outcome === UNSURE) {
      ref.node ??= compileLeaves(
        ref.leaves.map((leaf) => ({
          keys: leaf.slot.keys,
          absent: leaf.absent,
          test: leaf.test,
        })),
      );
      outcome = matchNode(ref.node, this.event) ? PASS : FAIL;
    }
    if (outcome === PASS) {
      ref.entry.stamp = this.epoch;
      this.found.push(ref.entry);
    }
  }
}

const anyValue: ValueTest = () => true;
