import { spawn } from 'node:child_process';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, OmbraError } from '../../src/errors.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { acquireLock, type AcquireLockOptions, lockPathFor, readLockOwner } from '../../src/storage/lock.js';
import type { FileSystem } from '../../src/storage/types.js';

const DB = '/data/g.db';
const LOCK = '/data/g.db-lock';
const HOST = 'db-1';
const NOW = Date.parse('2026-11-23T10:00:00.000Z');

const enc = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => enc(JSON.stringify(value));

function caughtLocked(fn: () => unknown): LockedError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).code).toBe('LOCKED');
    return error as LockedError;
  }
  throw new Error('expected a LockedError, nothing was thrown');
}

/** Options for a fake process `pid` on host db-1 where only `alivePids` are running. */
function asProcess(pid: number, alivePids: number[] = [], extra: AcquireLockOptions = {}): AcquireLockOptions {
  return { pid, host: HOST, isProcessAlive: (p) => alivePids.includes(p), ...extra };
}

describe('acquireLock', () => {
  it('creates <db>-lock with pid, host, start time and version, synced; release removes it', () => {
    const fs = new SimulatedFileSystem();
    const lock = acquireLock(fs, DB, NOW, asProcess(100, [], { ombraVersion: '0.1.0' }));
    expect(lock.file).toBe(LOCK);
    expect(lockPathFor(DB)).toBe(LOCK);
    expect(lock.tookOver).toBeNull();
    const content = JSON.parse(new TextDecoder().decode(fs.snapshotFile(LOCK))) as Record<string, unknown>;
    expect(content).toMatchObject({ pid: 100, host: HOST, startedAt: '2026-11-23T10:00:00.000Z', ombraVersion: '0.1.0' });
    expect(typeof content.token).toBe('string');
    expect(readLockOwner(fs, DB)).toMatchObject({ pid: 100, host: HOST });
    expect(lock.release()).toBe(true);
    expect(fs.exists(LOCK)).toBe(false);
    expect(lock.release()).toBe(false);
    expect(readLockOwner(fs, DB)).toBeNull();
    expect(fs.openFiles()).toEqual([]);
  });

  it('refuses while a live process on this host holds it, naming pid, host and start time', () => {
    const fs = new SimulatedFileSystem();
    const holder = acquireLock(fs, DB, NOW, asProcess(4242));
    const error = caughtLocked(() => acquireLock(fs, DB, NOW + 1000, asProcess(5000, [4242])));
    expect(error.message).toBe(
      'database /data/g.db is locked by pid 4242 on host db-1 since 2026-11-23T10:00:00.000Z ' +
        '(another ombra process is writing it); open with --read-only to read a snapshot',
    );
    expect(error.details).toMatchObject({ file: LOCK, pid: 4242, host: HOST, startedAt: '2026-11-23T10:00:00.000Z' });
    expect((error as OmbraError).exitCode).toBe(3);
    expect(holder.release()).toBe(true);
  });

  it('refuses a second acquisition by the same process while the first is held', () => {
    const fs = new SimulatedFileSystem();
    const first = acquireLock(fs, DB, NOW, asProcess(100, [100]));
    const error = caughtLocked(() => acquireLock(fs, DB, NOW, asProcess(100, [100])));
    expect(error.message).toContain('this process already has it open');
    first.release();
    acquireLock(fs, DB, NOW, asProcess(100, [100])).release();
  });

  it('refuses a lock held on another host even when the pid is not running here', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile(LOCK, json({ pid: 77, host: 'db-2', startedAt: '2026-01-01T00:00:00.000Z' }));
    const error = caughtLocked(() => acquireLock(fs, DB, NOW, asProcess(100, [])));
    expect(error.details).toMatchObject({ pid: 77, host: 'db-2' });
    expect(error.message).toContain('another host');
    expect(fs.exists(LOCK)).toBe(true);
  });

  it('takes over a lock whose process is dead', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile(LOCK, json({ pid: 31337, host: HOST, startedAt: '2026-01-01T00:00:00.000Z' }));
    const lock = acquireLock(fs, DB, NOW, asProcess(100, []));
    expect(lock.tookOver).toEqual({
      owner: { pid: 31337, host: HOST, startedAt: '2026-01-01T00:00:00.000Z' },
      reason: 'dead-process',
    });
    expect(readLockOwner(fs, DB)?.pid).toBe(100);
    expect(fs.files()).toEqual([LOCK]); // the takeover guard is gone
    lock.release();
  });

  it('never deletes a lock file it cannot understand', () => {
    const garbage: Array<[string, Uint8Array]> = [
      ['not UTF-8 JSON', enc('{"pid": 12, oops')],
      ['not UTF-8 JSON', Uint8Array.from([0xff, 0xfe, 0x00])],
      ['not a JSON object', enc('[1,2,3]')],
      ['no valid pid', json({ pid: -1, host: HOST, startedAt: 'x' })],
      ['no valid host', json({ pid: 5, startedAt: 'x' })],
      ['no valid startedAt', json({ pid: 5, host: HOST })],
    ];
    for (const [problem, content] of garbage) {
      const fs = new SimulatedFileSystem();
      fs.writeFile(LOCK, content);
      const error = caughtLocked(() => acquireLock(fs, DB, NOW, asProcess(100)));
      expect(error.details).toMatchObject({ file: LOCK, problem });
      expect(error.message).toContain(LOCK);
      expect(fs.readFile(LOCK)).toEqual(content);
    }
  });

  it('takes over an empty lock file once it is older than a few seconds, not before', () => {
    let clock = NOW;
    const fs = new SimulatedFileSystem({ now: () => clock });
    fs.open(LOCK, { create: true }).close(); // a crash between create and write
    const young = caughtLocked(() => acquireLock(fs, DB, NOW + 1000, asProcess(100)));
    expect(young.details.file).toBe(LOCK);
    expect(fs.exists(LOCK)).toBe(true);
    clock = NOW + 10_000;
    const lock = acquireLock(fs, DB, NOW + 10_000, asProcess(100));
    expect(lock.tookOver).toEqual({ owner: null, reason: 'empty' });
    lock.release();
  });

  it('release never removes a lock that someone else holds now', () => {
    const fs = new SimulatedFileSystem();
    const lock = acquireLock(fs, DB, NOW, asProcess(100));
    const other = json({ pid: 200, host: HOST, startedAt: '2026-11-23T11:00:00.000Z', token: 'theirs' });
    fs.writeFile(LOCK, other); // e.g. an operator removed ours and another process took it
    expect(lock.release()).toBe(false);
    expect(fs.readFile(LOCK)).toEqual(other);
  });

  it('after a simulated crash the same process takes its old lock over; the old lock cannot release the new one', () => {
    const fs = new SimulatedFileSystem();
    const before = acquireLock(fs, DB, NOW, asProcess(100, [100]));
    fs.crash({ writes: 'apply-all' }); // the lock file survives the "reboot"
    expect(readLockOwner(fs, DB)?.pid).toBe(100);
    const after = acquireLock(fs, DB, NOW, asProcess(100, [100]));
    expect(after.tookOver?.reason).toBe('earlier-process-with-our-pid');
    expect(before.release()).toBe(false);
    expect(readLockOwner(fs, DB)?.token).toBe(after.owner.token);
    expect(after.release()).toBe(true);
  });

  it('a lock whose creation was lost in a crash is simply gone', () => {
    const fs = new SimulatedFileSystem();
    acquireLock(fs, DB, NOW, asProcess(100, [100]));
    fs.crash({ directory: 'lose-all' });
    expect(fs.exists(LOCK)).toBe(false);
    acquireLock(fs, DB, NOW, asProcess(100, [100])).release();
  });

  it('removes a takeover guard left by a process that died mid-takeover', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile(LOCK, json({ pid: 31337, host: HOST, startedAt: '2026-01-01T00:00:00.000Z' }));
    fs.writeFile(`${LOCK}.takeover`, json({ pid: 31338, host: HOST, startedAt: '2026-01-01T00:00:01.000Z' }));
    const lock = acquireLock(fs, DB, NOW, asProcess(100, []));
    expect(lock.tookOver?.reason).toBe('dead-process');
    expect(fs.files()).toEqual([LOCK]);
    lock.release();
  });

  it('waits for a live takeover guard and gives up with LOCKED', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile(LOCK, json({ pid: 31337, host: HOST, startedAt: '2026-01-01T00:00:00.000Z' }));
    fs.writeFile(`${LOCK}.takeover`, json({ pid: 555, host: HOST, startedAt: '2026-01-01T00:00:01.000Z' }));
    const error = caughtLocked(() => acquireLock(fs, DB, NOW, asProcess(100, [555])));
    expect(error.message).toContain('taking over');
    expect(fs.exists(LOCK)).toBe(true);
  });

  it('(L1) two processes racing to take over one stale lock: exactly one wins', () => {
    const sim = new SimulatedFileSystem();
    const stale = json({ pid: 31337, host: HOST, startedAt: '2026-01-01T00:00:00.000Z' });
    sim.writeFile(LOCK, stale);
    // Process B reads the stale lock; right then process A takes it over completely.
    let winnerA: ReturnType<typeof acquireLock> | null = null;
    let reads = 0;
    const interleaving: FileSystem = Object.create(sim, {
      readFile: {
        value: (file: string) => {
          const data = sim.readFile(file);
          if (file === LOCK && ++reads === 1) winnerA = acquireLock(sim, DB, NOW, asProcess(200, [200]));
          return data;
        },
      },
    }) as FileSystem;
    const error = caughtLocked(() => acquireLock(interleaving, DB, NOW, asProcess(300, [200, 300])));
    expect(error.details.pid).toBe(200);
    expect(winnerA).not.toBeNull();
    expect(readLockOwner(sim, DB)?.pid).toBe(200);
  });

  it('a failed lock write (ENOSPC) leaves no lock file behind', () => {
    const fs = new SimulatedFileSystem();
    fs.injectFault({ operation: 'write', path: LOCK, errno: 'ENOSPC' });
    try {
      acquireLock(fs, DB, NOW, asProcess(100));
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as OmbraError).code).toBe('IO_NO_SPACE');
    }
    expect(fs.exists(LOCK)).toBe(false);
    acquireLock(fs, DB, NOW, asProcess(100)).release();
  });
});

