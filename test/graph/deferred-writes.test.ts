// The graph store's deferred writes (adjacency.ts PendingAdjacency, catalog.ts label counts;
// transaction.ts T5): whatever a write transaction holds back is visible to every reader on
// that transaction, through every path (expand, degree, cursors opened before, another reader
// object), is gone after a rollback, and is on disk (A1, A2, C3 clean) after a commit.
import { describe, expect, it } from 'vitest';
import { GraphReader } from '../../src/graph/reader.js';
import { GraphWriter } from '../../src/graph/writer.js';
import { GraphDb } from '../support/graph-harness.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';

describe('deferred graph writes', () => {
  it('are read back within the transaction through every path', async () => {
    const db = new GraphDb();
    db.write((g, txn) => {
      const a = g.createNode(['P']);
      const b = g.createNode(['P']);
      const c = g.createNode(['P']);
      // A walker opened before the change re-seeks and sees it (B9).
      const walk = g.expand(a, 'out');
      g.createRelationship(a, 'R', b);
      const other = new GraphReader(txn, db.shared);
      expect(other.degree(a, 'out')).toBe(1);
      g.createRelationship(a, 'R', c);
      g.createRelationship(c, 'S', a);
      expect([...walk].map((n) => n.otherNodeId).sort()).toEqual([b, c]);
      expect(g.degree(a, 'out', ['R'])).toBe(2);
      expect(g.degree(a, 'in')).toBe(1);
      expect(g.labelNodeCount('P')).toBe(3);
      const r = g.createRelationship(b, 'R', c);
      g.deleteRelationship(r);
      expect(g.degree(b, 'out')).toBe(0);
      expect(g.deleteNode(a, { detach: true }).relationshipsDeleted).toBe(3);
      expect(g.labelNodeCount('P')).toBe(2);
    });
    db.expectClean();
    db.read((g) => {
      expect(g.labelNodeCount('P')).toBe(2);
      expect(g.relationshipCount()).toBe(0);
    });
    await db.close();
  });

  it('never remember a node as existing after it was deleted, by any writer on the transaction', async () => {
    const db = new GraphDb();
    db.write((g, txn) => {
      const a = g.createNode(['P']);
      const b = g.createNode(['P']);
      g.createRelationship(a, 'R', b); // both ends now known to exist
      new GraphWriter(txn, db.shared).deleteNode(b, { detach: true });
      expect(() => g.createRelationship(a, 'R', b)).toThrowError(expect.objectContaining({ code: 'NODE_NOT_FOUND' }));
      g.createRelationship(a, 'R', a);
    });
    db.expectClean();
    await db.close();
  });

  it('leave nothing behind on rollback', async () => {
    const db = new GraphDb();
    const [a, b] = db.write((g) => [g.createNode(['P']), g.createNode(['P'])]);
    expect(() =>
      db.write((g) => {
        for (let i = 0; i < 100; i++) g.createRelationship(a, 'R', b);
        g.createNode(['P']);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    db.read((g) => {
      expect(g.degree(a, 'out')).toBe(0);
      expect(g.labelNodeCount('P')).toBe(2);
    });
    db.expectClean();
    await db.close();
  });

  it('survive commit and a crash in larger random batches', async () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const db = new GraphDb();
      const nodes = db.write((g) => Array.from({ length: 300 }, () => g.createNode(['P'])));
      const expected = new Map<number, number>();
      for (let t = 0; t < 4; t++) {
        db.write((g) => {
          for (let i = 0; i < 1500; i++) {
            const s = nodes[Math.floor(rnd() * nodes.length)]!;
            const e = nodes[Math.floor(rnd() * rnd() * nodes.length)]!;
            g.createRelationship(s, rnd() < 0.5 ? 'A' : 'B', e);
            expected.set(s, (expected.get(s) ?? 0) + 1);
          }
        });
      }
      db.crashAndReopen();
      db.read((g) => {
        for (const n of nodes) expect(g.degree(n, 'out')).toBe(expected.get(n) ?? 0);
      });
      db.expectClean();
    });
  });
});
