// Rewrite pass: ORDER BY followed by LIMIT keeps only the first k rows while sorting
// (Top, a bounded heap: O(n log k) time, O(k) memory) instead of sorting everything.
//   Limit(l, Sort(keys, x))            → Top(keys, limit l, x)
//   Limit(l, Skip(s, Sort(keys, x)))   → Top(keys, limit l, skip s, x)

import type { PlanNode } from '../plan.js';

export function topK(node: PlanNode): PlanNode {
  rewriteChildren(node);
  if (node.op !== 'Limit') return node;
  const below = node.input;
  if (below.op === 'Sort') return { op: 'Top', input: below.input, keys: below.keys, limit: node.count, skip: null };
  if (below.op === 'Skip' && below.input.op === 'Sort') {
    const sort = below.input;
    return { op: 'Top', input: sort.input, keys: sort.keys, limit: node.count, skip: below.count };
  }
  return node;
}

function rewriteChildren(node: PlanNode): void {
  if (node.op === 'Argument') return;
  if (node.op === 'Union') {
    node.parts.forEach((part, i) => (node.parts[i] = topK(part)));
    return;
  }
  if (node.op === 'Optional' || node.op === 'Foreach') node.inner = topK(node.inner);
  if (node.op === 'Merge') node.match = topK(node.match);
  node.input = topK(node.input);
}
