import type { Scalar } from './types.js';

/**
 * The layout of `IndexSnapshot`. Raise it whenever the layout changes; an index refuses a
 * snapshot of another format (and one whose filings are of another `FILING_FORMAT`).
 */
export const SNAPSHOT_FORMAT = 1;

/**
 * A trie node as stored: the alternatives filed there, as pairs of numbers (the pattern's position
 * in `ids`, then which of its alternatives), and its edges; 0 for none.
 */
export type StoredNode = [alternatives: number[] | 0, edges: StoredEdge[] | 0];

/** The values of one path below a node (the path's position in `paths`), and the child for each. */
export type StoredEdge = [path: number, values: Scalar[], children: StoredNode[]];

/**
 * A whole index as plain data, for `PatternIndex.fromSnapshot` (decision 0082): made once, from an
 * index that parsed and filed every pattern, and loaded with a single `JSON.parse` and no work per
 * pattern. Numbers, strings and arrays only: `JSON.parse` builds those fastest, and without a
 * hidden class per trie node.
 */
export interface IndexSnapshot {
  format: number;
  /** The `FILING_FORMAT` of the rule that filed the patterns. */
  filing: number;
  /** The patterns' ids, in the order they were added (their order in match results). */
  ids: string[];
  /** Every pattern's JSON text, one after the other: one string for the garbage collector, not one per pattern. */
  patterns: string;
  /** Where each pattern's text ends in `patterns`. */
  ends: number[];
  /** How many alternatives each pattern spreads into. */
  terms: number[];
  /** The event paths the edges follow. */
  paths: string[][];
  /** The alternatives checked for every event, as pairs like a node's. */
  fallback: number[];
  root: StoredNode;
}

const isArray = Array.isArray;

/**
 * Whether the value has the shape of a snapshot this release can load. The nodes are checked when
 * they are first reached.
 */
export const isIndexSnapshot = (value: unknown, filingFormat: number): value is IndexSnapshot => {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Record<keyof IndexSnapshot, unknown>>;
  return (
    s.format === SNAPSHOT_FORMAT &&
    s.filing === filingFormat &&
    isArray(s.ids) &&
    typeof s.patterns === 'string' &&
    isArray(s.ends) &&
    isArray(s.terms) &&
    s.ends.length === s.ids.length &&
    s.terms.length === s.ids.length &&
    isArray(s.paths) &&
    isArray(s.fallback) &&
    isStoredNode(s.root)
  );
};

export const isStoredNode = (node: unknown): node is StoredNode =>
  isArray(node) &&
  node.length === 2 &&
  (node[0] === 0 || isArray(node[0])) &&
  (node[1] === 0 || isArray(node[1]));

export const isStoredEdge = (edge: unknown): edge is StoredEdge =>
  isArray(edge) &&
  edge.length === 3 &&
  typeof edge[0] === 'number' &&
  isArray(edge[1]) &&
  isArray(edge[2]) &&
  edge[1].length > 0 &&
  edge[1].length === edge[2].length;
