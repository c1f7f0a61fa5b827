// Cancelling a statement across threads. The console's engine runs in a worker; while a
// statement computes, the worker's event loop is busy and cannot receive messages, so the UI
// thread writes a shared flag the engine's CancellationToken reads every few rows
// (cypher/executor/cancellation.ts).
//
// The flag is one Int32 slot in a SharedArrayBuffer holding the id of the run to cancel
// (0 = none), not a plain 0/1, so a late cancel cannot leak into the next statement:
//  (F1) The UI thread only ever stores the id of the run it started last.
//  (F2) A run clears a value that is neither 0 nor its own id when it begins (a request for
//       an earlier run that arrived after that run ended), and clears its own id when it ends.
// Both clears are compare-and-swap, so a request racing with them is never lost.

export class RunCancelFlag {
  /** `view` is an Int32Array over a SharedArrayBuffer (slot 0 is used). */
  constructor(readonly view: Int32Array) {}

  static create(): RunCancelFlag {
    return new RunCancelFlag(new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)));
  }

  /** Ask run `id` to stop (any thread). */
  request(id: number): void {
    Atomics.store(this.view, 0, id);
  }

  /** True when run `id` was asked to stop. */
  isRequested(id: number): boolean {
    return Atomics.load(this.view, 0) === id;
  }

  /** Run `id` begins: drop a request left from an earlier run (F2). */
  begin(id: number): void {
    for (;;) {
      const value = Atomics.load(this.view, 0);
      if (value === 0 || value === id) return;
      if (Atomics.compareExchange(this.view, 0, value, 0) === value) return;
    }
  }

  /** Run `id` ended: clear its request, if any (F2). */
  end(id: number): void {
    Atomics.compareExchange(this.view, 0, id, 0);
  }
}
