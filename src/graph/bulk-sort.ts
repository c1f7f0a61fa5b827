// Helpers of the bulk builder (bulk-build.ts): growable number columns and the sort that puts
// relationships into adjacency key order without building a key per comparison.
//
// Adjacency keys are tuples of ordered varints (adjacency.ts), whose byte order is the numeric
// order of the tuple, so sorting the numbers sorts the keys. The sort is LSD: relationships are
// kept in ascending id order, then stably sorted by the other node, then by type, then by the
// node, giving (node, type, other, relationship id) order. Each pass is a counting sort, O(n +
// range), when the range of its column is small next to n (node ids of a bulk load are dense);
// otherwise one comparison sort of the index array does the same job in O(n log n).

/** A growable column of doubles (ids up to 2^53 − 1 are exact). */
export class NumberList {
  data: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  /** The values as a typed array view (valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Largest value of a column (−1 when empty). */
export function maxOf(column: ArrayLike<number>, n: number): number {
  let max = -1;
  for (let i = 0; i < n; i++) if (column[i]! > max) max = column[i]!;
  return max;
}

/** A counting sort pass is used when the column's range is at most this many times n (plus a floor). */
const COUNTING_RANGE_FACTOR = 8;
const COUNTING_RANGE_FLOOR = 1 << 16;

/** Stable counting sort of `order` by `column[order[i]]` (values in 0..max) into `out`. */
function countingPass(order: Uint32Array, column: ArrayLike<number>, max: number, out: Uint32Array): void {
  const n = order.length;
  const counts = new Uint32Array(max + 2);
  for (let i = 0; i < n; i++) counts[column[order[i]!]! + 1]!++;
  for (let v = 1; v < counts.length; v++) counts[v]! += counts[v - 1]!;
  for (let i = 0; i < n; i++) {
    const idx = order[i]!;
    out[counts[column[idx]!]!++] = idx;
  }
}

/**
 * The permutation of 0..n−1 that orders entries by (primary, type, secondary, id), where the
 * input order is ascending id (relationships are added by id). Cost: O(n + range) per column
 * with counting passes, else O(n log n).
 */
export function adjacencyOrder(n: number, primary: Float64Array, type: Float64Array, secondary: Float64Array): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const maxPrimary = maxOf(primary, n);
  const maxSecondary = maxOf(secondary, n);
  const maxType = maxOf(type, n);
  const limit = Math.max(COUNTING_RANGE_FLOOR, COUNTING_RANGE_FACTOR * n);
  if (maxPrimary < limit && maxSecondary < limit && maxType < limit) {
    let spare = new Uint32Array(n);
    for (const [column, max] of [
      [secondary, maxSecondary],
      [type, maxType],
      [primary, maxPrimary],
    ] as const) {
      countingPass(order, column, max, spare);
      const t = order;
      order = spare;
      spare = t;
    }
    return order;
  }
  order.sort((a, b) => primary[a]! - primary[b]! || type[a]! - type[b]! || secondary[a]! - secondary[b]! || a - b);
  return order;
}
