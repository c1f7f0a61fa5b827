// What a query returns to applications, and options every way of running one takes.

import type { IndexProgress } from '../graph/types.js';
import type { CancellationToken } from '../cypher/executor/index.js';
import type { PlanDescription } from '../cypher/planner/index.js';
import type { QueryStats, ResultValue } from '../cypher/runtime/values.js';

/** A statement's complete result. Plain data: safe to structured-clone across threads. */
export interface QueryResult {
  /** Column names, in order. */
  columns: string[];
  /** One array per row, values in column order; entities carry their labels and properties. */
  rows: ResultValue[][];
  /** Side effects (0s for a read). */
  stats: QueryStats;
  /** EXPLAIN: the plan; PROFILE: the plan with rows and time per operator. */
  plan?: PlanDescription;
  /** Wall time of the statement, commit included. */
  elapsedMs: number;
}

export interface QueryOptions {
  /** Cancel from elsewhere (another callback, or another thread through a SharedArrayBuffer). */
  token?: CancellationToken;
  /** Overrides the database's queryTimeoutMs for this statement (0 = no limit). */
  timeoutMs?: number;
  /** CREATE INDEX progress: nodes indexed out of the nodes with the label. */
  onIndexProgress?: IndexProgress;
}

/** Rows as objects keyed by column name (`{ name: 'Ada', age: 36n }`). */
export function toRecords(result: Pick<QueryResult, 'columns' | 'rows'>): Record<string, ResultValue>[] {
  return result.rows.map((row) => {
    const record: Record<string, ResultValue> = {};
    result.columns.forEach((column, i) => (record[column] = row[i]!));
    return record;
  });
}
