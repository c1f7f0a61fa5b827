// Rewrite pass: count the neighbours of a node from its stored degree instead of expanding.
//
//   Aggregation(count(to) | count(rel) | count(*)) ← Expand(from → to, out|in, types) ← x
//   becomes
//   Aggregation(sum(degree))                       ← DegreeCount(from, out|in, types) ← x
//
// Safe only when nothing but those counts reads the expansion: the Expand is the aggregation's
// direct input (a predicate on `to` or `rel` would sit between them as a Filter), it binds a
// new `to` (mode 'all'), has no relationship-uniqueness obligations, every aggregate is a
// non-DISTINCT count of `to`, `rel` or rows, and no grouping key reads `to` or `rel`.
// 'both' is excluded: a self-loop counts twice in the degree but matches once.
// DegreeCount drops rows whose degree is 0, as the expansion would have.

import type { AggregateExpr } from '../../binder/index.js';
import { slotsRead } from '../expressions.js';
import type { PlanNode } from '../plan.js';

export function countPushdown(node: PlanNode, allocate: (name: string) => number): PlanNode {
  if (node.op === 'Argument') return node;
  if (node.op === 'Union') {
    node.parts.forEach((part, i) => (node.parts[i] = countPushdown(part, allocate)));
    return node;
  }
  if (node.op === 'Optional' || node.op === 'Foreach') node.inner = countPushdown(node.inner, allocate);
  if (node.op === 'Merge') node.match = countPushdown(node.match, allocate);
  node.input = countPushdown(node.input, allocate);
  if (node.op !== 'Aggregation') return node;
  const expand = node.input;
  if (expand.op !== 'Expand' || expand.mode !== 'all' || expand.direction === 'both') return node;
  if (expand.distinctFrom.length > 0 || expand.distinctFromLists.length > 0) return node;
  const counted = (a: AggregateExpr): boolean =>
    !a.distinct &&
    ((a.name === 'count*' && a.args.length === 0) ||
      (a.name === 'count' && a.args.length === 1 && a.args[0]!.kind === 'Slot' && (a.args[0]!.slot === expand.to || a.args[0]!.slot === expand.relationship)));
  if (node.aggregates.length === 0 || !node.aggregates.every(counted)) return node;
  for (const group of node.groups) {
    const deps = slotsRead(group.expression);
    if (deps === null || deps.has(expand.to) || deps.has(expand.relationship)) return node;
  }
  const slot = allocate('  degree');
  const degree: PlanNode = { op: 'DegreeCount', input: expand.input, from: expand.from, slot, direction: expand.direction, types: expand.types };
  const aggregates: AggregateExpr[] = node.aggregates.map((a) => ({
    kind: 'Aggregate',
    name: 'sum',
    distinct: false,
    args: [{ kind: 'Slot', slot, name: '  degree' }],
    slot: a.slot,
  }));
  return { op: 'Aggregation', input: degree, groups: node.groups, aggregates };
}
