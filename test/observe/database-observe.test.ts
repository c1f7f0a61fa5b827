// The observer wired into the Database: health over real storage states, the write guards,
// the circuit breaker over injected I/O failures, metrics from real commits.
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { isOmbraError } from '../../src/errors.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { COUNTER } from '../../src/storage/meta.js';
import { DATA_PAGE, stamp } from '../support/pager-harness.js';

const PATH = '/data/g.db';
const open: Database[] = [];

afterEach(async () => {
  for (const db of open.splice(0)) await db.close().catch(() => undefined);
});

function simFs(): SimulatedFileSystem {
  const fs = new SimulatedFileSystem({ seed: 7 });
  fs.mkdir('/data');
  fs.syncDirectory('/');
  return fs;
}

function openDb(fs: SimulatedFileSystem, options: Parameters<typeof Database.open>[1] = {}): Database {
  const db = Database.open(PATH, { fs, pageSizeBytes: 4096, logDestination: 'memory', ...options });
  open.push(db);
  return db;
}

/** Commit one write transaction that allocates `pages` new pages. */
function writePages(db: Database, pages: number): void {
  const txn = db.pager.beginWrite();
  for (let i = 0; i < pages; i++) stamp(txn, txn.allocate(DATA_PAGE), i, 'fullPage'); // whole-page frames
  txn.commit();
}

function codeOf(body: () => unknown): string | null {
  try {
    body();
    return null;
  } catch (error) {
    return isOmbraError(error) ? error.code : String(error);
  }
}

const statusOf = (db: Database, name: string) => db.health().checks.find((c) => c.name === name)!.status;

describe('database health', () => {
  it('a freshly created database with the default configuration is Healthy (in memory and on a file system)', async () => {
    const mem = Database.open(':memory:', { logDestination: 'memory' });
    open.push(mem);
    expect(mem.health().status).toBe('healthy');
    const db = openDb(simFs(), { pageSizeBytes: 8192 });
    const report = db.health();
    expect(report.status).toBe('healthy');
    expect(report.checks.find((c) => c.name === 'lock')!.message).toContain(`pid ${process.pid}`);
    expect(db.metrics().health.status).toBe('healthy');
  });

  it('goes Degraded when the WAL passes walSizeBytesMax and back to Healthy after a checkpoint', async () => {
    const db = openDb(simFs(), { walSizeBytesMax: 64 * 1024, checkpointIntervalMs: 0 });
    writePages(db, 4);
    expect(db.health().status).toBe('healthy');
    // A reader on the old snapshot keeps the auto-checkpoint from copying the log.
    const reader = db.pager.beginRead();
    writePages(db, 20); // 20+ frames of 4 KiB: past 64 KiB
    expect(statusOf(db, 'wal_size')).toBe('degraded');
    await new Promise((resolve) => setTimeout(resolve, 20)); // the auto-checkpoint runs and can copy nothing
    expect(db.health().status).toBe('degraded');
    reader.end();
    await db.checkpoint('truncate');
    expect(db.health().status).toBe('healthy');
    expect(db.metrics().wal.logBytes).toBe(0);
  });

  it('goes Unhealthy when a reader pins the log up to the 4× limit (WAL_FULL)', async () => {
    const db = openDb(simFs(), { walSizeBytesMax: 64 * 1024, checkpointIntervalMs: 0 });
    writePages(db, 1);
    const reader = db.pager.beginRead();
    let code: string | null = null;
    for (let i = 0; i < 200 && code === null; i++) code = codeOf(() => writePages(db, 1));
    expect(code).toBe('WAL_FULL');
    expect(statusOf(db, 'wal_size')).toBe('unhealthy');
    reader.end();
    await db.checkpoint('truncate');
    expect(db.health().status).toBe('healthy');
  });

  it('reports corruption as Unhealthy once a bad page is read', async () => {
    const fs = simFs();
    const db = openDb(fs);
    writePages(db, 3);
    await db.close();
    const file = fs.open(PATH);
    file.write(new Uint8Array(64).fill(0xee), 0, 64, 4096 + 200); // inside page 1
    file.sync();
    file.close();
    const again = openDb(fs);
    const txn = again.pager.beginRead();
    expect(codeOf(() => txn.read(1))).toBe('CORRUPTION');
    txn.end();
    const report = again.health();
    expect(report.status).toBe('unhealthy');
    expect(report.checks.find((c) => c.name === 'corruption')!.value).toBe(1);
    const snapshot = again.metrics();
    expect(snapshot.storage.corruptionErrorsTotal).toBe(1);
    expect(snapshot.alerts.some((a) => a.level === 'error' && a.code === 'CORRUPTION')).toBe(true);
  });
});

