import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { cleanupFixtures, cliTty, makeDatabase, openReal, workDir } from './ops-fixture.js';
import { writeTx } from '../../ops/support.js';
import { ROOT_SLOT } from '../../../src/storage/meta.js';

afterEach(cleanupFixtures);

describe('ombra backup', () => {
  it('writes a full backup, then incrementals, and prints a JSON report', async () => {
    const dir = workDir();
    const { path, model } = await makeDatabase(dir);
    const out = `${dir}/backups`;
    const full = await cli('backup', path, '--out', out, '--format', 'json');
    expect(full.code).toBe(0);
    expect(full.stderr).toBe(''); // no progress bar when stderr is not a TTY
    const report = JSON.parse(full.stdout);
    expect(report).toMatchObject({ kind: 'full', sequence: 1, chainLength: 1, checksum: { algorithm: 'crc32' } });
    expect(typeof report.toLsn).toBe('number');
    expect(report.pagesCopied).toBeGreaterThan(10);
    const db = openReal(path);
    writeTx(db, model, ROOT_SLOT.FIRST_SPARE, [{ n: 42_000 }]);
    await db.close();
    const incremental = await cli('backup', path, '--out', out, '--incremental');
    expect(incremental.code).toBe(0);
    expect(incremental.stdout).toMatch(/^backup incremental #2 to .*0002-incr\.obk: \d+ of \d+ pages/);
    expect(readdirSync(out).sort()).toEqual(['0001-full.obk', '0002-incr.obk', 'manifest.json']);
  });

  it('refuses a full backup into a chain (exit 1, BACKUP_CHAIN)', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir, 100);
    expect((await cli('backup', path, '--out', `${dir}/b`)).code).toBe(0);
    const again = await cli('backup', path, '--out', `${dir}/b`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('BACKUP_CHAIN');
  });

  it('draws progress on a TTY only', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir, 100);
    const run = await cliTty('backup', path, '--out', `${dir}/b`);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('backup: ');
  });

  it('exits 3 for a missing database and 64 without --out', async () => {
    const dir = workDir();
    const missing = await cli('backup', `${dir}/nope.db`, '--out', `${dir}/b`);
    expect(missing.code).toBe(3);
    expect(existsSync(`${dir}/b`)).toBe(false);
    expect((await cli('backup', `${dir}/nope.db`)).code).toBe(64);
  });
});
