import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { cleanupFixtures, makeDatabase, openReal, workDir } from './ops-fixture.js';

afterEach(cleanupFixtures);

function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0x10;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

describe('ombra verify', () => {
  it('exits 0 with a JSON report for a sound database, at both levels', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir);
    for (const level of ['fast', 'full']) {
      const run = await cli('verify', path, '--level', level, '--format', 'json');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ level, ok: true, problems: [], target: path });
      expect(Object.keys(report).sort()).toEqual(['counts', 'durationMs', 'level', 'lsn', 'ok', 'problems', 'target', 'truncated']);
      expect(report.counts.pagesChecked).toBeGreaterThan(10);
    }
    const text = await cli('verify', path);
    expect(text.stdout).toMatch(/^verify fast .*: ok: \d+ page\(s\), \d+ WAL frame\(s\) checked/);
  });

  it('exits 2 and names the page when a byte of the file was flipped', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir);
    flipByte(path, 5 * 4096 + 1000);
    const run = await cli('verify', path, '--format', 'json');
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ severity: 'error', location: expect.objectContaining({ page: 5, file: path }) })]);
    const text = await cli('verify', path);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('error: [page 5,');
  });

  it('verifies a backup directory (exit 0, or 2 when a file is damaged)', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir, 300);
    const db = openReal(path, { create: false });
    const backup = await db.backup({ dir: `${dir}/b` });
    await db.close();
    const ok = await cli('verify', '--backup', `${dir}/b`, '--format', 'json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ level: 'backup', ok: true, counts: { backups: 1, filesChecked: 1 } });
    flipByte(`${dir}/b/${backup.file}`, 128 + 8 + 4096 + 77);
    const bad = await cli('verify', '--backup', `${dir}/b`);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('page 1');
  });

  it('exits 64 for usage errors and 3 for a missing database', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir, 10);
    expect((await cli('verify')).code).toBe(64);
    expect((await cli('verify', path, '--backup', dir)).code).toBe(64);
    expect((await cli('verify', path, '--level', 'deep')).code).toBe(64);
    expect((await cli('verify', `${dir}/missing.db`)).code).toBe(3);
  });
});
