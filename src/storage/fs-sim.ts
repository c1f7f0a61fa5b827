// A simulated file system for crash and fault tests (after SQLite's src/test6.c and
// TigerBeetle's VOPR). Everything lives in memory; a seeded RNG decides what a crash keeps.
//
// MODEL
//
//   file data   Each file (inode) has DURABLE bytes and an ordered list of PENDING operations
//               (writes, truncates) issued since its last sync. The running process reads
//               LIVE bytes: durable with the pending operations applied, in order.
//   sync()      Makes every pending operation of the file durable.
//   syncAsync() Covers the operations issued before the call; it resolves on a later
//               macrotask (setImmediate), and only then are those operations durable.
//               Operations issued after the call stay pending.
//   namespace   Creating a file, rename, unlink and mkdir change the LIVE namespace at once
//               and are queued as pending directory operations. The durable namespace is a
//               metadata journal committed in order (ext4 / XFS): syncDirectory(dir) makes
//               durable every pending directory operation up to and including the last one
//               that touches `dir`. A file whose creation never became durable is lost in a
//               crash even if its data was synced: code must sync the directory.
//   crash()     Reboot. The directory journal keeps a random prefix of its pending
//               operations (all / none when forced). Then, for each surviving file, every
//               pending write independently is APPLIED, DROPPED or TORN (only a random subset
//               of its 512-byte sectors, aligned to file offsets, reaches the disk; a write
//               inside one sector is atomic, as SQLite assumes), and every pending truncate is
//               applied or dropped. A torn write that lands any sector extends the file to its
//               end (the size reached the disk, some data did not). All handles die; the
//               file system is ready for reopening. The choices are returned as a CrashReport.
//   sync error  A failing sync (injected fault) behaves like Linux after an fsync error
//               ("fsyncgate"): the pending operations are resolved as a crash would resolve
//               them, and forgotten. The process still reads what it wrote, but a retried sync
//               will not bring back what was lost.
//   faults      injectFault() fails chosen operations with EIO / ENOSPC / EDQUOT, with the
//               same StorageError shapes as the real file system (fs-errors.ts). A failing
//               operation changes nothing. totalBytesLimit fails writes that would grow the
//               files past it with ENOSPC.
//
// Invariants:
//  (S1) Live bytes of a file = durable bytes + pending operations in order, except after a
//       failed sync (see "sync error"), where live may hold bytes that are lost on crash.
//  (S2) Bytes that were durable before a crash are unchanged by it, unless a pending
//       operation of the same file covered them (and the crash applied or tore it).
//  (S3) Same seed + same sequence of calls → same crash outcome, byte for byte.
//  (S4) Every error is a StorageError with the shape of fs-errors.ts.

import * as path from 'node:path';
import { StorageError } from '../errors.js';
import { type FsOperation, fsError, handleGoneError } from './fs-errors.js';
import type { FileHandle, FileSystem } from './types.js';

/** Crashes tear writes at this granularity (a disk sector). */
export const SECTOR_BYTES = 512;
const DEFAULT_FREE_BYTES = 2 ** 40;

export type CrashWritePolicy = 'random' | 'apply-all' | 'drop-all' | 'tear-all';
export type CrashDirectoryPolicy = 'random-prefix' | 'keep-all' | 'lose-all';

export interface CrashOptions {
  /** What happens to each pending write: random (default) or one forced outcome for all. */
  writes?: CrashWritePolicy;
  /**
   * How much of the pending directory journal survives. Default: keep-all for apply-all,
   * lose-all for drop-all, random-prefix otherwise.
   */
  directory?: CrashDirectoryPolicy;
}

export type FaultOperation = 'open' | 'read' | 'write' | 'sync' | 'truncate' | 'rename' | 'unlink' | 'syncDirectory';
export type FaultErrno = 'EIO' | 'ENOSPC' | 'EDQUOT';

export interface FaultSpec {
  operation: FaultOperation;
  /** Exact path, or a pattern; rename matches on either name. Omitted: every path. */
  path?: string | RegExp;
  errno: FaultErrno;
  /** Let this many matching operations succeed first. Default 0. */
  after?: number;
  /** Fail this many matching operations, then stay quiet. Default 1; Infinity = sticky. */
  times?: number;
}

