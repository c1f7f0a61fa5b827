// Graph store API: nodes, relationships, properties, labels, expansion, degrees, errors,
// iteration under change, catalog caching across rollbacks and snapshots.
import { afterEach, describe, expect, it } from 'vitest';
import { GraphReader } from '../../src/graph/reader.js';
import { GraphWriter } from '../../src/graph/writer.js';
import { float, toPropertyValue, type PropertyValue } from '../../src/graph/value.js';
import { codeOf, GraphDb } from '../support/graph-harness.js';
import { sortNeighbours } from '../support/graph-model.js';

let db: GraphDb;
afterEach(async () => {
  await db?.close();
});

describe('nodes and relationships', () => {
  it('creates, reads back and counts', () => {
    db = new GraphDb();
    const { a, b, r } = db.write((g) => {
      const a = g.createNode(['Person', 'Admin'], { name: 'Ada', age: 36n, score: 1.5, tags: ['x', 'y'] });
      const b = g.createNode(['Person'], { name: 'Bob', nothing: null });
      const r = g.createRelationship(a, 'KNOWS', b, { since: 2001n });
      return { a, b, r };
    });
    expect([a, b, r]).toEqual([0, 1, 0]);
    db.read((g) => {
      expect(g.getNode(a)).toEqual({ id: a, labels: ['Person', 'Admin'], properties: { name: 'Ada', age: 36n, score: 1.5, tags: ['x', 'y'] } });
      expect(g.getNode(b)!.properties).toEqual({ name: 'Bob' });
      expect(g.getNode(99)).toBeNull();
      expect(g.nodeExists(a)).toBe(true);
      expect(g.nodeLabels(a)).toEqual(['Person', 'Admin']);
      expect(g.nodeHasLabel(a, 'Admin')).toBe(true);
      expect(g.nodeHasLabel(b, 'Admin')).toBe(false);
      expect(g.nodeHasLabel(b, 'Unknown')).toBe(false);
      expect(g.nodeProperty(a, 'age')).toBe(36n);
      expect(g.nodeProperty(a, 'missing')).toBeNull();
      expect(g.nodeProperty(b, 'age')).toBeNull();
      expect(g.getRelationship(r)).toEqual({ id: r, type: 'KNOWS', start: a, end: b, properties: { since: 2001n } });
      expect(g.relationshipProperty(r, 'since')).toBe(2001n);
      expect(g.relationshipProperties(r)).toEqual({ since: 2001n });
      expect([...g.allNodeIds()]).toEqual([a, b]);
      expect([...g.allRelationshipIds()]).toEqual([r]);
      expect([...g.nodeIdsByLabel('Person')]).toEqual([a, b]);
      expect([...g.nodeIdsByLabel('Admin')]).toEqual([a]);
      expect([...g.nodeIdsByLabel('Nope')]).toEqual([]);
      expect(g.nodeCount()).toBe(2);
      expect(g.relationshipCount()).toBe(1);
      expect(g.labelNodeCount('Person')).toBe(2);
      expect(g.labelNodeCount('Nope')).toBe(0);
      expect(g.labels()).toEqual(['Person', 'Admin']);
      expect(g.relationshipTypes()).toEqual(['KNOWS']);
      expect(g.propertyKeys()).toEqual(['name', 'age', 'score', 'tags', 'since']);
    });
    db.expectClean();
  });

  it('refuses missing nodes and relationships with their codes', () => {
    db = new GraphDb();
    db.write((g) => {
      const a = g.createNode([]);
      expect(codeOf(() => g.nodeLabels(5))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.nodeProperty(5, 'x'))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.setNodeProperty(5, 'x', 1n))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.addNodeLabel(5, 'L'))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.deleteNode(5))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.createRelationship(a, 'T', 5))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.createRelationship(5, 'T', a))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.deleteRelationship(3))).toBe('RELATIONSHIP_NOT_FOUND');
      expect(codeOf(() => g.relationshipProperty(3, 'x'))).toBe('RELATIONSHIP_NOT_FOUND');
      expect(codeOf(() => g.setRelationshipProperty(3, 'x', 1n))).toBe('RELATIONSHIP_NOT_FOUND');
      expect(codeOf(() => g.getNode(-1))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => g.getNode(1.5))).toBe('INVALID_ARGUMENT');
      // Nothing was created by the refused calls.
      expect(g.relationshipTypes()).toEqual([]);
      expect(g.relationshipCount()).toBe(0);
    });
    db.expectClean();
  });

  it('never reuses ids, also across reopen', () => {
    db = new GraphDb();
    db.write((g) => {
      const a = g.createNode([]);
      const b = g.createNode([]);
      g.deleteRelationship(g.createRelationship(a, 'T', b));
      g.deleteNode(b);
    });
    db.crashAndReopen();
    db.write((g) => {
      expect(g.createNode([])).toBe(2);
      expect(g.createRelationship(0, 'T', 0)).toBe(1);
    });
    db.expectClean();
  });
});

