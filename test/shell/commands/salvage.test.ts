// ombra salvage: a database with zeroed pages (the meta page among them, so it cannot even be
// opened) salvages into --out (exit 0) with a JSON report of nodes and relationships salvaged
// and pages lost; the damaged files are unchanged; exit codes per DESIGN.md §7.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { cleanupDirs, fileDigest, openDb, workDir, write } from '../../ops/graph-fixture.js';
import { cliTty } from './ops-fixture.js';

afterEach(cleanupDirs);

async function damagedDatabase(dir: string, pages: number[]): Promise<string> {
  const path = `${dir}/g.db`;
  const db = openDb(path);
  write(db, (g) => {
    for (let i = 0; i < 1000; i++) g.createNode(['Person'], { n: BigInt(i), name: `person ${i}` });
    for (let i = 1; i < 1000; i++) g.createRelationship(i - 1, 'NEXT', i, { i: BigInt(i) });
  });
  await db.close();
  const fd = openSync(path, 'r+');
  for (const p of pages) writeSync(fd, new Uint8Array(4096), 0, 4096, p * 4096);
  closeSync(fd);
  return path;
}

describe('ombra salvage', () => {
  it('salvages a database whose meta page is gone and reports as JSON', async () => {
    const dir = workDir();
    const path = await damagedDatabase(dir, [0, 9]);
    expect((await cli('verify', path)).code).toBe(3);
    const digest = fileDigest(path);
    const run = await cli('salvage', path, '--out', `${dir}/saved.db`, '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(fileDigest(path)).toBe(digest);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ source: path, metaPage: 'lost', pages: { lost: 1, lostPages: [9] }, verify: { ok: true } });
    expect(report.nodesSalvaged).toBeGreaterThan(800);
    expect(report.nodesSalvaged).toBeLessThanOrEqual(1000);
    expect(report.relationshipsSalvaged).toBeGreaterThan(700);
    expect((await cli('verify', `${dir}/saved.db`, '--level', 'full')).code).toBe(0);
    const saved = openDb(`${dir}/saved.db`, { create: false });
    expect(saved.query('MATCH (p:Person) RETURN count(p)').rows).toEqual([[BigInt(report.nodesSalvaged)]]);
    await saved.close();
  });

  it('prints a text report, and progress on a TTY', async () => {
    const dir = workDir();
    const path = await damagedDatabase(dir, [5]);
    const run = await cliTty('salvage', path, '--out', `${dir}/saved.db`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^salvaged .* into .*saved\.db: \d+ node\(s\), \d+ relationship\(s\); 1 of \d+ page\(s\) lost/);
    expect(run.stdout).toContain('lost pages: 5');
    expect(run.stderr).toContain('salvage: ');
  });

  it('exit codes: 1 when --out exists or nothing is readable, 3 for a missing file, 64 without --out', async () => {
    const dir = workDir();
    const path = await damagedDatabase(dir, []);
    writeFileSync(`${dir}/taken.db`, 'x');
    const exists = await cli('salvage', path, '--out', `${dir}/taken.db`);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('OUTPUT_EXISTS');
    expect((await cli('salvage', path, '--out', `${dir}/taken.db`, '--force', '--verify', 'fast')).code).toBe(0);
    writeFileSync(`${dir}/noise.db`, new Uint8Array(64 * 1024).fill(7));
    const nothing = await cli('salvage', `${dir}/noise.db`, '--out', `${dir}/n.db`);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('SALVAGE_NOTHING');
    expect((await cli('salvage', `${dir}/missing.db`, '--out', `${dir}/m.db`)).code).toBe(3);
    expect((await cli('salvage', path)).code).toBe(64);
  });
});
