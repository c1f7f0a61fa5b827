// Building a physical plan into operator factories, once per plan: every expression is
// compiled here (compile-expression.ts), so an execution only instantiates small operator
// objects (one per plan node) and pulls rows.

import { OmbraError } from '../../errors.js';
import type { BExpr } from '../binder/index.js';
import { childrenOfPlan, type PhysicalPlan, type PlanNode } from '../planner/index.js';
import { slotsRead } from '../planner/expressions.js';
import { compileExpression, type CompileEnv } from './compile-expression.js';
import type { ExecContext, ProfileEntry } from './context.js';
import type { Evaluator, Operator, Row } from './operator.js';
import { AggregationOp, DistinctOp, SortOp, TopOp } from './operators/aggregate.js';
import { ExpandCountOp, type ExpandCountKind, type ExpandCountSpec } from './operators/expand-count.js';
import { DegreeCountOp, ExpandOp, ProjectEndpointsOp, ShortestPathOp, VarExpandOp } from './operators/expand.js';
import { ProcedureCallOp } from './operators/procedure.js';
import { SCAN_AGGREGATES, ScanAggregationOp, type ScanAggregateSpec } from './operators/scan-aggregate.js';
import {
  EagerOp,
  FilterOp,
  LimitOp,
  OptionalOp,
  ProduceResultsOp,
  ProjectionOp,
  SkipOp,
  UnionOp,
  UnwindOp,
} from './operators/relational.js';
import { AllNodesScanOp, ArgumentOp, NodeByIdSeekOp, NodeByLabelScanOp, NodeIndexSeekOp, type SeekSpec } from './operators/scan.js';
import { CreateOp, DeleteOp, ForeachOp, MergeOp, SetItemsOp, type CreatePathSpec, type SetItemSpec } from './operators/update.js';
import type { BoundCreatePath, BoundSetItem } from '../binder/index.js';

export type OperatorFactory = (ctx: ExecContext) => Operator;

/** A plan ready to run: compiled once, instantiated per execution. */
export interface CompiledPlan {
  readonly plan: PhysicalPlan;
  /** The root operator tree for one execution. */
  instantiate(ctx: ExecContext): Operator;
  /** Where each result column is on the root's rows. */
  readonly columnSlots: readonly number[];
  /** A fresh row for the top level (every slot null). */
  newRow(): Row;
  /** A context and operator tree a finished read-only execution gave back (index.ts E1), if any. */
  takeIdle(): IdleExecution | undefined;
  giveBack(idle: IdleExecution): void;
}

/** A finished execution's context and operators, ready for the next run of the plan. */
export interface IdleExecution {
  readonly ctx: ExecContext;
  readonly root: Operator;
}

/**
 * Idle trees kept per plan: one serves back-to-back runs (a run nested in another run of the
 * same plan makes its own). An idle tree keeps its last graph reader reachable until reused:
 * one per plan bounds that.
 */
const IDLE_PER_PLAN = 1;

export function compilePlan(plan: PhysicalPlan): CompiledPlan {
  const builder = new PlanBuilder(plan);
  const root = builder.build(plan.root);
  const columnSlots = plan.root.op === 'ProduceResults' ? plan.root.slots : [];
  const width = plan.slotCount;
  const idle: IdleExecution[] = [];
  return {
    plan,
    instantiate: root,
    columnSlots,
    newRow: () => new Array(width).fill(null),
    takeIdle: () => idle.pop(),
    giveBack: (execution) => {
      if (idle.length < IDLE_PER_PLAN) idle.push(execution);
    },
  };
}

const UPDATES = new Set<PlanNode['op']>(['Create', 'Merge', 'SetItems', 'Delete', 'Foreach', 'ProcedureCall']);

/** True when the pipeline below `node` changes the graph. */
function containsUpdate(node: PlanNode): boolean {
  if (UPDATES.has(node.op) && (node.op !== 'ProcedureCall' || node.procedure.writes)) return true;
  return childrenOfPlan(node).some(containsUpdate);
}

