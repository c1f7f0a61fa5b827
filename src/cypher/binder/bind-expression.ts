// Binding expressions: names → slots, functions → definitions, aggregates → result slots,
// with the compile-time checks openCypher expects of expressions:
//   UndefinedVariable, UnknownFunction, InvalidNumberOfArguments, InvalidArgumentType (a
//   statically known wrong operand or argument type), InvalidAggregation (an aggregate where
//   none is allowed), NestedAggregation (an aggregate inside an aggregate's argument).
// Constant lists of literals fold into one Literal (so `[1, 2, 3]` costs nothing per row).

import { SemanticError } from '../../errors.js';
import type { Expression, MapProjection } from '../parser/ast.js';
import { lookupAggregate } from '../runtime/aggregates.js';
import { checkArgumentTypes, resolveFunction } from '../runtime/functions.js';
import type { Value } from '../runtime/values.js';
import { bindPatternForSubquery } from './bind-pattern.js';
import { bindSubqueryBody } from './bind-query.js';
import type { AggregateExpr, BExpr, MapProjectionEntry } from './bound.js';
import type { BindContext } from './context.js';
import { withPosition } from './errors.js';
import { ANY_TYPE, type Scope } from './scope.js';
import { elementTypeOf, operatorAlwaysFails, propertyAccessAlwaysFails, typeOf } from './types.js';

export interface ExprOptions {
  /** Where aggregate calls are collected; null when aggregates are not allowed here. */
  readonly aggregates: AggregateExpr[] | null;
  /** Set while binding an aggregate's arguments (NestedAggregation). */
  readonly inAggregate?: boolean;
  /** Consulted first at every node: a replacement (e.g. a grouping key's slot), or undefined. */
  readonly substitute?: (expr: Expression) => BExpr | undefined;
  /** Names the place, for InvalidAggregation messages ("WHERE", "ORDER BY", ...). */
  readonly place?: string;
}

export const NO_AGGREGATES: ExprOptions = { aggregates: null };

