// Executor read paths: the fused scan aggregation (operators/scan-aggregate.ts) gives what the
// plain Aggregation over a label scan gives (PROFILE runs the plain form, so the two are
// compared on the same data), exact integer sums across the accumulators' number/BigInt
// split, unique index seeks without arrays, and expansion through neighbour walkers.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { caught, column, openMemory, q } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
  db.query('CREATE CONSTRAINT FOR (p:Person) REQUIRE p.id IS UNIQUE');
});
afterEach(async () => {
  await db.close();
});

/** The same statement run plainly (fused when it can be) and under PROFILE (never fused). */
function bothWays(text: string, params?: Record<string, unknown>): { fused: string[][]; plain: string[][] } {
  return { fused: q(db, text, params), plain: q(db, 'PROFILE ' + text, params) };
}

describe('scan aggregation', () => {
  beforeEach(() => {
    db.query('UNWIND range(1, 3000) AS i CREATE (:Person {id: i, age: 18 + i % 60, score: toFloat(i) / 7, name: "p" + i})');
    db.query('UNWIND range(1, 40) AS i CREATE (:Robot {id: i, age: i})');
    db.query('CREATE (:Person {id: 0}), (:Person:Robot {id: 5000, age: 2000})');
  });

  for (const text of [
    'MATCH (p:Person) RETURN avg(p.age)',
    'MATCH (p:Person) RETURN sum(p.age), count(p.age), count(*), min(p.age), max(p.age)',
    'MATCH (p:Person) RETURN sum(p.score), avg(p.score), stDev(p.age), stDevP(p.score)',
    'MATCH (p:Person) RETURN count(DISTINCT p.age), sum(DISTINCT p.age), min(p.name), max(p.name)',
    'MATCH (p:Person) RETURN max(p.missing), count(p.missing), sum(p.missing), avg(p.missing)',
    'MATCH (r:Robot) RETURN avg(r.age), count(*)',
    'MATCH (n) RETURN count(*), sum(n.age), max(n.id)',
    'MATCH (x:Nobody) RETURN count(*), avg(x.age), sum(x.age)',
  ]) {
    it(`${text}: the same as the plain aggregation`, () => {
      const { fused, plain } = bothWays(text);
      expect(fused).toEqual(plain);
    });
  }

  it('answers known values', () => {
    expect(q(db, 'MATCH (r:Robot) RETURN sum(r.age), count(*), avg(r.age)')).toEqual([['2820', '41', '68.78048780487805']]);
    expect(q(db, 'MATCH (x:Nobody) RETURN count(*), avg(x.age)')).toEqual([['0', 'null']]);
  });

  it('sums integers exactly past 2^53 and raises IntegerOverflow past 2^63', () => {
    db.query('CREATE (:Big {v: 4611686018427387904}), (:Big {v: 4611686018427386904}), (:Big {v: 3}), (:Big {v: -2})');
    expect(column(db.query('MATCH (b:Big) RETURN sum(b.v)'))).toEqual(['9223372036854774809']);
    expect(column(db.query('MATCH (b:Big) RETURN avg(b.v)'))).toEqual(column(db.query('PROFILE MATCH (b:Big) RETURN avg(b.v)')));
    db.query('CREATE (:Huge {v: 9223372036854775807}), (:Huge {v: 1})');
    expect(caught(() => db.query('MATCH (h:Huge) RETURN sum(h.v)')).code).toBe('RUNTIME_ARITHMETIC');
    db.query('UNWIND range(1, 2000) AS i CREATE (:Many {v: 2147483647})');
    expect(column(db.query('MATCH (m:Many) RETURN sum(m.v)'))).toEqual([String(2000n * 2147483647n)]);
  });

  it('takes a cartesian input row by row, like the plain form', () => {
    const text = 'MATCH (r:Robot) WHERE r.id <= 3 MATCH (p:Person) RETURN count(*), sum(p.age)';
    const { fused, plain } = bothWays(text);
    expect(fused).toEqual(plain);
    expect(fused[0]![0]).toBe(String(3 * 3002));
  });
});