class ProfiledOp implements Operator {
  constructor(
    private readonly inner: Operator,
    private readonly entry: ProfileEntry,
  ) {}
  reset(argument: Row): void {
    const started = performance.now();
    this.inner.reset(argument);
    this.entry.timeMs += performance.now() - started;
  }
  next(): Row | null {
    const started = performance.now();
    const row = this.inner.next();
    this.entry.timeMs += performance.now() - started;
    if (row !== null) this.entry.rows++;
    return row;
  }
}

/**
 * The ScanAggregation form of an Aggregation (operators/scan-aggregate.ts), or null: no
 * grouping keys, the input a label scan or all-nodes scan, every aggregate a count(*) or one
 * of SCAN_AGGREGATES over a property of the scanned node.
 */
function scanAggregation(node: Extract<PlanNode, { op: 'Aggregation' }>): { input: PlanNode; label: string | null; aggregates: ScanAggregateSpec[] } | null {
  const scan = node.input;
  if (node.groups.length > 0 || node.aggregates.length === 0) return null;
  if (scan.op !== 'NodeByLabelScan' && scan.op !== 'AllNodesScan') return null;
  const aggregates: ScanAggregateSpec[] = [];
  for (const a of node.aggregates) {
    if (!SCAN_AGGREGATES.has(a.name)) return null;
    if (a.name === 'count*' && a.args.length === 0) {
      aggregates.push({ name: a.name, distinct: a.distinct, key: null, slot: a.slot });
      continue;
    }
    const arg = a.args.length === 1 ? a.args[0]! : null;
    if (arg === null || arg.kind !== 'Property' || arg.object.kind !== 'Slot' || arg.object.slot !== scan.slot) return null;
    aggregates.push({ name: a.name, distinct: a.distinct, key: arg.key, slot: a.slot });
  }
  return { input: scan.input, label: scan.op === 'NodeByLabelScan' ? scan.label : null, aggregates };
}

/**
 * The ExpandCount form of an Aggregation (operators/expand-count.ts), or null: no grouping
 * keys, the input an Expand binding a new end node, every aggregate a count(*) or a count
 * (DISTINCT or not) of that end node or relationship.
 */
function expandCount(node: Extract<PlanNode, { op: 'Aggregation' }>): { expand: Extract<PlanNode, { op: 'Expand' }>; aggregates: ExpandCountSpec['aggregates'] } | null {
  const expand = node.input;
  if (node.groups.length > 0 || node.aggregates.length === 0) return null;
  if (expand.op !== 'Expand' || expand.mode !== 'all') return null;
  const aggregates: { slot: number; kind: ExpandCountKind }[] = [];
  for (const a of node.aggregates) {
    if (a.name === 'count*' && a.args.length === 0) {
      aggregates.push({ slot: a.slot, kind: 'matches' });
      continue;
    }
    const arg = a.args.length === 1 ? a.args[0]! : null;
    if (a.name !== 'count' || arg === null || arg.kind !== 'Slot') return null;
    if (arg.slot === expand.to) aggregates.push({ slot: a.slot, kind: a.distinct ? 'distinctNodes' : 'matches' });
    else if (arg.slot === expand.relationship) aggregates.push({ slot: a.slot, kind: a.distinct ? 'distinctRelationships' : 'matches' });
    else return null;
  }
  return { expand, aggregates };
}

/**
 * True when an Aggregation reads nothing of its input but the slots its grouping keys and
 * aggregate arguments name, none of them `slot` (subqueries inside: unknown, so false).
 */
function aggregationIgnores(node: Extract<PlanNode, { op: 'Aggregation' }>, slot: number): boolean {
  const expressions = [...node.groups.map((g) => g.expression), ...node.aggregates.flatMap((a) => a.args)];
  for (const e of expressions) {
    const read = slotsRead(e);
    if (read === null || read.has(slot)) return false;
  }
  return true;
}

class PlanBuilder implements CompileEnv {
  private readonly subplanIndex = new Map<BExpr, { index: number; instantiate: OperatorFactory }>();
  /**
   * Expands whose relationship nobody reads: the input of an Aggregation that ignores it
   * (its output rows are new, so nothing above sees the input's slots). They leave the
   * relationship slot unset instead of making a RelationshipRef per row.
   */
  private readonly unreadRelationships = new Set<PlanNode>();

