// Binding queries and clauses: the scope walk through a SingleQuery, UNION, subquery bodies
// (EXISTS { ... }), updating clauses, CALL and FOREACH.
//
// Clause rules checked here (TCK details): VariableAlreadyBound (UNWIND / YIELD / FOREACH into
// a bound name, MERGE of a bound node), DifferentColumnsInUnion, ProcedureNotFound,
// InvalidNumberOfArguments (CALL), InvalidArgumentType (DELETE of a non-entity), and
// UndefinedVariable for every name read.

import type { CallClause, Clause, Expression, ForeachClause, MergeClause, Query, RemoveClause, SetItem, SingleQuery } from '../parser/ast.js';
import { bindExpression, NO_AGGREGATES } from './bind-expression.js';
import { bindCreatePattern, bindMatchPattern, mergeCreatePath } from './bind-pattern.js';
import { bindProjection, checkPredicateType } from './bind-projection.js';
import type { BExpr, BoundCall, BoundClause, BoundMerge, BoundSetItem, BoundSingleQuery } from './bound.js';
import type { BindContext } from './context.js';
import type { Scope } from './scope.js';
import { elementTypeOf, typeOf } from './types.js';

/** Bind a top-level query (with its unions). */
export function bindQuery(ctx: BindContext, query: Query): { parts: BoundSingleQuery[]; columns: string[] } {
  const parts = query.parts.map((part) => bindSingleQuery(ctx, part, new Map(), false).bound);
  const columns = [...parts[0]!.columns];
  for (let i = 1; i < parts.length; i++) {
    const other = parts[i]!.columns;
    const same = other.length === columns.length && other.every((name) => columns.includes(name));
    if (!same) {
      throw ctx.error(query.parts[i]!.span, 'DifferentColumnsInUnion', `all parts of a UNION must return the same columns: (${columns.join(', ')}) vs (${other.join(', ')})`);
    }
  }
  return { parts, columns };
}

/** The body of EXISTS { ... }: sees the outer scope; its own variables stay inside. */
export function bindSubqueryBody(ctx: BindContext, query: Query, outer: Scope): BoundSingleQuery {
  if (query.parts.length !== 1) {
    throw ctx.error(query.parts[1]!.span, 'InvalidClauseComposition', 'UNION is not supported inside EXISTS { ... }');
  }
  const part = query.parts[0]!;
  for (const clause of part.clauses) {
    if (clause.kind === 'Create' || clause.kind === 'Merge' || clause.kind === 'Set' || clause.kind === 'Remove' || clause.kind === 'Delete' || clause.kind === 'Foreach') {
      throw ctx.error(clause.span, 'InvalidClauseComposition', 'an EXISTS subquery cannot change the graph');
    }
  }
  return bindSingleQuery(ctx, part, outer, true).bound;
}

export function bindSingleQuery(ctx: BindContext, query: SingleQuery, outer: Scope, subquery: boolean): { bound: BoundSingleQuery; scope: Scope } {
  let scope: Scope = new Map(outer);
  const clauses: BoundClause[] = [];
  let columns: string[] = [];
  let columnSlots: number[] = [];
  for (const clause of query.clauses) {
    const result = bindClause(ctx, clause, scope);
    clauses.push(...result.bound);
    scope = result.scope;
    if (clause.kind === 'Return') {
      const projection = result.bound[0]!;
      if (projection.kind === 'Projection') {
        columns = projection.items.map((item) => item.name);
        columnSlots = projection.items.map((item) => item.slot);
      }
    } else if (clause.kind === 'Call' && clause.standalone && !subquery) {
      const call = result.bound[0] as BoundCall;
      columns = call.yields.map((y) => y.name);
      columnSlots = call.yields.map((y) => y.slot);
    }
  }
  return { bound: { clauses, columns, columnSlots }, scope };
}

