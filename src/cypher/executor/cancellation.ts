// Cancelling a running statement: from a callback of the same thread (between stream pulls,
// or from code the statement calls back into), from another thread through a
// SharedArrayBuffer flag (the console runs the engine in a worker; the UI thread sets the
// flag with Atomics while the worker is busy), or by a deadline (queryTimeoutMs).
//
// Executors call check() every CHECK_INTERVAL_ROWS rows in every loop that can run long
// (scans, expansions, aggregation, sort and distinct input, collect, eager buffers,
// var-length expansion), so a busy statement notices within a few milliseconds.

import { OmbraError } from '../../errors.js';

/** How many row steps pass between two checks (a power of two, for a mask test). */
export const CHECK_INTERVAL_ROWS = 1024;

export class CancellationToken {
  private cancelled = false;
  private readonly flag: Int32Array | null;
  private readonly flagIndex: number;
  /** performance.now() value after which check() throws TIMEOUT; Infinity for none. */
  private deadline = Number.POSITIVE_INFINITY;
  private timeoutMs = 0;
  private reason = 'the statement was cancelled';

  /**
   * `shared`: an Int32Array over a SharedArrayBuffer (or the buffer itself) whose element
   * `index` another thread sets to non-zero to cancel (see cancelShared()).
   */
  constructor(shared?: SharedArrayBuffer | Int32Array, index = 0) {
    this.flag = shared === undefined ? null : shared instanceof Int32Array ? shared : new Int32Array(shared);
    this.flagIndex = index;
  }

  /** Cancel from this thread. Idempotent. */
  cancel(reason?: string): void {
    this.cancelled = true;
    if (reason !== undefined) this.reason = reason;
    if (this.flag !== null) Atomics.store(this.flag, this.flagIndex, 1);
  }

  /** Cancel a token backed by `shared` from any thread. */
  static cancelShared(shared: SharedArrayBuffer | Int32Array, index = 0): void {
    const flag = shared instanceof Int32Array ? shared : new Int32Array(shared);
    Atomics.store(flag, index, 1);
  }

  /** Clear the cancel flag (a console reuses one shared flag for each new statement). */
  reset(): void {
    this.cancelled = false;
    if (this.flag !== null) Atomics.store(this.flag, this.flagIndex, 0);
  }

  /** Time out `timeoutMs` from now (0 = no limit). */
  startTimer(timeoutMs: number): void {
    this.timeoutMs = timeoutMs;
    this.deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
  }

  get isCancelled(): boolean {
    return this.cancelled || (this.flag !== null && Atomics.load(this.flag, this.flagIndex) !== 0);
  }

  /** Throw CANCELLED or TIMEOUT when the statement must stop. Cost: an Atomics load and a clock read. */
  check(): void {
    if (this.isCancelled) {
      this.cancelled = true;
      throw new OmbraError('CANCELLED', this.reason, {});
    }
    if (this.deadline !== Number.POSITIVE_INFINITY && performance.now() > this.deadline) {
      throw new OmbraError('TIMEOUT', `the statement ran longer than queryTimeoutMs (${this.timeoutMs} ms)`, { timeoutMs: this.timeoutMs });
    }
  }
}
