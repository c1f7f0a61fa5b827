import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { writeTx } from '../../ops/support.js';
import { ROOT_SLOT } from '../../../src/storage/meta.js';
import { cleanupFixtures, makeDatabase, openReal, workDir } from './ops-fixture.js';

afterEach(cleanupFixtures);

describe('ombra backups', () => {
  it('lists the chain and the reach of the WAL archive', async () => {
    const dir = workDir();
    const archive = `${dir}/archive`;
    const { path, model } = await makeDatabase(dir, 300, { walArchiveDir: archive });
    // The command takes the archive from the configuration and records it in the manifest.
    expect((await cli('backup', path, '--out', `${dir}/b`, '--set', `walArchiveDir=${archive}`)).code).toBe(0);
    const db = openReal(path, { walArchiveDir: archive });
    writeTx(db, model, ROOT_SLOT.FIRST_SPARE, [{ n: 7 }]);
    await db.backup({ dir: `${dir}/b`, incremental: true });
    writeTx(db, model, ROOT_SLOT.FIRST_SPARE, [{ n: 8 }]);
    await db.close();
    const json = await cli('backups', `${dir}/b`, '--format', 'json');
    expect(json.code).toBe(0);
    const listing = JSON.parse(json.stdout);
    expect(listing.backups.map((b: { file: string }) => b.file)).toEqual(['0001-full.obk', '0002-incr.obk']);
    expect(listing.walArchive).toMatchObject({ dir: archive, segments: 1, firstLsn: 1 });
    expect(listing.walArchive.lastLsn).toBe(Number(BigInt(listing.backups[1].toLsn) + 1n));
    const text = await cli('backups', `${dir}/b`);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('0002-incr.obk');
    expect(text.stdout).toMatch(/WAL archive .*: 1 segment\(s\), LSN 1\.\.\d+, last commit \d{4}-/);
  });

  it('exits 1 for a directory without a manifest and 64 without an argument', async () => {
    const dir = workDir();
    const run = await cli('backups', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('BACKUP_CHAIN');
    expect((await cli('backups')).code).toBe(64);
  });
});
