// The console's command language: statements (autocommit, explicit transactions, streaming,
// errors with their caret) and the session's guarantees (session.ts SS1-SS5).
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { OutputEvent } from '../../shell/protocol.js';
import { collect, memoryDb, newSession } from './session-support.js';

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

function session(options: Parameters<typeof newSession>[0] = {}) {
  const db = options.db ?? memoryDb();
  open.push(db);
  return newSession({ ...options, db });
}

describe('statements', () => {
  it('runs a statement that spans lines and several statements in one input, in order', async () => {
    const s = session();
    const r = await collect(s, "CREATE (:Person {name: 'Ann'}),\n       (:Person {name: 'Bob'});\nMATCH (p:Person)\nRETURN p.name AS name\nORDER BY name;");
    expect(r.outcome.ok).toBe(true);
    expect(r.cells).toEqual([['Ann'], ['Bob']]);
    const ends = r.events.filter((e) => e.kind === 'end');
    expect(ends).toHaveLength(2);
    expect((ends[0] as Extract<OutputEvent, { kind: 'end' }>).summary).toBe('2 nodes created, 2 properties set, 1 label added');
  });

  it('accepts a last statement without its ; and ignores comment-only input', async () => {
    const s = session();
    expect((await collect(s, 'RETURN 41 + 1 AS answer')).cells).toEqual([['42']]);
    const comments = await collect(s, '// nothing here\n/* nor here */');
    expect(comments.outcome.ok).toBe(true);
    expect(comments.events).toEqual([]);
  });

  it('emits the rows of a write only once its transaction is committed', async () => {
    const s = session();
    const seen: bigint[] = [];
    const outcome = await s.run('CREATE (n:Marker) RETURN n', (event) => {
      // A fresh read transaction sees only committed data.
      if (event.kind === 'rows') seen.push(s.db.query('MATCH (m:Marker) RETURN count(m) AS c').rows[0]![0] as bigint);
    });
    expect(outcome.ok).toBe(true);
    expect(seen).toEqual([1n]);
  });

  it('streams a large result in batches and counts every row', async () => {
    const s = session({ rowsPerBatch: 100 });
    const r = await collect(s, 'UNWIND range(1, 1000) AS i RETURN i');
    const batches = r.events.filter((e) => e.kind === 'rows');
    expect(batches.length).toBeGreaterThanOrEqual(10);
    expect(r.cells).toHaveLength(1000);
    expect(r.end?.rowCount).toBe(1000);
    expect(r.end?.summary).toBe('1000 rows');
  });

  it('stops formatting rows past the display cap but still counts them', async () => {
    const s = session({ displayRowCap: 5, rowsPerBatch: 4 });
    const r = await collect(s, 'UNWIND range(1, 12) AS i RETURN i');
    expect(r.cells.filter((row) => row.length > 0)).toHaveLength(5);
    expect(r.cells).toHaveLength(12);
    expect(r.end?.rowCount).toBe(12);
  });

  it('reports a syntax error with code, line, column and a caret excerpt, and changes nothing', async () => {
    const s = session();
    const r = await collect(s, 'CREATE (:A);\nMATCH (n)\nRETURN n +;');
    expect(r.outcome.ok).toBe(false);
    const error = r.errors[0]!;
    expect(error.code).toBe('SYNTAX');
    expect(error.line).toBe(2);
    expect(error.excerpt).toMatch(/^RETURN n \+;\n {10}\^$/);
    // Units before the failure ran; the failure stops the input there.
    expect(s.db.query('MATCH (n:A) RETURN count(n)').rows[0]![0]).toBe(1n);
  });

  it('reports semantic and runtime errors with their codes and keeps going on the next run', async () => {
    const s = session();
    expect((await collect(s, 'MATCH (n) RETURN m;')).errors[0]?.code).toBe('SEMANTIC_UNDEFINED_VARIABLE');
    expect((await collect(s, 'RETURN 1 / 0;')).errors[0]?.code).toBe('RUNTIME_ARITHMETIC');
    expect((await collect(s, 'RETURN 1 AS ok;')).outcome.ok).toBe(true);
  });

  it('shows timing in summaries when on', async () => {
    const s = session({ timing: true });
    const r = await collect(s, 'RETURN 1;');
    expect(r.end?.summary).toMatch(/^1 row \(\d+\.\d ms\)$/);
  });

  it('serialises runs started together (SS1)', async () => {
    const s = session();
    const order: string[] = [];
    await Promise.all([
      s.run('UNWIND range(1, 3000) AS i RETURN i', (e) => void (e.kind === 'end' && order.push('first'))),
      s.run('RETURN 2', (e) => void (e.kind === 'end' && order.push('second'))),
    ]);
    expect(order).toEqual(['first', 'second']);
  });

  it('waits for a sink that returns a promise before pulling more rows (SS4)', async () => {
    const s = session({ rowsPerBatch: 10 });
    let inFlight = 0;
    let maxInFlight = 0;
    let rows = 0;
    await s.run('UNWIND range(1, 200) AS i RETURN i', (event) => {
      if (event.kind !== 'rows') return;
      rows += event.cells.length;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          inFlight--;
          resolve();
        }, 1),
      );
    });
    expect(rows).toBe(200);
    expect(maxInFlight).toBe(1);
  });
});