export interface InjectedFault {
  readonly spec: FaultSpec;
  /** How many operations this fault has failed so far. */
  readonly fired: number;
  remove(): void;
}

export interface SimulatedFileSystemOptions {
  /** Seed of the crash RNG (default 1). Print it on failure so the run reproduces. */
  seed?: number;
  /** Default crash policy for crash() without options. */
  crashOptions?: CrashOptions;
  /** What freeBytes() reports. Default: totalBytesLimit minus used bytes, else 1 TiB. */
  freeBytes?: number;
  /** Writes that would make the sum of file sizes pass this fail with ENOSPC. */
  totalBytesLimit?: number;
  /** Clock for modification times (default Date.now). */
  now?: () => number;
}

export interface SimulatedFsStats {
  opens: number;
  reads: number;
  bytesRead: number;
  writes: number;
  bytesWritten: number;
  /** sync() and syncAsync() calls that succeeded. */
  syncs: number;
  directorySyncs: number;
  truncates: number;
  renames: number;
  unlinks: number;
  crashes: number;
  faultsFired: number;
}

export type CrashWriteOutcome = 'applied' | 'dropped' | 'torn';

export interface CrashReport {
  /** 1 for the first crash of this file system, 2 for the next... */
  crash: number;
  seed: number;
  writes: Array<{
    file: string;
    position: number;
    length: number;
    outcome: CrashWriteOutcome;
    /** For torn writes: the file-relative sector numbers that reached the disk. */
    sectorsWritten?: number[];
  }>;
  truncates: Array<{ file: string; length: number; outcome: 'applied' | 'dropped' }>;
  directory: { pending: number; kept: number; operations: string[] };
}

/** One line per decision, for a failing test to print. */
export function describeCrash(report: CrashReport): string {
  const lines = [`crash #${report.crash} (seed ${report.seed})`];
  lines.push(`  directory journal: kept ${report.directory.kept} of ${report.directory.pending}`);
  report.directory.operations.forEach((op, i) =>
    lines.push(`    ${i < report.directory.kept ? 'kept' : 'lost'} ${op}`),
  );
  for (const w of report.writes) {
    const sectors = w.sectorsWritten ? ` sectors [${w.sectorsWritten.join(',')}]` : '';
    lines.push(`  write ${w.file} @${w.position}+${w.length}: ${w.outcome}${sectors}`);
  }
  for (const t of report.truncates) lines.push(`  truncate ${t.file} to ${t.length}: ${t.outcome}`);
  return lines.join('\n');
}

// ── bytes of one file ────────────────────────────────────────────────────────

/** A growable byte array. Bytes past `size` are always zero, so growing exposes zeros. */
class ByteStore {
  private data: Uint8Array;
  size: number;

  constructor(data = new Uint8Array(0), size = data.length) {
    this.data = data;
    this.size = size;
  }

  bytes(): Uint8Array {
    return this.data.slice(0, this.size);
  }

  read(target: Uint8Array, offset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.size - position));
    if (n > 0) target.set(this.data.subarray(position, position + n), offset);
    return n;
  }

  /** Copy `source` to `position`, growing the file; `extendTo` may set a larger size. */
  write(source: Uint8Array, position: number, extendTo = position + source.length): void {
    this.reserve(Math.max(extendTo, position + source.length));
    this.data.set(source, position);
    this.size = Math.max(this.size, extendTo, position + source.length);
  }

  truncate(length: number): void {
    if (length < this.size) this.data.fill(0, length, this.size);
    else this.reserve(length);
    this.size = length;
  }

  /** Mutate bytes in place (corruption helpers). */
  view(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  private reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const grown = new Uint8Array(Math.max(capacity, this.data.length * 2, 4096));
    grown.set(this.data.subarray(0, this.size));
    this.data = grown;
  }
}

