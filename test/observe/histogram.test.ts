import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketIndex, bucketUpperBoundUs, LatencyHistogram, PROMETHEUS_BOUNDS_US } from '../../src/observe/histogram.js';
import { testSeed } from '../support/rng.js';

describe('latency histogram', () => {
  it('maps every microsecond value to a bucket whose bounds contain it', () => {
    const check = (us: number): void => {
      const i = bucketIndex(us);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(BUCKET_COUNT);
      expect(us).toBeLessThan(bucketUpperBoundUs(i));
      if (i > 0) expect(us).toBeGreaterThanOrEqual(bucketUpperBoundUs(i - 1));
    };
    for (let us = 0; us < 5000; us++) check(us);
    for (let k = 4; k <= 30; k++) for (const d of [-1, 0, 1]) check(2 ** k + d);
    check(0x7fffffff);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (us) => check(us)), { seed: testSeed() });
  });

  it('bucket widths stay within 1/16 of the value (percentile error ≤ 6.25 %)', () => {
    for (let i = 17; i < BUCKET_COUNT; i++) {
      const lower = bucketUpperBoundUs(i - 1);
      expect((bucketUpperBoundUs(i) - lower) / lower).toBeLessThanOrEqual(1 / 16);
    }
  });

  it('reads percentiles close to the exact ones', () => {
    const seed = testSeed();
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 400 }), (values) => {
        const h = new LatencyHistogram();
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [0.5, 0.95, 0.99]) {
          const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
          const got = h.percentile(q);
          expect(got).toBeGreaterThanOrEqual(exact - 1e-9);
          expect(got).toBeLessThanOrEqual(Math.max(exact * (1 + 1 / 16), exact + 0.001) + 1e-9);
        }
        expect(h.summary().max).toBe(sorted[sorted.length - 1]);
        expect(h.count).toBe(values.length);
      }),
      { seed },
    );
  });

  it('is empty-safe and counts zero, negative and huge durations', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    h.record(0);
    h.record(-5);
    h.record(Number.NaN);
    h.record(10 * 3600_000);
    expect(h.count).toBe(4);
    expect(h.maxMs).toBe(10 * 3600_000);
    expect(h.percentile(1)).toBe(10 * 3600_000);
    expect(h.percentile(0.5)).toBeLessThanOrEqual(0.001);
  });

  it('exports exact cumulative counts at the power-of-two bounds, le inclusive', () => {
    const h = new LatencyHistogram();
    // 32 µs exactly belongs to le=0.032 ms; 32.001 µs does not.
    h.record(0.032);
    h.record(0.032001);
    h.record(1);
    h.record(100_000);
    const data = h.export();
    expect(data.boundsMs).toEqual(PROMETHEUS_BOUNDS_US.map((us) => us / 1000));
    expect(data.cumulativeCounts[0]).toBe(1); // le 32 µs
    expect(data.cumulativeCounts[1]).toBe(2); // le 64 µs
    const le1024 = PROMETHEUS_BOUNDS_US.indexOf(1024);
    expect(data.cumulativeCounts[le1024]).toBe(3); // 1 ms ≤ 1.024 ms
    expect(data.cumulativeCounts[data.cumulativeCounts.length - 1]).toBe(3); // 100 s is above the last bound
    expect(data.count).toBe(4);
    expect(data.sumMs).toBeCloseTo(0.032 + 0.032001 + 1 + 100_000, 6);
    for (let i = 1; i < data.cumulativeCounts.length; i++) expect(data.cumulativeCounts[i]).toBeGreaterThanOrEqual(data.cumulativeCounts[i - 1]!);
  });
});
