// The writer's load path (issue 9): createNode / createRelationship validate a property map
// into a reused draft, undo unique entries by walking them again, write records as views, and
// remember endpoints found through a unique index. Each shortcut is checked against what the
// plain path must give: same records, same refusals, nothing left behind by a refusal.
import { afterEach, describe, expect, it } from 'vitest';
import { ByteBuffer } from '../../src/graph/encoding.js';
import { GraphWriter } from '../../src/graph/writer.js';
import type { PropertyMap, PropertyValue } from '../../src/graph/value.js';
import { codeOf, GraphDb } from '../support/graph-harness.js';
import { SOAK, mulberry32, testSeed, withSeed } from '../support/rng.js';

let db: GraphDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/** A random storable value (scalars, lists of scalars) or null. */
function randomValue(rnd: () => number): PropertyValue {
  const pick = Math.floor(rnd() * 7);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return BigInt(Math.floor(rnd() * 2000) - 1000);
    case 2:
      return rnd() * 100;
    case 3:
      return `s${Math.floor(rnd() * 50)}`;
    case 4:
      return rnd() < 0.5;
    case 5:
      return Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => BigInt(i));
    default:
      return ['a', 'b'].slice(0, Math.floor(rnd() * 3));
  }
}

/** What the store keeps of a map: its non-null entries. */
function stored(map: PropertyMap): PropertyMap {
  const out: PropertyMap = {};
  for (const key of Object.keys(map)) if (map[key] !== null && map[key] !== undefined) out[key] = map[key]!;
  return out;
}

describe('createNode and createRelationship property maps', () => {
  it('store exactly the non-null entries of random maps, few keys or many, for nodes and relationships', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      db = new GraphDb();
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      const expectedNodes: PropertyMap[] = [];
      const expectedRels: PropertyMap[] = [];
      const rounds = SOAK ? 20 : 4;
      for (let round = 0; round < rounds; round++) {
        db.write((g) => {
          for (let i = 0; i < 50; i++) {
            // 0..3 keys mostly, sometimes up to 40 (the long insertion sort), in a random key order
            const size = rnd() < 0.8 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 40);
            const map: PropertyMap = {};
            for (let k = 0; k < size; k++) map[keys[Math.floor(rnd() * keys.length)]!] = randomValue(rnd);
            const id = g.createNode(['N'], map);
            expect(id).toBe(expectedNodes.length);
            expectedNodes.push(stored(map));
            const relMap: PropertyMap = rnd() < 0.5 ? {} : { w: randomValue(rnd), [keys[Math.floor(rnd() * 40)]!]: randomValue(rnd) };
            if (id > 0) {
              expect(g.createRelationship(id - 1, 'R', id, relMap)).toBe(expectedRels.length);
              expectedRels.push(stored(relMap));
            }
          }
        });
      }
      db.read((g) => {
        for (let id = 0; id < expectedNodes.length; id++) expect(g.getNode(id)).toEqual({ id, labels: ['N'], properties: expectedNodes[id] });
        for (let id = 0; id < expectedRels.length; id++) expect(g.getRelationship(id)?.properties).toEqual(expectedRels[id]);
      });
      db.expectClean();
    });
  });

  it('keep an own "__proto__" key as a property, as Object.keys would', () => {
    db = new GraphDb();
    const map = JSON.parse('{"__proto__": "p", "a": 1}') as PropertyMap;
    db.write((g) => g.createNode(['N'], map));
    db.read((g) => {
      const node = g.getNode(0)!;
      expect(Object.keys(node.properties).sort()).toEqual(['__proto__', 'a']);
      expect(Object.getOwnPropertyDescriptor(node.properties, '__proto__')?.value).toBe('p');
    });
  });

  it('refuse an unstorable value with PROPERTY_TYPE, changing nothing, and stay usable', () => {
    db = new GraphDb();
    db.write((g) => {
      g.createNode(['N'], { a: 1n });
      expect(codeOf(() => g.createNode(['N'], { a: 2n, b: [1n, null] as unknown as PropertyValue }))).toBe('PROPERTY_TYPE');
      expect(codeOf(() => g.createNode(['N'], { m: { x: 1n } as unknown as PropertyValue }))).toBe('PROPERTY_TYPE');
      expect(codeOf(() => g.createNode(['N'], { big: 2n ** 63n }))).toBe('PROPERTY_TYPE');
      expect(codeOf(() => g.createRelationship(0, 'R', 0, { u: undefined, f: (() => 1) as unknown as PropertyValue }))).toBe('PROPERTY_TYPE');
      // the refused drafts leave nothing behind for the next create
      g.createNode(['N'], { c: 'x' });
      g.createRelationship(0, 'R', 1);
    });
    db.read((g) => {
      expect(g.nodeCount()).toBe(2);
      expect(g.getNode(1)).toEqual({ id: 1, labels: ['N'], properties: { c: 'x' } });
      expect(g.getRelationship(0)?.properties).toEqual({});
    });
    db.expectClean();
  });
});

