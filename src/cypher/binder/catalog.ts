// What the binder reads from the database: counts and indexes for planning, procedures for
// CALL. Only the binder reads the catalog (CONVENTIONS §8); it hands the planner what it read
// as CatalogFacts (bound.ts).

import type { ProcedureDefinition } from './procedures.js';

export interface BinderCatalog {
  /** Nodes in the graph. Cost: O(1). */
  nodeCount(): number;
  /** Nodes carrying the label (0 when unknown). Cost: O(1). */
  labelNodeCount(label: string): number;
  /** The property index on (label, key), or null. Cost: a Map lookup. */
  findIndex(label: string, key: string): { name: string; unique: boolean } | null;
  /** The procedure with this dotted name, or undefined. */
  procedure(name: string): ProcedureDefinition | undefined;
}

/** A catalog with nothing in it (binding without a database, e.g. for tests and EXPLAIN tools). */
export const EMPTY_CATALOG: BinderCatalog = {
  nodeCount: () => 0,
  labelNodeCount: () => 0,
  findIndex: () => null,
  procedure: () => undefined,
};
