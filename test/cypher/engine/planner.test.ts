// Planner choices, read from EXPLAIN's plan tree: index seeks when an index exists (equality,
// IN, ranges) and label scans otherwise, the smaller label, expand-into, filter push-down,
// count pushdown, top-k, eager barriers, and plan-cache invalidation on schema changes.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import type { PlanDescription } from '../../../src/cypher/planner/index.js';
import { column, openMemory } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
  db.query('UNWIND range(1, 200) AS i CREATE (:Person {id: i, age: i % 50})');
  db.query('UNWIND range(1, 5) AS i CREATE (:Admin {id: i})');
  db.query('MATCH (a:Person), (b:Person) WHERE b.id = a.id + 1 CREATE (a)-[:NEXT]->(b)');
});
afterEach(async () => {
  await db.close();
});

/** The plan as lines `Operator details`, root first, depth-first. */
function lines(plan: PlanDescription | null | undefined): string[] {
  const out: string[] = [];
  const visit = (node: PlanDescription, depth: number): void => {
    out.push(`${'  '.repeat(depth)}${node.operator} ${node.details}`.trimEnd());
    for (const child of node.children) visit(child, depth + 1);
  };
  if (plan) visit(plan, 0);
  return out;
}

function explain(text: string): string[] {
  return lines(db.query(`EXPLAIN ${text}`).plan);
}

function operators(text: string): string[] {
  return explain(text).map((line) => line.trim().split(' ')[0]!);
}

describe('access paths', () => {
  it('scans the label without an index and seeks the index once it exists', () => {
    const query = 'MATCH (p:Person {id: $id}) RETURN p.age';
    expect(operators(query)).toContain('NodeByLabelScan');
    expect(operators(query)).not.toContain('NodeIndexSeek');
    db.query('CREATE INDEX FOR (p:Person) ON (p.id)');
    const plan = explain(query);
    expect(plan.some((line) => line.includes('NodeIndexSeek p:Person(id) = $id'))).toBe(true);
    expect(operators(query)).not.toContain('NodeByLabelScan');
    expect(column(db.query(query, { id: 7 }))).toEqual(['7']);
  });

  it('seeks for IN lists and ranges, keeping the range predicate as a filter', () => {
    db.query('CREATE INDEX FOR (p:Person) ON (p.id)');
    expect(explain('MATCH (p:Person) WHERE p.id IN [3, 4, 3] RETURN p.id').some((l) => l.includes('NodeIndexSeek p:Person(id) IN'))).toBe(true);
    expect(column(db.query('MATCH (p:Person) WHERE p.id IN [3, 4, 3] RETURN p.id ORDER BY p.id'))).toEqual(['3', '4']);
    const range = explain('MATCH (p:Person) WHERE p.id >= 198 RETURN p.id');
    expect(range.some((l) => l.includes('NodeIndexSeek 198 <= p:Person(id)'))).toBe(true);
    expect(column(db.query('MATCH (p:Person) WHERE p.id >= 198 RETURN p.id ORDER BY p.id'))).toEqual(['198', '199', '200']);
  });

  it('starts from the smaller label and otherwise scans all nodes', () => {
    const plan = explain('MATCH (n:Person:Admin) RETURN n');
    expect(plan.some((l) => l.includes('NodeByLabelScan (n:Admin)'))).toBe(true);
    expect(plan.some((l) => l.includes('Filter n:Person'))).toBe(true);
    expect(operators('MATCH (n) RETURN n')).toContain('AllNodesScan');
    expect(operators('MATCH (n) WHERE id(n) = 3 RETURN n')).toContain('NodeByIdSeek');
  });

  it('starts a pattern at the indexed end and expands from there', () => {
    db.query('CREATE INDEX FOR (p:Person) ON (p.id)');
    const plan = explain('MATCH (a:Person)-[:NEXT]->(b:Person {id: 10}) RETURN a.id');
    const seek = plan.findIndex((l) => l.includes('NodeIndexSeek b:Person(id)'));
    const expand = plan.findIndex((l) => l.includes('Expand (b)<-['));
    expect(seek).toBeGreaterThan(expand); // the seek is below (runs before) the expand
    expect(column(db.query('MATCH (a:Person)-[:NEXT]->(b:Person {id: 10}) RETURN a.id'))).toEqual(['9']);
  });
});

