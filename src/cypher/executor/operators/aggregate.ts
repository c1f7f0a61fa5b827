// Hash aggregation, DISTINCT, ORDER BY (Sort) and ORDER BY + LIMIT (Top).
//
// Grouping and DISTINCT hash values by equivalence (runtime/compare.ts groupKey). Every
// buffer checks maxIntermediateRows (RESULT_TOO_LARGE) and ticks the cancellation token.

import { createAccumulator, createCountRows, type Accumulator } from '../../runtime/aggregates.js';
import { groupKey, orderCompare, rowGroupKey, type GroupKey } from '../../runtime/compare.js';
import { NodeRef, RelationshipRef, type Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Evaluator, Operator, Row } from '../operator.js';
import { IdSet } from './id-set.js';
import { clauseCount } from './relational.js';

export interface AggregateSpec {
  readonly name: string;
  readonly distinct: boolean;
  readonly args: readonly Evaluator[];
  readonly slot: number;
}

/** Aggregates that keep every value they see (so they count against maxIntermediateRows). */
const HOLDS_VALUES = new Set(['collect', 'percentileDisc', 'percentileCont']);

/**
 * A DISTINCT filter for aggregates: the runtime's DistinctAccumulator hashes every value with
 * groupKey (a string for nodes); here nodes and relationships go to id sets (id-set.ts) and
 * other values to a Set of their group keys.
 */
class FastDistinct implements Accumulator {
  // Made on first use: an aggregate per group, and most see one kind of value.
  private nodes: IdSet | null = null;
  private relationships: IdSet | null = null;
  private readonly others = new Set<GroupKey>();
  constructor(private readonly inner: Accumulator) {}
  add(value: Value, argument?: Value): void {
    if (value === null) return this.inner.add(value, argument);
    if (value instanceof NodeRef) {
      if (!(this.nodes ??= new IdSet()).add(value.id)) return;
    } else if (value instanceof RelationshipRef) {
      if (!(this.relationships ??= new IdSet()).add(value.id)) return;
    } else {
      // One hash operation: a key already there leaves the size unchanged.
      const others = this.others;
      const size = others.size;
      others.add(groupKey(value));
      if (others.size === size) return;
    }
    this.inner.add(value, argument);
  }
  result(): Value {
    return this.inner.result();
  }
}

/** A fresh accumulator for one aggregate of one group. */
export function accumulatorFor(spec: { readonly name: string; readonly distinct: boolean }): Accumulator {
  if (spec.name === 'count*') return createCountRows();
  const plain = createAccumulator(spec.name);
  return spec.distinct ? new FastDistinct(plain) : plain;
}

interface Group {
  readonly row: Row;
  readonly accumulators: Accumulator[];
}

export class AggregationOp implements Operator {
  private output: Row[] | null = null;
  private index = 0;
  /** How many of the aggregates keep their values (counted against maxIntermediateRows per row). */
  private readonly holding: number;

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slotCount: number,
    private readonly groupSlots: readonly number[],
    private readonly groupExpressions: readonly Evaluator[],
    private readonly aggregates: readonly AggregateSpec[],
  ) {
    this.holding = aggregates.filter((a) => HOLDS_VALUES.has(a.name)).length;
  }

  reset(argument: Row): void {
    this.output = null;
    this.input.reset(argument);
  }

  private newGroup(values: readonly Value[]): Group {
    const row: Row = new Array<Value>(this.slotCount).fill(null);
    for (let i = 0; i < values.length; i++) row[this.groupSlots[i]!] = values[i]!;
    return { row, accumulators: this.aggregates.map(accumulatorFor) };
  }

  private accumulate(group: Group, row: Row): number {
    const { ctx, aggregates } = this;
    const accumulators = group.accumulators;
    for (let i = 0; i < aggregates.length; i++) {
      const args = aggregates[i]!.args;
      const acc = accumulators[i]!;
      if (args.length === 1) acc.add(args[0]!(row, ctx));
      else if (args.length === 0) acc.add(null);
      else acc.add(args[0]!(row, ctx), args[1]!(row, ctx));
    }
    return this.holding;
  }

  private run(): Row[] {
    const { ctx, input, groupExpressions } = this;
    const where = 'an aggregation';
    let held = 0;
    if (groupExpressions.length === 0) {
      const group = this.newGroup([]);
      for (let row = input.next(); row !== null; row = input.next()) {
        ctx.tick();
        held += this.accumulate(group, row);
        if (held > ctx.maxIntermediateRows) ctx.checkBuffered(held, 'collect()');
      }
      return [this.finish(group)];
    }
    const groups = new Map<GroupKey, Group>();
    const values = new Array<Value>(groupExpressions.length);
    for (let row = input.next(); row !== null; row = input.next()) {
      ctx.tick();
      for (let i = 0; i < groupExpressions.length; i++) values[i] = groupExpressions[i]!(row, ctx);
      const key = values.length === 1 ? groupKey(values[0]!) : rowGroupKey(values);
      let group = groups.get(key);
      if (group === undefined) {
        group = this.newGroup(values);
        groups.set(key, group);
        if ((groups.size & 1023) === 0) ctx.checkBuffered(groups.size, where);
      }
      held += this.accumulate(group, row);
      if (held > ctx.maxIntermediateRows) ctx.checkBuffered(held, 'collect()');
    }
    ctx.checkBuffered(groups.size, where);
    const out: Row[] = [];
    for (const group of groups.values()) out.push(this.finish(group));
    return out;
  }

  private finish(group: Group): Row {
    for (let i = 0; i < this.aggregates.length; i++) group.row[this.aggregates[i]!.slot] = group.accumulators[i]!.result();
    return group.row;
  }

  next(): Row | null {
    if (this.output === null) {
      this.output = this.run();
      this.index = 0;
    }
    return this.index < this.output.length ? this.output[this.index++]! : null;
  }
}

