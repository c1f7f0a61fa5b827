import { afterEach, describe, expect, it } from 'vitest';
import { JobRegistry } from '../../src/ops/job.js';
import { disarmAllFailpoints } from '../../src/storage/failpoint.js';
import { mulberry32 } from '../support/rng.js';
import { cloneModel, DB_PATH, emptyModel, fill, modelDifference, openSim, readModel, simFs, SLOTS, writeTx, type Model } from './support.js';

afterEach(() => disarmAllFailpoints());

/** A database where half of every tree was deleted: about 50% fragmented. */
function fragmented(seed: number) {
  const fs = simFs(seed);
  const db = openSim(fs, { walSizeBytesMax: 512 * 1024 });
  const model = emptyModel();
  fill(db, model, 6000, { length: (n) => (n % 61 === 0 ? 6000 : 48) });
  const rand = mulberry32(seed);
  for (const slot of SLOTS) {
    const keys = [...model.trees.get(slot)!.keys()].map((k) => Number(BigInt(`0x${k}`)));
    const doomed = keys.filter(() => rand() < 0.5);
    for (let i = 0; i < doomed.length; i += 200) writeTx(db, model, slot, [], doomed.slice(i, i + 200));
  }
  return { fs, db, model };
}

describe('compaction', () => {
  it('analyses fragmentation and compacts a half-deleted database without changing its content', async () => {
    const { fs, db, model } = fragmented(21);
    const analysis = await db.analyzeFragmentation();
    expect(analysis.fragmentationPercent).toBeGreaterThan(35);
    expect(analysis.trees.map((t) => t.name)).toEqual(SLOTS.map((s) => `slot-${s}`));
    expect(analysis.reclaimableBytes).toBe(analysis.freePageBytes + analysis.unusedBytesInPages);
    const lsnBefore = db.pager.lastLsn;
    const report = await db.compact();
    expect(report.pagesAfter).toBeLessThan(report.pagesBefore * 0.7);
    expect(report.bytesReclaimed).toBe((report.pagesBefore - report.pagesAfter) * 4096);
    expect(report.fragmentationPercentAfter).toBeLessThan(20);
    expect(report.fragmentationPercentBefore).toBe(analysis.fragmentationPercent);
    expect(report.attempts).toBe(1);
    expect(report.lsn).toBe(lsnBefore + 1n);
    expect(db.pager.lastLsn).toBe(lsnBefore + 1n);
    expect(report.entriesCopied).toBe([...model.trees.values()].reduce((s, m) => s + m.size, 0));
    expect(modelDifference(readModel(db), model)).toBeNull();
    expect((await db.verify({ level: 'full' })).ok).toBe(true);
    expect(fs.exists(`${DB_PATH}.compact`)).toBe(false);
    // The database goes on working, and survives a reopen.
    writeTx(db, model, SLOTS[0], [{ n: 123_456, length: 9000 }]);
    await db.close();
    const again = openSim(fs, { create: false });
    expect(modelDifference(readModel(again), model)).toBeNull();
    expect((await again.verify({ level: 'full' })).ok).toBe(true);
    expect(again.pager.stats().fileSizeBytes).toBe(again.pager.stats().pageCount * 4096);
    await again.close();
  });

  it('rebuilds when writers commit during an optimistic build, then holds them for the last build', async () => {
    const { db, model } = fragmented(22);
    Object.defineProperty(db, 'jobs', { value: new JobRegistry(0) });
    const compaction = db.compact({ optimisticAttempts: 1 });
    let refused = 0;
    let committed = 0;
    let done = false;
    void compaction.finally(() => (done = true));
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      try {
        writeTx(db, model, SLOTS[1], [{ n: 900_000 + committed }]);
        committed++;
      } catch (error) {
        expect(error).toMatchObject({ code: 'TRANSACTION_STATE', details: { heldBy: expect.stringContaining('compaction') } });
        refused++;
      }
    }
    const report = await compaction;
    expect(report.attempts).toBe(2);
    expect(committed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(report.writersHeldMs).toBeGreaterThan(0);
    expect(modelDifference(readModel(db), model)).toBeNull();
    expect((await db.verify({ level: 'full' })).ok).toBe(true);
    await db.close();
  });

  it('waits for readers at the swap, and gives up cleanly (old file kept) when one stays', async () => {
    const { fs, db, model } = fragmented(23);
    const reader = db.pager.beginRead();
    await expect(db.compact({ busyTimeoutMs: 50 })).rejects.toMatchObject({ code: 'CHECKPOINT_BUSY' });
    expect(fs.exists(`${DB_PATH}.compact`)).toBe(false);
    expect(modelDifference(readModel(db), model)).toBeNull();
    writeTx(db, model, SLOTS[2], [{ n: 1 }]); // writers are released
    // A reader that finishes while the compaction waits lets it through.
    const snapshot: Model = cloneModel(model);
    const compaction = db.compact({ busyTimeoutMs: 5000 });
    setTimeout(() => reader.end(), 30);
    const report = await compaction;
    expect(report.pagesAfter).toBeLessThan(report.pagesBefore);
    expect(modelDifference(readModel(db), snapshot)).toBeNull();
    await db.close();
  });

  it('a cancelled compaction changes nothing and releases the writer', async () => {
    const { fs, db, model } = fragmented(25);
    Object.defineProperty(db, 'jobs', { value: new JobRegistry(0) });
    const lsn = db.pager.lastLsn;
    // Cancel once the copy has begun: phases are always told to listeners (job.ts).
    const copying = new Promise<void>((resolve) => {
      const off = db.jobs.subscribe((info) => {
        if (info.state === 'running' && info.progress.phase === 'copying trees') {
          off();
          resolve();
        }
      });
    });
    const compaction = db.compact({ optimisticAttempts: 0 }); // holds the writer from the start
    await copying;
    expect(db.jobs.cancel()).toBe(1);
    await expect(compaction).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(db.pager.lastLsn).toBe(lsn);
    expect(fs.exists(`${DB_PATH}.compact`)).toBe(false);
    writeTx(db, model, SLOTS[0], [{ n: 31_337 }]);
    expect(modelDifference(readModel(db), model)).toBeNull();
    await db.close();
  });

  it('compacts an empty database to its meta page', async () => {
    const fs = simFs(26);
    const db = openSim(fs);
    const txn = db.pager.beginWrite();
    txn.allocate(5);
    txn.commit();
    const report = await db.compact();
    expect(report).toMatchObject({ pagesBefore: 2, pagesAfter: 1, entriesCopied: 0, trees: [] });
    expect((await db.verify({ level: 'full' })).ok).toBe(true);
    await db.close();
  });

  it('a compaction and a backup never run at once (both are exclusive jobs)', async () => {
    const { db } = fragmented(24);
    const compaction = db.compact();
    await expect(db.backup({ dir: '/backups/during' })).rejects.toMatchObject({ code: 'JOB_CONFLICT' });
    await compaction;
    await db.close();
  });
});
