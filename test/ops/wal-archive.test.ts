import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { WalArchiver } from '../../src/ops/wal-archive.js';
import { scanArchive } from '../../src/ops/wal-archive-reader.js';
import { encodeSegmentHeader, isSegmentFileName, RECORD_HEADER_BYTES } from '../../src/ops/wal-archive-format.js';
import { armFailpoint, disarmAllFailpoints, SimulatedCrash } from '../../src/storage/failpoint.js';
import { SOAK, testSeed } from '../support/rng.js';
import { emptyModel, fill, modelDifference, openSim, readModel, simFs, SLOTS, writeTx } from './support.js';

afterEach(() => disarmAllFailpoints());

const ARCHIVE = '/data/archive';

function segments(fs: ReturnType<typeof simFs>, dir = ARCHIVE): string[] {
  return fs.readdir(dir).filter(isSegmentFileName);
}

describe('WAL archive', () => {
  it('pins the segment header layout (golden bytes)', () => {
    const { bytes } = encodeSegmentHeader({ pageSizeBytes: 4096, databaseId: '00112233445566778899aabbccddeeff', firstLsn: 5n, createdAtMs: 0 });
    expect(Buffer.from(bytes.subarray(0, 48)).toString('hex')).toBe(
      '4f4d4252415741 00 00000001 00001000 00112233445566778899aabbccddeeff 0000000000000005 0000000000000000'.replace(/ /g, ''),
    );
    expect(RECORD_HEADER_BYTES).toBe(40);
  });

  it('archives durable commits after checkpoints and before restarts; lag counts what waits', async () => {
    const fs = simFs(41);
    const db = openSim(fs, { walArchiveDir: ARCHIVE });
    const model = emptyModel();
    fill(db, model, 500, { batch: 50 });
    const archive = db.walArchive!;
    expect(archive.lagFrames()).toBeGreaterThan(0);
    expect(archive.status().lagTransactions).toBe(10);
    await db.checkpoint('passive');
    expect(archive.lagFrames()).toBe(0);
    expect(archive.archivedLsn).toBe(db.pager.lastLsn);
    writeTx(db, model, SLOTS[0], [{ n: 9999 }]);
    expect(archive.status().lagTransactions).toBe(1);
    await db.checkpoint('truncate');
    expect(archive.status()).toMatchObject({ lagFrames: 0, lastError: null, transactionsArchived: 11 });
    const index = scanArchive(fs, ARCHIVE, { databaseId: db.pager.databaseId, pageSizeBytes: 4096 });
    expect(index.problems).toEqual([]);
    expect(index.groups.map((g) => g.lsn)).toEqual(Array.from({ length: 11 }, (_, i) => BigInt(i + 1)));
    await db.close();
  });

  it('keeps the log when archiving fails (the log never restarts past unarchived frames), then catches up', async () => {
    const fs = simFs(42);
    const db = openSim(fs, { walArchiveDir: ARCHIVE });
    const model = emptyModel();
    fill(db, model, 200, { batch: 50 });
    const fault = fs.injectFault({ operation: 'write', path: /archive/, errno: 'ENOSPC', times: Infinity });
    const report = await db.checkpoint('truncate');
    expect(report.complete).toBe(true);
    expect(report.restarted).toBe(false);
    expect(db.pager.stats().walFrames).toBeGreaterThan(0);
    expect(db.walArchive!.status().lastError).toMatchObject({ code: 'IO_NO_SPACE' });
    writeTx(db, model, SLOTS[1], [{ n: 5000 }]); // writes go on meanwhile
    fault.remove();
    const second = await db.checkpoint('truncate');
    expect(second.restarted).toBe(true);
    expect(db.walArchive!.status()).toMatchObject({ lagFrames: 0, lastError: null });
    expect(db.walArchive!.archivedLsn).toBe(db.pager.lastLsn);
    const index = scanArchive(fs, ARCHIVE, { databaseId: db.pager.databaseId, pageSizeBytes: 4096 });
    expect(index.problems).toEqual([]);
    expect(index.groups).toHaveLength(5);
    await db.close();
  });

  it('cuts a torn tail on open and refuses the archive of another database', async () => {
    const fs = simFs(43);
    const db = openSim(fs, { walArchiveDir: ARCHIVE });
    fill(db, emptyModel(), 200, { batch: 50 });
    await db.close();
    const [name] = segments(fs);
    const path = `${ARCHIVE}/${name}`;
    const before = fs.readFile(path).length;
    const handle = fs.open(path);
    handle.write(new Uint8Array(3000).fill(7), 0, 3000, before);
    handle.sync();
    handle.close();
    expect(scanArchive(fs, ARCHIVE, { databaseId: db.pager.databaseId, pageSizeBytes: 4096 }).problems[0]).toMatchObject({ severity: 'warning' });
    const again = openSim(fs, { walArchiveDir: ARCHIVE, create: false });
    expect(fs.readFile(path).length).toBe(before);
    expect(again.walArchive!.archivedLsn).toBe(4n);
    await again.close();
    // Another database may not write into this archive.
    expect(() => Database.open('/data/other.db', { fs, lock: false, pageSizeBytes: 4096, walArchiveDir: ARCHIVE, logLevel: 'silent' })).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('rotates segments and survives a crash in the middle of a catch-up', async () => {
    const seed = testSeed();
    for (let run = 0; run < (SOAK ? 40 : 6); run++) {
      const runSeed = (seed + run * 7919) >>> 0;
      try {
        await rotateAndCrash(runSeed, run % 2 === 0 ? 'archive.beforeSync' : 'archive.afterSync');
      } catch (error) {
        if (error instanceof Error) error.message = `[SEED=${seed}] run ${run}: ${error.message}`;
        throw error;
      }
    }
  });
});

async function rotateAndCrash(seed: number, failpointName: string): Promise<void> {
  const fs = simFs(seed);
  const db = openSim(fs);
  const archive = WalArchiver.attach(fs, ARCHIVE, db.pager, { segmentBytesMax: 48 * 1024 });
  const model = emptyModel();
  for (let i = 0; i < 12; i++) {
    fill(db, model, 40, { start: i * 40, batch: 20 });
    await db.checkpoint('passive');
  }
  expect(segments(fs).length).toBeGreaterThan(3);
  let index = scanArchive(fs, ARCHIVE, { databaseId: db.pager.databaseId, pageSizeBytes: 4096 });
  expect(index.problems).toEqual([]);
  expect(index.groups.length).toBe(24);
  // Crash while appending (across a rotation): the torn append is cut at the next attach and
  // archived again from the log, which still holds it (pager R6).
  fill(db, model, 60 + (seed % 5) * 20, { start: 10_000, batch: 20 });
  armFailpoint(failpointName, (at) => {
    disarmAllFailpoints();
    fs.crash();
    throw new SimulatedCrash(at);
  });
  expect(() => archive.catchUp()).toThrow();
  db.pager.abandon();
  const again = openSim(fs, { walArchiveDir: ARCHIVE, create: false });
  try {
    expect(modelDifference(readModel(again), model)).toBeNull();
    expect(again.walArchive!.archivedLsn).toBe(again.pager.lastLsn);
    index = scanArchive(fs, ARCHIVE, { databaseId: again.pager.databaseId, pageSizeBytes: 4096 });
    expect(index.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(index.groups.map((g) => g.lsn)).toEqual(Array.from({ length: Number(again.pager.lastLsn) }, (_, i) => BigInt(i + 1)));
  } finally {
    await again.close();
  }
}
