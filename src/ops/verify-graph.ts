// The extension point through which full verification (verify.ts) runs the graph store's
// invariants (DESIGN.md §3: adjacency ↔ relationships ↔ nodes, index entries ↔ records,
// counters): src/graph/check.ts checkGraph, registered by default.
//
// The graph layer must not import ops/ (cypher → graph → storage; ops reads every layer), so
// the binding lives here. Full verification already runs BTree.check() on every root slot
// and the page-ownership check itself, so checkGraph runs without its page accounting and
// its tree-structure problems are dropped here (they would be reported twice).
//
// Tests or embedders may replace the check (registerGraphCheck), or pass one per call
// (VerifyOptions.graphCheck; null turns it off).

import { checkGraph } from '../graph/check.js';
import type { BTreeProblemKind } from '../storage/btree.js';
import type { GraphCheck } from './verify-types.js';

/** Problem kinds of BTree.check(): verify.ts reports these from its own tree pass. */
const TREE_PROBLEM_KINDS: ReadonlySet<string> = new Set<BTreeProblemKind>([
  'unreadable-page',
  'wrong-page-type',
  'bad-header',
  'bad-cell-pointer',
  'overlapping-cells',
  'free-space-accounting',
  'bad-cell',
  'key-order',
  'separator',
  'leaf-depth',
  'empty-node',
  'key-too-large',
  'page-reached-twice',
  'overflow-chain',
]);

/** checkGraph adapted to the GraphCheck contract. Cost: reads every graph page once, O(n log n). */
export const graphStoreCheck: GraphCheck = (txn) => {
  const report = checkGraph(txn);
  return {
    problems: report.problems
      .filter((p) => !TREE_PROBLEM_KINDS.has(p.invariant))
      .map((p) => ({
        severity: p.severity,
        message: `${p.message} (${p.structure} ${p.invariant})`,
        tree: p.structure,
        ...(p.pageId !== undefined ? { page: p.pageId } : {}),
        ...(p.key !== undefined ? { key: p.key } : p.id !== undefined ? { key: String(p.id) } : {}),
      })),
    counts: { nodes: report.nodes, relationships: report.relationships, indexEntries: report.indexEntries },
  };
};

let registered: GraphCheck | null = graphStoreCheck;

/** Install (or remove, with null) the graph-level check used by full verification. */
export function registerGraphCheck(check: GraphCheck | null): void {
  registered = check;
}

/** The registered graph-level check (checkGraph unless replaced), or null. */
export function registeredGraphCheck(): GraphCheck | null {
  return registered;
}
