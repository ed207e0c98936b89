/** An EventBridge event pattern, e.g. `{ "detail-type": ["order.placed"], "detail": { "total": [{ "numeric": [">", 100] }] } }`. */
export type EventPattern = Record<string, unknown>;

/** A compiled pattern: tells whether an event (already parsed from JSON) matches. */
export type Matcher = (event: unknown) => boolean;

/** A JSON leaf value. */
export type Scalar = string | number | boolean | null;

/** A wildcard text split at its unescaped `*`: `"a*b\\*c"` becomes `["a", "b*c"]`. */
export interface Wildcard {
  segments: string[];
}

/** A numeric interval; an open side is `-Infinity` / `Infinity`. */
export interface NumericRange {
  min: number;
  minInclusive: boolean;
  max: number;
  maxInclusive: boolean;
}

/** An IPv4 or IPv6 block: the first `bits` bits of `address` are fixed. */
export interface CidrBlock {
  address: Uint8Array;
  bits: number;
}

export type AnythingBut =
  | { kind: 'strings'; values: string[] }
  | { kind: 'numbers'; values: number[] }
  | { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; values: string[] }
  | { kind: 'wildcard'; values: Wildcard[] };

/** One entry of a field's value list; the list is an OR of its conditions. */
export type Condition =
  | { kind: 'exact'; value: Scalar }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; value: Wildcard }
  | { kind: 'numeric'; range: NumericRange }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; block: CidrBlock }
  | { kind: 'anything-but'; value: AnythingBut };

/**
 * A checked pattern object. Its leaves are already sorted into present and absent fields, and its
 * fields into checking order, so that a pattern without `$or` and without a value list that mixes
 * `{"exists": false}` with other conditions is its own single alternative (a `Term`).
 */
export interface PatternObject {
  fields: PatternField[];
  or: PatternObject[] | undefined;
  /** Whether some field asks for a value to be present (see `Term`). */
  positive: boolean;
  /** How many alternatives the object spreads into. */
  alternatives: number;
}

export type PatternField =
  | { key: string; kind: 'object'; term: PatternObject }
  | { key: string; kind: 'present'; conditions: Condition[] }
  | { key: string; kind: 'absent' }
  /** A value list mixing `{"exists": false}` with other conditions: absent, or present with one of `conditions`. */
  | { key: string; kind: 'either'; conditions: Condition[] };
