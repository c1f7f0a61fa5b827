// checkGraph finds each kind of damage: every test breaks one invariant behind the store's
// back (raw B+tree edits in a write transaction) and expects a problem citing it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkGraph, type GraphProblem } from '../../src/graph/check.js';
import { CATALOG_PREFIX } from '../../src/graph/catalog.js';
import { ByteBuffer, putVarint } from '../../src/graph/encoding.js';
import { encodeNodeRecord } from '../../src/graph/record.js';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { COUNTER, ROOT_SLOT } from '../../src/storage/meta.js';
import { PAGE_TYPE } from '../../src/storage/page.js';
import type { WriteTransaction } from '../../src/storage/pager.js';
import { GraphDb } from '../support/graph-harness.js';

let db: GraphDb;
let ids: { a: number; b: number; c: number; r1: number; r2: number };

beforeEach(() => {
  db = new GraphDb();
  ids = db.write((g) => {
    g.createIndex({ label: 'P', key: 'name', unique: true });
    g.createIndex({ label: 'P', key: 'age' });
    const a = g.createNode(['P', 'Q'], { name: 'a', age: 30n });
    const b = g.createNode(['P'], { name: 'b', age: 30n });
    const c = g.createNode([], { big: 'z'.repeat(20_000) });
    const r1 = g.createRelationship(a, 'KNOWS', b, { w: 1.5 });
    const r2 = g.createRelationship(b, 'LIKES', b);
    return { a, b, c, r1, r2 };
  });
});
afterEach(async () => {
  await db.close();
});

const tree = (txn: WriteTransaction, slot: number, name: string): BTree => new BTree(txn, rootInSlot(txn, slot), { name });
const key = (...ids: number[]): Uint8Array => {
  const bb = new ByteBuffer(16);
  for (const id of ids) bb.ordered(id);
  return bb.copy();
};

/** Break something in a write transaction, check it, roll it back. */
function damaged(breakIt: (txn: WriteTransaction) => void): GraphProblem[] {
  const txn = db.pager.beginWrite();
  try {
    breakIt(txn);
    return checkGraph(txn, { pages: { pageCount: txn.pageCount, freePages: db.pager.freePages(txn) } }).problems;
  } finally {
    txn.rollback();
  }
}

function expectProblem(problems: GraphProblem[], structure: string, invariant: string): void {
  expect(problems.some((p) => p.structure === structure && p.invariant === invariant), JSON.stringify(problems, null, 1)).toBe(true);
  for (const p of problems) expect(p.message.length).toBeGreaterThan(0);
}