describe('properties', () => {
  it('sets, removes, replaces and merges', () => {
    db = new GraphDb();
    const [n, r] = db.write((g) => {
      const n = g.createNode(['A'], { a: 1n, b: 'x' });
      const r = g.createRelationship(n, 'T', n, { w: 1.0 });
      g.setNodeProperty(n, 'c', true);
      g.setNodeProperty(n, 'a', null);
      g.setNodeProperty(n, 'zz', null); // removing an absent key is a no-op
      expect(g.nodeProperties(n)).toEqual({ b: 'x', c: true });
      g.mergeNodeProperties(n, { b: null, d: [1n, 2n] });
      expect(g.nodeProperties(n)).toEqual({ c: true, d: [1n, 2n] });
      g.replaceNodeProperties(n, { e: 'only', f: null });
      expect(g.nodeProperties(n)).toEqual({ e: 'only' });
      g.setRelationshipProperty(r, 'w', 2.5);
      g.mergeRelationshipProperties(r, { v: 'x' });
      expect(g.relationshipProperties(r)).toEqual({ w: 2.5, v: 'x' });
      g.replaceRelationshipProperties(r, { u: 1n });
      g.setRelationshipProperty(r, 'u', null);
      expect(g.relationshipProperties(r)).toEqual({});
      return [n, r];
    });
    db.read((g) => {
      expect(g.nodeProperties(n)).toEqual({ e: 'only' });
      expect(g.relationshipProperties(r)).toEqual({});
    });
    db.expectClean();
  });

  it('keeps odd property names as plain keys', () => {
    db = new GraphDb();
    const props = JSON.parse('{"__proto__": 1.5, "constructor": "c", "": "empty", "a.b": true}') as Record<string, PropertyValue>;
    const n = db.write((g) => g.createNode(['Odd'], props));
    db.read((g) => {
      const back = g.nodeProperties(n);
      expect(Object.keys(back).sort()).toEqual(['', '__proto__', 'a.b', 'constructor']);
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(g.nodeProperty(n, '__proto__')).toBe(1.5);
    });
    db.expectClean();
  });

  it('refuses unstorable values with PROPERTY_TYPE and changes nothing', () => {
    db = new GraphDb();
    db.write((g) => {
      const n = g.createNode(['A'], { keep: 1n });
      const bad: unknown[] = [{ a: 1n }, [{ a: 1n }], [1n, null], [[1n]], 2n ** 63n, undefined === undefined ? Symbol('s') : 0, new Date(0)];
      for (const value of bad) {
        expect(codeOf(() => g.setNodeProperty(n, 'p', value as never))).toBe('PROPERTY_TYPE');
        expect(codeOf(() => g.createNode(['B'], { p: value as never }))).toBe('PROPERTY_TYPE');
        expect(codeOf(() => g.createRelationship(n, 'T', n, { p: value as never }))).toBe('PROPERTY_TYPE');
      }
      expect(g.nodeProperties(n)).toEqual({ keep: 1n });
      expect(g.nodeCount()).toBe(1);
      expect(g.labels()).toEqual(['A']);
      // Mixed lists are storable (openCypher TCK has no scenario refusing them).
      g.setNodeProperty(n, 'mixed', [1n, 'a', 2.5, true]);
      expect(g.nodeProperty(n, 'mixed')).toEqual([1n, 'a', 2.5, true]);
    });
    db.expectClean();
  });

  it('keeps INTEGER and FLOAT apart and round-trips extremes', () => {
    db = new GraphDb();
    const values = {
      min: -(2n ** 63n),
      max: 2n ** 63n - 1n,
      one: 1n,
      oneFloat: toPropertyValue(float(1)),
      negZero: -0,
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      tiny: 5e-324,
      unicode: 'héllo wörld — 😀 中文 \u0000 end',
      empty: '',
      list: [1n, 2.5, 'three', false],
      emptyList: [],
    };
    const n = db.write((g) => g.createNode(['V'], values));
    db.crashAndReopen();
    db.read((g) => {
      const props = g.nodeProperties(n);
      expect(props).toEqual(values);
      expect(Object.is(props.negZero, -0)).toBe(true);
      expect(typeof props.oneFloat).toBe('number');
      expect(typeof props.one).toBe('bigint');
      for (const [k, v] of Object.entries(values)) expect(g.nodeProperty(n, k)).toEqual(v);
    });
    db.expectClean();
  });

  it('stores a 1 MB string through overflow pages', () => {
    db = new GraphDb();
    const big = 'abcdefghij'.repeat(100_000) + '😀';
    const [n, r] = db.write((g) => {
      const n = g.createNode(['Big'], { big, small: 1n });
      return [n, g.createRelationship(n, 'T', n, { big })];
    });
    db.crashAndReopen();
    db.read((g) => {
      expect(g.nodeProperty(n, 'big')).toBe(big);
      expect(g.nodeProperty(n, 'small')).toBe(1n);
      expect(g.relationshipProperty(r, 'big')).toBe(big);
    });
    db.write((g) => g.setNodeProperty(n, 'big', null));
    db.expectClean();
  });
});

