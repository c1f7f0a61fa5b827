// CALL procedure(args) [YIELD ...]: one output row per procedure result row (the input row
// with the yielded fields written); a procedure without outputs passes the row on once.

import { RuntimeQueryError } from '../../../errors.js';
import type { ProcedureDefinition, ProcedureField } from '../../binder/index.js';
import { typeName, type Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Evaluator, Operator, Row } from '../operator.js';

function accepts(field: ProcedureField, value: Value): boolean {
  if (value === null) return field.nullable || field.type === 'ANY';
  const actual = typeName(value);
  switch (field.type) {
    case 'ANY':
      return true;
    case 'NUMBER':
      return actual === 'INTEGER' || actual === 'FLOAT';
    case 'FLOAT':
      return actual === 'FLOAT' || actual === 'INTEGER';
    default:
      return actual === field.type;
  }
}

export class ProcedureCallOp implements Operator {
  private row: Row | null = null;
  private results: Iterator<readonly Value[]> | null = null;
  private readonly outputIndex: number[];

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly procedure: ProcedureDefinition,
    private readonly args: readonly Evaluator[],
    private readonly yields: readonly { field: string; slot: number }[],
  ) {
    this.outputIndex = yields.map((y) => procedure.outputs.findIndex((o) => o.name === y.field));
  }

  reset(argument: Row): void {
    this.results?.return?.();
    this.results = null;
    this.row = null;
    this.input.reset(argument);
  }

  next(): Row | null {
    const { ctx, procedure } = this;
    for (;;) {
      if (this.results !== null) {
        const step = this.results.next();
        if (!step.done) {
          ctx.tick();
          const row = this.row!;
          for (let i = 0; i < this.yields.length; i++) row[this.yields[i]!.slot] = step.value[this.outputIndex[i]!] ?? null;
          return row;
        }
        this.results = null;
      }
      const row = this.input.next();
      if (row === null) return null;
      const args = this.args.map((a) => a(row, ctx));
      args.forEach((value, i) => {
        const field = procedure.inputs[i]!;
        if (!accepts(field, value)) {
          throw new RuntimeQueryError('RUNTIME_TYPE', `${procedure.name}: argument ${field.name} must be ${field.type}, got ${typeName(value)}`, {
            detail: 'InvalidArgumentType',
            procedure: procedure.name,
          });
        }
      });
      const results = procedure.invoke(args, { graph: ctx.graph });
      if (procedure.outputs.length === 0) {
        for (const _ of results) ctx.tick();
        return row;
      }
      this.row = row;
      this.results = results[Symbol.iterator]();
    }
  }
}