describe('checkGraph', () => {
  it('finds nothing wrong with a sound graph, and reports its totals', () => {
    const txn = db.pager.beginRead();
    const report = checkGraph(txn, { pages: { pageCount: txn.pageCount, freePages: db.pager.freePages(txn) } });
    txn.end();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ nodes: 3, relationships: 2, indexEntries: 4 });
    expect(report.pagesChecked).toBeGreaterThan(8);
  });

  it('A1: a missing adjacency entry', () => {
    // Catalog ids: P 0, name 1, age 2, Q 3, big 4, KNOWS 5, LIKES 6.
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.ADJACENCY_OUT, 'adjacency-out').delete(key(ids.a, 5, ids.b, ids.r1)));
    expectProblem(problems, 'adjacency-out', 'A1');
  });

  it('A1: an adjacency entry without its relationship', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.ADJACENCY_IN, 'adjacency-in').put(key(ids.a, 0, ids.b, 99), new Uint8Array(0)));
    expectProblem(problems, 'adjacency-in', 'A1');
  });

  it('A1: an entry swapped for one that disagrees (counts still agree) is named, with the entry it replaced', () => {
    const problems = damaged((txn) => {
      const out = tree(txn, ROOT_SLOT.ADJACENCY_OUT, 'adjacency-out');
      out.delete(key(ids.a, 5, ids.b, ids.r1));
      out.put(key(ids.a, 5, ids.c, ids.r1), new Uint8Array(0));
    });
    const messages = problems.filter((p) => p.structure === 'adjacency-out' && p.invariant === 'A1').map((p) => p.message);
    expect(messages.some((m) => m.includes('disagrees with relationship')), JSON.stringify(problems)).toBe(true);
    expect(messages.some((m) => m.includes(`relationship ${ids.r1} `) && m.includes('has no out entry')), JSON.stringify(problems)).toBe(true);
    expect(problems.some((p) => p.structure === 'adjacency-in')).toBe(false);
  });

  it('A2: a wrong degree', () => {
    const problems = damaged((txn) => {
      const k = new ByteBuffer().ordered(ids.b).u8(1).ordered(5).copy(); // b's in-degree of KNOWS (type id 5) is 1
      tree(txn, ROOT_SLOT.DEGREES, 'degrees').put(k, Uint8Array.of(5));
    });
    expectProblem(problems, 'degrees', 'A2');
  });

  it('A2: a missing degree entry names its node, direction and type', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.DEGREES, 'degrees').delete(new ByteBuffer().ordered(ids.a).u8(0).ordered(5).copy()));
    expect(problems.map((p) => p.message), JSON.stringify(problems)).toContain(`node ${ids.a} has 1 out relationships of 'KNOWS' but no degree entry`);
  });

  it('G2: a relationship whose end node is gone', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.NODES, 'nodes').delete(key(ids.b)));
    expectProblem(problems, 'relationships', 'G2');
    expectProblem(problems, 'counters', 'G1');
    expectProblem(problems, 'label-index', 'L1');
  });

  it('L1 and L2: a label index entry missing', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.LABEL_INDEX, 'label-index').delete(key(0, ids.a)));
    expectProblem(problems, 'label-index', 'L1');
    expectProblem(problems, 'catalog', 'L2');
  });

  it('I1: a property index entry missing, and one that does not match its record', () => {
    const problems = damaged((txn) => {
      const idx = tree(txn, ROOT_SLOT.PROPERTY_INDEX, 'property-index');
      const first = idx.range().next().value!;
      idx.delete(first.key);
    });
    expectProblem(problems, 'property-index', 'I1');
    const changed = damaged((txn) => {
      const nodes = tree(txn, ROOT_SLOT.NODES, 'nodes');
      // Same labels, different age: the index entry no longer matches.
      nodes.put(key(ids.b), encodeNodeRecord(new ByteBuffer(), [0], [1, 2], ['b', 31n]));
    });
    expectProblem(changed, 'property-index', 'I1');
  });

  it('I3: entries of an index without a definition', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.PROPERTY_INDEX, 'property-index').put(Uint8Array.of(9, 0x20, 0x01, 0x00, 0x01, 0x00), new Uint8Array(0)));
    expectProblem(problems, 'property-index', 'I3');
  });

  it('R1: a record naming an id the catalog lacks', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.NODES, 'nodes').put(key(ids.c), encodeNodeRecord(new ByteBuffer(), [], [77], [1n])));
    expectProblem(problems, 'nodes', 'R1');
  });

  it('C1 and C2: a catalog name without its id entry', () => {
    const problems = damaged((txn) => tree(txn, ROOT_SLOT.CATALOG, 'catalog').delete(Uint8Array.of(CATALOG_PREFIX.ID, 0)));
    expectProblem(problems, 'catalog', 'C1');
    expectProblem(problems, 'catalog', 'C2');
  });

  it('C3 / L2: a label count that disagrees', () => {
    const problems = damaged((txn) => {
      const buf = new Uint8Array(4);
      tree(txn, ROOT_SLOT.CATALOG, 'catalog').put(Uint8Array.of(CATALOG_PREFIX.LABEL_COUNT, 0), buf.slice(0, putVarint(buf, 0, 7)));
    });
    expectProblem(problems, 'catalog', 'L2');
  });

  it('G1: a counter that disagrees', () => {
    expectProblem(
      damaged((txn) => txn.setCounter(COUNTER.RELATIONSHIP_COUNT, 5n)),
      'counters',
      'G1',
    );
    expectProblem(
      damaged((txn) => txn.setCounter(COUNTER.NEXT_NODE_ID, 1n)),
      'nodes',
      'G3',
    );
  });

  it('M2: a leaked page and a page used twice', () => {
    expectProblem(
      damaged((txn) => {
        txn.allocate(PAGE_TYPE.BTREE_LEAF);
      }),
      'pages',
      'M2',
    );
    expectProblem(
      damaged((txn) => txn.setRoot(ROOT_SLOT.FIRST_SPARE, txn.getRoot(ROOT_SLOT.DEGREES))),
      'pages',
      'M2',
    );
  });

  it('B+tree damage is reported by tree and does not stop the check', () => {
    const problems = damaged((txn) => {
      const root = txn.getRoot(ROOT_SLOT.LABEL_INDEX);
      const page = txn.write(root);
      page[txn.contentOffset + 2] = 0xff; // cell content start beyond the page
    });
    expect(problems.some((p) => p.structure === 'label-index')).toBe(true);
    expect(problems.every((p) => typeof p.message === 'string')).toBe(true);
  });
});