  constructor(private readonly plan: PhysicalPlan) {}

  subplan(expr: BExpr): { index: number; instantiate: OperatorFactory } {
    let entry = this.subplanIndex.get(expr);
    if (entry === undefined) {
      const node = this.plan.subplans.get(expr);
      if (node === undefined) throw new OmbraError('INTERNAL', `no plan for a ${expr.kind} subquery`);
      const index = this.subplanIndex.size;
      // Reserve the index first: the subplan may contain further subqueries.
      const slot = { index, instantiate: ((ctx: ExecContext) => built(ctx)) as OperatorFactory };
      this.subplanIndex.set(expr, slot);
      const built = this.build(node);
      entry = slot;
    }
    return entry;
  }

  private expr(e: BExpr): Evaluator {
    return compileExpression(e, this);
  }

  build(node: PlanNode): OperatorFactory {
    const make = this.buildRaw(node);
    return (ctx) => {
      const op = make(ctx);
      const profile = ctx.profile;
      if (profile === null) return op;
      let entry = profile.get(node);
      if (entry === undefined) {
        entry = { rows: 0, timeMs: 0 };
        profile.set(node, entry);
      }
      return new ProfiledOp(op, entry);
    };
  }

  private createPath(path: BoundCreatePath): CreatePathSpec {
    return {
      pathSlot: path.pathSlot,
      nodes: path.nodes.map((n) => ({ slot: n.slot, create: n.create, labels: n.labels, properties: n.properties === null ? null : this.expr(n.properties) })),
      relationships: path.relationships.map((r) => ({
        slot: r.slot,
        type: r.type,
        startIndex: r.startIndex,
        endIndex: r.endIndex,
        properties: r.properties === null ? null : this.expr(r.properties),
      })),
    };
  }

  private setItems(items: readonly BoundSetItem[]): SetItemSpec[] {
    return items.map((item): SetItemSpec => {
      switch (item.kind) {
        case 'SetProperty':
          return { kind: 'SetProperty', target: this.expr(item.target), key: item.key, value: this.expr(item.value) };
        case 'SetAll':
          return { kind: 'SetAll', target: this.expr(item.target), mode: item.mode, value: this.expr(item.value) };
        case 'SetLabels':
          return { kind: 'SetLabels', target: this.expr(item.target), labels: item.labels };
        case 'RemoveProperty':
          return { kind: 'RemoveProperty', target: this.expr(item.target), key: item.key };
        case 'RemoveLabels':
          return { kind: 'RemoveLabels', target: this.expr(item.target), labels: item.labels };
      }
    });
  }

