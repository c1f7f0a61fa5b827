import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { diskFreeFloorBytes, evaluateHealth, type HealthInputs } from '../../src/observe/health.js';

const MIB = 1024 * 1024;

function inputs(over: Partial<HealthInputs> = {}, config: Partial<HealthInputs['config']> = {}): HealthInputs {
  return {
    nowMs: 10_000_000,
    config: { ...defaultConfig(), ...config },
    pageSizeBytes: 8192,
    wal: { logBytes: 0, framesPendingCheckpoint: 0 },
    cache: { hitRate: null, lookups: 0 },
    corruption: { total: 0, lastMessage: null },
    diskFreeBytes: 50 * 1024 * MIB,
    lastCheckpointAtMs: 0,
    lastBackupAtMs: null,
    breaker: { open: false, consecutiveFailures: 0, threshold: 5, lastError: null },
    lock: { kind: 'held', owner: null },
    ...over,
  };
}

const check = (report: ReturnType<typeof evaluateHealth>, name: string) => report.checks.find((c) => c.name === name)!;

describe('health checks', () => {
  it('HC1: the default configuration with an empty WAL is healthy, and every named check is present', () => {
    const report = evaluateHealth(inputs());
    expect(report.status).toBe('healthy');
    expect(report.checks.map((c) => c.name)).toEqual([
      'wal_size',
      'cache_hit_rate',
      'corruption',
      'disk_space',
      'checkpoint_age',
      'backup_age',
      'circuit_breaker',
      'lock',
      'access_control',
    ]);
    expect(check(report, 'access_control').message).toMatch(/^access control is off/);
  });

  it('wal_size: degraded above 1×, unhealthy when the smallest write no longer fits under 4×, healthy once checkpointed', () => {
    const max = 1 * MIB;
    const at = (logBytes: number, pending = 10) => evaluateHealth(inputs({ wal: { logBytes, framesPendingCheckpoint: pending } }, { walSizeBytesMax: max }));
    expect(at(max).status).toBe('healthy');
    expect(at(max + 1).status).toBe('degraded');
    expect(check(at(max + 1), 'wal_size')).toMatchObject({ value: max + 1, threshold: max, unit: 'bytes' });
    expect(at(4 * max - 2 * (8192 + 40)).status).toBe('degraded');
    expect(at(4 * max - 2 * (8192 + 40) + 1).status).toBe('unhealthy');
    expect(at(5 * max, 0).status).toBe('healthy'); // every frame copied: the next commit restarts the log
  });

  it('cache_hit_rate: only with a minimum configured and enough lookups', () => {
    const low = { cache: { hitRate: 0.5, lookups: 1000 } };
    expect(evaluateHealth(inputs(low)).status).toBe('healthy');
    expect(evaluateHealth(inputs(low, { healthCacheHitRateMin: 0.9 })).status).toBe('degraded');
    expect(evaluateHealth(inputs({ cache: { hitRate: 0.5, lookups: 10 } }, { healthCacheHitRateMin: 0.9 })).status).toBe('healthy');
    expect(evaluateHealth(inputs({ cache: { hitRate: 0.95, lookups: 1000 } }, { healthCacheHitRateMin: 0.9 })).status).toBe('healthy');
  });

  it('corruption: any error makes it unhealthy and names the last one', () => {
    const report = evaluateHealth(inputs({ corruption: { total: 2, lastMessage: 'page 7 of /db failed its checksum' } }));
    expect(report.status).toBe('unhealthy');
    expect(check(report, 'corruption').message).toContain('page 7');
  });

  it('disk_space: degraded below the minimum, unhealthy below the floor', () => {
    const config = { healthDiskFreeBytesMin: 100 * MIB, walSizeBytesMax: 64 * MIB };
    expect(diskFreeFloorBytes({ ...defaultConfig(), ...config })).toBe(64 * MIB);
    expect(evaluateHealth(inputs({ diskFreeBytes: 101 * MIB }, config)).status).toBe('healthy');
    expect(evaluateHealth(inputs({ diskFreeBytes: 99 * MIB }, config)).status).toBe('degraded');
    expect(evaluateHealth(inputs({ diskFreeBytes: 63 * MIB }, config)).status).toBe('unhealthy');
    expect(evaluateHealth(inputs({ diskFreeBytes: null }, config)).status).toBe('healthy');
    // With the minimum off the floor still holds (at least 16 MiB).
    expect(evaluateHealth(inputs({ diskFreeBytes: 15 * MIB }, { healthDiskFreeBytesMin: 0, walSizeBytesMax: 1 * MIB })).status).toBe('unhealthy');
  });

  it('checkpoint_age: degraded only when configured and frames wait', () => {
    const old = { lastCheckpointAtMs: 1_000_000, wal: { logBytes: 100_000, framesPendingCheckpoint: 12 } };
    expect(evaluateHealth(inputs(old)).status).toBe('healthy');
    expect(check(evaluateHealth(inputs(old)), 'checkpoint_age').value).toBe(9_000_000);
    expect(evaluateHealth(inputs(old, { healthCheckpointAgeMsMax: 60_000 })).status).toBe('degraded');
    expect(evaluateHealth(inputs({ ...old, wal: { logBytes: 0, framesPendingCheckpoint: 0 } }, { healthCheckpointAgeMsMax: 60_000 })).status).toBe('healthy');
  });

  it('backup_age: reports only without a schedule; degraded when too old or never', () => {
    expect(check(evaluateHealth(inputs({ lastBackupAtMs: 9_000_000 })), 'backup_age')).toMatchObject({ status: 'healthy', value: 1_000_000, threshold: null });
    expect(evaluateHealth(inputs({ lastBackupAtMs: null }, { healthBackupAgeMsMax: 3_600_000 })).status).toBe('degraded');
    expect(evaluateHealth(inputs({ lastBackupAtMs: 5_000_000 }, { healthBackupAgeMsMax: 3_600_000 })).status).toBe('degraded');
    expect(evaluateHealth(inputs({ lastBackupAtMs: 9_000_000 }, { healthBackupAgeMsMax: 3_600_000 })).status).toBe('healthy');
  });

  it('circuit_breaker: open is unhealthy', () => {
    const report = evaluateHealth(inputs({ breaker: { open: true, consecutiveFailures: 5, threshold: 5, lastError: 'IO: sync failed' } }));
    expect(report.status).toBe('unhealthy');
    expect(check(report, 'circuit_breaker').message).toContain('IO: sync failed');
  });

  it('lock: read-only beside a writer is reported, not a problem', () => {
    const report = evaluateHealth(inputs({ lock: { kind: 'read-only', writer: { pid: 4242, host: 'db1', startedAt: '2025-01-01T00:00:00.000Z' } } }));
    expect(report.status).toBe('healthy');
    expect(check(report, 'lock').message).toContain('pid 4242 on db1');
  });

  it('HC2: the report status is the worst check', () => {
    const report = evaluateHealth(
      inputs({ wal: { logBytes: 2 * MIB, framesPendingCheckpoint: 1 }, corruption: { total: 1, lastMessage: null } }, { walSizeBytesMax: 1 * MIB }),
    );
    expect(check(report, 'wal_size').status).toBe('degraded');
    expect(report.status).toBe('unhealthy');
  });
});
