// What the planner needs to know about bound expressions: which slots they read, their
// conjuncts, and the subqueries inside them.

import type { BExpr, BoundClause, BoundMatch, BoundSingleQuery } from '../binder/index.js';

/** Direct sub-expressions (subquery bodies excluded). */
export function exprChildren(e: BExpr): BExpr[] {
  switch (e.kind) {
    case 'Literal':
    case 'Parameter':
    case 'Slot':
    case 'PathBuild':
    case 'Exists':
      return [];
    case 'Property':
      return [e.object];
    case 'Index':
      return [e.object, e.index];
    case 'Slice':
      return [e.object, ...(e.from === null ? [] : [e.from]), ...(e.to === null ? [] : [e.to])];
    case 'HasLabels':
      return [e.subject];
    case 'Unary':
      return [e.operand];
    case 'Arithmetic':
    case 'Logical':
    case 'StringPredicate':
      return [e.left, e.right];
    case 'Comparison':
      return [...e.operands];
    case 'In':
      return [e.element, e.list];
    case 'IsNull':
      return [e.operand];
    case 'Function':
    case 'Aggregate':
      return [...e.args];
    case 'Case':
      return [...(e.test === null ? [] : [e.test]), ...e.alternatives.flatMap((a) => [a.when, a.then]), ...(e.else === null ? [] : [e.else])];
    case 'List':
      return [...e.elements];
    case 'Map':
      return [...e.values];
    case 'ListComprehension':
      return [e.list, ...(e.where === null ? [] : [e.where]), ...(e.projection === null ? [] : [e.projection])];
    case 'Quantifier':
      return [e.list, ...(e.where === null ? [] : [e.where])];
    case 'Reduce':
      return [e.init, e.list, e.expression];
    case 'MapProjection':
      return [e.subject, ...e.items.flatMap((item) => (item.kind === 'entry' ? [item.value] : []))];
    case 'PatternComprehension':
      return [e.projection];
  }
}

/** True when a subquery (EXISTS, pattern predicate, pattern comprehension) is inside. */
export function hasSubquery(e: BExpr): boolean {
  if (e.kind === 'Exists' || e.kind === 'PatternComprehension') return true;
  return exprChildren(e).some(hasSubquery);
}

/**
 * Slots the expression reads from its row (its dependencies). Slots bound inside it (a
 * comprehension's variable) are not dependencies. For subqueries this is conservative: it
 * returns null, meaning "do not move this expression".
 */
export function slotsRead(e: BExpr): Set<number> | null {
  const out = new Set<number>();
  const local = new Set<number>();
  let movable = true;
  const visit = (x: BExpr): void => {
    switch (x.kind) {
      case 'Slot':
        out.add(x.slot);
        return;
      case 'Aggregate':
        out.add(x.slot);
        return;
      case 'PathBuild':
        for (const step of x.steps) out.add(step.slot);
        return;
      case 'Exists':
      case 'PatternComprehension':
        movable = false;
        return;
      case 'ListComprehension':
      case 'Quantifier':
        local.add(x.slot);
        break;
      case 'Reduce':
        local.add(x.slot);
        local.add(x.accumulator);
        break;
      default:
        break;
    }
    for (const child of exprChildren(x)) visit(child);
  };
  visit(e);
  if (!movable) return null;
  for (const slot of local) out.delete(slot);
  return out;
}

/** The AND-ed parts of a predicate. */
export function conjuncts(e: BExpr | null): BExpr[] {
  if (e === null) return [];
  if (e.kind === 'Logical' && e.operator === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

/** AND of predicates (null for none). */
export function andAll(predicates: readonly BExpr[]): BExpr | null {
  let out: BExpr | null = null;
  for (const p of predicates) out = out === null ? p : { kind: 'Logical', operator: 'AND', left: out, right: p };
  return out;
}

/** Every subquery expression inside `e` (not descending into the subqueries themselves). */
export function subqueriesOf(e: BExpr, out: BExpr[] = []): BExpr[] {
  if (e.kind === 'Exists' || e.kind === 'PatternComprehension') {
    out.push(e);
    if (e.kind === 'PatternComprehension') subqueriesOf(e.projection, out);
    return out;
  }
  for (const child of exprChildren(e)) subqueriesOf(child, out);
  return out;
}

/** Every expression a clause holds (for finding its subqueries). */
export function clauseExpressions(clause: BoundClause): BExpr[] {
  switch (clause.kind) {
    case 'Match':
      return matchExpressions(clause);
    case 'Unwind':
      return [clause.expression];
    case 'Projection':
      return [
        ...clause.items.map((i) => i.expression),
        ...(clause.aggregation?.groups.map((g) => g.expression) ?? []),
        ...(clause.aggregation?.aggregates ?? []),
        ...(clause.orderBy?.map((o) => o.expression) ?? []),
        ...(clause.skip === null ? [] : [clause.skip]),
        ...(clause.limit === null ? [] : [clause.limit]),
        ...(clause.where === null ? [] : [clause.where]),
      ];
    default:
      return [];
  }
}

export function matchExpressions(match: BoundMatch): BExpr[] {
  const out: BExpr[] = [];
  for (const part of match.parts) {
    for (const node of part.nodes) for (const p of node.properties) out.push(p.value);
    for (const rel of part.relationships) for (const p of rel.properties) out.push(p.value);
  }
  if (match.where !== null) out.push(match.where);
  return out;
}

export type { BoundSingleQuery };
