// Prepared statements and result streams.
//
// A PreparedStatement keeps its plan (re-planned only when the schema changed, engine.ts C2)
// and runs with new parameters each time. stream() hands rows out one at a time:
//  (S1) A read statement's stream holds a read snapshot from its first row until it is
//       exhausted, fails or is closed; nothing but the current row is held (rows are produced
//       as they are pulled), so a 2,000,000-row UNWIND keeps memory flat.
//  (S2) A write statement's stream runs the statement to the end, commits durably and only
//       then hands out rows (session.ts Q1): its rows are buffered.
//  (S3) Breaking out of a for..of over a stream closes it (return()); call close() otherwise.

import { TransactionError } from '../errors.js';
import { GraphReader } from '../graph/reader.js';
import type { PreparedQuery, QueryRun } from '../cypher/engine.js';
import { toQueryParameters } from '../cypher/parameters.js';
import type { PlanDescription } from '../cypher/planner/index.js';
import { emptyStats, type QueryStats, type ResultValue } from '../cypher/runtime/values.js';
import type { ReadTransaction } from '../storage/pager.js';
import type { QueryOptions, QueryResult } from './result.js';
import type { QuerySession } from './session.js';

export class PreparedStatement {
  constructor(
    private readonly session: QuerySession,
    private prepared: PreparedQuery,
  ) {}

  get text(): string {
    return this.prepared.text;
  }

  /** True when the statement writes (it then runs in the write transaction). Known before running. */
  get isWrite(): boolean {
    return this.prepared.isWrite;
  }

  get columns(): readonly string[] {
    return this.prepared.columns;
  }

  /** Names of the parameters the statement needs. */
  get parameters(): ReadonlySet<string> {
    return this.prepared.parameters;
  }

  /** The plan as it would run now (re-planned if the schema changed), without running; null for schema commands. */
  explain(): PlanDescription | null {
    this.prepared = this.session.refresh(this.prepared);
    return this.prepared.explain();
  }

  /** Run in autocommit and return every row (session.ts Q1). */
  run(params?: Readonly<Record<string, unknown>>, options?: QueryOptions): QueryResult {
    return this.session.query(this.prepared.text, params, options, this.prepared);
  }

  /** Run in autocommit with group commit for writes. */
  runAsync(params?: Readonly<Record<string, unknown>>, options?: QueryOptions): Promise<QueryResult> {
    return this.session.queryAsync(this.prepared.text, params, options, this.prepared);
  }

  /** Rows one at a time (S1-S3). */
  stream(params?: Readonly<Record<string, unknown>>, options: QueryOptions = {}): QueryStream {
    const host = this.session.host;
    if (this.prepared.isWrite) {
      const result = this.session.query(this.prepared.text, params, options, this.prepared);
      return QueryStream.fromResult(result);
    }
    const values = toQueryParameters(params);
    const txn = host.pager.beginRead();
    try {
      const graph = new GraphReader(txn, host.graphShared);
      if (!host.engine.isCurrent(this.prepared, graph)) this.prepared = host.engine.prepare(this.prepared.text, graph);
      if (this.prepared.isWrite) {
        txn.end();
        return QueryStream.fromResult(this.session.query(this.prepared.text, params, options, this.prepared));
      }
      host.guard?.checkStatement(this.session.user, this.prepared);
      const run = this.prepared.run(this.session.runOptions(graph, values, options));
      return new QueryStream(run, txn, (ms) => host.recordQuery(ms, false));
    } catch (error) {
      txn.end();
      throw error;
    }
  }
}

/** An iterator over result rows; see the header (S1-S3). */
export class QueryStream implements IterableIterator<ResultValue[]> {
  readonly columns: readonly string[];
  private buffered: ResultValue[][] | null = null;
  private index = 0;
  private closed = false;
  private finalStats: QueryStats | null = null;
  private readonly started = performance.now();

  constructor(
    private readonly run: QueryRun | null,
    private readonly txn: ReadTransaction | null,
    private readonly onDone: ((elapsedMs: number) => void) | null,
    columns?: readonly string[],
  ) {
    this.columns = columns ?? run?.columns ?? [];
  }

  /** A stream over rows already computed (a write statement, S2). */
  static fromResult(result: QueryResult): QueryStream {
    const stream = new QueryStream(null, null, null, result.columns);
    stream.buffered = result.rows;
    stream.finalStats = result.stats;
    return stream;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<ResultValue[]> {
    if (this.closed) return { done: true, value: undefined };
    if (this.buffered !== null) {
      if (this.index < this.buffered.length) return { done: false, value: this.buffered[this.index++]! };
      this.close();
      return { done: true, value: undefined };
    }
    let row: ResultValue[] | null;
    try {
      row = this.run!.nextResult();
    } catch (error) {
      this.close();
      throw error;
    }
    if (row === null) {
      this.finalStats = this.run!.stats();
      this.close();
      return { done: true, value: undefined };
    }
    return { done: false, value: row };
  }

  /** Stop early: ends the read snapshot (S3). Idempotent. */
  return(): IteratorResult<ResultValue[]> {
    this.close();
    return { done: true, value: undefined };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.txn?.end();
    this.onDone?.(performance.now() - this.started);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Side effects; available once the stream is exhausted. */
  get stats(): QueryStats {
    if (this.finalStats === null) {
      if (!this.closed) throw new TransactionError('TRANSACTION_STATE', 'stats are known once the stream is exhausted', {});
      return emptyStats();
    }
    return this.finalStats;
  }
}
