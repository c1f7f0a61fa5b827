// Expansion operators: Expand (one hop), VarExpand (`*min..max`, depth-first, relationship
// uniqueness per path), ProjectEndpoints (a relationship bound earlier), ShortestPath
// (breadth-first) and DegreeCount (count pushdown).
//
// Undirected patterns read both directions; a self-loop shows up once per direction in
// GraphReader.expand(), and is taken once (its incoming copy is skipped), so
// `MATCH (a)-[r]-(b)` matches a self-loop once, as in Neo4j.
// Relationship uniqueness: within one MATCH no relationship is bound twice; the planner lists
// the relationship (and relationship-list) slots each expansion must differ from.

import type { NeighbourCursor } from '../../../graph/neighbour-cursor.js';
import type { GraphReader } from '../../../graph/reader.js';
import type { Direction, Neighbour } from '../../../graph/types.js';
import { equals } from '../../runtime/compare.js';
import { operatorTypeError } from '../../runtime/runtime-errors.js';
import { NodeRef, PathValue, RelationshipRef, type Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Evaluator, Operator, Row } from '../operator.js';

export function startNode(value: Value, what: string): NodeRef | null {
  if (value === null) return null;
  if (value instanceof NodeRef) return value;
  throw operatorTypeError(`${what} (a node was expected)`, [value]);
}

function makeRelationship(n: Neighbour, from: number): RelationshipRef {
  return n.direction === 'out' ? new RelationshipRef(n.relationshipId, n.type, from, n.otherNodeId) : new RelationshipRef(n.relationshipId, n.type, n.otherNodeId, from);
}

/** True when relationship `id` is one of those in `slots` / `listSlots` of the row. */
export function usedElsewhere(row: Row, id: number, slots: readonly number[], listSlots: readonly number[]): boolean {
  for (let i = 0; i < slots.length; i++) {
    const r = row[slots[i]!];
    if (r instanceof RelationshipRef && r.id === id) return true;
  }
  for (let i = 0; i < listSlots.length; i++) {
    const list = row[listSlots[i]!];
    if (Array.isArray(list)) for (const r of list) if (r instanceof RelationshipRef && r.id === id) return true;
  }
  return false;
}

export interface ExpandSpec {
  /** False when nothing reads the relationship slot (build.ts): ExpandOp leaves it unset. VarExpand ignores it. */
  readonly bindRelationship?: boolean;
  readonly from: number;
  readonly relationship: number;
  readonly to: number;
  readonly direction: Direction;
  /** undefined = any type. */
  readonly types: readonly string[] | undefined;
  readonly into: boolean;
  readonly distinctFrom: readonly number[];
  readonly distinctFromLists: readonly number[];
}

export class ExpandOp implements Operator {
  private row: Row | null = null;
  private fromId = -1;
  private targetId = -1;
  /** The walker over the current row's relationships, and the graph that lent it (given back when done). */
  private walker: NeighbourCursor | null = null;
  private walkerGraph: GraphReader | null = null;
  private lastTypeId = -1;
  private lastTypeName = '';

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly spec: ExpandSpec,
  ) {}

  reset(argument: Row): void {
    this.release();
    this.row = null;
    this.input.reset(argument);
  }

  private release(): void {
    if (this.walker !== null) {
      this.walkerGraph!.releaseNeighbours(this.walker);
      this.walker = null;
      this.walkerGraph = null;
    }
  }

  private typeName(typeId: number): string {
    if (typeId !== this.lastTypeId) {
      this.lastTypeName = this.ctx.graph.relationshipTypeName(typeId);
      this.lastTypeId = typeId;
    }
    return this.lastTypeName;
  }

  next(): Row | null {
    const { ctx, spec } = this;
    const checkDistinct = spec.distinctFrom.length > 0 || spec.distinctFromLists.length > 0;
    for (;;) {
      const walker = this.walker;
      if (walker !== null) {
        if (!walker.next()) {
          this.release();
          continue;
        }
        ctx.tick();
        const other = walker.otherNodeId;
        const row = this.row!;
        if (spec.direction === 'both' && !walker.outgoing && other === this.fromId) continue;
        if (spec.into && other !== this.targetId) continue;
        const relationshipId = walker.relationshipId;
        if (checkDistinct && usedElsewhere(row, relationshipId, spec.distinctFrom, spec.distinctFromLists)) continue;
        if (spec.bindRelationship !== false) {
          const type = this.typeName(walker.typeId);
          row[spec.relationship] = walker.outgoing
            ? new RelationshipRef(relationshipId, type, this.fromId, other)
            : new RelationshipRef(relationshipId, type, other, this.fromId);
        }
        if (!spec.into) row[spec.to] = new NodeRef(other);
        return row;
      }
      const row = this.input.next();
      if (row === null) return null;
      const from = startNode(row[spec.from] ?? null, 'expand');
      if (from === null) continue;
      if (spec.into) {
        const target = startNode(row[spec.to] ?? null, 'expand');
        if (target === null) continue;
        this.targetId = target.id;
      }
      this.row = row;
      this.fromId = from.id;
      this.walkerGraph = ctx.graph;
      this.walker = ctx.graph.neighbours(from.id, spec.direction, spec.types);
    }
  }
}