function bindClause(ctx: BindContext, clause: Clause, scope: Scope): { bound: BoundClause[]; scope: Scope } {
  switch (clause.kind) {
    case 'Match': {
      const next = new Map(scope);
      const pattern = bindMatchPattern(ctx, clause.pattern, next, 'match');
      const where = clause.where === null ? null : bindExpression(ctx, clause.where, next, { aggregates: null, place: 'WHERE' });
      if (clause.where !== null) checkPredicateType(ctx, clause.where, where!);
      return { bound: [{ kind: 'Match', optional: clause.optional, parts: pattern.parts, where, newSlots: pattern.newSlots }], scope: next };
    }
    case 'Unwind': {
      const expression = bindExpression(ctx, clause.expression, scope, { aggregates: null, place: 'UNWIND' });
      const name = clause.variable.name;
      if (scope.has(name)) throw ctx.error(clause.variable.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound`);
      const info = elementTypeOf(expression, (slot) => ctx.typeOfSlot(slot));
      const slot = ctx.allocate(name, info);
      const next = new Map(scope);
      next.set(name, { name, slot, info });
      return { bound: [{ kind: 'Unwind', expression, slot }], scope: next };
    }
    case 'With': {
      const { bound, scope: next } = bindProjection(ctx, clause.projection, clause.where, 'WITH', scope);
      return { bound: [bound], scope: next };
    }
    case 'Return': {
      const { bound, scope: next } = bindProjection(ctx, clause.projection, null, 'RETURN', scope);
      return { bound: [bound], scope: next };
    }
    case 'Create': {
      ctx.isWrite = true;
      const next = new Map(scope);
      const paths = bindCreatePattern(ctx, clause.pattern, next);
      return { bound: [{ kind: 'Create', paths }], scope: next };
    }
    case 'Merge':
      return bindMerge(ctx, clause, scope);
    case 'Set':
      ctx.isWrite = true;
      return { bound: [{ kind: 'Set', items: bindSetItems(ctx, clause.items, scope) }], scope };
    case 'Remove':
      ctx.isWrite = true;
      return { bound: [{ kind: 'Set', items: bindRemoveItems(ctx, clause, scope) }], scope };
    case 'Delete': {
      ctx.isWrite = true;
      const expressions = clause.expressions.map((e) => bindDeleteTarget(ctx, e, scope));
      return { bound: [{ kind: 'Delete', detach: clause.detach, expressions }], scope };
    }
    case 'Foreach':
      return bindForeach(ctx, clause, scope);
    case 'Call':
      return bindCall(ctx, clause, scope);
  }
}

function bindDeleteTarget(ctx: BindContext, e: Expression, scope: Scope): BExpr {
  const bound = bindExpression(ctx, e, scope, { aggregates: null, place: 'DELETE' });
  const type = typeOf(bound, (slot) => ctx.typeOfSlot(slot)).type;
  if (type !== 'NODE' && type !== 'RELATIONSHIP' && type !== 'PATH' && type !== 'ANY' && type !== 'NULL') {
    throw ctx.error(e.span, 'InvalidArgumentType', `DELETE takes nodes, relationships or paths, not a ${type}`);
  }
  return bound;
}

function bindMerge(ctx: BindContext, clause: MergeClause, scope: Scope): { bound: BoundClause[]; scope: Scope } {
  ctx.isWrite = true;
  const path = clause.pattern.path;
  if (path.relationships.length === 0) {
    const variable = path.nodes[0]!.variable;
    if (variable !== null && scope.has(variable.name)) {
      throw ctx.error(variable.span, 'VariableAlreadyBound', `variable \`${variable.name}\` is already bound: MERGE cannot create it again`);
    }
  }
  const next = new Map(scope);
  const pattern = bindMatchPattern(ctx, [clause.pattern], next, 'merge');
  const part = pattern.parts[0]!;
  const create = mergeCreatePath(part, pattern.newSlots, (element) =>
    element.properties.length === 0 ? null : { kind: 'Map', keys: element.properties.map((p) => p.key), values: element.properties.map((p) => p.value) },
  );
  const onMatch: BoundSetItem[] = [];
  const onCreate: BoundSetItem[] = [];
  for (const action of clause.actions) {
    const items = bindSetItems(ctx, action.items, next);
    (action.on === 'match' ? onMatch : onCreate).push(...items);
  }
  const merge: BoundMerge = {
    kind: 'Merge',
    match: { kind: 'Match', optional: false, parts: pattern.parts, where: null, newSlots: pattern.newSlots },
    create,
    onMatch,
    onCreate,
  };
  return { bound: [merge], scope: next };
}

function bindSetItems(ctx: BindContext, items: readonly SetItem[], scope: Scope): BoundSetItem[] {
  const opts = { aggregates: null, place: 'SET' } as const;
  return items.map((item): BoundSetItem => {
    switch (item.kind) {
      case 'SetProperty':
        ctx.propertyKeys.add(item.property.key.name);
        return {
          kind: 'SetProperty',
          target: bindExpression(ctx, item.property.object, scope, opts),
          key: item.property.key.name,
          value: bindExpression(ctx, item.value, scope, opts),
        };
      case 'SetAllProperties':
        return {
          kind: 'SetAll',
          target: bindExpression(ctx, item.variable, scope, opts),
          mode: item.mode,
          value: bindExpression(ctx, item.value, scope, opts),
        };
      case 'SetLabels':
        for (const label of item.labels) ctx.labels.add(label.name);
        return { kind: 'SetLabels', target: bindNodeTarget(ctx, item.variable, scope), labels: item.labels.map((l) => l.name) };
    }
  });
}

function bindNodeTarget(ctx: BindContext, variable: Expression, scope: Scope): BExpr {
  const target = bindExpression(ctx, variable, scope, NO_AGGREGATES);
  const type = typeOf(target, (slot) => ctx.typeOfSlot(slot)).type;
  if (type !== 'NODE' && type !== 'ANY' && type !== 'NULL') {
    throw ctx.error(variable.span, 'InvalidArgumentType', `labels can only be set on or removed from nodes, not a ${type}`);
  }
  return target;
}

