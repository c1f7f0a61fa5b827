// Running one statement for the console (session.ts SS2, SS4):
//
//   inside :begin       Transaction.query (rows materialised; nothing durable until :commit)
//   a read              PreparedStatement.stream: rows pulled in batches of rowsPerBatch or
//                       BATCH_TIME_MS, whichever comes first, so memory stays flat for any
//                       result size and the sink's backpressure reaches the engine
//   a write             PreparedStatement.runAsync: runs to the end, joins a group commit, and
//                       its rows are emitted once the commit is durable (a printed row is a
//                       promise, DESIGN.md §7)
//   EXPLAIN / PROFILE   PreparedStatement.run: the plan (and rows) as a report
//
// The statement sees the parameters set with :param.

import type { CancellationToken } from '../src/cypher/executor/index.js';
import type { ResultValue, QueryStats } from '../src/cypher/runtime/values.js';
import type { Database } from '../src/database.js';
import type { QueryResult } from '../src/query/index.js';
import type { SessionState } from './admin/types.js';
import { toJson } from './cli-support.js';
import type { OutputEvent } from './protocol.js';
import { planText, summaryText } from './report-text.js';
import { ResultEmitter } from './result-emitter.js';

export interface StatementContext {
  db: Database;
  state: SessionState;
  token: CancellationToken;
  emit(event: OutputEvent): Promise<void>;
  rowsPerBatch: number;
  resultsAsText: boolean;
  displayRowCap: number;
}

/** A batch is sent after this long even when it is not full, so slow results show progress. */
const BATCH_TIME_MS = 16;

/** EXPLAIN or PROFILE first (after blanks and comments). */
const PLAN_PREFIX = /^(?:\s+|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(EXPLAIN|PROFILE)\b/i;

/** The parameters set with :param, as the engine takes them. */
export function paramInputs(state: SessionState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, param] of state.params) out[name] = param.input;
  return out;
}

export async function executeStatement(text: string, ctx: StatementContext): Promise<void> {
  const started = performance.now();
  const params = paramInputs(ctx.state);
  const options = { token: ctx.token };
  const emitter = new ResultEmitter(ctx.emit, { format: ctx.state.format, resultsAsText: ctx.resultsAsText, displayRowCap: ctx.displayRowCap });
  const txn = ctx.state.transaction;
  if (txn !== null) {
    const result = txn.query(text, params, options);
    await emitMaterialised(result, emitter, ctx, started, true);
    return;
  }
  const statement = ctx.db.prepare(text);
  const planMode = PLAN_PREFIX.exec(text)?.[1]?.toUpperCase() ?? null;
  if (statement.isWrite || planMode !== null) {
    const result = statement.isWrite ? await statement.runAsync(params, options) : statement.run(params, options);
    await emitMaterialised(result, emitter, ctx, started, false);
    return;
  }
  const stream = statement.stream(params, options);
  let stats: QueryStats | null = null;
  try {
    await emitter.columns(stream.columns);
    let batch: ResultValue[][] = [];
    let deadline = performance.now() + BATCH_TIME_MS;
    for (;;) {
      const next = stream.next();
      if (next.done) break;
      batch.push(next.value);
      if (batch.length >= ctx.rowsPerBatch || ((batch.length & 15) === 0 && performance.now() >= deadline)) {
        await emitter.rows(batch);
        ctx.token.check();
        batch = [];
        deadline = performance.now() + BATCH_TIME_MS;
      }
    }
    await emitter.rows(batch);
    stats = stream.stats;
  } finally {
    stream.close();
  }
  await emitter.end(
    performance.now() - started,
    summaryText({ hasColumns: stream.columns.length > 0, rowCount: emitter.rowCount, stats, elapsedMs: performance.now() - started, timing: ctx.state.timing, inTransaction: false }),
  );
}

/** A complete result (write, explicit transaction, EXPLAIN/PROFILE), in batches. */
async function emitMaterialised(result: QueryResult, emitter: ResultEmitter, ctx: StatementContext, started: number, inTransaction: boolean): Promise<void> {
  const explainOnly = result.plan !== undefined && result.plan.rows === undefined;
  if (!explainOnly && result.columns.length > 0) {
    await emitter.columns(result.columns);
    for (let i = 0; i < result.rows.length; i += ctx.rowsPerBatch) await emitter.rows(result.rows.slice(i, i + ctx.rowsPerBatch));
  }
  if (result.plan !== undefined) {
    await ctx.emit({ kind: 'report', title: explainOnly ? 'plan' : 'profile', json: toJson(result.plan), text: planText(result.plan) });
  }
  const elapsedMs = performance.now() - started;
  await emitter.end(
    elapsedMs,
    explainOnly
      ? `plan only, nothing ran${ctx.state.timing ? ` (${elapsedMs.toFixed(1)} ms)` : ''}`
      : summaryText({ hasColumns: result.columns.length > 0, rowCount: result.rows.length, stats: result.stats, elapsedMs, timing: ctx.state.timing, inTransaction }),
  );
}
