// The page pool (src/storage/page-pool.ts): buffers come back only when no open transaction
// can hold them (PP1), derived per-image data is forgotten (PP2), the pool is bounded (PP3).
// The pager test at the end checks the same against a model with real readers that keep
// page views while writers commit, roll back and the cache evicts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInternalCell, initNode, insertCell, INTERNAL, internalSearchStable } from '../../src/storage/btree-page.js';
import { encodeU64 } from '../../src/storage/keys.js';
import { PAGE_HEADER_BYTES } from '../../src/storage/page.js';
import { PagePool } from '../../src/storage/page-pool.js';
import type { ReadTransaction } from '../../src/storage/transaction.js';
import { DATA_PAGE, newSimFs, openPager, stamp } from '../support/pager-harness.js';
import { testSeed } from '../support/rng.js';

const PAGE = 4096;

function poolWithOldest(limit = 8): { pool: PagePool; setOldest(stamp: number): void } {
  let oldest = Infinity;
  const pool = new PagePool(PAGE, limit, () => oldest);
  return { pool, setOldest: (stamp) => (oldest = stamp) };
}

describe('page pool', () => {
  it('hands a retired buffer out only once every transaction that could hold it has ended (PP1)', () => {
    const { pool, setOldest } = poolWithOldest();
    const image = new Uint8Array(PAGE).fill(7);
    pool.retire(image, 5);
    setOldest(5); // a transaction begun at stamp 5 may still read it
    expect(pool.take()).not.toBe(image);
    setOldest(6);
    expect(pool.take()).toBe(image);
    expect(pool.reused).toBe(1);
  });

  it('poisons a reclaimed buffer in tests, so a view kept too long reads garbage (PP4)', () => {
    expect(process.env['OMBRA_POISON_FREED_PAGES']).toBe('1');
    const { pool } = poolWithOldest();
    const image = new Uint8Array(PAGE).fill(7);
    pool.retire(image, 1);
    const again = pool.take();
    expect(again).toBe(image);
    expect(again.every((b) => b === 0xdb)).toBe(true);
  });

  it('copies and zeroes into reused buffers', () => {
    const { pool } = poolWithOldest();
    pool.retire(new Uint8Array(PAGE).fill(9), 1);
    expect(pool.takeZeroed().every((b) => b === 0)).toBe(true);
    pool.retire(new Uint8Array(PAGE).fill(9), 1);
    const source = new Uint8Array(PAGE).map((_, i) => i & 0xff);
    expect(pool.copyOf(source)).toEqual(source);
  });

  it('keeps at most its limit, ignores buffers of another size and drops retired images on a rewind (PP3)', () => {
    const { pool, setOldest } = poolWithOldest(3);
    setOldest(0);
    for (let i = 0; i < 5; i++) pool.retire(new Uint8Array(PAGE), 1);
    pool.retire(new Uint8Array(PAGE + 1), 1);
    expect(pool.size).toBe(3);
    pool.dropRetired();
    expect(pool.size).toBe(0);
    setOldest(Infinity);
    pool.take();
    expect(pool.reused).toBe(0);
  });

  it('forgets the separator prefixes cached for a buffer it hands out again (PP2)', () => {
    // An internal page with separators 0, 1000, …, 19000; then the same buffer with separators
    // 0, 10, …, 190. A stale prefix cache would still route key 4500 to child 5, not 20.
    const C = 24;
    const E = PAGE - 32;
    const image = new Uint8Array(PAGE);
    const internalPage = (step: number): void => {
      image.fill(0);
      initNode(image, INTERNAL, C, E);
      const cell = new Uint8Array(64);
      for (let i = 0; i < 20; i++) insertCell(image, C, E, i, cell, 0, buildInternalCell(cell, i + 1, encodeU64(i * step), 0, 8), false);
    };
    internalPage(1000);
    expect(internalSearchStable(image, C, E, encodeU64(4500), 3, 't')).toBe(5);
    const { pool } = poolWithOldest();
    pool.retire(image, 1);
    expect(pool.take()).toBe(image);
    internalPage(10);
    expect(internalSearchStable(image, C, E, encodeU64(4500), 3, 't')).toBe(20);
  });
});

describe('pager with the page pool', () => {
  // Model: value[v][p] = the stamp page p holds as of commit v. Readers keep the views they
  // read; every view must keep its snapshot's value until the reader ends, while writers
  // commit and roll back and a 16-page cache evicts (each releases images to the pool).
  it('never reuses a buffer an open reader still holds (seeded model)', () => {
    const seed = testSeed();
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('begin' as const) }),
            fc.record({ op: fc.constant('end' as const), which: fc.nat(7) }),
            fc.record({ op: fc.constant('write' as const), pages: fc.array(fc.nat(39), { minLength: 1, maxLength: 6 }), rollback: fc.boolean() }),
            fc.record({ op: fc.constant('read' as const), which: fc.nat(7), page: fc.nat(39) }),
          ),
          { minLength: 20, maxLength: 120 },
        ),
        (ops) => {
          const fs = newSimFs();
          const pager = openPager(fs, { cacheSizePages: 16 });
          const setup = pager.beginWrite();
          const pages = Array.from({ length: 40 }, () => setup.allocate(DATA_PAGE));
          pages.forEach((p, i) => stamp(setup, p, 1000 + i));
          setup.commit();
          let current = pages.map((_, i) => 1000 + i);
          let next = 5000;
          const readers: { txn: ReadTransaction; values: number[]; views: { view: Uint8Array; value: number }[] }[] = [];
          const check = (): void => {
            for (const r of readers) for (const { view, value } of r.views) expect(new DataView(view.buffer, view.byteOffset).getUint32(PAGE_HEADER_BYTES)).toBe(value);
          };
          for (const op of ops) {
            if (op.op === 'begin') readers.push({ txn: pager.beginRead(), values: current, views: [] });
            else if (op.op === 'end' && readers.length > 0) readers.splice(op.which % readers.length, 1)[0]!.txn.end();
            else if (op.op === 'read' && readers.length > 0) {
              const r = readers[op.which % readers.length]!;
              const view = r.txn.read(pages[op.page]!);
              r.views.push({ view, value: r.values[op.page]! });
            } else if (op.op === 'write') {
              const w = pager.beginWrite();
              const after = [...current];
              for (const p of op.pages) {
                stamp(w, pages[p]!, next);
                after[p] = next++;
              }
              // Read every page through the writer too, so the cache turns over.
              for (const p of pages) w.read(p);
              if (op.rollback) w.rollback();
              else {
                w.commit();
                current = after;
              }
            }
            check();
          }
          for (const r of readers) r.txn.end();
          void pager.close({ checkpoint: false });
        },
      ),
      { seed, numRuns: 60 },
    );
  });

  it('reuses page buffers across commits once no reader holds them', () => {
    const pager = openPager(newSimFs());
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    w.commit();
    for (let i = 0; i < 20; i++) {
      const t = pager.beginWrite();
      stamp(t, page, i);
      t.commit();
    }
    expect(pager.pagePoolStats.reused).toBeGreaterThan(30);
    void pager.close({ checkpoint: false });
  });
});
