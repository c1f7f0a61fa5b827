// The planner: BoundQueryStatement (binder) → PhysicalPlan (plan.ts).
//
// Construction (plan-query.ts, plan-match.ts) picks access paths and expansion order from
// the binder's CatalogFacts, then rewrite passes run, one file each under passes/:
//   push-filters     each predicate conjunct moves down to where its slots are bound
//   count-pushdown   count(f) over one expansion reads the stored degree instead
//   top-k            ORDER BY + LIMIT keeps k rows while sorting
// The planner never reads the catalog itself (CONVENTIONS §8). Cost: O(size of the query).

import type { BoundQueryStatement } from '../binder/index.js';
import { resetAvailable } from './available.js';
import type { PhysicalPlan, PlanNode } from './plan.js';
import { QueryPlanner } from './plan-query.js';
import { countPushdown } from './passes/count-pushdown.js';
import { pushFilters } from './passes/push-filters.js';
import { topK } from './passes/top-k.js';

export function plan(statement: BoundQueryStatement): PhysicalPlan {
  const planner = new QueryPlanner(statement);
  let root = planner.planStatement(statement);
  const allocate = (name: string): number => planner.allocate(name);
  const optimise = (node: PlanNode): PlanNode => {
    let out = pushFilters(node);
    out = countPushdown(out, allocate);
    resetAvailable();
    out = topK(out);
    return out;
  };
  root = optimise(root);
  const subplans = new Map<PhysicalPlan['subplans'] extends ReadonlyMap<infer K, PlanNode> ? K : never, PlanNode>();
  for (const [expr, sub] of planner.subplans) subplans.set(expr, optimise(sub));
  return { root, slotCount: planner.slotCount, subplans, columns: statement.columns, slotNames: planner.slotNames };
}

export type { ExpandDirection, IndexSeek, PhysicalPlan, PlanNode, PlanOp, SortKey } from './plan.js';
export { bindsOf, childrenOfPlan } from './plan.js';
export { describePlan, formatExpr, subqueriesIn, type PlanDescription } from './describe.js';
