// The refresh loop: polls `metrics()` every interval, one poll at a time.
//
// Invariants:
//  (P1) At most one poll is in flight; the next is scheduled only after it settles, at
//       `interval` after the previous poll started (immediately if that is already past).
//  (P2) While paused or stopped no poll is scheduled; resuming polls at once.
//  (P3) A poll still in flight after `stallAfterMs` is reported once through onStall, so the
//       dashboard can say its numbers are old even though nothing new arrives to redraw it.

import type { MetricsSnapshot } from '../src/observe/snapshot.js';
import type { Clock } from './types.js';

export interface PollerEvents {
  onSnapshot(snapshot: MetricsSnapshot, receivedAtMs: number): void;
  onError(message: string): void;
  onStall(stalled: boolean): void;
}

export class MetricsPoller {
  private timer: unknown = null;
  private stallTimer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private lastStartMs = -Infinity;
  private paused = false;
  private running = false;
  /** Polls started so far (tests and the bytes benchmark count them). */
  polls = 0;

  constructor(
    private readonly fetch: () => Promise<MetricsSnapshot>,
    private intervalMs: number,
    private readonly clock: Clock,
    private readonly events: PollerEvents,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.clearTimer();
    this.clearStall();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.clearTimer();
    else if (this.inFlight) void this.inFlight.then(() => this.scheduleNext());
    else this.schedule(0); // (P2)
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (!this.inFlight && this.timer !== null) this.schedule(this.delayFromLastStart());
  }

  get stallAfterMs(): number {
    return Math.max(3 * this.intervalMs, 3000);
  }

  /** Poll now (joins the poll in flight, if any). Does not schedule the next one. */
  pollOnce(): Promise<void> {
    if (this.inFlight) return this.inFlight; // (P1)
    this.lastStartMs = this.clock.now();
    this.polls++;
    this.clearStall();
    this.stallTimer = this.clock.setTimeout(() => {
      this.stallTimer = null;
      this.events.onStall(true); // (P3)
    }, this.stallAfterMs);
    let fetched: Promise<MetricsSnapshot>;
    try {
      fetched = this.fetch();
    } catch (error) {
      fetched = Promise.reject(error);
    }
    const poll = fetched.then(
      (snapshot) => this.events.onSnapshot(snapshot, this.clock.now()),
      (error: unknown) => this.events.onError(error instanceof Error ? error.message : String(error)),
    );
    this.inFlight = poll.finally(() => {
      this.inFlight = null;
      if (this.stallTimer === null) this.events.onStall(false);
      this.clearStall();
    });
    return this.inFlight;
  }

  private delayFromLastStart(): number {
    return Math.max(0, this.lastStartMs + this.intervalMs - this.clock.now());
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (!this.running || this.paused) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.pollOnce().then(() => this.scheduleNext());
    }, delayMs);
  }

  /** After a poll settles: the next one at interval after it started (P1). */
  private scheduleNext(): void {
    if (this.running && !this.paused && this.timer === null && !this.inFlight) this.schedule(this.delayFromLastStart());
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private clearStall(): void {
    if (this.stallTimer !== null) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }
}
