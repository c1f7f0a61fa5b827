// The pull-based operator protocol.
//
//   reset(argument)  start over for a new argument row (the row an Apply-style parent hands
//                    its inner plan; the top level passes one empty row). Resets propagate
//                    down to the Argument leaf.
//   next()           the next row, or null when exhausted. Rows flow in place (plan.ts PL1):
//                    the returned array may be the same object on every call, so a consumer
//                    that keeps a row past its next call to next() copies it (row.slice()).

import type { Value } from '../runtime/values.js';

export type Row = Value[];

export interface Operator {
  reset(argument: Row): void;
  next(): Row | null;
}

/** A compiled expression: evaluated once per row with no allocation beyond its result. */
export type Evaluator = (row: Row, ctx: import('./context.js').ExecContext) => Value;
