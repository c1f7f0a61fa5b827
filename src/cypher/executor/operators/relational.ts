// Row-shaping operators: Filter, Projection, Unwind, Skip, Limit, Optional, Eager, Union,
// ProduceResults.

import { RuntimeQueryError } from '../../../errors.js';
import { operatorTypeError } from '../../runtime/runtime-errors.js';
import { typeName, type Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Evaluator, Operator, Row } from '../operator.js';

export class FilterOp implements Operator {
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly predicate: Evaluator,
  ) {}
  reset(argument: Row): void {
    this.input.reset(argument);
  }
  next(): Row | null {
    const { ctx, input, predicate } = this;
    for (;;) {
      const row = input.next();
      if (row === null) return null;
      const result = predicate(row, ctx);
      if (result === true) return row;
      if (result !== false && result !== null) throw operatorTypeError('WHERE (a boolean was expected)', [result]);
      ctx.tick();
    }
  }
}

export class ProjectionOp implements Operator {
  private readonly values: Value[];
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slots: readonly number[],
    private readonly expressions: readonly Evaluator[],
  ) {
    this.values = new Array<Value>(slots.length);
  }
  reset(argument: Row): void {
    this.input.reset(argument);
  }
  next(): Row | null {
    const row = this.input.next();
    if (row === null) return null;
    const { slots, expressions, ctx } = this;
    if (slots.length === 1) {
      row[slots[0]!] = expressions[0]!(row, ctx);
      return row;
    }
    // Evaluate every item before writing any: an item never reads another's slot (B1), but
    // keeping the two phases apart makes that independent of slot numbering.
    const values = this.values;
    for (let i = 0; i < slots.length; i++) values[i] = expressions[i]!(row, ctx);
    for (let i = 0; i < slots.length; i++) row[slots[i]!] = values[i]!;
    return row;
  }
}

/** UNWIND list AS x; a lazy integer range for `UNWIND range(a, b[, step])` (nothing is held). */
export class UnwindOp implements Operator {
  private row: Row | null = null;
  private list: readonly Value[] | null = null;
  private index = 0;
  private rangeNext = 0n;
  private rangeEnd = 0n;
  private rangeStep = 0n;
  private ranging = false;

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slot: number,
    private readonly expression: Evaluator,
    /** Set when the expression is range(a, b[, s]): evaluates the arguments instead of the list. */
    private readonly rangeArgs: readonly Evaluator[] | null,
  ) {}

  reset(argument: Row): void {
    this.row = null;
    this.list = null;
    this.ranging = false;
    this.input.reset(argument);
  }

  next(): Row | null {
    const ctx = this.ctx;
    for (;;) {
      if (this.ranging) {
        const value = this.rangeNext;
        if (this.rangeStep > 0n ? value <= this.rangeEnd : value >= this.rangeEnd) {
          this.rangeNext = value + this.rangeStep;
          ctx.tick();
          this.row![this.slot] = value;
          return this.row;
        }
        this.ranging = false;
      }
      if (this.list !== null) {
        if (this.index < this.list.length) {
          ctx.tick();
          this.row![this.slot] = this.list[this.index++]!;
          return this.row;
        }
        this.list = null;
      }
      const row = this.input.next();
      if (row === null) return null;
      this.row = row;
      if (this.rangeArgs !== null && this.startRange(row)) continue;
      const value = this.expression(row, ctx);
      if (value === null) continue;
      this.list = Array.isArray(value) ? value : [value];
      this.index = 0;
    }
  }

  /** Start a lazy range; false when the arguments need the general path (it raises the errors). */
  private startRange(row: Row): boolean {
    const args = this.rangeArgs!.map((a) => a(row, this.ctx));
    if (!args.every((a) => typeof a === 'bigint')) return false;
    const [start, end, step = 1n] = args as bigint[];
    if (step === 0n) return false;
    this.rangeNext = start!;
    this.rangeEnd = end!;
    this.rangeStep = step;
    this.ranging = true;
    return true;
  }
}

