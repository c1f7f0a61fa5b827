// Planning clauses into an operator pipeline, one SingleQuery at a time, and UNION.
//
//   MATCH            plan-match.ts (OPTIONAL MATCH: Optional over the pattern's own plan)
//   UNWIND           Unwind
//   WITH / RETURN    [Aggregation] Projection [Distinct] [Sort] [Skip] [Limit] [Filter(WHERE)]
//   CREATE           Create            MERGE    Merge(match plan)     SET/REMOVE  SetItems
//   DELETE           Delete            FOREACH  Foreach(inner plan)   CALL        ProcedureCall
//
// Eager barriers (plan.ts PL3): an updating clause whose input reads the graph (or holds an
// earlier update) gets an Eager below it, so MATCH ... CREATE never sees its own creations;
// and an updating clause followed by another clause gets an Eager above it, so every clause
// sees the previous one complete and LIMIT never cuts a clause's side effects short.

import type { BExpr, BoundClause, BoundMatch, BoundProjection, BoundQueryStatement, BoundSetItem, BoundSingleQuery, CatalogFacts } from '../binder/index.js';
import { availableAfter } from './available.js';
import { clauseExpressions, hasSubquery, subqueriesOf } from './expressions.js';
import type { PlanNode } from './plan.js';
import { planMatchPattern } from './plan-match.js';

export class QueryPlanner {
  slotCount: number;
  readonly slotNames: string[];
  readonly subplans = new Map<BExpr, PlanNode>();

  constructor(
    statement: BoundQueryStatement,
    readonly facts: CatalogFacts = statement.catalog,
  ) {
    this.slotCount = statement.slotCount;
    this.slotNames = [...statement.slotNames];
  }

  /** A slot the planner adds (count pushdown, union columns). */
  allocate(name: string): number {
    this.slotNames.push(name);
    return this.slotCount++;
  }

  planStatement(statement: BoundQueryStatement): PlanNode {
    const parts = statement.parts.map((part) => this.planSingleQuery(part, []));
    if (parts.length === 1) {
      const part = statement.parts[0]!;
      return { op: 'ProduceResults', input: parts[0]!, columns: part.columns, slots: part.columnSlots };
    }
    const slots = statement.columns.map((name) => this.allocate(name));
    const mapped = parts.map((plan, i): PlanNode => {
      const part = statement.parts[i]!;
      const items = statement.columns.map((name, c) => {
        const at = part.columns.indexOf(name);
        return { slot: slots[c]!, expression: { kind: 'Slot', slot: part.columnSlots[at]!, name } as BExpr };
      });
      return { op: 'Projection', input: plan, items };
    });
    let root: PlanNode = { op: 'Union', parts: mapped, all: statement.unionAll, slots };
    if (!statement.unionAll) root = { op: 'Distinct', input: root, slots };
    return { op: 'ProduceResults', input: root, columns: statement.columns, slots };
  }

  /** The clauses of one query part, starting from an Argument leaf that binds `argumentSlots`. */
  planSingleQuery(query: BoundSingleQuery, argumentSlots: readonly number[]): PlanNode {
    let plan: PlanNode = { op: 'Argument', slots: argumentSlots };
    const clauses = query.clauses;
    for (let i = 0; i < clauses.length; i++) {
      const clause = clauses[i]!;
      const updating = isUpdating(clause);
      if (updating && touchesGraph(plan)) plan = { op: 'Eager', input: plan };
      plan = this.planClause(plan, clause);
      if (updating && i < clauses.length - 1) plan = { op: 'Eager', input: plan };
    }
    return plan;
  }

  private planClause(plan: PlanNode, clause: BoundClause): PlanNode {
    this.planSubqueriesOf(clauseExpressions(clause));
    switch (clause.kind) {
      case 'Match':
        return this.planMatch(plan, clause);
      case 'Unwind':
        return { op: 'Unwind', input: plan, slot: clause.slot, expression: clause.expression };
      case 'Projection':
        return this.planProjection(plan, clause);
      case 'Create':
        this.planSubqueriesOf(clause.paths.flatMap((p) => [...p.nodes, ...p.relationships].flatMap((e) => (e.properties === null ? [] : [e.properties]))));
        return { op: 'Create', input: plan, paths: clause.paths };
      case 'Merge': {
        const argument: PlanNode = { op: 'Argument', slots: [...availableAfter(plan)] };
        const match = this.planMatch(argument, clause.match);
        const nullChecks = clause.match.parts.flatMap((part) => [...part.nodes, ...part.relationships].flatMap((e) => e.properties));
        this.planSubqueriesOf([...setItemExpressions(clause.onMatch), ...setItemExpressions(clause.onCreate)]);
        return { op: 'Merge', input: plan, match, create: clause.create, onMatch: clause.onMatch, onCreate: clause.onCreate, nullChecks };
      }
      case 'Set':
        this.planSubqueriesOf(setItemExpressions(clause.items));
        return { op: 'SetItems', input: plan, items: clause.items };
      case 'Delete':
        this.planSubqueriesOf(clause.expressions);
        return { op: 'Delete', input: plan, detach: clause.detach, expressions: clause.expressions };
      case 'Foreach': {
        this.planSubqueriesOf([clause.list]);
        const inner = this.planSingleQuery({ clauses: clause.clauses, columns: [], columnSlots: [] }, [...availableAfter(plan), clause.slot]);
        return { op: 'Foreach', input: plan, slot: clause.slot, list: clause.list, inner };
      }
      case 'Call': {
        this.planSubqueriesOf(clause.args);
        let node: PlanNode = { op: 'ProcedureCall', input: plan, procedure: clause.procedure, args: clause.args, yields: clause.yields };
        if (clause.where !== null) {
          this.planSubqueriesOf([clause.where]);
          node = { op: 'Filter', input: node, predicate: clause.where };
        }
        return node;
      }
    }
  }

