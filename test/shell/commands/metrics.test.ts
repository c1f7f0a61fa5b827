import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/database.js';
import { cli } from '../../support/cli.js';
import { cleanupObserveFixtures, databaseWithWal, workDir } from './observe-fixture.js';

afterEach(cleanupObserveFixtures);

describe('ombra metrics', () => {
  it('prints Prometheus text by default', async () => {
    const path = await databaseWithWal(workDir(), 5);
    const run = await cli('metrics', path);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('# TYPE ombra_database_pages gauge\nombra_database_pages 6\n');
    expect(run.stdout).toContain('# TYPE ombra_wal_frames_pending_checkpoint gauge\nombra_wal_frames_pending_checkpoint 6\n');
    expect(run.stdout).toContain(`ombra_info{database_id="`);
    for (const line of run.stdout.split('\n')) expect(line).toMatch(/^(|# (HELP|TYPE) ombra_\w+ .+|ombra_\w+(\{.*\})? \S+)$/);
  });

  it('prints the snapshot as one JSON object', async () => {
    const path = await databaseWithWal(workDir(), 5);
    const run = await cli('metrics', path, '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const snapshot = JSON.parse(run.stdout);
    expect(snapshot.database).toMatchObject({ path, readOnly: true, pageCount: 6, pageSizeBytes: 4096 });
    expect(snapshot.wal.framesPendingCheckpoint).toBe(6);
    expect(snapshot.health.status).toBe('healthy');
  });

  it('prints StatsD lines', async () => {
    const path = await databaseWithWal(workDir(), 5);
    const run = await cli('metrics', path, '--format', 'statsd');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^ombra\.[a-z0-9_.]+:\d+(\.\d+)?\|(c|g|ms)(\|@[\d.e-]+)?$/);
    expect(lines).toContain('ombra.database.pages:6|g');
    expect(lines).toContain('ombra.transactions.committed:0|c');
  });

  it('reads beside a live writer without taking its lock; exits 64 for an unknown format', async () => {
    const path = await databaseWithWal(workDir(), 1);
    const writer = Database.open(path, { logLevel: 'silent' });
    try {
      expect((await cli('metrics', path, '--format', 'json')).code).toBe(0);
      writer.assertWritable(); // still the writer
    } finally {
      await writer.close();
    }
    const bad = await cli('metrics', path, '--format', 'xml');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('prometheus, json, statsd');
  });
});
