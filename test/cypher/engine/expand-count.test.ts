// The fused ExpandCount (operators/expand-count.ts): an Aggregation without grouping keys that
// only counts what the Expand under it finds. Checked against the plain operators (PROFILE
// runs the plan as shown, never fused) on seeded random graphs with self-loops, parallel
// relationships, two types and every direction, against an in-JS model of the 2-hop distinct
// count, and that the fused operator is what actually ran.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../src/database.js';
import { ExpandCountOp } from '../../../src/cypher/executor/operators/expand-count.js';
import { mulberry32, SOAK, testSeed, withSeed } from '../../support/rng.js';
import { caught, openMemory, q } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
  db.query('CREATE CONSTRAINT FOR (p:P) REQUIRE p.id IS UNIQUE');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.close();
});

type Edge = readonly [start: number, type: 'A' | 'B', end: number];

/** A random graph of `n` :P nodes (ids 0..n−1); skewed ends so some nodes are hubs; a few self-loops and parallel edges. */
function randomGraph(seed: number, n: number, m: number): Edge[] {
  const r = mulberry32(seed);
  const edges: Edge[] = [];
  for (let i = 0; i < m; i++) {
    const a = Math.floor(r() * n);
    const b = r() < 0.05 ? a : Math.floor(r() * r() * n);
    const edge: Edge = [a, r() < 0.7 ? 'A' : 'B', b];
    edges.push(edge);
    if (r() < 0.05) edges.push(edge);
  }
  return edges;
}

function load(n: number, edges: readonly Edge[]): void {
  db.query('UNWIND range(0, $n - 1) AS i CREATE (:P {id: i})', { n });
  for (const type of ['A', 'B'] as const) {
    const rows = edges.filter((e) => e[1] === type).map((e) => [e[0], e[2]]);
    db.query(`UNWIND $rows AS r MATCH (a:P {id: r[0]}), (b:P {id: r[1]}) CREATE (a)-[:${type}]->(b)`, { rows });
  }
}

/** The fused run and the plain (PROFILE) run of one statement. */
function bothWays(text: string, params?: Record<string, unknown>): { fused: string[][]; plain: string[][] } {
  return { fused: q(db, text, params), plain: q(db, 'PROFILE ' + text, params) };
}

const STATEMENTS = [
  'MATCH (p:P {id: $id})-[:A]->()-[:A]->(f) RETURN count(DISTINCT f)',
  'MATCH (p:P {id: $id})-[:A]->()-[:A]->(f) RETURN count(f), count(*), count(DISTINCT f)',
  'MATCH (p:P {id: $id})-[]-()-[r]-(f) RETURN count(DISTINCT f), count(DISTINCT r), count(r)',
  'MATCH (p:P {id: $id})<-[:A|B]-()-[:B]->(f) RETURN count(DISTINCT f)',
  'MATCH (p:P {id: $id})-[r1]->()<-[r2:A]-(f) RETURN count(DISTINCT f), count(*)',
  'MATCH (p:P {id: $id})-[:A*1..2]->()-[:B]-(f) RETURN count(DISTINCT f), count(*)',
  'MATCH (p:P {id: $id})-[r]-(f) RETURN count(DISTINCT f), count(DISTINCT r), count(*)',
  'MATCH (p:P {id: $id})-[:A]->(f) RETURN count(DISTINCT f)',
  'MATCH (p:P) WHERE p.id < $id MATCH (p)-[:A]->(f) RETURN count(DISTINCT f), count(*)',
  'MATCH (p:P {id: $id}) OPTIONAL MATCH (p)-[:B]->(x) WITH x MATCH (x)-[:A]-(f) RETURN count(DISTINCT f), count(f)',
  'MATCH (p:P {id: $id})-[:NOPE]->(f) RETURN count(DISTINCT f), count(*)',
];

describe('ExpandCount: the same answers as Aggregation over Expand', () => {
  it('on seeded random graphs, for every statement shape and some start nodes', () => {
    const seed = testSeed();
    withSeed(seed, () => {
      const n = 60;
      load(n, randomGraph(seed, n, 240));
      const r = mulberry32(seed ^ 0x5bd1e995);
      const rounds = SOAK ? 40 : 8;
      for (let k = 0; k < rounds; k++) {
        const id = Math.floor(r() * (n + 2)); // n and n + 1 match no node
        for (const text of STATEMENTS) {
          const { fused, plain } = bothWays(text, { id });
          expect(fused, `${text} id=${id}`).toEqual(plain);
        }
      }
    });
  });

  it('counts distinct 2-hop neighbours as an in-JS model does (openCypher: the two relationships differ)', () => {
    const seed = testSeed();
    withSeed(seed, () => {
      const n = 80;
      const edges = randomGraph(seed, n, 400);
      load(n, edges);
      const rels = edges.map(([a, t, b], i) => ({ i, a, t, b }));
      const statement = db.prepare('MATCH (p:P {id: $id})-[:A]->()-[:A]->(f) RETURN count(DISTINCT f), count(*)');
      for (let id = 0; id < n; id++) {
        const ends = new Set<number>();
        let paths = 0;
        for (const r1 of rels) {
          if (r1.t !== 'A' || r1.a !== id) continue;
          for (const r2 of rels) {
            if (r2.t !== 'A' || r2.a !== r1.b || r2.i === r1.i) continue;
            ends.add(r2.b);
            paths++;
          }
        }
        expect(statement.run({ id }).rows[0]!.map(String), `id=${id}`).toEqual([String(ends.size), String(paths)]);
      }
    });
  });

  it('is the operator that runs (not under PROFILE)', () => {
    load(10, randomGraph(7, 10, 30));
    const next = vi.spyOn(ExpandCountOp.prototype, 'next');
    q(db, 'MATCH (p:P {id: 1})-[:A]->()-[:A]->(f) RETURN count(DISTINCT f)');
    expect(next).toHaveBeenCalled();
    next.mockClear();
    q(db, 'PROFILE MATCH (p:P {id: 1})-[:A]->()-[:A]->(f) RETURN count(DISTINCT f)');
    q(db, 'MATCH (p:P {id: 1})-[:A]->(f) RETURN p.id, count(DISTINCT f)'); // grouping: not fused
    q(db, 'MATCH (p:P {id: 1})-[:A]->(f) RETURN count(DISTINCT f.id)'); // a property of f: not fused
    expect(next).not.toHaveBeenCalled();
  });

  it('keeps the plan EXPLAIN shows and one row for no input', () => {
    const plan = JSON.stringify(db.prepare('MATCH (p:P {id: $id})-[:A]->()-[:A]->(f) RETURN count(DISTINCT f)').explain());
    expect(plan).toContain('"Aggregation"');
    expect(plan).toContain('"Expand"');
    expect(q(db, 'MATCH (p:P {id: 12345})-[:A]->()-[:A]->(f) RETURN count(DISTINCT f), count(*)')).toEqual([['0', '0']]);
  });

  it('a start that is not a node is a type error, as in Expand', () => {
    const plain = caught(() => db.query('PROFILE WITH 1 AS x MATCH (x)-[:A]->(f) RETURN count(DISTINCT f)'));
    const fused = caught(() => db.query('WITH 1 AS x MATCH (x)-[:A]->(f) RETURN count(DISTINCT f)'));
    expect(fused.code).toBe(plain.code);
  });
});
