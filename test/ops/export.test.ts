// CSV export (src/ops/export.ts): the files are in the format bulk import reads, and an export
// imported with --id-type actual reproduces the graph exactly (ids, labels, types, every value
// with its type); imported with fresh ids it reproduces the same graph up to the ids.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { isOmbraError } from '../../src/errors.js';
import { awkwardGraph, cleanupDirs, dumpByKey, dumpGraph, openDb, workDir, write } from './graph-fixture.js';

afterEach(cleanupDirs);

describe('CSV export', () => {
  it('round-trips every id and value through import --id-type actual', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    awkwardGraph(db);
    const before = dumpGraph(db);
    const report = await db.exportCsv({ dir: `${dir}/csv` });
    expect(report).toMatchObject({ nodes: before.nodes.size, relationships: before.relationships.size });
    expect(report.indexes).toEqual([{ name: expect.any(String), label: 'Person', key: 'name', unique: true }]);
    expect(report.files.map((f) => f.kind)).toEqual(['nodes', 'relationships']);
    const nodesCsv = readFileSync(`${dir}/csv/nodes.csv`, 'utf8');
    expect(nodesCsv.split('\n')[0]).toMatch(/^:ID,:LABEL,/);
    // Typed columns where one type holds every value, `value` where not.
    expect(nodesCsv.split('\n')[0]).toContain('age:int');
    expect(nodesCsv.split('\n')[0]).toContain('nums:int[]');
    expect(nodesCsv.split('\n')[0]).toContain('mixed:value');
    expect(nodesCsv.split('\n')[0]).toContain('shifting:value');
    expect(readFileSync(`${dir}/csv/relationships.csv`, 'utf8').split('\n')[0]).toMatch(/^:START_ID,:END_ID,:TYPE,:ID,/);
    await db.close();

    const copy = await Database.importCsvToNewDatabase({
      out: `${dir}/copy.db`,
      nodes: [{ files: [`${dir}/csv/nodes.csv`] }],
      relationships: [{ files: [`${dir}/csv/relationships.csv`] }],
      idType: 'actual',
      verify: 'full',
    });
    expect(copy).toMatchObject({ nodes: before.nodes.size, relationships: before.relationships.size, created: true });
    const again = openDb(`${dir}/copy.db`, { create: false });
    const after = dumpGraph(again);
    expect(after.nodes).toEqual(before.nodes);
    expect(after.relationships).toEqual(before.relationships);
    // The counters continue after the highest id, so new nodes do not collide.
    const next = write(again, (g) => g.createNode(['New'], {}));
    expect(next).toBeGreaterThan(Math.max(...before.nodes.keys()));
    expect((await again.verify({ level: 'full' })).ok).toBe(true);
    await again.close();
  });

  it('imported with fresh ids gives the same graph up to the ids', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    awkwardGraph(db);
    const before = dumpByKey(db, 'name');
    const report = await db.exportCsv({ dir: `${dir}/csv`, delimiter: '\t', arrayDelimiter: '|' });
    expect(report.importCommand).toMatch(/ --id-type actual --delimiter tab --array-delimiter '\|'$/);
    await db.close();
    const target = openDb(`${dir}/t.db`);
    await target.importCsv({
      nodes: [{ files: [`${dir}/csv/nodes.csv`] }],
      relationships: [{ files: [`${dir}/csv/relationships.csv`] }],
      delimiter: 'tab',
      arrayDelimiter: '|',
    });
    expect(dumpByKey(target, 'name')).toEqual(before);
    await target.close();
  });

  it('an empty database exports headers only, and they import as nothing', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    const report = await db.exportCsv({ dir: `${dir}/csv` });
    expect(report).toMatchObject({ nodes: 0, relationships: 0 });
    expect(readFileSync(`${dir}/csv/nodes.csv`, 'utf8')).toBe(':ID,:LABEL\n');
    await db.close();
    const copy = await Database.importCsvToNewDatabase({ out: `${dir}/c.db`, nodes: [{ files: [`${dir}/csv/nodes.csv`] }], relationships: [{ files: [`${dir}/csv/relationships.csv`] }], idType: 'actual' });
    expect(copy).toMatchObject({ nodes: 0, relationships: 0 });
  });

  it('refuses to replace files unless forced, and leaves no temporary file', async () => {
    const dir = workDir();
    const db = openDb(`${dir}/g.db`);
    write(db, (g) => g.createNode(['A'], { n: 1n }));
    writeFileSync(`${dir}/nodes.csv`, 'keep me\n');
    const refused = await db.exportCsv({ dir }).catch((e: unknown) => e);
    expect(isOmbraError(refused) && refused.code).toBe('OUTPUT_EXISTS');
    expect(readFileSync(`${dir}/nodes.csv`, 'utf8')).toBe('keep me\n');
    const forced = await db.exportCsv({ dir, force: true });
    expect(forced.nodes).toBe(1);
    expect(readFileSync(`${dir}/nodes.csv`, 'utf8')).toBe(':ID,:LABEL,n:int\n0,A,1\n');
    expect(existsSync(`${dir}/nodes.csv.tmp`)).toBe(false);
    const bad = await db.exportCsv({ dir: `${dir}/x`, arrayDelimiter: ',' }).catch((e: unknown) => e);
    expect(isOmbraError(bad) && bad.code).toBe('INVALID_ARGUMENT');
    await db.close();
  });
});
