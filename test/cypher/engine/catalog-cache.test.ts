// Catalog names created by a write join the database's catalog cache once its transaction has
// committed (graph/catalog.ts CACHE, publishCommitted), and never before: autocommit writes
// take no read snapshot (session.ts Q6), so without that every write transaction reloaded the
// names created since the last read. A rolled-back transaction's ids are handed out again by
// the next writer, so a name published too early would give its id the wrong name for good.
// Checked against a catalog loaded afresh from the committed state, after every step of
// random runs of autocommit writes (query, queryAsync), failing statements, explicit
// transactions that commit or roll back, and reads. A failure prints the fast-check seed.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { CatalogCache, CatalogView } from '../../../src/graph/catalog.js';
import { SOAK, testSeed } from '../../support/rng.js';
import { caught, column, openMemory } from './support.js';

let db: Database;
afterEach(async () => {
  await db?.close();
});

/** The committed catalog, loaded by a fresh view into a fresh cache. */
function committedCatalog(): CatalogCache {
  const txn = db.pager.beginRead();
  try {
    const fresh = new CatalogCache();
    new CatalogView(txn, fresh);
    return fresh;
  } finally {
    txn.end();
  }
}

/** Every id the shared cache holds has the committed name and kind, and is found by it. */
function expectCacheMatchesCommitted(): void {
  const cache = db.graphShared.catalog;
  const committed = committedCatalog();
  expect(cache.count).toBeLessThanOrEqual(committed.count);
  for (let id = 0; id < cache.count; id++) {
    expect({ id, name: cache.names[id], kind: cache.kinds[id] }).toEqual({ id, name: committed.names[id], kind: committed.kinds[id] });
    expect(cache.byName[cache.kinds[id]!]!.get(cache.names[id]!)).toBe(id);
  }
}

function count(label: string): number {
  return Number(column(db.query(`MATCH (n:${label}) RETURN count(n)`))[0]);
}

describe('catalog cache and write transactions', () => {
  it('takes the names of a committed autocommit write, without a read in between', async () => {
    db = openMemory();
    db.query('CREATE (:Seed)');
    db.query('MATCH (n) RETURN count(n)'); // a read: the cache holds every committed name
    const before = db.graphShared.catalog.count;
    db.query('CREATE (:Fresh {newKey: 1})');
    expect(db.graphShared.catalog.count).toBe(before + 2);
    await db.queryAsync('CREATE (:FreshAsync {otherKey: 1})');
    expect(db.graphShared.catalog.count).toBe(before + 4);
    const tx = db.begin();
    tx.query('CREATE (:InTransaction)');
    expect(db.graphShared.catalog.count).toBe(before + 4); // not before the commit
    tx.commit();
    expect(db.graphShared.catalog.count).toBe(before + 5);
    expectCacheMatchesCommitted();
  });

  it('never takes the names of a transaction that rolled back, whose ids the next writer reuses', () => {
    db = openMemory();
    db.query('CREATE (:Seed)');
    const tx = db.begin();
    tx.query('CREATE (:Gone {goneKey: 1})');
    tx.rollback();
    const failing = 'CREATE (:Failed) WITH 1 AS one UNWIND [0] AS d RETURN one / d';
    expect(caught(() => db.query(failing)).code).toBe('RUNTIME_ARITHMETIC');
    expect(caught(() => db.query(failing)).code).toBe('RUNTIME_ARITHMETIC'); // now on the fast path
    const cache = db.graphShared.catalog;
    expect(cache.byName[1]!.has('Gone')).toBe(false);
    expect(cache.byName[1]!.has('Failed')).toBe(false);
    db.query('CREATE (:Kept {keptKey: 1})');
    expectCacheMatchesCommitted();
    expect(count('Kept')).toBe(1);
    expect(count('Gone')).toBe(0);
    expect(count('Failed')).toBe(0);
  });

  type Step =
    | { t: 'create'; label: number; key: number; async: boolean }
    | { t: 'fail'; label: number }
    | { t: 'transaction'; labels: number[]; commit: boolean; async: boolean }
    | { t: 'read' };
  const LABELS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
  const KEYS = ['k1', 'k2', 'k3', 'k4'];
  const label = fc.nat({ max: LABELS.length - 1 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ t: fc.constant('create' as const), label, key: fc.nat({ max: KEYS.length - 1 }), async: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('fail' as const), label }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('transaction' as const), labels: fc.array(label, { minLength: 1, maxLength: 3 }), commit: fc.boolean(), async: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ t: 'read' as const }) },
  );

  it('holds exactly the committed names after any mix of writes, failures, rollbacks and reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: SOAK ? 60 : 25 }), async (steps) => {
        db = openMemory();
        const model = new Map<string, number>();
        try {
          for (const s of steps) {
            if (s.t === 'create') {
              const text = `CREATE (:${LABELS[s.label]} {${KEYS[s.key]}: 1})`;
              if (s.async) await db.queryAsync(text);
              else db.query(text);
              model.set(LABELS[s.label]!, (model.get(LABELS[s.label]!) ?? 0) + 1);
            } else if (s.t === 'fail') {
              const text = `CREATE (:${LABELS[s.label]}) WITH 1 AS one UNWIND [0] AS d RETURN one / d`;
              expect(caught(() => db.query(text)).code).toBe('RUNTIME_ARITHMETIC');
            } else if (s.t === 'transaction') {
              const tx = db.begin();
              for (const l of s.labels) tx.query(`CREATE (:${LABELS[l]})`);
              if (!s.commit) tx.rollback();
              else {
                if (s.async) await tx.commitAsync();
                else tx.commit();
                for (const l of s.labels) model.set(LABELS[l]!, (model.get(LABELS[l]!) ?? 0) + 1);
              }
            } else {
              db.query('MATCH (n) RETURN count(n)');
            }
            expectCacheMatchesCommitted();
          }
          for (const l of LABELS) expect({ label: l, count: count(l) }).toEqual({ label: l, count: model.get(l) ?? 0 });
        } finally {
          await db.close();
        }
      }),
      { seed: testSeed(), numRuns: SOAK ? 300 : 40 },
    );
  });
});
