// Binding WITH and RETURN: items, aggregation, DISTINCT, ORDER BY, SKIP, LIMIT, WITH ... WHERE.
//
// Scoping of ORDER BY (openCypher 9):
//   plain projection      the input variables and the new aliases (aliases win)
//   DISTINCT              only the aliases, and expressions equal to a projected expression
//   aggregation           only the aliases, expressions equal to a projected expression or
//                         grouping key, and aggregates equal to a projected aggregate
// Aggregation rules:
//   In an item that aggregates, every part outside the aggregate calls must be a grouping key
//   (an item without aggregates), built from grouping keys, or a constant; otherwise
//   AmbiguousAggregationExpression. A new aggregate in ORDER BY is InvalidAggregation.
// SKIP / LIMIT take constants only (NonConstantExpression): a negative literal is
// NegativeIntegerArgument, a non-integer literal InvalidArgumentType; parameters are
// checked when the statement runs.

import { columnName } from '../parser/index.js';
import type { Expression, Projection, ProjectionItem } from '../parser/ast.js';
import { bindExpression, containsAggregate, referencesVariables, type ExprOptions } from './bind-expression.js';
import type { AggregateExpr, BExpr, BoundProjection, ProjectionItemBinding } from './bound.js';
import type { BindContext } from './context.js';
import { exprKey } from './expr-key.js';
import { visibleNames, type Scope } from './scope.js';
import { typeOf } from './types.js';

