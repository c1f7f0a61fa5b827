// The engine adapter the TCK runner drives. One TckDatabase per case (a fresh, empty graph).
//
// execute() resolves with the materialised result or rejects with the ombra error the query
// raised; tck-errors.ts maps that error onto the TCK's error type, phase and detail.
// `stats` must count side effects the way values.ts QueryStats documents (the TCK's graph
// difference: +properties/-properties per (entity, key, value), +labels/-labels per label name).

import type { QueryStats, ResultValue, Value } from '../../src/cypher/runtime/values.js';

export interface TckResult {
  /** Column names in the engine's order; the runner matches them to the header by name. */
  columns: string[];
  rows: ResultValue[][];
  stats: QueryStats;
}

export interface TckDatabase {
  execute(query: string, params: Record<string, Value>): Promise<TckResult>;
  close(): Promise<void>;
  /**
   * Optional: register a test procedure for `And there exists a procedure <signature>:`
   * (clauses/call). `signature` is the step's text after "procedure ", e.g.
   * `test.my.proc(in :: INTEGER?) :: (out :: STRING?)`, and `table` its data table (header
   * first). Engines without procedures leave this out; those cases then fail with a clear reason.
   */
  defineProcedure?(signature: string, table: string[][]): Promise<void>;
}

export interface TckEngine {
  name: string;
  openDatabase(): Promise<TckDatabase>;
}
