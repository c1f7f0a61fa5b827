// The executor: runs a compiled plan (build.ts) over one transaction's graph. Pull-based:
// rows are produced as the caller asks for them, so a streaming read holds no result rows;
// only Sort, Top, Aggregation, Distinct, Eager and Delete buffer (bounded by
// maxIntermediateRows, RESULT_TOO_LARGE beyond).

import type { Value } from '../runtime/values.js';
import type { CompiledPlan } from './build.js';
import { ExecContext, type ExecOptions } from './context.js';
import type { Operator } from './operator.js';

/**
 * One running execution of a plan.
 *
 * Reuse (E1): a read-only, unprofiled execution that ran to its end gives its context and
 * operator tree back to the compiled plan, and the next such execution of the plan takes them
 * (ExecContext.rebind, then the root's reset, which every operator honours by dropping all
 * per-run state). A point lookup thus makes no operators. An execution abandoned before its
 * end keeps its tree (the next one makes a new tree); a finished one never touches it again.
 */
export class PlanExecution {
  readonly ctx: ExecContext;
  private readonly root: Operator;
  private done = false;
  private readonly reusable: boolean;

  constructor(
    readonly compiled: CompiledPlan,
    options: ExecOptions,
  ) {
    this.reusable = options.mutations === null && (options.profile ?? null) === null;
    const idle = this.reusable ? compiled.takeIdle() : undefined;
    if (idle !== undefined) {
      idle.ctx.rebind(options);
      this.ctx = idle.ctx;
      this.root = idle.root;
    } else {
      this.ctx = new ExecContext(options);
      this.root = compiled.instantiate(this.ctx);
    }
    this.root.reset(compiled.newRow());
  }

  /** The next row's column values (runtime values), or null when there are no more. */
  next(): Value[] | null {
    if (this.done) return null;
    const row = this.root.next();
    if (row === null) {
      this.done = true;
      if (this.reusable) this.compiled.giveBack({ ctx: this.ctx, root: this.root });
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
