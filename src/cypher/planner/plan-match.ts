// Planning one MATCH pattern into access paths and expansions.
//
// Greedy, one connected piece at a time:
//   1. A relationship whose variable is already bound: ProjectEndpoints (checks or binds its ends).
//   2. A relationship with both ends bound: Expand / VarExpand into.
//   3. A relationship with one end bound: Expand / VarExpand from that end.
//   4. Else start a new piece at the cheapest unbound node:
//        id(n) = e / IN list          NodeByIdSeek                 cost 1
//        n.key = e  (index on L.key)  NodeIndexSeek (equal)        cost 1 (unique) / 10
//        n.key IN list (index)        NodeIndexSeek (in)           cost 20
//        n.key < e, ... (index)       NodeIndexSeek (range)        cost |L| / 3
//        n:L                          NodeByLabelScan (smallest L) cost |L|
//        otherwise                    AllNodesScan                 cost |nodes| + 1
//      where e reads only slots bound before the node (CatalogFacts give |L| and indexes).
// shortestPath parts bind both ends first and then run ShortestPath between them.
// Every predicate (WHERE conjuncts, inline properties, labels) goes into one Filter above
// the pattern; the push-filters pass moves each conjunct down to where its slots are bound.
// Predicates an access path answers exactly (the seek's equality, the scan's label) are dropped.

import type { BExpr, BoundMatch, BoundPathPattern, BoundRelationshipPattern, CatalogFacts } from '../binder/index.js';
import { andAll, conjuncts, slotsRead } from './expressions.js';
import type { ExpandDirection, IndexSeek, PlanNode } from './plan.js';

interface RelationshipOccurrence {
  readonly rel: BoundRelationshipPattern;
  readonly left: number;
  readonly right: number;
}

interface AccessPath {
  readonly cost: number;
  readonly build: (input: PlanNode) => PlanNode;
  /** Predicates the access path makes redundant. */
  readonly consumed: readonly BExpr[];
}

export function planMatchPattern(input: PlanNode, match: BoundMatch, available: ReadonlySet<number>, facts: CatalogFacts): PlanNode {
  const avail = new Set(available);
  let plan = input;

  // ── predicates ──
  const predicates: BExpr[] = [];
  const nodeLabels = new Map<number, string[]>();
  for (const part of match.parts) {
    for (const node of part.nodes) {
      const labels = nodeLabels.get(node.slot) ?? [];
      for (const label of node.labels) if (!labels.includes(label)) labels.push(label);
      nodeLabels.set(node.slot, labels);
      for (const { key, value } of node.properties) predicates.push(propertyEquals(node.slot, node.name, key, value));
    }
    for (const rel of part.relationships) {
      if (rel.length !== null) continue; // checked per step by VarExpand
      for (const { key, value } of rel.properties) predicates.push(propertyEquals(rel.slot, rel.name, key, value));
    }
  }
  for (const [slot, labels] of nodeLabels) {
    for (const label of labels) predicates.push({ kind: 'HasLabels', subject: { kind: 'Slot', slot, name: '' }, labels: [label] });
  }
  predicates.push(...conjuncts(match.where));
  const consumed = new Set<BExpr>();

  // ── elements ──
  const occurrences: RelationshipOccurrence[] = [];
  const shortestParts: BoundPathPattern[] = [];
  const nodesInOrder: number[] = [];
  for (const part of match.parts) {
    for (const node of part.nodes) if (!nodesInOrder.includes(node.slot)) nodesInOrder.push(node.slot);
    if (part.shortest !== null) {
      shortestParts.push(part);
      continue;
    }
    part.relationships.forEach((rel, i) => occurrences.push({ rel, left: part.nodes[i]!.slot, right: part.nodes[i + 1]!.slot }));
  }
  const patternRels = match.parts.flatMap((p) => p.relationships);
  const pending = [...occurrences];

  const startAt = (slot: number): void => {
    const path = cheapestAccess(slot, nodeLabels.get(slot) ?? [], predicates, consumed, avail, facts);
    plan = path.build(plan);
    for (const p of path.consumed) consumed.add(p);
    avail.add(slot);
  };

  for (;;) {
    const index = pickRelationship(pending, avail);
    if (index >= 0) {
      const occurrence = pending.splice(index, 1)[0]!;
      plan = expandOccurrence(plan, occurrence, avail, patternRels);
      continue;
    }
    if (pending.length > 0) {
      // Start the next connected piece at its cheapest node.
      const candidates = new Set<number>();
      for (const o of pending) {
        candidates.add(o.left);
        candidates.add(o.right);
      }
      startAt(cheapestOf([...candidates], nodeLabels, predicates, consumed, avail, facts));
      continue;
    }
    const loose = nodesInOrder.filter((slot) => !avail.has(slot) && !shortestParts.some((p) => p.nodes.some((n) => n.slot === slot)));
    if (loose.length > 0) {
      startAt(cheapestOf(loose, nodeLabels, predicates, consumed, avail, facts));
      continue;
    }
    break;
  }

  // ── shortest paths ──
  for (const part of shortestParts) {
    for (const node of [part.nodes[0]!, part.nodes[part.nodes.length - 1]!]) if (!avail.has(node.slot)) startAt(node.slot);
    const rel = part.relationships[0]!;
    const direction: ExpandDirection = rel.direction === 'outgoing' ? 'out' : rel.direction === 'incoming' ? 'in' : 'both';
    const length = rel.length ?? { min: 1, max: 1 };
    plan = {
      op: 'ShortestPath',
      input: plan,
      from: part.nodes[0]!.slot,
      to: part.nodes[part.nodes.length - 1]!.slot,
      relationship: rel.slot,
      pathSlot: part.pathSlot,
      direction,
      types: rel.types,
      min: length.min,
      max: length.max,
      all: part.shortest === 'allShortest',
      properties: rel.properties,
    };
    avail.add(rel.slot);
    if (part.pathSlot !== null) avail.add(part.pathSlot);
  }

  // ── named paths ──
  const paths: { slot: number; expression: BExpr }[] = [];
  for (const part of match.parts) {
    if (part.pathSlot === null || part.shortest !== null) continue;
    const steps: ({ kind: 'node'; slot: number } | { kind: 'relationship'; slot: number; list: boolean })[] = [];
    part.nodes.forEach((node, i) => {
      steps.push({ kind: 'node', slot: node.slot });
      const rel = part.relationships[i];
      if (rel !== undefined) steps.push({ kind: 'relationship', slot: rel.slot, list: rel.length !== null });
    });
    paths.push({ slot: part.pathSlot, expression: { kind: 'PathBuild', steps } });
  }
  if (paths.length > 0) plan = { op: 'Projection', input: plan, items: paths };

  const remaining = predicates.filter((p) => !consumed.has(p));
  const predicate = andAll(remaining);
  if (predicate !== null) plan = { op: 'Filter', input: plan, predicate };
  return plan;
}

