import { ValidationError } from '../errors.js';
import { type CompiledNode, compilePattern, compileTerm, matchNode, patternTerms } from './compile.js';
import { compileConditions, conditionsKey, type ValueTest } from './conditions.js';
import { chooseKeys, keyValues, type PathSlot, slotBelow } from './keys.js';
import { FAIL, type FlatCheck, flatten, type Leaf, PASS, runCheck, UNSURE } from './leaves.js';
import {
  type IndexSnapshot,
  isIndexSnapshot,
  isStoredEdge,
  isStoredNode,
  SNAPSHOT_FORMAT,
  type StoredEdge,
  type StoredNode,
} from './snapshot.js';
import type { Term } from './terms.js';
import { appended, childOf, type Edge, newNode, type TrieNode } from './trie.js';
import type { Condition, EventPattern, Scalar } from './types.js';

/**
 * Where a pattern's alternatives sit in the index: `[FILING_FORMAT, ...alternatives]`, one per
 * alternative in the order the pattern spreads into them, each either null (no exact-value field:
 * checked for every event) or the exact-value fields it is filed under, each `[...path, values]`
 * (the event must carry one of the values at that path). Worked out once with
 * `PatternIndex.filingOf` (when a journey is published) and stored beside the pattern, it lets
 * `addFiled` file a pattern without parsing it; the pattern is parsed when an event first reaches
 * it. Arrays only, as thousands are parsed at a cold start: a third of the bytes of the same
 * with named fields, and half the time.
 */
export type Filing = [format: number, ...alternatives: (FiledKey[] | null)[]];

/** An exact-value field of a filing: its path, then the values it is filed under. */
export type FiledKey = [...path: string[], values: Scalar[]];

/**
 * The layout of `Filing`. Raise it whenever `filingOf` would file some pattern differently: the
 * index files a stored filing of another format from its pattern instead.
 */
export const FILING_FORMAT = 1;

interface Entry<T> {
  id: string;
  value: T;
  seq: number;
  /** The last `match` call that already reported this entry (only consulted when it has several terms). */
  stamp: number;
  /**
   * The pattern as added: the checks of its terms are built from it when one of them is first
   * reached. Its JSON text when it was added so (`addFiled`), until then.
   */
  pattern: EventPattern | string;
  /** One per alternative of the pattern, in the order `patternTerms` spreads them. */
  terms: TermRef<T>[];
  /** Whether some of its terms sit on the fallback list. */
  fallback: boolean;
  /** Whether it was filed from a stored filing (`addFiled`), to check against its pattern when first reached. */
  filed: boolean;
}

/** One alternative of an entry's pattern. */
export interface TermRef<T> {
  entry: Entry<T>;
  /** Whether the entry has other alternatives, so that it may already have been reported. */
  shared: boolean;
  stamp: number;
  /** Which alternative of the entry's pattern it is. */
  index: number;
  /** The trie node it is filed at, or the nodes when a field lists several values; undefined on the fallback list. */
  at: TrieNode<T> | TrieNode<T>[] | undefined;
  /** The first leaf left to check once the trie has proven the exact fields the term is filed under. */
  check: FlatCheck | undefined;
  /** The leaves left to check, `check` first; undefined until the term is first reached (see `prepare`). */
  leaves: FlatCheck[] | undefined;
  /** The whole alternative, compiled from the pattern when event arrays make the flat checks unsafe. */
  node: CompiledNode | undefined;
}

/** What an index loaded from a snapshot has not yet turned into entries (see `fromSnapshot`). */
interface Loaded<T> {
  snapshot: IndexSnapshot;
  valueFor: (id: string, position: number) => T;
  /** The snapshot's paths, as the index's path slots. */
  slots: PathSlot[];
  /** The entries made so far, by position in the snapshot. */
  entries: (Entry<T> | undefined)[];
}

