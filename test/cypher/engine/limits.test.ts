// Limits of a running statement: queryTimeoutMs (TIMEOUT), cancellation from a callback of
// the same thread and from another thread through a SharedArrayBuffer flag (CANCELLED),
// maxIntermediateRows (RESULT_TOO_LARGE), and streaming without holding rows. After each
// stop the database is unchanged and usable.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { CancellationToken } from '../../../src/cypher/index.js';
import { caught, column, openMemory, q } from './support.js';

// 300^3 = 27 million rows: minutes of work if nothing stops it.
const CROSS_PRODUCT = 'MATCH (a:N), (b:N), (c:N) RETURN count(*)';
const WRITING_CROSS_PRODUCT = 'MATCH (a:N), (b:N), (c:N) CREATE (:Junk) RETURN count(*)';

let db: Database;
beforeEach(() => {
  db = openMemory();
  db.query('UNWIND range(1, 300) AS i CREATE (:N {i: i})');
});
afterEach(async () => {
  await db.close();
});

function nodeCount(): string {
  return q(db, 'MATCH (n) RETURN count(n)')[0]![0]!;
}

describe('timeout', () => {
  it('stops a long read with TIMEOUT promptly', () => {
    db.configure({ queryTimeoutMs: 100 });
    const started = performance.now();
    const error = caught(() => db.query(CROSS_PRODUCT));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('TIMEOUT');
    expect(elapsed).toBeLessThan(2_000);
    db.configure({ queryTimeoutMs: 0 });
    expect(q(db, 'RETURN 1')).toEqual([['1']]);
  });

  it('rolls a timed-out write back: nothing changed, the database still writes', () => {
    const error = caught(() => db.query(WRITING_CROSS_PRODUCT, {}, { timeoutMs: 100 }));
    expect(error.code).toBe('TIMEOUT');
    expect(nodeCount()).toBe('300');
    expect(db.query('CREATE (:After)').stats.nodesCreated).toBe(1);
  });
});

describe('cancellation', () => {
  it('stops when a callback of the same thread cancels the token while the statement runs', () => {
    const token = new CancellationToken();
    let calls = 0;
    db.procedures.register({
      name: 'test.tick',
      inputs: [{ name: 'x', type: 'ANY', nullable: true }],
      outputs: [{ name: 'y', type: 'ANY', nullable: true }],
      writes: false,
      *invoke(args) {
        if (++calls === 1000) token.cancel();
        yield [args[0] ?? null];
      },
    });
    const started = performance.now();
    const error = caught(() => db.query('MATCH (a:N), (b:N), (c:N) CALL test.tick(a.i) YIELD y RETURN count(y)', {}, { token }));
    expect(error.code).toBe('CANCELLED');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(nodeCount()).toBe('300');
  });

  it('is checked before the first row, so a cancelled token stops at once', () => {
    const token = new CancellationToken();
    token.cancel();
    expect(caught(() => db.query('RETURN 1', {}, { token })).code).toBe('CANCELLED');
    token.reset();
    expect(column(db.query('RETURN 1', {}, { token }))).toEqual(['1']);
  });

  const workerScript = fileURLToPath(new URL('../../fixtures/query-worker.mjs', import.meta.url));
  const built = existsSync(fileURLToPath(new URL('../../../dist/src/cypher/index.js', import.meta.url)));

  it.skipIf(!built)('stops a busy worker thread when another thread sets the shared flag', async () => {
    const flag = new SharedArrayBuffer(4);
    const worker = new Worker(workerScript, { workerData: { flag, query: WRITING_CROSS_PRODUCT } });
    const done = new Promise<{ code: string; elapsedMs: number; countAfter: number }>((resolve, reject) => {
      worker.on('message', (message: { type: string; code: string; elapsedMs: number; countAfter: number }) => {
        if (message.type === 'ready') setTimeout(() => CancellationToken.cancelShared(flag), 150);
        else resolve(message);
      });
      worker.on('error', reject);
    });
    const result = await done;
    await worker.terminate();
    expect(result.code).toBe('CANCELLED');
    expect(result.elapsedMs).toBeLessThan(3_000);
    expect(result.countAfter).toBe(400); // the write was rolled back
  });
});

describe('maxIntermediateRows', () => {
  it('fails sorts, aggregations, DISTINCT, collect and eager buffers past the limit with RESULT_TOO_LARGE', () => {
    db.configure({ maxIntermediateRows: 1_000 });
    for (const query of [
      'MATCH (a:N), (b:N) RETURN a.i ORDER BY b.i',
      'MATCH (a:N), (b:N) RETURN a.i * 1000 + b.i AS k, count(*)',
      'MATCH (a:N), (b:N) RETURN DISTINCT a.i * 1000 + b.i',
      'MATCH (a:N), (b:N) RETURN collect(a.i)',
      'MATCH (a:N), (b:N) CREATE (:Junk)',
    ]) {
      const error = caught(() => db.query(query));
      expect(error.code, query).toBe('RESULT_TOO_LARGE');
      expect(error.message).toMatch(/maxIntermediateRows \(1000\)/);
    }
    expect(nodeCount()).toBe('300');
    // Streaming work that holds nothing is not limited.
    expect(column(db.query('MATCH (a:N), (b:N) RETURN count(*)'))).toEqual(['90000']);
  });
});

describe('streaming', () => {
  it('pulls 2,000,000 UNWIND rows with flat memory', () => {
    const stream = db.prepare('UNWIND range(1, 2000000) AS i RETURN i').stream();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let last: unknown = null;
    for (const row of stream) {
      count++;
      last = row[0];
      if ((count & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    expect(count).toBe(2_000_000);
    expect(last).toBe(2_000_000n);
    // Holding the rows would take well over 100 MB; a stream stays far below.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
    expect(stream.isClosed).toBe(true);
  }, 30_000);

  it('holds its snapshot until exhausted or closed, and sees no later writes', () => {
    db.query('UNWIND range(1, 3) AS i CREATE (:S {i: i})');
    const stream = db.prepare('MATCH (s:S) RETURN s.i ORDER BY s.i').stream();
    expect(stream.next().value).toEqual([1n]);
    db.query('CREATE (:S {i: 4})');
    const rest = [...stream].map((row) => row[0]);
    expect(rest).toEqual([2n, 3n]);
    const early = db.prepare('MATCH (s:S) RETURN s').stream();
    early.next();
    early.close();
    expect(early.isClosed).toBe(true);
    expect(db.pager.stats().activeReaders).toBeLessThanOrEqual(1); // at most the session's reused snapshot
  });
});
