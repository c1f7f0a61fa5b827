// The console's command language, shared by every front end: a ShellSession takes one unit
// of input — a statement ending with ';' or a ':command' line (shell/split.ts) — runs it on
// the database and emits OutputEvents (protocol.ts). The line shell prints them; the
// dashboard's engine worker posts them to the UI thread.
//
// Contract:
//  (SS1) Runs are serialised: run() called while a run is in flight starts after it.
//  (SS2) A statement outside :begin … :commit is its own transaction (autocommit). The rows
//        of a statement that writes are emitted only after its commit is durable
//        (statements.ts); inside an explicit transaction rows come at once and the summary
//        says nothing is committed yet.
//  (SS3) A failure never escapes run(): it becomes an `error` event (code, message, and
//        line/column/caret excerpt when the error has a position) and `ok: false`.
//  (SS4) Rows are pulled in small batches; each batch goes to the sink, and a sink that returns
//        a promise (stdout backpressure, worker flow control) is awaited before the next pull.
//        Between batches the run yields to the event loop at least every YIELD_EVERY_MS, so
//        Ctrl-C and metrics requests are served while a long result streams.
//  (SS5) cancel() stops the statement in flight (through its CancellationToken: at the next
//        row check, even while the thread is busy when a shared flag is used) and cancels the
//        jobs the current command started.

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CancellationToken } from '../src/cypher/executor/index.js';
import type { Database } from '../src/database.js';
import { toOmbraError, type OmbraError } from '../src/errors.js';
import { ADMIN_COMMANDS, findCommand } from './admin/registry.js';
import type { AdminCommand, AdminContext, JobStart, SessionState, UnitOrigin } from './admin/types.js';
import type { RunCancelFlag } from './cancel-flag.js';
import { toJson } from './cli-support.js';
import { completeInput, type CompletionSource } from './complete.js';
import type { Completion, OutputEvent, OutputFormat, RunOutcome } from './protocol.js';
import { ShellError } from './shell-error.js';
import { executeStatement } from './statements.js';
import { isOnlyComments, splitInput } from './split.js';

export type EventSink = (event: OutputEvent) => void | Promise<void>;

export interface ShellSessionOptions {
  db: Database;
  /** Result format; default 'table'. */
  format?: OutputFormat;
  /** Timing in result summaries; default true. */
  timing?: boolean;
  /** json and csv results as text events (for the dashboard, which draws only tables). */
  resultsAsText?: boolean;
  /** Rows a front end shows of one result; the rest are counted, not formatted. Default: all. */
  displayRowCap?: number;
  /** Rows per `rows` event; default 256. */
  rowsPerBatch?: number;
  /** The worker's shared cancel flag (cancel-flag.ts); in-process sessions omit it. */
  cancelFlag?: RunCancelFlag;
  /** The front end's history for `:history`, oldest first. */
  history?: () => readonly string[];
  /** Directory relative paths of :backup and :source resolve against; default process.cwd(). */
  cwd?: string;
  /** The :commands; default every registered one. */
  commands?: readonly AdminCommand[];
}

/** Yield to the event loop at least this often while a result streams (SS4). */
const YIELD_EVERY_MS = 25;
/** Nesting limit of :source (a file that sources itself). */
const SOURCE_DEPTH_MAX = 16;

export class ShellSession {
  readonly db: Database;
  readonly state: SessionState;
  readonly commands: readonly AdminCommand[];
  /** The front end's history for `:history` (a REPL sets it once it has loaded the file). */
  history: (() => readonly string[]) | null;
  private readonly options: ShellSessionOptions;
  private runCounter = 0;
  private current: RunContext | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(options: ShellSessionOptions) {
    this.options = options;
    this.db = options.db;
    this.commands = options.commands ?? ADMIN_COMMANDS;
    this.history = options.history ?? null;
    this.state = { format: options.format ?? 'table', timing: options.timing ?? true, params: new Map(), transaction: null };
  }

