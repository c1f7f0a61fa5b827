// Binding patterns of MATCH, OPTIONAL MATCH, MERGE, CREATE, pattern predicates and pattern
// comprehensions.
//
// Rules checked here (TCK details):
//   VariableTypeConflict             a node variable used as a relationship or path, and so on
//   VariableAlreadyBound             a path variable, or (in CREATE/MERGE) a variable that is
//                                    already bound and would be created again
//   RelationshipUniquenessViolation  one relationship variable twice in one MATCH pattern
//   InvalidParameterUse              `(n $map)` in MATCH or MERGE (CREATE allows it)
//   NoSingleRelationshipType         CREATE/MERGE relationships need exactly one type
//   RequiresDirectedRelationship     CREATE relationships need a direction
//   CreatingVarLength                CREATE/MERGE cannot create `*` relationships
//   UndefinedVariable                a pattern predicate introducing a new named variable

import type { MapLiteral, NodePattern, Parameter, PathPattern, PatternPart, RelationshipPattern, Variable as AstVariable } from '../parser/ast.js';
import { bindExpression, NO_AGGREGATES } from './bind-expression.js';
import type {
  BExpr,
  BoundCreateNode,
  BoundCreatePath,
  BoundCreateRelationship,
  BoundMatch,
  BoundNodePattern,
  BoundPathPattern,
  BoundRelationshipPattern,
} from './bound.js';
import type { BindContext } from './context.js';
import { NODE_TYPE, PATH_TYPE, RELATIONSHIP_LIST_TYPE, RELATIONSHIP_TYPE, type Scope } from './scope.js';

type PatternMode = 'match' | 'merge' | 'predicate' | 'comprehension';

/** Per-clause state: slots this pattern introduced, relationship variables already used. */
interface PatternState {
  readonly mode: PatternMode;
  readonly newSlots: number[];
  readonly relationshipNames: Set<string>;
}

/** The pattern of a MATCH / OPTIONAL MATCH / MERGE; adds its variables to `scope` (mutated). */
export function bindMatchPattern(ctx: BindContext, parts: readonly PatternPart[], scope: Scope, mode: 'match' | 'merge'): { parts: BoundPathPattern[]; newSlots: number[] } {
  const state: PatternState = { mode, newSlots: [], relationshipNames: new Set() };
  const bound = parts.map((part) => bindPathPattern(ctx, part.path, part.variable, part.shortest, scope, state));
  return { parts: bound, newSlots: state.newSlots };
}

/** A pattern predicate or a pattern comprehension's pattern, bound into `scope` (a copy the caller owns). */
export function bindPatternForSubquery(ctx: BindContext, path: PathPattern, pathVariable: AstVariable | null, scope: Scope, predicate: boolean): BoundMatch {
  const state: PatternState = { mode: predicate ? 'predicate' : 'comprehension', newSlots: [], relationshipNames: new Set() };
  const part = bindPathPattern(ctx, path, pathVariable, null, scope, state);
  return { kind: 'Match', optional: false, parts: [part], where: null, newSlots: state.newSlots };
}

function bindPathPattern(
  ctx: BindContext,
  path: PathPattern,
  pathVariable: AstVariable | null,
  shortest: BoundPathPattern['shortest'],
  scope: Scope,
  state: PatternState,
): BoundPathPattern {
  const nodes: BoundNodePattern[] = [];
  const relationships: BoundRelationshipPattern[] = [];
  for (let i = 0; i < path.nodes.length; i++) {
    nodes.push(bindNode(ctx, path.nodes[i]!, scope, state));
    const rel = path.relationships[i];
    if (rel !== undefined) relationships.push(bindRelationship(ctx, rel, scope, state));
  }
  let pathSlot: number | null = null;
  if (pathVariable !== null) {
    if (scope.has(pathVariable.name)) {
      throw ctx.error(pathVariable.span, 'VariableAlreadyBound', `variable \`${pathVariable.name}\` is already bound and cannot name a path`);
    }
    pathSlot = ctx.allocate(pathVariable.name, PATH_TYPE);
    scope.set(pathVariable.name, { name: pathVariable.name, slot: pathSlot, info: PATH_TYPE });
    state.newSlots.push(pathSlot);
  }
  return { pathSlot, shortest, nodes, relationships };
}

function bindProperties(ctx: BindContext, properties: MapLiteral | Parameter | null, scope: Scope, what: string): { key: string; value: BExpr }[] {
  if (properties === null) return [];
  if (properties.kind === 'Parameter') {
    throw ctx.error(properties.span, 'InvalidParameterUse', `a parameter cannot be used as the property map of a ${what}: write {key: $param.key, ...}`);
  }
  return properties.entries.map((entry) => {
    ctx.propertyKeys.add(entry.key.name);
    return { key: entry.key.name, value: bindExpression(ctx, entry.value, scope, NO_AGGREGATES) };
  });
}