describe('write guards', () => {
  it('opens the circuit breaker after N consecutive I/O failures, refuses writes with CIRCUIT_OPEN, closes on reset', async () => {
    const fs = simFs();
    const db = openDb(fs, { circuitBreakerThreshold: 3 });
    writePages(db, 1);
    for (let i = 1; i <= 3; i++) {
      expect(db.metrics().circuitBreaker.open).toBe(false);
      db.assertWritable();
      // One failed WAL sync per commit; the pager rewinds and stays usable (pager.ts R4).
      fs.injectFault({ operation: 'sync', path: `${PATH}-wal`, errno: 'EIO', times: 1 });
      expect(codeOf(() => writePages(db, 1))).toBe('IO');
    }
    const snapshot = db.metrics();
    expect(snapshot.circuitBreaker).toEqual({ open: true, consecutiveFailures: 3, threshold: 3 });
    expect(snapshot.storage.ioErrorsTotal).toBe(3);
    expect(codeOf(() => db.assertWritable())).toBe('CIRCUIT_OPEN');
    expect(codeOf(() => db.assertWritable('maintenance'))).toBe('CIRCUIT_OPEN');
    expect(codeOf(() => db.checkpoint())).toBe('CIRCUIT_OPEN');
    expect(db.health().status).toBe('unhealthy');
    expect(snapshot.alerts.some((a) => a.code === 'CIRCUIT_OPEN' && a.level === 'fatal')).toBe(true);

    db.resetCircuitBreaker();
    db.assertWritable();
    writePages(db, 1);
    expect(db.health().status).toBe('healthy');
    expect(db.metrics().circuitBreaker).toEqual({ open: false, consecutiveFailures: 0, threshold: 3 });
  });

  it('keeps reporting when the storage refuses all work (the WAL rewind failed too)', () => {
    const fs = simFs();
    const db = openDb(fs, { circuitBreakerThreshold: 1 });
    writePages(db, 1);
    fs.injectFault({ operation: 'sync', path: `${PATH}-wal`, errno: 'EIO', times: Infinity });
    expect(codeOf(() => writePages(db, 1))).toBe('IO');
    const report = db.health();
    expect(report.status).toBe('unhealthy');
    expect(report.checks[0]).toMatchObject({ name: 'storage', status: 'unhealthy' });
    expect(db.metrics().circuitBreaker.open).toBe(true);
    fs.clearFaults();
  });

  it('counts only consecutive failures: a durable commit in between starts over', () => {
    const fs = simFs();
    const db = openDb(fs, { circuitBreakerThreshold: 2 });
    const fault = fs.injectFault({ operation: 'sync', path: `${PATH}-wal`, errno: 'EIO', times: 1 });
    expect(codeOf(() => writePages(db, 1))).toBe('IO');
    expect(fault.fired).toBe(1);
    writePages(db, 1);
    fs.injectFault({ operation: 'sync', path: `${PATH}-wal`, errno: 'EIO', times: 1 });
    expect(codeOf(() => writePages(db, 1))).toBe('IO');
    expect(db.metrics().circuitBreaker).toMatchObject({ open: false, consecutiveFailures: 1 });
  });

  it('maintenance mode refuses data writes and lets maintenance jobs through', async () => {
    const db = openDb(simFs());
    writePages(db, 2);
    db.setMaintenanceMode(true);
    expect(db.maintenanceMode).toBe(true);
    expect(codeOf(() => db.assertWritable())).toBe('MAINTENANCE_MODE');
    db.assertWritable('maintenance');
    const report = await db.checkpoint('passive');
    expect(report.complete).toBe(true);
    const snapshot = db.metrics();
    expect(snapshot.database.maintenanceMode).toBe(true);
    expect(snapshot.alerts.at(-1)).toMatchObject({ level: 'warn' });
    db.setMaintenanceMode(false);
    db.assertWritable();
  });

  it('refuses writes with SHUTTING_DOWN while closing, DATABASE_CLOSED after, READ_ONLY when read-only', async () => {
    const fs = simFs();
    const db = openDb(fs);
    writePages(db, 1);
    expect(db.isReady).toBe(true);
    const closing = db.close();
    expect(db.isReady).toBe(false);
    expect(codeOf(() => db.assertWritable())).toBe('SHUTTING_DOWN');
    await closing;
    expect(codeOf(() => db.assertWritable())).toBe('DATABASE_CLOSED');

    const writer = openDb(fs);
    const reader = openDb(fs, { readOnly: true });
    expect(codeOf(() => reader.assertWritable())).toBe('READ_ONLY');
    const lock = reader.health().checks.find((c) => c.name === 'lock')!;
    expect(lock.status).toBe('healthy');
    expect(lock.message).toContain(`beside writer pid ${process.pid}`);
    await reader.close();
    await writer.close();
  });
});

