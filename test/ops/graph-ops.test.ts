// The operations on a real graph (graph store, src/graph/): full verify runs checkGraph, and
// compaction, backup and restore keep every graph invariant.
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { GraphReader, GraphShared, GraphWriter, type NodeId } from '../../src/graph/store.js';
import { restoreBackup } from '../../src/ops/restore.js';
import { COUNTER } from '../../src/storage/meta.js';
import { openSim, simFs } from './support.js';

function buildGraph(db: Database, shared: GraphShared): NodeId[] {
  let txn = db.pager.beginWrite();
  let graph = new GraphWriter(txn, shared);
  graph.createIndex({ label: 'Person', key: 'name' });
  txn.commit();
  txn = db.pager.beginWrite();
  graph = new GraphWriter(txn, shared);
  const ids: NodeId[] = [];
  for (let i = 0; i < 600; i++) ids.push(graph.createNode(['Person'], { name: `p${i}`, age: i % 90, bio: 'x'.repeat(i % 7 === 0 ? 3000 : 10) }));
  for (let i = 1; i < ids.length; i++) graph.createRelationship(ids[i - 1]!, 'KNOWS', ids[i]!, { since: i });
  txn.commit();
  txn = db.pager.beginWrite();
  graph = new GraphWriter(txn, shared);
  for (let i = 0; i < ids.length; i += 2) graph.deleteNode(ids[i]!, { detach: true });
  txn.commit();
  return ids.filter((_, i) => i % 2 === 1);
}

/** What the graph says about the surviving nodes: count, and each one's name and degree. */
function signature(db: Database, shared: GraphShared, ids: NodeId[]): unknown {
  const txn = db.pager.beginRead();
  try {
    const reader = new GraphReader(txn, shared);
    return { nodes: reader.nodeCount(), each: ids.map((id) => [reader.getNode(id)?.properties.name, reader.degree(id, 'both')]) };
  } finally {
    txn.end();
  }
}

describe('operations on a graph', () => {
  it('full verify runs the graph check: clean graph ok, a wrong node counter reported', async () => {
    const fs = simFs(51);
    const db = openSim(fs);
    buildGraph(db, new GraphShared());
    const report = await db.verify({ level: 'full' });
    expect(report.ok, JSON.stringify(report.problems.slice(0, 3))).toBe(true);
    expect(report.counts).toMatchObject({ graphChecked: 1, nodes: 300, leakedPages: 0 });
    const txn = db.pager.beginWrite();
    txn.setCounter(COUNTER.NODE_COUNT, 299n);
    txn.commit();
    const broken = await db.verify({ level: 'full' });
    expect(broken.ok).toBe(false);
    expect(broken.problems.some((p) => p.message.includes('G1'))).toBe(true);
    await db.close();
  });

  it('compaction, backup and restore keep every graph invariant', async () => {
    const fs = simFs(52);
    const db = openSim(fs);
    const shared = new GraphShared();
    const ids = buildGraph(db, shared);
    const before = signature(db, shared, ids);
    const report = await db.compact();
    expect(report.pagesAfter).toBeLessThan(report.pagesBefore);
    expect(signature(db, shared, ids)).toEqual(before); // the live caches stay valid: compaction keeps every id
    expect((await db.verify({ level: 'full' })).ok).toBe(true);
    await db.backup({ dir: '/backups/g' });
    await db.close();
    const restore = await restoreBackup({ fs, dir: '/backups/g', out: '/data/g2.db' });
    expect(restore.verify).toMatchObject({ level: 'full', ok: true });
    const restored = Database.open('/data/g2.db', { fs, lock: false, create: false, logLevel: 'silent' });
    expect(signature(restored, new GraphShared(), ids)).toEqual(before);
    await restored.close();
  });
});
