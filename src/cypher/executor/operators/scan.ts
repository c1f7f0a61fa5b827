// Leaf and access-path operators: Argument, AllNodesScan, NodeByLabelScan, NodeIndexSeek,
// NodeByIdSeek. Each runs once per input row (so a second pattern piece is a nested loop
// over the first: the cartesian product).

import type { PropertyRange, RangeBound } from '../../../graph/types.js';
import type { PropertyValue } from '../../../graph/value.js';
import { operatorTypeError } from '../../runtime/runtime-errors.js';
import { NodeRef, type Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Evaluator, Operator, Row } from '../operator.js';

/** Yields the argument row once per reset. */
export class ArgumentOp implements Operator {
  private row: Row | null = null;
  reset(argument: Row): void {
    this.row = argument;
  }
  next(): Row | null {
    const row = this.row;
    this.row = null;
    return row;
  }
}

/**
 * For each input row, each id from `source(row)`, written to `slot` as a NodeRef. A source
 * that finds at most one node may set `single` (−1: none) and return null instead of an
 * iterable: a unique index seek then allocates no array or iterator.
 */
abstract class NodeSourceOp implements Operator {
  private row: Row | null = null;
  private ids: Iterator<number> | null = null;
  protected single = -1;

  constructor(
    protected readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slot: number,
  ) {}

  protected abstract source(row: Row): Iterable<number> | null;

  reset(argument: Row): void {
    this.ids?.return?.();
    this.ids = null;
    this.single = -1;
    this.row = null;
    this.input.reset(argument);
  }

  next(): Row | null {
    const ctx = this.ctx;
    for (;;) {
      if (this.single >= 0) {
        ctx.tick();
        const row = this.row!;
        row[this.slot] = new NodeRef(this.single);
        this.single = -1;
        return row;
      }
      if (this.ids !== null) {
        const step = this.ids.next();
        if (!step.done) {
          ctx.tick();
          const row = this.row!;
          row[this.slot] = new NodeRef(step.value);
          return row;
        }
        this.ids = null;
      }
      const row = this.input.next();
      if (row === null) return null;
      this.row = row;
      this.single = -1;
      const source = this.source(row);
      if (source !== null) this.ids = source[Symbol.iterator]();
    }
  }
}

export class AllNodesScanOp extends NodeSourceOp {
  protected source(): Iterable<number> {
    return this.ctx.graph.allNodeIds();
  }
}

export class NodeByLabelScanOp extends NodeSourceOp {
  constructor(ctx: ExecContext, input: Operator, slot: number, private readonly label: string) {
    super(ctx, input, slot);
  }
  protected source(): Iterable<number> {
    return this.ctx.graph.nodeIdsByLabel(this.label);
  }
}

const NONE: readonly number[] = [];

/** A property value an index can be asked for, or undefined for one no stored property equals. */
function asPropertyValue(value: Value): PropertyValue | undefined {
  if (value === null) return undefined;
  switch (typeof value) {
    case 'boolean':
    case 'bigint':
    case 'string':
      return value;
    case 'number':
      return Number.isNaN(value) ? undefined : value;
    default:
      break;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const t = typeof item;
      if (item === null || !(t === 'boolean' || t === 'bigint' || t === 'string' || t === 'number')) return undefined;
    }
    return value as PropertyValue[];
  }
  return undefined;
}

function rangeBound(value: Value, inclusive: boolean): RangeBound | null | undefined {
  // null: the comparison is null for every node (no match); undefined: not seekable (scan instead).
  if (value === null) return null;
  const t = typeof value;
  if (t === 'bigint' || t === 'string' || t === 'boolean') return { value: value as PropertyValue, inclusive };
  if (t === 'number') return Number.isNaN(value) ? null : { value: value as number, inclusive };
  return undefined;
}

export type SeekSpec =
  | { kind: 'equal'; value: Evaluator }
  | { kind: 'in'; list: Evaluator }
  | { kind: 'range'; lower: { value: Evaluator; inclusive: boolean } | null; upper: { value: Evaluator; inclusive: boolean } | null };

export class NodeIndexSeekOp extends NodeSourceOp {
  constructor(
    ctx: ExecContext,
    input: Operator,
    slot: number,
    private readonly label: string,
    private readonly key: string,
    private readonly seek: SeekSpec,
  ) {
    super(ctx, input, slot);
  }

  protected source(row: Row): Iterable<number> | null {
    const { ctx, label, key, seek } = this;
    const graph = ctx.graph;
    switch (seek.kind) {
      case 'equal': {
        const value = asPropertyValue(seek.value(row, ctx));
        if (value === undefined) return NONE;
        const one = graph.nodeIdByUniqueProperty(label, key, value);
        if (one === -2) return graph.nodeIdsByProperty(label, key, value);
        this.single = one;
        return null;
      }
      case 'in': {
        const list = seek.list(row, ctx);
        if (list === null) return NONE;
        if (!Array.isArray(list)) throw operatorTypeError('IN', [null, list]);
        const ids = new Set<number>();
        for (const item of list) {
          const value = asPropertyValue(item);
          if (value === undefined) continue;
          for (const id of graph.nodeIdsByProperty(label, key, value)) ids.add(id);
        }
        return [...ids].sort((a, b) => a - b);
      }
      case 'range': {
        const range: PropertyRange = {};
        if (seek.lower !== null) {
          const bound = rangeBound(seek.lower.value(row, ctx), seek.lower.inclusive);
          if (bound === null) return NONE;
          if (bound === undefined) return graph.nodeIdsByLabel(label);
          range.lower = bound;
        }
        if (seek.upper !== null) {
          const bound = rangeBound(seek.upper.value(row, ctx), seek.upper.inclusive);
          if (bound === null) return NONE;
          if (bound === undefined) return graph.nodeIdsByLabel(label);
          range.upper = bound;
        }
        return graph.nodeIdsByPropertyRange(label, key, range);
      }
    }
  }
}

/** id(n) = value / id(n) IN list. */
export class NodeByIdSeekOp extends NodeSourceOp {
  constructor(ctx: ExecContext, input: Operator, slot: number, private readonly idsOf: Evaluator, private readonly many: boolean) {
    super(ctx, input, slot);
  }

  protected source(row: Row): Iterable<number> {
    const value = this.idsOf(row, this.ctx);
    const out: number[] = [];
    const add = (v: Value): void => {
      const id = typeof v === 'bigint' ? Number(v) : typeof v === 'number' && Number.isInteger(v) ? v : -1;
      if (Number.isSafeInteger(id) && id >= 0 && !out.includes(id) && this.ctx.graph.nodeExists(id)) out.push(id);
    };
    if (!this.many) add(value);
    else if (Array.isArray(value)) for (const v of value) add(v);
    else if (value !== null) throw operatorTypeError('IN', [null, value]);
    return out;
  }
}
