// The graph store: nodes, relationships, labels, properties, adjacency and indexes on the
// B+trees of one transaction. Read through GraphReader (a ReadTransaction or the
// WriteTransaction), change through GraphWriter (the WriteTransaction). Create one
// GraphShared per open database and pass it to every reader and writer.
//
//   const shared = new GraphShared();
//   const txn = pager.beginWrite();
//   const graph = new GraphWriter(txn, shared);
//   const a = graph.createNode(['Person'], { name: 'Ada' });
//   txn.commit();
//
// On-disk structures, one module each: record.ts (nodes and relationships trees),
// catalog.ts, adjacency.ts, label-index.ts, property-index.ts; check.ts verifies them all.

export { GraphReader } from './reader.js';
export { GraphWriter } from './writer.js';
export { GraphShared } from './shared.js';
export { checkGraph, type GraphProblem, type CheckGraphOptions, type GraphCheckReport } from './check.js';
export type {
  Direction,
  IndexInfo,
  IndexProgress,
  IndexSpec,
  IndexStatistics,
  Neighbour,
  NodeId,
  NodeRecord,
  PropertyRange,
  RangeBound,
  RelationshipId,
  RelationshipRecord,
} from './types.js';
