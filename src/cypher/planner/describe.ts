// EXPLAIN / PROFILE output: the plan as a tree of operator names with one line of details
// each (`NodeIndexSeek  p:Person(id) = $id`), built from the physical plan.

import type { BExpr, BoundCreatePath, BoundSetItem } from '../binder/index.js';
import { formatLiteral } from '../runtime/format.js';
import { subqueriesOf } from './expressions.js';
import { childrenOfPlan, type PhysicalPlan, type PlanNode } from './plan.js';

export interface PlanDescription {
  readonly operator: string;
  readonly details: string;
  readonly children: PlanDescription[];
  /** PROFILE only: rows the operator produced. */
  rows?: number;
  /** PROFILE only: time spent in the operator itself (children excluded), in ms. */
  timeMs?: number;
}

/** Describe `node` (default: the plan's root); `visit` sees each node with its description. */
export function describePlan(plan: PhysicalPlan, visit?: (node: PlanNode, description: PlanDescription) => void, node: PlanNode = plan.root): PlanDescription {
  const name = (slot: number): string => plan.slotNames[slot]?.trim() || `#${slot}`;
  const text = (e: BExpr): string => formatExpr(e, name);
  const description: PlanDescription = { operator: node.op, details: details(node, name, text), children: [] };
  for (const child of childrenOfPlan(node)) description.children.push(describePlan(plan, visit, child));
  // Subqueries run per row of the operator that evaluates them: a semi-apply for EXISTS and
  // pattern predicates, a collecting apply for pattern comprehensions.
  for (const sub of subqueriesIn(node)) {
    const inner = plan.subplans.get(sub);
    if (inner === undefined) continue;
    description.children.push({
      operator: sub.kind === 'Exists' ? 'SemiApply' : 'CollectApply',
      details: sub.kind === 'Exists' ? 'EXISTS' : '[pattern | ...]',
      children: [describePlan(plan, visit, inner)],
    });
  }
  visit?.(node, description);
  return description;
}

/** The subquery expressions a plan node evaluates per row. */
export function subqueriesIn(node: PlanNode): BExpr[] {
  return nodeExpressions(node).flatMap((e) => subqueriesOf(e));
}

/** Every expression a plan node evaluates (for finding its subqueries). */
export function nodeExpressions(node: PlanNode): BExpr[] {
  const items = (list: readonly BoundSetItem[]): BExpr[] => list.flatMap((item) => ('value' in item ? [item.target, item.value] : [item.target]));
  const paths = (list: readonly BoundCreatePath[]): BExpr[] =>
    list.flatMap((p) => [...p.nodes, ...p.relationships].flatMap((e) => (e.properties === null ? [] : [e.properties])));
  switch (node.op) {
    case 'Filter':
      return [node.predicate];
    case 'Projection':
      return node.items.map((i) => i.expression);
    case 'Aggregation':
      return [...node.groups.map((g) => g.expression), ...node.aggregates.flatMap((a) => a.args)];
    case 'Sort':
    case 'Top':
      return node.keys.map((k) => k.expression);
    case 'Unwind':
      return [node.expression];
    case 'Create':
      return paths(node.paths);
    case 'Merge':
      return [...paths([node.create]), ...items(node.onMatch), ...items(node.onCreate)];
    case 'SetItems':
      return items(node.items);
    case 'Delete':
      return [...node.expressions];
    case 'Foreach':
      return [node.list];
    case 'ProcedureCall':
      return [...node.args];
    default:
      return [];
  }
}

