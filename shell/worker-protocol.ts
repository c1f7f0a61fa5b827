// Messages between the console's UI thread (worker-backend.ts) and its engine worker
// (engine-worker.ts). Everything is structured-clone data.
//
// Flow control: `rows` and `text` events of a run are sent with `ack: true`; the UI thread
// acknowledges each once it has handed it to the dashboard. The worker keeps at most
// EVENTS_IN_FLIGHT_MAX unacknowledged, then waits, so a result of millions of rows reaches
// the engine as backpressure instead of piling up in the port.
//
// Cancellation does not wait for the worker's event loop: the UI thread writes the shared
// flag (cancel-flag.ts) the running statement checks every few rows, then also posts
// `cancel` for jobs, which yield to the loop between steps.

import type { OpenOptions } from '../src/database.js';
import type { Completion, OutputEvent, OutputFormat, RunOutcome } from './protocol.js';

export const EVENTS_IN_FLIGHT_MAX = 8;

/** A module the worker loads next to the database (the demo's graph builder and workload). */
export interface WorkerExtensionSpec {
  /** URL of an ES module exporting `attachWorkerExtension` (worker-extension.ts). */
  module: string;
  /** Structured-clone options passed to it. */
  options: unknown;
}

export interface EngineWorkerData {
  path: string;
  /** Open options without the parts that cannot cross threads (fs, hooks). */
  open: Omit<OpenOptions, 'fs' | 'hooks' | 'logDestination'>;
  cancelBuffer: SharedArrayBuffer;
  /** resultsAsText defaults to true (the dashboard); the line shell wants structured rows. */
  session: { format?: OutputFormat; timing?: boolean; displayRowCap?: number; cwd?: string; resultsAsText?: boolean };
  /** Serve /metrics, /health, /ready on this port (loopback). */
  metricsPort?: number;
  extension?: WorkerExtensionSpec;
}

export interface SerializedError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type ToWorker =
  | { type: 'run'; id: number; input: string }
  | { type: 'ack'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'complete'; id: number; line: string; cursor: number }
  | { type: 'metrics'; id: number }
  | { type: 'extension'; id: number; action: string }
  | { type: 'close'; id: number };

export type FromWorker =
  /** `commands`: the :command help (usage, summary), so the front end need not load the admin commands. */
  | { type: 'ready'; notes: string[]; commands: { usage: string; summary: string }[] }
  | { type: 'open-failed'; error: SerializedError }
  | { type: 'event'; runId: number; event: OutputEvent; ack: boolean }
  | { type: 'done'; runId: number; outcome: RunOutcome }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: SerializedError }
  | { type: 'note'; text: string };

export type CompletionReply = Completion;
