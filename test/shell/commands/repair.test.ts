// ombra repair: a database with a broken label index repairs into --out (exit 0) with a JSON
// report of what was fixed; the damaged file is unchanged; --out exists → exit 1 unless
// --force; a missing database exits 3, a missing --out 64; progress on a TTY only.
import { afterEach, describe, expect, it } from 'vitest';
import { BTree, rootInSlot } from '../../../src/storage/btree.js';
import { ROOT_SLOT } from '../../../src/storage/meta.js';
import { cli } from '../../support/cli.js';
import { cleanupDirs, dumpGraph, fileDigest, openDb, workDir, write } from '../../ops/graph-fixture.js';
import { cliTty } from './ops-fixture.js';

afterEach(cleanupDirs);

/** A graph whose label index lost three entries. */
async function brokenDatabase(dir: string): Promise<{ path: string; nodes: number }> {
  const path = `${dir}/g.db`;
  const db = openDb(path);
  write(db, (g) => {
    for (let i = 0; i < 300; i++) g.createNode(['Person'], { n: BigInt(i) });
    for (let i = 1; i < 300; i++) g.createRelationship(i - 1, 'NEXT', i, {});
  });
  const txn = db.pager.beginWrite();
  const labels = new BTree(txn, rootInSlot(txn, ROOT_SLOT.LABEL_INDEX), { name: 'label-index' });
  const keys = [...labels.range()].map((e) => e.key.slice());
  for (const i of [3, 100, 200]) labels.delete(keys[i]!);
  txn.commit();
  const nodes = dumpGraph(db).nodes.size;
  await db.close();
  return { path, nodes };
}

describe('ombra repair', () => {
  it('writes the repaired database to --out and reports the fixes as JSON', async () => {
    const dir = workDir();
    const { path, nodes } = await brokenDatabase(dir);
    expect((await cli('verify', path, '--level', 'full')).code).toBe(2);
    const digest = fileDigest(path);
    const run = await cli('repair', path, '--out', `${dir}/fixed.db`, '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(fileDigest(path)).toBe(digest);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ source: path, out: `${dir}/fixed.db`, issuesFixed: 3, nodes: { read: nodes, kept: nodes, dropped: 0 }, verify: { level: 'full', ok: true } });
    expect(report.structures.find((s: { structure: string }) => s.structure === 'label-index')).toMatchObject({ missing: 3, extra: 0 });
    expect((await cli('verify', `${dir}/fixed.db`, '--level', 'full')).code).toBe(0);
    const fixed = openDb(`${dir}/fixed.db`, { create: false });
    expect(fixed.query('MATCH (p:Person) RETURN count(p)').rows).toEqual([[300n]]);
    await fixed.close();
  });

  it('prints a text report, and progress on a TTY', async () => {
    const dir = workDir();
    const { path } = await brokenDatabase(dir);
    const run = await cliTty('repair', path, '--out', `${dir}/fixed.db`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^repaired .* into .*fixed\.db: 3 issue\(s\) fixed; 300 node\(s\), 299 relationship\(s\)/);
    expect(run.stdout).toMatch(/label-index\s+3 missing\s+0 extra\s+0 changed/);
    expect(run.stderr).toContain('repair: ');
  });

  it('exit codes: 1 when --out exists (0 with --force), 3 for a missing database, 64 without --out', async () => {
    const dir = workDir();
    const { path } = await brokenDatabase(dir);
    expect((await cli('repair', path, '--out', `${dir}/a.db`, '--verify', 'none')).code).toBe(0);
    const exists = await cli('repair', path, '--out', `${dir}/a.db`);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('OUTPUT_EXISTS');
    expect((await cli('repair', path, '--out', `${dir}/a.db`, '--force')).code).toBe(0);
    expect((await cli('repair', path, '--out', path)).code).toBe(1);
    expect((await cli('repair', `${dir}/missing.db`, '--out', `${dir}/b.db`)).code).toBe(3);
    expect((await cli('repair', path)).code).toBe(64);
    expect((await cli('repair', path, '--out', `${dir}/c.db`, '--verify', 'deep')).code).toBe(64);
  });
});
