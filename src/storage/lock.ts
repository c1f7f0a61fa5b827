// The single-writer lock file `<db>-lock`: one process at a time may write a database.
//
// LOCK FILE CONTENT: UTF-8 JSON, one object
//
//   field         type     meaning
//   pid           integer  process id of the writer (> 0)
//   host          string   os.hostname() of the writer
//   startedAt     string   ISO-8601 time the lock was taken
//   ombraVersion  string   optional: the ombra version that took it
//   token         string   optional: random id of this acquisition; release() removes the
//                          file only while it still carries this token
//
// PROTOCOL acquireLock (every step goes through the FileSystem seam):
//   1. Create `<db>-lock` with O_EXCL, write the JSON, sync. Done: we hold the lock.
//   2. EEXIST: read the file and judge it:
//        other host                      → LockedError (its liveness cannot be checked here)
//        live pid on this host           → LockedError
//        our own pid, and this process   → LockedError (the database is already open here)
//          holds a live lock for the file
//        our own pid, not held here      → stale: left by an earlier process with our pid
//                                          (pid reuse after a reboot or container restart,
//                                          or a simulated crash in tests)
//        dead pid on this host (ESRCH)   → stale
//        empty, older than emptyLockStaleMs → stale (a crash between create and write)
//        empty and young                 → someone is creating it: wait briefly, re-read
//        anything else                   → LockedError naming the file: never delete what
//                                          we cannot understand
//   3. Stale: take it over under the guard file `<db>-lock.takeover` (created with O_EXCL,
//      held for two file operations): re-read the lock; only if its bytes are exactly the
//      stale bytes we judged, unlink it. Release the guard and go to step 1, where O_EXCL
//      picks one winner among all racers.
//
// Invariants:
//  (L1) Only a holder of the guard unlinks a lock it did not create, and only after seeing,
//       under the guard, the very bytes it judged stale. So two processes racing to take over
//       one stale lock cannot both win. (Residual risk, documented: if a process dies while
//       holding the guard, a later stale-guard removal can race; that needs two crashes.)
//  (L2) release() unlinks the lock only while the file carries our token.
//  (L3) Every failure to acquire is a LockedError (code LOCKED) naming pid, host and start
//       time when they are known, or a StorageError (IO...) of the file system.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { LockedError } from '../errors.js';
import { fsErrno } from './fs-errors.js';
import type { FileHandle, FileSystem } from './types.js';

/** An empty lock file older than this is a crash between create and write: taken over. */
export const EMPTY_LOCK_STALE_MS = 5_000;
/** Attempts (with a short sleep between them) while someone else is creating or taking over. */
const MAX_ATTEMPTS = 40;
const RETRY_SLEEP_MS = 5;

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  ombraVersion?: string;
  token?: string;
}

export type StaleReason = 'dead-process' | 'earlier-process-with-our-pid' | 'empty';

export interface DatabaseLock {
  /** Path of the lock file (`<db>-lock`). */
  readonly file: string;
  readonly owner: LockOwner;
  /** The stale lock this acquisition replaced, for the open log line; null when there was none. */
  readonly tookOver: { owner: LockOwner | null; reason: StaleReason } | null;
  /**
   * Remove the lock file if it is still ours (L2). Returns whether it removed it. Idempotent.
   * After a simulated crash the lock belongs to a dead "process": nothing is removed.
   */
  release(): boolean;
}

export interface AcquireLockOptions {
  /** Liveness of a pid on this host. Default: process.kill(pid, 0) (ESRCH means dead). */
  isProcessAlive?: (pid: number) => boolean;
  /** Default os.hostname(). */
  host?: string;
  /** Default process.pid (tests use others to play several processes). */
  pid?: number;
  ombraVersion?: string;
  /** Default EMPTY_LOCK_STALE_MS. */
  emptyLockStaleMs?: number;
}

/** `<db>-lock` */
export function lockPathFor(dbPath: string): string {
  return `${dbPath}-lock`;
}

/** process.kill(pid, 0): ESRCH means no such process; EPERM means it exists (another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The owner named by the lock file of `dbPath`, or null when there is no readable lock. */
export function readLockOwner(fs: FileSystem, dbPath: string): LockOwner | null {
  const bytes = readIfExists(fs, lockPathFor(dbPath));
  if (bytes === null) return null;
  const parsed = parseLock(bytes);
  return 'owner' in parsed ? parsed.owner : null;
}

/** Locks this process holds, per file system, so a second open in the same process is refused. */
const heldLocks = new WeakMap<FileSystem, Map<string, HeldLock>>();

/**
 * Take the single-writer lock of `dbPath` (see PROTOCOL). Cost: a few small file operations
 * and one fdatasync; when another process is mid-creation, up to ~0.2 s of retries.
 * Throws LockedError when another live process (or another host) holds it.
 */
