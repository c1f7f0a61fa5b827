import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/database.js';
import { cli, tempDir } from '../../support/cli.js';

const dirs: (() => void)[] = [];
afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

function dbPath(): string {
  const { dir, cleanup } = tempDir();
  dirs.push(cleanup);
  return `${dir}/g.db`;
}

describe('ombra checkpoint', () => {
  it('checkpoints in every mode and prints a JSON report', async () => {
    const path = dbPath();
    const db = Database.open(path);
    const txn = db.pager.beginWrite();
    txn.allocate(5);
    txn.commit();
    await db.pager.close({ checkpoint: false }); // leave the committed frames in the WAL
    for (const mode of ['passive', 'full', 'restart', 'truncate']) {
      const run = await cli('checkpoint', path, '--mode', mode, '--format', 'json');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.mode).toBe(mode);
      expect(report.complete).toBe(true);
      if (mode === 'passive') expect(report.pagesCopied).toBe(2);
    }
  });

  it('exits 3 for a database that does not exist and creates nothing', async () => {
    const path = dbPath();
    const run = await cli('checkpoint', path);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('DATABASE_NOT_FOUND');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('exits 64 for a bad mode or a missing argument', async () => {
    expect((await cli('checkpoint', dbPath(), '--mode', 'sideways')).code).toBe(64);
    expect((await cli('checkpoint')).code).toBe(64);
  });
});