function propertyEquals(slot: number, name: string | null, key: string, value: BExpr): BExpr {
  return {
    kind: 'Comparison',
    operands: [{ kind: 'Property', object: { kind: 'Slot', slot, name: name ?? '' }, key }, value],
    operators: ['='],
  };
}

/** The next relationship to expand: bound variable first, then both ends bound, then one end. */
function pickRelationship(pending: readonly RelationshipOccurrence[], avail: ReadonlySet<number>): number {
  let best = -1;
  let bestRank = 0;
  pending.forEach((o, i) => {
    const left = avail.has(o.left);
    const right = avail.has(o.right);
    const rank = avail.has(o.rel.slot) ? 4 : left && right ? 3 : left || right ? 2 : 0;
    if (rank > bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  return best;
}

function expandOccurrence(plan: PlanNode, o: RelationshipOccurrence, avail: Set<number>, patternRels: readonly BoundRelationshipPattern[]): PlanNode {
  const rel = o.rel;
  if (avail.has(rel.slot)) {
    const node: PlanNode = {
      op: 'ProjectEndpoints',
      input: plan,
      relationship: rel.slot,
      left: o.left,
      right: o.right,
      direction: rel.direction,
      types: rel.types,
      leftBound: avail.has(o.left),
      rightBound: avail.has(o.right),
      list: rel.length !== null,
      min: rel.length?.min ?? 1,
      max: rel.length === null ? 1 : rel.length.max,
    };
    avail.add(o.left);
    avail.add(o.right);
    return node;
  }
  const fromLeft = avail.has(o.left);
  const from = fromLeft ? o.left : o.right;
  const to = fromLeft ? o.right : o.left;
  const mode = avail.has(to) ? 'into' : 'all';
  let direction: ExpandDirection = rel.direction === 'outgoing' ? 'out' : rel.direction === 'incoming' ? 'in' : 'both';
  if (!fromLeft && direction !== 'both') direction = direction === 'out' ? 'in' : 'out';
  const others = patternRels.filter((r) => r !== rel && r.slot !== rel.slot && avail.has(r.slot));
  const distinctFrom = others.filter((r) => r.length === null).map((r) => r.slot);
  const distinctFromLists = others.filter((r) => r.length !== null).map((r) => r.slot);
  avail.add(rel.slot);
  avail.add(to);
  if (rel.length === null) {
    return { op: 'Expand', input: plan, from, relationship: rel.slot, to, direction, types: rel.types, mode, distinctFrom, distinctFromLists };
  }
  return {
    op: 'VarExpand',
    input: plan,
    from,
    relationship: rel.slot,
    to,
    direction,
    types: rel.types,
    min: rel.length.min,
    max: rel.length.max,
    mode,
    reverse: !fromLeft,
    properties: rel.properties,
    distinctFrom,
    distinctFromLists,
  };
}

function cheapestOf(
  slots: readonly number[],
  nodeLabels: ReadonlyMap<number, string[]>,
  predicates: readonly BExpr[],
  consumed: ReadonlySet<BExpr>,
  avail: ReadonlySet<number>,
  facts: CatalogFacts,
): number {
  let best = slots[0]!;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const slot of slots) {
    const cost = cheapestAccess(slot, nodeLabels.get(slot) ?? [], predicates, consumed, avail, facts).cost;
    if (cost < bestCost) {
      best = slot;
      bestCost = cost;
    }
  }
  return best;
}

function isSlot(e: BExpr, slot: number): boolean {
  return e.kind === 'Slot' && e.slot === slot;
}

/** `n.key` → key, for the node in `slot`. */
function propertyOf(e: BExpr, slot: number): string | null {
  return e.kind === 'Property' && isSlot(e.object, slot) ? e.key : null;
}

function readsOnly(e: BExpr, avail: ReadonlySet<number>): boolean {
  const deps = slotsRead(e);
  if (deps === null) return false;
  for (const d of deps) if (!avail.has(d)) return false;
  return true;
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

function cheapestAccess(
  slot: number,
  labels: readonly string[],
  predicates: readonly BExpr[],
  consumed: ReadonlySet<BExpr>,
  avail: ReadonlySet<number>,
  facts: CatalogFacts,
): AccessPath {
  const labelPredicates = predicates.filter((p) => p.kind === 'HasLabels' && isSlot(p.subject, slot) && !consumed.has(p));
  const labelPredicate = (label: string) => labelPredicates.find((p) => p.kind === 'HasLabels' && p.labels[0] === label);
  let best: AccessPath = {
    cost: facts.nodeCount + 1,
    build: (input) => ({ op: 'AllNodesScan', input, slot }),
    consumed: [],
  };
  const consider = (path: AccessPath): void => {
    if (path.cost < best.cost) best = path;
  };
  for (const label of labels) {
    const count = facts.labelCounts.get(label) ?? 0;
    const lp = labelPredicate(label);
    consider({ cost: count, build: (input) => ({ op: 'NodeByLabelScan', input, slot, label }), consumed: lp === undefined ? [] : [lp] });
  }
  for (const p of predicates) {
    if (consumed.has(p)) continue;
    // id(n) = e / id(n) IN list
    if (p.kind === 'Comparison' && p.operators.length === 1 && p.operators[0] === '=') {
      const [a, b] = p.operands as [BExpr, BExpr];
      for (const [side, other] of [[a, b], [b, a]] as const) {
        if (side.kind === 'Function' && side.fn.name === 'id' && isSlot(side.args[0]!, slot) && readsOnly(other, avail)) {
          consider({ cost: 1, build: (input) => ({ op: 'NodeByIdSeek', input, slot, ids: other, many: false }), consumed: [p] });
        }
      }
    }
    if (p.kind === 'In' && p.element.kind === 'Function' && p.element.fn.name === 'id' && isSlot(p.element.args[0]!, slot) && readsOnly(p.list, avail)) {
      consider({ cost: 2, build: (input) => ({ op: 'NodeByIdSeek', input, slot, ids: p.list, many: true }), consumed: [p] });
    }
    for (const label of labels) {
      const count = facts.labelCounts.get(label) ?? 0;
      const lp = labelPredicate(label);
      const withLabel = (extra: BExpr[]): BExpr[] => (lp === undefined ? extra : [...extra, lp]);
      const seek = (key: string, s: IndexSeek, cost: number, used: BExpr[]): void => {
        const index = facts.indexes.get(`${label}\u0000${key}`);
        if (index === undefined) return;
        consider({ cost, build: (input) => ({ op: 'NodeIndexSeek', input, slot, label, key, index: index.name, seek: s }), consumed: withLabel(used) });
      };
      if (p.kind === 'Comparison' && p.operators.length === 1) {
        const op = p.operators[0]!;
        const [a, b] = p.operands as [BExpr, BExpr];
        for (const [side, other, flipped] of [[a, b, false], [b, a, true]] as const) {
          const key = propertyOf(side, slot);
          if (key === null || !readsOnly(other, avail)) continue;
          if (op === '=') {
            const unique = facts.indexes.get(`${label}\u0000${key}`)?.unique === true;
            seek(key, { kind: 'equal', value: other }, unique ? 1 : 10, [p]);
          } else if (op !== '<>') {
            const o = flipped ? FLIP[op]! : op;
            const bound = { value: other, inclusive: o === '<=' || o === '>=' };
            const s: IndexSeek = o === '<' || o === '<=' ? { kind: 'range', lower: null, upper: bound } : { kind: 'range', lower: bound, upper: null };
            // The range predicate stays as a filter: the seek narrows, the filter decides.
            seek(key, s, Math.max(2, count / 3), []);
          }
        }
      }
      if (p.kind === 'In') {
        const key = propertyOf(p.element, slot);
        if (key !== null && readsOnly(p.list, avail)) seek(key, { kind: 'in', list: p.list }, 20, [p]);
      }
    }
  }
  return best;
}
