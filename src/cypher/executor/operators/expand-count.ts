// ExpandCount: an aggregation without grouping keys that only counts what the expansion
// feeding it finds, counted straight off the neighbour walker:
//
//   MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)
//   Aggregation(count(DISTINCT f)) ← Expand(x → f) ← ...
//
// The plan stays Aggregation ← Expand (EXPLAIN shows that); build.ts picks this operator for
// it when not profiling (PROFILE counts the Expand's rows, so it runs the plan as shown).
// Aggregates taken: count(*), count(to), count(rel) (one per match) and count(DISTINCT to),
// count(DISTINCT rel) (ids in an IdSet). The count pushdown (planner/passes/count-pushdown.ts)
// already turns the plain counts into degree reads where no relationship-uniqueness check
// applies; this operator covers the rest and the DISTINCT counts.
//
// Identical to the two operators it replaces: the same walker, in the same order, with the
// same checks as ExpandOp (a null start is skipped, a non-node start is a type error, an
// undirected self-loop is taken once, a relationship bound earlier in the MATCH is skipped),
// and one output row even for no input. What it skips is a NodeRef, a row and an accumulator
// call per match. Holds no values beyond the id sets (no maxIntermediateRows buffer, as for
// count(DISTINCT) in Aggregation); each input row and each relationship walked ticks the
// cancellation token, as in the two operators.

import type { Direction } from '../../../graph/types.js';
import type { Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Operator, Row } from '../operator.js';
import { startNode, usedElsewhere } from './expand.js';
import { IdSet } from './id-set.js';

/** What one aggregate counts: every match, distinct end nodes, or distinct relationships. */
export type ExpandCountKind = 'matches' | 'distinctNodes' | 'distinctRelationships';

export interface ExpandCountSpec {
  readonly from: number;
  readonly direction: Direction;
  /** undefined = any type. */
  readonly types: readonly string[] | undefined;
  readonly distinctFrom: readonly number[];
  readonly distinctFromLists: readonly number[];
  readonly aggregates: readonly { readonly slot: number; readonly kind: ExpandCountKind }[];
}

export class ExpandCountOp implements Operator {
  private done = false;
  private nodes: IdSet | null = null;
  private relationships: IdSet | null = null;

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slotCount: number,
    private readonly spec: ExpandCountSpec,
  ) {}

  reset(argument: Row): void {
    this.done = false;
    this.input.reset(argument);
  }

  next(): Row | null {
    if (this.done) return null;
    this.done = true;
    const { ctx, spec } = this;
    const wantNodes = spec.aggregates.some((a) => a.kind === 'distinctNodes');
    const wantRelationships = spec.aggregates.some((a) => a.kind === 'distinctRelationships');
    const nodes = wantNodes ? (this.nodes ??= new IdSet()) : null;
    const relationships = wantRelationships ? (this.relationships ??= new IdSet()) : null;
    nodes?.clear();
    relationships?.clear();
    const checkDistinct = spec.distinctFrom.length > 0 || spec.distinctFromLists.length > 0;
    const both = spec.direction === 'both';
    let matches = 0;
    for (let row = this.input.next(); row !== null; row = this.input.next()) {
      ctx.tick();
      const from = startNode(row[spec.from] ?? null, 'expand');
      if (from === null) continue;
      const fromId = from.id;
      const graph = ctx.graph;
      const walker = graph.neighbours(fromId, spec.direction, spec.types);
      try {
        while (walker.next()) {
          ctx.tick();
          const other = walker.otherNodeId;
          if (both && !walker.outgoing && other === fromId) continue;
          const relationshipId = walker.relationshipId;
          if (checkDistinct && usedElsewhere(row, relationshipId, spec.distinctFrom, spec.distinctFromLists)) continue;
          matches++;
          if (nodes !== null) nodes.add(other);
          if (relationships !== null) relationships.add(relationshipId);
        }
      } finally {
        graph.releaseNeighbours(walker);
      }
    }
    const out: Row = new Array<Value>(this.slotCount).fill(null);
    for (const a of spec.aggregates) {
      const n = a.kind === 'matches' ? matches : a.kind === 'distinctNodes' ? nodes!.size : relationships!.size;
      out[a.slot] = BigInt(n);
    }
    return out;
  }
}
