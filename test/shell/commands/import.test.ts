// ombra import: CSV in neo4j-admin's format into a new or an existing database; --format json
// report; a malformed file exits 1 naming file, line and column, and imports nothing; progress
// on stderr only when it is a TTY; usage errors exit 64, an unopenable database 3.
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { cleanupDirs, dumpGraph, openDb, workDir, write } from '../../ops/graph-fixture.js';
import { cliTty } from './ops-fixture.js';

afterEach(cleanupDirs);

function csv(dir: string): { persons: string; knows: string } {
  const persons = `${dir}/persons.csv`;
  const knows = `${dir}/knows.csv`;
  writeFileSync(persons, 'id:ID,name,age:int,tags:string[]\n1,Ann,31,a;b\n2,"Bo, Jr",42,\n3,Cy,,x\n');
  writeFileSync(knows, ':START_ID,:END_ID,since:int\n1,2,2001\n2,3,\n3,1,1999\n');
  return { persons, knows };
}

describe('ombra import', () => {
  it('creates a new database and prints a JSON report', async () => {
    const dir = workDir();
    const { persons, knows } = csv(dir);
    const run = await cli('import', `${dir}/g.db`, '--nodes', `Person=${persons}`, '--relationships', `KNOWS=${knows}`, '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ nodes: 3, relationships: 3, created: true, target: `${dir}/g.db` });
    expect(report.files).toEqual([expect.objectContaining({ file: persons, kind: 'nodes', rows: 3 }), expect.objectContaining({ file: knows, kind: 'relationships', rows: 3 })]);
    const db = openDb(`${dir}/g.db`, { create: false });
    expect(db.query('MATCH (a:Person)-[k:KNOWS]->(b) RETURN a.name, b.name, k.since ORDER BY a.name').rows).toEqual([
      ['Ann', 'Bo, Jr', 2001n],
      ['Bo, Jr', 'Cy', null],
      ['Cy', 'Ann', 1999n],
    ]);
    await db.close();
  });

  it('imports into an existing database and prints a text summary', async () => {
    const dir = workDir();
    const { persons, knows } = csv(dir);
    const db = openDb(`${dir}/g.db`);
    write(db, (g) => g.createNode(['Person'], { name: 'Old' }));
    await db.close();
    const run = await cli('import', `${dir}/g.db`, '--nodes', `Person:Member=${persons}`, '--relationships', `KNOWS=${knows}`, '--id-type', 'integer');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^imported 3 node\(s\) and 3 relationship\(s\) into .*g\.db \(/);
    expect(run.stdout).toContain(`nodes         ${persons}: 3 row(s)`);
    const again = openDb(`${dir}/g.db`, { create: false });
    expect(again.query('MATCH (p:Member) RETURN count(p)').rows).toEqual([[3n]]);
    expect(again.query('MATCH (p:Person) RETURN count(p)').rows).toEqual([[4n]]);
    await again.close();
  });

  it('a malformed file exits 1 naming file, line and column; nothing is imported', async () => {
    const dir = workDir();
    const { persons } = csv(dir);
    const bad = `${dir}/bad.csv`;
    writeFileSync(bad, ':START_ID,:END_ID,since:int\n1,2,2001\n2,3,soon\n');
    const fresh = await cli('import', `${dir}/new.db`, '--nodes', persons, '--relationships', `KNOWS=${bad}`);
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toContain(`IMPORT_CSV: ${bad}: line 3, column 3:`);
    expect(existsSync(`${dir}/new.db`)).toBe(false);

    const db = openDb(`${dir}/g.db`);
    write(db, (g) => g.createNode(['Keep'], {}));
    const before = dumpGraph(db);
    await db.close();
    const existing = await cli('import', `${dir}/g.db`, '--nodes', persons, '--relationships', `KNOWS=${bad}`, '--format', 'json');
    expect(existing.code).toBe(1);
    expect(existing.stdout).toBe('');
    expect(existing.stderr).toContain('line 3, column 3');
    const after = openDb(`${dir}/g.db`, { create: false });
    expect(dumpGraph(after)).toEqual(before);
    await after.close();
  });

  it('draws progress on stderr when it is a TTY, never on stdout', async () => {
    const dir = workDir();
    const { persons, knows } = csv(dir);
    const tty = await cliTty('import', `${dir}/g.db`, '--nodes', persons, '--relationships', `KNOWS=${knows}`, '--format', 'json');
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('import: ');
    expect(JSON.parse(tty.stdout)).toMatchObject({ nodes: 3 });
  });

  it('exits 64 for usage errors and 3 when the database cannot be opened', async () => {
    const dir = workDir();
    const { persons } = csv(dir);
    expect((await cli('import', `${dir}/g.db`)).code).toBe(64);
    expect((await cli('import', `${dir}/g.db`, '--nodes', persons, '--id-type', 'uuid')).code).toBe(64);
    expect((await cli('import', `${dir}/g.db`, '--nodes', persons, '--format', 'yaml')).code).toBe(64);
    expect(existsSync(`${dir}/g.db`)).toBe(false);
    writeFileSync(`${dir}/junk.db`, 'this is not a database, but it is long enough to have a header'.repeat(200));
    expect((await cli('import', `${dir}/junk.db`, '--nodes', persons)).code).toBe(3);
  });
});