/** The value of SKIP / LIMIT: a non-negative INTEGER (RUNTIME_CLAUSE_ARGUMENT otherwise). */
export function clauseCount(value: Value, what: string): number {
  if (typeof value === 'bigint') {
    if (value < 0n) {
      throw new RuntimeQueryError('RUNTIME_CLAUSE_ARGUMENT', `${what} cannot be negative, got ${value}`, { detail: 'NegativeIntegerArgument', clause: what });
    }
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  throw new RuntimeQueryError('RUNTIME_CLAUSE_ARGUMENT', `${what} needs an INTEGER, got ${typeName(value)}`, { detail: 'InvalidArgumentType', clause: what });
}

export class SkipOp implements Operator {
  private remaining = -1;
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly count: Evaluator,
  ) {}
  reset(argument: Row): void {
    this.remaining = -1;
    this.input.reset(argument);
  }
  next(): Row | null {
    if (this.remaining < 0) this.remaining = clauseCount(this.count([], this.ctx), 'SKIP');
    while (this.remaining > 0) {
      if (this.input.next() === null) return null;
      this.ctx.tick();
      this.remaining--;
    }
    return this.input.next();
  }
}

export class LimitOp implements Operator {
  private remaining = -1;
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly count: Evaluator,
    /** Pull the rest of the input anyway: it holds updates whose side effects LIMIT must not cut. */
    private readonly drainRest: boolean,
  ) {}
  reset(argument: Row): void {
    this.remaining = -1;
    this.input.reset(argument);
  }
  next(): Row | null {
    if (this.remaining < 0) this.remaining = clauseCount(this.count([], this.ctx), 'LIMIT');
    if (this.remaining === 0) {
      if (this.drainRest) {
        while (this.input.next() !== null) this.ctx.tick();
        this.remaining = -2;
      }
      return null;
    }
    if (this.remaining === -2) return null;
    this.remaining--;
    return this.input.next();
  }
}

/** OPTIONAL MATCH: the inner plan's rows for each input row, or the row with `nullSlots` null. */
export class OptionalOp implements Operator {
  private row: Row | null = null;
  private matched = false;
  constructor(
    private readonly input: Operator,
    private readonly inner: Operator,
    private readonly nullSlots: readonly number[],
  ) {}
  reset(argument: Row): void {
    this.row = null;
    this.input.reset(argument);
  }
  next(): Row | null {
    for (;;) {
      if (this.row !== null) {
        const r = this.inner.next();
        if (r !== null) {
          this.matched = true;
          return r;
        }
        const row = this.row;
        this.row = null;
        if (!this.matched) {
          for (const slot of this.nullSlots) row[slot] = null;
          return row;
        }
      }
      const row = this.input.next();
      if (row === null) return null;
      this.row = row;
      this.matched = false;
      this.inner.reset(row);
    }
  }
}

/** Materialise every input row before passing the first on (plan.ts PL3). */
export class EagerOp implements Operator {
  private rows: Row[] | null = null;
  private index = 0;
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
  ) {}
  reset(argument: Row): void {
    this.rows = null;
    this.input.reset(argument);
  }
  next(): Row | null {
    if (this.rows === null) {
      const rows: Row[] = [];
      for (let row = this.input.next(); row !== null; row = this.input.next()) {
        rows.push(row.slice());
        this.ctx.tick();
        if ((rows.length & 1023) === 0) this.ctx.checkBuffered(rows.length, 'an eager buffer (between a read and a write)');
      }
      this.ctx.checkBuffered(rows.length, 'an eager buffer (between a read and a write)');
      this.rows = rows;
      this.index = 0;
    }
    if (this.index >= this.rows.length) return null;
    const row = this.rows[this.index]!;
    this.rows[this.index++] = undefined as unknown as Row; // let passed rows be collected
    return row;
  }
}

/** UNION ALL of the parts (UNION adds a Distinct above). */
export class UnionOp implements Operator {
  private part = 0;
  private argument: Row = [];
  constructor(private readonly parts: readonly Operator[]) {}
  reset(argument: Row): void {
    this.argument = argument;
    this.part = 0;
    this.parts[0]!.reset(argument);
  }
  next(): Row | null {
    for (;;) {
      const row = this.parts[this.part]!.next();
      if (row !== null) return row;
      if (this.part + 1 >= this.parts.length) return null;
      this.part++;
      this.parts[this.part]!.reset(this.argument.slice());
    }
  }
}

/** The root: passes rows on; the engine reads the column slots. */
export class ProduceResultsOp implements Operator {
  constructor(private readonly input: Operator) {}
  reset(argument: Row): void {
    this.input.reset(argument);
  }
  next(): Row | null {
    return this.input.next();
  }
}
