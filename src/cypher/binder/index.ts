// The binder: Statement (parser) + catalog → BoundStatement (bound.ts), or a SemanticError
// (code SEMANTIC_*, details { line, column, offset, excerpt, detail }).
//
// It resolves every name to a slot (bound.ts B1), checks the semantic rules of openCypher
// that the TCK tests at compile time, and reads the catalog — the only stage that does
// (CONVENTIONS §8): label counts and indexes for the labels the query names become the
// CatalogFacts the planner chooses access paths from, and CALL resolves procedures.
// Cost: O(size of the query) plus one catalog lookup per (label, property key) named.

import type { Statement } from '../parser/ast.js';
import { bindQuery } from './bind-query.js';
import type { BoundStatement, CatalogFacts } from './bound.js';
import type { BinderCatalog } from './catalog.js';
import { BindContext } from './context.js';

export function bind(statement: Statement, catalog: BinderCatalog): BoundStatement {
  const ctx = new BindContext(statement.source, catalog);
  const body = statement.body;
  switch (body.kind) {
    case 'CreateIndex':
      if (body.properties.length !== 1) {
        throw ctx.error(body.properties[1]!.span, 'UnexpectedSyntax', 'composite indexes are not supported: index one property');
      }
      return {
        kind: 'Schema',
        command: { kind: 'CreateIndex', name: body.name?.name ?? null, label: body.label.name, key: body.properties[0]!.name, unique: body.unique, ifNotExists: body.ifNotExists },
        columns: [],
        isWrite: true,
        mode: null,
        parameters: new Set(),
      };
    case 'DropIndex':
      if (body.properties.length > 1) {
        throw ctx.error(body.properties[1]!.span, 'UnexpectedSyntax', 'composite indexes are not supported');
      }
      return {
        kind: 'Schema',
        command: { kind: 'DropIndex', name: body.name?.name ?? null, label: body.label?.name ?? null, key: body.properties[0]?.name ?? null, ifExists: body.ifExists },
        columns: [],
        isWrite: true,
        mode: null,
        parameters: new Set(),
      };
    case 'ShowIndexes':
      return { kind: 'Schema', command: { kind: 'ShowIndexes' }, columns: SHOW_INDEX_COLUMNS, isWrite: false, mode: null, parameters: new Set() };
    case 'Query': {
      const { parts, columns } = bindQuery(ctx, body);
      return {
        kind: 'Query',
        parts,
        unionAll: body.unionAll,
        columns,
        slotCount: ctx.slots.count,
        slotNames: ctx.slots.slotNames,
        isWrite: ctx.isWrite,
        mode: statement.mode,
        parameters: ctx.parameters,
        catalog: gatherFacts(ctx, catalog),
      };
    }
  }
}

/** Columns of SHOW INDEXES (and CALL db.indexes()). */
export const SHOW_INDEX_COLUMNS: readonly string[] = ['id', 'name', 'label', 'property', 'unique'];

function gatherFacts(ctx: BindContext, catalog: BinderCatalog): CatalogFacts {
  const labelCounts = new Map<string, number>();
  const indexes = new Map<string, { name: string; unique: boolean }>();
  for (const label of ctx.labels) {
    labelCounts.set(label, catalog.labelNodeCount(label));
    for (const key of ctx.propertyKeys) {
      const index = catalog.findIndex(label, key);
      if (index !== null) indexes.set(`${label}\u0000${key}`, index);
    }
  }
  return { nodeCount: catalog.nodeCount(), labelCounts, indexes };
}

export type * from './bound.js';
export { EMPTY_CATALOG, type BinderCatalog } from './catalog.js';
export { ProcedureRegistry, type ProcedureContext, type ProcedureDefinition, type ProcedureField } from './procedures.js';
export { exprKey } from './expr-key.js';
export { semanticError } from './errors.js';
