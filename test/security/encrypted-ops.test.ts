// Operations on an encrypted database: backup, WAL archive, point-in-time restore, verify
// and compaction work with the key, and none of their files holds a plaintext property string.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { GraphWriter } from '../../src/graph/writer.js';
import { readKeyArea } from '../../src/security/key-area.js';
import { cleanupAll, cliEnv, sharedOf, filesUnder, KEY_A, KEY_B, names, openDb, plaintextIn, readNames, snapshotDir, workDir, writePeople } from './support.js';

afterEach(cleanupAll);

function deletePeople(db: Database, count: number): void {
  const txn = db.pager.beginWrite();
  const g = new GraphWriter(txn, sharedOf(db));
  let deleted = 0;
  for (const id of [...g.nodeIdsByLabel('Person')]) {
    if (deleted++ >= count) break;
    g.deleteNode(id, { detach: true });
  }
  txn.commit();
}

describe('operations on an encrypted database', () => {
  it('backs up, archives, verifies, compacts and restores (point in time) with the key; no file holds plaintext', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const archive = join(dir, 'archive');
    const backups = join(dir, 'backups');
    const first = names('Quetzal', 80);
    const second = names('Wombat', 80);
    const third = names('Yggdrasil', 40);
    const db = openDb(path, { encryptionKey: KEY_A, walArchiveDir: archive });
    writePeople(db, first);
    const backup = await db.backup({ dir: backups });
    expect(backup.kind).toBe('full');
    writePeople(db, second);
    await db.checkpoint('truncate'); // the log restarts: its generation goes to the archive first
    writePeople(db, third);
    await db.checkpoint('truncate');
    expect((await db.verify({ level: 'fast' })).ok).toBe(true);
    expect((await db.verify({ level: 'full' })).ok).toBe(true);

    deletePeople(db, 100);
    const compacted = await db.compact();
    expect(compacted.pagesAfter).toBeLessThanOrEqual(compacted.pagesBefore);
    expect(readNames(db)).toHaveLength(100);
    expect((await db.verify({ level: 'full' })).ok).toBe(true);
    await db.backup({ dir: backups, incremental: true });
    await db.close();
    const untilMs = Date.now();

    const needles = [first[3]!, second[5]!, third[7]!, `${first[0]}-secret`, `${second[1]}-note`, 'Person', 'KNOWS'];
    const files = filesUnder(dir);
    expect(files.some((f) => f.startsWith(archive))).toBe(true);
    expect(files.filter((f) => f.startsWith(backups)).length).toBeGreaterThanOrEqual(3);
    for (const file of files) expect({ file, found: plaintextIn(file, needles) }).toEqual({ file, found: [] });

    // The chain verifies without the key (checksums of stored images).
    const chain = await cliEnv({}, 'verify', '--backup', backups, '--format', 'json');
    expect(chain.code).toBe(0);

    // Restore with the key: full verification of the result, which the same key opens.
    const out = join(dir, 'restored.db');
    const report = await Database.restore({ dir: backups, out, encryptionKey: KEY_A });
    expect(report.verify).toMatchObject({ level: 'full', ok: true });
    const restored = openDb(out, { encryptionKey: KEY_A });
    expect(readNames(restored)).toHaveLength(100);
    // A restored copy is a fork: its first writer jumps to a random point of the nonce space (N5).
    const txn = restored.pager.beginRead();
    const area = readKeyArea(txn.meta);
    txn.end();
    expect(area.lineage).toBe(restored.pager.databaseId);
    expect(area.highWater).toBeGreaterThan(1n << 33n);
    await restored.close();
    expect(plaintextIn(out, needles)).toEqual([]);

    // Point in time from the first backup and the archive, with the key.
    const pitrDir = join(dir, 'pitr');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(pitrDir);
    for (const name of ['manifest.json', backup.file]) copyFileSync(join(backups, name), join(pitrDir, name));
    const manifest = JSON.parse((await import('node:fs')).readFileSync(join(pitrDir, 'manifest.json'), 'utf8'));
    manifest.backups = manifest.backups.slice(0, 1);
    writeFileSync(join(pitrDir, 'manifest.json'), JSON.stringify(manifest));
    const pitrOut = join(dir, 'pitr.db');
    const pitr = await Database.restore({ dir: pitrDir, out: pitrOut, until: new Date(untilMs).toISOString(), archiveDir: archive, encryptionKey: KEY_A });
    expect(pitr.verify).toMatchObject({ level: 'full', ok: true });
    expect(pitr.transactionsReplayed + pitr.imagesReplayed).toBeGreaterThan(0);
    const atTime = openDb(pitrOut, { encryptionKey: KEY_A, readOnly: true });
    expect(readNames(atTime)).toHaveLength(100);
    await atTime.close();

    // Without the key the chain still restores as stored (fast verification, with a warning).
    const blind = await Database.restore({ dir: backups, out: join(dir, 'blind.db'), env: {} });
    expect(blind.verify.level).toBe('fast');
    expect(blind.warnings.join(' ')).toContain('encrypted');
    // A wrong key is refused before anything is written.
    const wrongOut = join(dir, 'wrong.db');
    await expect(Database.restore({ dir: backups, out: wrongOut, encryptionKey: KEY_B })).rejects.toMatchObject({ code: 'ENCRYPTION_KEY_WRONG' });
    expect(existsSync(wrongOut)).toBe(false);
  });

  it('CLI: info, verify, backup and compact take the key from OMBRA_ENCRYPTION_KEY or --key-file; no or a wrong key exits 3 and changes nothing', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, names('cli', 50));
    deletePeople(db, 20);
    await db.close();
    const env = { OMBRA_ENCRYPTION_KEY: KEY_A };
    const before = snapshotDir(dir);
    for (const argv of [['info', path], ['verify', path, '--level', 'full'], ['backup', path, '--out', join(dir, 'b')], ['compact', path]]) {
      const missing = await cliEnv({}, ...argv);
      expect({ argv, code: missing.code }).toEqual({ argv, code: 3 });
      expect(missing.stderr).toContain('ENCRYPTION_KEY_MISSING');
      const wrong = await cliEnv({ OMBRA_ENCRYPTION_KEY: KEY_B }, ...argv);
      expect({ argv, code: wrong.code }).toEqual({ argv, code: 3 });
      expect(wrong.stderr).toContain('ENCRYPTION_KEY_WRONG');
      const invalid = await cliEnv({ OMBRA_ENCRYPTION_KEY: 'nope' }, ...argv);
      expect(invalid.code).toBe(3);
      expect(invalid.stderr).toContain('ENCRYPTION_KEY_INVALID');
      expect(snapshotDir(dir)).toEqual(before);
    }
    const info = await cliEnv(env, 'info', path, '--format', 'json');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).nodes).toBe(30);
    expect((await cliEnv(env, 'verify', path, '--level', 'full')).code).toBe(0);
    expect((await cliEnv(env, 'backup', path, '--out', join(dir, 'b'))).code).toBe(0);
    writeFileSync(join(dir, 'key'), KEY_A);
    const compact = await cliEnv({}, 'compact', path, '--key-file', join(dir, 'key'));
    expect(compact.code).toBe(0);
    const restored = await cliEnv(env, 'restore', join(dir, 'b'), '--out', join(dir, 'r.db'), '--format', 'json');
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout).verify.level).toBe('full');
    const reopened = openDb(join(dir, 'r.db'), { encryptionKey: KEY_A });
    expect(readNames(reopened)).toHaveLength(30);
    await reopened.close();
  });
});