describe('labels', () => {
  it('adds and removes labels, keeping counts', () => {
    db = new GraphDb();
    db.write((g) => {
      const n = g.createNode(['A']);
      expect(g.addNodeLabel(n, 'B')).toBe(true);
      expect(g.addNodeLabel(n, 'B')).toBe(false);
      expect(g.nodeLabels(n)).toEqual(['A', 'B']);
      expect(g.removeNodeLabel(n, 'A')).toBe(true);
      expect(g.removeNodeLabel(n, 'A')).toBe(false);
      expect(g.removeNodeLabel(n, 'Never')).toBe(false);
      expect(g.labelNodeCount('A')).toBe(0);
      expect(g.labelNodeCount('B')).toBe(1);
      expect([...g.nodeIdsByLabel('B')]).toEqual([n]);
      expect([...g.nodeIdsByLabel('A')]).toEqual([]);
    });
    db.expectClean();
  });
});

describe('expand and degree', () => {
  it('walks out, in and both, a self-loop once per direction', () => {
    db = new GraphDb();
    const ids = db.write((g) => {
      const a = g.createNode([]);
      const b = g.createNode([]);
      const c = g.createNode([]);
      const ab = g.createRelationship(a, 'KNOWS', b);
      const ac = g.createRelationship(a, 'LIKES', c);
      const ba = g.createRelationship(b, 'KNOWS', a);
      const aa = g.createRelationship(a, 'KNOWS', a);
      return { a, b, c, ab, ac, ba, aa };
    });
    db.read((g) => {
      const { a, b, c, ab, ac, ba, aa } = ids;
      expect(sortNeighbours([...g.expand(a, 'out')])).toEqual(
        sortNeighbours([
          { relationshipId: ab, type: 'KNOWS', otherNodeId: b, direction: 'out' },
          { relationshipId: ac, type: 'LIKES', otherNodeId: c, direction: 'out' },
          { relationshipId: aa, type: 'KNOWS', otherNodeId: a, direction: 'out' },
        ]),
      );
      expect([...g.expand(a, 'in')].map((n) => n.relationshipId).sort()).toEqual([ba, aa].sort());
      expect([...g.expand(a, 'both')].length).toBe(5);
      expect([...g.expand(a, 'both', ['LIKES'])].map((n) => n.otherNodeId)).toEqual([c]);
      expect([...g.expand(a, 'out', ['KNOWS', 'KNOWS', 'NOPE'])].length).toBe(2);
      expect([...g.expand(a, 'out', [])]).toEqual([]);
      expect([...g.expand(999, 'both')]).toEqual([]);
      expect(g.degree(a, 'out')).toBe(3);
      expect(g.degree(a, 'in')).toBe(2);
      expect(g.degree(a, 'both')).toBe(5);
      expect(g.degree(a, 'both', ['KNOWS'])).toBe(4);
      expect(g.degree(a, 'out', ['NOPE'])).toBe(0);
      expect(g.degree(c, 'in', ['LIKES', 'KNOWS'])).toBe(1);
    });
    db.expectClean();
  });

  it('sees a type created after an expand asked for it', () => {
    db = new GraphDb();
    db.write((g) => {
      const a = g.createNode([]);
      const types = ['R', 'LATER'];
      g.createRelationship(a, 'R', a);
      expect(g.degree(a, 'out', types)).toBe(1);
      expect([...g.expand(a, 'out', types)].length).toBe(1);
      g.createRelationship(a, 'LATER', a);
      expect([...g.expand(a, 'out', types)].length).toBe(2);
      expect(g.degree(a, 'out', types)).toBe(2);
    });
  });

  it('deletes with and without detach', () => {
    db = new GraphDb();
    db.write((g) => {
      const a = g.createNode(['X'], { k: 1n });
      const b = g.createNode([]);
      g.createRelationship(a, 'T', b);
      g.createRelationship(a, 'T', a);
      g.createRelationship(b, 'U', a);
      expect(codeOf(() => g.deleteNode(a))).toBe('NODE_HAS_RELATIONSHIPS');
      expect(g.relationshipCount()).toBe(3);
      expect(g.deleteNode(a, { detach: true })).toEqual({ relationshipsDeleted: 3 });
      expect(g.relationshipCount()).toBe(0);
      expect(g.degree(b, 'both')).toBe(0);
      expect(g.deleteNode(b)).toEqual({ relationshipsDeleted: 0 });
      expect(g.nodeCount()).toBe(0);
      expect(g.labelNodeCount('X')).toBe(0);
    });
    db.expectClean();
  });
});

