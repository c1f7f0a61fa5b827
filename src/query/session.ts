// Running statements against one database: autocommit, prepared statements, streams and
// explicit transactions, on top of the query engine (src/cypher) and the pager.
//
// Contract (DESIGN.md §7):
//  (Q1) Autocommit: a read statement runs on a read snapshot; a statement that writes runs in
//       the write transaction and commits durably before any of its rows is returned (a
//       returned row is a promise). query() syncs the commit; queryAsync() joins a group
//       commit and resolves once the shared sync covers it.
//  (Q2) A failed statement changes nothing: in autocommit its transaction rolls back. Inside
//       an explicit transaction a failed statement marks the transaction failed: only
//       rollback() is then allowed (there are no statement savepoints; a half-applied
//       statement must not be committed).
//  (Q3) Parameters arrive as JavaScript values and are converted once per run
//       (cypher/parameters.ts); they are never spliced into the text, so the plan cache
//       serves every value.
//  (Q4) Every run gets the database's queryTimeoutMs and maxIntermediateRows at its start
//       (both are live settings), unless the options override the timeout.
//  (Q5) Snapshot reuse: an autocommit read may run on the read snapshot (and GraphReader, with
//       its opened trees and record caches) of an earlier autocommit read, but only while no
//       transaction has committed since (the pager's committed sequence is still the snapshot's,
//       in the same pager epoch) — it then sees exactly
//       what a fresh snapshot would. A kept snapshot is released SNAPSHOT_REUSE_MS after it was
//       taken (a timer that does not keep the process alive), at the first read after that, and
//       by close(); so it never holds checkpoints, compaction or close back for long.
//  (Q6) Write fast path: a statement already known to write (a prepared statement that writes,
//       or a text this session has run as a write before) goes straight to the write
//       transaction: no read snapshot is taken to look its plan up; the plan is checked
//       against the writer's schema version there and planned again when stale (engine.ts C2).
//       Access checks run before any work, as for every statement. Since such writes take no
//       read snapshot, which is what fills the shared catalog cache, every commit hands the
//       catalog names its transaction created to the cache (graph/shared.ts committed), so the
//       next write does not load them again.

import { GraphReader } from '../graph/reader.js';
import type { GraphShared } from '../graph/shared.js';
import { GraphWriter } from '../graph/writer.js';
import type { CommitResult, Pager, ReadTransaction } from '../storage/pager.js';
import { PreparedQuery, type QueryEngine, type QueryRun } from '../cypher/engine.js';
import { toQueryParameters } from '../cypher/parameters.js';
import type { ResultValue, Value } from '../cypher/runtime/values.js';
import type { QueryOptions, QueryResult } from './result.js';
import type { StatementGuard } from '../security/security.js';

/** What the session needs from the Database facade. */
export interface QueryHost {
  readonly pager: Pager;
  readonly graphShared: GraphShared;
  readonly engine: QueryEngine;
  /** Current limits (live settings). */
  limits(): { queryTimeoutMs: number; maxIntermediateRows: number };
  /** Throws unless data writes are allowed now (read-only, maintenance, breaker, closed...). */
  assertWritable(): void;
  recordQuery(latencyMs: number, write: boolean): void;
  recordWrites(entities: number): void;
  /**
   * Access control and audit (src/security/security.ts): checkStatement() before every run,
   * recordStatement() once a writing statement's outcome is known. Absent: all allowed, none audited.
   */
  readonly guard?: StatementGuard;
}