describe('createNode unique entries', () => {
  it('undoes the entries of earlier labels when a later label refuses (CONSTRAINT_UNIQUE)', () => {
    db = new GraphDb();
    db.write((g) => {
      g.createIndex({ label: 'A', key: 'x', unique: true });
      g.createIndex({ label: 'A', key: 'y', unique: true });
      g.createIndex({ label: 'B', key: 'z', unique: true });
      g.createIndex({ label: 'B', key: 'x' }); // not unique: written after the record
      g.createNode(['B'], { z: 1n });
    });
    db.write((g) => {
      // A's two entries go in, then B's z collides: all three must be undone.
      expect(codeOf(() => g.createNode(['A', 'B'], { x: 5n, y: 6n, z: 1n }))).toBe('CONSTRAINT_UNIQUE');
      expect([...g.nodeIdsByProperty('A', 'x', 5n)]).toEqual([]);
      expect([...g.nodeIdsByProperty('A', 'y', 6n)]).toEqual([]);
      // The values are free again, in this transaction.
      const id = g.createNode(['A', 'B'], { x: 5n, y: 6n, z: 2n });
      expect([...g.nodeIdsByProperty('A', 'x', 5n)]).toEqual([id]);
      expect([...g.nodeIdsByProperty('B', 'x', 5n)]).toEqual([id]);
      expect(codeOf(() => g.createNode(['B', 'A'], { y: 6n }))).toBe('CONSTRAINT_UNIQUE');
    });
    db.expectClean();
    db.read((g) => expect(g.nodeCount()).toBe(2));
  });
});

describe('relationship endpoints', () => {
  it('a node found through a unique index is checked again after a delete (NODE_NOT_FOUND)', () => {
    db = new GraphDb();
    db.write((g) => {
      g.createIndex({ label: 'P', key: 'id', unique: true });
      for (let i = 0; i < 4; i++) g.createNode(['P'], { id: BigInt(i) });
    });
    db.write((g) => {
      const a = g.nodeIdByUniqueProperty('P', 'id', 0n);
      const b = g.nodeIdByUniqueProperty('P', 'id', 1n);
      expect(g.createRelationship(a, 'K', b)).toBe(0);
      const c = g.nodeIdByUniqueProperty('P', 'id', 2n);
      g.deleteNode(c);
      expect(codeOf(() => g.createRelationship(a, 'K', c))).toBe('NODE_NOT_FOUND');
      expect(codeOf(() => g.createRelationship(c, 'K', c))).toBe('NODE_NOT_FOUND');
      expect(g.nodeIdByUniqueProperty('P', 'id', 2n)).toBe(-1);
      expect(codeOf(() => g.createRelationship(a, 'K', 99))).toBe('NODE_NOT_FOUND');
      expect(g.createRelationship(g.nodeIdByUniqueProperty('P', 'id', 3n), 'K', a)).toBe(1);
    });
    db.expectClean();
    db.read((g) => expect(g.relationshipCount()).toBe(2));
  });

  it('remembers exactly the endpoints checked, across the 1,024-id chunks of its bitmap', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      db = new GraphDb();
      const nodes = 3100;
      const gone = new Set<number>();
      db.write((g) => {
        for (let i = 0; i < nodes; i++) g.createNode(['N']);
        for (let i = 0; i < nodes; i++) if (rnd() < 0.3) gone.add(i);
        for (const id of [31, 32, 1023, 1024, 2047, 2048]) gone.add(id);
        for (const id of gone) g.deleteNode(id);
      });
      let made = 0;
      db.write((g) => {
        // Random endpoints, existing or not, many times over: the bitmap fills while checks go on.
        for (let i = 0; i < 6000; i++) {
          const id = Math.floor(rnd() * (nodes + 100));
          const exists = id < nodes && !gone.has(id);
          expect(codeOf(() => g.createRelationship(id, 'K', id))).toBe(exists ? undefined : 'NODE_NOT_FOUND');
          if (exists) made++;
        }
      });
      db.read((g) => expect(g.relationshipCount()).toBe(made));
      db.expectClean();
    });
  });

  it('a node found in a rolled-back transaction is not taken as existing by the next one', () => {
    db = new GraphDb();
    db.write((g) => g.createIndex({ label: 'P', key: 'id', unique: true }));
    db.write((g) => g.createNode(['P'], { id: 0n }));
    const txn = db.pager.beginWrite();
    try {
      // created and found in a transaction that rolls back
      const g = new GraphWriter(txn, db.shared);
      const id = g.createNode(['P'], { id: 1n });
      expect(g.nodeIdByUniqueProperty('P', 'id', 1n)).toBe(id);
    } finally {
      txn.rollback();
    }
    db.write((g) => {
      expect(g.nodeIdByUniqueProperty('P', 'id', 1n)).toBe(-1);
      expect(codeOf(() => g.createRelationship(0, 'K', 1))).toBe('NODE_NOT_FOUND');
    });
    db.expectClean();
  });
});

describe('ByteBuffer.view', () => {
  it('shows what the buffer holds, across growth, like a fresh subarray', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const bb = new ByteBuffer(4);
      for (let step = 0; step < 2000; step++) {
        if (rnd() < 0.2) bb.reset();
        const n = Math.floor(rnd() * 20);
        for (let i = 0; i < n; i++) bb.u8(Math.floor(rnd() * 256));
        const view = bb.view();
        expect(view.length).toBe(bb.length);
        expect(view.buffer).toBe(bb.buf.buffer); // a view of the current buffer, even after it grew
        expect([...view]).toEqual([...bb.buf.subarray(0, bb.length)]);
        expect([...bb.copy()]).toEqual([...view]);
      }
    });
  });
});
