// The autocommit write fast path (src/query/session.ts Q6): a statement known to write goes
// straight to the write transaction without a read snapshot, and keeps every rule of the slow
// path: re-planned when the schema changed, access-checked, refused by the write guards,
// durable before its rows come back (Q1), nothing changed when it fails (Q2).

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../src/database.js';
import { WRITE_HINTS_MAX } from '../../../src/query/session.js';
import { caught, column, openMemory } from './support.js';

let db: Database;
afterEach(async () => {
  vi.restoreAllMocks();
  await db?.close();
});

function count(label: string): string {
  return column(db.query(`MATCH (n:${label}) RETURN count(n)`))[0]!;
}

describe('autocommit writes known to write (Q6)', () => {
  it('take no read snapshot from their second run on (query, queryAsync, prepared run)', async () => {
    db = openMemory();
    const beginRead = vi.spyOn(db.pager, 'beginRead');
    db.query('CREATE (:W {i: $i})', { i: 0 });
    expect(beginRead).toHaveBeenCalledTimes(1); // the first run learns that it writes
    for (let i = 1; i <= 3; i++) db.query('CREATE (:W {i: $i})', { i });
    await db.queryAsync('CREATE (:W {i: $i})', { i: 4 });
    const statement = db.prepare('CREATE (:V)');
    const afterPrepare = beginRead.mock.calls.length;
    statement.run();
    await statement.runAsync();
    expect(beginRead).toHaveBeenCalledTimes(afterPrepare);
    expect(count('W')).toBe('5');
    expect(count('V')).toBe('2');
  });

  it('commit durably before their rows come back (Q1)', async () => {
    const events: string[] = [];
    db = openMemory({ hooks: { onCommit: () => events.push('commit') } });
    db.query('CREATE (n:D) RETURN n');
    const result = db.query('CREATE (n:D {k: 1}) RETURN n.k AS k');
    expect(events).toEqual(['commit', 'commit']);
    expect(column(result)).toEqual(['1']);
    const pending = db.queryAsync('CREATE (n:D {k: 2}) RETURN n.k AS k');
    const asyncResult = await pending;
    expect(events).toHaveLength(3);
    expect(column(asyncResult)).toEqual(['2']);
    const stats = db.pager.stats();
    expect(stats.durableSequence).toBe(stats.committedSequence);
  });

  it('change nothing when they fail (Q2), and stay fast afterwards', () => {
    db = openMemory();
    const text = 'CREATE (:F {v: $v}) WITH 1 AS one UNWIND [1, $d] AS d RETURN one / d';
    db.query(text, { v: 1, d: 1 });
    expect(caught(() => db.query(text, { v: 2, d: 0 })).code).toBe('RUNTIME_ARITHMETIC');
    expect(column(db.query('MATCH (f:F) RETURN f.v'))).toEqual(['1']);
    expect(db.query(text, { v: 3, d: 1 }).stats.nodesCreated).toBe(1);
    expect(count('F')).toBe('2');
  });

  it('are planned again when the schema changed since their plan', () => {
    db = openMemory();
    const merge = 'MERGE (p:P {k: $k}) RETURN p.k';
    db.query(merge, { k: 1 });
    db.query(merge, { k: 1 });
    const missesBefore = db.queryEngine.cacheMisses;
    db.query('CREATE INDEX FOR (p:P) ON (p.k)');
    db.query(merge, { k: 1 });
    db.query(merge, { k: 2 });
    expect(db.queryEngine.cacheMisses).toBe(missesBefore + 2); // the index command, then one re-plan
    expect(column(db.query('MATCH (p:P) RETURN p.k ORDER BY p.k'))).toEqual(['1', '2']);
  });

  it('are refused by the write guards like any write', () => {
    db = openMemory();
    db.query('CREATE (:M)');
    db.setMaintenanceMode(true);
    expect(caught(() => db.query('CREATE (:M)')).code).toBe('MAINTENANCE_MODE');
    db.setMaintenanceMode(false);
    db.query('CREATE (:M)');
    expect(count('M')).toBe('2');
  });

  it('are access-checked on every run: a revoked writer is refused and changes nothing', () => {
    db = openMemory({ accessControl: true, user: 'root' });
    db.security.createUser('root', ['admin']);
    db.security.createUser('writer', ['user']);
    const writer = db.asUser('writer');
    writer.query('CREATE (:A)');
    writer.query('CREATE (:A)');
    db.security.revoke('user', 'writer');
    const error = caught(() => writer.query('CREATE (:A)'));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(count('A')).toBe('2');
  });

  it('remember a bounded number of texts, the oldest forgotten first', () => {
    db = openMemory();
    db.query('CREATE (:First)');
    for (let i = 0; i < WRITE_HINTS_MAX; i++) db.query(`CREATE (:H${i})`);
    const beginRead = vi.spyOn(db.pager, 'beginRead');
    db.query(`CREATE (:H${WRITE_HINTS_MAX - 1})`);
    expect(beginRead).not.toHaveBeenCalled();
    db.query('CREATE (:First)'); // forgotten: learned again through a snapshot
    expect(beginRead).toHaveBeenCalledTimes(1);
    expect(count('First')).toBe('2');
  });

  it('reads are never taken for writes: a read text keeps reading on snapshots', () => {
    db = openMemory();
    db.query('CREATE (:R)');
    const beginRead = vi.spyOn(db.pager, 'beginRead');
    expect(column(db.query('MATCH (r:R) RETURN count(r)'))).toEqual(['1']);
    expect(beginRead).toHaveBeenCalledTimes(1);
    expect(db.prepare('MATCH (r:R) RETURN count(r)').run().stats.nodesCreated).toBe(0);
  });
});
