// Updating operators: Create, Merge, SetItems (SET and REMOVE), Delete, Foreach. Every
// change goes through Mutations (stats as the TCK counts them).
//
// Values become properties through runtime/properties.ts toStorableProperty: a null value
// removes the property, a map or a nested list is InvalidPropertyType.

import { RuntimeQueryError } from '../../../errors.js';
import type { PropertyMap, PropertyValue } from '../../../graph/value.js';
import { operatorTypeError } from '../../runtime/runtime-errors.js';
import { toStorableProperty } from '../../runtime/properties.js';
import { NodeRef, PathValue, RelationshipRef, isValueMap, typeName, type Value } from '../../runtime/values.js';
import type { ExecContext } from '../context.js';
import type { Evaluator, Operator, Row } from '../operator.js';

// ── compiled shapes ─────────────────────────────────────────────────────────────────────

export interface CreateNodeSpec {
  readonly slot: number;
  readonly create: boolean;
  readonly labels: readonly string[];
  readonly properties: Evaluator | null;
}

export interface CreateRelationshipSpec {
  readonly slot: number;
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly properties: Evaluator | null;
}

export interface CreatePathSpec {
  readonly pathSlot: number | null;
  readonly nodes: readonly CreateNodeSpec[];
  readonly relationships: readonly CreateRelationshipSpec[];
}

export type SetItemSpec =
  | { readonly kind: 'SetProperty'; readonly target: Evaluator; readonly key: string; readonly value: Evaluator }
  | { readonly kind: 'SetAll'; readonly target: Evaluator; readonly mode: 'replace' | 'merge'; readonly value: Evaluator }
  | { readonly kind: 'SetLabels'; readonly target: Evaluator; readonly labels: readonly string[] }
  | { readonly kind: 'RemoveProperty'; readonly target: Evaluator; readonly key: string }
  | { readonly kind: 'RemoveLabels'; readonly target: Evaluator; readonly labels: readonly string[] };

// ── helpers ─────────────────────────────────────────────────────────────────────────────

/** A property map from a map value (null entries dropped unless `keepNulls`, for `+=`). */
function propertyMap(value: Value, where: string, keepNulls = false): PropertyMap {
  if (value === null) return {};
  if (!isValueMap(value)) throw operatorTypeError(`${where} (a map was expected)`, [value]);
  const out: PropertyMap = {};
  // for-in over own keys: Object.keys' keys and order, without its array per row
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const v = value[key]!;
    if (v === null) {
      if (keepNulls) out[key] = null;
      continue;
    }
    // A scalar is stored as it is; the location string is built only for a value that may be refused.
    const kind = typeof v;
    out[key] = kind === 'string' || kind === 'bigint' || kind === 'number' || kind === 'boolean' ? (v as PropertyValue) : toStorableProperty(v, `${where}.${key}`);
  }
  return out;
}

/**
 * The property map of a created entity: the map value itself when every entry is null or a
 * storable scalar (the writers and Mutations only read it and skip its nulls, as propertyMap
 * would drop them), else propertyMap's converted copy. Saves an object per created row.
 */
function createProperties(value: Value): PropertyMap {
  if (value === null || !isValueMap(value)) return propertyMap(value, 'CREATE');
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const v = value[key]!;
    const kind = typeof v;
    if (v !== null && kind !== 'string' && kind !== 'bigint' && kind !== 'number' && kind !== 'boolean') return propertyMap(value, 'CREATE');
  }
  return value as PropertyMap;
}

function nodeIn(row: Row, slot: number, what: string): number {
  const value = row[slot] ?? null;
  if (value instanceof NodeRef) return value.id;
  throw new RuntimeQueryError('RUNTIME_OTHER', `${what}: the node to connect is ${value === null ? 'null' : `a ${typeName(value)}`}`, {});
}

/** The properties of a pattern element without a map: one frozen object (the writers only read it). */
const NO_PROPERTIES: PropertyMap = Object.freeze({});

