// Per-second history of one event count: the dashboard's sparklines and the "per second"
// rates of the metrics snapshot.
//
// The hot path never touches this: metrics.ts counts events of the current second in a
// plain number and folds it in here once the second is over (lazily, on the next event or
// the next snapshot). Seconds with no event at all are folded as zeros.
//
// Invariants:
//  (S1) slots[s % capacity] holds the count of second s for every completed second s in
//       (newest − capacity, newest]; older seconds are gone.
//  (S2) Seconds are whole seconds of the metrics clock (monotonic), never wall-clock time.

/** Seconds of history kept (5 minutes: the dashboard's sparkline width at most). */
export const HISTORY_SECONDS = 300;
/** Seconds averaged for a "per second" rate. */
export const RATE_WINDOW_SECONDS = 10;

export class SecondSeries {
  private readonly slots: Float64Array;
  /** Newest completed second, or start − 1 before the first one completes. */
  private newest: number;

  constructor(
    /** First second this series covers (the metrics start). */
    private readonly startSecond: number,
    readonly capacity = HISTORY_SECONDS,
  ) {
    this.slots = new Float64Array(capacity);
    this.newest = startSecond - 1;
  }

  /**
   * Complete second `second` with `count` events; seconds skipped since the newest one are
   * zeros (S1). Seconds at or before the newest are ignored (the clock is monotonic).
   */
  complete(second: number, count: number): void {
    if (second <= this.newest) return;
    const gap = Math.min(second - this.newest - 1, this.capacity);
    for (let i = 1; i <= gap; i++) this.slots[this.slot(second - i)] = 0;
    this.slots[this.slot(second)] = count;
    this.newest = second;
  }

  /** Completed seconds kept, at most `capacity`. */
  get length(): number {
    return Math.min(this.capacity, this.newest - this.startSecond + 1);
  }

  /** One value per completed second, oldest first (at most `limit` of the newest). */
  history(limit = this.capacity): number[] {
    const n = Math.min(this.length, limit);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.slots[this.slot(this.newest - n + 1 + i)]!;
    return out;
  }

  /** Mean events per second over the last `window` completed seconds (fewer right after start). */
  rate(window = RATE_WINDOW_SECONDS): number {
    const n = Math.min(this.length, window);
    if (n <= 0) return 0;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.slots[this.slot(this.newest - i)]!;
    return sum / n;
  }

  private slot(second: number): number {
    return ((second % this.capacity) + this.capacity) % this.capacity;
  }
}