function bindRemoveItems(ctx: BindContext, clause: RemoveClause, scope: Scope): BoundSetItem[] {
  return clause.items.map((item): BoundSetItem => {
    if (item.kind === 'RemoveProperty') {
      return { kind: 'RemoveProperty', target: bindExpression(ctx, item.property.object, scope, { aggregates: null, place: 'REMOVE' }), key: item.property.key.name };
    }
    return { kind: 'RemoveLabels', target: bindNodeTarget(ctx, item.variable, scope), labels: item.labels.map((l) => l.name) };
  });
}

function bindForeach(ctx: BindContext, clause: ForeachClause, scope: Scope): { bound: BoundClause[]; scope: Scope } {
  ctx.isWrite = true;
  const list = bindExpression(ctx, clause.list, scope, { aggregates: null, place: 'FOREACH' });
  const name = clause.variable.name;
  if (scope.has(name)) throw ctx.error(clause.variable.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound`);
  const info = elementTypeOf(list, (slot) => ctx.typeOfSlot(slot));
  const slot = ctx.allocate(name, info);
  let inner: Scope = new Map(scope);
  inner.set(name, { name, slot, info });
  const clauses: BoundClause[] = [];
  for (const child of clause.clauses) {
    const result = bindClause(ctx, child, inner);
    clauses.push(...result.bound);
    inner = result.scope;
  }
  return { bound: [{ kind: 'Foreach', slot, list, clauses }], scope };
}

function bindCall(ctx: BindContext, clause: CallClause, scope: Scope): { bound: BoundClause[]; scope: Scope } {
  const name = [...clause.procedure.namespace, clause.procedure.name].join('.');
  const procedure = ctx.catalog.procedure(name);
  if (procedure === undefined) throw ctx.error(clause.procedure.span, 'ProcedureNotFound', `there is no procedure named ${name}`);
  if (procedure.writes) ctx.isWrite = true;
  let args: BExpr[];
  if (clause.arguments === null) {
    // Standalone call without parentheses: arguments come from parameters named like the inputs.
    args = procedure.inputs.map((input) => {
      ctx.parameters.add(input.name);
      return { kind: 'Parameter', name: input.name } as BExpr;
    });
  } else {
    if (clause.arguments.length !== procedure.inputs.length) {
      throw ctx.error(clause.span, 'InvalidNumberOfArguments', `${procedure.name} takes ${procedure.inputs.length} argument(s), got ${clause.arguments.length}`);
    }
    args = clause.arguments.map((arg, i) => {
      const bound = bindExpression(ctx, arg, scope, { aggregates: null, place: 'CALL' });
      const input = procedure.inputs[i]!;
      const type = typeOf(bound, (slot) => ctx.typeOfSlot(slot)).type;
      if (!staticallyAccepts(input.type, type)) {
        throw ctx.error(arg.span, 'InvalidArgumentType', `${procedure.name}: argument ${input.name} must be ${input.type}, got ${type}`);
      }
      return bound;
    });
  }
  const next = new Map(scope);
  const yields: { field: string; slot: number; name: string }[] = [];
  const outputs = procedure.outputs;
  if (clause.yield === null || clause.yield.star) {
    if (clause.standalone) {
      for (const output of outputs) yields.push({ field: output.name, slot: ctx.allocate(output.name, { type: output.type === 'NUMBER' ? 'ANY' : output.type }), name: output.name });
    }
  } else {
    for (const item of clause.yield.items) {
      const output = outputs.find((o) => o.name === item.field.name);
      if (output === undefined) throw ctx.error(item.field.span, 'UndefinedVariable', `${procedure.name} has no output named ${item.field.name}`);
      const variable = item.alias?.name ?? item.field.name;
      if (next.has(variable)) throw ctx.error((item.alias ?? item.field).span, 'VariableAlreadyBound', `variable \`${variable}\` is already bound`);
      const info = { type: output.type === 'NUMBER' ? ('ANY' as const) : output.type };
      const slot = ctx.allocate(variable, info);
      next.set(variable, { name: variable, slot, info });
      yields.push({ field: output.name, slot, name: variable });
    }
  }
  const where = clause.yield?.where ? bindExpression(ctx, clause.yield.where, next, { aggregates: null, place: 'WHERE' }) : null;
  const bound: BoundCall = { kind: 'Call', procedure, args, yields, where, columns: clause.standalone ? yields.map((y) => y.name) : null };
  return { bound: [bound], scope: next };
}

function staticallyAccepts(declared: string, actual: string): boolean {
  if (declared === 'ANY' || actual === 'ANY' || actual === 'NULL') return true;
  if (declared === 'NUMBER') return actual === 'INTEGER' || actual === 'FLOAT';
  if (declared === 'FLOAT' && actual === 'INTEGER') return true;
  return declared === actual;
}