/** Create one path of a CREATE or MERGE on `row`. */
export function createPath(ctx: ExecContext, row: Row, path: CreatePathSpec): void {
  const writes = ctx.writes;
  for (const node of path.nodes) {
    if (!node.create) continue;
    const properties = node.properties === null ? NO_PROPERTIES : createProperties(node.properties(row, ctx));
    row[node.slot] = new NodeRef(writes.createNode(node.labels, properties));
  }
  for (const rel of path.relationships) {
    const start = nodeIn(row, path.nodes[rel.startIndex]!.slot, 'CREATE');
    const end = nodeIn(row, path.nodes[rel.endIndex]!.slot, 'CREATE');
    const properties = rel.properties === null ? NO_PROPERTIES : createProperties(rel.properties(row, ctx));
    row[rel.slot] = new RelationshipRef(writes.createRelationship(start, rel.type, end, properties), rel.type, start, end);
  }
  if (path.pathSlot !== null) row[path.pathSlot] = pathValue(row, path);
}

/**
 * The path value of a created path. Its own function: closures over `row` inside createPath
 * made V8 allocate a context for `row` on every call, path variable or not.
 */
function pathValue(row: Row, path: CreatePathSpec): PathValue {
  return new PathValue(
    path.nodes.map((n) => row[n.slot] as NodeRef),
    path.relationships.map((r) => row[r.slot] as RelationshipRef),
  );
}

function entityProperties(value: Value, ctx: ExecContext): Value {
  if (value instanceof NodeRef) return ctx.entities.nodeProperties(value.id);
  if (value instanceof RelationshipRef) return ctx.entities.relationshipProperties(value.id);
  return value;
}

/** Apply SET / REMOVE items to one row, in order. */
export function applySetItems(ctx: ExecContext, row: Row, items: readonly SetItemSpec[]): void {
  const writes = ctx.writes;
  for (const item of items) {
    const target = item.target(row, ctx);
    if (target === null) continue;
    switch (item.kind) {
      case 'SetProperty':
      case 'RemoveProperty': {
        const value: PropertyValue = item.kind === 'SetProperty' ? toStorableProperty(item.value(row, ctx), `SET .${item.key}`) : null;
        if (target instanceof NodeRef) {
          ctx.entities.nodeLabels(target.id); // DeletedEntityAccess for a deleted node
          writes.setNodeProperty(target.id, item.key, value);
        } else if (target instanceof RelationshipRef) {
          ctx.entities.relationshipProperties(target.id);
          writes.setRelationshipProperty(target.id, item.key, value);
        } else throw operatorTypeError(`SET .${item.key} (a node or relationship was expected)`, [target]);
        break;
      }
      case 'SetAll': {
        const source = entityProperties(item.value(row, ctx), ctx);
        const merge = item.mode === 'merge';
        if (source === null && merge) break;
        const map = propertyMap(source, 'SET', merge);
        if (target instanceof NodeRef) {
          if (merge) writes.mergeNodeProperties(target.id, map);
          else writes.replaceNodeProperties(target.id, map);
        } else if (target instanceof RelationshipRef) {
          if (merge) writes.mergeRelationshipProperties(target.id, map);
          else writes.replaceRelationshipProperties(target.id, map);
        } else throw operatorTypeError('SET (a node or relationship was expected)', [target]);
        break;
      }
      case 'SetLabels':
      case 'RemoveLabels': {
        if (!(target instanceof NodeRef)) throw operatorTypeError('SET/REMOVE label (a node was expected)', [target]);
        ctx.entities.nodeLabels(target.id);
        for (const label of item.labels) {
          if (item.kind === 'SetLabels') writes.addLabel(target.id, label);
          else writes.removeLabel(target.id, label);
        }
        break;
      }
    }
  }
}

// ── operators ───────────────────────────────────────────────────────────────────────────

export class CreateOp implements Operator {
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly paths: readonly CreatePathSpec[],
  ) {}
  reset(argument: Row): void {
    this.input.reset(argument);
  }
  next(): Row | null {
    const row = this.input.next();
    if (row === null) return null;
    this.ctx.tick();
    for (const path of this.paths) createPath(this.ctx, row, path);
    return row;
  }
}

export class SetItemsOp implements Operator {
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly items: readonly SetItemSpec[],
  ) {}
  reset(argument: Row): void {
    this.input.reset(argument);
  }
  next(): Row | null {
    const row = this.input.next();
    if (row === null) return null;
    this.ctx.tick();
    applySetItems(this.ctx, row, this.items);
    return row;
  }
}

/**
 * MERGE: per row, every match of the pattern (with ON MATCH applied), or — when there is
 * none — the pattern created (with ON CREATE applied). Later rows see what earlier rows
 * created. A null inline property is RUNTIME_CLAUSE_ARGUMENT (TCK MergeReadOwnWrites).
 */
