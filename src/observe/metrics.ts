// The metrics registry of one open database: counters, per-second rates with five minutes
// of history, and latency histograms (commit, query, WAL sync).
//
// COST. The commit path calls recordCommit() once per commit (and recordSync() once per
// WAL sync): one monotonic clock read (performance.now, no Date object; ~25 ns on bare
// metal, ~100 ns on some VMs), a compare, a few increments and a histogram record
// (histogram.ts H2): no allocation. bench/metrics-overhead.ts measures it against commits. Everything else — folding a finished second into
// the history, rotating the latency window, percentiles — happens at most once per second
// (lazily, on the first event of a new second) or when a snapshot is taken.
//
// WINDOWS
//   rates           mean per second over the last RATE_WINDOW_SECONDS completed seconds
//   history         one value per completed second, the last HISTORY_SECONDS seconds
//   latency (p50…)  the current and the previous LATENCY_GENERATION_SECONDS generation,
//                   i.e. the last 30..60 s; cumulative data since open goes to Prometheus
//   cache hit rate  hits / lookups between the oldest snapshot sample in the last
//                   CACHE_WINDOW_SECONDS and now (pager counters, sampled by snapshots)
//
// Invariants:
//  (M1) Totals only grow; `…Total` counts every event since the metrics were created.
//  (M2) An event is counted in exactly one second of the history: the second of the clock
//       reading taken when it was recorded.
//  (M3) cumulative latency = retired + previous + current generation, for each histogram.

import { LatencyHistogram, summarize, type HistogramData } from './histogram.js';
import { SecondSeries, HISTORY_SECONDS, RATE_WINDOW_SECONDS } from './rates.js';
import type { LatencySummary } from './snapshot.js';

export const LATENCY_GENERATION_SECONDS = 30;
export const CACHE_WINDOW_SECONDS = 60;

/** Milliseconds on a monotonic clock (tests pass a fake one). */
export type MonotonicClock = () => number;

export const monotonicClock: MonotonicClock = () => performance.now();

export type SlowOperationKind = 'commit' | 'query' | 'sync' | 'checkpoint';

/** A latency histogram with a rotating recent window and a cumulative total (M3). */
export class RollingLatency {
  current = new LatencyHistogram();
  private previous = new LatencyHistogram();
  private readonly retired = new LatencyHistogram();
  private generation: number;

  constructor(second: number) {
    this.generation = Math.floor(second / LATENCY_GENERATION_SECONDS);
  }

  /** Called when the clock enters a new second (not per event). */
  rotateTo(second: number): void {
    const generation = Math.floor(second / LATENCY_GENERATION_SECONDS);
    if (generation === this.generation) return;
    this.retired.add(this.previous);
    if (generation === this.generation + 1) {
      const recycled = this.previous;
      this.previous = this.current;
      recycled.clear();
      this.current = recycled;
    } else {
      // More than a whole generation passed without events: the window is empty.
      this.retired.add(this.current);
      this.previous.clear();
      this.current.clear();
    }
    this.generation = generation;
  }

  /** p50/p95/p99/max over the recent window (30..60 s). */
  recent(): LatencySummary {
    return summarize([this.previous, this.current]);
  }

  /** Everything since open, as the exporters publish it. */
  cumulative(): HistogramData {
    const all = new LatencyHistogram();
    all.add(this.retired);
    all.add(this.previous);
    all.add(this.current);
    return all.export();
  }
}

/** What the observer reads out of the metrics for a snapshot. */
export interface MetricsView {
  committedTotal: number;
  rolledBackTotal: number;
  readsTotal: number;
  writesTotal: number;
  committedPerSecond: number;
  rolledBackPerSecond: number;
  readsPerSecond: number;
  writesPerSecond: number;
  history: { committedPerSecond: number[]; readsPerSecond: number[]; writesPerSecond: number[] };
  commitLatencyMs: LatencySummary;
  queryLatencyMs: LatencySummary;
  syncLatencyMs: LatencySummary;
  commitHistogram: HistogramData;
  queryHistogram: HistogramData;
  syncHistogram: HistogramData;
  syncsTotal: number;
  checkpointsTotal: number;
  lastCheckpointDurationMs: number | null;
  corruptionErrorsTotal: number;
  ioErrorsTotal: number;
}