describe('acquireLock on the real file system, with a second real process', () => {
  const fs = new RealFileSystem();
  let dir: string;
  let dbPath: string;

  beforeEach(() => {
    dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'ombra-lock-'));
    dbPath = path.join(dir, 'g.db');
  });
  afterEach(() => {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses while the owning child process lives, takes over after it is killed', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const pid = child.pid!;
      const startedAt = new Date().toISOString();
      nodeFs.writeFileSync(lockPathFor(dbPath), JSON.stringify({ pid, host: os.hostname(), startedAt }), { mode: 0o600 });
      const error = caughtLocked(() => acquireLock(fs, dbPath));
      expect(error.details).toMatchObject({ pid, host: os.hostname(), startedAt, file: lockPathFor(dbPath) });
      expect(error.message).toContain(`pid ${pid}`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const lock = acquireLock(fs, dbPath);
    expect(lock.tookOver?.reason).toBe('dead-process');
    expect(lock.tookOver?.owner?.pid).toBe(child.pid);
    const owner = JSON.parse(nodeFs.readFileSync(lockPathFor(dbPath), 'utf8')) as { pid: number; host: string };
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(nodeFs.statSync(lockPathFor(dbPath)).mode & 0o777).toBe(0o600);
    expect(nodeFs.readdirSync(dir)).toEqual(['g.db-lock']);
    expect(lock.release()).toBe(true);
    expect(nodeFs.existsSync(lockPathFor(dbPath))).toBe(false);
  });

  it('a second acquisition in this process is refused until release', () => {
    const lock = acquireLock(fs, dbPath);
    expect(caughtLocked(() => acquireLock(fs, dbPath)).details.pid).toBe(process.pid);
    lock.release();
    acquireLock(fs, dbPath).release();
  });

  it('treats an empty lock file by its modification time', () => {
    const file = lockPathFor(dbPath);
    nodeFs.writeFileSync(file, '');
    caughtLocked(() => acquireLock(fs, dbPath));
    const old = new Date(Date.now() - 60_000);
    nodeFs.utimesSync(file, old, old);
    const lock = acquireLock(fs, dbPath);
    expect(lock.tookOver?.reason).toBe('empty');
    lock.release();
  });
});
