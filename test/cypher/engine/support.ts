// Helpers for the query engine suites: an in-memory database per test and a compact form of
// results for assertions (nodes as `(:Label {props})` text, INTEGERs as bigint).

import { Database, type OpenOptions } from '../../../src/database.js';
import { formatLiteral } from '../../../src/cypher/runtime/format.js';
import type { ResultValue } from '../../../src/cypher/runtime/values.js';
import type { QueryResult } from '../../../src/query/index.js';

export function openMemory(options: OpenOptions = {}): Database {
  return Database.open(':memory:', { logDestination: 'none', ...options });
}

/** Rows as Cypher-literal text per cell, e.g. [['1', "'a'"], ...]: compact and exact (1 vs 1.0). */
export function cells(result: Pick<QueryResult, 'rows'>): string[][] {
  return result.rows.map((row) => row.map((value: ResultValue) => formatLiteral(value)));
}

/** The single column of a result, as text cells. */
export function column(result: Pick<QueryResult, 'rows'>): string[] {
  return cells(result).map((row) => row[0]!);
}

/** Run and return text cells. */
export function q(db: Database, text: string, params?: Record<string, unknown>): string[][] {
  return cells(db.query(text, params));
}

/** The error a call throws (fails the test when it does not throw). */
export function caught(body: () => unknown): { code: string; details: Record<string, unknown>; message: string } {
  try {
    body();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown>; message: string };
  }
  throw new Error('expected an error, but the call succeeded');
}
