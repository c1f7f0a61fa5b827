// Rewrite pass: push each conjunct of a Filter down to the lowest operator of its pipeline
// where every slot it reads is bound (available.ts), so rows are dropped as early as possible:
// `MATCH (a)-->(b) WHERE a.x = 1` filters a before expanding it.
//
// A conjunct moves below operators that only add slots to the rows passing through (scans,
// seeks, expansions, Unwind, Projection, Optional's outer input, other Filters). It never moves
// below operators that change which rows exist as a whole (Aggregation, Distinct, Sort, Top,
// Skip, Limit, Eager, updates, Union) or into an inner plan. Conjuncts with subqueries stay.

import { availableAfter, resetAvailable } from '../available.js';
import { andAll, conjuncts, slotsRead } from '../expressions.js';
import type { PlanNode } from '../plan.js';
import type { BExpr } from '../../binder/index.js';

export function pushFilters(root: PlanNode): PlanNode {
  resetAvailable();
  const out = rewrite(root);
  resetAvailable();
  return out;
}

function rewrite(node: PlanNode): PlanNode {
  // Children first, so a filter lands on an already-rewritten pipeline.
  switch (node.op) {
    case 'Argument':
      return node;
    case 'Union':
      node.parts.forEach((part, i) => (node.parts[i] = rewrite(part)));
      return node;
    case 'Optional':
    case 'Foreach':
      node.inner = rewrite(node.inner);
      break;
    case 'Merge':
      node.match = rewrite(node.match);
      break;
    default:
      break;
  }
  node.input = rewrite(node.input);
  if (node.op !== 'Filter') return node;
  let below = node.input;
  const kept: BExpr[] = [];
  for (const predicate of conjuncts(node.predicate)) {
    const deps = slotsRead(predicate);
    if (deps === null) kept.push(predicate);
    else below = sink(below, predicate, deps);
  }
  const rest = andAll(kept);
  return rest === null ? below : { op: 'Filter', input: below, predicate: rest };
}

const TRANSPARENT = new Set<PlanNode['op']>([
  'AllNodesScan',
  'NodeByLabelScan',
  'NodeIndexSeek',
  'NodeByIdSeek',
  'Expand',
  'VarExpand',
  'ProjectEndpoints',
  'ShortestPath',
  'Unwind',
  'Projection',
  'Optional',
  'Filter',
]);

function covers(node: PlanNode, deps: ReadonlySet<number>): boolean {
  const available = availableAfter(node);
  for (const slot of deps) if (!available.has(slot)) return false;
  return true;
}

/** Put `predicate` as low as it can go at or below `node`; returns the new top of that chain. */
function sink(node: PlanNode, predicate: BExpr, deps: ReadonlySet<number>): PlanNode {
  if (TRANSPARENT.has(node.op) && node.op !== 'Argument' && 'input' in node && covers(node.input, deps)) {
    node.input = sink(node.input, predicate, deps);
    return node;
  }
  return { op: 'Filter', input: node, predicate };
}