  private buildRaw(node: PlanNode): OperatorFactory {
    switch (node.op) {
      case 'Argument':
        return () => new ArgumentOp();
      case 'AllNodesScan': {
        const input = this.build(node.input);
        return (ctx) => new AllNodesScanOp(ctx, input(ctx), node.slot);
      }
      case 'NodeByLabelScan': {
        const input = this.build(node.input);
        return (ctx) => new NodeByLabelScanOp(ctx, input(ctx), node.slot, node.label);
      }
      case 'NodeIndexSeek': {
        const input = this.build(node.input);
        const s = node.seek;
        const seek: SeekSpec =
          s.kind === 'equal'
            ? { kind: 'equal', value: this.expr(s.value) }
            : s.kind === 'in'
              ? { kind: 'in', list: this.expr(s.list) }
              : {
                  kind: 'range',
                  lower: s.lower === null ? null : { value: this.expr(s.lower.value), inclusive: s.lower.inclusive },
                  upper: s.upper === null ? null : { value: this.expr(s.upper.value), inclusive: s.upper.inclusive },
                };
        return (ctx) => new NodeIndexSeekOp(ctx, input(ctx), node.slot, node.label, node.key, seek);
      }
      case 'NodeByIdSeek': {
        const input = this.build(node.input);
        const ids = this.expr(node.ids);
        return (ctx) => new NodeByIdSeekOp(ctx, input(ctx), node.slot, ids, node.many);
      }
      case 'Expand': {
        const input = this.build(node.input);
        const spec = {
          bindRelationship: !this.unreadRelationships.has(node),
          from: node.from,
          relationship: node.relationship,
          to: node.to,
          direction: node.direction,
          types: node.types.length === 0 ? undefined : node.types,
          into: node.mode === 'into',
          distinctFrom: node.distinctFrom,
          distinctFromLists: node.distinctFromLists,
        };
        return (ctx) => new ExpandOp(ctx, input(ctx), spec);
      }
      case 'VarExpand': {
        const input = this.build(node.input);
        const spec = {
          from: node.from,
          relationship: node.relationship,
          to: node.to,
          direction: node.direction,
          types: node.types.length === 0 ? undefined : node.types,
          into: node.mode === 'into',
          distinctFrom: node.distinctFrom,
          distinctFromLists: node.distinctFromLists,
          min: node.min,
          max: node.max,
          reverse: node.reverse,
          properties: node.properties.map((p) => ({ key: p.key, value: this.expr(p.value) })),
        };
        return (ctx) => new VarExpandOp(ctx, input(ctx), spec);
      }
      case 'ProjectEndpoints': {
        const input = this.build(node.input);
        return (ctx) => new ProjectEndpointsOp(input(ctx), node);
      }
      case 'ShortestPath': {
        const input = this.build(node.input);
        const spec = {
          from: node.from,
          to: node.to,
          relationship: node.relationship,
          pathSlot: node.pathSlot,
          direction: node.direction,
          types: node.types.length === 0 ? undefined : node.types,
          min: node.min,
          max: node.max,
          all: node.all,
          properties: node.properties.map((p) => ({ key: p.key, value: this.expr(p.value) })),
        };
        return (ctx) => new ShortestPathOp(ctx, input(ctx), spec);
      }
      case 'DegreeCount': {
        const input = this.build(node.input);
        const spec = { from: node.from, slot: node.slot, direction: node.direction, types: node.types.length === 0 ? undefined : node.types };
        return (ctx) => new DegreeCountOp(ctx, input(ctx), spec);
      }
      case 'Filter': {
        const input = this.build(node.input);
        const predicate = this.expr(node.predicate);
        return (ctx) => new FilterOp(ctx, input(ctx), predicate);
      }
      case 'Projection': {
        const input = this.build(node.input);
        const slots = node.items.map((i) => i.slot);
        const expressions = node.items.map((i) => this.expr(i.expression));
        return (ctx) => new ProjectionOp(ctx, input(ctx), slots, expressions);
      }
      case 'Aggregation': {
        if (node.input.op === 'Expand' && aggregationIgnores(node, node.input.relationship)) this.unreadRelationships.add(node.input);
        const input = this.build(node.input);
        const groupSlots = node.groups.map((g) => g.slot);
        const groupExpressions = node.groups.map((g) => this.expr(g.expression));
        const aggregates = node.aggregates.map((a) => ({ name: a.name, distinct: a.distinct, args: a.args.map((x) => this.expr(x)), slot: a.slot }));
        const width = this.plan.slotCount;
        const counted = expandCount(node);
        if (counted !== null) {
          // As for ScanAggregation: PROFILE runs the plan as shown.
          const { expand } = counted;
          const expandInput = this.build(expand.input);
          const spec: ExpandCountSpec = {
            from: expand.from,
            direction: expand.direction,
            types: expand.types.length === 0 ? undefined : expand.types,
            distinctFrom: expand.distinctFrom,
            distinctFromLists: expand.distinctFromLists,
            aggregates: counted.aggregates,
          };
          return (ctx) =>
            ctx.profile === null ? new ExpandCountOp(ctx, expandInput(ctx), width, spec) : new AggregationOp(ctx, input(ctx), width, groupSlots, groupExpressions, aggregates);
        }
        const fused = scanAggregation(node);
        if (fused !== null) {
          // PROFILE counts rows per plan operator, so it runs the plan as shown.
          const scanInput = this.build(fused.input);
          return (ctx) =>
            ctx.profile === null
              ? new ScanAggregationOp(ctx, scanInput(ctx), width, fused.label, fused.aggregates)
              : new AggregationOp(ctx, input(ctx), width, groupSlots, groupExpressions, aggregates);
        }
        return (ctx) => new AggregationOp(ctx, input(ctx), width, groupSlots, groupExpressions, aggregates);
      }
      case 'Distinct': {
        const input = this.build(node.input);
        return (ctx) => new DistinctOp(ctx, input(ctx), node.slots);
      }
      case 'Sort': {
        const input = this.build(node.input);
        const keys = node.keys.map((k) => ({ expression: this.expr(k.expression), descending: k.descending }));
        return (ctx) => new SortOp(ctx, input(ctx), keys);
      }
      case 'Top': {
        const input = this.build(node.input);
        const keys = node.keys.map((k) => ({ expression: this.expr(k.expression), descending: k.descending }));
        const limit = this.expr(node.limit);
        const skip = node.skip === null ? null : this.expr(node.skip);
        const drain = containsUpdate(node.input);
        return (ctx) => new TopOp(ctx, input(ctx), keys, limit, skip, drain);
      }
      case 'Skip': {
        const input = this.build(node.input);
        const count = this.expr(node.count);
        return (ctx) => new SkipOp(ctx, input(ctx), count);
      }
      case 'Limit': {
        const input = this.build(node.input);
        const count = this.expr(node.count);
        const drain = containsUpdate(node.input);
        return (ctx) => new LimitOp(ctx, input(ctx), count, drain);
      }
      case 'Unwind': {
        const input = this.build(node.input);
        const expression = this.expr(node.expression);
        const e = node.expression;
        const rangeArgs = e.kind === 'Function' && e.fn.name === 'range' ? e.args.map((a) => this.expr(a)) : null;
        return (ctx) => new UnwindOp(ctx, input(ctx), node.slot, expression, rangeArgs);
      }
      case 'Optional': {
        const input = this.build(node.input);
        const inner = this.build(node.inner);
        return (ctx) => new OptionalOp(input(ctx), inner(ctx), node.nullSlots);
      }
      case 'Eager': {
        const input = this.build(node.input);
        return (ctx) => new EagerOp(ctx, input(ctx));
      }
      case 'Create': {
        const input = this.build(node.input);
        const paths = node.paths.map((p) => this.createPath(p));
        return (ctx) => new CreateOp(ctx, input(ctx), paths);
      }
      case 'Merge': {
        const input = this.build(node.input);
        const match = this.build(node.match);
        const create = this.createPath(node.create);
        const onMatch = this.setItems(node.onMatch);
        const onCreate = this.setItems(node.onCreate);
        const nullChecks = node.nullChecks.map((c) => ({ key: c.key, value: this.expr(c.value) }));
        return (ctx) => new MergeOp(ctx, input(ctx), match(ctx), create, onMatch, onCreate, nullChecks);
      }
      case 'SetItems': {
        const input = this.build(node.input);
        const items = this.setItems(node.items);
        return (ctx) => new SetItemsOp(ctx, input(ctx), items);
      }
      case 'Delete': {
        const input = this.build(node.input);
        const expressions = node.expressions.map((e) => this.expr(e));
        return (ctx) => new DeleteOp(ctx, input(ctx), node.detach, expressions);
      }
      case 'Foreach': {
        const input = this.build(node.input);
        const list = this.expr(node.list);
        const inner = this.build(node.inner);
        return (ctx) => new ForeachOp(ctx, input(ctx), node.slot, list, inner(ctx));
      }
      case 'ProcedureCall': {
        const input = this.build(node.input);
        const args = node.args.map((a) => this.expr(a));
        return (ctx) => new ProcedureCallOp(ctx, input(ctx), node.procedure, args, node.yields);
      }
      case 'Union': {
        const parts = node.parts.map((p) => this.build(p));
        return (ctx) => new UnionOp(parts.map((p) => p(ctx)));
      }
      case 'ProduceResults': {
        const input = this.build(node.input);
        return (ctx) => new ProduceResultsOp(input(ctx));
      }
    }
  }
}
