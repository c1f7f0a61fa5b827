// ScanAggregation: an aggregation without grouping keys straight over a label scan (or all
// nodes), where every aggregate reads one property of the scanned node (or counts rows):
//
//   MATCH (p:Person) RETURN avg(p.age), max(p.age), count(*)
//
// The plan stays Aggregation ← NodeByLabelScan (EXPLAIN shows that); build.ts picks this
// operator for it when not profiling. It reads each record where it lies (GraphReader.scanNodes)
// and hands the property values to the same accumulators Aggregation uses, so the answer is
// the same; what it skips is a NodeRef, a row and a name lookup per node.
//
// Used only for aggregates that keep no values (no collect or percentile), so no buffer can
// pass maxIntermediateRows; each node scanned ticks the cancellation token.

import type { PropertyValue } from '../../../graph/value.js';
import type { Accumulator } from '../../runtime/aggregates.js';
import type { Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Operator, Row } from '../operator.js';
import { accumulatorFor } from './aggregate.js';

export interface ScanAggregateSpec {
  readonly name: string;
  readonly distinct: boolean;
  /** The property read from each node; null for count(*). */
  readonly key: string | null;
  readonly slot: number;
}

/** Aggregates the fused operator takes: those that keep no values. */
export const SCAN_AGGREGATES: ReadonlySet<string> = new Set(['count', 'count*', 'sum', 'avg', 'min', 'max', 'stDev', 'stDevP']);

export class ScanAggregationOp implements Operator {
  private done = false;

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slotCount: number,
    /** The label scanned; null scans every node. */
    private readonly label: string | null,
    private readonly aggregates: readonly ScanAggregateSpec[],
  ) {}

  reset(argument: Row): void {
    this.done = false;
    this.input.reset(argument);
  }

  next(): Row | null {
    if (this.done) return null;
    this.done = true;
    const { ctx, aggregates } = this;
    const accumulators: Accumulator[] = aggregates.map((a) => accumulatorFor(a));
    const n = aggregates.length;
    const keyIds = new Array<number>(n);
    for (let row = this.input.next(); row !== null; row = this.input.next()) {
      const graph = ctx.graph;
      // Resolved per scan: a key unknown now has no value on any node (−1 reads as absent).
      for (let i = 0; i < n; i++) {
        const key = aggregates[i]!.key;
        keyIds[i] = key === null ? -1 : (graph.propertyKeyId(key) ?? -1);
      }
      const scan = graph.scanNodes(this.label);
      if (n === 1) {
        // The usual shape (one aggregate): no inner loop.
        const accumulator = accumulators[0]!;
        const keyId = keyIds[0]!;
        const rows = aggregates[0]!.key === null;
        if (!rows && keyId >= 0 && accumulator.addSmallInteger !== undefined) {
          // Small INTEGERs as numbers (NodeScan.integerProperty): no BigInt made or converted per node.
          while (scan.next()) {
            ctx.tick();
            const small = scan.integerProperty(keyId);
            if (small === small) accumulator.addSmallInteger(small);
            else accumulator.add(scan.otherValue as Value);
          }
          continue;
        }
        while (scan.next()) {
          ctx.tick();
          accumulator.add(rows ? true : keyId < 0 ? null : (scan.property(keyId) as Value));
        }
        continue;
      }
      while (scan.next()) {
        ctx.tick();
        for (let i = 0; i < n; i++) {
          const keyId = keyIds[i]!;
          const value: PropertyValue = aggregates[i]!.key === null ? true : keyId < 0 ? null : scan.property(keyId);
          accumulators[i]!.add(value as Value);
        }
      }
    }
    const out: Row = new Array<Value>(this.slotCount).fill(null);
    for (let i = 0; i < n; i++) out[aggregates[i]!.slot] = accumulators[i]!.result();
    return out;
  }
}
