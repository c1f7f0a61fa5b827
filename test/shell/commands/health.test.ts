import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/database.js';
import { cli } from '../../support/cli.js';
import { cleanupObserveFixtures, cliWithEnv, databaseWithWal, workDir } from './observe-fixture.js';

afterEach(cleanupObserveFixtures);

describe('ombra health', () => {
  it('exits 0 for a healthy database and prints every check (text and JSON)', async () => {
    const path = await databaseWithWal(workDir(), 2);
    const text = await cli('health', path);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(`health of ${path}: healthy`);
    expect(text.stdout).toMatch(/^ {2}healthy {4}wal_size +WAL log /m);
    expect(text.stdout).toContain('access control is off');
    const json = await cli('health', path, '--format', 'json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { status: string; checks: { name: string; status: string }[]; checkedAtMs: number };
    expect(report.status).toBe('healthy');
    expect(report.checks.map((c) => c.name)).toEqual(['wal_size', 'cache_hit_rate', 'corruption', 'disk_space', 'checkpoint_age', 'backup_age', 'circuit_breaker', 'lock', 'access_control']);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 when degraded and 2 when unhealthy, with thresholds from --set, the environment or a file', async () => {
    const dir = workDir();
    const path = await databaseWithWal(dir, 20); // ≈ 83 KiB of WAL waiting for a checkpoint
    const degraded = await cli('health', path, '--set', 'walSizeBytesMax=64KiB', '--format', 'json');
    expect(degraded.code).toBe(1);
    const report = JSON.parse(degraded.stdout) as { status: string; checks: { name: string; status: string; threshold: number }[] };
    expect(report.status).toBe('degraded');
    expect(report.checks.find((c) => c.name === 'wal_size')).toMatchObject({ status: 'degraded', threshold: 65536 });
    expect((await cliWithEnv({ OMBRA_WAL_SIZE_BYTES_MAX: '65536' }, 'health', path)).code).toBe(1);

    const big = await databaseWithWal(workDir(), 70); // ≈ 290 KiB: past 4 × 64 KiB
    const unhealthy = await cli('health', big, '--set', 'walSizeBytesMax=65536');
    expect(unhealthy.code).toBe(2);
    expect(unhealthy.stdout).toMatch(/^ {2}unhealthy {2}wal_size/m);
  });

  it('runs read-only beside the writer process and changes nothing', async () => {
    const path = await databaseWithWal(workDir(), 3);
    const writer = Database.open(path, { logLevel: 'silent' });
    try {
      const run = await cli('health', path, '--format', 'json');
      expect(run.code).toBe(0);
      const lock = (JSON.parse(run.stdout) as { checks: { name: string; message: string }[] }).checks.find((c) => c.name === 'lock')!;
      expect(lock.message).toContain(`beside writer pid ${process.pid}`);
    } finally {
      await writer.close();
    }
  });

  it('exits 3 for a missing database or a bad configuration, 64 for usage errors', async () => {
    const dir = workDir();
    const missing = await cli('health', `${dir}/none.db`);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('DATABASE_NOT_FOUND');
    expect(existsSync(`${dir}/none.db`)).toBe(false);
    const path = await databaseWithWal(dir, 1);
    const bad = await cli('health', path, '--set', 'healthCacheHitRateMin=2');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('CONFIG_INVALID');
    expect(bad.stderr).toContain('healthCacheHitRateMin');
    expect((await cli('health', path, '--format', 'yaml')).code).toBe(64);
    expect((await cli('health')).code).toBe(64);
  });
});