type PendingOp =
  | { seq: number; kind: 'write'; file: string; position: number; data: Uint8Array }
  | { seq: number; kind: 'truncate'; file: string; length: number };

class Inode {
  readonly live = new ByteStore();
  durable = new ByteStore();
  pending: PendingOp[] = [];
  nextSeq = 1;

  constructor(
    readonly id: number,
    public modifiedAtMs: number,
  ) {}
}

type DirectoryOp =
  | { kind: 'create'; path: string; inode: Inode }
  | { kind: 'unlink'; path: string }
  | { kind: 'rename'; from: string; to: string; inode: Inode }
  | { kind: 'mkdir'; path: string; modifiedAtMs: number };

function describeDirectoryOp(op: DirectoryOp): string {
  return op.kind === 'rename' ? `rename ${op.from} -> ${op.to}` : `${op.kind} ${op.path}`;
}

function directoriesTouched(op: DirectoryOp): string[] {
  return op.kind === 'rename' ? [path.posix.dirname(op.from), path.posix.dirname(op.to)] : [path.posix.dirname(op.path)];
}

function normalize(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** mulberry32: the same small PRNG as test/support/rng.ts (src must not import tests). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FaultState {
  spec: FaultSpec;
  seen: number;
  fired: number;
}

// ── handles ──────────────────────────────────────────────────────────────────

export class SimulatedFileHandle implements FileHandle {
  /** @internal */ closed = false;

  constructor(
    private readonly fs: SimulatedFileSystem,
    readonly path: string,
    /** @internal */ readonly inode: Inode,
    /** @internal */ readonly readOnly: boolean,
    /** @internal */ readonly generation: number,
  ) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number): number {
    return this.fs.handleRead(this, buffer, offset, length, position);
  }
  write(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.fs.handleWrite(this, buffer, offset, length, position);
  }
  sync(): void {
    this.fs.handleSync(this);
  }
  syncAsync(): Promise<void> {
    return this.fs.handleSyncAsync(this);
  }
  size(): number {
    this.fs.assertUsable(this, 'size');
    return this.inode.live.size;
  }
  truncate(length: number): void {
    this.fs.handleTruncate(this, length);
  }
  /** Idempotent; closing a handle killed by a crash is allowed (cleanup after the "reboot"). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fs.forgetHandle(this);
  }
}

// ── the file system ──────────────────────────────────────────────────────────

export class SimulatedFileSystem implements FileSystem {
  readonly seed: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private crashOptions: CrashOptions;
  private freeBytesOverride: number | undefined;
  private totalBytesLimit: number | undefined;

  private liveNames = new Map<string, Inode>();
  private durableNames = new Map<string, Inode>();
  private liveDirs = new Map<string, number>(); // explicit directory → modified at
  private durableDirs = new Map<string, number>();
  private pendingDirectoryOps: DirectoryOp[] = [];
  private openHandles = new Set<SimulatedFileHandle>();
  private faults: FaultState[] = [];
  private nextInodeId = 1;
  private generation = 0;
  private statistics: SimulatedFsStats = SimulatedFileSystem.zeroStats();
  private lastCrashReport: CrashReport | null = null;

  constructor(options: SimulatedFileSystemOptions = {}) {
    this.seed = (options.seed ?? 1) >>> 0;
    this.random = mulberry32(this.seed);
    this.now = options.now ?? Date.now;
    this.crashOptions = options.crashOptions ?? {};
    this.freeBytesOverride = options.freeBytes;
    this.totalBytesLimit = options.totalBytesLimit;
  }

  // ── FileSystem ─────────────────────────────────────────────────────────────

  open(filePath: string, options: { create?: boolean; readOnly?: boolean; exclusive?: boolean } = {}): SimulatedFileHandle {
    const create = options.create === true || options.exclusive === true;
    const readOnly = options.readOnly === true;
    if (readOnly && create) {
      throw new StorageError('INVALID_ARGUMENT', `open of ${filePath}: readOnly cannot be combined with create`, {
        file: filePath,
      });
    }
    this.checkFault('open', filePath);
    const key = normalize(filePath);
    if (this.isDirectory(key)) throw fsError('open', filePath, 'EISDIR');
    let inode = this.liveNames.get(key);
    if (inode !== undefined && options.exclusive === true) throw fsError('open', filePath, 'EEXIST');
    if (inode === undefined) {
      if (!create) throw fsError('open', filePath, 'ENOENT');
      this.assertParentIsDirectory('open', filePath, key);
      inode = new Inode(this.nextInodeId++, this.now());
      this.liveNames.set(key, inode);
      this.pendingDirectoryOps.push({ kind: 'create', path: key, inode });
    }
    this.statistics.opens += 1;
    const handle = new SimulatedFileHandle(this, filePath, inode, readOnly, this.generation);
    this.openHandles.add(handle);
    return handle;
  }

  exists(filePath: string): boolean {
    const key = normalize(filePath);
    return this.liveNames.has(key) || this.isDirectory(key);
  }

  modifiedAtMs(filePath: string): number {
    const key = normalize(filePath);
    const inode = this.liveNames.get(key);
    if (inode !== undefined) return inode.modifiedAtMs;
    if (this.isDirectory(key)) return this.liveDirs.get(key) ?? 0;
    throw fsError('stat', filePath, 'ENOENT');
  }

  unlink(filePath: string): void {
    this.checkFault('unlink', filePath);
    const key = normalize(filePath);
    if (!this.liveNames.has(key)) throw fsError('unlink', filePath, this.isDirectory(key) ? 'EISDIR' : 'ENOENT');
    this.liveNames.delete(key);
    this.pendingDirectoryOps.push({ kind: 'unlink', path: key });
    this.statistics.unlinks += 1;
  }

  /** Atomic rename of a file (replacing `to` if it is a file). Directories cannot be renamed here. */
  rename(from: string, to: string): void {
    this.checkFault('rename', from, to);
    const fromKey = normalize(from);
    const toKey = normalize(to);
    const inode = this.liveNames.get(fromKey);
    if (inode === undefined) {
      if (this.isDirectory(fromKey)) {
        throw new StorageError('INVALID_ARGUMENT', `rename of ${from}: the simulated file system renames files only`, {
          file: from,
        });
      }
      throw fsError('rename', from, 'ENOENT', { to });
    }
    if (this.isDirectory(toKey)) throw fsError('rename', from, 'EISDIR', { to });
    this.assertParentIsDirectory('rename', to, toKey);
    this.statistics.renames += 1;
    if (fromKey === toKey) return;
    this.liveNames.delete(fromKey);
    this.liveNames.set(toKey, inode);
    this.pendingDirectoryOps.push({ kind: 'rename', from: fromKey, to: toKey, inode });
  }

  /** Commits the directory journal up to the last pending operation touching `directory`. */
  syncDirectory(directory: string): void {
    this.checkFault('syncDirectory', directory);
    const key = normalize(directory);
    if (!this.isDirectory(key)) {
      throw fsError('syncDirectory', directory, this.liveNames.has(key) ? 'ENOTDIR' : 'ENOENT');
    }
    let last = -1;
    this.pendingDirectoryOps.forEach((op, i) => {
      if (directoriesTouched(op).includes(key)) last = i;
    });
    this.commitDirectoryOps(last + 1);
    this.statistics.directorySyncs += 1;
  }

  /** Creates missing parents too; an existing directory is not an error. */
  mkdir(directory: string): void {
    const key = normalize(directory);
    const chain: string[] = [];
    for (let d = key; d !== '/' && d !== '.'; d = path.posix.dirname(d)) chain.unshift(d);
    for (const d of chain) {
      if (this.liveNames.has(d)) throw fsError('mkdir', directory, d === key ? 'EEXIST' : 'ENOTDIR');
      if (this.liveDirs.has(d)) continue;
      const modifiedAtMs = this.now();
      this.liveDirs.set(d, modifiedAtMs);
      this.pendingDirectoryOps.push({ kind: 'mkdir', path: d, modifiedAtMs });
    }
  }

  /** Names directly inside `directory` (files and directories, explicit or implied by paths), sorted. */
  readdir(directory: string): string[] {
    const key = normalize(directory);
    if (this.liveNames.has(key)) throw fsError('readdir', directory, 'ENOTDIR');
    if (!this.isDirectory(key)) throw fsError('readdir', directory, 'ENOENT');
    const names = new Set<string>();
    for (const p of [...this.liveNames.keys(), ...this.liveDirs.keys()]) {
      const rest = childPath(key, p);
      if (rest !== undefined) names.add(rest.split('/')[0]!);
    }
    return [...names].sort();
  }

  readFile(filePath: string): Uint8Array {
    const handle = this.open(filePath, { readOnly: true });
    try {
      const data = new Uint8Array(handle.size());
      handle.read(data, 0, data.length, 0);
      return data;
    } finally {
      handle.close();
    }
  }

  /** Create or replace a small file and sync it (its directory entry needs syncDirectory). */
  writeFile(filePath: string, data: Uint8Array): void {
    const handle = this.open(filePath, { create: true });
    try {
      handle.truncate(0);
      handle.write(data, 0, data.length, 0);
      handle.sync();
    } finally {
      handle.close();
    }
  }

  freeBytes(_path: string): number {
    if (this.freeBytesOverride !== undefined) return this.freeBytesOverride;
    if (this.totalBytesLimit !== undefined) return Math.max(0, this.totalBytesLimit - this.usedBytes());
    return DEFAULT_FREE_BYTES;
  }

  // ── crash ──────────────────────────────────────────────────────────────────

  /**
   * Simulated power loss and reboot (see MODEL). Returns what was decided; the same report
   * stays available as `lastCrash`. Every handle opened before is dead afterwards.
   */
  crash(options: CrashOptions = this.crashOptions): CrashReport {
    const writes = options.writes ?? 'random';
    const directory =
      options.directory ?? (writes === 'apply-all' ? 'keep-all' : writes === 'drop-all' ? 'lose-all' : 'random-prefix');
    this.statistics.crashes += 1;
    const report: CrashReport = {
      crash: this.statistics.crashes,
      seed: this.seed,
      writes: [],
      truncates: [],
      directory: { pending: this.pendingDirectoryOps.length, kept: 0, operations: this.pendingDirectoryOps.map(describeDirectoryOp) },
    };

    const pending = this.pendingDirectoryOps.length;
    const kept =
      directory === 'keep-all' ? pending : directory === 'lose-all' ? 0 : Math.floor(this.random() * (pending + 1));
    report.directory.kept = kept;
    this.commitDirectoryOps(kept);
    this.pendingDirectoryOps = [];

    const survivors = [...new Set(this.durableNames.values())].sort((a, b) => a.id - b.id);
    for (const inode of survivors) this.resolvePending(inode, inode.pending, writes, report);

    this.liveNames = new Map(this.durableNames);
    this.liveDirs = new Map(this.durableDirs);
    for (const inode of survivors) {
      inode.pending = [];
      inode.live.truncate(0);
      inode.live.write(inode.durable.bytes(), 0);
    }
    this.generation += 1;
    this.openHandles.clear();
    this.lastCrashReport = report;
    return report;
  }

  get lastCrash(): CrashReport | null {
    return this.lastCrashReport;
  }

  setCrashOptions(options: CrashOptions): void {
    this.crashOptions = options;
  }

  // ── faults ─────────────────────────────────────────────────────────────────

  injectFault(spec: FaultSpec): InjectedFault {
    const state: FaultState = { spec: { ...spec }, seen: 0, fired: 0 };
    this.faults.push(state);
    return {
      spec: state.spec,
      get fired() {
        return state.fired;
      },
      remove: () => {
        this.faults = this.faults.filter((f) => f !== state);
      },
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  setTotalBytesLimit(limit: number | undefined): void {
    this.totalBytesLimit = limit;
  }

  setFreeBytes(bytes: number | undefined): void {
    this.freeBytesOverride = bytes;
  }

  // ── inspection and corruption ──────────────────────────────────────────────

  /** The durable bytes of the file now at `path` (its directory entry may still be pending). */
  snapshotFile(filePath: string): Uint8Array {
    return this.liveInode('stat', filePath).durable.bytes();
  }

  /** Files of the live namespace, sorted. */
  files(): string[] {
    return [...this.liveNames.keys()].sort();
  }

  /** Files that would exist after a crash that keeps no pending directory operation, sorted. */
  durableFiles(): string[] {
    return [...this.durableNames.keys()].sort();
  }

  /** Paths of handles not yet closed (a leak check for tests). */
  openFiles(): string[] {
    return [...this.openHandles].map((h) => h.path).sort();
  }

  /** Pending (unsynced) writes and truncates of a file. */
  pendingOperationCount(filePath: string): number {
    return this.liveInode('stat', filePath).pending.length;
  }

  /** Flip one bit of a synced file on "disk" (and in what the process reads). */
  flipBit(filePath: string, byteOffset: number, bit: number): void {
    if (!Number.isInteger(bit) || bit < 0 || bit > 7) {
      throw new StorageError('INVALID_ARGUMENT', `flipBit of ${filePath}: bit ${bit} is not 0..7`, { file: filePath });
    }
    this.corrupt(filePath, byteOffset, 1, (bytes) => {
      bytes[byteOffset] = bytes[byteOffset]! ^ (1 << bit);
    });
  }

  /** Zero a byte range of a synced file on "disk" (and in what the process reads). */
  zeroRange(filePath: string, offset: number, length: number): void {
    this.corrupt(filePath, offset, length, (bytes) => bytes.fill(0, offset, offset + length));
  }

  stats(): SimulatedFsStats {
    return { ...this.statistics };
  }

  resetStats(): void {
    this.statistics = SimulatedFileSystem.zeroStats();
  }

  // ── handle operations (called by SimulatedFileHandle) ──────────────────────

  /** @internal */
  assertUsable(handle: SimulatedFileHandle, operation: FsOperation): void {
    if (handle.generation !== this.generation) throw handleGoneError(operation, handle.path, 'crashed');
    if (handle.closed) throw handleGoneError(operation, handle.path, 'closed');
  }

  /** @internal */
  forgetHandle(handle: SimulatedFileHandle): void {
    this.openHandles.delete(handle);
  }

  /** @internal */
  handleRead(handle: SimulatedFileHandle, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.assertUsable(handle, 'read');
    this.checkFault('read', handle.path);
    const n = handle.inode.live.read(buffer, offset, length, position);
    this.statistics.reads += 1;
    this.statistics.bytesRead += n;
    return n;
  }

  /** @internal */
  handleWrite(handle: SimulatedFileHandle, buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.assertUsable(handle, 'write');
    this.checkFault('write', handle.path);
    if (handle.readOnly) throw fsError('write', handle.path, 'EBADF', { text: 'file opened read-only' });
    const inode = handle.inode;
    const growth = length === 0 ? 0 : Math.max(0, position + length - inode.live.size);
    if (this.totalBytesLimit !== undefined && growth > 0 && this.usedBytes() + growth > this.totalBytesLimit) {
      throw fsError('write', handle.path, 'ENOSPC');
    }
    this.statistics.writes += 1;
    if (length === 0) return; // pwrite of nothing: the file does not grow
    const data = buffer.slice(offset, offset + length);
    inode.live.write(data, position);
    inode.pending.push({ seq: inode.nextSeq++, kind: 'write', file: handle.path, position, data });
    inode.modifiedAtMs = this.now();
    this.statistics.bytesWritten += length;
  }

  /** @internal */
  handleTruncate(handle: SimulatedFileHandle, length: number): void {
    this.assertUsable(handle, 'truncate');
    this.checkFault('truncate', handle.path);
    if (handle.readOnly) throw fsError('truncate', handle.path, 'EBADF', { text: 'file opened read-only' });
    const inode = handle.inode;
    inode.live.truncate(length);
    inode.pending.push({ seq: inode.nextSeq++, kind: 'truncate', file: handle.path, length });
    inode.modifiedAtMs = this.now();
    this.statistics.truncates += 1;
  }

  /** @internal */
  handleSync(handle: SimulatedFileHandle): void {
    this.assertUsable(handle, 'sync');
    this.syncUpTo(handle, handle.inode.nextSeq - 1);
  }

  /** @internal */
  handleSyncAsync(handle: SimulatedFileHandle): Promise<void> {
    try {
      this.assertUsable(handle, 'sync');
    } catch (error) {
      return Promise.reject(error);
    }
    const coveredSeq = handle.inode.nextSeq - 1;
    const generation = this.generation;
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        try {
          if (generation !== this.generation) throw handleGoneError('sync', handle.path, 'crashed');
          this.syncUpTo(handle, coveredSeq);
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private syncUpTo(handle: SimulatedFileHandle, coveredSeq: number): void {
    const inode = handle.inode;
    const covered = inode.pending.filter((op) => op.seq <= coveredSeq);
    try {
      this.checkFault('sync', handle.path);
    } catch (error) {
      // fsyncgate: the covered operations are resolved as a crash would, then forgotten.
      this.resolvePending(inode, covered, this.crashOptions.writes ?? 'random', null);
      inode.pending = inode.pending.filter((op) => op.seq > coveredSeq);
      throw error;
    }
    for (const op of covered) applyOp(inode.durable, op, null);
    inode.pending = inode.pending.filter((op) => op.seq > coveredSeq);
    this.statistics.syncs += 1;
  }

  /** Decide and apply the fate of `ops` on the inode's durable bytes (crash or failed sync). */
  private resolvePending(inode: Inode, ops: PendingOp[], policy: CrashWritePolicy, report: CrashReport | null): void {
    for (const op of ops) {
      if (op.kind === 'truncate') {
        const applied = policy === 'apply-all' || (policy !== 'drop-all' && this.random() < 0.5);
        if (applied) applyOp(inode.durable, op, null);
        report?.truncates.push({ file: op.file, length: op.length, outcome: applied ? 'applied' : 'dropped' });
        continue;
      }
      const first = Math.floor(op.position / SECTOR_BYTES);
      const last = Math.floor((op.position + op.data.length - 1) / SECTOR_BYTES);
      const sectorCount = last - first + 1;
      let written: number[];
      const choice = policy === 'random' ? Math.floor(this.random() * 3) : -1;
      if (policy === 'apply-all' || choice === 0) written = range(first, last);
      else if (policy === 'drop-all' || choice === 1) written = [];
      else {
        written = range(first, last).filter(() => this.random() < 0.5);
        if (policy === 'tear-all' && sectorCount >= 2 && (written.length === 0 || written.length === sectorCount)) {
          // Force a real tear: toggle one sector.
          const toggle = first + Math.floor(this.random() * sectorCount);
          written = written.includes(toggle) ? written.filter((s) => s !== toggle) : [...written, toggle].sort((a, b) => a - b);
        }
      }
      const outcome: CrashWriteOutcome =
        written.length === sectorCount ? 'applied' : written.length === 0 ? 'dropped' : 'torn';
      if (outcome === 'applied') applyOp(inode.durable, op, null);
      else if (outcome === 'torn') applyOp(inode.durable, op, new Set(written));
      report?.writes.push({
        file: op.file,
        position: op.position,
        length: op.data.length,
        outcome,
        ...(outcome === 'torn' ? { sectorsWritten: written } : {}),
      });
    }
  }

  private commitDirectoryOps(count: number): void {
    for (const op of this.pendingDirectoryOps.slice(0, count)) {
      switch (op.kind) {
        case 'create':
          this.durableNames.set(op.path, op.inode);
          break;
        case 'unlink':
          this.durableNames.delete(op.path);
          break;
        case 'rename':
          this.durableNames.delete(op.from);
          this.durableNames.set(op.to, op.inode);
          break;
        case 'mkdir':
          this.durableDirs.set(op.path, op.modifiedAtMs);
          break;
      }
    }
    this.pendingDirectoryOps = this.pendingDirectoryOps.slice(count);
  }

  private checkFault(operation: FaultOperation, filePath: string, to?: string): void {
    for (const fault of this.faults) {
      const { spec } = fault;
      if (spec.operation !== operation) continue;
      if (spec.path !== undefined && !matches(spec.path, filePath) && !(to !== undefined && matches(spec.path, to))) continue;
      fault.seen += 1;
      if (fault.seen <= (spec.after ?? 0) || fault.fired >= (spec.times ?? 1)) continue;
      fault.fired += 1;
      this.statistics.faultsFired += 1;
      throw fsError(operation, filePath, spec.errno, to === undefined ? {} : { to });
    }
  }

  private isDirectory(key: string): boolean {
    if (key === '/' || key === '.' || this.liveDirs.has(key)) return true;
    for (const p of this.liveNames.keys()) if (childPath(key, p) !== undefined) return true;
    for (const d of this.liveDirs.keys()) if (childPath(key, d) !== undefined) return true;
    return false;
  }

  private assertParentIsDirectory(operation: FsOperation, filePath: string, key: string): void {
    for (let d = path.posix.dirname(key); d !== '/' && d !== '.'; d = path.posix.dirname(d)) {
      if (this.liveNames.has(d)) throw fsError(operation, filePath, 'ENOTDIR');
    }
  }

  private liveInode(operation: FsOperation, filePath: string): Inode {
    const inode = this.liveNames.get(normalize(filePath));
    if (inode === undefined) throw fsError(operation, filePath, 'ENOENT');
    return inode;
  }

  private corrupt(filePath: string, offset: number, length: number, change: (bytes: Uint8Array) => void): void {
    const inode = this.liveInode('write', filePath);
    if (inode.pending.length > 0) {
      throw new StorageError('INVALID_ARGUMENT', `corrupting ${filePath}: it has unsynced writes (sync or crash first)`, {
        file: filePath,
      });
    }
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > inode.durable.size) {
      throw new StorageError(
        'INVALID_ARGUMENT',
        `corrupting ${filePath}: range ${offset}+${length} is outside the file (${inode.durable.size} bytes)`,
        { file: filePath },
      );
    }
    change(inode.durable.view());
    change(inode.live.view());
  }

  private usedBytes(): number {
    const inodes = new Set<Inode>(this.liveNames.values());
    for (const h of this.openHandles) inodes.add(h.inode);
    let total = 0;
    for (const inode of inodes) total += inode.live.size;
    return total;
  }

  private static zeroStats(): SimulatedFsStats {
    return {
      opens: 0,
      reads: 0,
      bytesRead: 0,
      writes: 0,
      bytesWritten: 0,
      syncs: 0,
      directorySyncs: 0,
      truncates: 0,
      renames: 0,
      unlinks: 0,
      crashes: 0,
      faultsFired: 0,
    };
  }
}

/** Apply a pending operation to a byte store; `sectors` limits a write to those sectors (a tear). */
function applyOp(store: ByteStore, op: PendingOp, sectors: Set<number> | null): void {
  if (op.kind === 'truncate') {
    store.truncate(op.length);
    return;
  }
  if (sectors === null) {
    store.write(op.data, op.position);
    return;
  }
  const end = op.position + op.data.length;
  for (const sector of sectors) {
    const from = Math.max(op.position, sector * SECTOR_BYTES);
    const to = Math.min(end, (sector + 1) * SECTOR_BYTES);
    store.write(op.data.subarray(from - op.position, to - op.position), from, end);
  }
}

function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}

function matches(pattern: string | RegExp, filePath: string): boolean {
  if (typeof pattern === 'string') return normalize(pattern) === normalize(filePath);
  pattern.lastIndex = 0; // a /g or /y pattern must not carry state between checks
  return pattern.test(filePath);
}

/** The part of `p` below directory `dir`, or undefined when `p` is not strictly inside it. */
function childPath(dir: string, p: string): string | undefined {
  if (dir === '.') return p.startsWith('/') || p === '.' ? undefined : p;
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return p.startsWith(prefix) && p.length > prefix.length ? p.slice(prefix.length) : undefined;
}
