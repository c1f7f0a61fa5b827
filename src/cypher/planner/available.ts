// Which slots hold values on the rows a plan node produces (plan.ts PL2). Exact or smaller,
// never larger: the push-filters pass moves a predicate below an operator only when every
// slot it reads is available there.

import { bindsOf, type PlanNode } from './plan.js';

let memo = new WeakMap<PlanNode, ReadonlySet<number>>();

export function availableAfter(node: PlanNode): ReadonlySet<number> {
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  let out: Set<number>;
  switch (node.op) {
    case 'Argument':
    case 'Union':
      out = new Set(bindsOf(node));
      break;
    case 'Aggregation':
      // New rows: only the grouping keys and the aggregates.
      out = new Set(bindsOf(node));
      break;
    default:
      out = new Set(availableAfter(node.input));
      for (const slot of bindsOf(node)) out.add(slot);
      break;
  }
  memo.set(node, out);
  return out;
}

/** Forget every cached answer (after a pass rewrote the tree). */
export function resetAvailable(): void {
  memo = new WeakMap();
}
