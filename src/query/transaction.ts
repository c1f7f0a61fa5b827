// Explicit transactions: db.begin() → several statements, then commit() or rollback().
//
// A read-write transaction holds the single write transaction of the database from begin()
// to its end: its statements see each other's writes, other readers see none of them until
// the commit. A read-only transaction (begin({ readOnly: true })) is one snapshot for all of
// its statements and refuses statements that write.
//
// States: open → committed | rolledBack, and open → failed (a statement failed, session.ts
// Q2) → rolledBack. Any call that is not allowed in the current state throws
// TRANSACTION_STATE naming the state.

import { OmbraError, TransactionError } from '../errors.js';
import { GraphReader } from '../graph/reader.js';
import { GraphWriter } from '../graph/writer.js';
import type { CommitResult, ReadTransaction, WriteTransaction } from '../storage/pager.js';
import { toQueryParameters } from '../cypher/parameters.js';
import type { PreparedQuery } from '../cypher/engine.js';
import { collectRun, type QuerySession } from './session.js';
import type { QueryOptions, QueryResult } from './result.js';
import type { StatementOutcome } from '../security/security.js';

export type TransactionState = 'open' | 'failed' | 'committed' | 'rolledBack';

export class Transaction {
  private current: TransactionState = 'open';
  private readonly graph: GraphReader;
  private failure: OmbraError | null = null;
  private writes = 0;
  /** The schema version at begin(); plans are cached only while it is unchanged (engine.ts C4). */
  private readonly schemaVersion: bigint;
  /** Writing statements run so far: audited with the transaction's outcome (security). */
  private readonly written: PreparedQuery[] = [];

  constructor(
    private readonly session: QuerySession,
    private readonly txn: WriteTransaction | ReadTransaction,
  ) {
    this.graph = txn.writable ? new GraphWriter(txn, session.host.graphShared) : new GraphReader(txn, session.host.graphShared);
    this.schemaVersion = this.graph.currentSchemaVersion();
  }

  get state(): TransactionState {
    return this.current;
  }

  get readOnly(): boolean {
    return !this.txn.writable;
  }

  /** Run one statement inside the transaction; a failure marks the transaction failed (Q2). */
  query(text: string, params?: Readonly<Record<string, unknown>>, options: QueryOptions = {}): QueryResult {
    this.assertOpen('run a statement');
    const started = performance.now();
    // A statement that does not compile changes nothing: the transaction stays open.
    const cache = this.graph.currentSchemaVersion() === this.schemaVersion;
    const prepared: PreparedQuery = this.session.host.engine.prepare(text, this.graph, { cache });
    if (prepared.isWrite && this.readOnly) {
      throw new TransactionError('TRANSACTION_STATE', 'this transaction is read-only: the statement writes', {});
    }
    this.session.host.guard?.checkStatement(this.session.user, prepared);
    if (prepared.isWrite) this.session.host.assertWritable();
    try {
      const run = prepared.run(this.session.runOptions(this.graph, toQueryParameters(params), options));
      const result = collectRun(run, started);
      if (prepared.isWrite) this.written.push(prepared);
      this.writes += run.writes;
      this.session.host.recordQuery(result.elapsedMs, prepared.isWrite);
      return result;
    } catch (error) {
      if (prepared.isWrite) {
        this.current = 'failed';
        this.failure = error instanceof OmbraError ? error : null;
        this.session.host.guard?.recordStatement(this.session.user, prepared, { error });
      }
      throw error;
    }
  }

  /** Make every change durable (synced) and end the transaction. */
  commit(): CommitResult | null {
    this.assertOpen('commit');
    this.current = 'committed';
    if (!this.txn.writable) {
      (this.txn as ReadTransaction).end();
      return null;
    }
    try {
      const result = (this.txn as WriteTransaction).commit();
      this.session.host.graphShared.committed(this.txn);
      if (this.writes > 0) this.session.host.recordWrites(this.writes);
      this.settle(result);
      return result;
    } catch (error) {
      this.current = 'rolledBack';
      this.settle({ error });
      throw error;
    }
  }

  /** Commit with group commit: resolves once a shared sync covers this transaction. */
  async commitAsync(): Promise<CommitResult | null> {
    this.assertOpen('commit');
    this.current = 'committed';
    if (!this.txn.writable) {
      (this.txn as ReadTransaction).end();
      return null;
    }
    try {
      const result = await (this.txn as WriteTransaction).commitAsync();
      this.session.host.graphShared.committed(this.txn);
      if (this.writes > 0) this.session.host.recordWrites(this.writes);
      this.settle(result);
      return result;
    } catch (error) {
      this.current = 'rolledBack';
      this.settle({ error });
      throw error;
    }
  }

  /** Audit every writing statement of the transaction with its outcome (security). */
  private settle(outcome: StatementOutcome): void {
    const guard = this.session.host.guard;
    for (const prepared of this.written.splice(0)) guard?.recordStatement(this.session.user, prepared, outcome);
  }

  /** Undo everything and end the transaction. Allowed when open or failed; idempotent after. */
  rollback(): void {
    if (this.current === 'rolledBack') return;
    if (this.current === 'committed') throw new TransactionError('TRANSACTION_STATE', 'the transaction is already committed', { state: this.current });
    this.current = 'rolledBack';
    if (this.txn.writable) (this.txn as WriteTransaction).rollback();
    else (this.txn as ReadTransaction).end();
    this.settle({ rolledBack: true });
  }

  private assertOpen(action: string): void {
    if (this.current === 'open') return;
    const why =
      this.current === 'failed'
        ? `a statement failed${this.failure === null ? '' : ` (${this.failure.code})`}, so the transaction can only be rolled back`
        : `the transaction is ${this.current === 'committed' ? 'committed' : 'rolled back'}`;
    throw new TransactionError('TRANSACTION_STATE', `cannot ${action}: ${why}`, { state: this.current });
  }
}