export class DistinctOp implements Operator {
  private readonly seen = new Set<GroupKey>();
  private readonly values: Value[];
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slots: readonly number[],
  ) {
    this.values = new Array<Value>(slots.length);
  }
  reset(argument: Row): void {
    this.seen.clear();
    this.input.reset(argument);
  }
  next(): Row | null {
    const { ctx, slots, seen, values } = this;
    for (;;) {
      const row = this.input.next();
      if (row === null) return null;
      ctx.tick();
      let key: GroupKey;
      if (slots.length === 1) key = groupKey(row[slots[0]!] ?? null);
      else {
        for (let i = 0; i < slots.length; i++) values[i] = row[slots[i]!] ?? null;
        key = rowGroupKey(values);
      }
      if (seen.has(key)) continue;
      seen.add(key);
      if ((seen.size & 1023) === 0) ctx.checkBuffered(seen.size, 'DISTINCT');
      return row;
    }
  }
}

export interface SortKeySpec {
  readonly expression: Evaluator;
  readonly descending: boolean;
}

interface Keyed {
  readonly row: Row;
  readonly keys: Value[];
  readonly seq: number;
}

function comparator(keys: readonly SortKeySpec[], ctx: ExecContext): (a: Keyed, b: Keyed) => number {
  return (a, b) => {
    ctx.tick();
    for (let i = 0; i < keys.length; i++) {
      const c = orderCompare(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return keys[i]!.descending ? -c : c;
    }
    return a.seq - b.seq;
  };
}

function keyed(row: Row, keys: readonly SortKeySpec[], ctx: ExecContext, seq: number): Keyed {
  const values = new Array<Value>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = keys[i]!.expression(row, ctx);
  return { row: row.slice(), keys: values, seq };
}

export class SortOp implements Operator {
  private sorted: Keyed[] | null = null;
  private index = 0;
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly keys: readonly SortKeySpec[],
  ) {}
  reset(argument: Row): void {
    this.sorted = null;
    this.input.reset(argument);
  }
  next(): Row | null {
    const { ctx } = this;
    if (this.sorted === null) {
      const rows: Keyed[] = [];
      for (let row = this.input.next(); row !== null; row = this.input.next()) {
        ctx.tick();
        rows.push(keyed(row, this.keys, ctx, rows.length));
        if ((rows.length & 1023) === 0) ctx.checkBuffered(rows.length, 'ORDER BY');
      }
      ctx.checkBuffered(rows.length, 'ORDER BY');
      rows.sort(comparator(this.keys, ctx));
      this.sorted = rows;
      this.index = 0;
    }
    if (this.index >= this.sorted.length) return null;
    const entry = this.sorted[this.index]!;
    this.sorted[this.index++] = undefined as unknown as Keyed;
    return entry.row;
  }
}

/** ORDER BY ... [SKIP s] LIMIT l keeping only s + l rows: a max-heap of the best rows so far. */
export class TopOp implements Operator {
  private out: Keyed[] | null = null;
  private index = 0;
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly keys: readonly SortKeySpec[],
    private readonly limit: Evaluator,
    private readonly skip: Evaluator | null,
    /** Pull the input even for LIMIT 0: it holds updates (see LimitOp). */
    private readonly drainRest: boolean,
  ) {}
  reset(argument: Row): void {
    this.out = null;
    this.input.reset(argument);
  }
  next(): Row | null {
    const { ctx } = this;
    if (this.out === null) {
      const skip = this.skip === null ? 0 : clauseCount(this.skip([], ctx), 'SKIP');
      const limit = clauseCount(this.limit([], ctx), 'LIMIT');
      const k = skip + limit;
      const compare = comparator(this.keys, ctx);
      const heap: Keyed[] = [];
      let seq = 0;
      if (k > 0) {
        for (let row = this.input.next(); row !== null; row = this.input.next()) {
          ctx.tick();
          if (heap.length < k) {
            heapPush(heap, keyed(row, this.keys, ctx, seq++), compare);
            if ((heap.length & 1023) === 0) ctx.checkBuffered(heap.length, 'ORDER BY ... LIMIT');
            continue;
          }
          const values = new Array<Value>(this.keys.length);
          for (let i = 0; i < this.keys.length; i++) values[i] = this.keys[i]!.expression(row, ctx);
          const candidate = { row, keys: values, seq: seq++ };
          if (compare(candidate, heap[0]!) < 0) {
            heap[0] = { row: row.slice(), keys: values, seq: candidate.seq };
            siftDown(heap, 0, compare);
          }
        }
      }
      if (k === 0 && this.drainRest) while (this.input.next() !== null) ctx.tick();
      heap.sort(compare);
      this.out = heap.slice(skip);
      this.index = 0;
    }
    return this.index < this.out.length ? this.out[this.index++]!.row : null;
  }
}

// A max-heap under `compare` (the worst kept row on top).
function heapPush(heap: Keyed[], item: Keyed, compare: (a: Keyed, b: Keyed) => number): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (compare(heap[i]!, heap[parent]!) <= 0) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function siftDown(heap: Keyed[], i: number, compare: (a: Keyed, b: Keyed) => number): void {
  const n = heap.length;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let largest = i;
    if (left < n && compare(heap[left]!, heap[largest]!) > 0) largest = left;
    if (right < n && compare(heap[right]!, heap[largest]!) > 0) largest = right;
    if (largest === i) return;
    [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
    i = largest;
  }
}