const runChecks = <T>(ref: TermRef<T>, event: unknown): number => {
  if (ref.check === undefined) return PASS;
  let outcome = runCheck(ref.check, event);
  const leaves = ref.leaves as FlatCheck[];
  for (let c = 1; outcome === PASS && c < leaves.length; c++)
    outcome = runCheck(leaves[c] as FlatCheck, event);
  return outcome;
};

/**
 * Many patterns at once. Each alternative of a pattern is filed in a trie keyed by the values of
 * its exact-value fields (e.g. detail-type, then detail.campaignId), so matching an event walks only
 * the branches whose values the event carries, and checks only what those values do not prove.
 * Patterns without any exact-value field sit on a short list checked for every event.
 *
 * Adding a pattern checks it and files it; the checks of an alternative are only built when an event
 * first reaches it, as most of thousands of triggers are reached by few events, or none, in the
 * life of a container. The index therefore keeps the pattern object it was given: do not change it
 * after adding it. A pattern added with its stored filing (`addFiled`, decision 0080) is not even
 * parsed until then.
 */
export class PatternIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly paths: PathSlot = { keys: [], plain: true, next: undefined };
  private readonly root: TrieNode<T> = newNode<T>(undefined, undefined, null);
  private fallback: TermRef<T>[] = [];
  /**
   * Compiled value lists, shared by every leaf that lists the same conditions (by `conditionsKey`):
   * thousands of triggers repeat a few hundred lists, and a few hot tests match faster than
   * thousands of cold ones.
   */
  private readonly tests = new Map<string, ValueTest>();
  /** Reused while flattening a term and choosing its keys, to spare the garbage collector. */
  private readonly scratchLeaves: Leaf[] = [];
  private readonly scratchKeys: Leaf[] = [];
  private seq = 0;
  private epoch = 0;
  private event: unknown;
  private found: Entry<T>[] = [];
  /** Entries added with a filing that proved wrong during the current `match`. */
  private misfiled: Entry<T>[] = [];
  /** The snapshot the index was loaded from, until all of it is made into entries and nodes. */
  private loaded: Loaded<T> | undefined;

  /**
   * `onMisfiled` hears of every pattern added with a stored filing that was not its own, once an
   * event reached it: filed again from the pattern (`problem` undefined), or dropped because the
   * pattern is not valid.
   */
  constructor(private readonly onMisfiled?: (id: string, problem: Error | undefined) => void) {}

  /** How many patterns the index holds. */
  get size(): number {
    return this.loaded ? this.loaded.snapshot.ids.length : this.entries.size;
  }

  has(id: string): boolean {
    this.materialize();
    return this.entries.has(id);
  }

  /** Add a pattern, replacing any pattern under the same id; throws ValidationError on a bad pattern. */
  add(id: string, pattern: EventPattern, value: T): void {
    const terms = patternTerms(pattern);
    this.materialize();
    this.remove(id);
    const entry = this.newEntry(id, pattern, value, terms.length, false);
    for (let t = 0; t < terms.length; t++) {
      const flat = flatten(terms[t] as Term, this.paths, this.scratchLeaves);
      const keys = chooseKeys(flat, this.scratchKeys);
      flat.length = 0;
      let nodes = keys.length === 0 ? undefined : [this.root];
      for (const key of keys) {
        const only = key.conditions.length === 1 ? key.conditions[0] : undefined;
        nodes = this.descend(
          nodes as TrieNode<T>[],
          key.slot,
          only?.kind === 'exact' ? [only.value] : keyValues(key),
        );
      }
      this.file(entry, t, nodes);
    }
    this.entries.set(id, entry);
  }

  /**
   * Add a pattern where its stored filing says, without parsing it: the cheap way to load thousands
   * of published triggers at a cold start. The pattern, and the filing, may be given as the JSON
   * text they are stored as; the pattern is parsed when an event first reaches it. If the filing
   * turns out not to be the pattern's own (an item edited by hand), the match stays correct for
   * that event and the pattern is filed again from itself. A filing of another format, or none,
   * files the pattern from itself at once, as `add` does (and throws as `add` does).
   */
  addFiled(id: string, pattern: EventPattern | string, filing: unknown, value: T): void {
    const usable = usableFiling(filing);
    if (!usable) {
      this.add(id, parsedPattern(pattern), value);
      return;
    }
    this.materialize();
    this.remove(id);
    const entry = this.newEntry(id, pattern, value, usable.length - 1, true);
    for (let t = 1; t < usable.length; t++) {
      const keys = usable[t] as FiledKey[] | null;
      let nodes = keys ? [this.root] : undefined;
      if (keys) {
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k] as FiledKey;
          nodes = this.descend(nodes as TrieNode<T>[], this.slotOf(key), key[key.length - 1] as Scalar[]);
        }
      }
      this.file(entry, t - 1, nodes);
    }
    this.entries.set(id, entry);
  }

  /** Where `add` files the pattern, as `addFiled` takes it; throws ValidationError on a bad pattern. */
  static filingOf(pattern: EventPattern): Filing {
    const paths: PathSlot = { keys: [], plain: true, next: undefined };
    const terms = patternTerms(pattern).map((term) => {
      const keys = chooseKeys(flatten(term, paths, []), []);
      return keys.length === 0 ? null : keys.map((key): FiledKey => [...key.slot.keys, keyValues(key)]);
    });
    return [FILING_FORMAT, ...terms];
  }

  /**
   * Everything the index holds, as plain data for `fromSnapshot`. Every pattern must have been
   * checked: one added from a stored filing that no event has reached yet makes it throw, as its
   * filing would be carried over unchecked.
   */
  snapshot(): IndexSnapshot {
    this.materialize();
    const entries = [...this.entries.values()].sort((a, b) => a.seq - b.seq);
    const position = new Map<Entry<T>, number>();
    let patterns = '';
    const ends: number[] = [];
    entries.forEach((entry, p) => {
      if (entry.filed && entry.terms.some((ref) => ref.leaves === undefined))
        throw new Error(`pattern ${entry.id} was added from a stored filing not checked yet`);
      position.set(entry, p);
      patterns += typeof entry.pattern === 'string' ? entry.pattern : JSON.stringify(entry.pattern);
      ends.push(patterns.length);
    });
    const pairs = (refs: TermRef<T>[]): number[] =>
      refs.flatMap((ref) => [position.get(ref.entry) as number, ref.index]);
    const paths: string[][] = [];
    const pathOf = new Map<PathSlot, number>();
    const store = (node: TrieNode<T>): StoredNode => {
      const refs = node.refs === undefined ? [] : Array.isArray(node.refs) ? node.refs : [node.refs];
      const edges = (node.edges ?? []).map((edge): StoredEdge => {
        let path = pathOf.get(edge.slot);
        if (path === undefined) {
          path = paths.push(edge.slot.keys) - 1;
          pathOf.set(edge.slot, path);
        }
        const children = edge.children
          ? [...edge.children]
          : [[edge.value, edge.child as TrieNode<T>] as const];
        return [path, children.map(([value]) => value), children.map(([, child]) => store(child))];
      });
      return [refs.length > 0 ? pairs(refs) : 0, edges.length > 0 ? edges : 0];
    };
    const root = store(this.root);
    return {
      format: SNAPSHOT_FORMAT,
      filing: FILING_FORMAT,
      ids: entries.map((entry) => entry.id),
      patterns,
      ends,
      terms: entries.map((entry) => entry.terms.length),
      paths,
      fallback: pairs(this.fallback),
      root,
    };
  }

  /**
   * An index as `snapshot` described it, loaded without any work per pattern (decision 0082): a
   * trie node is made from the snapshot when a match first reaches it, and a pattern's entry (and
   * its value, from `valueFor`) when a match first reaches one of its nodes. Changing the index
   * (`add`, `addFiled`, `remove`), or asking `has`, makes the rest at once. Throws ValidationError
   * when the value is not a snapshot this release can load.
   */
  static fromSnapshot<T>(
    snapshot: unknown,
    valueFor: (id: string, position: number) => T,
    onMisfiled?: (id: string, problem: Error | undefined) => void,
  ): PatternIndex<T> {
    if (!isIndexSnapshot(snapshot, FILING_FORMAT)) {
      throw new ValidationError('not an index snapshot this release can load', [
        { path: '', message: `must be an index snapshot of format ${SNAPSHOT_FORMAT}` },
      ]);
    }
    const index = new PatternIndex<T>(onMisfiled);
    const slots = snapshot.paths.map((keys) => keys.reduce(slotBelow, index.paths));
    index.loaded = { snapshot, valueFor, slots, entries: new Array(snapshot.ids.length) };
    index.seq = snapshot.ids.length;
    index.root.stored = snapshot.root;
    const { fallback } = snapshot;
    for (let k = 0; k < fallback.length; k += 2) {
      const ref = index.storedTerm(fallback[k], fallback[k + 1]);
      ref.entry.fallback = true;
      index.fallback.push(ref);
    }
    return index;
  }

  /** The alternative `term` of the pattern at `position` in the snapshot, its entry made on first use. */
  private storedTerm(position: unknown, term: unknown): TermRef<T> {
    const loaded = this.loaded as Loaded<T>;
    if (typeof position !== 'number' || typeof term !== 'number') throw malformed('an alternative');
    const entry = loaded.entries[position] ?? this.storedEntry(loaded, position);
    const ref = entry.terms[term];
    if (ref === undefined) throw malformed(`alternative ${term} of pattern ${entry.id}`);
    return ref;
  }

  private storedEntry(loaded: Loaded<T>, position: number): Entry<T> {
    const { ids, ends, terms, patterns } = loaded.snapshot;
    const id = ids[position];
    const count = terms[position];
    if (typeof id !== 'string' || typeof count !== 'number' || count < 1)
      throw malformed(`pattern ${position}`);
    const entry: Entry<T> = {
      id,
      value: loaded.valueFor(id, position),
      seq: position + 1,
      stamp: 0,
      pattern: patterns.slice(position === 0 ? 0 : ends[position - 1], ends[position]),
      terms: new Array<TermRef<T>>(count),
      fallback: false,
      filed: false,
    };
    for (let t = 0; t < count; t++) entry.terms[t] = newRef(entry, t);
    loaded.entries[position] = entry;
    return entry;
  }

  /** Make a node loaded from a snapshot: the alternatives filed there, and its edges with their children still stored. */
  private hydrate(node: TrieNode<T>): void {
    const stored = node.stored;
    node.stored = undefined;
    if (!isStoredNode(stored)) throw malformed('a trie node');
    const [alternatives, edges] = stored;
    if (alternatives !== 0) {
      for (let k = 0; k < alternatives.length; k += 2) {
        const ref = this.storedTerm(alternatives[k], alternatives[k + 1]);
        node.refs =
          node.refs === undefined ? ref : appended(Array.isArray(node.refs) ? node.refs : [node.refs], ref);
        ref.at = ref.at === undefined ? node : Array.isArray(ref.at) ? [...ref.at, node] : [ref.at, node];
      }
    }
    if (edges !== 0) node.edges = edges.map((edge) => this.storedEdge(node, edge));
  }

  private storedEdge(node: TrieNode<T>, stored: unknown): Edge<T> {
    if (!isStoredEdge(stored)) throw malformed('a trie edge');
    const [path, values, children] = stored;
    const slot = (this.loaded as Loaded<T>).slots[path];
    if (!slot) throw malformed(`path ${path}`);
    const edge: Edge<T> = { slot, value: values[0] as Scalar, child: undefined, children: undefined };
    const nodes = children.map((child, i) => {
      const made = newNode(node, edge, values[i] as Scalar);
      made.stored = child;
      return made;
    });
    if (nodes.length === 1) edge.child = nodes[0];
    else edge.children = new Map(values.map((value, i) => [value, nodes[i] as TrieNode<T>]));
    return edge;
  }

  /** Make whatever of the snapshot the index was loaded from is still stored, before it changes. */
  private materialize(): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const pending = [this.root];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.stored !== undefined) this.hydrate(node);
      for (const edge of node.edges ?? []) {
        if (edge.child) pending.push(edge.child);
        if (edge.children) pending.push(...edge.children.values());
      }
    }
    for (let p = 0; p < loaded.snapshot.ids.length; p++) {
      const { entry } = this.storedTerm(p, 0);
      this.entries.set(entry.id, entry);
    }
    this.loaded = undefined;
  }

  private newEntry(
    id: string,
    pattern: EventPattern | string,
    value: T,
    terms: number,
    filed: boolean,
  ): Entry<T> {
    return {
      id,
      value,
      seq: ++this.seq,
      stamp: 0,
      pattern,
      terms: new Array<TermRef<T>>(terms),
      fallback: false,
      filed,
    };
  }

  /** The children of `nodes` along `slot` for each of the values. */
  private descend(nodes: TrieNode<T>[], slot: PathSlot, values: Scalar[]): TrieNode<T>[] {
    if (values.length === 1) {
      for (let i = 0; i < nodes.length; i++)
        nodes[i] = this.child(nodes[i] as TrieNode<T>, slot, values[0] as Scalar);
      return nodes;
    }
    return nodes.flatMap((n) => values.map((v) => this.child(n, slot, v)));
  }

  /** File alternative `t` of the entry at the trie nodes, or on the fallback list when there are none. */
  private file(entry: Entry<T>, t: number, nodes: TrieNode<T>[] | undefined): void {
    const ref = newRef(entry, t);
    entry.terms[t] = ref;
    if (nodes === undefined) {
      entry.fallback = true;
      this.fallback.push(ref);
      return;
    }
    for (const n of nodes)
      n.refs = n.refs === undefined ? ref : appended(Array.isArray(n.refs) ? n.refs : [n.refs], ref);
    ref.at = nodes.length === 1 ? nodes[0] : nodes;
  }

  /** The path slot of a filed key: every element but the last (its values). */
  private slotOf(key: FiledKey): PathSlot {
    let slot = this.paths;
    for (let i = 0; i < key.length - 1; i++) slot = slotBelow(slot, key[i] as string);
    return slot;
  }

  /** Remove the pattern filed under `id`; tells whether there was one. */
  remove(id: string): boolean {
    this.materialize();
    const entry = this.entries.get(id);
    if (!entry) return false;
    for (const ref of entry.terms) {
      if (ref.at === undefined) continue;
      for (const node of Array.isArray(ref.at) ? ref.at : [ref.at]) this.unlink(node, ref);
    }
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
    if (this.misfiled.length > 0) this.refile();
    if (found.length > 1) found.sort((a, b) => a.seq - b.seq);
    return found.map((entry) => entry.value);
  }

  /**
   * Build the checks of every alternative of the entry from its pattern, spread and keyed exactly as
   * when it was added: the leaves its filing does not prove. Reading the pattern again is cheaper
   * than keeping its parsed form from `add`: measured with 10,000 triggers, keeping it made both the
   * build and this step slower, as the garbage collector copies everything an index holds on to.
   * Returns false, building nothing, when the entry's stored filing is not its pattern's own.
   */
  private prepare(entry: Entry<T>): boolean {
    let terms: Term[];
    try {
      terms = patternTerms(this.patternOf(entry));
    } catch {
      if (entry.filed) return false;
      throw new Error(`pattern ${entry.id} was changed after it was added`);
    }
    if (entry.filed && entry.terms.length !== terms.length) return false;
    const built: FlatCheck[][] = [];
    for (let t = 0; t < terms.length; t++) {
      const flat = flatten(terms[t] as Term, this.paths, this.scratchLeaves);
      const keys = chooseKeys(flat, this.scratchKeys);
      if (entry.filed && !filedAs(entry.terms[t] as TermRef<T>, keys)) {
        flat.length = 0;
        return false;
      }
      const leaves: FlatCheck[] = [];
      for (const leaf of flat) {
        if (keys.includes(leaf)) continue;
        const test = leaf.absent ? anyValue : this.compileTest(leaf.conditions);
        leaves.push({ slot: leaf.slot, absent: leaf.absent, test });
      }
      flat.length = 0;
      built.push(leaves);
    }
    entry.terms.forEach((ref, t) => {
      ref.leaves = built[t];
      ref.check = built[t]?.[0];
    });
    return true;
  }

  /** The entry's pattern, parsed from its text the first time it is needed. */
  private patternOf(entry: Entry<T>): EventPattern {
    if (typeof entry.pattern === 'string') entry.pattern = parsedPattern(entry.pattern);
    return entry.pattern;
  }

  private unlink(node: TrieNode<T>, ref: TermRef<T>): void {
    if (node.refs === ref) {
      node.refs = undefined;
    } else if (Array.isArray(node.refs)) {
      const refs = node.refs;
      const at = refs.indexOf(ref);
      if (at >= 0) {
        refs[at] = refs[refs.length - 1] as TermRef<T>;
        refs.pop();
      }
      if (refs.length === 0) node.refs = undefined;
    }
    this.prune(node);
  }

  /**
   * Decide, from its whole pattern, whether an entry whose stored filing proved wrong matches the
   * event; the entry is filed again from its pattern (or dropped, if the pattern is not valid) once
   * the event is matched.
   */
  private settle(entry: Entry<T>): void {
    if (this.misfiled.includes(entry)) return;
    this.misfiled.push(entry);
    let matches = false;
    try {
      matches = compilePattern(this.patternOf(entry))(this.event);
    } catch {
      return;
    }
    if (matches) {
      entry.stamp = this.epoch;
      this.found.push(entry);
    }
  }

  /** File again, from their patterns, the entries `settle` decided; report and drop those whose pattern is not valid. */
  private refile(): void {
    const entries = this.misfiled;
    this.misfiled = [];
    for (const entry of entries) {
      try {
        this.add(entry.id, this.patternOf(entry), entry.value);
        (this.entries.get(entry.id) as Entry<T>).seq = entry.seq;
        this.onMisfiled?.(entry.id, undefined);
      } catch (problem) {
        this.remove(entry.id);
        this.onMisfiled?.(entry.id, problem instanceof Error ? problem : new Error(String(problem)));
      }
    }
  }

  private compileTest(conditions: Condition[]): ValueTest {
    const key = conditionsKey(conditions);
    let test = this.tests.get(key);
    if (!test) {
      test = compileConditions(conditions);
      this.tests.set(key, test);
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
    if (node.stored !== undefined) this.hydrate(node);
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
    if (ref.leaves === undefined && !this.prepare(ref.entry)) {
      this.settle(ref.entry);
      return;
    }
    let outcome = clean ? runChecks(ref, this.event) : UNSURE;
    if (outcome === UNSURE) {
      ref.node ??= compileTerm(patternTerms(this.patternOf(ref.entry))[ref.index] as Term);
      outcome = matchNode(ref.node, this.event) ? PASS : FAIL;
    }
    if (outcome === PASS) {
      ref.entry.stamp = this.epoch;
      this.found.push(ref.entry);
    }
  }
}