export class MergeOp implements Operator {
  private pending: Row[] = [];
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly match: Operator,
    private readonly create: CreatePathSpec,
    private readonly onMatch: readonly SetItemSpec[],
    private readonly onCreate: readonly SetItemSpec[],
    private readonly nullChecks: readonly { key: string; value: Evaluator }[],
  ) {}
  reset(argument: Row): void {
    this.pending = [];
    this.input.reset(argument);
  }
  next(): Row | null {
    const ctx = this.ctx;
    for (;;) {
      const ready = this.pending.pop();
      if (ready !== undefined) return ready;
      const row = this.input.next();
      if (row === null) return null;
      ctx.tick();
      for (const check of this.nullChecks) {
        if (check.value(row, ctx) === null) {
          throw new RuntimeQueryError('RUNTIME_CLAUSE_ARGUMENT', `MERGE cannot use a null value for property ${check.key}: null never matches, so MERGE would create on every run`, {
            detail: 'MergeReadOwnWrites',
            key: check.key,
          });
        }
      }
      const matches: Row[] = [];
      this.match.reset(row);
      for (let m = this.match.next(); m !== null; m = this.match.next()) {
        ctx.tick();
        matches.push(m.slice());
      }
      if (matches.length === 0) {
        createPath(ctx, row, this.create);
        applySetItems(ctx, row, this.onCreate);
        return row;
      }
      for (const m of matches) applySetItems(ctx, m, this.onMatch);
      this.pending = matches.reverse();
    }
  }
}

/**
 * DELETE: reads every input row first, then deletes relationships (and the relationships of
 * paths) row by row, then the nodes; so a node whose relationships the same clause deletes
 * can be deleted without DETACH. NODE_HAS_RELATIONSHIPS for a node that still has any.
 */
export class DeleteOp implements Operator {
  private rows: Row[] | null = null;
  private index = 0;
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly detach: boolean,
    private readonly expressions: readonly Evaluator[],
  ) {}
  reset(argument: Row): void {
    this.rows = null;
    this.input.reset(argument);
  }
  next(): Row | null {
    if (this.rows === null) this.rows = this.run();
    return this.index < this.rows.length ? this.rows[this.index++]! : null;
  }
  private run(): Row[] {
    const { ctx, expressions } = this;
    const writes = ctx.writes;
    const rows: Row[] = [];
    for (let row = this.input.next(); row !== null; row = this.input.next()) {
      ctx.tick();
      rows.push(row.slice());
      if ((rows.length & 1023) === 0) ctx.checkBuffered(rows.length, 'DELETE');
    }
    const nodes: number[] = [];
    const visit = (value: Value): void => {
      if (value === null) return;
      if (value instanceof RelationshipRef) writes.deleteRelationship(value.id);
      else if (value instanceof NodeRef) nodes.push(value.id);
      else if (value instanceof PathValue) {
        for (const rel of value.relationships) writes.deleteRelationship(rel.id);
        for (const node of value.nodes) nodes.push(node.id);
      } else if (Array.isArray(value)) for (const item of value) visit(item);
      else throw operatorTypeError('DELETE (a node, relationship or path was expected)', [value]);
    };
    for (const row of rows) for (const e of expressions) visit(e(row, ctx));
    for (const node of nodes) {
      ctx.tick();
      writes.deleteNode(node, this.detach);
    }
    this.index = 0;
    return rows;
  }
}

/** FOREACH (x IN list | updates): runs the inner plan once per element; passes the row on. */
export class ForeachOp implements Operator {
  constructor(
    private readonly ctx: ExecContext,
    private readonly input: Operator,
    private readonly slot: number,
    private readonly list: Evaluator,
    private readonly inner: Operator,
  ) {}
  reset(argument: Row): void {
    this.input.reset(argument);
  }
  next(): Row | null {
    const { ctx } = this;
    const row = this.input.next();
    if (row === null) return null;
    const list = this.list(row, ctx);
    if (list === null) return row;
    if (!Array.isArray(list)) throw operatorTypeError('FOREACH (a list was expected)', [list]);
    const saved = row[this.slot] ?? null;
    for (const item of list) {
      ctx.tick();
      const inner = row.slice();
      inner[this.slot] = item;
      this.inner.reset(inner);
      while (this.inner.next() !== null) ctx.tick();
    }
    row[this.slot] = saved;
    return row;
  }
}