describe('cancel (SS5)', () => {
  it('cancels a streaming statement between batches', async () => {
    const s = session({ rowsPerBatch: 50 });
    let batches = 0;
    const outcome = await s.run('UNWIND range(1, 10000000) AS i RETURN i', (event) => {
      if (event.kind === 'rows' && ++batches === 3) s.cancel();
      if (event.kind === 'error') expect(event.code).toBe('CANCELLED');
    });
    expect(outcome.ok).toBe(false);
    expect(batches).toBeLessThan(10);
    // The session is usable afterwards, with a fresh token.
    expect((await collect(s, 'RETURN 1;')).outcome.ok).toBe(true);
  });

  it('cancel with nothing running is harmless', async () => {
    const s = session();
    s.cancel();
    expect((await collect(s, 'RETURN 1;')).outcome.ok).toBe(true);
  });
});

describe('explicit transactions', () => {
  it(':begin … :rollback leaves nothing behind', async () => {
    const s = session();
    expect((await collect(s, ':begin')).outcome.ok).toBe(true);
    expect(s.inTransaction).toBe(true);
    const create = await collect(s, "CREATE (:Temp {v: 1}) RETURN 'made' AS x;");
    expect(create.cells).toEqual([['made']]);
    expect(create.end?.summary).toContain('not committed yet');
    // Inside the transaction the write is visible; outside (a fresh snapshot) it is not.
    expect((await collect(s, 'MATCH (t:Temp) RETURN count(t);')).cells).toEqual([['1']]);
    expect(s.db.query('MATCH (t:Temp) RETURN count(t)').rows[0]![0]).toBe(0n);
    expect((await collect(s, ':rollback')).outcome.ok).toBe(true);
    expect(s.inTransaction).toBe(false);
    expect((await collect(s, 'MATCH (t:Temp) RETURN count(t);')).cells).toEqual([['0']]);
  });

  it(':begin … :commit makes the writes durable and visible', async () => {
    const s = session();
    await collect(s, ':begin');
    await collect(s, 'CREATE (:Kept);');
    await collect(s, 'CREATE (:Kept);');
    expect((await collect(s, ':commit')).texts).toContain('committed');
    expect(s.db.query('MATCH (k:Kept) RETURN count(k)').rows[0]![0]).toBe(2n);
  });

  it('after a failed write in a transaction only :rollback is allowed', async () => {
    const s = session();
    await collect(s, ':begin');
    await collect(s, 'CREATE (:T);');
    const failed = await collect(s, 'CREATE (n:T) SET n.x = 1 / 0;');
    expect(failed.errors[0]?.code).toBe('RUNTIME_ARITHMETIC');
    const commit = await collect(s, ':commit');
    expect(commit.errors[0]?.code).toBe('TRANSACTION_STATE');
    expect(s.inTransaction).toBe(true);
    await collect(s, ':rollback');
    expect(s.db.query('MATCH (n:T) RETURN count(n)').rows[0]![0]).toBe(0n);
  });

  it('refuses :commit and :rollback without a transaction, and a second :begin', async () => {
    const s = session();
    expect((await collect(s, ':commit')).errors[0]?.code).toBe('TRANSACTION_STATE');
    expect((await collect(s, ':rollback')).errors[0]?.code).toBe('TRANSACTION_STATE');
    await collect(s, ':begin');
    expect((await collect(s, ':begin')).errors[0]?.code).toBe('TRANSACTION_STATE');
    await collect(s, ':rollback');
  });

  it(':begin read is one snapshot that refuses writes', async () => {
    const s = session();
    await collect(s, ':begin read');
    expect((await collect(s, 'CREATE (:X);')).errors[0]?.code).toBe('TRANSACTION_STATE');
    await collect(s, ':rollback');
  });

  it('close() rolls back an open transaction', async () => {
    const s = session();
    await collect(s, ':begin');
    await collect(s, 'CREATE (:Gone);');
    await s.close();
    expect(s.db.query('MATCH (g:Gone) RETURN count(g)').rows[0]![0]).toBe(0n);
  });
});