const anyValue: ValueTest = () => true;

/** Alternative `t` of the entry, not filed anywhere yet. */
const newRef = <T>(entry: Entry<T>, t: number): TermRef<T> => ({
  entry,
  shared: entry.terms.length > 1,
  stamp: 0,
  index: t,
  at: undefined,
  check: undefined,
  leaves: undefined,
  node: undefined,
});

const malformed = (what: string): Error => new Error(`index snapshot is malformed at ${what}`);

/**
 * Whether an alternative filed from a stored filing sits where `chooseKeys` would file it: under
 * the same paths, with the same values. Read from the trie: the way up from each node it is filed
 * at names a path and a value per level.
 */
const filedAs = <T>(ref: TermRef<T>, keys: Leaf[]): boolean => {
  if (ref.at === undefined) return keys.length === 0;
  if (!Array.isArray(ref.at)) return filedAtOne(ref.at, keys);
  const wanted = new Map<PathSlot, Set<Scalar>>();
  for (const key of keys) for (const v of keyValues(key)) valuesAt(wanted, key.slot).add(v);
  const found = new Map<PathSlot, Set<Scalar>>();
  const nodes = ref.at === undefined ? [] : Array.isArray(ref.at) ? ref.at : [ref.at];
  for (const node of nodes) {
    for (let n: TrieNode<T> = node; n.up && n.upEdge; n = n.up) valuesAt(found, n.upEdge.slot).add(n.upValue);
  }
  if (found.size !== wanted.size) return false;
  for (const [slot, values] of wanted) {
    const at = found.get(slot);
    if (at?.size !== values.size) return false;
    for (const v of values) if (!at.has(v)) return false;
  }
  return true;
};

