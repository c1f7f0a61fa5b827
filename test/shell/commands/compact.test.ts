import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { scanArchive } from '../../../src/ops/wal-archive-reader.js';
import { RealFileSystem } from '../../../src/storage/fs-real.js';
import { modelDifference, readModel, SLOTS, writeTx } from '../../ops/support.js';
import { cleanupFixtures, makeDatabase, openReal, workDir } from './ops-fixture.js';

afterEach(cleanupFixtures);

describe('ombra compact', () => {
  it('--analyze reports fragmentation and changes nothing; compact reclaims it', async () => {
    const dir = workDir();
    const { path, model } = await makeDatabase(dir, 3000);
    const db = openReal(path, { create: false });
    for (const slot of SLOTS) {
      const keys = [...model.trees.get(slot)!.keys()].map((k) => Number(BigInt(`0x${k}`)));
      writeTx(db, model, slot, [], keys.filter((_, i) => i % 2 === 1));
    }
    await db.close();
    const analysis = await cli('compact', path, '--analyze', '--format', 'json');
    expect(analysis.code).toBe(0);
    const a = JSON.parse(analysis.stdout);
    expect(a.fragmentationPercent).toBeGreaterThan(30);
    expect(a.trees).toHaveLength(3);
    const text = await cli('compact', path, '--analyze');
    expect(text.stdout).toMatch(/^fragmentation [\d.]+%: /);
    expect(JSON.parse((await cli('compact', path, '--analyze', '--format', 'json')).stdout).pageCount).toBe(a.pageCount);

    const run = await cli('compact', path, '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report.pagesAfter).toBeLessThan(report.pagesBefore);
    expect(report).toMatchObject({ pagesBefore: a.pageCount, fragmentationPercentBefore: a.fragmentationPercent, attempts: 1 });
    const after = openReal(path, { create: false });
    expect(modelDifference(readModel(after), model)).toBeNull();
    await after.close();
    const plain = await cli('compact', path);
    expect(plain.stdout).toMatch(/^compacted .* pages, .* reclaimed, fragmentation/);
  });

  it('takes the WAL archive from the configuration and archives the compacted file', async () => {
    const dir = workDir();
    const archive = `${dir}/archive`;
    const { path } = await makeDatabase(dir, 400, { walArchiveDir: archive });
    const run = await cli('compact', path, '--set', `walArchiveDir=${archive}`, '--format', 'json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ archived: true });
    const db = openReal(path, { create: false, readOnly: true });
    const index = scanArchive(new RealFileSystem(), archive, { databaseId: db.pager.databaseId, pageSizeBytes: 4096 });
    await db.close();
    expect(index.problems).toEqual([]);
    expect(index.groups.at(-1)).toMatchObject({ kind: 'image', lsn: BigInt(report.lsn), pageCount: report.pagesAfter });
  });

  it('exits 3 for a missing database and 64 for a bad format', async () => {
    const dir = workDir();
    expect((await cli('compact', `${dir}/none.db`)).code).toBe(3);
    expect((await cli('compact', `${dir}/none.db`, '--format', 'yaml')).code).toBe(64);
  });
});
