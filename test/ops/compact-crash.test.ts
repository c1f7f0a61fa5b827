// A crash at every failpoint a compaction passes (enumerated with recordFailpoints, then hit
// in turn: first, middle and last occurrence, on simulated file systems that drop, apply or
// tear each unsynced write) loses nothing: the database reopens with exactly its content,
// as the old file (LSN L) or the new one (L + 1), passes full verification, its WAL archive
// stays consistent, and a second compaction succeeds. A failing run prints its seed.
import { afterEach, describe, expect, it } from 'vitest';
import { scanArchive } from '../../src/ops/wal-archive-reader.js';
import { armFailpoint, disarmAllFailpoints, recordedFailpoints, recordFailpoints, SimulatedCrash } from '../../src/storage/failpoint.js';
import { describeCrash } from '../../src/storage/fs-sim.js';
import { SOAK, testSeed } from '../support/rng.js';
import { DB_PATH, emptyModel, fill, modelDifference, openSim, readModel, simFs, SLOTS, writeTx } from './support.js';

afterEach(() => disarmAllFailpoints());

const ARCHIVE = '/data/archive';

async function setup(seed: number, archive: boolean) {
  const fs = simFs(seed);
  const options = { walSizeBytesMax: 128 * 1024, ...(archive ? { walArchiveDir: ARCHIVE } : {}) };
  const db = openSim(fs, options);
  const model = emptyModel();
  fill(db, model, 1200, { length: (n) => (n % 97 === 0 ? 5000 : 40) });
  for (const slot of SLOTS) {
    const keys = [...model.trees.get(slot)!.keys()].map((k) => Number(BigInt(`0x${k}`)));
    writeTx(db, model, slot, [], keys.filter((_, i) => i % 2 === 0));
  }
  // Let the queued auto-checkpoints finish (no background work may run into the crash), then
  // leave committed frames in the WAL: the swap must backfill (and archive) them first.
  await db.checkpoint('restart');
  writeTx(db, model, SLOTS[0], [{ n: 5_000_000, length: 3000 }]);
  writeTx(db, model, SLOTS[1], [{ n: 5_000_001 }], [3, 5, 7]);
  expect(db.pager.stats().framesPendingCheckpoint).toBeGreaterThan(0);
  return { fs, db, model, options, lsn: db.pager.lastLsn };
}

describe('compaction crash safety', () => {
  it('loses nothing when the process dies at any failpoint of a compaction', async () => {
    const seed = testSeed();
    const variants = [false, true];
    const failures: string[] = [];
    let crashes = 0;
    for (const archive of variants) {
      // Enumerate the failpoints one compaction passes.
      const probe = await setup(seed, archive);
      recordFailpoints();
      await probe.db.compact();
      const hits = recordedFailpoints();
      await probe.db.close();
      expect([...hits.keys()]).toEqual(expect.arrayContaining(['compact.afterTempSync', 'checkpoint.beforeDbSync', 'wal.beforeTruncateSync', 'swap.afterWalTruncate', 'swap.beforeDirSync', 'swap.afterDirSync']));
      if (archive) expect([...hits.keys()]).toEqual(expect.arrayContaining(['archive.beforeSync', 'pager.afterArchive']));

      const runs = SOAK ? 8 : 2;
      for (const [name, count] of hits) {
        const occurrences = [...new Set([1, Math.ceil(count / 2), count])];
        for (const occurrence of occurrences) {
          for (let r = 0; r < runs; r++) {
            const runSeed = (seed + crashes * 7919) >>> 0;
            crashes++;
            const where = `${name}#${occurrence}/${count} (archive ${archive}, run seed ${runSeed})`;
            try {
              await crashAt(runSeed, archive, name, occurrence);
            } catch (error) {
              failures.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
            }
          }
        }
      }
    }
    expect(failures, `[SEED=${seed}] ${failures.join('\n')}`).toEqual([]);
    expect(crashes).toBeGreaterThan(20);
  });
});

async function crashAt(seed: number, archive: boolean, name: string, occurrence: number): Promise<void> {
  const { fs, db, model, options, lsn } = await setup(seed, archive);
  let countdown = occurrence - 1;
  let report: ReturnType<typeof fs.crash> | null = null;
  armFailpoint(name, (at) => {
    if (countdown-- > 0) return;
    disarmAllFailpoints();
    report = fs.crash();
    throw new SimulatedCrash(at);
  });
  const outcome = await db.compact().then(
    () => null,
    (error: unknown) => error,
  );
  disarmAllFailpoints();
  if (report === null) throw new Error(`the failpoint was not reached (compaction ${outcome === null ? 'succeeded' : `failed: ${String(outcome)}`})`);
  // The process is dead from the failpoint on: the compaction must not have reported success.
  if (outcome === null) throw new Error('the compaction reported success after the crash');
  db.pager.abandon();

  const again = openSim(fs, { ...options, create: false });
  try {
    const lsnAfter = again.pager.lastLsn;
    if (lsnAfter !== lsn && lsnAfter !== lsn + 1n) throw new Error(`reopened at LSN ${lsnAfter}, expected ${lsn} (old file) or ${lsn + 1n} (new file)`);
    const difference = modelDifference(readModel(again), model);
    if (difference !== null) throw new Error(`content changed: ${difference}\n${describeCrash(report)}`);
    const verify = await again.verify({ level: 'full' });
    if (!verify.ok) throw new Error(`full verify failed: ${JSON.stringify(verify.problems.slice(0, 3))}\n${describeCrash(report)}`);
    if (archive) {
      if (again.walArchive!.archivedLsn !== lsnAfter) throw new Error(`archive at LSN ${again.walArchive!.archivedLsn}, database at ${lsnAfter}`);
      const index = scanArchive(fs, ARCHIVE, { databaseId: again.pager.databaseId, pageSizeBytes: 4096 });
      const errors = index.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) throw new Error(`archive problems: ${JSON.stringify(errors)}`);
    }
    // A second compaction clears any leftover and succeeds.
    await again.compact();
    if (fs.exists(`${DB_PATH}.compact`)) throw new Error('the temporary file survived a successful compaction');
    const difference2 = modelDifference(readModel(again), model);
    if (difference2 !== null) throw new Error(`content changed by the second compaction: ${difference2}`);
  } finally {
    await again.close();
  }
}