/** Bind `expr` in `scope`. Throws SemanticError for the problems listed in the header. */
export function bindExpression(ctx: BindContext, expr: Expression, scope: Scope, options: ExprOptions = NO_AGGREGATES): BExpr {
  if (options.substitute !== undefined) {
    const replaced = options.substitute(expr);
    if (replaced !== undefined) return replaced;
  }
  const sub = (e: Expression): BExpr => bindExpression(ctx, e, scope, options);
  const slotType = (slot: number) => ctx.typeOfSlot(slot);
  switch (expr.kind) {
    case 'IntegerLiteral':
    case 'FloatLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
      return { kind: 'Literal', value: expr.value };
    case 'NullLiteral':
      return { kind: 'Literal', value: null };
    case 'ListLiteral': {
      const elements = expr.elements.map(sub);
      if (elements.every((e) => e.kind === 'Literal')) {
        return { kind: 'Literal', value: elements.map((e) => (e as { value: Value }).value) };
      }
      return { kind: 'List', elements };
    }
    case 'MapLiteral':
      return {
        kind: 'Map',
        keys: expr.entries.map((entry) => entry.key.name),
        values: expr.entries.map((entry) => sub(entry.value)),
      };
    case 'Parameter':
      ctx.parameters.add(expr.name);
      return { kind: 'Parameter', name: expr.name };
    case 'Variable': {
      const variable = scope.get(expr.name);
      if (variable === undefined) throw ctx.error(expr.span, 'UndefinedVariable', `variable \`${expr.name}\` is not defined`, { variable: expr.name });
      return { kind: 'Slot', slot: variable.slot, name: expr.name };
    }
    case 'PropertyAccess': {
      const object = sub(expr.object);
      const type = typeOf(object, slotType).type;
      if (propertyAccessAlwaysFails(type)) {
        throw ctx.error(expr.key.span, 'InvalidArgumentType', `property access .${expr.key.name} needs a node, relationship or map, not a ${type}`);
      }
      ctx.propertyKeys.add(expr.key.name);
      return { kind: 'Property', object, key: expr.key.name };
    }
    case 'IndexAccess':
      return { kind: 'Index', object: sub(expr.object), index: sub(expr.index) };
    case 'SliceAccess':
      return {
        kind: 'Slice',
        object: sub(expr.object),
        from: expr.from === null ? null : sub(expr.from),
        to: expr.to === null ? null : sub(expr.to),
      };
    case 'LabelTest': {
      for (const label of expr.labels) ctx.labels.add(label.name);
      return { kind: 'HasLabels', subject: sub(expr.subject), labels: expr.labels.map((l) => l.name) };
    }
    case 'Unary': {
      const operand = sub(expr.operand);
      checkOperator(ctx, expr, `unary${expr.operator}`, [operand]);
      if (operand.kind === 'Literal' && expr.operator === '-' && typeof operand.value === 'number') return { kind: 'Literal', value: -operand.value };
      return { kind: 'Unary', operator: expr.operator, operand };
    }
    case 'Not': {
      const operand = sub(expr.operand);
      checkOperator(ctx, expr, 'NOT', [operand]);
      return { kind: 'Unary', operator: 'NOT', operand };
    }
    case 'Binary': {
      const left = sub(expr.left);
      const right = sub(expr.right);
      checkOperator(ctx, expr, expr.operator, [left, right]);
      return { kind: 'Arithmetic', operator: expr.operator, left, right };
    }
    case 'Logical': {
      const left = sub(expr.left);
      const right = sub(expr.right);
      checkOperator(ctx, expr, expr.operator, [left, right]);
      return { kind: 'Logical', operator: expr.operator, left, right };
    }
    case 'Comparison':
      return { kind: 'Comparison', operands: expr.operands.map(sub), operators: expr.operators };
    case 'StringPredicate':
      return { kind: 'StringPredicate', operator: expr.operator, left: sub(expr.left), right: sub(expr.right) };
    case 'InList': {
      const list = sub(expr.list);
      const type = typeOf(list, slotType).type;
      if (type !== 'LIST' && type !== 'ANY' && type !== 'NULL') {
        throw ctx.error(expr.list.span, 'InvalidArgumentType', `IN needs a list on its right, not a ${type}`);
      }
      return { kind: 'In', element: sub(expr.element), list };
    }
    case 'IsNull':
      return { kind: 'IsNull', operand: sub(expr.operand), negated: expr.negated };
    case 'FunctionCall':
      return bindFunctionCall(ctx, expr, scope, options);
    case 'CountStar':
      return bindAggregate(ctx, expr, 'count*', false, [], scope, options);
    case 'Case':
      return {
        kind: 'Case',
        test: expr.test === null ? null : sub(expr.test),
        alternatives: expr.alternatives.map((alt) => ({ when: sub(alt.when), then: sub(alt.then) })),
        else: expr.else === null ? null : sub(expr.else),
      };
    case 'ListComprehension': {
      const list = sub(expr.list);
      const inner = new Map(scope);
      const slot = ctx.allocate(expr.variable.name, elementTypeOf(list, slotType));
      inner.set(expr.variable.name, { name: expr.variable.name, slot, info: ctx.typeOfSlot(slot) });
      const innerOptions: ExprOptions = { aggregates: null, place: 'a list comprehension' };
      return {
        kind: 'ListComprehension',
        slot,
        list,
        where: expr.where === null ? null : bindExpression(ctx, expr.where, inner, innerOptions),
        projection: expr.projection === null ? null : bindExpression(ctx, expr.projection, inner, innerOptions),
      };
    }
    case 'Quantifier': {
      const list = sub(expr.list);
      const type = typeOf(list, slotType).type;
      if (type !== 'LIST' && type !== 'ANY' && type !== 'NULL') {
        throw ctx.error(expr.list.span, 'InvalidArgumentType', `${expr.quantifier}() needs a list, not a ${type}`);
      }
      const inner = new Map(scope);
      const slot = ctx.allocate(expr.variable.name, elementTypeOf(list, slotType));
      inner.set(expr.variable.name, { name: expr.variable.name, slot, info: ctx.typeOfSlot(slot) });
      const where = expr.where === null ? null : bindExpression(ctx, expr.where, inner, { aggregates: null, place: 'a quantifier' });
      return { kind: 'Quantifier', quantifier: expr.quantifier, slot, list, where };
    }
    case 'Reduce': {
      const init = sub(expr.init);
      const list = sub(expr.list);
      const inner = new Map(scope);
      const accumulator = ctx.allocate(expr.accumulator.name, ANY_TYPE);
      const slot = ctx.allocate(expr.variable.name, elementTypeOf(list, slotType));
      inner.set(expr.accumulator.name, { name: expr.accumulator.name, slot: accumulator, info: ANY_TYPE });
      inner.set(expr.variable.name, { name: expr.variable.name, slot, info: ctx.typeOfSlot(slot) });
      const expression = bindExpression(ctx, expr.expression, inner, { aggregates: null, place: 'reduce()' });
      return { kind: 'Reduce', accumulator, init, slot, list, expression };
    }
    case 'MapProjection':
      return bindMapProjection(ctx, expr, scope, options);
    case 'PatternComprehension': {
      const inner = new Map(scope);
      const match = bindPatternForSubquery(ctx, expr.pattern, expr.variable, inner, false);
      const where = expr.where === null ? null : bindExpression(ctx, expr.where, inner, { aggregates: null, place: 'a pattern comprehension' });
      const projection = bindExpression(ctx, expr.projection, inner, { aggregates: null, place: 'a pattern comprehension' });
      return { kind: 'PatternComprehension', match: { ...match, where }, projection, outer: outerSlots(scope) };
    }
    case 'PatternPredicate': {
      const inner = new Map(scope);
      const match = bindPatternForSubquery(ctx, expr.pattern, null, inner, true);
      return { kind: 'Exists', query: { clauses: [match], columns: [], columnSlots: [] }, outer: outerSlots(scope) };
    }
    case 'ExistsSubquery':
      return { kind: 'Exists', query: bindSubqueryBody(ctx, expr.query, scope), outer: outerSlots(scope) };
  }
}

