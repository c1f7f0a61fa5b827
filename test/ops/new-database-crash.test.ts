// The new-database protocol (src/ops/new-database.ts) behind import into a new database, repair
// and salvage: a crash at each of its failpoints, on a simulated file system that drops, applies
// or tears every unsynced write, leaves either no database at the target (before the rename) or
// the complete one (after it) — never a half-built file — and the next attempt succeeds.
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { armFailpoint, disarmAllFailpoints, SimulatedCrash } from '../../src/storage/failpoint.js';
import type { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { testSeed } from '../support/rng.js';
import { dumpGraph } from './graph-fixture.js';
import { simFs } from './support.js';

afterEach(() => disarmAllFailpoints());

const OUT = '/data/new.db';

function writeFile(fs: SimulatedFileSystem, path: string, text: string): void {
  const handle = fs.open(path, { create: true });
  const bytes = new TextEncoder().encode(text);
  handle.write(bytes, 0, bytes.length, 0);
  handle.sync();
  handle.close();
}

function inputs(fs: SimulatedFileSystem): void {
  const persons = ['id:ID,name,age:int'];
  const knows = [':START_ID,:END_ID,since:int'];
  for (let i = 0; i < 400; i++) persons.push(`${i},p${i},${i % 70}`);
  for (let i = 0; i < 1200; i++) knows.push(`${i % 400},${(i * 7) % 400},${i}`);
  writeFile(fs, '/data/p.csv', `${persons.join('\n')}\n`);
  writeFile(fs, '/data/k.csv', `${knows.join('\n')}\n`);
  fs.syncDirectory('/data');
}

function importInto(fs: SimulatedFileSystem) {
  return Database.importCsvToNewDatabase({
    fs,
    out: OUT,
    pageSizeBytes: 4096,
    nodes: [{ files: ['/data/p.csv'], labels: ['Person'] }],
    relationships: [{ files: ['/data/k.csv'], type: 'KNOWS' }],
    idType: 'integer',
  });
}

function open(fs: SimulatedFileSystem): Database {
  return Database.open(OUT, { fs, lock: false, create: false, logLevel: 'silent', checkpointIntervalMs: 0 });
}

describe('new database crash safety', () => {
  it('a crash at any failpoint of an import leaves no database or the whole one', async () => {
    const seed = testSeed();
    // The graph a complete import gives.
    const reference = simFs(seed);
    inputs(reference);
    await importInto(reference);
    const ref = open(reference);
    const expected = dumpGraph(ref);
    await ref.close();

    const failures: string[] = [];
    const points = ['newdb.afterTempSync', 'newdb.beforeRename', 'newdb.afterRename'];
    for (const [n, name] of points.entries()) {
      for (let run = 0; run < 3; run++) {
        const fs = simFs((seed + n * 31 + run * 7919) >>> 0);
        inputs(fs);
        armFailpoint(name, (at) => {
          disarmAllFailpoints();
          fs.crash();
          throw new SimulatedCrash(at);
        });
        const outcome = await importInto(fs).then(
          () => null,
          (error: unknown) => error,
        );
        disarmAllFailpoints();
        const where = `${name} run ${run}`;
        if (!(outcome instanceof SimulatedCrash) && !(outcome instanceof Error && /simulated crash/.test(outcome.message))) {
          failures.push(`${where}: expected the simulated crash, got ${String(outcome)}`);
          continue;
        }
        if (name === 'newdb.afterRename') {
          if (!fs.exists(OUT)) {
            failures.push(`${where}: the renamed database is gone`);
            continue;
          }
          const db = open(fs);
          const got = dumpGraph(db);
          const verify = await db.verify({ level: 'full' });
          await db.close();
          if (!verify.ok) failures.push(`${where}: full verify failed: ${JSON.stringify(verify.problems.slice(0, 2))}`);
          if (JSON.stringify([...got.nodes, ...got.relationships]) !== JSON.stringify([...expected.nodes, ...expected.relationships])) failures.push(`${where}: the graph differs`);
        } else if (fs.exists(OUT)) {
          failures.push(`${where}: a database appeared at the target before the rename`);
          continue;
        }
        // The next attempt clears any leftover temporary file and succeeds (or finds the done one).
        if (!fs.exists(OUT)) {
          await importInto(fs);
          const db = open(fs);
          if (dumpGraph(db).nodes.size !== expected.nodes.size) failures.push(`${where}: the retry imported ${dumpGraph(db).nodes.size} nodes`);
          await db.close();
          if (fs.exists(`${OUT}.importing`)) failures.push(`${where}: the temporary file survived the retry`);
        }
      }
    }
    expect(failures, `[SEED=${seed}] ${failures.join('\n')}`).toEqual([]);
  });
});
