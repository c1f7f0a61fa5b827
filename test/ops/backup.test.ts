import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { JobRegistry } from '../../src/ops/job.js';
import { restoreBackup } from '../../src/ops/restore.js';
import { readManifest } from '../../src/ops/backup-manifest.js';
import { BACKUP_HEADER_BYTES, decodeBackupHeader, encodeBackupHeader } from '../../src/ops/backup-format.js';
import { verifyBackupChain } from '../../src/ops/verify-backup.js';
import { armFailpoint, disarmAllFailpoints, SimulatedCrash } from '../../src/storage/failpoint.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';
import { cloneModel, emptyModel, fill, modelDifference, openSim, readModel, simFs, SLOTS, writeTx, type Model } from './support.js';

afterEach(() => disarmAllFailpoints());

async function restoreAndRead(fs: ReturnType<typeof simFs>, dir: string, out: string, extra: Partial<Parameters<typeof restoreBackup>[0]> = {}) {
  const report = await restoreBackup({ fs, dir, out, ...extra });
  const db = Database.open(out, { fs, lock: false, create: false, logLevel: 'silent' });
  try {
    const verify = await db.verify({ level: 'full' });
    return { report, model: readModel(db), verify };
  } finally {
    await db.close();
  }
}

describe('backup format', () => {
  it('pins the header layout (golden bytes)', () => {
    const bytes = encodeBackupHeader({
      pageSizeBytes: 4096,
      kind: 'incremental',
      sequence: 3,
      databaseId: '00112233445566778899aabbccddeeff',
      fromLsn: 7n,
      toLsn: 9n,
      pageCount: 12,
      snapshotAtMs: 1_700_000_000_000,
    });
    expect(bytes.length).toBe(BACKUP_HEADER_BYTES);
    expect(Buffer.from(bytes.subarray(0, 64)).toString('hex')).toBe(
      '4f4d42524142 4b00 00000001 00001000 00000002 00000003 00112233445566778899aabbccddeeff 0000000000000007 0000000000000009 0000000c 00000000'.replace(/ /g, ''),
    );
    expect(decodeBackupHeader(bytes, 'x')).toMatchObject({ kind: 'incremental', sequence: 3, fromLsn: 7n, toLsn: 9n, pageCount: 12 });
    bytes[70] ^= 1;
    expect(() => decodeBackupHeader(bytes, 'x')).toThrowError(expect.objectContaining({ code: 'CORRUPTION' }));
  });
});

