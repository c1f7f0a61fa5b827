// A log-bucketed latency histogram, cheap enough for the commit path.
//
// BUCKETS. A duration of x µs (x = ms × 1000) is filed under the whole number
// v = ⌈x⌉ − 1 (0 for x ≤ 0), clamped to 0..MAX_US, so x ∈ (v, v + 1]: upper bounds are
// inclusive, like Prometheus `le`.
//
//   index      v in                                        x in (µs)
//   0..15      [i, i + 1)                                  (i, i + 1]       1 µs wide
//   16..447    octave e = 4..30 split into 16 sub-buckets  width 2^(e-4) µs
//              index = 16 × (e − 3) + sub, sub = bits e-1..e-4 of v
//              v in [(16 + sub) × 2^(e-4), (17 + sub) × 2^(e-4))
//
// Every power of two of microseconds is a bucket boundary (sub = 0 starts an octave), and
// a bucket's width is at most 1/16 of its lower bound: a percentile read from the bucket's
// upper bound is at most 6.25 % high. The Prometheus exporter publishes cumulative counts
// at powers of two (PROMETHEUS_BOUNDS_US), which are therefore exact, not interpolated.
//
// Invariants:
//  (H1) count = Σ counts[i]; sumMs and maxMs cover exactly the values counted.
//  (H2) record() does no allocation and no clock read: a few integer operations and
//       three stores (the commit path calls it).

import type { HistogramData, LatencySummary } from './snapshot.js';

export type { HistogramData } from './snapshot.js';

const SUB_BITS = 4;
const SUB_BUCKETS = 1 << SUB_BITS; // 16
/** Largest value kept exactly (2^31 − 1 µs ≈ 35.8 minutes); longer ones land in the last bucket. */
const MAX_US = 0x7fffffff;
const MAX_MS = MAX_US / 1000;
export const BUCKET_COUNT = SUB_BUCKETS * (31 - SUB_BITS + 1); // 448

/** Bucket of a whole number of microseconds (0 ≤ us ≤ MAX_US). */
export function bucketIndex(us: number): number {
  if (us < SUB_BUCKETS) return us;
  const e = 31 - Math.clz32(us);
  return ((e - SUB_BITS + 1) << SUB_BITS) + ((us >>> (e - SUB_BITS)) & (SUB_BUCKETS - 1));
}

/** Exclusive upper bound of a bucket, in microseconds. */
export function bucketUpperBoundUs(index: number): number {
  if (index < SUB_BUCKETS) return index + 1;
  const e = (index >> SUB_BITS) + SUB_BITS - 1;
  const sub = index & (SUB_BUCKETS - 1);
  return (SUB_BUCKETS + 1 + sub) * 2 ** (e - SUB_BITS);
}

/** Index of the first bucket whose values are ≥ 2^k µs (k ≥ 4): a power of two starts an octave. */
function firstBucketAtOrAbovePowerOfTwo(k: number): number {
  return (k - SUB_BITS + 1) << SUB_BITS;
}

/** Prometheus `le` bounds: 2^5 µs (32 µs) … 2^25 µs (≈ 33.6 s), every power of two (exact, see header). */
export const PROMETHEUS_BOUNDS_US: readonly number[] = Array.from({ length: 21 }, (_, i) => 2 ** (i + 5));

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  count = 0;
  sumMs = 0;
  maxMs = 0;

  /** Record one duration in milliseconds (H2). Negative or NaN durations count as 0. */
  record(ms: number): void {
    const us = ms > 0 ? (ms < MAX_MS ? Math.ceil(ms * 1000) - 1 : MAX_US) : 0;
    this.counts[bucketIndex(us)]++;
    this.count++;
    if (ms > 0) {
      this.sumMs += ms;
      if (ms > this.maxMs) this.maxMs = ms;
    }
  }

  /** Add another histogram's values into this one. */
  add(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  clear(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  /**
   * The value at quantile q (0 < q ≤ 1): the upper bound of the bucket holding the
   * ⌈q × count⌉-th value, capped at the largest value seen. 0 when empty.
   */
  percentile(q: number): number {
    return percentileOf([this], q);
  }

  summary(): LatencySummary {
    return summarize([this]);
  }

  /** Cumulative counts at the Prometheus bounds (exact: the bounds are bucket boundaries). */
  export(): HistogramData {
    const cumulativeCounts: number[] = [];
    let running = 0;
    let next = 0;
    for (const boundUs of PROMETHEUS_BOUNDS_US) {
      // x ≤ 2^k µs ⇔ v ≤ 2^k − 1 ⇔ the bucket lies below the octave that starts at 2^k.
      const end = firstBucketAtOrAbovePowerOfTwo(Math.log2(boundUs));
      while (next < end) running += this.counts[next++]!;
      cumulativeCounts.push(running);
    }
    return {
      count: this.count,
      sumMs: this.sumMs,
      maxMs: this.maxMs,
      boundsMs: PROMETHEUS_BOUNDS_US.map((us) => us / 1000),
      cumulativeCounts,
    };
  }
}

/** Percentile over the union of several histograms (a rotating window merges two). */
export function percentileOf(parts: readonly LatencyHistogram[], q: number): number {
  let count = 0;
  let maxMs = 0;
  for (const part of parts) {
    count += part.count;
    if (part.maxMs > maxMs) maxMs = part.maxMs;
  }
  if (count === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    for (const part of parts) seen += part.counts[i]!;
    // The last bucket also holds every clamped value: only the true maximum bounds it.
    if (seen >= rank) return i === BUCKET_COUNT - 1 ? maxMs : Math.min(bucketUpperBoundUs(i) / 1000, maxMs);
  }
  return maxMs;
}

export function summarize(parts: readonly LatencyHistogram[]): LatencySummary {
  let count = 0;
  let maxMs = 0;
  for (const part of parts) {
    count += part.count;
    if (part.maxMs > maxMs) maxMs = part.maxMs;
  }
  return {
    count,
    p50: percentileOf(parts, 0.5),
    p95: percentileOf(parts, 0.95),
    p99: percentileOf(parts, 0.99),
    max: maxMs,
  };
}