describe('database metrics', () => {
  it('reports commits, latency, counts from the meta page, jobs and checkpoints', async () => {
    const db = openDb(simFs());
    for (let i = 0; i < 5; i++) writePages(db, 1);
    const txn = db.pager.beginWrite();
    txn.setCounter(COUNTER.NODE_COUNT, 12n);
    txn.setCounter(COUNTER.RELATIONSHIP_COUNT, 34n);
    txn.commit();
    const rolled = db.pager.beginWrite();
    rolled.allocate(DATA_PAGE);
    rolled.rollback();
    db.observer.recordQuery(3, { write: false });
    db.observer.recordWrites(7);
    await db.checkpoint('truncate');
    const s = db.metrics();
    expect(s.transactions.committedTotal).toBe(6);
    expect(s.transactions.rolledBackTotal).toBe(1);
    expect(s.transactions.readsTotal).toBe(1);
    expect(s.transactions.writesTotal).toBe(7);
    expect(s.commitLatencyMs.count).toBe(6);
    expect(s.commitLatencyMs.p99).toBeGreaterThan(0);
    expect(s.histograms!.commitLatencyMs.count).toBe(6);
    expect(s.database).toMatchObject({ nodes: 12, relationships: 34, readOnly: false, encrypted: false, path: PATH, lastLsn: '6' });
    expect(s.wal.checkpointsTotal).toBe(1);
    expect(s.wal.lastCheckpointDurationMs).not.toBeNull();
    expect(s.wal.lastCheckpointAtMs).toBeGreaterThan(0);
    expect(s.jobs.recent[0]).toMatchObject({ kind: 'checkpoint', state: 'succeeded' });
    expect(s.jobs.endedTotal).toEqual({ succeeded: 1, failed: 0, cancelled: 0 });
    expect(s.cache.hitRate).not.toBeNull();
    // The snapshot crosses a worker port: it must survive structured cloning unchanged.
    expect(structuredClone(s)).toEqual(s);
  });

  it('logs lifecycle events and slow operations; logLevel and slowOperationMs change live', async () => {
    const db = openDb(simFs(), { logLevel: 'info', slowOperationMs: 1000 });
    writePages(db, 1);
    await db.checkpoint('passive');
    const events = db.logger.recentLines().map((line) => JSON.parse(line) as { event?: string; level: string });
    expect(events.map((e) => e.event)).toEqual(['open', 'checkpoint']);
    db.observer.recordQuery(500, { write: false });
    expect(db.logger.recentLines()).toHaveLength(2);
    db.configure({ slowOperationMs: 100, logLevel: 'warn' });
    db.observer.recordQuery(500, { write: false });
    const last = JSON.parse(db.logger.recentLines().at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ level: 'warn', event: 'slow-operation', operation: 'query', thresholdMs: 100 });
    await db.checkpoint('passive'); // info: below the new level
    expect(db.logger.recentLines()).toHaveLength(3);
    expect(db.metrics().alerts.at(-1)!.message).toContain('slow query');
  });

  it('records the last backup for the backup_age check', () => {
    const db = openDb(simFs(), { healthBackupAgeMsMax: 60_000 });
    expect(statusOf(db, 'backup_age')).toBe('degraded');
    // Only this process's backups are known: the message says since when it has looked.
    expect(db.health().checks.find((c) => c.name === 'backup_age')!.message).toBe('no backup recorded since open: healthBackupAgeMsMax is 60 s');
    db.recordBackup(Date.now() - 1000);
    expect(statusOf(db, 'backup_age')).toBe('healthy');
    expect(db.metrics().database.lastBackupAtMs).toBeGreaterThan(0);
  });
});
