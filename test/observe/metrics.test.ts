import { describe, expect, it } from 'vitest';
import { LATENCY_GENERATION_SECONDS, Metrics } from '../../src/observe/metrics.js';
import { SecondSeries } from '../../src/observe/rates.js';

/** A clock the test moves by hand (ms). */
function fakeClock(startMs = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('per-second series', () => {
  it('keeps one value per completed second, zeros for idle seconds, oldest first', () => {
    const s = new SecondSeries(100, 5);
    expect(s.history()).toEqual([]);
    expect(s.rate()).toBe(0);
    s.complete(100, 3);
    s.complete(103, 7); // 101 and 102 were idle
    expect(s.history()).toEqual([3, 0, 0, 7]);
    s.complete(104, 1);
    s.complete(105, 2); // capacity 5: 100 falls out
    expect(s.history()).toEqual([0, 0, 7, 1, 2]);
    expect(s.rate(2)).toBe(1.5);
    s.complete(105, 99); // not monotonic: ignored
    expect(s.history(2)).toEqual([1, 2]);
    s.complete(200, 4); // a gap longer than the history
    expect(s.history()).toEqual([0, 0, 0, 0, 4]);
  });
});

describe('metrics', () => {
  it('counts commits per second into the right seconds and averages the rate', () => {
    const clock = fakeClock();
    const m = new Metrics(clock.now);
    for (let i = 0; i < 10; i++) m.recordCommit(1);
    clock.advance(1000);
    for (let i = 0; i < 30; i++) m.recordCommit(2);
    clock.advance(2000); // one idle second
    const v = m.view();
    expect(v.committedTotal).toBe(40);
    expect(v.history.committedPerSecond).toEqual([10, 30, 0]);
    expect(v.committedPerSecond).toBeCloseTo(40 / 3);
    expect(v.commitLatencyMs.count).toBe(40);
    expect(v.commitLatencyMs.p50).toBeGreaterThanOrEqual(2);
    expect(v.commitLatencyMs.p50).toBeLessThan(2.2);
  });

  it('tracks reads, writes and rollbacks', () => {
    const clock = fakeClock();
    const m = new Metrics(clock.now);
    m.recordQuery(1, { write: false });
    m.recordQuery(1, { write: true });
    m.recordReads(4);
    m.recordWrites(12);
    m.recordRollback();
    clock.advance(1000);
    const v = m.view();
    expect(v.readsTotal).toBe(5);
    expect(v.writesTotal).toBe(12);
    expect(v.rolledBackTotal).toBe(1);
    expect(v.history.readsPerSecond).toEqual([5]);
    expect(v.history.writesPerSecond).toEqual([12]);
    expect(v.queryLatencyMs.count).toBe(2);
  });

  it('keeps five minutes of history at most', () => {
    const clock = fakeClock();
    const m = new Metrics(clock.now);
    for (let s = 0; s < 400; s++) {
      m.recordCommit(1);
      clock.advance(1000);
    }
    const v = m.view();
    expect(v.history.committedPerSecond).toHaveLength(300);
    expect(v.history.committedPerSecond.every((x) => x === 1)).toBe(true);
    expect(v.committedPerSecond).toBe(1);
  });

  it('windows latency percentiles (30..60 s) while the cumulative histogram keeps everything', () => {
    const clock = fakeClock(0);
    const m = new Metrics(clock.now);
    for (let i = 0; i < 100; i++) m.recordCommit(500); // a slow minute...
    clock.advance(3 * LATENCY_GENERATION_SECONDS * 1000);
    for (let i = 0; i < 100; i++) m.recordCommit(1); // ...long ago
    const v = m.view();
    expect(v.commitLatencyMs.count).toBe(100);
    expect(v.commitLatencyMs.max).toBe(1);
    expect(v.commitHistogram.count).toBe(200);
    expect(v.commitHistogram.maxMs).toBe(500);
  });

  it('calls the slow-operation callback above the threshold only', () => {
    const m = new Metrics(fakeClock().now, 100);
    const slow: [string, number][] = [];
    m.onSlowOperation = (kind, ms) => slow.push([kind, ms]);
    m.recordCommit(50);
    m.recordCommit(150);
    m.recordQuery(101, { write: false });
    m.recordSync(99);
    expect(slow).toEqual([
      ['commit', 150],
      ['query', 101],
    ]);
  });

  it('computes the cache hit rate over the window from cumulative counters', () => {
    const clock = fakeClock();
    const m = new Metrics(clock.now);
    expect(m.sampleCache(0, 0).hitRate).toBeNull();
    expect(m.sampleCache(90, 10)).toEqual({ hitRate: 0.9, lookups: 100 });
    clock.advance(30_000);
    expect(m.sampleCache(100, 100).hitRate).toBeCloseTo(0.5); // since the first sample (0, 0)
    clock.advance(40_000);
    // The first sample left the 60 s window: from (100, 100) to now, 10 hits and 90 misses.
    expect(m.sampleCache(110, 190)).toEqual({ hitRate: expect.closeTo(0.1), lookups: 100 });
    clock.advance(120_000);
    m.sampleCache(110, 190);
    clock.advance(1000);
    expect(m.sampleCache(100, 100).hitRate).toBeNull(); // no lookups in the window
  });
});