function outerSlots(scope: Scope): number[] {
  return [...scope.values()].map((variable) => variable.slot);
}

function checkOperator(ctx: BindContext, expr: Expression, operator: string, operands: readonly BExpr[]): void {
  const types = operands.map((operand) => typeOf(operand, (slot) => ctx.typeOfSlot(slot)).type);
  if (operatorAlwaysFails(operator, types)) {
    const shown = operator.startsWith('unary') ? operator.slice(5) : operator;
    throw ctx.error(expr.span, 'InvalidArgumentType', `operator ${shown} cannot be applied to ${types.join(' and ')}`, { operator: shown, types });
  }
}

function bindFunctionCall(
  ctx: BindContext,
  expr: Extract<Expression, { kind: 'FunctionCall' }>,
  scope: Scope,
  options: ExprOptions,
): BExpr {
  const name = [...expr.name.namespace, expr.name.name].join('.');
  if (expr.name.namespace.length === 0) {
    const aggregate = lookupAggregate(expr.name.name);
    if (aggregate !== undefined) {
      if (expr.arguments.length < aggregate.minArgs || expr.arguments.length > aggregate.maxArgs) {
        throw ctx.error(expr.span, 'InvalidNumberOfArguments', `${aggregate.name}() takes ${aggregate.minArgs} argument(s), got ${expr.arguments.length}`);
      }
      return bindAggregate(ctx, expr, aggregate.name, expr.distinct, expr.arguments, scope, options);
    }
    // exists(pattern) is a pattern predicate written as a function.
    if (expr.name.name.toLowerCase() === 'exists' && expr.arguments.length === 1) {
      const arg = expr.arguments[0]!;
      if (arg.kind === 'PatternPredicate') return bindExpression(ctx, arg, scope, options);
    }
  }
  let definition;
  try {
    definition = resolveFunction(name, expr.arguments.length);
  } catch (error) {
    if (error instanceof SemanticError) throw withPosition(error, ctx.source, expr.name.span);
    throw error;
  }
  const args = expr.arguments.map((arg) => bindExpression(ctx, arg, scope, options));
  // range() reports wrong argument types at run time (TCK List11 [5] expects an ArgumentError).
  if (definition.name !== 'range') {
    try {
      checkArgumentTypes(
        definition,
        args.map((arg) => typeOf(arg, (slot) => ctx.typeOfSlot(slot)).type),
      );
    } catch (error) {
      if (error instanceof SemanticError) throw withPosition(error, ctx.source, expr.span);
      throw error;
    }
  }
  return { kind: 'Function', fn: definition, args };
}

function bindAggregate(
  ctx: BindContext,
  expr: Expression,
  name: string,
  distinct: boolean,
  argExprs: readonly Expression[],
  scope: Scope,
  options: ExprOptions,
): BExpr {
  if (options.inAggregate === true) {
    throw ctx.error(expr.span, 'NestedAggregation', 'an aggregate function cannot be used inside the argument of another aggregate');
  }
  if (options.aggregates === null) {
    throw ctx.error(expr.span, 'InvalidAggregation', `aggregate functions are not allowed in ${options.place ?? 'this place'}`);
  }
  const inner: ExprOptions = { aggregates: options.aggregates, inAggregate: true, place: options.place };
  const args = argExprs.map((arg) => bindExpression(ctx, arg, scope, inner));
  if (args.some(nonDeterministic)) {
    throw ctx.error(expr.span, 'NonConstantExpression', 'an aggregate function cannot aggregate a non-deterministic (random) expression');
  }
  const aggregate: AggregateExpr = { kind: 'Aggregate', name, distinct, args, slot: ctx.allocate(null) };
  options.aggregates.push(aggregate);
  return aggregate;
}