export function acquireLock(
  fs: FileSystem,
  dbPath: string,
  now: number = Date.now(),
  options: AcquireLockOptions = {},
): DatabaseLock {
  const file = lockPathFor(dbPath);
  const me: LockOwner = {
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
    startedAt: new Date(now).toISOString(),
    ...(options.ombraVersion !== undefined ? { ombraVersion: options.ombraVersion } : {}),
    token: randomBytes(8).toString('hex'),
  };
  const alive = options.isProcessAlive ?? isProcessAlive;
  const emptyStaleMs = options.emptyLockStaleMs ?? EMPTY_LOCK_STALE_MS;
  let tookOver: DatabaseLock['tookOver'] = null;

  for (let attempt = 1; ; attempt++) {
    const handle = tryCreateLock(fs, file, me);
    if (handle !== null) {
      const lock = new HeldLock(fs, file, me, tookOver, handle);
      registryFor(fs).set(registryKey(file), lock);
      return lock;
    }
    const lastAttempt = attempt >= MAX_ATTEMPTS;
    const bytes = readIfExists(fs, file);
    if (bytes === null) {
      // Released between our create and our read: try again.
      if (lastAttempt) throw busyError(dbPath, file, 'its lock file keeps changing');
      continue;
    }

    const verdict = judge(fs, file, bytes, me, alive, now, emptyStaleMs);
    if (verdict.kind === 'locked') throw lockedError(dbPath, file, verdict.owner, verdict.why);
    if (verdict.kind === 'garbage') throw garbageError(dbPath, file, verdict.problem);
    if (verdict.kind === 'busy') {
      if (lastAttempt) throw busyError(dbPath, file, 'its lock file is being created by another process');
      sleep(RETRY_SLEEP_MS);
      continue;
    }
    // Stale: unlink it under the guard (L1); step 1 then decides who wins.
    const removed = unlinkUnderGuard(fs, file, bytes, me, alive, now, emptyStaleMs);
    if (removed === 'removed') tookOver = { owner: verdict.owner, reason: verdict.reason };
    else if (removed === 'busy') {
      if (lastAttempt) throw busyError(dbPath, file, 'another process is taking over its stale lock');
      sleep(RETRY_SLEEP_MS);
    }
    if (lastAttempt) throw busyError(dbPath, file, 'its lock file keeps changing');
  }
}

// ── the held lock ────────────────────────────────────────────────────────────

class HeldLock implements DatabaseLock {
  private released = false;

  constructor(
    private readonly fs: FileSystem,
    readonly file: string,
    readonly owner: LockOwner,
    readonly tookOver: DatabaseLock['tookOver'],
    /** Kept open for the lock's lifetime: a simulated crash kills it, ending our ownership. */
    private readonly handle: FileHandle,
  ) {}

  /** Held by this process right now (not released, and its file system has not "rebooted"). */
  isLive(): boolean {
    if (this.released) return false;
    try {
      this.handle.size();
      return true;
    } catch {
      return false;
    }
  }

  release(): boolean {
    if (this.released) return false;
    const live = this.isLive();
    this.released = true;
    const registry = registryFor(this.fs);
    if (registry.get(registryKey(this.file)) === this) registry.delete(registryKey(this.file));
    try {
      if (!live) return false;
      const bytes = readIfExists(this.fs, this.file);
      if (bytes === null) return false;
      const parsed = parseLock(bytes);
      if (!('owner' in parsed) || parsed.owner.token !== this.owner.token || parsed.owner.pid !== this.owner.pid) {
        return false; // (L2) someone else's lock now: never delete it
      }
      this.fs.unlink(this.file);
      return true;
    } finally {
      this.handle.close();
    }
  }
}

function registryFor(fs: FileSystem): Map<string, HeldLock> {
  let registry = heldLocks.get(fs);
  if (registry === undefined) {
    registry = new Map();
    heldLocks.set(fs, registry);
  }
  return registry;
}

function registryKey(file: string): string {
  return path.resolve(file);
}

// ── judging an existing lock file ────────────────────────────────────────────

type Verdict =
  | { kind: 'locked'; owner: LockOwner; why: string }
  | { kind: 'garbage'; problem: string }
  | { kind: 'busy' }
  | { kind: 'stale'; owner: LockOwner | null; reason: StaleReason };

function judge(
  fs: FileSystem,
  file: string,
  bytes: Uint8Array,
  me: LockOwner,
  alive: (pid: number) => boolean,
  now: number,
  emptyStaleMs: number,
): Verdict {
  if (bytes.length === 0) {
    // Without modification times we cannot tell a crashed creation from a slow one: wait.
    const age = fs.modifiedAtMs === undefined ? undefined : now - fs.modifiedAtMs(file);
    return age !== undefined && age >= emptyStaleMs ? { kind: 'stale', owner: null, reason: 'empty' } : { kind: 'busy' };
  }
  const parsed = parseLock(bytes);
  if (!('owner' in parsed)) return { kind: 'garbage', problem: parsed.problem };
  const owner = parsed.owner;
  if (owner.host !== me.host) {
    return { kind: 'locked', owner, why: 'a process on another host is writing it; its liveness cannot be checked from here' };
  }
  if (owner.pid === me.pid) {
    const held = registryFor(fs).get(registryKey(file));
    if (held !== undefined && held.isLive()) {
      return { kind: 'locked', owner, why: 'this process already has it open for writing' };
    }
    return { kind: 'stale', owner, reason: 'earlier-process-with-our-pid' };
  }
  if (alive(owner.pid)) return { kind: 'locked', owner, why: 'another ombra process is writing it' };
  return { kind: 'stale', owner, reason: 'dead-process' };
}