export interface VarExpandSpec extends ExpandSpec {
  readonly min: number;
  readonly max: number | null;
  readonly reverse: boolean;
  readonly properties: readonly { key: string; value: Evaluator }[];
}

interface Frame {
  readonly node: number;
  neighbours: Iterator<Neighbour> | null;
}

/** Paths of min..max relationships from `from`, depth first; each relationship at most once per path. */
export class VarExpandOp implements Operator {
  private row: Row | null = null;
  private readonly stack: Frame[] = [];
  private readonly path: RelationshipRef[] = [];
  private targetId = -1;
  private propertyValues: Value[] = [];
  private emitStart = false;

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly spec: VarExpandSpec,
  ) {}

  reset(argument: Row): void {
    for (const frame of this.stack) frame.neighbours?.return?.();
    this.stack.length = 0;
    this.path.length = 0;
    this.row = null;
    this.emitStart = false;
    this.input.reset(argument);
  }

  private emit(node: number): Row {
    const row = this.row!;
    const list = this.path.slice();
    if (this.spec.reverse) list.reverse();
    row[this.spec.relationship] = list;
    if (!this.spec.into) row[this.spec.to] = new NodeRef(node);
    return row;
  }

  private accepts(n: Neighbour): boolean {
    const { spec, ctx } = this;
    for (const rel of this.path) if (rel.id === n.relationshipId) return false;
    if ((spec.distinctFrom.length > 0 || spec.distinctFromLists.length > 0) && usedElsewhere(this.row!, n.relationshipId, spec.distinctFrom, spec.distinctFromLists)) return false;
    for (let i = 0; i < spec.properties.length; i++) {
      const stored = ctx.entities.relationshipProperty(n.relationshipId, spec.properties[i]!.key);
      if (equals(stored, this.propertyValues[i]!) !== true) return false;
    }
    return true;
  }

  next(): Row | null {
    const { ctx, spec, stack, path } = this;
    const max = spec.max ?? Number.POSITIVE_INFINITY;
    for (;;) {
      if (this.emitStart) {
        this.emitStart = false;
        const start = stack[0]!.node;
        if (!spec.into || start === this.targetId) return this.emit(start);
      }
      if (stack.length === 0) {
        const row = this.input.next();
        if (row === null) return null;
        const from = startNode(row[spec.from] ?? null, 'variable-length expand');
        if (from === null) continue;
        if (spec.into) {
          const target = startNode(row[spec.to] ?? null, 'variable-length expand');
          if (target === null) continue;
          this.targetId = target.id;
        }
        this.row = row;
        this.propertyValues = spec.properties.map((p) => p.value(row, ctx));
        stack.push({ node: from.id, neighbours: null });
        this.emitStart = spec.min === 0;
        continue;
      }
      const top = stack[stack.length - 1]!;
      if (top.neighbours === null) {
        if (path.length >= max) {
          this.pop();
          continue;
        }
        top.neighbours = ctx.graph.expand(top.node, spec.direction, spec.types);
      }
      const step = top.neighbours.next();
      if (step.done) {
        this.pop();
        continue;
      }
      ctx.tick();
      const n = step.value;
      if (spec.direction === 'both' && n.direction === 'in' && n.otherNodeId === top.node) continue;
      if (!this.accepts(n)) continue;
      path.push(makeRelationship(n, top.node));
      stack.push({ node: n.otherNodeId, neighbours: null });
      if (path.length >= spec.min && (!spec.into || n.otherNodeId === this.targetId)) return this.emit(n.otherNodeId);
    }
  }

  private pop(): void {
    this.stack.pop();
    if (this.stack.length > 0) this.path.pop();
  }
}

