/**
 * Deterministic "randomness" for splits and holdouts: a number in [0, 1) from a hash of a key.
 * The same key always draws the same number, so a replayed event or a retried wake-up takes the
 * same branch, and a customer stays in (or out of) a journey's holdout group.
 */
export type Draw = (key: string) => number;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so near-equal keys spread evenly. */
export const hashDraw: Draw = (key) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
};

/** The branch a draw in [0, 1) falls into, for branches with percentages summing to 100. */
export const pickByPercent = <T extends { percent: number }>(
  branches: readonly T[],
  draw: number,
): T | undefined => {
  const point = draw * 100;
  let upper = 0;
  let last: T | undefined;
  for (const branch of branches) {
    upper += branch.percent;
    if (branch.percent > 0) last = branch;
    if (point < upper) return branch;
  }
  // Rounding in the sum (e.g. 33.33 × 3) leaves a sliver at the top: it goes to the last branch.
  return last;
};

/** Whether a customer belongs to a journey's holdout group of `percent` percent. */
export const inHoldout = (
  journeyId: string,
  customerId: string,
  percent: number,
  draw: Draw = hashDraw,
): boolean => draw(`holdout/${journeyId}/${customerId}`) * 100 < percent;
