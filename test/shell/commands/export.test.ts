// ombra export: writes nodes.csv and relationships.csv that ombra import reads back with every
// id (--id-type actual); --format json report; existing files only with --force; exit codes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { awkwardGraph, cleanupDirs, dumpGraph, openDb, workDir } from '../../ops/graph-fixture.js';
import { cliTty } from './ops-fixture.js';

afterEach(cleanupDirs);

describe('ombra export', () => {
  it('exports, and ombra import of the export gives the same graph', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    awkwardGraph(db);
    const before = dumpGraph(db);
    await db.close();
    const run = await cli('export', `${dir}/g.db`, '--out', `${dir}/csv`, '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ nodes: before.nodes.size, relationships: before.relationships.size, dir: `${dir}/csv` });
    expect(report.importCommand).toBe(`ombra import NEW.db --nodes ${dir}/csv/nodes.csv --relationships ${dir}/csv/relationships.csv --id-type actual`);
    const back = await cli('import', `${dir}/copy.db`, '--nodes', `${dir}/csv/nodes.csv`, '--relationships', `${dir}/csv/relationships.csv`, '--id-type', 'actual', '--verify', 'full');
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    const copy = openDb(`${dir}/copy.db`, { create: false });
    expect(dumpGraph(copy)).toEqual(before);
    await copy.close();
  });

  it('prints a text summary naming the files and the index definitions left out', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    awkwardGraph(db);
    await db.close();
    const run = await cliTty('export', `${dir}/g.db`, '--out', `${dir}/csv`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^exported 8 node\(s\) and 5 relationship\(s\) of /);
    expect(run.stdout).toContain(`${dir}/csv/nodes.csv: 8 row(s)`);
    expect(run.stdout).toContain('index definitions are not part of the CSV format: unique ');
    expect(run.stderr).toContain('export: ');
    expect(run.stdout).not.toContain('\r');
  });

  it('refuses to replace files without --force (exit 1); exits 3 and 64 per the contract', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    await db.close();
    writeFileSync(`${dir}/relationships.csv`, 'mine\n');
    const refused = await cli('export', `${dir}/g.db`, '--out', dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('OUTPUT_EXISTS');
    expect(readFileSync(`${dir}/relationships.csv`, 'utf8')).toBe('mine\n');
    expect((await cli('export', `${dir}/g.db`, '--out', dir, '--force')).code).toBe(0);
    expect(readFileSync(`${dir}/relationships.csv`, 'utf8')).toBe(':START_ID,:END_ID,:TYPE,:ID\n');
    expect((await cli('export', `${dir}/missing.db`, '--out', `${dir}/x`)).code).toBe(3);
    expect(existsSync(`${dir}/missing.db`)).toBe(false);
    expect((await cli('export', `${dir}/g.db`)).code).toBe(64);
  });
});