function nonDeterministic(e: BExpr): boolean {
  if (e.kind === 'Function' && !e.fn.deterministic) return true;
  for (const key of Object.keys(e) as (keyof typeof e)[]) {
    const value = e[key] as unknown;
    if (Array.isArray(value)) {
      for (const item of value) if (isExpr(item) && nonDeterministic(item)) return true;
    } else if (isExpr(value) && nonDeterministic(value)) return true;
  }
  return false;
}

function isExpr(value: unknown): value is BExpr {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && !('clauses' in value);
}

function bindMapProjection(ctx: BindContext, expr: MapProjection, scope: Scope, options: ExprOptions): BExpr {
  const subject = bindExpression(ctx, expr.subject, scope, options);
  const items: MapProjectionEntry[] = [];
  for (const item of expr.items) {
    switch (item.kind) {
      case 'PropertySelector':
        items.push({ kind: 'property', key: item.key.name });
        break;
      case 'AllPropertiesSelector':
        items.push({ kind: 'all' });
        break;
      case 'LiteralEntry':
        items.push({ kind: 'entry', key: item.key.name, value: bindExpression(ctx, item.value, scope, options) });
        break;
      case 'VariableSelector':
        items.push({ kind: 'entry', key: item.variable.name, value: bindExpression(ctx, item.variable, scope, options) });
        break;
    }
  }
  return { kind: 'MapProjection', subject, items };
}

/** True when the expression contains an aggregate call (outside nested subqueries). */
export function containsAggregate(expr: Expression): boolean {
  const stack: Expression[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === 'CountStar') return true;
    if (e.kind === 'FunctionCall' && e.name.namespace.length === 0 && lookupAggregate(e.name.name) !== undefined) return true;
    if (e.kind === 'ExistsSubquery' || e.kind === 'PatternPredicate') continue;
    for (const child of expressionChildren(e)) stack.push(child);
  }
  return false;
}

/** Direct sub-expressions (not patterns or subqueries). */
export function expressionChildren(e: Expression): Expression[] {
  switch (e.kind) {
    case 'ListLiteral':
      return [...e.elements];
    case 'MapLiteral':
      return e.entries.map((entry) => entry.value);
    case 'PropertyAccess':
      return [e.object];
    case 'IndexAccess':
      return [e.object, e.index];
    case 'SliceAccess':
      return [e.object, ...(e.from === null ? [] : [e.from]), ...(e.to === null ? [] : [e.to])];
    case 'LabelTest':
      return [e.subject];
    case 'Unary':
    case 'Not':
    case 'IsNull':
      return [e.operand];
    case 'Binary':
    case 'Logical':
    case 'StringPredicate':
      return [e.left, e.right];
    case 'Comparison':
      return [...e.operands];
    case 'InList':
      return [e.element, e.list];
    case 'FunctionCall':
      return [...e.arguments];
    case 'Case':
      return [
        ...(e.test === null ? [] : [e.test]),
        ...e.alternatives.flatMap((alt) => [alt.when, alt.then]),
        ...(e.else === null ? [] : [e.else]),
      ];
    case 'ListComprehension':
      return [e.list, ...(e.where === null ? [] : [e.where]), ...(e.projection === null ? [] : [e.projection])];
    case 'Quantifier':
      return [e.list, ...(e.where === null ? [] : [e.where])];
    case 'Reduce':
      return [e.init, e.list, e.expression];
    case 'MapProjection':
      return e.items.flatMap((item) => (item.kind === 'LiteralEntry' ? [item.value] : item.kind === 'VariableSelector' ? [item.variable] : []));
    case 'PatternComprehension':
      return [...(e.where === null ? [] : [e.where]), e.projection];
    default:
      return [];
  }
}

/** True when the expression reads any variable (so it is not a constant for SKIP/LIMIT). */
export function referencesVariables(expr: Expression): boolean {
  const stack: Expression[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === 'Variable' || e.kind === 'PatternPredicate' || e.kind === 'ExistsSubquery' || e.kind === 'PatternComprehension') return true;
    for (const child of expressionChildren(e)) stack.push(child);
  }
  return false;
}
