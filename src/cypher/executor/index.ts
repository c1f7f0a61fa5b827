// The executor: runs a compiled plan (build.ts) over one transaction's graph. Pull-based:
// rows are produced as the caller asks for them, so a streaming read holds no result rows;
// only Sort, Top, Aggregation, Distinct, Eager and Delete buffer (bounded by
// maxIntermediateRows, RESULT_TOO_LARGE beyond).

import type { Value } from '../runtime/values.js';
import type { CompiledPlan } from './build.js';
import { ExecContext, type ExecOptions } from './context.js';
import type { Operator } from './operator.js';

/** One running execution of a plan. */
export class PlanExecution {
  readonly ctx: ExecContext;
  private readonly root: Operator;
  private done = false;

  constructor(
    readonly compiled: CompiledPlan,
    options: ExecOptions,
  ) {
    this.ctx = new ExecContext(options);
    this.root = compiled.instantiate(this.ctx);
    this.root.reset(compiled.newRow());
  }

  /** The next row's column values (runtime values), or null when there are no more. */
  next(): Value[] | null {
    if (this.done) return null;
    const row = this.root.next();
    if (row === null) {
      this.done = true;
      return null;
    }
    const slots = this.compiled.columnSlots;
    const out = new Array<Value>(slots.length);
    for (let i = 0; i < slots.length; i++) out[i] = row[slots[i]!] ?? null;
    return out;
  }

  /** Pull every remaining row, discarding them (a write statement without RETURN). */
  drain(): void {
    while (this.next() !== null) this.ctx.tick();
  }

  get exhausted(): boolean {
    return this.done;
  }
}

export { compilePlan, type CompiledPlan, type OperatorFactory } from './build.js';
export { CancellationToken, CHECK_INTERVAL_ROWS } from './cancellation.js';
export { ExecContext, type ExecOptions, type ProfileEntry } from './context.js';
export { EntityAccess, ResultReader, type DeletedSnapshots } from './entity-access.js';
export { Mutations } from './mutations.js';
export type { Evaluator, Operator, Row } from './operator.js';