  /**
   * Run one unit of input (several units run in order, stopping at the first failure). SS1-SS3.
   * `cancelId` is the id the UI thread writes into the shared cancel flag for this run
   * (cancel-flag.ts; the worker passes the run's message id).
   */
  run(input: string, sink: EventSink, options: { cancelId?: number } = {}): Promise<RunOutcome> {
    const next = this.chain.then(() => this.runNow(input, sink, options.cancelId));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Cancel the statement or job in flight (SS5). Safe to call at any time. */
  cancel(): void {
    this.current?.cancel();
  }

  /** True while a `:begin` transaction is open. */
  get inTransaction(): boolean {
    return this.state.transaction !== null;
  }

  /** Tab completion for `line` with the cursor at `cursor`. */
  complete(line: string, cursor: number): Completion {
    return completeInput(line, cursor, this.completionSource());
  }

  /** Roll back an open transaction (the database itself stays open). */
  async close(): Promise<void> {
    this.cancel();
    await this.chain;
    const txn = this.state.transaction;
    this.state.transaction = null;
    if (txn !== null && (txn.state === 'open' || txn.state === 'failed')) txn.rollback();
  }

  private async runNow(input: string, sink: EventSink, cancelId: number | undefined): Promise<RunOutcome> {
    const started = performance.now();
    const run = new RunContext(this, cancelId ?? ++this.runCounter, sink, this.options.cancelFlag);
    this.current = run;
    try {
      const text = input.trim();
      const { units, rest } = splitInput(`${text}\n`);
      if (!isOnlyComments(rest)) units.push(rest.trim()); // a last statement without ';'
      await this.runUnits(
        run,
        units.map((unit) => ({ text: unit, origin: null })),
        0,
      );
    } finally {
      run.finish();
      this.current = null;
    }
    return { ok: !run.failed, quit: run.quitRequested, elapsedMs: performance.now() - started, format: this.state.format, timing: this.state.timing };
  }

  /** Run units in order; false (and stop) at the first that fails. */
  private async runUnits(run: RunContext, units: readonly { text: string; origin: UnitOrigin | null }[], depth: number): Promise<boolean> {
    for (const unit of units) {
      if (run.quitRequested) return true;
      const failedBefore = run.failed;
      run.failed = false;
      try {
        if (unit.text.startsWith(':')) await this.runCommand(run, unit.text, depth);
        else await executeStatement(unit.text, this.statementContext(run));
      } catch (error) {
        await run.error(error, unit.origin);
      }
      const failedNow = run.failed;
      run.failed = failedBefore || failedNow;
      if (failedNow) return false;
    }
    return true;
  }

  private async runCommand(run: RunContext, line: string, depth: number): Promise<void> {
    const match = /^:(\S*)\s*([\s\S]*)$/.exec(line)!;
    const command = findCommand(this.commands, match[1]!, line);
    const ctx: AdminContext = {
      db: this.db,
      state: this.state,
      args: match[2]!.trim(),
      line,
      cwd: this.options.cwd ?? process.cwd(),
      emit: (event) => run.emit(event),
      text: (text, stream = 'out') => run.emit({ kind: 'text', text, stream }),
      report: (title, value, text) => run.emit({ kind: 'report', title, json: toJson(value), text }),
      runJob: (job) => run.runJob(job),
      runStatement: (text) => executeStatement(text, this.statementContext(run)),
      runUnits: async (units) => {
        if (depth + 1 > SOURCE_DEPTH_MAX) {
          throw new ShellError('SHELL_SOURCE', `:source is nested more than ${SOURCE_DEPTH_MAX} deep (does a file source itself?)`, { depth: depth + 1 });
        }
        return this.runUnits(run, units, depth + 1);
      },
      quit: () => {
        run.quitRequested = true;
      },
      history: () => this.history?.() ?? null,
      commands: () => this.commands,
    };
    await command.run(ctx);
  }

  private statementContext(run: RunContext) {
    return {
      db: this.db,
      state: this.state,
      token: run.token,
      emit: (event: OutputEvent) => run.emit(event),
      rowsPerBatch: this.options.rowsPerBatch ?? 256,
      resultsAsText: this.options.resultsAsText ?? false,
      displayRowCap: this.options.displayRowCap ?? Number.POSITIVE_INFINITY,
    };
  }

  private completionSource(): CompletionSource {
    const names = (query: string): string[] => {
      try {
        return this.db.query(query).rows.map((row) => String(row[0]));
      } catch {
        return [];
      }
    };
    return {
      labels: () => names('CALL db.labels() YIELD label RETURN label'),
      relationshipTypes: () => names('CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType'),
      propertyKeys: () => names('CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey'),
      params: () => [...this.state.params.keys()],
      commands: this.commands,
      cwd: this.options.cwd ?? process.cwd(),
    };
  }
}

/** One run(): its sink, cancellation token, jobs and outcome. */
class RunContext {
  failed = false;
  quitRequested = false;
  readonly token: CancellationToken;
  private readonly jobIds = new Set<number>();
  private lastYield = performance.now();
  private cancelled = false;

