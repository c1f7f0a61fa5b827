import { afterEach, describe, expect, it } from 'vitest';
import { graphStoreCheck, registerGraphCheck } from '../../src/ops/verify-graph.js';
import { PAGE_TYPE } from '../../src/storage/page.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';
import { walFrames } from '../support/wal-frames.js';
import { DB_PATH, emptyModel, fill, openSim, simFs, SLOTS, tree, writeTx } from './support.js';

afterEach(() => registerGraphCheck(graphStoreCheck));

const PS = 4096;

/** Live pages (not meta, not free) of the newest snapshot. */
function livePages(db: ReturnType<typeof openSim>): number[] {
  const txn = db.pager.beginRead();
  try {
    const free = db.pager.freePages(txn);
    const skip = new Set([...free.trunks, ...free.leaves]);
    const out: number[] = [];
    for (let id = 1; id < txn.pageCount; id++) if (!skip.has(id)) out.push(id);
    return out;
  } finally {
    txn.end();
  }
}

describe('verify', () => {
  it('fast and full verification of a sound database report no problem', async () => {
    const fs = simFs(11);
    const db = openSim(fs);
    const model = emptyModel();
    fill(db, model, 3000, { length: (n) => (n % 50 === 0 ? 7000 : 30) });
    writeTx(db, model, SLOTS[1], [], Array.from({ length: 400 }, (_, i) => i * 3));
    for (const level of ['fast', 'full'] as const) {
      const report = await db.verify({ level });
      expect(report.ok, JSON.stringify(report.problems.slice(0, 3))).toBe(true);
      expect(report.problems).toEqual([]);
      expect(report.level).toBe(level);
      expect(report.counts.pagesChecked + report.counts.freePagesSkipped).toBe(report.counts.pageCount);
      expect(report.counts.framesChecked).toBeGreaterThan(0);
      if (level === 'full') {
        expect(report.counts.trees).toBe(3);
        expect(report.counts.leakedPages).toBe(0);
      }
    }
    await db.close();
  });

  it('finds every bit flipped in random pages of the database file, naming the page', async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      const rand = mulberry32(seed);
      const fs = simFs(seed);
      const db = openSim(fs);
      fill(db, emptyModel(), 4000, { length: (n) => (n % 40 === 0 ? 5000 : 40) });
      await db.checkpoint('truncate'); // every page now lives in the database file
      const live = livePages(db);
      const flipped = new Set<number>();
      while (flipped.size < 12) flipped.add(live[Math.floor(rand() * live.length)]!);
      for (const page of flipped) fs.flipBit(DB_PATH, page * PS + Math.floor(rand() * PS), Math.floor(rand() * 8));
      const report = await db.verify({ level: 'fast' });
      expect(report.ok).toBe(false);
      const named = new Set(report.problems.map((p) => p.location.page));
      for (const page of flipped) expect(named.has(page), `page ${page} not reported`).toBe(true);
      expect(report.problems.every((p) => p.severity === 'error' && flipped.has(p.location.page!))).toBe(true);
      expect(report.problems[0]!.location.file).toBe(DB_PATH);
      await db.close().catch(() => undefined);
    });
  });

  it('finds a bit flipped in a WAL frame, naming the frame and the page', async () => {
    const fs = simFs(12);
    const db = openSim(fs);
    fill(db, emptyModel(), 200);
    const commits = db.pager.walCommits();
    const commit = commits[1]!;
    const slot = commit.firstSequence - db.pager.walGenerationBase - 1;
    // A byte of the page header: always stored, whatever the page's hole.
    fs.flipBit(`${DB_PATH}-wal`, walFrames(fs.readFile(`${DB_PATH}-wal`))[slot]!.imageAt + 10, 2);
    const report = await db.verify({ level: 'fast' });
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.location.file === `${DB_PATH}-wal` && p.location.frame === slot && typeof p.location.page === 'number')).toBe(true);
    db.pager.abandon();
  });

  it('full verification finds a leaked page, a page used twice and a broken tree', async () => {
    const fs = simFs(13);
    const db = openSim(fs);
    const model = emptyModel();
    fill(db, model, 1500);
    // A leaked page: allocated and written, referenced by nothing.
    let txn = db.pager.beginWrite();
    const leaked = txn.allocate(PAGE_TYPE.OVERFLOW);
    txn.commit();
    let report = await db.verify({ level: 'full' });
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.location.page)).toEqual([leaked]);
    expect(report.problems[0]!.message).toContain('leaked');
    // Fast verify does not look at ownership.
    expect((await db.verify({ level: 'fast' })).ok).toBe(true);
    // A page used twice: a second root slot points into the first tree.
    txn = db.pager.beginWrite();
    txn.free(leaked);
    txn.setRoot(SLOTS[2] + 1, txn.getRoot(SLOTS[0]));
    txn.commit();
    report = await db.verify({ level: 'full' });
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.message.includes('used twice'))).toBe(true);
    // A broken tree: its root is a page of another type.
    txn = db.pager.beginWrite();
    txn.setRoot(SLOTS[2] + 1, 0);
    const bogus = txn.allocate(PAGE_TYPE.OVERFLOW);
    txn.setRoot(SLOTS[2] + 2, bogus);
    txn.commit();
    report = await db.verify({ level: 'full' });
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.location.tree === `slot-${SLOTS[2] + 2}` && p.location.page === bogus)).toBe(true);
    await db.close();
  });

  it('full verification runs the registered graph check and reports its problems', async () => {
    const fs = simFs(14);
    const db = openSim(fs);
    fill(db, emptyModel(), 100);
    let calls = 0;
    registerGraphCheck((txn) => {
      calls++;
      const entries = tree(txn, SLOTS[0]).count();
      return { problems: [{ message: 'adjacency entry without its relationship', tree: 'adjacency-out', key: '7' }], counts: { graphEntries: entries } };
    });
    const fast = await db.verify({ level: 'fast' });
    expect(calls).toBe(0);
    expect(fast.ok).toBe(true);
    const full = await db.verify({ level: 'full' });
    expect(calls).toBe(1);
    expect(full.ok).toBe(false);
    expect(full.problems).toEqual([{ severity: 'error', location: { tree: 'adjacency-out', key: '7' }, message: 'adjacency entry without its relationship' }]);
    expect(full.counts.graphEntries).toBeGreaterThan(0);
    expect(full.counts.graphChecked).toBe(1);
    await db.close();
  });
});
