// The non-allocating read paths of GraphReader against the allocating ones they stand in for:
// neighbours() against expand(), scanNodes() against nodeIdsByLabel()/allNodeIds() plus
// nodeProperty(), nodeIdByUniqueProperty() against nodeIdsByProperty(), degree by type, and
// records read in place (read snapshots) or copied (writers) while the graph changes.
// Random graphs come from testSeed() (rerun a failure with SEED=<n>).
import { afterEach, describe, expect, it } from 'vitest';
import { GraphReader } from '../../src/graph/reader.js';
import type { Direction } from '../../src/graph/types.js';
import type { PropertyValue } from '../../src/graph/value.js';
import { GraphDb } from '../support/graph-harness.js';
import { mulberry32, SOAK, testSeed } from '../support/rng.js';

let db: GraphDb;
afterEach(async () => {
  await db?.close();
});

interface Walked {
  relationshipId: number;
  type: string;
  otherNodeId: number;
  direction: 'out' | 'in';
}

function walk(g: GraphReader, node: number, direction: Direction, types?: readonly string[]): Walked[] {
  const out: Walked[] = [];
  const w = g.neighbours(node, direction, types);
  while (w.next()) out.push({ relationshipId: w.relationshipId, type: g.relationshipTypeName(w.typeId), otherNodeId: w.otherNodeId, direction: w.outgoing ? 'out' : 'in' });
  g.releaseNeighbours(w);
  return out;
}

function expanded(g: GraphReader, node: number, direction: Direction, types?: readonly string[]): Walked[] {
  return [...g.expand(node, direction, types)].map((n) => ({ relationshipId: n.relationshipId, type: n.type, otherNodeId: n.otherNodeId, direction: n.direction }));
}

/** A random graph: `nodes` nodes (labels A on about 3/4, B on some), `rels` relationships of types R, S, T. */
function randomGraph(seed: number, nodes: number, rels: number): void {
  const rnd = mulberry32(seed);
  db.write((g) => {
    g.createIndex({ label: 'A', key: 'id', unique: true });
    for (let i = 0; i < nodes; i++) {
      const labels = [...(rnd() < 0.75 ? ['A'] : []), ...(rnd() < 0.2 ? ['B'] : [])];
      const props: Record<string, PropertyValue> = { id: BigInt(i), name: 'n' + i };
      if (rnd() < 0.8) props.age = BigInt(Math.floor(rnd() * 20000) - 10000);
      if (rnd() < 0.1) props.big = 2n ** 62n + BigInt(i);
      if (rnd() < 0.1) props.text = 'ü'.repeat(1 + Math.floor(rnd() * 30));
      g.createNode(labels, props);
    }
    for (let i = 0; i < rels; i++) {
      const a = Math.floor(rnd() * nodes);
      const b = rnd() < 0.05 ? a : Math.floor(rnd() * nodes);
      g.createRelationship(a, ['R', 'S', 'T'][Math.floor(rnd() * 3)]!, b);
    }
  });
}

