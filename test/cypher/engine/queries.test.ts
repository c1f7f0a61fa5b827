// Query families against expected rows, beyond the TCK: parameters (int64 extremes, floats,
// nested maps), paths, variable length, OPTIONAL MATCH nulls, UNION, aggregation with
// grouping keys, ORDER BY / SKIP / LIMIT, MERGE, SET / REMOVE / DELETE and their stats.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { float } from '../../../src/graph/value.js';
import { INT64_MAX, INT64_MIN } from '../../../src/graph/value.js';
import { toRecords } from '../../../src/query/index.js';
import { caught, cells, column, openMemory, q } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
});
afterEach(async () => {
  await db.close();
});

function social(): void {
  db.query(`
    CREATE (ada:Person {name: 'Ada', age: 36}), (bob:Person {name: 'Bob', age: 41}),
           (cy:Person {name: 'Cy', age: 25}), (dot:Robot {name: 'Dot'}),
           (ada)-[:KNOWS {since: 2001}]->(bob), (bob)-[:KNOWS {since: 2010}]->(cy),
           (cy)-[:KNOWS {since: 2020}]->(ada), (ada)-[:OWNS]->(dot)`);
}

describe('parameters', () => {
  it('take INTEGER extremes exactly, floats as FLOAT and nested structures', () => {
    const result = db.query('RETURN $min AS min, $max AS max, $f AS f, $one AS one, $nested AS nested', {
      min: INT64_MIN,
      max: INT64_MAX,
      f: 2.5,
      one: float(1),
      nested: { list: [1, 'two', [3n]], map: { deep: true } },
    });
    expect(cells(result)).toEqual([['-9223372036854775808', '9223372036854775807', '2.5', '1.0', "{list: [1, 'two', [3]], map: {deep: true}}"]]);
    expect(result.rows[0]![0]).toBe(INT64_MIN);
  });

  it('overflow at the int64 boundary is an ArithmeticError, not a wrap', () => {
    expect(caught(() => db.query('RETURN $max + 1', { max: INT64_MAX })).code).toBe('RUNTIME_ARITHMETIC');
    expect(q(db, 'RETURN $max - 1 AS x', { max: INT64_MAX })).toEqual([['9223372036854775806']]);
  });

  it('reject values out of the 64-bit range and missing parameters', () => {
    expect(caught(() => db.query('RETURN $x', { x: 2n ** 63n })).code).toBe('INVALID_ARGUMENT');
    const missing = caught(() => db.query('RETURN $x + $y', { x: 1 }));
    expect(missing.code).toBe('PARAMETER_MISSING');
    expect(missing.details.parameter).toBe('y');
  });

  it('are never spliced into the text: one plan serves every value', () => {
    social();
    const stmt = db.prepare('MATCH (p:Person {name: $name}) RETURN p.age');
    expect(column(stmt.run({ name: 'Ada' }))).toEqual(['36']);
    expect(column(stmt.run({ name: "Bob' OR 1=1 //" }))).toEqual([]);
    expect(column(stmt.run({ name: 'Cy' }))).toEqual(['25']);
  });
});