/**
 * Binds (or checks) the ends of a relationship bound by an earlier clause, or of a list of
 * relationships bound earlier and used as a variable-length relationship (the path it forms).
 */
export class ProjectEndpointsOp implements Operator {
  private row: Row | null = null;
  private pending: [number, number][] = [];

  constructor(
    private readonly input: Operator,
    private readonly spec: {
      relationship: number;
      left: number;
      right: number;
      direction: 'outgoing' | 'incoming' | 'both';
      types: readonly string[];
      leftBound: boolean;
      rightBound: boolean;
      list: boolean;
      min?: number;
      max?: number | null;
    },
  ) {}

  reset(argument: Row): void {
    this.pending = [];
    this.row = null;
    this.input.reset(argument);
  }

  next(): Row | null {
    const spec = this.spec;
    for (;;) {
      const candidate = this.pending.pop();
      if (candidate !== undefined) {
        const row = this.row!;
        const [left, right] = candidate;
        if (spec.leftBound && (row[spec.left] as NodeRef | null)?.id !== left) continue;
        if (spec.rightBound && (row[spec.right] as NodeRef | null)?.id !== right) continue;
        if (!spec.leftBound) row[spec.left] = new NodeRef(left);
        if (!spec.rightBound) {
          if (spec.right === spec.left && left !== right) continue;
          row[spec.right] = new NodeRef(right);
        }
        return row;
      }
      const row = this.input.next();
      if (row === null) return null;
      const value = row[spec.relationship] ?? null;
      this.row = row;
      this.pending = spec.list ? this.listEnds(value) : this.singleEnds(value);
    }
  }

  private typeOk(rel: RelationshipRef): boolean {
    return this.spec.types.length === 0 || this.spec.types.includes(rel.typeName);
  }

  private singleEnds(rel: Value): [number, number][] {
    if (!(rel instanceof RelationshipRef) || !this.typeOk(rel)) return [];
    if (this.spec.direction === 'outgoing') return [[rel.startId, rel.endId]];
    if (this.spec.direction === 'incoming') return [[rel.endId, rel.startId]];
    return rel.startId === rel.endId ? [[rel.startId, rel.endId]] : [[rel.endId, rel.startId], [rel.startId, rel.endId]];
  }

  /** Ends of the path a relationship list forms, read left to right, in each orientation that fits. */
  private listEnds(value: Value): [number, number][] {
    if (!Array.isArray(value) || value.length === 0) return [];
    const rels: RelationshipRef[] = [];
    for (const item of value) {
      if (!(item instanceof RelationshipRef) || !this.typeOk(item)) return [];
      rels.push(item);
    }
    const { min = 1, max = null } = this.spec;
    if (rels.length < min || (max !== null && rels.length > max)) return [];
    const out: [number, number][] = [];
    for (const start of new Set([rels[0]!.startId, rels[0]!.endId])) {
      let current = start;
      let ok = true;
      for (const rel of rels) {
        const forward = rel.startId === current;
        const backward = rel.endId === current;
        if (this.spec.direction === 'outgoing' ? !forward : this.spec.direction === 'incoming' ? !backward : !(forward || backward)) {
          ok = false;
          break;
        }
        current = this.spec.direction === 'incoming' ? rel.startId : forward ? rel.endId : rel.startId;
      }
      if (ok) out.push([start, current]);
    }
    return out;
  }
}

