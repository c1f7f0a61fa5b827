// The command layer's output, shared by every front end: the line shell prints these events,
// the dashboard renders them into its scrollback, and the dashboard's engine worker posts
// them across a MessagePort. Everything here is plain, structured-clone-safe data.

import type { MetricsSnapshot } from '../src/observe/snapshot.js';

export type OutputFormat = 'table' | 'json' | 'csv';

export type OutputEvent =
  /** A result starts: its column names. */
  | { kind: 'columns'; columns: string[] }
  /**
   * A batch of result rows; `cells.length` is the number of rows. `cells` are the display
   * strings of each row in table format (empty for rows past the front end's display cap,
   * and in json and csv format, where nobody draws them). `json` is each row as one line of
   * JSON (DESIGN.md §7), present in json format; `csv` each row as one CSV record, present in
   * csv format (shell/row-format.ts).
   */
  | { kind: 'rows'; cells: string[][]; json?: string[]; csv?: string[] }
  /** A result ended. */
  | { kind: 'end'; rowCount: number; elapsedMs: number; summary: string }
  /** Plain output (reports, help, :params...). `stream` is where the line shell prints it. */
  | { kind: 'text'; text: string; stream: 'out' | 'err' }
  /** A report object (verify, backup, health...) to print as JSON or as text. */
  | { kind: 'report'; title: string; json: string; text: string }
  /** A statement or command failed. Position fields when the error has a source position. */
  | { kind: 'error'; code: string; message: string; line?: number; column?: number; excerpt?: string }
  /** Progress of a job started by this input (phase, done/total). */
  | { kind: 'progress'; jobId: number; phase: string; done: number; total: number };

export interface RunOutcome {
  ok: boolean;
  /** The input asked to quit (`:quit`). */
  quit: boolean;
  elapsedMs: number;
  /** The session's result format after this run (`:format` changes it), for front ends that print by it. */
  format?: OutputFormat;
  /** Whether the session shows timing after this run (`:timing`). */
  timing?: boolean;
}

export interface Completion {
  /** Candidates that replace the text from `start` to the cursor. */
  items: string[];
  start: number;
}

/** What a console front end needs from the engine side (in-process or across a worker). */
export interface ConsoleBackend {
  /**
   * Run one unit of input (a statement ending with ';' or one ':command' line). When onEvent
   * returns a promise (a front end whose output is full), no more rows are produced until it
   * settles.
   */
  run(input: string, onEvent: (event: OutputEvent) => void | Promise<void>): Promise<RunOutcome>;
  /** Cancel the running statement or job, if any (Ctrl-C). */
  cancel(): void;
  complete(line: string, cursor: number): Promise<Completion>;
  metrics(): Promise<MetricsSnapshot>;
  close(): Promise<void>;
}