describe('matching', () => {
  beforeEach(social);

  it('expands in every direction and by type', () => {
    expect(q(db, "MATCH (:Person {name: 'Ada'})-[:KNOWS]->(f) RETURN f.name")).toEqual([["'Bob'"]]);
    expect(q(db, "MATCH (:Person {name: 'Ada'})<-[:KNOWS]-(f) RETURN f.name")).toEqual([["'Cy'"]]);
    expect(column(db.query("MATCH (:Person {name: 'Ada'})--(f) RETURN f.name ORDER BY f.name"))).toEqual(["'Bob'", "'Cy'", "'Dot'"]);
  });

  it('binds named paths, also over variable length, in pattern order', () => {
    const result = db.query("MATCH p = (a:Person {name: 'Ada'})-[:KNOWS*2]->(c) RETURN p, length(p), c.name");
    expect(cells(result)).toEqual([
      ["<(:Person {name: 'Ada', age: 36})-[:KNOWS {since: 2001}]->(:Person {name: 'Bob', age: 41})-[:KNOWS {since: 2010}]->(:Person {name: 'Cy', age: 25})>", '2', "'Cy'"],
    ]);
    // Expanded from the bound right end: the list still reads left to right.
    const reversed = db.query("MATCH (c:Person {name: 'Cy'}) MATCH p = (a)-[rs:KNOWS*2]->(c) RETURN a.name, [r IN rs | r.since]");
    expect(cells(reversed)).toEqual([["'Ada'", '[2001, 2010]']]);
  });

  it('keeps each relationship once per path in variable-length matches (the 3-cycle ends)', () => {
    const lengths = column(db.query("MATCH (:Person {name: 'Ada'})-[r:KNOWS*]->(x) RETURN size(r) ORDER BY size(r)"));
    expect(lengths).toEqual(['1', '2', '3']);
    expect(q(db, "MATCH (a:Person {name: 'Ada'})-[:KNOWS*0..0]->(x) RETURN x.name")).toEqual([["'Ada'"]]);
  });

  it('returns nulls from OPTIONAL MATCH without dropping the row', () => {
    const result = db.query('MATCH (p:Person) OPTIONAL MATCH (p)-[:OWNS]->(thing) RETURN p.name, thing.name ORDER BY p.name');
    expect(cells(result)).toEqual([
      ["'Ada'", "'Dot'"],
      ["'Bob'", 'null'],
      ["'Cy'", 'null'],
    ]);
  });

  it('filters with pattern predicates and EXISTS subqueries against the outer row', () => {
    expect(column(db.query('MATCH (p:Person) WHERE (p)-[:OWNS]->() RETURN p.name'))).toEqual(["'Ada'"]);
    expect(column(db.query('MATCH (p:Person) WHERE NOT exists { (p)-[:OWNS]->(:Robot) } RETURN p.name ORDER BY p.name'))).toEqual(["'Bob'", "'Cy'"]);
    expect(cells(db.query("MATCH (p:Person {name: 'Bob'}) RETURN [(p)-[:KNOWS]-(f) | f.name] AS friends"))[0]![0]).toMatch(/'Ada'|'Cy'/);
  });

  it('finds shortest paths', () => {
    const result = db.query("MATCH (a:Person {name: 'Ada'}), (c:Person {name: 'Cy'}) MATCH p = shortestPath((a)-[:KNOWS*]-(c)) RETURN length(p)");
    expect(column(result)).toEqual(['1']);
  });
});

describe('projection and aggregation', () => {
  beforeEach(social);

  it('groups by the non-aggregate items', () => {
    const result = db.query('MATCH (n) RETURN labels(n)[0] AS kind, count(*) AS n, collect(n.name) AS names ORDER BY kind');
    expect(cells(result)).toEqual([
      ["'Person'", '3', "['Ada', 'Bob', 'Cy']"],
      ["'Robot'", '1', "['Dot']"],
    ]);
  });

  it('aggregates over nothing into one row', () => {
    expect(q(db, 'MATCH (n:Nobody) RETURN count(n), sum(n.x), avg(n.x), collect(n)')).toEqual([['0', '0', 'null', '[]']]);
  });

  it('orders, skips and limits (top-k keeps the same order as a full sort)', () => {
    expect(column(db.query('MATCH (p:Person) RETURN p.name ORDER BY p.age DESC SKIP 1 LIMIT 1'))).toEqual(["'Ada'"]);
    expect(column(db.query('MATCH (p:Person) RETURN p.name ORDER BY p.age DESC'))).toEqual(["'Bob'", "'Ada'", "'Cy'"]);
  });

  it('counts neighbours from the stored degree with the same answer as expanding', () => {
    const pushed = db.query('MATCH (p:Person)-[:KNOWS]->(f) RETURN p.name, count(f) ORDER BY p.name');
    const expanded = db.query('MATCH (p:Person)-[:KNOWS]->(f) WHERE f.name IS NOT NULL RETURN p.name, count(f) ORDER BY p.name');
    expect(cells(pushed)).toEqual(cells(expanded));
    expect(JSON.stringify(db.prepare('MATCH (p:Person)-[:KNOWS]->(f) RETURN count(f)').explain())).toContain('DegreeCount');
  });

  it('projects with WITH, DISTINCT and map projections; toRecords keys rows by column', () => {
    const result = db.query('MATCH (p:Person) WITH DISTINCT p.age > 30 AS old RETURN old ORDER BY old');
    expect(column(result)).toEqual(['false', 'true']);
    const records = toRecords(db.query("MATCH (p:Person {name: 'Ada'}) RETURN p {.name, .age} AS person"));
    expect(records).toEqual([{ person: { name: 'Ada', age: 36n } }]);
  });

  it('combines parts with UNION (distinct) and UNION ALL', () => {
    expect(column(db.query('MATCH (p:Person) RETURN p.age > 30 AS x UNION MATCH (r:Robot) RETURN false AS x')).sort()).toEqual(['false', 'true']);
    expect(column(db.query('UNWIND [1, 1] AS x RETURN x UNION ALL RETURN 1 AS x'))).toEqual(['1', '1', '1']);
  });
});