describe('iteration while changing', () => {
  it('DETACH DELETE every node while walking the nodes tree', () => {
    db = new GraphDb();
    db.write((g) => {
      const ids: number[] = [];
      for (let i = 0; i < 600; i++) ids.push(g.createNode(['N'], { i: BigInt(i), pad: 'x'.repeat(i % 50) }));
      for (let i = 0; i < 600; i++) g.createRelationship(ids[i]!, 'NEXT', ids[(i * 7 + 1) % 600]!);
    });
    db.write((g) => {
      let seen = 0;
      for (const id of g.allNodeIds()) {
        g.deleteNode(id, { detach: true });
        seen++;
      }
      expect(seen).toBe(600);
      expect(g.nodeCount()).toBe(0);
      expect(g.relationshipCount()).toBe(0);
    });
    db.expectClean();
  });

  it('rewrites records of nodes a label scan has not reached yet', () => {
    db = new GraphDb();
    db.write((g) => {
      for (let i = 0; i < 400; i++) g.createNode(['N'], { i: BigInt(i) });
    });
    db.write((g) => {
      const seen: number[] = [];
      const deleted = new Set<number>();
      for (const id of g.nodeIdsByLabel('N')) {
        expect(deleted.has(id)).toBe(false);
        seen.push(Number(g.nodeProperty(id, 'i') as bigint));
        // Grow a later record (it may move between pages) and delete the one after it.
        if (g.nodeExists(id + 1)) g.setNodeProperty(id + 1, 'blob', 'y'.repeat(300));
        if (id % 10 === 0 && g.nodeExists(id + 2)) {
          g.deleteNode(id + 2);
          deleted.add(id + 2);
        }
      }
      expect(seen.length).toBe(400 - deleted.size);
      expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
    });
    db.expectClean();
  });
});