export class Metrics {
  committedTotal = 0;
  rolledBackTotal = 0;
  readsTotal = 0;
  writesTotal = 0;
  syncsTotal = 0;
  checkpointsTotal = 0;
  lastCheckpointDurationMs: number | null = null;
  corruptionErrorsTotal = 0;
  ioErrorsTotal = 0;
  /** Operations slower than this call onSlowOperation (live: configure). */
  slowOperationMs: number;
  onSlowOperation: ((kind: SlowOperationKind, ms: number) => void) | null = null;

  readonly startMs: number;
  private second: number;
  private pendingCommitted = 0;
  private pendingRolledBack = 0;
  private pendingReads = 0;
  private pendingWrites = 0;
  private readonly committed: SecondSeries;
  private readonly rolledBack: SecondSeries;
  private readonly reads: SecondSeries;
  private readonly writes: SecondSeries;
  readonly commitLatency: RollingLatency;
  readonly queryLatency: RollingLatency;
  readonly syncLatency: RollingLatency;
  /** Pager cache counters sampled by snapshots, one per second at most, oldest first. */
  private readonly cacheSamples: { second: number; hits: number; misses: number }[] = [];

  constructor(
    private readonly clock: MonotonicClock = monotonicClock,
    slowOperationMs = 100,
  ) {
    this.slowOperationMs = slowOperationMs;
    this.startMs = clock();
    this.second = Math.floor(this.startMs / 1000);
    this.committed = new SecondSeries(this.second, HISTORY_SECONDS);
    this.rolledBack = new SecondSeries(this.second, HISTORY_SECONDS);
    this.reads = new SecondSeries(this.second, HISTORY_SECONDS);
    this.writes = new SecondSeries(this.second, HISTORY_SECONDS);
    this.commitLatency = new RollingLatency(this.second);
    this.queryLatency = new RollingLatency(this.second);
    this.syncLatency = new RollingLatency(this.second);
  }

  // ── hot path ─────────────────────────────────────────────────────────────

  /** A durable commit and its latency (PagerHooks.onCommit). */
  recordCommit(latencyMs: number): void {
    this.tick();
    this.pendingCommitted++;
    this.committedTotal++;
    this.commitLatency.current.record(latencyMs);
    if (latencyMs > this.slowOperationMs && this.onSlowOperation !== null) this.onSlowOperation('commit', latencyMs);
  }

  recordRollback(): void {
    this.tick();
    this.pendingRolledBack++;
    this.rolledBackTotal++;
  }

  /** A finished statement. Read statements count towards reads per second. */
  recordQuery(latencyMs: number, options: { write: boolean }): void {
    this.tick();
    if (!options.write) {
      this.pendingReads++;
      this.readsTotal++;
    }
    this.queryLatency.current.record(latencyMs);
    if (latencyMs > this.slowOperationMs && this.onSlowOperation !== null) this.onSlowOperation('query', latencyMs);
  }

  /** Reads outside the query layer (API lookups, read transactions), n at a time. */
  recordReads(n = 1): void {
    this.tick();
    this.pendingReads += n;
    this.readsTotal += n;
  }

  /** Entities (nodes, relationships, property sets) written by a statement. */
  recordWrites(n: number): void {
    this.tick();
    this.pendingWrites += n;
    this.writesTotal += n;
  }

  /** A WAL sync. No clock read: syncs only come with commits, whose tick rotates the window. */
  recordSync(durationMs: number): void {
    this.syncsTotal++;
    this.syncLatency.current.record(durationMs);
    if (durationMs > this.slowOperationMs && this.onSlowOperation !== null) this.onSlowOperation('sync', durationMs);
  }