/**
 * `filedAs` for an alternative filed at a single node, the common case, without building sets: one
 * level of the way up per key, each the key's path with its one value.
 */
const filedAtOne = <T>(node: TrieNode<T>, keys: Leaf[]): boolean => {
  let levels = 0;
  for (let n: TrieNode<T> = node; n.up && n.upEdge; n = n.up) {
    const slot = n.upEdge.slot;
    const value = n.upValue;
    let proven = false;
    for (const key of keys) if (key.slot === slot && onlyValue(key) === value) proven = true;
    if (!proven) return false;
    levels++;
  }
  return levels === keys.length;
};

/** The one value a key leaf asks for; undefined when it asks for several. */
const onlyValue = (key: Leaf): Scalar | undefined => {
  const only = key.conditions.length === 1 ? key.conditions[0] : undefined;
  if (only?.kind === 'exact') return only.value;
  const values = keyValues(key);
  return values.length === 1 ? values[0] : undefined;
};

const valuesAt = (map: Map<PathSlot, Set<Scalar>>, slot: PathSlot): Set<Scalar> => {
  let values = map.get(slot);
  if (!values) {
    values = new Set();
    map.set(slot, values);
  }
  return values;
};

/** A pattern given as its JSON text, parsed; a pattern object as is. Throws ValidationError on text that is not JSON. */
export const parsedPattern = (pattern: EventPattern | string): EventPattern => {
  if (typeof pattern !== 'string') return pattern;
  try {
    return JSON.parse(pattern) as EventPattern;
  } catch {
    throw new ValidationError('pattern is not valid JSON', [{ path: '', message: 'must be JSON' }]);
  }
};