describe('seeks and expansions', () => {
  beforeEach(() => {
    db.query('UNWIND range(0, 199) AS i CREATE (:Person {id: i, name: "p" + i})');
    db.query('MATCH (a:Person), (b:Person) WHERE b.id = (a.id * 7 + 3) % 200 OR b.id = (a.id * 13 + 1) % 200 CREATE (a)-[:KNOWS]->(b)');
    db.query('MATCH (a:Person) WHERE a.id % 10 = 0 CREATE (a)-[:LIKES]->(a)');
  });

  it('unique index seek: hit, miss, null, other types', () => {
    expect(column(db.query('MATCH (p:Person {id: $id}) RETURN p.name', { id: 17 }))).toEqual(["'p17'"]);
    expect(column(db.query('MATCH (p:Person {id: $id}) RETURN p.name', { id: 17.0 }))).toEqual(["'p17'"]);
    expect(column(db.query('MATCH (p:Person {id: $id}) RETURN p.name', { id: 1000 }))).toEqual([]);
    expect(column(db.query('MATCH (p:Person {id: $id}) RETURN p.name', { id: null }))).toEqual([]);
    expect(column(db.query('MATCH (p:Person {id: $id}) RETURN p.name', { id: '17' }))).toEqual([]);
    expect(column(db.query('UNWIND [3, 1000, 5] AS x MATCH (p:Person {id: x}) RETURN p.name'))).toEqual(["'p3'", "'p5'"]);
  });

  it('1-hop and 2-hop counts agree with the plain plans', () => {
    for (const id of [0, 10, 57, 199]) {
      for (const text of [
        'MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN count(f)',
        'MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)',
        'MATCH (p:Person {id: $id})-[r]-(f) RETURN count(*), collect(DISTINCT type(r))',
        'MATCH (p:Person {id: $id})<-[:KNOWS|LIKES]-(f) RETURN f.id ORDER BY f.id',
      ]) {
        expect(q(db, text, { id }), `${text} ${id}`).toEqual(q(db, 'PROFILE ' + text, { id }));
      }
    }
  });

  it('an aggregation that ignores the last relationship gives what one reading it gives (unbound relationship slot)', () => {
    for (const id of [0, 10, 57]) {
      const pairs = [
        ['MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)', 'MATCH (p:Person {id: $id})-[:KNOWS]->()-[r:KNOWS]->(f) WITH f, r RETURN count(DISTINCT f)'],
        ['MATCH (p:Person {id: $id})-[]-()-[]-(f) RETURN count(*), count(DISTINCT f)', 'MATCH (p:Person {id: $id})-[]-()-[r]-(f) WITH f, r RETURN count(*), count(DISTINCT f)'],
        ['MATCH (p:Person {id: $id})-[:LIKES]-()-[:LIKES]-(f) RETURN count(*)', 'MATCH (p:Person {id: $id})-[:LIKES]-()-[r:LIKES]-(f) WITH r RETURN count(*)'],
      ];
      for (const [unbound, bound] of pairs) expect(q(db, unbound!, { id }), `${unbound} ${id}`).toEqual(q(db, bound!, { id }));
    }
    expect(q(db, 'MATCH (p:Person {id: 0})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)')).toEqual([['4']]);
    expect(q(db, 'MATCH (p:Person {id: 0})-[:KNOWS]->()-[r:KNOWS]->(f) RETURN count(DISTINCT r), collect(DISTINCT type(r))')).toEqual([['4', "['KNOWS']"]]);
  });

  it('a self-loop matches once undirected, once per direction, and never twice in one pattern', () => {
    expect(column(db.query('MATCH (p:Person {id: 10})-[:LIKES]-(f) RETURN f.id'))).toEqual(['10']);
    expect(column(db.query('MATCH (p:Person {id: 10})-[:LIKES]->(f) RETURN f.id'))).toEqual(['10']);
    expect(column(db.query('MATCH (p:Person {id: 10})<-[:LIKES]-(f) RETURN f.id'))).toEqual(['10']);
    expect(column(db.query('MATCH (p:Person {id: 10})-[:LIKES]->(f)<-[:LIKES]-(p) RETURN count(*)'))).toEqual(['0']);
  });
});