describe('updates', () => {
  it('count side effects as graph differences', () => {
    social();
    const set = db.query("MATCH (p:Person {name: 'Ada'}) SET p.age = 37, p.nick = 'A' REMOVE p.name");
    expect(set.stats).toMatchObject({ propertiesSet: 2, propertiesRemoved: 2 });
    const same = db.query("MATCH (p:Person {nick: 'A'}) SET p.age = 37");
    expect(same.stats.propertiesSet).toBe(0);
    const labels = db.query('MATCH (r:Robot) SET r:Machine REMOVE r:Robot');
    expect(labels.stats).toMatchObject({ labelsAdded: 1, labelsRemoved: 1 });
    const del = db.query('MATCH (n:Machine) DETACH DELETE n');
    expect(del.stats).toMatchObject({ nodesDeleted: 1, relationshipsDeleted: 1, propertiesRemoved: 1, labelsRemoved: 1 });
  });

  it('MERGE matches or creates, and later rows see what earlier rows created', () => {
    const first = db.query('UNWIND [1, 2, 1, 2, 3] AS x MERGE (n:N {x: x}) ON CREATE SET n.created = true ON MATCH SET n.seen = true RETURN n.x');
    expect(first.stats.nodesCreated).toBe(3);
    expect(q(db, 'MATCH (n:N) WHERE n.seen RETURN n.x ORDER BY n.x')).toEqual([['1'], ['2']]);
    expect(caught(() => db.query('MERGE (n:N {x: null})')).code).toBe('RUNTIME_CLAUSE_ARGUMENT');
  });

  it('MATCH then CREATE does not see its own creations (eager)', () => {
    db.query('CREATE (:A), (:A)');
    const result = db.query('MATCH (a:A) CREATE (:A) RETURN count(*)');
    expect(column(result)).toEqual(['2']);
    expect(q(db, 'MATCH (a:A) RETURN count(a)')).toEqual([['4']]);
  });

  it('LIMIT does not cut an update short', () => {
    const result = db.query('UNWIND range(1, 5) AS i CREATE (n:L {i: i}) RETURN n LIMIT 1');
    expect(result.rows).toHaveLength(1);
    expect(result.stats.nodesCreated).toBe(5);
  });

  it('returns a deleted node as it was, but refuses to read its properties afterwards', () => {
    db.query("CREATE (:Gone {name: 'x'})");
    expect(q(db, 'MATCH (n:Gone) DELETE n RETURN n')).toEqual([["(:Gone {name: 'x'})"]]);
    db.query("CREATE (:Gone {name: 'y'})");
    const error = caught(() => db.query('MATCH (n:Gone) DELETE n RETURN n.name'));
    expect(error.code).toBe('RUNTIME_DELETED_ENTITY');
    expect(q(db, 'MATCH (n:Gone) RETURN count(n)')).toEqual([['1']]);
  });

  it('refuses to delete a node with relationships without DETACH', () => {
    db.query('CREATE (:X)-[:R]->(:Y)');
    expect(caught(() => db.query('MATCH (x:X) DELETE x')).code).toBe('NODE_HAS_RELATIONSHIPS');
    expect(db.query('MATCH (x:X)-[r]->(y) DELETE r, x, y').stats).toMatchObject({ nodesDeleted: 2, relationshipsDeleted: 1 });
  });

  it('runs FOREACH bodies per element', () => {
    const result = db.query('FOREACH (i IN range(1, 3) | CREATE (:F {i: i}))');
    expect(result.stats.nodesCreated).toBe(3);
    expect(result.rows).toEqual([]);
  });
});

describe('procedures and schema', () => {
  it('lists labels, types, keys and indexes', () => {
    social();
    expect(column(db.query('CALL db.labels() YIELD label RETURN label ORDER BY label'))).toEqual(["'Person'", "'Robot'"]);
    expect(column(db.query('CALL db.relationshipTypes()')).sort()).toEqual(["'KNOWS'", "'OWNS'"]);
    expect(column(db.query('CALL db.propertyKeys()'))).toContain("'since'");
    db.query('CREATE INDEX person_name FOR (p:Person) ON (p.name)');
    expect(q(db, 'SHOW INDEXES')).toEqual([["0", "'person_name'", "'Person'", "'name'", 'false']]);
    expect(q(db, 'CALL db.indexes() YIELD name RETURN name')).toEqual([["'person_name'"]]);
    db.query('DROP INDEX person_name');
    expect(q(db, 'SHOW INDEXES')).toEqual([]);
  });

  it('reports index build progress and enforces unique constraints', () => {
    db.query('UNWIND range(1, 10) AS i CREATE (:U {k: i})');
    const progress: [number, number][] = [];
    db.query('CREATE CONSTRAINT FOR (u:U) REQUIRE u.k IS UNIQUE', {}, { onIndexProgress: (done, total) => progress.push([done, total]) });
    expect(progress.at(-1)).toEqual([10, 10]);
    expect(caught(() => db.query('CREATE (:U {k: 3})')).code).toBe('CONSTRAINT_UNIQUE');
  });
});