function bindNode(ctx: BindContext, node: NodePattern, scope: Scope, state: PatternState): BoundNodePattern {
  for (const label of node.labels) ctx.labels.add(label.name);
  const labels = node.labels.map((l) => l.name);
  const name = node.variable?.name ?? null;
  let slot: number;
  if (name === null) {
    slot = ctx.allocate(null, NODE_TYPE);
    state.newSlots.push(slot);
  } else {
    const existing = scope.get(name);
    if (existing !== undefined) {
      const type = existing.info.type;
      if (type !== 'NODE' && type !== 'ANY' && type !== 'NULL') {
        throw ctx.error(node.variable!.span, 'VariableTypeConflict', `variable \`${name}\` is a ${type}, not a node`);
      }
      if (state.mode === 'merge' && !state.newSlots.includes(existing.slot) && (labels.length > 0 || node.properties !== null)) {
        throw ctx.error(node.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound: MERGE cannot add labels or properties to it`);
      }
      if (state.mode === 'merge' && state.newSlots.includes(existing.slot) && (labels.length > 0 || node.properties !== null)) {
        throw ctx.error(node.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already declared in this MERGE pattern`);
      }
      slot = existing.slot;
    } else {
      if (state.mode === 'predicate') {
        throw ctx.error(node.variable!.span, 'UndefinedVariable', `variable \`${name}\` is not defined (a pattern predicate cannot introduce new variables)`);
      }
      slot = ctx.allocate(name, NODE_TYPE);
      scope.set(name, { name, slot, info: NODE_TYPE });
      state.newSlots.push(slot);
    }
  }
  const properties = bindProperties(ctx, node.properties, scope, 'node pattern');
  return { slot, name, labels, properties, span: node.span };
}

function bindRelationship(ctx: BindContext, rel: RelationshipPattern, scope: Scope, state: PatternState): BoundRelationshipPattern {
  for (const type of rel.types) ctx.labels.add(type.name);
  const name = rel.variable?.name ?? null;
  const varLength = rel.length !== null;
  const info = varLength ? RELATIONSHIP_LIST_TYPE : RELATIONSHIP_TYPE;
  if (state.mode === 'merge') {
    if (name !== null && scope.has(name)) throw ctx.error(rel.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound: MERGE cannot create it again`);
    if (rel.types.length !== 1) throw ctx.error(rel.span, 'NoSingleRelationshipType', 'MERGE needs exactly one relationship type');
    if (varLength) throw ctx.error(rel.span, 'CreatingVarLength', 'MERGE cannot create a variable-length relationship');
  }
  let slot: number;
  if (name === null) {
    slot = ctx.allocate(null, info);
    state.newSlots.push(slot);
  } else {
    const existing = scope.get(name);
    if (existing !== undefined) {
      const type = existing.info.type;
      if (state.mode === 'merge') throw ctx.error(rel.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound: MERGE cannot create it again`);
      if (varLength) {
        // A list bound earlier (`WITH [r1, r2] AS rs MATCH (a)-[rs*]->(b)`) is matched as the path it forms.
        if (type !== 'LIST' && type !== 'ANY') {
          throw ctx.error(rel.variable!.span, 'VariableTypeConflict', `variable \`${name}\` is a ${type}, not a list of relationships`);
        }
        if (state.relationshipNames.has(name)) {
          throw ctx.error(rel.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound in this pattern`);
        }
      }
      if (!varLength && type !== 'RELATIONSHIP' && type !== 'ANY' && type !== 'NULL') {
        throw ctx.error(rel.variable!.span, 'VariableTypeConflict', `variable \`${name}\` is a ${type}, not a relationship`);
      }
      if (state.relationshipNames.has(name)) {
        throw ctx.error(rel.variable!.span, 'RelationshipUniquenessViolation', `relationship \`${name}\` cannot be matched twice in one pattern`);
      }
      slot = existing.slot;
    } else {
      if (state.mode === 'predicate') {
        throw ctx.error(rel.variable!.span, 'UndefinedVariable', `variable \`${name}\` is not defined (a pattern predicate cannot introduce new variables)`);
      }
      slot = ctx.allocate(name, info);
      scope.set(name, { name, slot, info });
      state.newSlots.push(slot);
    }
    state.relationshipNames.add(name);
  }
  const direction = rel.direction === 'outgoing' ? 'outgoing' : rel.direction === 'incoming' ? 'incoming' : 'both';
  const length = rel.length === null ? null : { min: rel.length.min ?? 1, max: rel.length.max };
  const properties = bindProperties(ctx, rel.properties, scope, 'relationship pattern');
  return { slot, name, direction, types: rel.types.map((t) => t.name), length, properties, span: rel.span };
}

// ── CREATE ─────────────────────────────────────────────────────────────────────────────

/** The pattern of a CREATE; adds its new variables to `scope` (mutated). */
export function bindCreatePattern(ctx: BindContext, parts: readonly PatternPart[], scope: Scope): BoundCreatePath[] {
  const created = new Set<number>();
  return parts.map((part) => bindCreatePath(ctx, part, scope, created));
}