  private planMatch(plan: PlanNode, match: BoundMatch): PlanNode {
    if (!match.optional) return planMatchPattern(plan, match, availableAfter(plan), this.facts);
    const argument: PlanNode = { op: 'Argument', slots: [...availableAfter(plan)] };
    const inner = planMatchPattern(argument, match, availableAfter(argument), this.facts);
    return { op: 'Optional', input: plan, inner, nullSlots: match.newSlots };
  }

  private planProjection(plan: PlanNode, p: BoundProjection): PlanNode {
    if (p.aggregation !== null) {
      plan = { op: 'Aggregation', input: plan, groups: p.aggregation.groups, aggregates: p.aggregation.aggregates };
      const computed = p.items.filter((item) => !p.aggregation!.groups.some((g) => g.slot === item.slot));
      if (computed.length > 0) plan = { op: 'Projection', input: plan, items: computed.map((item) => ({ slot: item.slot, expression: item.expression })) };
    } else {
      const computed = p.items.filter((item) => !item.passThrough);
      if (computed.length > 0) plan = { op: 'Projection', input: plan, items: computed.map((item) => ({ slot: item.slot, expression: item.expression })) };
    }
    if (p.where !== null && p.whereBeforeProjectionEnds) plan = { op: 'Filter', input: plan, predicate: p.where };
    if (p.distinct) plan = { op: 'Distinct', input: plan, slots: p.items.map((item) => item.slot) };
    if (p.orderBy !== null) plan = { op: 'Sort', input: plan, keys: p.orderBy };
    if (p.skip !== null) plan = { op: 'Skip', input: plan, count: p.skip };
    if (p.limit !== null) plan = { op: 'Limit', input: plan, count: p.limit };
    if (p.where !== null && !p.whereBeforeProjectionEnds) plan = { op: 'Filter', input: plan, predicate: p.where };
    return plan;
  }

  /** Plan every EXISTS / pattern predicate / pattern comprehension in `expressions`. */
  private planSubqueriesOf(expressions: readonly BExpr[]): void {
    const found: BExpr[] = [];
    for (const e of expressions) subqueriesOf(e, found);
    for (const sub of found) {
      if (this.subplans.has(sub)) continue;
      if (sub.kind === 'Exists') {
        this.subplans.set(sub, this.planSingleQuery(sub.query, sub.outer));
      } else if (sub.kind === 'PatternComprehension') {
        const argument: PlanNode = { op: 'Argument', slots: sub.outer };
        this.planSubqueriesOf([...clauseExpressions(sub.match), sub.projection]);
        this.subplans.set(sub, planMatchPattern(argument, sub.match, availableAfter(argument), this.facts));
      }
    }
  }
}

function setItemExpressions(items: readonly BoundSetItem[]): BExpr[] {
  return items.flatMap((item) => ('value' in item ? [item.target, item.value] : [item.target]));
}

function isUpdating(clause: BoundClause): boolean {
  switch (clause.kind) {
    case 'Create':
    case 'Merge':
    case 'Set':
    case 'Delete':
    case 'Foreach':
      return true;
    case 'Call':
      return clause.procedure.writes;
    default:
      return false;
  }
}

/** True when rows of `plan` come from reading the graph or from an update since the last Eager. */
function touchesGraph(plan: PlanNode): boolean {
  let node: PlanNode = plan;
  for (;;) {
    switch (node.op) {
      case 'Argument':
      case 'Eager':
        return false;
      case 'Union':
        return true;
      case 'Projection':
        if (node.items.some((item) => hasSubquery(item.expression))) return true;
        node = node.input;
        continue;
      case 'Filter':
        if (hasSubquery(node.predicate)) return true;
        node = node.input;
        continue;
      case 'Unwind':
      case 'Distinct':
      case 'Sort':
      case 'Top':
      case 'Skip':
      case 'Limit':
      case 'Aggregation':
        node = node.input;
        continue;
      default:
        return true;
    }
  }
}
