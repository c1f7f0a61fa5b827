// A scripted ConsoleBackend for the dashboard tests: answers run() from a script (or a
// default that echoes `RETURN <n>;` as a one-column table), records every run/cancel call,
// serves a snapshot tests can mutate, and can make a run slow (it then ends only when
// cancelled or released) to show that metrics keep refreshing while a statement runs.

import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import type { Completion, ConsoleBackend, OutputEvent, RunOutcome } from '../../shell/protocol.js';
import { makeSnapshot } from './fixtures.js';

export interface ScriptedRun {
  events?: OutputEvent[];
  outcome?: Partial<RunOutcome>;
  /** Never settles by itself: ends when cancel() or release() is called. */
  slow?: boolean;
  /** Settles after this many ms. */
  delayMs?: number;
  /** run() rejects with this error. */
  fail?: Error;
}

export class FakeBackend implements ConsoleBackend {
  snapshot: MetricsSnapshot = makeSnapshot();
  /** Inputs of every run() call, in call order. */
  readonly runs: string[] = [];
  cancels = 0;
  /** How long a cancelled slow run takes to end (0: at once). */
  cancelDelayMs = 0;
  metricsCalls = 0;
  closed = false;
  /** When set, metrics() rejects with it. */
  metricsError: Error | null = null;
  /** When set, metrics() never settles (a hung engine). */
  metricsHang = false;
  completeCalls: { line: string; cursor: number }[] = [];
  completions: (line: string, cursor: number) => Completion = () => ({ items: [], start: 0 });
  private readonly script = new Map<string, ScriptedRun>();
  private pending: { finish: (outcome: RunOutcome) => void; emit: (e: OutputEvent) => void } | null = null;

  /** Script the answer to an input (matched exactly, trimmed). */
  on(input: string, run: ScriptedRun): this {
    this.script.set(input.trim(), run);
    return this;
  }

  /** True while a slow run waits. */
  get busy(): boolean {
    return this.pending !== null;
  }

  async run(input: string, onEvent: (event: OutputEvent) => void): Promise<RunOutcome> {
    this.runs.push(input);
    const scripted = this.script.get(input.trim()) ?? defaultRun(input);
    if (scripted.fail) throw scripted.fail;
    for (const event of scripted.events ?? []) onEvent(event);
    const outcome: RunOutcome = { ok: true, quit: false, elapsedMs: 1.2, ...scripted.outcome };
    if (scripted.slow) {
      return new Promise<RunOutcome>((resolve) => {
        this.pending = { finish: resolve, emit: onEvent };
      });
    }
    if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
    return outcome;
  }

  /** Emit an event into the slow run in flight. */
  emit(event: OutputEvent): void {
    this.pending?.emit(event);
  }

  /** End the slow run in flight normally. */
  release(outcome: Partial<RunOutcome> = {}): void {
    const p = this.pending;
    this.pending = null;
    p?.finish({ ok: true, quit: false, elapsedMs: 5, ...outcome });
  }

  cancel(): void {
    this.cancels++;
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const end = (): void => {
      p.emit({ kind: 'error', code: 'CANCELLED', message: 'the statement was cancelled' });
      p.finish({ ok: false, quit: false, elapsedMs: 5 });
    };
    if (this.cancelDelayMs > 0) setTimeout(end, this.cancelDelayMs);
    else end();
  }

  async complete(line: string, cursor: number): Promise<Completion> {
    this.completeCalls.push({ line, cursor });
    return this.completions(line, cursor);
  }

  metrics(): Promise<MetricsSnapshot> {
    this.metricsCalls++;
    if (this.metricsHang) return new Promise(() => undefined);
    if (this.metricsError) return Promise.reject(this.metricsError);
    return Promise.resolve(structuredClone(this.snapshot));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** `RETURN <expr>;` → one column named after the expression, one row with its text. */
function defaultRun(input: string): ScriptedRun {
  const m = /^RETURN\s+(.+?)\s*;$/is.exec(input.trim());
  if (!m) return { events: [{ kind: 'end', rowCount: 0, elapsedMs: 0.5, summary: '' }] };
  const expr = m[1]!;
  return {
    events: [
      { kind: 'columns', columns: [expr] },
      { kind: 'rows', cells: [[expr]] },
      { kind: 'end', rowCount: 1, elapsedMs: 0.8, summary: '' },
    ],
  };
}
