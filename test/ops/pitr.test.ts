// Point-in-time restore: a backup chain plus the WAL archive restore exactly the transactions
// committed at or before the --until time (commit times under a fake clock).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/database.js';
import { restoreBackup } from '../../src/ops/restore.js';
import { verifyBackupChain } from '../../src/ops/verify-backup.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';
import { cloneModel, emptyModel, fill, modelDifference, openSim, readModel, simFs, SLOTS, writeTx, type Model } from './support.js';

afterEach(() => {
  vi.useRealTimers();
});

const T0 = Date.parse('2030-01-01T00:00:00Z');
const ARCHIVE = '/data/archive';

async function restoredModel(fs: ReturnType<typeof simFs>, out: string, untilMs: number) {
  const report = await restoreBackup({ fs, dir: '/backups/p', out, until: new Date(untilMs).toISOString() });
  const db = Database.open(out, { fs, lock: false, create: false, logLevel: 'silent' });
  try {
    return { report, model: readModel(db), ok: (await db.verify({ level: 'full' })).ok };
  } finally {
    await db.close();
  }
}

describe('point-in-time restore', () => {
  it('restores exactly the transactions committed at or before --until, across checkpoints and a compaction', async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      let now = T0;
      vi.setSystemTime(now);
      const rand = mulberry32(seed);
      const fs = simFs(seed);
      const db = openSim(fs, { walArchiveDir: ARCHIVE, walSizeBytesMax: 64 * 1024 });
      const model = emptyModel();
      fill(db, model, 1500);
      now += 1000;
      vi.setSystemTime(now);
      await db.backup({ dir: '/backups/p' });
      const backupAt = now;
      // The workload: one commit per second; states remembered by commit time.
      const history: { atMs: number; model: Model }[] = [];
      for (let i = 0; i < 60; i++) {
        now += 1000;
        vi.setSystemTime(now);
        const slot = SLOTS[Math.floor(rand() * SLOTS.length)]!;
        writeTx(db, model, slot, [{ n: 10_000 + i, length: rand() < 0.1 ? 7000 : 40 }, { n: Math.floor(rand() * 1500), seed: i }], [Math.floor(rand() * 1500)]);
        history.push({ atMs: now, model: cloneModel(model) });
        if (i % 17 === 16) await db.checkpoint('truncate');
        if (i === 30) {
          now += 500;
          vi.setSystemTime(now);
          await db.compact(); // archived as an image at its own time; content unchanged
        }
        if (i === 45) {
          await db.backup({ dir: '/backups/p', incremental: true });
        }
      }
      await db.close(); // the final checkpoint archives the rest
      expect((await verifyBackupChain({ fs, dir: '/backups/p' })).ok).toBe(true);

      const picks = [0, 15, 29, 30, 31, 44, 45, 46, 59].map((i) => history[i]!);
      picks.push(history[Math.floor(rand() * history.length)]!);
      for (const [k, pick] of picks.entries()) {
        // At the commit's own millisecond, and just before the next commit.
        for (const untilMs of [pick.atMs, pick.atMs + 999]) {
          const { report, model: restored, ok } = await restoredModel(fs, `/data/pitr-${k}-${untilMs % 1000}.db`, untilMs);
          expect(ok).toBe(true);
          const difference = modelDifference(restored, pick.model);
          expect(difference, `until ${new Date(untilMs).toISOString()}: ${difference}`).toBeNull();
          expect(report.untilReached).toBe(pick !== history[history.length - 1]);
        }
      }
      // After the compaction and before the second backup, the replay passes the compaction's image.
      const mid = await restoredModel(fs, '/data/pitr-mid.db', history[35]!.atMs);
      expect(mid.report.imagesReplayed).toBe(1);
      expect(mid.report.transactionsReplayed).toBe(36);
      // Between the backup and the first commit after it: exactly the backup.
      const first = await restoredModel(fs, '/data/pitr-backup.db', backupAt + 500);
      expect(first.report.transactionsReplayed).toBe(0);
      expect(first.report.backupsApplied).toHaveLength(1);
      // Before the full backup: nothing to restore from.
      await expect(restoreBackup({ fs, dir: '/backups/p', out: '/data/never.db', until: new Date(T0 - 1).toISOString() })).rejects.toMatchObject({ code: 'BACKUP_CHAIN' });
      // After the end of the archive: everything, with a warning that later commits may be missing.
      const last = await restoredModel(fs, '/data/pitr-end.db', now + 60_000);
      expect(modelDifference(last.model, model)).toBeNull();
      expect(last.report.untilReached).toBe(false);
      expect(last.report.warnings.join(' ')).toContain('archive ends');
    });
  });

  it('a restore without --until ignores the archive and ends at the newest backup', async () => {
    const fs = simFs(31);
    const db = openSim(fs, { walArchiveDir: ARCHIVE });
    const model = emptyModel();
    fill(db, model, 300);
    await db.backup({ dir: '/backups/p' });
    const atBackup = cloneModel(model);
    writeTx(db, model, SLOTS[0], [{ n: 99_999 }]);
    await db.close();
    const report = await restoreBackup({ fs, dir: '/backups/p', out: '/data/plain.db' });
    expect(report.transactionsReplayed).toBe(0);
    const restored = Database.open('/data/plain.db', { fs, lock: false, create: false, logLevel: 'silent' });
    expect(modelDifference(readModel(restored), atBackup)).toBeNull();
    await restored.close();
  });
});