function bindCreateProperties(ctx: BindContext, properties: MapLiteral | Parameter | null, scope: Scope): BExpr | null {
  if (properties === null) return null;
  if (properties.kind === 'MapLiteral') for (const entry of properties.entries) ctx.propertyKeys.add(entry.key.name);
  return bindExpression(ctx, properties, scope, NO_AGGREGATES);
}

function bindCreatePath(ctx: BindContext, part: PatternPart, scope: Scope, created: Set<number>): BoundCreatePath {
  const path = part.path;
  const nodes: BoundCreateNode[] = [];
  const relationships: BoundCreateRelationship[] = [];
  const single = path.relationships.length === 0;
  for (let i = 0; i < path.nodes.length; i++) {
    const node = path.nodes[i]!;
    for (const label of node.labels) ctx.labels.add(label.name);
    const name = node.variable?.name ?? null;
    const existing = name === null ? undefined : scope.get(name);
    if (existing !== undefined) {
      const type = existing.info.type;
      if (type !== 'NODE' && type !== 'ANY') throw ctx.error(node.variable!.span, 'VariableTypeConflict', `variable \`${name}\` is a ${type}, not a node`);
      if (node.labels.length > 0 || node.properties !== null || single) {
        throw ctx.error(node.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound: CREATE cannot create it again`);
      }
      nodes.push({ slot: existing.slot, create: false, labels: [], properties: null });
      continue;
    }
    const slot = ctx.allocate(name, NODE_TYPE);
    const properties = bindCreateProperties(ctx, node.properties, scope);
    if (name !== null) scope.set(name, { name, slot, info: NODE_TYPE });
    created.add(slot);
    nodes.push({ slot, create: true, labels: node.labels.map((l) => l.name), properties });
  }
  for (let i = 0; i < path.relationships.length; i++) {
    const rel = path.relationships[i]!;
    const boundName = rel.variable?.name ?? null;
    if (boundName !== null && scope.has(boundName)) {
      throw ctx.error(rel.variable!.span, 'VariableAlreadyBound', `variable \`${boundName}\` is already bound: CREATE cannot create it again`);
    }
    if (rel.types.length !== 1) throw ctx.error(rel.span, 'NoSingleRelationshipType', 'CREATE needs exactly one relationship type');
    ctx.labels.add(rel.types[0]!.name);
    if (rel.direction !== 'outgoing' && rel.direction !== 'incoming') {
      throw ctx.error(rel.span, 'RequiresDirectedRelationship', 'CREATE needs a direction for each relationship (--> or <--)');
    }
    if (rel.length !== null) throw ctx.error(rel.span, 'CreatingVarLength', 'CREATE cannot create a variable-length relationship');
    const name = rel.variable?.name ?? null;
    if (name !== null && scope.has(name)) {
      throw ctx.error(rel.variable!.span, 'VariableAlreadyBound', `variable \`${name}\` is already bound: CREATE cannot create it again`);
    }
    const slot = ctx.allocate(name, RELATIONSHIP_TYPE);
    const properties = bindCreateProperties(ctx, rel.properties, scope);
    if (name !== null) scope.set(name, { name, slot, info: RELATIONSHIP_TYPE });
    const outgoing = rel.direction === 'outgoing';
    relationships.push({ slot, type: rel.types[0]!.name, startIndex: outgoing ? i : i + 1, endIndex: outgoing ? i + 1 : i, properties });
  }
  let pathSlot: number | null = null;
  if (part.variable !== null) {
    if (scope.has(part.variable.name)) throw ctx.error(part.variable.span, 'VariableAlreadyBound', `variable \`${part.variable.name}\` is already bound`);
    pathSlot = ctx.allocate(part.variable.name, PATH_TYPE);
    scope.set(part.variable.name, { name: part.variable.name, slot: pathSlot, info: PATH_TYPE });
  }
  return { pathSlot, nodes, relationships };
}

/** The create half of a MERGE: the same slots as its match half. */
export function mergeCreatePath(match: BoundPathPattern, newSlots: readonly number[], propertiesOf: (element: { properties: readonly { key: string; value: BExpr }[] }) => BExpr | null): BoundCreatePath {
  const nodes: BoundCreateNode[] = match.nodes.map((node, index) => {
    const firstOccurrence = match.nodes.findIndex((other) => other.slot === node.slot) === index;
    const create = newSlots.includes(node.slot) && firstOccurrence;
    return { slot: node.slot, create, labels: create ? node.labels : [], properties: create ? propertiesOf(node) : null };
  });
  const relationships: BoundCreateRelationship[] = match.relationships.map((rel, i) => {
    const incoming = rel.direction === 'incoming';
    return { slot: rel.slot, type: rel.types[0]!, startIndex: incoming ? i + 1 : i, endIndex: incoming ? i : i + 1, properties: propertiesOf(rel) };
  });
  return { pathSlot: match.pathSlot, nodes, relationships };
}