describe('neighbours()', () => {
  it('walks the same entries as expand(), in the same order, for every direction and type list', () => {
    db = new GraphDb();
    const seed = testSeed();
    randomGraph(seed, 60, SOAK ? 2000 : 400);
    db.read((g) => {
      for (let node = 0; node <= 60; node++) {
        for (const dir of ['out', 'in', 'both'] as const) {
          for (const types of [undefined, [], ['R'], ['T', 'R'], ['S', 'S'], ['Nope'], ['Nope', 'S']]) {
            expect(walk(g, node, dir, types), `seed ${seed} node ${node} ${dir} ${String(types)}`).toEqual(expanded(g, node, dir, types));
            expect(g.degree(node, dir, types), `degree seed ${seed} node ${node} ${dir} ${String(types)}`).toBe(expanded(g, node, dir, types).length);
          }
        }
      }
    });
  });

  it('ranges spanning many leaves: the same entries read from leaf images (read snapshot) as through the cursor (writer)', () => {
    db = new GraphDb();
    const seed = testSeed();
    const rnd = mulberry32(seed);
    // Hubs with thousands of entries (4 KiB pages: dozens of leaves per range), a self-loop,
    // and small nodes between them, so ranges start and end inside leaves and at their edges.
    const hubs = db.write((g) => {
      const ids = Array.from({ length: 12 }, () => g.createNode([], {}));
      for (let k = 0; k < 6000; k++) {
        const a = ids[rnd() < 0.5 ? 0 : Math.floor(rnd() * ids.length)]!;
        g.createRelationship(a, ['R', 'S'][Math.floor(rnd() * 2)]!, rnd() < 0.01 ? a : ids[Math.floor(rnd() * ids.length)]!);
      }
      return ids;
    });
    const cases = (g: GraphReader): Walked[][] => {
      const all: Walked[][] = [];
      for (const node of hubs) for (const dir of ['out', 'in', 'both'] as const) for (const types of [undefined, ['S'], ['R', 'S']]) all.push(walk(g, node, dir, types));
      return all;
    };
    const fromSnapshot = db.read((g) => {
      const walked = cases(g);
      const expected: Walked[][] = [];
      for (const node of hubs) for (const dir of ['out', 'in', 'both'] as const) for (const types of [undefined, ['S'], ['R', 'S']]) expected.push(expanded(g, node, dir, types));
      expect(walked, `seed ${seed}`).toEqual(expected);
      return walked;
    });
    expect(fromSnapshot.reduce((n, w) => n + w.length, 0)).toBeGreaterThan(20_000);
    db.write((g) => expect(cases(g), `seed ${seed} (writer)`).toEqual(fromSnapshot));
  });

  it('nests (each walker its own cursors) and reuses released walkers', () => {
    db = new GraphDb();
    randomGraph(testSeed(), 40, 300);
    db.read((g) => {
      const pairs: [number, number][] = [];
      const outer = g.neighbours(3, 'out');
      while (outer.next()) {
        const mid = outer.otherNodeId;
        const inner = g.neighbours(mid, 'out', ['R']);
        while (inner.next()) pairs.push([mid, inner.otherNodeId]);
        g.releaseNeighbours(inner);
      }
      g.releaseNeighbours(outer);
      const expected: [number, number][] = [];
      for (const a of g.expand(3, 'out')) for (const b of g.expand(a.otherNodeId, 'out', ['R'])) expected.push([a.otherNodeId, b.otherNodeId]);
      expect(pairs).toEqual(expected);
      const w = g.neighbours(0, 'both');
      g.releaseNeighbours(w);
      expect(g.neighbours(1, 'both')).toBe(w);
    });
  });

  it('sees its own transaction: entries added ahead of the walk are returned, deleted ones are not', () => {
    db = new GraphDb();
    db.write((g) => {
      const hub = g.createNode([], {});
      const others = [g.createNode([], {}), g.createNode([], {}), g.createNode([], {})];
      const rels = others.map((o) => g.createRelationship(hub, 'R', o));
      const w = g.neighbours(hub, 'out', ['R']);
      expect(w.next()).toBe(true);
      expect(w.relationshipId).toBe(rels[0]);
      g.deleteRelationship(rels[1]!);
      const late = g.createNode([], {});
      const added = g.createRelationship(hub, 'R', late);
      const seen: number[] = [];
      while (w.next()) seen.push(w.relationshipId);
      expect(seen).toEqual([rels[2], added]);
      g.releaseNeighbours(w);
    });
  });
});

describe('scanNodes() and property reads by key id', () => {
  for (const [what, nodes] of [
    ['a label most nodes carry (record walk)', 'A'],
    ['a label few nodes carry (label index)', 'B'],
    ['every node', null],
    ['an unknown label', 'Nope'],
  ] as const) {
    it(`visits ${what} with the values nodeProperty reads`, () => {
      db = new GraphDb();
      const seed = testSeed();
      randomGraph(seed, SOAK ? 3000 : 700, 50);
      const check = (g: GraphReader): void => {
        const expected = nodes === null ? [...g.allNodeIds()] : [...g.nodeIdsByLabel(nodes)];
        const keys = ['id', 'name', 'age', 'big', 'text', 'never'];
        const keyIds = keys.map((k) => g.propertyKeyId(k));
        expect(keyIds[5]).toBeUndefined();
        const scan = g.scanNodes(nodes);
        const seen: number[] = [];
        while (scan.next()) {
          seen.push(scan.id);
          for (let i = 0; i < keys.length; i++) {
            const keyId = keyIds[i];
            if (keyId === undefined) continue;
            expect(scan.property(keyId), `seed ${seed} node ${scan.id} ${keys[i]}`).toEqual(g.nodeProperty(scan.id, keys[i]!));
            expect(g.nodePropertyByKeyId(scan.id, keyId)).toEqual(g.nodeProperty(scan.id, keys[i]!));
          }
        }
        expect(scan.next()).toBe(false);
        expect(seen).toEqual(expected);
      };
      db.read(check);
      db.write((g) => check(g));
    });
  }

  it('reads small and large integers exactly (the small-integer table and the BigInt path)', () => {
    db = new GraphDb();
    const values = [0n, 1n, -1n, 63n, -64n, 64n, -65n, 8191n, -8192n, 8192n, -8193n, 2n ** 31n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)];
    const ids = db.write((g) => values.map((v) => g.createNode(['N'], { v })));
    db.read((g) => {
      ids.forEach((id, i) => expect(g.nodeProperty(id, 'v')).toBe(values[i]));
      const keyId = g.propertyKeyId('v')!;
      const scan = g.scanNodes('N');
      const read: PropertyValue[] = [];
      while (scan.next()) read.push(scan.property(keyId));
      expect(read).toEqual(values);
    });
  });

  it('nodePropertyByKeyId: NODE_NOT_FOUND for a missing node, null for an absent key', () => {
    db = new GraphDb();
    const id = db.write((g) => g.createNode([], { a: 1n }));
    db.read((g) => {
      expect(g.nodePropertyByKeyId(id, g.propertyKeyId('a')!)).toBe(1n);
      expect(g.nodePropertyByKeyId(id, 999)).toBeNull();
      expect(() => g.nodePropertyByKeyId(id + 1, 0)).toThrowError(expect.objectContaining({ code: 'NODE_NOT_FOUND' }));
    });
  });
});