/** Bind a WITH (with its WHERE) or RETURN; returns the clause and the scope after it. */
export function bindProjection(
  ctx: BindContext,
  projection: Projection,
  where: Expression | null,
  clause: 'WITH' | 'RETURN',
  input: Scope,
): { bound: BoundProjection; scope: Scope } {
  const aggregates: AggregateExpr[] = [];
  const slotType = (slot: number) => ctx.typeOfSlot(slot);

  // ── items ──
  interface Draft {
    name: string;
    item: ProjectionItem | null;
    expression: BExpr;
    aggregating: boolean;
  }
  const drafts: Draft[] = [];
  if (projection.star) {
    const names = visibleNames(input);
    if (clause === 'RETURN' && names.length === 0 && projection.items.length === 0) {
      throw ctx.error(projection.span, 'NoVariablesInScope', `${clause} * needs at least one variable in scope`);
    }
    for (const name of names) {
      const variable = input.get(name)!;
      drafts.push({ name, item: null, expression: { kind: 'Slot', slot: variable.slot, name }, aggregating: false });
    }
  }
  const seen = new Set(drafts.map((d) => d.name));
  for (const item of projection.items) {
    const name = columnName(item);
    if (seen.has(name)) throw ctx.error(item.span, 'ColumnNameConflict', `the column name \`${name}\` is used twice`);
    seen.add(name);
    const aggregating = containsAggregate(item.expression);
    const expression = aggregating ? placeholder() : bindExpression(ctx, item.expression, input, { aggregates: null, place: clause });
    drafts.push({ name, item, expression, aggregating });
  }
  const aggregation = drafts.some((d) => d.aggregating);

  // ── slots of the items ──
  const items: ProjectionItemBinding[] = [];
  const output: Scope = new Map();
  const groups: { slot: number; expression: BExpr }[] = [];
  for (const draft of drafts) {
    if (draft.aggregating) continue;
    const passThrough = draft.expression.kind === 'Slot' && draft.expression.name === draft.name;
    const slot = passThrough ? (draft.expression as { slot: number }).slot : ctx.allocate(draft.name, typeOf(draft.expression, slotType));
    if (aggregation) groups.push({ slot, expression: draft.expression });
    items.push({ name: draft.name, slot, expression: aggregation ? { kind: 'Slot', slot, name: draft.name } : draft.expression, passThrough });
  }
  const groupKeys = new Map<string, number>();
  for (const group of groups) groupKeys.set(exprKey(group.expression), group.slot);

  // Aggregating items, bound with grouping keys substituted (their non-aggregate parts must be grouping keys).
  const postAggregation: ExprOptions = {
    aggregates,
    place: clause,
    substitute: (e) => {
      if (isAggregateCall(e)) return undefined;
      const slot = simpleGroupingKey(ctx, e, input, groupKeys);
      if (slot !== undefined) return slot;
      if (e.kind === 'Variable') {
        throw ctx.error(
          e.span,
          'AmbiguousAggregationExpression',
          `\`${e.name}\` is used next to an aggregate but is not a grouping key: add it (or the expression using it) as its own item`,
        );
      }
      return undefined;
    },
  };
  for (const draft of drafts) {
    if (!draft.aggregating) continue;
    const expression = bindExpression(ctx, draft.item!.expression, input, postAggregation);
    const slot = ctx.allocate(draft.name, typeOf(expression, slotType));
    items.push({ name: draft.name, slot, expression, passThrough: false });
  }
  // Keep the written column order.
  const order = new Map(drafts.map((d, i) => [d.name, i]));
  items.sort((a, b) => order.get(a.name)! - order.get(b.name)!);

  for (const item of items) output.set(item.name, { name: item.name, slot: item.slot, info: ctx.typeOfSlot(item.slot) });

  // ── ORDER BY ──
  let orderBy: BoundProjection['orderBy'] = null;
  if (projection.orderBy !== null) {
    const itemKeys = new Map<string, number>();
    for (const draft of drafts) {
      if (draft.aggregating) continue;
      const item = items.find((i) => i.name === draft.name)!;
      itemKeys.set(exprKey(draft.expression), item.slot);
    }
    const aggregateKeys = new Map<string, number>();
    for (const aggregate of aggregates) aggregateKeys.set(exprKey(aggregate), aggregate.slot);
    for (const item of items) if (!item.passThrough && aggregation) itemKeys.set(exprKey(item.expression), item.slot);
    const restricted = aggregation || projection.distinct;
    let scope: Scope;
    if (restricted) scope = output;
    else {
      scope = new Map(input);
      for (const [name, variable] of output) scope.set(name, variable);
    }
    const matchAggregate = (e: Expression): BExpr => {
      if (aggregation) {
        const key = tryKey(ctx, e, input, true);
        const slot = key === undefined ? undefined : aggregateKeys.get(key);
        if (slot !== undefined) return { kind: 'Slot', slot, name: ctx.slots.nameOf(slot) };
        // Bind the arguments where ORDER BY sees them first: an unknown name is the better message.
        bindArguments(ctx, e, output);
      }
      throw ctx.error(e.span, 'InvalidAggregation', 'ORDER BY can only use an aggregate that the projection computes');
    };
    // A sort key without aggregates may use any projected expression.
    const plain: ExprOptions = {
      aggregates: null,
      place: 'ORDER BY',
      substitute: restricted
        ? (e) => {
            if (isAggregateCall(e)) return matchAggregate(e);
            const key = tryKey(ctx, e, input);
            const slot = key === undefined ? undefined : itemKeys.get(key);
            if (slot !== undefined) return { kind: 'Slot', slot, name: ctx.slots.nameOf(slot) };
            return undefined;
          }
        : undefined,
    };
    // A sort key with aggregates: only variables and properties may stand for projected items.
    const aggregating: ExprOptions = {
      aggregates: null,
      place: 'ORDER BY',
      substitute: (e) => {
        if (isAggregateCall(e)) return matchAggregate(e);
        return simpleGroupingKey(ctx, e, input, itemKeys);
      },
    };
    orderBy = projection.orderBy.map((sort) => ({
      expression: bindExpression(ctx, sort.expression, scope, containsAggregate(sort.expression) ? aggregating : plain),
      descending: sort.descending,
    }));
  }

  const skip = projection.skip === null ? null : bindCount(ctx, projection.skip, 'SKIP');
  const limit = projection.limit === null ? null : bindCount(ctx, projection.limit, 'LIMIT');
  // WHERE sees the new names and, without aggregation, the variables before the WITH too.
  let whereScope: Scope = output;
  if (!aggregation) {
    whereScope = new Map(input);
    for (const [name, variable] of output) whereScope.set(name, variable);
  }
  const boundWhere = where === null ? null : bindExpression(ctx, where, whereScope, { aggregates: null, place: 'WHERE' });
  if (where !== null) checkPredicateType(ctx, where, boundWhere!);
  const itemSlots = new Set(items.map((item) => item.slot));
  const dropped = new Set([...input.values()].map((v) => v.slot).filter((slot) => !itemSlots.has(slot)));
  const whereBeforeProjectionEnds = boundWhere !== null && readsAnySlot(boundWhere, dropped);
  for (const item of projection.items) {
    if (clause === 'WITH' && item.alias === null && item.expression.kind !== 'Variable') {
      throw ctx.error(item.span, 'NoExpressionAlias', `an expression in WITH must be aliased (use AS): ${item.text}`);
    }
  }

  const bound: BoundProjection = {
    kind: 'Projection',
    clause,
    items,
    distinct: projection.distinct,
    aggregation: aggregation ? { groups, aggregates } : null,
    orderBy,
    skip,
    limit,
    where: boundWhere,
    whereBeforeProjectionEnds,
  };
  return { bound, scope: output };
}