describe('rewrites', () => {
  it('pushes each predicate down to where its variables are bound', () => {
    const plan = explain('MATCH (a:Person)-[:NEXT]->(b) WHERE a.age = 3 AND b.age = 4 RETURN b.id');
    const filterA = plan.findIndex((l) => l.includes('Filter a.age = 3'));
    const expand = plan.findIndex((l) => l.trim().startsWith('Expand'));
    const filterB = plan.findIndex((l) => l.includes('Filter b.age = 4'));
    expect(filterA).toBeGreaterThan(expand); // below the expand
    expect(filterB).toBeLessThan(expand); // above it
  });

  it('expands into a bound end instead of scanning again', () => {
    expect(explain('MATCH (a:Admin), (b:Admin) MATCH (a)-[:NEXT]->(b) RETURN a').some((l) => l.includes(' into'))).toBe(true);
  });

  it('counts from the degree only where that is exact', () => {
    expect(operators('MATCH (p:Person)-[:NEXT]->(f) RETURN count(f)')).toContain('DegreeCount');
    expect(operators('MATCH (p:Person)-[:NEXT]->(f:Admin) RETURN count(f)')).not.toContain('DegreeCount');
    expect(operators('MATCH (p:Person)-[:NEXT]-(f) RETURN count(f)')).not.toContain('DegreeCount');
    expect(operators('MATCH (p:Person)-[:NEXT]->(f) RETURN count(DISTINCT f)')).not.toContain('DegreeCount');
    expect(column(db.query('MATCH (p:Person)-[:NEXT]->(f) RETURN count(f)'))).toEqual(['199']);
  });

  it('keeps k rows for ORDER BY ... LIMIT', () => {
    expect(operators('MATCH (p:Person) RETURN p.id ORDER BY p.id DESC LIMIT 3')).toContain('Top');
    expect(column(db.query('MATCH (p:Person) RETURN p.id ORDER BY p.id DESC SKIP 1 LIMIT 2'))).toEqual(['199', '198']);
  });

  it('puts an eager barrier between a read and a write of the same pattern', () => {
    expect(operators('MATCH (p:Admin) CREATE (:Admin)')).toContain('Eager');
    expect(operators('UNWIND [1, 2] AS x CREATE (:Admin)')).not.toContain('Eager');
  });
});

describe('plan cache', () => {
  it('replans a prepared statement after an index is created or dropped', () => {
    const stmt = db.prepare('MATCH (p:Person {id: $id}) RETURN p.age');
    expect(JSON.stringify(stmt.explain())).not.toContain('NodeIndexSeek');
    db.query('CREATE INDEX by_id FOR (p:Person) ON (p.id)');
    expect(JSON.stringify(stmt.explain())).toContain('NodeIndexSeek');
    expect(column(stmt.run({ id: 50 }))).toEqual(['0']);
    db.query('DROP INDEX by_id');
    expect(JSON.stringify(stmt.explain())).not.toContain('NodeIndexSeek');
    expect(column(stmt.run({ id: 51 }))).toEqual(['1']);
  });

  it('does not keep plans made against an index that a rolled-back transaction created', () => {
    const query = 'MATCH (p:Person) WHERE p.age > 48 RETURN count(p)';
    const tx = db.begin();
    tx.query('CREATE INDEX by_age FOR (p:Person) ON (p.age)');
    expect(JSON.stringify(tx.query(`EXPLAIN ${query}`).plan)).toContain('NodeIndexSeek');
    expect(tx.query(query).rows).toEqual([[4n]]);
    tx.rollback();
    // The next committed schema version names a different index.
    db.query('CREATE INDEX by_id FOR (p:Person) ON (p.id)');
    expect(column(db.query(query))).toEqual(['4']);
    expect(JSON.stringify(db.query(`EXPLAIN ${query}`).plan)).not.toContain('NodeIndexSeek');
  });

  it('serves repeated texts from the cache', () => {
    const engine = db.queryEngine;
    const before = engine.cacheHits;
    for (let i = 0; i < 5; i++) db.query('MATCH (p:Person) WHERE p.id = $id RETURN p.age', { id: i + 1 });
    expect(engine.cacheHits - before).toBeGreaterThanOrEqual(4);
  });

  it('PROFILE reports rows per operator', () => {
    const result = db.query('PROFILE MATCH (p:Person) WHERE p.age = 1 RETURN p.id');
    expect(result.rows).toHaveLength(4);
    const scan = lines(result.plan).length;
    expect(scan).toBeGreaterThan(2);
    const find = (node: PlanDescription, op: string): PlanDescription | undefined =>
      node.operator === op ? node : node.children.map((c) => find(c, op)).find((x) => x !== undefined);
    expect(find(result.plan!, 'NodeByLabelScan')!.rows).toBe(200);
    expect(find(result.plan!, 'Filter')!.rows).toBe(4);
    expect(find(result.plan!, 'Filter')!.timeMs).toBeGreaterThanOrEqual(0);
  });
});
