// Graceful shutdown for real: a child process commits in a loop with the shutdown handlers
// installed; SIGTERM (and SIGINT) in the middle of it must end in exit 0, every acknowledged
// commit kept, the WAL checkpointed empty and the lock released.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/database.js';
import { installShutdownHandlers } from '../../src/observe/shutdown.js';
import { COUNTER } from '../../src/storage/meta.js';
import { tempDir } from '../support/cli.js';

const fixture = fileURLToPath(new URL('../fixtures/shutdown-writer.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/src/observe/shutdown.js', import.meta.url));
const temp = tempDir('ombra-shutdown-');
afterAll(() => temp.cleanup());

function runAndSignal(path: string, signal: NodeJS.Signals, afterAcks: number): Promise<{ code: number | null; signal: string | null; output: string; errors: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!sent && (output.match(/^ack /gm)?.length ?? 0) >= afterAcks) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve({ code, signal: sig, output, errors }));
  });
}

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s in the middle of writes: exit 0, nothing to replay, lock released', async (signal) => {
    expect(existsSync(built), 'dist/ is not built (the test global setup builds it)').toBe(true);
    const path = `${temp.dir}/${signal}.db`;
    const run = await runAndSignal(path, signal, 40);
    expect(run.errors).toBe('');
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    expect(run.output).toContain(`signal ${signal}`);
    const acked = Math.max(...[...run.output.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1])));
    expect(acked).toBeGreaterThanOrEqual(40);

    // Closed cleanly: the WAL was checkpointed and truncated, the lock file removed.
    expect(statSync(`${path}-wal`).size).toBe(0);
    expect(existsSync(`${path}-lock`)).toBe(false);
    const log = readFileSync(`${path}.log`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event?: string; msg: string });
    const events = log.map((e) => e.event);
    expect(events[0]).toBe('open');
    expect(events).toContain('shutdown');
    expect(events.at(-2)).toBe('checkpoint');
    expect(events.at(-1)).toBe('close');

    const db = Database.open(path, { logDestination: 'none' });
    try {
      expect(db.pager.recovery).toMatchObject({ transactionsRecovered: 0, framesApplied: 0, invalidFrames: 0, tornTailBytes: 0, endReason: 'empty' });
      const read = db.pager.beginRead();
      const counter = Number(read.getCounter(COUNTER.FIRST_SPARE));
      const pageCount = read.pageCount;
      // Every acknowledged commit survived; commits are numbered in LSN order.
      expect(counter).toBeGreaterThanOrEqual(acked);
      expect(Number(read.lastLsn)).toBe(counter);
      // Every page of the file passes its checksum and the free list is empty (nothing leaked).
      for (let page = 0; page < pageCount; page++) expect(db.pager.pageProblemAt(page, read.snapshotSequence), `page ${page}`).toBeNull();
      expect(db.pager.freePages(read).leaves.length + db.pager.freePages(read).trunks.length).toBe(0);
      expect(pageCount).toBe(counter + 1);
      read.end();
      expect(db.health().status).toBe('healthy');
    } finally {
      await db.close();
    }
  }, 60_000);

  it('a second signal exits at once with 128 + the signal number', async () => {
    const exits: number[] = [];
    const db = Database.open(':memory:', { logDestination: 'memory' });
    let releaseSignalHandler!: () => void;
    const uninstall = installShutdownHandlers(db, {
      signals: ['SIGUSR2'],
      exit: (code) => exits.push(code),
      onSignal: () => new Promise<void>((resolve) => (releaseSignalHandler = resolve)),
    });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(db.isReady).toBe(false);
      expect(() => db.assertWritable()).toThrowError(expect.objectContaining({ code: 'SHUTTING_DOWN' }));
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(exits).toEqual([128 + constants.signals.SIGUSR2]);
      releaseSignalHandler();
      await db.close();
      await vi.waitFor(() => expect(exits.at(-1)).toBe(0));
      expect(db.logger.recentLines().some((l) => l.includes('received SIGUSR2 again'))).toBe(true);
    } finally {
      uninstall();
    }
  });

  it('exits 1 when closing does not finish within the timeout', async () => {
    const exits: number[] = [];
    const db = Database.open(':memory:', { logDestination: 'memory' });
    const uninstall = installShutdownHandlers(db, {
      signals: ['SIGUSR2'],
      exit: (code) => exits.push(code),
      timeoutMs: 20,
      onSignal: () => new Promise<void>(() => undefined), // never finishes
    });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      await vi.waitFor(() => expect(exits).toEqual([1]));
      expect(db.metrics().alerts.at(-1)!.message).toContain('did not finish within 20 ms');
    } finally {
      uninstall();
      await db.close();
    }
  });
});