describe('execution reuse (executor/index.ts E1)', () => {
  beforeEach(() => {
    db.query('UNWIND range(0, 99) AS i CREATE (:Person {id: i, name: "p" + i})');
    db.query('MATCH (a:Person), (b:Person) WHERE b.id = (a.id + 1) % 100 OR b.id = (a.id + 7) % 100 CREATE (a)-[:KNOWS]->(b)');
  });

  it('runs of one statement stay independent: abandoned streams, LIMIT inside an expansion, new snapshots between runs', () => {
    const stmt = db.prepare('MATCH (p:Person {id: $id})-[:KNOWS]->(f)-[:KNOWS]->(g) RETURN g.id ORDER BY g.id LIMIT 3');
    const early = db.prepare('MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN f.id LIMIT 1');
    const expect3 = (id: number): string[] => {
      const ids = [2, 8, 8, 14].map((d) => (id + d) % 100).sort((a, b) => a - b).slice(0, 3);
      return ids.map(String);
    };
    for (let round = 0; round < 6; round++) {
      for (const id of [0, 5, 93, 99]) {
        expect(column(stmt.run({ id })), `round ${round} id ${id}`).toEqual(expect3(id));
        // Without ORDER BY the first row is the first neighbour in storage order: the lower node id.
        const first = Math.min((id + 1) % 100, (id + 7) % 100);
        expect(column(early.run({ id })), `early ${id}`).toEqual([String(first)]);
        // Abandon a stream after its first row: its operators stay with it.
        const stream = early.stream({ id });
        expect(stream.next().value).toEqual([BigInt(first)]);
        stream.close();
      }
      // A commit between rounds: later runs read a new snapshot through a new graph reader.
      db.query('CREATE (:Other {round: $round})', { round });
    }
    expect(column(db.query('MATCH (o:Other) RETURN count(*)'))).toEqual(['6']);
  });

  it('a read statement inside a write transaction and then in autocommit reads each its own state', () => {
    const count = db.prepare('MATCH (p:Person)-[:KNOWS]->(f) WHERE p.id = $id RETURN count(f)');
    expect(column(count.run({ id: 3 }))).toEqual(['2']);
    const tx = db.begin();
    tx.query('MATCH (p:Person {id: 3}) CREATE (p)-[:KNOWS]->(:Person {id: 1000})');
    expect(column(tx.query('MATCH (p:Person)-[:KNOWS]->(f) WHERE p.id = $id RETURN count(f)', { id: 3 }))).toEqual(['3']);
    expect(column(count.run({ id: 3 }))).toEqual(['2']);
    tx.rollback();
    expect(column(count.run({ id: 3 }))).toEqual(['2']);
  });

  it('pattern comprehensions (subplans) start over on every run', () => {
    const stmt = db.prepare('MATCH (p:Person {id: $id}) RETURN [(p)-[:KNOWS]->(f) | f.id] AS ids');
    for (let i = 0; i < 5; i++) {
      for (const id of [1, 50]) {
        const list = db.query('MATCH (p:Person {id: $id}) RETURN [(p)-[:KNOWS]->(f) | f.id] AS ids', { id }).rows[0]![0] as bigint[];
        expect(stmt.run({ id }).rows[0]![0]).toEqual(list);
        expect([...list].sort()).toEqual([BigInt((id + 1) % 100), BigInt((id + 7) % 100)].sort());
      }
    }
  });
});