/** Collect a run's rows (materialised) into a QueryResult. */
export function collectRun(run: QueryRun, started: number): QueryResult {
  const rows: ResultValue[][] = [];
  for (let row = run.nextResult(); row !== null; row = run.nextResult()) rows.push(row);
  const result: QueryResult = { columns: run.columns as string[], rows, stats: run.stats(), elapsedMs: 0 };
  if (run.prepared.mode !== null) {
    const plan = run.plan();
    if (plan !== undefined) result.plan = plan;
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

/** The options of a run given none (shared: a run only reads them). */
const NO_OPTIONS: QueryOptions = Object.freeze({});

/** How long a read snapshot may be reused by later autocommit reads (Q5). */
export const SNAPSHOT_REUSE_MS = 100;

/** Texts remembered as writes for the fast path (Q6); the oldest is forgotten beyond this. */
export const WRITE_HINTS_MAX = 256;

interface KeptSnapshot {
  readonly txn: ReadTransaction;
  readonly graph: GraphReader;
  readonly epoch: number;
  readonly takenAtMs: number;
}

export class QuerySession {
  private kept: KeptSnapshot | null = null;
  private releaseTimer: NodeJS.Timeout | null = null;
  /** Texts that ran as writes, with their last plan (Q6). */
  private readonly writeHints = new Map<string, PreparedQuery>();

  /** `user`: the session user every statement of this session runs as (security). */
  constructor(
    readonly host: QueryHost,
    readonly user: string = '',
  ) {}

  /** A read snapshot for one autocommit read: the kept one when still current (Q5), else a new one. */
  private snapshot(now: number = performance.now()): KeptSnapshot {
    const pager = this.host.pager;
    const kept = this.kept;
    if (kept !== null) {
      if (now - kept.takenAtMs < SNAPSHOT_REUSE_MS && pager.epoch === kept.epoch && pager.committedSequence === kept.txn.snapshotSequence && !kept.txn.isEnded) {
        return kept;
      }
      this.releaseSnapshot();
    }
    const txn = pager.beginRead();
    const fresh: KeptSnapshot = { txn, graph: new GraphReader(txn, this.host.graphShared), epoch: pager.epoch, takenAtMs: now };
    this.kept = fresh;
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = null;
      if (this.kept === fresh) this.releaseSnapshot();
    }, SNAPSHOT_REUSE_MS);
    this.releaseTimer.unref();
    return fresh;
  }

  /** End the kept read snapshot, if any (Q5). */
  releaseSnapshot(): void {
    if (this.releaseTimer !== null) {
      clearTimeout(this.releaseTimer);
      this.releaseTimer = null;
    }
    const kept = this.kept;
    this.kept = null;
    kept?.txn.end();
  }

  /** Release what the session holds (before the database closes). */
  close(): void {
    this.releaseSnapshot();
  }

  runOptions(graph: GraphReader, params: Record<string, Value>, options: QueryOptions) {
    const limits = this.host.limits();
    return {
      graph,
      params,
      token: options.token,
      timeoutMs: options.timeoutMs ?? limits.queryTimeoutMs,
      maxIntermediateRows: limits.maxIntermediateRows,
      onIndexProgress: options.onIndexProgress,
    };
  }

  /**
   * Prepare `text` on a short read snapshot (for the catalog), or take `known` when it is still
   * current. Throws syntax and semantic errors.
   */
  prepare(text: string): PreparedQuery {
    return this.host.engine.prepare(text, this.snapshot().graph);
  }

  /** `prepared`, or its re-planned form when the schema changed since (engine.ts C2). */
  refresh(prepared: PreparedQuery): PreparedQuery {
    const graph = this.snapshot().graph;
    return this.host.engine.isCurrent(prepared, graph) ? prepared : this.host.engine.prepare(prepared.text, graph);
  }

  /** Autocommit, synchronous durable commit for writes (Q1). */
  query(text: string, params: Readonly<Record<string, unknown>> | undefined, options: QueryOptions = NO_OPTIONS, known?: PreparedQuery): QueryResult {
    const started = performance.now();
    const values = toQueryParameters(params);
    const read = this.tryRead(text, values, options, started, known);
    if (!(read instanceof PreparedQuery)) return read;
    const { run, txn } = this.startWrite(text, read, values, options);
    let result: QueryResult;
    let commit: CommitResult;
    try {
      result = collectRun(run, started);
      commit = txn.commit();
    } catch (error) {
      txn.rollback();
      this.host.recordQuery(performance.now() - started, true);
      this.host.guard?.recordStatement(this.user, run.prepared, { error });
      throw error;
    }
    this.host.graphShared.committed(txn);
    this.host.guard?.recordStatement(this.user, run.prepared, commit);
    return this.finishWrite(run, result, started);
  }

  /** Autocommit with group commit for writes (Q1): resolves once the commit is durable. */
  async queryAsync(text: string, params: Readonly<Record<string, unknown>> | undefined, options: QueryOptions = NO_OPTIONS, known?: PreparedQuery): Promise<QueryResult> {
    const started = performance.now();
    const values = toQueryParameters(params);
    const read = this.tryRead(text, values, options, started, known);
    if (!(read instanceof PreparedQuery)) return read;
    const { run, txn } = this.startWrite(text, read, values, options);
    let result: QueryResult;
    try {
      result = collectRun(run, started);
    } catch (error) {
      txn.rollback();
      this.host.recordQuery(performance.now() - started, true);
      this.host.guard?.recordStatement(this.user, run.prepared, { error });
      throw error;
    }
    let commit: CommitResult;
    try {
      commit = await txn.commitAsync();
    } catch (error) {
      this.host.guard?.recordStatement(this.user, run.prepared, { error });
      throw error;
    }
    this.host.graphShared.committed(txn);
    this.host.guard?.recordStatement(this.user, run.prepared, commit);
    return this.finishWrite(run, result, started);
  }

  /**
   * The plan of a statement known to write (Q6), access-checked, or undefined when the statement
   * is not known to write. The plan may be stale: startWrite checks it against the writer's
   * schema version.
   */
  private knownWrite(text: string, known: PreparedQuery | undefined): PreparedQuery | undefined {
    const prepared = known !== undefined ? (known.isWrite ? known : undefined) : this.writeHints.get(text);
    if (prepared === undefined) return undefined;
    this.host.guard?.checkStatement(this.user, prepared);
    return prepared;
  }

  /** Remember (or forget) `prepared.text` as a write for the fast path (Q6). */
  private noteWrite(prepared: PreparedQuery): void {
    const hints = this.writeHints;
    if (!prepared.isWrite) {
      hints.delete(prepared.text);
      return;
    }
    if (hints.get(prepared.text) === prepared) return;
    hints.delete(prepared.text);
    hints.set(prepared.text, prepared);
    if (hints.size > WRITE_HINTS_MAX) hints.delete(hints.keys().next().value!);
  }

  /**
   * Run a read statement on a snapshot and return its result; for a write, return its prepared
   * form instead (without taking a snapshot when it is known to write, Q6).
   */
  private tryRead(
    text: string,
    values: Record<string, Value>,
    options: QueryOptions,
    started: number,
    known: PreparedQuery | undefined,
  ): QueryResult | PreparedQuery {
    const write = this.knownWrite(text, known);
    if (write !== undefined) return write;
    const host = this.host;
    const { graph } = this.snapshot(started);
    const prepared = known !== undefined && host.engine.isCurrent(known, graph) ? known : host.engine.prepare(text, graph);
    host.guard?.checkStatement(this.user, prepared);
    if (prepared.isWrite) return prepared;
    let result: QueryResult;
    try {
      result = collectRun(prepared.run(this.runOptions(graph, values, options)), started);
    } catch (error) {
      host.recordQuery(performance.now() - started, false);
      throw error;
    }
    host.recordQuery(result.elapsedMs, false);
    return result;
  }

  private startWrite(text: string, prepared: PreparedQuery, values: Record<string, Value>, options: QueryOptions) {
    const host = this.host;
    host.assertWritable();
    this.releaseSnapshot();
    const txn = host.pager.beginWrite();
    try {
      const graph = new GraphWriter(txn, host.graphShared);
      const current = host.engine.isCurrent(prepared, graph) ? prepared : host.engine.prepare(text, graph);
      if (current !== prepared) host.guard?.checkStatement(this.user, current);
      // A re-plan that no longer writes (a procedure re-registered as read-only) still runs
      // correctly here, on the newest state; the hint is dropped so the next run reads.
      this.noteWrite(current);
      const run = current.run(this.runOptions(graph, values, options));
      return { run, txn };
    } catch (error) {
      txn.rollback();
      throw error;
    }
  }

  private finishWrite(run: QueryRun, result: QueryResult, started: number): QueryResult {
    result.elapsedMs = performance.now() - started;
    this.host.recordQuery(result.elapsedMs, true);
    if (run.writes > 0) this.host.recordWrites(run.writes);
    return result;
  }
}
