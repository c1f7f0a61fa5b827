import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { COUNTER } from '../../../src/storage/meta.js';
import { cleanupFixtures, makeDatabase, openReal, workDir } from './ops-fixture.js';

afterEach(cleanupFixtures);

const REQUIRED = [
  'formatVersion',
  'pageSizeBytes',
  'pageCount',
  'fileSizeBytes',
  'walSizeBytes',
  'walFrames',
  'freePages',
  'fragmentationPercent',
  'nodes',
  'relationships',
  'lastCheckpointAt',
  'databaseId',
  'lastLsn',
  'createdAt',
];

describe('ombra info', () => {
  it('prints every field a maintenance script needs, as JSON and as aligned text', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir, 500);
    const db = openReal(path, { create: false });
    const txn = db.pager.beginWrite();
    txn.setCounter(COUNTER.NODE_COUNT, 500n);
    txn.setCounter(COUNTER.RELATIONSHIP_COUNT, 17n);
    txn.commit();
    await db.pager.close({ checkpoint: false }); // frames stay in the WAL
    const run = await cli('info', path, '--format', 'json');
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    for (const key of REQUIRED) expect(info, key).toHaveProperty(key);
    expect(info).toMatchObject({ formatVersion: 1, pageSizeBytes: 4096, nodes: 500, relationships: 17 });
    expect(info.walFrames).toBeGreaterThan(0);
    expect(info.walSizeBytes).toBeGreaterThan(0);
    expect(info.lastCheckpointAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(info.fragmentationPercent).toBeGreaterThanOrEqual(0);
    expect(info.fileSizeBytes % 4096).toBe(0);
    const text = await cli('info', path);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    for (const key of REQUIRED) expect(lines.some((l) => l.startsWith(`${key}:`))).toBe(true);
    // Aligned: every value starts in the same column.
    const valueColumns = new Set(lines.map((l) => l.indexOf(':') + 1 + l.slice(l.indexOf(':') + 1).search(/\S/)));
    expect(valueColumns.size).toBe(1);
    expect(lines.find((l) => l.startsWith('nodes:'))).toMatch(/^nodes: +500$/);
  });

  it('works beside a process that holds the database open, and exits 3 for a missing file', async () => {
    const dir = workDir();
    const { path } = await makeDatabase(dir, 100);
    const writer = openReal(path, { create: false });
    const run = await cli('info', path, '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ lastLsn: writer.pager.lastLsn === 0n ? 0 : Number(writer.pager.lastLsn), readOnly: true });
    await writer.close();
    expect((await cli('info', `${dir}/missing.db`)).code).toBe(3);
  });
});