/**
 * The slot of the projected item `e` stands for, when `e` is a variable or a property access
 * (the only forms allowed next to an aggregate); AmbiguousAggregationExpression when a more
 * complex expression matches an item.
 */
function simpleGroupingKey(ctx: BindContext, e: Expression, input: Scope, keys: ReadonlyMap<string, number>): BExpr | undefined {
  const key = tryKey(ctx, e, input);
  const slot = key === undefined ? undefined : keys.get(key);
  if (slot === undefined) return undefined;
  if (e.kind === 'Variable' || e.kind === 'PropertyAccess') return { kind: 'Slot', slot, name: ctx.slots.nameOf(slot) };
  throw ctx.error(
    e.span,
    'AmbiguousAggregationExpression',
    'only a variable or a property of a grouping key may be used next to an aggregate, not a larger expression (even a projected one)',
  );
}

/** True when `e` reads one of `slots` (variables the projection drops). */
function readsAnySlot(e: BExpr, slots: ReadonlySet<number>): boolean {
  let found = false;
  const visit = (x: unknown): void => {
    if (found || typeof x !== 'object' || x === null) return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item);
      return;
    }
    const node = x as { kind?: string; slot?: number };
    if (node.kind === 'Slot' && node.slot !== undefined && slots.has(node.slot)) {
      found = true;
      return;
    }
    for (const value of Object.values(x)) if (typeof value === 'object') visit(value);
  };
  visit(e);
  return found;
}

/** WHERE must be a boolean (or unknown): `WHERE (n)` is InvalidArgumentType. */
export function checkPredicateType(ctx: BindContext, where: Expression, bound: BExpr): void {
  const type = typeOf(bound, (slot) => ctx.typeOfSlot(slot)).type;
  if (type !== 'BOOLEAN' && type !== 'ANY' && type !== 'NULL') {
    throw ctx.error(where.span, 'InvalidArgumentType', `WHERE needs a boolean, not a ${type}`);
  }
}

function placeholder(): BExpr {
  return { kind: 'Literal', value: null };
}

function isAggregateCall(e: Expression): boolean {
  if (e.kind === 'CountStar') return true;
  return e.kind === 'FunctionCall' && containsAggregate(e) && !e.arguments.some(containsAggregate);
}

/** The structural key of `e` bound in `scope`, or undefined when it does not bind there. */
function tryKey(ctx: BindContext, e: Expression, scope: Scope, allowAggregates = false): string | undefined {
  if (!allowAggregates && containsAggregate(e)) return undefined;
  try {
    return exprKey(bindExpression(ctx, e, scope, { aggregates: allowAggregates ? [] : null }));
  } catch {
    return undefined;
  }
}

function bindArguments(ctx: BindContext, e: Expression, scope: Scope): void {
  if (e.kind !== 'FunctionCall') return;
  for (const arg of e.arguments) bindExpression(ctx, arg, scope, { aggregates: null, place: 'ORDER BY' });
}

/** SKIP / LIMIT: a constant non-negative integer, or an expression of parameters checked at run time. */
function bindCount(ctx: BindContext, expr: Expression, what: string): BExpr {
  if (referencesVariables(expr)) {
    throw ctx.error(expr.span, 'NonConstantExpression', `${what} needs a constant or a parameter, not an expression over variables`);
  }
  const bound = bindExpression(ctx, expr, new Map(), { aggregates: null, place: what });
  if (bound.kind === 'Literal') {
    const value = bound.value;
    if (typeof value === 'bigint') {
      if (value < 0n) throw ctx.error(expr.span, 'NegativeIntegerArgument', `${what} cannot be negative, got ${value}`);
    } else {
      throw ctx.error(expr.span, 'InvalidArgumentType', `${what} needs an INTEGER`);
    }
  }
  return bound;
}
