import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { modelDifference, readModel, writeTx, cloneModel } from '../../ops/support.js';
import { ROOT_SLOT } from '../../../src/storage/meta.js';
import { cleanupFixtures, makeDatabase, openReal, workDir } from './ops-fixture.js';

afterEach(cleanupFixtures);

describe('ombra restore', () => {
  it('restores the chain into a new database, refuses to overwrite it without --force', async () => {
    const dir = workDir();
    const { path, model } = await makeDatabase(dir, 800);
    expect((await cli('backup', path, '--out', `${dir}/b`)).code).toBe(0);
    const out = `${dir}/restored.db`;
    const run = await cli('restore', `${dir}/b`, '--out', out, '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ out, backupsApplied: ['0001-full.obk'], verify: { level: 'full', ok: true }, untilReached: true });
    const restored = openReal(out, { create: false });
    expect(modelDifference(readModel(restored), model)).toBeNull();
    await restored.close();
    const again = await cli('restore', `${dir}/b`, '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('RESTORE_TARGET_EXISTS');
    const forced = await cli('restore', `${dir}/b`, '--out', out, '--force', '--verify', 'fast');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^restored 1 backup\(s\) from .* pages at LSN \d+; fast verify ok/);
  });

  it('replays the archive up to --until', async () => {
    const dir = workDir();
    const archive = `${dir}/archive`;
    const { path, model } = await makeDatabase(dir, 300, { walArchiveDir: archive });
    const db = openReal(path, { walArchiveDir: archive });
    await db.backup({ dir: `${dir}/b` });
    writeTx(db, model, ROOT_SLOT.FIRST_SPARE, [{ n: 1_001 }]);
    const expected = cloneModel(model);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    writeTx(db, model, ROOT_SLOT.FIRST_SPARE, [{ n: 1_002 }]);
    await db.close();
    const out = `${dir}/pitr.db`;
    const run = await cli('restore', `${dir}/b`, '--out', out, '--until', until, '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ transactionsReplayed: 1, untilReached: true });
    const restored = openReal(out, { create: false });
    expect(modelDifference(readModel(restored), expected)).toBeNull();
    await restored.close();
  });

  it('exits 64 for a bad --until or a missing --out, 1 for a directory without a chain', async () => {
    const dir = workDir();
    expect((await cli('restore', dir, '--out', `${dir}/x.db`, '--until', 'yesterday-ish')).code).toBe(64);
    expect((await cli('restore', dir)).code).toBe(64);
    const none = await cli('restore', dir, '--out', `${dir}/x.db`);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('BACKUP_CHAIN');
    expect(existsSync(`${dir}/x.db`)).toBe(false);
  });
});