function parseLock(bytes: Uint8Array): { owner: LockOwner } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { problem: 'not UTF-8 JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || !Number.isSafeInteger(v.pid) || v.pid <= 0) return { problem: 'no valid pid' };
  if (typeof v.host !== 'string' || v.host === '') return { problem: 'no valid host' };
  if (typeof v.startedAt !== 'string') return { problem: 'no valid startedAt' };
  const owner: LockOwner = { pid: v.pid, host: v.host, startedAt: v.startedAt };
  if (typeof v.ombraVersion === 'string') owner.ombraVersion = v.ombraVersion;
  if (typeof v.token === 'string') owner.token = v.token;
  return { owner };
}

// ── file steps ───────────────────────────────────────────────────────────────

/** Step 1: O_EXCL create + write + sync. Null when the file exists. */
function tryCreateLock(fs: FileSystem, file: string, content: LockOwner): FileHandle | null {
  let handle: FileHandle;
  try {
    handle = fs.open(file, { exclusive: true });
  } catch (error) {
    if (fsErrno(error) === 'EEXIST') return null;
    throw error;
  }
  try {
    const bytes = new TextEncoder().encode(`${JSON.stringify(content)}\n`);
    handle.write(bytes, 0, bytes.length, 0);
    handle.sync();
    return handle;
  } catch (error) {
    // A half-written lock of ours must not block the next attempt (ENOSPC, EIO).
    handle.close();
    try {
      fs.unlink(file);
    } catch {
      // Already reported below; an empty leftover is taken over once it is old.
    }
    throw error;
  }
}

/**
 * Step 3 (L1): under the guard, unlink `file` only if it still holds `staleBytes`.
 * 'removed' | 'changed' (someone else acted; re-judge) | 'busy' (another takeover is running).
 */
function unlinkUnderGuard(
  fs: FileSystem,
  file: string,
  staleBytes: Uint8Array,
  me: LockOwner,
  alive: (pid: number) => boolean,
  now: number,
  emptyStaleMs: number,
): 'removed' | 'changed' | 'busy' {
  const guard = `${file}.takeover`;
  const guardHandle = tryCreateLock(fs, guard, me);
  if (guardHandle === null) {
    // A guard exists. If its owner died mid-takeover, remove it (compare-then-unlink) and retry.
    const guardBytes = readIfExists(fs, guard);
    if (guardBytes === null) return 'changed';
    const verdict = judge(fs, guard, guardBytes, me, alive, now, emptyStaleMs);
    if (verdict.kind === 'stale' && sameBytes(readIfExists(fs, guard), guardBytes)) {
      unlinkIfExists(fs, guard);
      return 'changed';
    }
    if (verdict.kind === 'garbage') {
      throw new LockedError(`lock takeover guard ${guard} cannot be understood (${verdict.problem}); remove it if no ombra process is running`, {
        file: guard,
        problem: verdict.problem,
      });
    }
    return 'busy';
  }
  try {
    if (!sameBytes(readIfExists(fs, file), staleBytes)) return 'changed';
    fs.unlink(file);
    return 'removed';
  } finally {
    guardHandle.close();
    unlinkIfExists(fs, guard);
  }
}

function readIfExists(fs: FileSystem, file: string): Uint8Array | null {
  try {
    return fs.readFile(file);
  } catch (error) {
    if (fsErrno(error) === 'ENOENT') return null;
    throw error;
  }
}

function unlinkIfExists(fs: FileSystem, file: string): void {
  try {
    fs.unlink(file);
  } catch (error) {
    if (fsErrno(error) !== 'ENOENT') throw error;
  }
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

// ── errors ───────────────────────────────────────────────────────────────────

function lockedError(dbPath: string, file: string, owner: LockOwner, why: string): LockedError {
  return new LockedError(
    `database ${dbPath} is locked by pid ${owner.pid} on host ${owner.host} since ${owner.startedAt} (${why}); ` +
      'open with --read-only to read a snapshot',
    { file, database: dbPath, pid: owner.pid, host: owner.host, startedAt: owner.startedAt },
  );
}

function garbageError(dbPath: string, file: string, problem: string): LockedError {
  return new LockedError(
    `database ${dbPath} is locked: its lock file ${file} cannot be understood (${problem}); ` +
      'if no ombra process is writing the database, remove that file',
    { file, database: dbPath, problem },
  );
}

function busyError(dbPath: string, file: string, why: string): LockedError {
  return new LockedError(`database ${dbPath} is locked: ${why} (${file}); try again`, { file, database: dbPath });
}