/** A stored filing, given as is or as its JSON text, when this release can use it; undefined otherwise. */
const usableFiling = (filing: unknown): Filing | undefined => {
  if (typeof filing !== 'string') return isFiling(filing) ? filing : undefined;
  try {
    const parsed: unknown = JSON.parse(filing);
    return isFiling(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A stored filing this release can use: the current format, and the shape `filingOf` gives.
 * Indexed loops, as this runs for every trigger at a cold start, before V8 optimises anything.
 */
const isFiling = (filing: unknown): filing is Filing => {
  if (!Array.isArray(filing) || filing.length < 2 || filing[0] !== FILING_FORMAT) return false;
  for (let t = 1; t < filing.length; t++) {
    const keys: unknown = filing[t];
    if (keys === null) continue;
    if (!Array.isArray(keys) || keys.length === 0) return false;
    for (let k = 0; k < keys.length; k++) if (!isFiledKey(keys[k])) return false;
  }
  return true;
};

const isFiledKey = (key: unknown): boolean => {
  if (!Array.isArray(key) || key.length < 2) return false;
  for (let i = 0; i < key.length - 1; i++) if (typeof key[i] !== 'string') return false;
  const values: unknown = key[key.length - 1];
  if (!Array.isArray(values) || values.length === 0) return false;
  for (let i = 0; i < values.length; i++) {
    const type = typeof values[i];
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && values[i] !== null) return false;
  }
  return true;
};
