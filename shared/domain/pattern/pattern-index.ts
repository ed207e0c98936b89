import { compileTerm, patternTerms } from './compile.js';
import type { Term } from './terms.js';
import type { EventPattern, Matcher, Scalar } from './types.js';

/** A term is placed under at most this many value combinations; further exact fields are left to the check. */
const MAX_PLACEMENTS = 64;

interface Entry<T> {
  id: string;
  value: T;
  seq: number;
  /** The last `match` call that already reported this entry. */
  stamp: number;
  placements: { node: TrieNode<T>; ref: TermRef<T> }[];
  fallback: TermRef<T>[];
}

/** One alternative of an entry's pattern, with its compiled check. */
interface TermRef<T> {
  entry: Entry<T>;
  match: Matcher;
  stamp: number;
}

interface Edge<T> {
  pathId: string;
  keys: string[];
  /** False when a key could be inherited from Object.prototype and needs an own-property check. */
  plain: boolean;
  children: Map<Scalar, TrieNode<T>>;
}

interface TrieNode<T> {
  refs: TermRef<T>[];
  edges: Edge<T>[];
  stamp: number;
  parent: { node: TrieNode<T>; edge: Edge<T>; value: Scalar } | undefined;
}

/** A field whose value list holds only exact values: an event can only match if it carries one of them. */
interface KeyField {
  pathId: string;
  keys: string[];
  values: Scalar[];
}

const keyFields = (term: Term, keys: string[], out: KeyField[]): KeyField[] => {
  for (const field of term.fields) {
    if (field.kind === 'present' && field.conditions.every((c) => c.kind === 'exact')) {
      const path = [...keys, field.key];
      const values = [...new Set(field.conditions.map((c) => (c.kind === 'exact' ? c.value : null)))];
      out.push({ pathId: JSON.stringify(path), keys: path, values });
    } else if (field.kind === 'object' && field.term.positive) {
      keyFields(field.term, [...keys, field.key], out);
    }
  }
  return out;
};

const byPath = (a: KeyField, b: KeyField): number => (a.pathId < b.pathId ? -1 : a.pathId > b.pathId ? 1 : 0);

/** The exact-value fields a term is filed under: the most specific first, within the placement budget. */
const chooseKeys = (term: Term): KeyField[] => {
  const fields = keyFields(term, [], []).sort((a, b) => a.values.length - b.values.length || byPath(a, b));
  const chosen: KeyField[] = [];
  let placements = 1;
  for (const field of fields) {
    if (chosen.length > 0 && placements * field.values.length > MAX_PLACEMENTS) break;
    chosen.push(field);
    placements *= field.values.length;
  }
  return chosen.sort(byPath);
};

const newNode = <T>(parent: TrieNode<T>['parent']): TrieNode<T> => ({
  refs: [],
  edges: [],
  stamp: 0,
  parent,
});

/**
 * Many patterns at once. Each alternative of a pattern is filed in a trie keyed by the values of
 * its exact-value fields (e.g. detail-type, then detail.campaignId), so matching an event walks only
 * the branches whose values the event carries and checks the few alternatives found there. Patterns
 * without any exact-value field sit on a short list checked for every event.
 */
export class PatternIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly root: TrieNode<T> = newNode(undefined);
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
    const entry: Entry<T> = { id, value, seq: ++this.seq, stamp: 0, placements: [], fallback: [] };
    for (const term of terms) {
      const ref: TermRef<T> = { entry, match: compileTerm(term), stamp: 0 };
      const keys = chooseKeys(term);
      if (keys.length === 0) {
        entry.fallback.push(ref);
        this.fallback.push(ref);
        continue;
      }
      let nodes = [this.root];
      for (const key of keys)
        nodes = nodes.flatMap((node) => key.values.map((v) => this.child(node, key, v)));
      for (const node of nodes) {
        node.refs.push(ref);
        entry.placements.push({ node, ref });
      }
    }
    this.entries.set(id, entry);
  }

  /** Remove the pattern filed under `id`; tells whether there was one. */
  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    for (const { node, ref } of entry.placements) {
      const at = node.refs.indexOf(ref);
      if (at >= 0) {
        node.refs[at] = node.refs[node.refs.length - 1] as TermRef<T>;
        node.refs.pop();
      }
      this.prune(node);
    }
    if (entry.fallback.length > 0) this.fallback = this.fallback.filter((ref) => ref.entry !== entry);
    this.entries.delete(id);
    return true;
  }

  /** The values of every pattern that matches the event, in the order the patterns were added. */
  match(event: unknown): T[] {
    this.epoch++;
    this.event = event;
    this.visit(this.root);
    for (const ref of this.fallback) this.check(ref);
    const found = this.found;
    this.found = [];
    this.event = undefined;
    if (found.length > 1) found.sort((a, b) => a.seq - b.seq);
    return found.map((entry) => entry.value);
  }

  private child(node: TrieNode<T>, key: KeyField, value: Scalar): TrieNode<T> {
    let edge = node.edges.find((e) => e.pathId === key.pathId);
    if (!edge) {
      const plain = key.keys.every((k) => !(k in Object.prototype));
      edge = { pathId: key.pathId, keys: key.keys, plain, children: new Map() };
      node.edges.push(edge);
    }
    let next = edge.children.get(value);
    if (!next) {
      next = newNode({ node, edge, value });
      edge.children.set(value, next);
    }
    return next;
  }

  private prune(from: TrieNode<T>): void {
    let node = from;
    while (node.parent && node.refs.length === 0 && node.edges.length === 0) {
      const { node: up, edge, value } = node.parent;
      edge.children.delete(value);
      if (edge.children.size === 0) up.edges.splice(up.edges.indexOf(edge), 1);
      node = up;
    }
  }

  private visit(node: TrieNode<T>): void {
    if (node.stamp === this.epoch) return;
    node.stamp = this.epoch;
    for (const ref of node.refs) this.check(ref);
    for (const edge of node.edges) this.follow(edge, this.event, 0);
  }

  /** Walk the edge's path through the event, looking through arrays, and visit the children of the values found. */
  private follow(edge: Edge<T>, value: unknown, depth: number): void {
    const keys = edge.keys;
    let current = value;
    for (let i = depth; i < keys.length; i++) {
      if (Array.isArray(current)) {
        for (const item of current) this.follow(edge, item, i);
        return;
      }
      if (typeof current !== 'object' || current === null) return;
      const key = keys[i] as string;
      const node = current as Record<string, unknown>;
      current = edge.plain || Object.hasOwn(node, key) ? node[key] : undefined;
      if (current === undefined) return;
    }
    this.arrive(edge, current);
  }

  private arrive(edge: Edge<T>, value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.arrive(edge, item);
      return;
    }
    if (typeof value === 'object' && value !== null) return;
    const next = edge.children.get(value as Scalar);
    if (next) this.visit(next);
  }

  private check(ref: TermRef<T>): void {
    if (ref.stamp === this.epoch) return;
    ref.stamp = this.epoch;
    const entry = ref.entry;
    if (entry.stamp === this.epoch) return;
    if (ref.match(this.event)) {
      entry.stamp = this.epoch;
      this.found.push(entry);
    }
  }
}