describe('nodeIdByUniqueProperty()', () => {
  it('agrees with nodeIdsByProperty, and answers −2 where no unique index applies', () => {
    db = new GraphDb();
    randomGraph(testSeed(), 200, 0);
    db.write((g) => g.createIndex({ label: 'B', key: 'id', unique: false }));
    db.read((g) => {
      for (const value of [0n, 5n, 199n, 200n, 5.0, 5.5, '5', true, [5n]] as PropertyValue[]) {
        const ids = [...g.nodeIdsByProperty('A', 'id', value)];
        expect(g.nodeIdByUniqueProperty('A', 'id', value), String(value)).toBe(ids.length === 0 ? -1 : ids[0]);
      }
      expect(g.nodeIdByUniqueProperty('B', 'id', 5n)).toBe(-2);
      expect(g.nodeIdByUniqueProperty('A', 'name', 'n5')).toBe(-2);
      expect(g.nodeIdByUniqueProperty('Nope', 'id', 5n)).toBe(-1);
      expect(g.nodeIdByUniqueProperty('A', 'nope', 5n)).toBe(-1);
      expect(g.nodeIdByUniqueProperty('A', 'id', null)).toBe(-1);
    });
  });
});

describe('records read in place', () => {
  it('a read snapshot keeps reading the committed record while a writer changes the same page', () => {
    db = new GraphDb();
    const ids = db.write((g) => Array.from({ length: 50 }, (_, i) => g.createNode(['A'], { name: 'v' + i, n: BigInt(i) })));
    const txn = db.pager.beginRead();
    try {
      const reader = new GraphReader(txn, db.shared);
      expect(reader.nodeProperty(ids[7]!, 'name')).toBe('v7');
      db.write((g) => {
        for (const id of ids) g.setNodeProperty(id, 'name', 'changed-' + id);
        // The writer reads its own copies, never the snapshot's page images.
        expect(g.nodeProperty(ids[7]!, 'name')).toBe('changed-' + ids[7]);
      });
      expect(reader.nodeProperty(ids[7]!, 'name')).toBe('v7');
      expect(reader.nodeProperty(ids[8]!, 'name')).toBe('v8');
      expect(reader.getNode(ids[9]!)!.properties).toEqual({ name: 'v9', n: 9n });
    } finally {
      txn.end();
    }
    db.read((g) => expect(g.nodeProperty(ids[7]!, 'name')).toBe('changed-' + ids[7]));
  });

  it('a writer reading a node after changing it sees the change (no stale cached record)', () => {
    db = new GraphDb();
    const id = db.write((g) => g.createNode(['A'], { x: 1n }));
    db.write((g) => {
      expect(g.nodeProperty(id, 'x')).toBe(1n);
      g.setNodeProperty(id, 'x', 2n);
      expect(g.nodeProperty(id, 'x')).toBe(2n);
      expect(g.nodeHasLabel(id, 'A')).toBe(true);
      g.removeNodeLabel(id, 'A');
      expect(g.nodeHasLabel(id, 'A')).toBe(false);
      expect(g.getNode(id)).toEqual({ id, labels: [], properties: { x: 2n } });
    });
  });
});
