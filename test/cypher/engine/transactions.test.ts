// The query API's transaction contract (src/query/session.ts Q1-Q5): autocommit writes are
// durable before their rows come back, a failed statement changes nothing, explicit
// transactions isolate and fail as a whole, and write guards apply to query writes.

import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { caught, column, openMemory, q } from './support.js';

let db: Database;
afterEach(async () => {
  await db?.close();
});

function count(label: string): string {
  return q(db, `MATCH (n:${label}) RETURN count(n)`)[0]![0]!;
}

describe('autocommit', () => {
  it('knows before running whether a statement writes', () => {
    db = openMemory();
    expect(db.prepare('MATCH (n) RETURN n').isWrite).toBe(false);
    expect(db.prepare('MATCH (n) SET n.x = 1').isWrite).toBe(true);
    expect(db.prepare('FOREACH (x IN [1] | CREATE ())').isWrite).toBe(true);
    expect(db.prepare('EXPLAIN CREATE ()').isWrite).toBe(false);
    expect(db.prepare('CREATE INDEX FOR (n:A) ON (n.x)').isWrite).toBe(true);
  });

  it('a failed write statement changes nothing', () => {
    db = openMemory();
    db.query('CREATE (:Keep {v: 1})');
    const error = caught(() => db.query('MATCH (k:Keep) SET k.v = 2 CREATE (:New) WITH k UNWIND [1, 0] AS d RETURN 1 / d'));
    expect(error.code).toBe('RUNTIME_ARITHMETIC');
    expect(q(db, 'MATCH (k:Keep) RETURN k.v')).toEqual([['1']]);
    expect(count('New')).toBe('0');
    expect(db.query('CREATE (:New)').stats.nodesCreated).toBe(1);
  });

  it('commits a write durably before returning its rows (sync and group commit)', async () => {
    const events: string[] = [];
    db = openMemory({ hooks: { onCommit: () => events.push('commit') } });
    const result = db.query('CREATE (n:D) RETURN id(n) AS id');
    expect(events).toEqual(['commit']);
    expect(result.rows).toHaveLength(1);
    const stats = db.pager.stats();
    expect(stats.durableSequence).toBe(stats.committedSequence);

    const stream = db.prepare('UNWIND [1, 2] AS i CREATE (n:D {i: i}) RETURN n.i').stream();
    expect(events).toEqual(['commit', 'commit']); // before the first row is handed out
    expect([...stream].map((row) => row[0])).toEqual([1n, 2n]);
    expect(stream.stats.nodesCreated).toBe(2);

    const pending = db.queryAsync('CREATE (n:D) RETURN n');
    const asyncResult = await pending;
    expect(events).toHaveLength(3);
    expect(asyncResult.stats.nodesCreated).toBe(1);
    const after = db.pager.stats();
    expect(after.durableSequence).toBe(after.committedSequence);
  });

  it('a read sees every commit that came before it, also through a reused snapshot', () => {
    db = openMemory();
    expect(count('R')).toBe('0');
    db.query('CREATE (:R)');
    expect(count('R')).toBe('1');
    const tx = db.begin();
    tx.query('CREATE (:R)');
    expect(count('R')).toBe('1');
    tx.commit();
    expect(count('R')).toBe('2');
  });

  it('applies the write guards to statements that write, not to reads', () => {
    db = openMemory();
    db.setMaintenanceMode(true);
    expect(caught(() => db.query('CREATE ()')).code).toBe('MAINTENANCE_MODE');
    expect(column(db.query('RETURN 1'))).toEqual(['1']);
    db.setMaintenanceMode(false);
    expect(db.query('CREATE ()').stats.nodesCreated).toBe(1);
  });
});

describe('explicit transactions', () => {
  it('isolate their writes until commit and roll back on request', () => {
    db = openMemory();
    const tx = db.begin();
    tx.query('CREATE (:T {i: 1})');
    expect(tx.query('MATCH (t:T) RETURN count(t)').rows).toEqual([[1n]]);
    expect(count('T')).toBe('0');
    tx.rollback();
    expect(tx.state).toBe('rolledBack');
    expect(count('T')).toBe('0');
    const committed = db.begin();
    committed.query('CREATE (:T)');
    committed.query('MATCH (t:T) SET t.i = 2');
    expect(committed.commit()).not.toBeNull();
    expect(q(db, 'MATCH (t:T) RETURN t.i')).toEqual([['2']]);
  });

  it('fail as a whole when a writing statement fails; a statement that does not compile does not fail them', () => {
    db = openMemory();
    const tx = db.begin();
    tx.query('CREATE (:F)');
    expect(caught(() => tx.query('RETURN nope')).code).toBe('SEMANTIC_UNDEFINED_VARIABLE');
    expect(tx.state).toBe('open');
    expect(caught(() => tx.query('MATCH (f:F) SET f.x = 1 / 0')).code).toBe('RUNTIME_ARITHMETIC');
    expect(tx.state).toBe('failed');
    expect(caught(() => tx.query('RETURN 1')).code).toBe('TRANSACTION_STATE');
    expect(caught(() => tx.commit()).code).toBe('TRANSACTION_STATE');
    tx.rollback();
    expect(count('F')).toBe('0');
    expect(db.query('CREATE (:F)').stats.nodesCreated).toBe(1);
  });

  it('read-only transactions read one snapshot and refuse writes', async () => {
    db = openMemory();
    db.query('CREATE (:S)');
    const tx = db.begin({ readOnly: true });
    db.query('CREATE (:S)');
    expect(tx.query('MATCH (s:S) RETURN count(s)').rows).toEqual([[1n]]);
    expect(caught(() => tx.query('CREATE (:S)')).code).toBe('TRANSACTION_STATE');
    await tx.commitAsync();
    expect(tx.state).toBe('committed');
  });

  it('group-commit their changes with commitAsync', async () => {
    db = openMemory();
    const txs = [db.begin()];
    txs[0]!.query('CREATE (:G)');
    await txs[0]!.commitAsync();
    expect(count('G')).toBe('1');
  });
});