  // ── rare events ──────────────────────────────────────────────────────────

  recordCheckpoint(durationMs: number): void {
    this.checkpointsTotal++;
    this.lastCheckpointDurationMs = durationMs;
  }

  recordCorruption(): void {
    this.corruptionErrorsTotal++;
  }

  recordIoError(): void {
    this.ioErrorsTotal++;
  }

  // ── reading ──────────────────────────────────────────────────────────────

  /** Seconds since the metrics were created. */
  uptimeSeconds(): number {
    return (this.clock() - this.startMs) / 1000;
  }

  /**
   * Hit rate of the page cache over the window, from cumulative pager counters sampled now
   * (call once per snapshot). Null when there was no lookup in the window.
   */
  sampleCache(hits: number, misses: number): { hitRate: number | null; lookups: number } {
    const second = Math.floor(this.clock() / 1000);
    const samples = this.cacheSamples;
    while (samples.length > 0 && samples[0]!.second < second - CACHE_WINDOW_SECONDS) samples.shift();
    // No sample in the window yet: the pager's counters started at 0 when it opened, with us.
    const base = samples[0] ?? { second: 0, hits: 0, misses: 0 };
    if (samples.length === 0 || samples[samples.length - 1]!.second !== second) samples.push({ second, hits, misses });
    const windowHits = hits - base.hits;
    const lookups = windowHits + misses - base.misses;
    return { hitRate: lookups > 0 ? windowHits / lookups : null, lookups };
  }

  view(): MetricsView {
    this.tick();
    return {
      committedTotal: this.committedTotal,
      rolledBackTotal: this.rolledBackTotal,
      readsTotal: this.readsTotal,
      writesTotal: this.writesTotal,
      committedPerSecond: this.committed.rate(RATE_WINDOW_SECONDS),
      rolledBackPerSecond: this.rolledBack.rate(RATE_WINDOW_SECONDS),
      readsPerSecond: this.reads.rate(RATE_WINDOW_SECONDS),
      writesPerSecond: this.writes.rate(RATE_WINDOW_SECONDS),
      history: {
        committedPerSecond: this.committed.history(),
        readsPerSecond: this.reads.history(),
        writesPerSecond: this.writes.history(),
      },
      commitLatencyMs: this.commitLatency.recent(),
      queryLatencyMs: this.queryLatency.recent(),
      syncLatencyMs: this.syncLatency.recent(),
      commitHistogram: this.commitLatency.cumulative(),
      queryHistogram: this.queryLatency.cumulative(),
      syncHistogram: this.syncLatency.cumulative(),
      syncsTotal: this.syncsTotal,
      checkpointsTotal: this.checkpointsTotal,
      lastCheckpointDurationMs: this.lastCheckpointDurationMs,
      corruptionErrorsTotal: this.corruptionErrorsTotal,
      ioErrorsTotal: this.ioErrorsTotal,
    };
  }

  /** Read the clock; when it entered a new second, fold the finished one (M2). */
  private tick(): void {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.second) this.roll(second);
  }

  private roll(second: number): void {
    if (second < this.second) return; // a clock that stepped back: keep counting in the open second
    this.committed.complete(this.second, this.pendingCommitted);
    this.rolledBack.complete(this.second, this.pendingRolledBack);
    this.reads.complete(this.second, this.pendingReads);
    this.writes.complete(this.second, this.pendingWrites);
    // Seconds between the finished one and the new one had no events.
    if (second > this.second + 1) {
      this.committed.complete(second - 1, 0);
      this.rolledBack.complete(second - 1, 0);
      this.reads.complete(second - 1, 0);
      this.writes.complete(second - 1, 0);
    }
    this.pendingCommitted = 0;
    this.pendingRolledBack = 0;
    this.pendingReads = 0;
    this.pendingWrites = 0;
    this.second = second;
    this.commitLatency.rotateTo(second);
    this.queryLatency.rotateTo(second);
    this.syncLatency.rotateTo(second);
  }
}