/** shortestPath / allShortestPaths between two bound nodes, breadth first. */
export class ShortestPathOp implements Operator {
  private row: Row | null = null;
  private paths: RelationshipRef[][] = [];

  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly spec: {
      from: number;
      to: number;
      relationship: number;
      pathSlot: number | null;
      direction: Direction;
      types: readonly string[] | undefined;
      min: number;
      max: number | null;
      all: boolean;
      properties: readonly { key: string; value: Evaluator }[];
    },
  ) {}

  reset(argument: Row): void {
    this.paths = [];
    this.row = null;
    this.input.reset(argument);
  }

  next(): Row | null {
    const spec = this.spec;
    for (;;) {
      const path = this.paths.pop();
      if (path !== undefined) {
        const row = this.row!;
        row[spec.relationship] = path;
        if (spec.pathSlot !== null) {
          const nodes = [row[spec.from] as NodeRef];
          let current = nodes[0]!.id;
          for (const rel of path) {
            current = rel.startId === current ? rel.endId : rel.startId;
            nodes.push(new NodeRef(current));
          }
          row[spec.pathSlot] = new PathValue(nodes, path.slice());
        }
        return row;
      }
      const row = this.input.next();
      if (row === null) return null;
      const from = startNode(row[spec.from] ?? null, 'shortestPath');
      const to = startNode(row[spec.to] ?? null, 'shortestPath');
      if (from === null || to === null) continue;
      this.row = row;
      this.paths = this.search(from.id, to.id, row).reverse();
    }
  }

  private search(from: number, to: number, row: Row): RelationshipRef[][] {
    const { ctx, spec } = this;
    if (from === to) return spec.min === 0 ? [[]] : [];
    const values = spec.properties.map((p) => p.value(row, ctx));
    const max = spec.max ?? Number.POSITIVE_INFINITY;
    const depth = new Map<number, number>([[from, 0]]);
    const parents = new Map<number, { prev: number; rel: RelationshipRef }[]>();
    let frontier = [from];
    let level = 0;
    while (frontier.length > 0 && level < max && !depth.has(to)) {
      level++;
      const next: number[] = [];
      for (const node of frontier) {
        for (const n of ctx.graph.expand(node, spec.direction, spec.types)) {
          ctx.tick();
          if (spec.direction === 'both' && n.direction === 'in' && n.otherNodeId === node) continue;
          if (!values.every((v, i) => equals(ctx.entities.relationshipProperty(n.relationshipId, spec.properties[i]!.key), v) === true)) continue;
          const seen = depth.get(n.otherNodeId);
          if (seen !== undefined && seen < level) continue;
          if (seen === undefined) {
            depth.set(n.otherNodeId, level);
            next.push(n.otherNodeId);
          }
          const list = parents.get(n.otherNodeId) ?? [];
          list.push({ prev: node, rel: makeRelationship(n, node) });
          parents.set(n.otherNodeId, list);
        }
      }
      frontier = next;
    }
    if (!depth.has(to) || depth.get(to)! < spec.min) return [];
    const out: RelationshipRef[][] = [];
    const walk = (node: number, suffix: RelationshipRef[]): void => {
      if (node === from) {
        out.push(suffix.slice().reverse());
        return;
      }
      for (const parent of parents.get(node) ?? []) {
        if (depth.get(parent.prev)! !== depth.get(node)! - 1) continue;
        suffix.push(parent.rel);
        walk(parent.prev, suffix);
        suffix.pop();
        if (!spec.all && out.length > 0) return;
      }
    };
    walk(to, []);
    return out;
  }
}

/** Count pushdown: the node's degree, as an INTEGER in `slot`; rows with degree 0 are dropped. */
export class DegreeCountOp implements Operator {
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly spec: { from: number; slot: number; direction: Direction; types: readonly string[] | undefined },
  ) {}

  reset(argument: Row): void {
    this.input.reset(argument);
  }

  next(): Row | null {
    const { ctx, spec } = this;
    for (;;) {
      const row = this.input.next();
      if (row === null) return null;
      ctx.tick();
      const from = startNode(row[spec.from] ?? null, 'expand');
      if (from === null) continue;
      const degree = ctx.graph.degree(from.id, spec.direction, spec.types);
      if (degree === 0) continue;
      row[spec.slot] = BigInt(degree);
      return row;
    }
  }
}