describe('catalog cache', () => {
  it('forgets names of rolled-back transactions', () => {
    db = new GraphDb();
    db.write((g) => g.createNode(['Base']));
    const txn = db.pager.beginWrite();
    const w = new GraphWriter(txn, db.shared);
    w.createNode(['Ghost'], { ghostKey: 1n });
    w.createRelationship(0, 'GHOST_TYPE', 0);
    // A second view on the same transaction sees the new names.
    const again = new GraphReader(txn, db.shared);
    expect(again.labels()).toEqual(['Base', 'Ghost']);
    expect([...again.nodeIdsByLabel('Ghost')]).toEqual([1]);
    txn.rollback();
    db.read((g) => {
      expect(g.labels()).toEqual(['Base']);
      expect(g.propertyKeys()).toEqual([]);
      expect(g.relationshipTypes()).toEqual([]);
    });
    // The same ids now get other names.
    db.write((g) => g.createNode(['Real'], { realKey: 'v' }));
    db.read((g) => {
      expect(g.labels()).toEqual(['Base', 'Real']);
      expect(g.getNode(1)).toEqual({ id: 1, labels: ['Real'], properties: { realKey: 'v' } });
      expect([...g.nodeIdsByLabel('Ghost')]).toEqual([]);
    });
    db.expectClean();
  });

  it('serves an older snapshot names it knows and hides newer ones', () => {
    db = new GraphDb();
    db.write((g) => g.createNode(['Old']));
    const old = db.pager.beginRead();
    db.write((g) => g.createNode(['New'], { k: 1n }));
    db.read((g) => expect(g.labels()).toEqual(['Old', 'New'])); // the cache now holds New
    const reader = new GraphReader(old, db.shared);
    expect(reader.labels()).toEqual(['Old']);
    expect([...reader.nodeIdsByLabel('New')]).toEqual([]);
    expect(reader.nodeCount()).toBe(1);
    old.end();
  });

  it('starts over after a failed sync rewinds the database (pager epoch)', async () => {
    db = new GraphDb();
    db.write((g) => g.createNode(['Base']));
    db.fs.injectFault({ operation: 'sync', path: /-wal$/, errno: 'EIO' });
    const txn = db.pager.beginWrite();
    new GraphWriter(txn, db.shared).createNode(['Lost'], { lostKey: 1n });
    const durable = txn.commitAsync();
    // Visible before its sync: a reader publishes the names into the shared cache.
    db.read((g) => expect(g.labels()).toEqual(['Base', 'Lost']));
    await expect(durable).rejects.toMatchObject({ code: 'IO' });
    db.fs.clearFaults();
    // The rewind took the commit back; the same catalog ids now get other names.
    db.write((g) => g.createNode(['Kept'], { keptKey: 'v' }));
    db.read((g) => {
      expect(g.labels()).toEqual(['Base', 'Kept']);
      expect(g.propertyKeys()).toEqual(['keptKey']);
      expect(g.getNode(1)).toEqual({ id: 1, labels: ['Kept'], properties: { keptKey: 'v' } });
    });
    db.expectClean();
  });

  it('sees index definitions per snapshot and forgets rolled-back ones', () => {
    db = new GraphDb();
    db.write((g) => g.createNode(['P'], { id: 1n }));
    const txn = db.pager.beginWrite();
    new GraphWriter(txn, db.shared).createIndex({ label: 'P', key: 'id', unique: true });
    txn.rollback();
    db.read((g) => expect(g.indexes()).toEqual([]));
    db.write((g) => g.createIndex({ name: 'byId', label: 'P', key: 'id' }));
    db.read((g) => expect(g.indexes().map((i) => i.name)).toEqual(['byId']));
    db.write((g) => g.dropIndex('byId'));
    db.read((g) => expect(g.indexes()).toEqual([]));
    db.expectClean();
  });
});