  constructor(
    private readonly session: ShellSession,
    readonly id: number,
    private readonly sink: EventSink,
    private readonly flag: RunCancelFlag | undefined,
  ) {
    if (flag) {
      flag.begin(id);
      this.token = new CancellationToken(flag.view, 0);
    } else this.token = new CancellationToken();
  }

  /** Send one event; await the sink's backpressure; yield now and then (SS4). */
  async emit(event: OutputEvent): Promise<void> {
    const pending = this.sink(event);
    if (pending !== undefined) {
      await pending;
      this.lastYield = performance.now();
    } else if (performance.now() - this.lastYield >= YIELD_EVERY_MS) {
      await yieldToLoop();
      this.lastYield = performance.now();
    }
  }

  /** Report a failure as an error event (SS3). */
  async error(error: unknown, origin: UnitOrigin | null): Promise<void> {
    this.failed = true;
    const e: OmbraError = toOmbraError(error);
    const event: Extract<OutputEvent, { kind: 'error' }> = { kind: 'error', code: e.code, message: e.message };
    const { line, column, excerpt } = e.details as { line?: unknown; column?: unknown; excerpt?: unknown };
    if (typeof line === 'number') event.line = line;
    if (typeof column === 'number') event.column = column;
    if (typeof excerpt === 'string') event.excerpt = excerpt;
    if (origin !== null) event.message += ` (${origin.file}, statement at line ${origin.line})`;
    try {
      await this.emit(event);
    } catch {
      // The sink itself failed (a closed pipe): nothing more can be reported here.
    }
  }

  async runJob<R>(job: JobStart<R>): Promise<R | null> {
    const jobs = this.session.db.jobs;
    const before = new Set(jobs.list().running.map((info) => info.id));
    const ours = (id: number): boolean => this.jobIds.has(id) || !before.has(id);
    const unsubscribe = job.background
      ? () => undefined
      : jobs.subscribe((info) => {
          if (!ours(info.id)) return;
          this.jobIds.add(info.id);
          if (this.cancelled && info.state === 'running') jobs.cancel(info.id);
          if (info.state === 'running') {
            void this.emit({ kind: 'progress', jobId: info.id, phase: info.progress.phase, done: info.progress.done, total: info.progress.total }).catch(() => undefined);
          }
        });
    try {
      const promise = job.start();
      for (const info of jobs.list().running) if (!before.has(info.id)) this.jobIds.add(info.id);
      if (job.background) {
        promise.catch(() => undefined);
        const ids = [...this.jobIds];
        this.jobIds.clear();
        const which = ids.length > 0 ? `job ${ids.map((id) => `#${id}`).join(', ')}` : 'the job';
        await this.emit({ kind: 'text', text: `${which} runs in the background: :jobs shows it${ids.length > 0 ? `, :cancel ${ids[0]} stops it` : ''}`, stream: 'err' });
        return null;
      }
      if (this.cancelled) for (const id of this.jobIds) cancelQuietly(this.session.db, id);
      return await promise;
    } finally {
      unsubscribe();
    }
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.flag) this.flag.request(this.id);
    else this.token.cancel();
    for (const id of this.jobIds) cancelQuietly(this.session.db, id);
  }

  finish(): void {
    this.flag?.end(this.id);
  }
}

function cancelQuietly(db: Database, id: number): void {
  try {
    db.jobs.cancel(id);
  } catch {
    // The job ended between the check and the cancel.
  }
}
