import type { PathSlot } from './keys.js';
import type { TermRef } from './pattern-index.js';
import type { StoredNode } from './snapshot.js';
import type { Scalar } from './types.js';

/** The values of one path below a node: a single child inline, a map once there are more. */
export interface Edge<T> {
  slot: PathSlot;
  value: Scalar;
  child: TrieNode<T> | undefined;
  children: Map<Scalar, TrieNode<T>> | undefined;
}

export interface TrieNode<T> {
  /** The terms filed here: one inline, or a list. */
  refs: TermRef<T> | TermRef<T>[] | undefined;
  edges: Edge<T>[] | undefined;
  stamp: number;
  up: TrieNode<T> | undefined;
  upEdge: Edge<T> | undefined;
  upValue: Scalar;
  /**
   * What an index loaded from a snapshot holds here and below, as stored: turned into terms and
   * edges when a match or a change first reaches the node; undefined once it has.
   */
  stored: StoredNode | undefined;
}

export const newNode = <T>(
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
  stored: undefined,
});

/** Add to a list; short lists are copied at their exact size, as most trie nodes hold one or two items. */
export const appended = <I>(list: I[] | undefined, item: I): I[] => {
  if (!list) return [item];
  if (list.length < 8) return [...list, item];
  list.push(item);
  return list;
};

/** The child for `value` along the edge, if any. */
export const childOf = <T>(edge: Edge<T>, value: Scalar): TrieNode<T> | undefined =>
  edge.children ? edge.children.get(value) : edge.value === value ? edge.child : undefined;