describe('backup and restore', () => {
  it('a backup taken while writes continue restores exactly the snapshot it took, and passes full verify', async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      const rand = mulberry32(seed);
      const fs = simFs(seed);
      const db = openSim(fs, { walSizeBytesMax: 256 * 1024 });
      const model = emptyModel();
      fill(db, model, 4000, { length: (n) => (n % 13 === 0 ? 9000 : 40) });
      // Every ctx.checkpoint() yields, so the writer below commits between the backup's steps.
      Object.defineProperty(db, 'jobs', { value: new JobRegistry(0) });
      const backup = db.backup({ dir: '/backups/a' });
      const snapshot: Model = cloneModel(model); // the job takes its snapshot on the next tick, before any write below
      let running = true;
      let writesDuringBackup = 0;
      const writer = (async () => {
        for (let i = 0; running || i < 10; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          const slot = SLOTS[Math.floor(rand() * SLOTS.length)]!;
          writeTx(db, model, slot, [{ n: Math.floor(rand() * 6000), seed: i + 10_000 }], rand() < 0.3 ? [Math.floor(rand() * 4000)] : []);
          if (running) writesDuringBackup++;
        }
      })();
      const report = await backup;
      running = false;
      await writer;
      expect(report.kind).toBe('full');
      expect(writesDuringBackup).toBeGreaterThan(5);
      expect(report.toLsn).toBeLessThan(db.pager.lastLsn - 5n);
      const restored = await restoreAndRead(fs, '/backups/a', '/data/restored.db');
      expect(restored.verify.ok, JSON.stringify(restored.verify.problems)).toBe(true);
      expect(modelDifference(restored.model, snapshot)).toBeNull();
      expect(restored.report.lsn).toBe(report.toLsn);
      // The live database went on and differs.
      expect(modelDifference(readModel(db), snapshot)).not.toBeNull();
      await db.close();
    });
  });

  it('a chain of a full and five incrementals restores exactly the state at the last backup', async () => {
    const fs = simFs(2);
    const db = openSim(fs, { walSizeBytesMax: 128 * 1024 });
    const model = emptyModel();
    fill(db, model, 2000);
    const reports = [await db.backup({ dir: '/backups/chain' })];
    for (let i = 0; i < 5; i++) {
      writeTx(db, model, SLOTS[i % 3]!, [{ n: 10_000 + i, length: 6000 }, { n: i * 7, seed: 99 + i }], [100 + i, 200 + i]);
      if (i === 2) await db.checkpoint('truncate');
      reports.push(await db.backup({ dir: '/backups/chain', incremental: true }));
    }
    expect(reports.map((r) => r.kind)).toEqual(['full', 'incremental', 'incremental', 'incremental', 'incremental', 'incremental']);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.fromLsn).toBe(reports[i - 1]!.toLsn);
      expect(reports[i]!.pagesCopied).toBeLessThan(reports[0]!.pagesCopied / 4);
    }
    const manifest = readManifest(fs, '/backups/chain')!;
    expect(manifest.backups).toHaveLength(6);
    expect(manifest.databaseId).toBe(db.pager.databaseId);
    const expected = cloneModel(model);
    writeTx(db, model, SLOTS[0], [{ n: 77_777 }]); // after the last backup: not restored
    const restored = await restoreAndRead(fs, '/backups/chain', '/data/chain.db');
    expect(restored.verify.ok).toBe(true);
    expect(modelDifference(restored.model, expected)).toBeNull();
    expect(restored.report.backupsApplied).toHaveLength(6);
    expect(restored.report.databaseId).not.toBe(db.pager.databaseId);
    const check = await verifyBackupChain({ fs, dir: '/backups/chain' });
    expect(check.ok, JSON.stringify(check.problems)).toBe(true);
    expect(check.counts.filesChecked).toBe(6);
    await db.close();
  });

  it('an incremental into a directory of another database is refused with BACKUP_CHAIN', async () => {
    const fs = simFs(3);
    const a = openSim(fs);
    fill(a, emptyModel(), 100);
    await a.backup({ dir: '/backups/x' });
    await a.close();
    const b = Database.open('/data/other.db', { fs, lock: false, pageSizeBytes: 4096, logLevel: 'silent' });
    fill(b, emptyModel(), 10);
    await expect(b.backup({ dir: '/backups/x', incremental: true })).rejects.toMatchObject({ code: 'BACKUP_CHAIN' });
    // A full backup into an existing chain is refused too, and so is a foreign non-empty directory.
    const again = openSim(fs, { create: false });
    await expect(again.backup({ dir: '/backups/x' })).rejects.toMatchObject({ code: 'BACKUP_CHAIN' });
    fs.writeFile('/backups/junk/readme.txt', new Uint8Array([1]));
    await expect(again.backup({ dir: '/backups/junk' })).rejects.toMatchObject({ code: 'BACKUP_CHAIN' });
    await again.close();
    await b.close();
  });

  it('restore refuses to overwrite without force, and replaces (dropping the old WAL) with it', async () => {
    const fs = simFs(4);
    const db = openSim(fs);
    const model = emptyModel();
    fill(db, model, 300);
    await db.backup({ dir: '/backups/r' });
    const other = Database.open('/data/target.db', { fs, lock: false, pageSizeBytes: 4096, logLevel: 'silent' });
    fill(other, emptyModel(), 50, { start: 50_000 });
    await other.pager.close({ checkpoint: false }); // leaves frames in target.db-wal
    expect(fs.exists('/data/target.db-wal')).toBe(true);
    await expect(restoreBackup({ fs, dir: '/backups/r', out: '/data/target.db' })).rejects.toMatchObject({ code: 'RESTORE_TARGET_EXISTS' });
    const restored = await restoreAndRead(fs, '/backups/r', '/data/target.db', { force: true });
    expect(modelDifference(restored.model, model)).toBeNull();
    expect(fs.exists('/data/target.db.restoring')).toBe(false);
    await db.close();
  });

  it('a crash at any backup failpoint leaves the old chain or the new one, and the next backup works', async () => {
    const points = ['backup.beforeRename', 'backup.beforeManifest', 'files.beforeRename', 'files.afterRename'];
    for (const [i, name] of points.entries()) {
      for (const seed of [100 + i, 200 + i]) {
        const fs = simFs(seed);
        const db = openSim(fs);
        const model = emptyModel();
        fill(db, model, 400);
        await db.backup({ dir: '/backups/c' });
        writeTx(db, model, SLOTS[0], [{ n: 50_000 }]);
        await db.checkpoint('truncate'); // the database is durable; only the backup is in flight
        armFailpoint(name, (at) => {
          disarmAllFailpoints();
          fs.crash();
          throw new SimulatedCrash(at);
        });
        await expect(db.backup({ dir: '/backups/c', incremental: true })).rejects.toBeDefined();
        db.pager.abandon();
        const chain = readManifest(fs, '/backups/c')!;
        expect([1, 2], `${name} seed ${seed}`).toContain(chain.backups.length);
        const check = await verifyBackupChain({ fs, dir: '/backups/c' });
        expect(check.ok, `${name} seed ${seed}: ${JSON.stringify(check.problems)}`).toBe(true);
        const again = openSim(fs, { create: false });
        const next = await again.backup({ dir: '/backups/c', incremental: true });
        expect(next.sequence).toBe(chain.backups.length + 1);
        const restored = await restoreAndRead(fs, '/backups/c', `/data/after-crash-${seed}.db`);
        expect(modelDifference(restored.model, model)).toBeNull();
        await again.close();
      }
    }
  });

  it('a damaged backup file stops the restore with BACKUP_CORRUPT and leaves nothing at --out', async () => {
    const fs = simFs(5);
    const db = openSim(fs);
    fill(db, emptyModel(), 500);
    const report = await db.backup({ dir: '/backups/d' });
    await db.close();
    fs.flipBit(`/backups/d/${report.file}`, BACKUP_HEADER_BYTES + 8 + 4096 * 2 + 500, 3);
    await expect(restoreBackup({ fs, dir: '/backups/d', out: '/data/bad.db' })).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
    expect(fs.exists('/data/bad.db')).toBe(false);
    expect(fs.exists('/data/bad.db.restoring')).toBe(false);
    const check = await verifyBackupChain({ fs, dir: '/backups/d' });
    expect(check.ok).toBe(false);
    expect(check.problems.some((p) => p.location.file?.endsWith(report.file) && p.location.page !== undefined)).toBe(true);
  });
});