function details(node: PlanNode, name: (slot: number) => string, text: (e: BExpr) => string): string {
  const types = (t: readonly string[]): string => (t.length === 0 ? '' : `:${t.join('|')}`);
  const arrow = (d: string, rel: string): string => (d === 'out' ? `-[${rel}]->` : d === 'in' ? `<-[${rel}]-` : `-[${rel}]-`);
  switch (node.op) {
    case 'Argument':
      return node.slots.map(name).join(', ');
    case 'AllNodesScan':
      return `(${name(node.slot)})`;
    case 'NodeByLabelScan':
      return `(${name(node.slot)}:${node.label})`;
    case 'NodeIndexSeek': {
      const target = `${name(node.slot)}:${node.label}(${node.key})`;
      const s = node.seek;
      if (s.kind === 'equal') return `${target} = ${text(s.value)} [${node.index}]`;
      if (s.kind === 'in') return `${target} IN ${text(s.list)} [${node.index}]`;
      const lower = s.lower === null ? '' : `${text(s.lower.value)} ${s.lower.inclusive ? '<=' : '<'} `;
      const upper = s.upper === null ? '' : ` ${s.upper.inclusive ? '<=' : '<'} ${text(s.upper.value)}`;
      return `${lower}${target}${upper} [${node.index}]`;
    }
    case 'NodeByIdSeek':
      return `id(${name(node.slot)}) ${node.many ? 'IN' : '='} ${text(node.ids)}`;
    case 'Expand':
      return `(${name(node.from)})${arrow(node.direction, `${name(node.relationship)}${types(node.types)}`)}(${name(node.to)})${node.mode === 'into' ? ' into' : ''}`;
    case 'VarExpand':
      return `(${name(node.from)})${arrow(node.direction, `${name(node.relationship)}${types(node.types)}*${node.min}..${node.max ?? ''}`)}(${name(node.to)})${node.mode === 'into' ? ' into' : ''}`;
    case 'ProjectEndpoints':
      return `(${name(node.left)})-[${name(node.relationship)}]-(${name(node.right)})`;
    case 'ShortestPath':
      return `${node.all ? 'allShortestPaths' : 'shortestPath'}((${name(node.from)})${arrow(node.direction, `${name(node.relationship)}${types(node.types)}*`)}(${name(node.to)}))`;
    case 'DegreeCount':
      return `${name(node.slot)} = degree((${name(node.from)})${arrow(node.direction, types(node.types))}())`;
    case 'Filter':
      return text(node.predicate);
    case 'Projection':
      return node.items.map((item) => `${text(item.expression)} AS ${name(item.slot)}`).join(', ');
    case 'Aggregation':
      return [...node.groups.map((g) => `${text(g.expression)} AS ${name(g.slot)}`), ...node.aggregates.map((a) => text(a))].join(', ');
    case 'Distinct':
      return node.slots.map(name).join(', ');
    case 'Sort':
      return node.keys.map((k) => `${text(k.expression)}${k.descending ? ' DESC' : ''}`).join(', ');
    case 'Top':
      return `${node.keys.map((k) => `${text(k.expression)}${k.descending ? ' DESC' : ''}`).join(', ')} LIMIT ${text(node.limit)}${node.skip === null ? '' : ` SKIP ${text(node.skip)}`}`;
    case 'Skip':
    case 'Limit':
      return text(node.count);
    case 'Unwind':
      return `${text(node.expression)} AS ${name(node.slot)}`;
    case 'Optional':
      return node.nullSlots.map(name).filter((n) => !n.startsWith('anon')).join(', ');
    case 'Eager':
      return '';
    case 'Create':
      return `${node.paths.reduce((n, p) => n + p.nodes.filter((x) => x.create).length, 0)} node(s), ${node.paths.reduce((n, p) => n + p.relationships.length, 0)} relationship(s)`;
    case 'Merge':
      return node.create.nodes.map((n) => name(n.slot)).join(', ');
    case 'SetItems':
      return `${node.items.length} item(s)`;
    case 'Delete':
      return `${node.detach ? 'DETACH ' : ''}${node.expressions.map(text).join(', ')}`;
    case 'Foreach':
      return `${name(node.slot)} IN ${text(node.list)}`;
    case 'ProcedureCall':
      return `${node.procedure.name}(${node.args.map(text).join(', ')})`;
    case 'Union':
      return node.all ? 'ALL' : 'DISTINCT';
    case 'ProduceResults':
      return node.columns.join(', ');
  }
}

/** Cypher-like text of a bound expression (for plan details). */
export function formatExpr(e: BExpr, name: (slot: number) => string): string {
  const f = (x: BExpr): string => formatExpr(x, name);
  switch (e.kind) {
    case 'Literal':
      return formatLiteral(e.value);
    case 'Parameter':
      return `$${e.name}`;
    case 'Slot':
      return name(e.slot);
    case 'Property':
      return `${f(e.object)}.${e.key}`;
    case 'Index':
      return `${f(e.object)}[${f(e.index)}]`;
    case 'Slice':
      return `${f(e.object)}[${e.from === null ? '' : f(e.from)}..${e.to === null ? '' : f(e.to)}]`;
    case 'HasLabels':
      return `${f(e.subject)}:${e.labels.join(':')}`;
    case 'Unary':
      return e.operator === 'NOT' ? `NOT ${f(e.operand)}` : `${e.operator}${f(e.operand)}`;
    case 'Arithmetic':
    case 'Logical':
    case 'StringPredicate':
      return `${f(e.left)} ${e.operator} ${f(e.right)}`;
    case 'Comparison': {
      let out = f(e.operands[0]!);
      e.operators.forEach((op, i) => (out += ` ${op} ${f(e.operands[i + 1]!)}`));
      return out;
    }
    case 'In':
      return `${f(e.element)} IN ${f(e.list)}`;
    case 'IsNull':
      return `${f(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'Function':
      return `${e.fn.name}(${e.args.map(f).join(', ')})`;
    case 'Aggregate':
      return e.name === 'count*' ? 'count(*)' : `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(f).join(', ')})`;
    case 'Case':
      return 'CASE ... END';
    case 'List':
      return `[${e.elements.map(f).join(', ')}]`;
    case 'Map':
      return `{${e.keys.map((k, i) => `${k}: ${f(e.values[i]!)}`).join(', ')}}`;
    case 'ListComprehension':
      return `[${name(e.slot)} IN ${f(e.list)} ...]`;
    case 'Quantifier':
      return `${e.quantifier}(${name(e.slot)} IN ${f(e.list)} ...)`;
    case 'Reduce':
      return `reduce(${name(e.accumulator)} = ${f(e.init)}, ${name(e.slot)} IN ${f(e.list)} | ${f(e.expression)})`;
    case 'MapProjection':
      return `${f(e.subject)}{...}`;
    case 'PatternComprehension':
      return '[pattern | ...]';
    case 'Exists':
      return 'EXISTS { ... }';
    case 'PathBuild':
      return `path(${e.steps.map((s) => name(s.slot)).join(', ')})`;
  }
}
