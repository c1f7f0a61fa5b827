// The write-ahead log: appends transactions as frames, syncs them (group commit), keeps the
// in-memory index of which frame holds which page version, recovers on open, restarts.
// The byte layout and the validity rule are in wal-format.ts.
//
// Frames are named by a global sequence number that never goes back, across restarts of
// the log (frame i of a generation holds sequence base + i + 1). Readers remember the
// sequence of the last commit they may see (their snapshot); comparing sequences stays
// meaningful after the log restarts, which keeps the checkpoint rules simple (pager.ts).
// Frames differ in length (a page's hole is left out, wal-format.ts), so the log keeps the
// file offset of each of its frames.
//
// COMMIT PROTOCOL (the pager drives it; sync barriers marked ══)
//   1. writeTransaction(): one positioned write of every frame of the transaction, the last
//      one carrying the commit marker; when they grew the file, a step of zeros past them (W7).
//      Failpoint 'wal.afterFrameWrite'. On an error nothing is published and the write
//      position stays where it was.
//   2. publish(): the frames enter the index; later transactions and new readers see them.
//   3. ══ syncNow() or requestSync(): fdatasync of the WAL. Failpoints 'wal.beforeCommitSync',
//      'wal.afterCommitSync'. The transaction is durable — and only now acknowledged — when
//      the sync that covers its commit frame returns.
//   Group commit: requestSync() called while a sync is in flight waits for the next sync,
//   which covers every frame written until it starts; groupCommitIntervalMs lets the first
//   committer wait a little for company, groupCommitMaxTransactions cuts the wait short.
//   Without an interval a sync starts one event-loop turn after it is requested (startSoon),
//   so committers woken by the previous sync join it.
//
// Invariants:
//  (W1) The index only holds frames of committed transactions (commit frame written).
//  (W2) durableSequence ≤ committedSequence; a frame is durable iff its sequence ≤ durableSequence.
//  (W3) The running checksum of the next frame to be written is seeded with the checksum of
//       the last committed frame (or the header's).
//  (W4) Before a frame is written after recovery or a rewind discarded frames, the file is cut
//       at the end of the committed prefix and the cut is synced (cutDiscardedTail): a
//       discarded transaction can never chain onto the log again.
//  (W5) The header of a new generation is synced before its first frame is written.
//  (W6) A sync waiter is released only by a sync that covered its frames: rewindTo rejects the
//       waiters of the frames it discards (their sequences are reused), and a sync that was in
//       flight across a rewind releases no one.
//  (W7) Preallocation: a transaction whose frames grow the file also writes a step of zeros
//       (whole frames) past them, made durable by its own commit sync, which journals a new
//       file size anyway; in an empty file the zeros go before the header and its sync (W5).
//       Later commits overwrite that space, so their fdatasync writes data only, with no size
//       change to journal (an append's sync costs more than an overwrite's on ext4; SQLite
//       reuses its WAL and PostgreSQL zero-fills its segments ahead for the same reason). No
//       extra sync: correctness never depends on the zeros, since a zero frame fails the salt
//       test (salt-1 is never 0) and so ends the log like any stale frame, whether or not it
//       reached the disk. The step doubles with the file, from 4 frames up to
//       preallocationStepBytesMax (pager: walSizeBytesMax / 8, at most 8 MiB); a step whose
//       write fails (ENOSPC) is cut back and skipped. Recovery reports the zeros as
//       preallocatedFrames, not invalidFrames, and cuts them with the tail (W4). The pager's
//       stats keep the log's own bytes (logBytes) apart from the file's size (walFileBytes).

import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { CorruptionError, StorageError } from '../errors.js';
import { failpoint } from './failpoint.js';
import { holeLength, holeStart } from './free-space.js';
import { pageProblem } from './page.js';
import type { FileHandle, FileSystem, PageId } from './types.js';
import {
  FRAME_HEADER_BYTES,
  FrameWalker,
  WAL_HEADER_BYTES,
  decodeFrameHeader,
  decodeWalHeader,
  encodeSealedFrame,
  encodeWalHeader,
  frameBytes,
  frameLength,
  isZero,
  packImage,
  unpackFrame,
} from './wal-format.js';

/** What recovery found in the log on open. */
export interface RecoveryReport {
  /** Committed transactions replayed into the index. */
  transactionsRecovered: number;
  /** Frames of those transactions. */
  framesApplied: number;
  /**
   * Frames after the end of the log that were not replayed: valid frames of a transaction
   * without its commit frame, then the bytes after them counted in frames of a whole page.
   */
  invalidFrames: number;
  /**
   * Zero-filled space from the first all-zero frame header to the end of the file, in frames
   * of a whole page (rounded up): space the log had preallocated (W7), not counted in
   * invalidFrames.
   */
  preallocatedFrames: number;
  /** Bytes at the very end that do not make a whole frame. */
  tornTailBytes: number;
  /** Why the log ended where it did. */
  endReason: 'empty' | 'end-of-file' | 'preallocated' | 'stale-salt' | 'checksum-mismatch' | 'page-mismatch' | 'bad-header' | 'uncommitted-tail';
  /** Index of the frame where the log ended (the first frame not replayed). */
  endSlot: number;
  /** LSN of the last recovered transaction (0 when none). */
  lastLsn: bigint;
}

/** One committed transaction in the current log generation. */
export interface CommitRecord {
  lsn: bigint;
  /** Sequence of its commit frame. */
  sequence: number;
  /** Sequence of its first frame. */
  firstSequence: number;
  commitTimeMs: number;
  pageCount: number;
}

export interface PendingTransaction {
  readonly firstSequence: number;
  readonly commitSequence: number;
  readonly pages: readonly PageId[];
  readonly record: CommitRecord;
  /** Running checksum after the commit frame. */
  readonly checksumAfter: number;
  readonly slotAfter: number;
  /** File offset of each frame. */
  readonly frameStarts: readonly number[];
  /** File offset just past the commit frame. */
  readonly endAfter: number;
}

export interface WalCounters {
  framesWritten: number;
  bytesWritten: number;
  syncs: number;
  transactionsWritten: number;
  restarts: number;
}

export interface GroupCommitSettings {
  intervalMs: number;
  maxTransactions: number;
}

/** Frames of the smallest preallocation step (W7). */
const PREALLOCATION_STEP_FRAMES_MIN = 4;
/** Largest preallocation step by default (W7); the pager lowers it for small walSizeBytesMax. */
export const PREALLOCATION_STEP_BYTES_MAX = 8 * 1024 * 1024;
/** Zeros written per write call while preallocating. */
const ZERO_CHUNK_BYTES = 1024 * 1024;
let zeroChunk: Uint8Array | null = null;

interface SyncWaiter {
  sequence: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteAheadLog {
  private file: FileHandle;
  private readonly pageSizeBytes: number;
  private readonly frameSize: number;
  // Current generation.
  private salt1 = 0;
  private salt2 = 0;
  private checkpointSequence = 0;
  private sequenceBase = 0;
  private headerChecksum = 0;
  /** Committed frames of this generation (the index of the next frame). */
  private nextSlot = 0;
  /** File offset of each committed frame of this generation. */
  private frameStarts: number[] = [];
  /** File offset just past the last committed frame: where the next frame goes. */
  private endOffset = WAL_HEADER_BYTES;
  private lastChecksum = 0;
  /** True when the header of the current generation still has to be written. */
  private headerPending = true;
  /** False while the current generation is a recovered version 1 log: its frames keep whole pages. */
  private leavesHoles = true;
  /**
   * Size of the WAL file as this process left it: committed frames, then stale frames of an
   * earlier generation or preallocated zeros (W7). Frames that end past it grow the file.
   */
  private fileBytes = 0;
  /** Largest step the file grows by ahead of the log (W7); 0 turns preallocation off. */
  preallocationStepBytesMax = PREALLOCATION_STEP_BYTES_MAX;
  /** page → ascending sequences of its committed frames in this generation (invariant W1). */
  private readonly index = new Map<PageId, number[]>();
  private readonly commitRecords: CommitRecord[] = [];
  private committed = 0;
  private durable = 0;
  private syncInFlight: Promise<void> | null = null;
  private waiters: SyncWaiter[] = [];
  private groupTimer: NodeJS.Timeout | null = null;
  private scratch = new Uint8Array(0);
  /** One frame read into (readFrame with a target). */
  private readScratch: Uint8Array | null = null;
  readonly counters: WalCounters = { framesWritten: 0, bytesWritten: 0, syncs: 0, transactionsWritten: 0, restarts: 0 };
  groupCommit: GroupCommitSettings = { intervalMs: 0, maxTransactions: 64 };
  /** Called with the duration of each WAL sync (metrics). */
  onSync: ((durationMs: number) => void) | null = null;

  private constructor(
    readonly path: string,
    file: FileHandle,
    pageSizeBytes: number,
    private readonly readOnly: boolean,
  ) {
    this.file = file;
    this.pageSizeBytes = pageSizeBytes;
    this.frameSize = frameBytes(pageSizeBytes);
  }

  /**
   * Open (creating if needed) and recover the log. Read-only opens never write, and
   * tolerate a missing file (an empty log).
   */
  static open(fs: FileSystem, path: string, pageSizeBytes: number, options: { readOnly: boolean; sequenceFloor?: number }): { wal: WriteAheadLog; report: RecoveryReport } {
    let file: FileHandle;
    if (options.readOnly && !fs.exists(path)) {
      file = emptyHandle(path);
    } else {
      const created = !fs.exists(path);
      file = fs.open(path, { create: !options.readOnly, readOnly: options.readOnly });
      // A new log must survive a crash as a directory entry too, or its synced frames vanish with it.
      if (created) fs.syncDirectory(dirname(path));
    }
    const wal = new WriteAheadLog(path, file, pageSizeBytes, options.readOnly);
    const report = wal.recover(options.sequenceFloor ?? 0);
    return { wal, report };
  }

  /** Sequence of the last committed frame (what a new reader sees). */
  get committedSequence(): number {
    return this.committed;
  }

  /** Sequence of the last frame known durable. */
  get durableSequence(): number {
    return this.durable;
  }

  /** First sequence of the current generation, minus one. */
  get generationBase(): number {
    return this.sequenceBase;
  }

  /** Frames of committed transactions in the current generation. */
  get frameCount(): number {
    return this.nextSlot;
  }

  get sizeBytes(): number {
    return this.file.size();
  }

  /** Bytes the current generation's committed frames occupy (what a checkpoint would retire). */
  get logBytes(): number {
    return this.nextSlot === 0 ? 0 : this.endOffset;
  }

  get commits(): readonly CommitRecord[] {
    return this.commitRecords;
  }

  get salts(): [number, number] {
    return [this.salt1, this.salt2];
  }

  /** Pages with at least one committed frame in the current generation. */
  pagesInLog(): IterableIterator<[PageId, number[]]> {
    return this.index.entries();
  }

  /** Sequence of the newest frame of `pageId` at or before `atSequence`, or 0 (read the database file). */
  versionAt(pageId: PageId, atSequence: number): number {
    const versions = this.index.get(pageId);
    if (versions === undefined) return 0;
    // Newest first: the common case is a recent snapshot.
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]! <= atSequence) return versions[i]!;
    }
    return 0;
  }

  /** Sequence of the newest committed frame of `pageId`, or 0. */
  newestVersion(pageId: PageId): number {
    const versions = this.index.get(pageId);
    return versions === undefined ? 0 : versions[versions.length - 1]!;
  }

  /**
   * Read the page image of frame `sequence` (verified: P1 and the frame's salts): a new page
   * buffer, or rebuilt into `into` (a page-sized buffer the caller reuses).
   */
  readFrame(sequence: number, into?: Uint8Array): Uint8Array {
    const slot = sequence - this.sequenceBase - 1;
    if (slot < 0 || slot >= this.nextSlot) {
      throw new StorageError('INTERNAL', `WAL frame sequence ${sequence} is not in the current log (base ${this.sequenceBase}, ${this.nextSlot} frames)`, {
        file: this.path,
        sequence,
      });
    }
    const frame = (this.readScratch ??= new Uint8Array(this.frameSize));
    const start = this.frameStarts[slot]!;
    const read = this.file.read(frame, 0, Math.min(this.frameSize, this.endOffset - start), start);
    const header = decodeFrameHeader(frame);
    const page = into ?? new Uint8Array(this.pageSizeBytes);
    if (header.salt1 !== this.salt1 || header.salt2 !== this.salt2 || unpackFrame(frame, header, read, page) !== 'ok') {
      throw new CorruptionError(`WAL frame ${slot} of ${this.path} changed under a reader (expected salts of the current log)`, {
        file: this.path,
        frame: slot,
        pageNumber: header.pageNumber,
      });
    }
    const problem = pageProblem(page, header.pageNumber);
    if (problem !== null) {
      throw new CorruptionError(`page ${header.pageNumber} in WAL frame ${slot} of ${this.path} is corrupt: ${problem}`, {
        file: this.path,
        frame: slot,
        pageNumber: header.pageNumber,
        problem,
      });
    }
    return page;
  }

  /**
   * Step 1 of the commit protocol: write every frame of a transaction in one write.
   * `pages` are sealed images in the order to write (page.ts P2: each frame's checksum is
   * derived from the page's own, encodeSealedFrame), each with its hole (free-space.ts; zeros,
   * left out of the frame); the last frame carries the commit marker.
   */
  writeTransaction(pages: readonly { pageId: PageId; image: Uint8Array; hole: number }[], lsn: bigint, pageCount: number, commitTimeMs: number): PendingTransaction {
    this.assertWritable();
    if (pages.length === 0) throw new StorageError('INTERNAL', 'a transaction must write at least one frame');
    const withHeader = this.headerPending;
    const headerBytes = withHeader ? WAL_HEADER_BYTES : 0;
    let total = headerBytes;
    const holes = this.leavesHoles;
    for (let i = 0; i < pages.length; i++) total += frameLength(this.pageSizeBytes, holes ? holeLength(pages[i]!.hole) : 0);
    if (this.scratch.length < total) this.scratch = new Uint8Array(Math.max(total, this.scratch.length * 2));
    const out = this.scratch.subarray(0, total);
    let checksum = this.lastChecksum;
    let headerChecksum = this.headerChecksum;
    if (withHeader) {
      headerChecksum = encodeWalHeader(out, {
        pageSizeBytes: this.pageSizeBytes,
        checkpointSequence: this.checkpointSequence,
        salt1: this.salt1,
        salt2: this.salt2,
        sequenceBase: this.sequenceBase,
      });
      checksum = headerChecksum;
    }
    const pageIds: PageId[] = new Array(pages.length);
    const frameStarts: number[] = new Array(pages.length);
    const firstOffset = this.endOffset;
    let at = headerBytes;
    for (let i = 0; i < pages.length; i++) {
      const { pageId, image, hole } = pages[i]!;
      const start = holes ? holeStart(hole) : 0;
      const length = holes ? holeLength(hole) : 0;
      const frame = out.subarray(at, at + frameLength(this.pageSizeBytes, length));
      packImage(frame, FRAME_HEADER_BYTES, image, start, length);
      const isCommit = i === pages.length - 1;
      checksum = encodeSealedFrame(
        frame,
        {
          pageNumber: pageId,
          commitPageCount: isCommit ? pageCount : 0,
          lsn,
          commitTimeMs: isCommit ? commitTimeMs : 0,
          salt1: this.salt1,
          salt2: this.salt2,
          holeStart: start,
          holeLength: length,
        },
        image,
        checksum,
      );
      pageIds[i] = pageId;
      frameStarts[i] = firstOffset + at - headerBytes;
      at += frame.length;
    }
    const framesEnd = firstOffset + total - headerBytes;
    // A new generation in an empty (truncated) file: the zeros ride on the header's sync (W7).
    if (withHeader && framesEnd > this.fileBytes) this.preallocate(framesEnd);
    if (withHeader) {
      // ══ Barrier: the new header (new salts) must be durable before any frame of the new
      // generation, or a crash could keep later frames but lose the header, and recovery would
      // replay a stale prefix of the previous, already checkpointed generation (SQLite syncs
      // the header of a restarted log for the same reason). The same sync covers the zeros
      // of a preallocation (W7).
      this.file.write(out, 0, WAL_HEADER_BYTES, 0);
      if (this.fileBytes < WAL_HEADER_BYTES) this.fileBytes = WAL_HEADER_BYTES;
      failpoint('wal.beforeHeaderSync');
      this.syncBeforeFrames();
      this.headerPending = false;
      this.headerChecksum = headerChecksum;
    }
    this.file.write(out, headerBytes, total - headerBytes, firstOffset);
    if (framesEnd > this.fileBytes) {
      // These frames grew the file, so this commit's sync journals a new size anyway: the zeros
      // of the next step ride on it, and the commits after it overwrite (W7).
      this.fileBytes = framesEnd;
      this.preallocate(framesEnd);
    }
    failpoint('wal.afterFrameWrite');
    this.counters.framesWritten += pages.length;
    this.counters.bytesWritten += total;
    this.counters.transactionsWritten++;
    const firstSequence = this.sequenceBase + this.nextSlot + 1;
    const commitSequence = firstSequence + pages.length - 1;
    return {
      firstSequence,
      commitSequence,
      pages: pageIds,
      record: { lsn, sequence: commitSequence, firstSequence, commitTimeMs, pageCount },
      checksumAfter: checksum,
      slotAfter: this.nextSlot + pages.length,
      frameStarts,
      endAfter: framesEnd,
    };
  }

  /**
   * The sync of a new header (W5). When it fails while frames of earlier group commits wait
   * for their sync, their pages may have been dropped from the OS cache with the error: the
   * pager rewinds to the durable state as for a failed commit sync (W6; pager R4), then the
   * error goes to the committer.
   */
  private syncBeforeFrames(): void {
    try {
      this.file.sync();
    } catch (error) {
      if (this.durable < this.committed) this.onSyncFailure?.(error);
      throw error;
    }
    this.counters.syncs++;
  }

  /**
   * W7: grow the file with zeros to at least `end` and by one step past the file, a step
   * being a number of whole-page frames; the next sync makes them durable. Best effort: on any
   * error the file is cut back to where it was (the zeros were never synced, nothing relies
   * on them) and the frames are appended as before; a failing disk is reported by the
   * commit's own sync.
   */
  private preallocate(end: number): void {
    if (this.preallocationStepBytesMax <= 0) return;
    const framesNow = Math.max(0, Math.floor((this.fileBytes - WAL_HEADER_BYTES) / this.frameSize));
    const stepFrames = Math.max(PREALLOCATION_STEP_FRAMES_MIN, Math.min(Math.floor(this.preallocationStepBytesMax / this.frameSize), framesNow));
    // The file stays a whole number of whole-page frames long, so bytes appended after it
    // show as a torn tail on recovery.
    const wanted = Math.max(end, Math.max(this.fileBytes, WAL_HEADER_BYTES) + stepFrames * this.frameSize);
    const target = WAL_HEADER_BYTES + Math.ceil((wanted - WAL_HEADER_BYTES) / this.frameSize) * this.frameSize;
    // The header, when one is due, is written by the caller: never zero over it.
    const from = Math.max(this.fileBytes, WAL_HEADER_BYTES);
    zeroChunk ??= new Uint8Array(ZERO_CHUNK_BYTES);
    try {
      for (let at = from; at < target; at += ZERO_CHUNK_BYTES) this.file.write(zeroChunk, 0, Math.min(ZERO_CHUNK_BYTES, target - at), at);
    } catch {
      try {
        this.file.truncate(this.fileBytes);
      } catch {
        // Zeros left past the log end it like any preallocation; the next growth writes over them.
      }
      return;
    }
    this.fileBytes = target;
  }

  /** Step 2: make a written transaction visible (invariant W1). */
  publish(pending: PendingTransaction): void {
    for (let i = 0; i < pending.pages.length; i++) {
      const pageId = pending.pages[i]!;
      const sequence = pending.firstSequence + i;
      const versions = this.index.get(pageId);
      if (versions === undefined) this.index.set(pageId, [sequence]);
      else versions.push(sequence);
    }
    this.commitRecords.push(pending.record);
    for (let i = 0; i < pending.frameStarts.length; i++) this.frameStarts.push(pending.frameStarts[i]!);
    this.endOffset = pending.endAfter;
    this.nextSlot = pending.slotAfter;
    this.lastChecksum = pending.checksumAfter;
    this.committed = pending.commitSequence;
  }

  /** Step 3, synchronous: fdatasync now; everything written so far becomes durable. */
  syncNow(): void {
    this.assertWritable();
    const target = this.committed;
    failpoint('wal.beforeCommitSync');
    const started = performance.now();
    this.file.sync();
    this.counters.syncs++;
    this.onSync?.(performance.now() - started);
    failpoint('wal.afterCommitSync');
    this.markDurable(target);
  }

  /** Step 3, group commit: resolves when a sync covering `sequence` has returned. */
  requestSync(sequence: number): Promise<void> {
    if (sequence <= this.durable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ sequence, resolve, reject });
      this.scheduleSync();
    });
  }

  /** Wait for every requested sync to finish (close, checkpoint). */
  async drainSyncs(): Promise<void> {
    while (this.syncInFlight !== null || this.waiters.length > 0 || this.groupTimer !== null) {
      if (this.groupTimer !== null) {
        clearTimeout(this.groupTimer);
        this.groupTimer = null;
        this.startSync();
      }
      if (this.syncInFlight !== null) await this.syncInFlight.catch(() => undefined);
      else if (this.waiters.length > 0) this.startSync();
    }
  }

  /** Requests waiting for a sync (dashboard: pending commits). */
  get pendingSyncs(): number {
    return this.waiters.length;
  }

  private scheduleSync(): void {
    if (this.syncInFlight !== null) return; // the sync in flight will look again when it returns
    if (this.groupCommit.intervalMs > 0 && this.waiters.length < this.groupCommit.maxTransactions) {
      if (this.groupTimer === null) {
        this.groupTimer = setTimeout(() => {
          this.groupTimer = null;
          this.startSync();
        }, this.groupCommit.intervalMs);
      }
      return;
    }
    if (this.groupTimer !== null) {
      clearTimeout(this.groupTimer);
      this.groupTimer = null;
    }
    this.startSoon();
  }

  /**
   * Start a sync once the event loop has run what is ready now: the committers of this tick,
   * and those the last sync just released, write their next commits first and share this
   * sync instead of waiting for the one after it (batching without a timer; a lone
   * committer waits one event-loop turn, microseconds against a sync).
   */
  private startSoon(): void {
    if (this.startQueued) return;
    this.startQueued = true;
    setImmediate(() => {
      this.startQueued = false;
      if (!this.closed) this.startSync();
    });
  }

  private startQueued = false;
  private closed = false;
  /** Bumped by every rewindTo that discarded frames (startSync). */
  private rewinds = 0;

  private startSync(): void {
    if (this.syncInFlight !== null || this.waiters.length === 0) return;
    const target = this.committed;
    const rewinds = this.rewinds;
    const started = performance.now();
    const run = async (): Promise<void> => {
      failpoint('wal.beforeCommitSync');
      await this.file.syncAsync();
      failpoint('wal.afterCommitSync');
    };
    this.syncInFlight = run().then(
      () => {
        this.counters.syncs++;
        this.onSync?.(performance.now() - started);
        this.syncInFlight = null;
        // A rewind meanwhile (a synchronous sync failed) may have reused the sequences up to
        // `target` for frames this sync never covered: claim nothing (W2, W6).
        if (rewinds === this.rewinds) this.markDurable(target);
        if (this.waiters.length > 0) this.scheduleSync();
      },
      (error: unknown) => {
        this.syncInFlight = null;
        const failed = this.waiters;
        this.waiters = [];
        this.onSyncFailure?.(error);
        for (const waiter of failed) waiter.reject(error);
      },
    );
  }

  /** The pager rewinds to the durable state when an async sync fails. */
  onSyncFailure: ((error: unknown) => void) | null = null;

  private markDurable(target: number): void {
    if (target > this.durable) this.durable = target;
    if (this.waiters.length === 0) return;
    const still: SyncWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.sequence <= this.durable) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /**
   * Forget committed frames after `sequence` (a sync failed, so their durability is
   * unknown). The next transaction overwrites them; invariant W3 keeps them from chaining.
   * Waiters for forgotten frames are rejected: their sequences will be reused by new frames,
   * and a later sync must not acknowledge a transaction that is gone.
   */
  rewindTo(sequence: number, cause?: unknown): void {
    if (sequence >= this.committed) return;
    this.rewinds++;
    if (this.waiters.length > 0) {
      const lost = this.waiters.filter((w) => w.sequence > sequence);
      this.waiters = this.waiters.filter((w) => w.sequence <= sequence);
      const error = cause ?? new StorageError('IO', `the WAL ${this.path} was rewound to its last durable commit`, { file: this.path, operation: 'sync' });
      for (const waiter of lost) waiter.reject(error);
    }
    const keepSlots = Math.max(0, sequence - this.sequenceBase);
    for (const [pageId, versions] of this.index) {
      let n = versions.length;
      while (n > 0 && versions[n - 1]! > sequence) n--;
      if (n === 0) this.index.delete(pageId);
      else versions.length = n;
    }
    while (this.commitRecords.length > 0 && this.commitRecords[this.commitRecords.length - 1]!.sequence > sequence) this.commitRecords.pop();
    this.nextSlot = keepSlots;
    this.endOffset = this.frameStarts[keepSlots]!; // keepSlots < nextSlot: the first frame dropped
    this.frameStarts.length = keepSlots;
    this.committed = Math.max(sequence, this.sequenceBase);
    // The checksum chain must continue from the last kept frame: recompute it from the file.
    this.lastChecksum = this.recomputeChecksumAt(keepSlots);
    this.cutDiscardedTail(keepSlots === 0 && this.headerPending ? 0 : this.endOffset);
  }

  /**
   * Start a new generation: the next frame goes to slot 0 under new salts. Only allowed when
   * every committed frame has been copied into the database file (the pager checks).
   */
  restart(): void {
    this.assertWritable();
    this.index.clear();
    this.commitRecords.length = 0;
    this.sequenceBase = this.committed;
    this.checkpointSequence = (this.checkpointSequence + 1) >>> 0;
    this.newSalts();
    this.nextSlot = 0;
    this.frameStarts = [];
    this.endOffset = WAL_HEADER_BYTES;
    this.headerPending = true;
    this.leavesHoles = true;
    this.counters.restarts++;
  }

  /** Truncate the file to zero bytes (TRUNCATE checkpoints); implies restart(). */
  truncate(): void {
    this.restart();
    this.file.truncate(0);
    this.fileBytes = 0;
    failpoint('wal.beforeTruncateSync');
    this.file.sync();
    this.counters.syncs++;
  }

  close(): void {
    this.closed = true;
    if (this.groupTimer !== null) clearTimeout(this.groupTimer);
    this.groupTimer = null;
    this.file.close();
  }

  private assertWritable(): void {
    if (this.readOnly) throw new StorageError('READ_ONLY', `the WAL ${this.path} is open read-only`, { file: this.path });
  }

  /** Salt-1 is never 0, so a zero-filled frame (W7) can never pass the salt test. */
  private newSalts(): void {
    do {
      const salt = randomBytes(8);
      this.salt1 = salt.readUInt32BE(0);
      this.salt2 = salt.readUInt32BE(4);
    } while (this.salt1 === 0);
  }

  private recomputeChecksumAt(slots: number): number {
    if (slots === 0) return this.headerChecksum;
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    this.file.read(header, 0, FRAME_HEADER_BYTES, this.frameStarts[slots - 1]!);
    return decodeFrameHeader(header).checksum;
  }

  /** Recovery on open: rebuild the index from the valid committed prefix of the log. */
  private recover(sequenceFloor: number): RecoveryReport {
    const fileSize = this.file.size();
    const report: RecoveryReport = {
      transactionsRecovered: 0,
      framesApplied: 0,
      invalidFrames: 0,
      preallocatedFrames: 0,
      tornTailBytes: 0,
      endReason: 'empty',
      endSlot: 0,
      lastLsn: 0n,
    };
    this.newSalts();
    this.sequenceBase = sequenceFloor;
    this.committed = sequenceFloor;
    this.durable = sequenceFloor;
    if (fileSize < WAL_HEADER_BYTES) {
      report.tornTailBytes = fileSize;
      this.headerPending = true;
      this.cutDiscardedTail(0);
      return report;
    }
    const headerBytes = new Uint8Array(WAL_HEADER_BYTES);
    this.file.read(headerBytes, 0, WAL_HEADER_BYTES, 0);
    const header = decodeWalHeader(headerBytes);
    if ('problem' in header || header.pageSizeBytes !== this.pageSizeBytes) {
      // A header that never made it to disk whole: the previous generation was fully
      // checkpointed before the restart began, so an unreadable header loses nothing.
      report.endReason = 'bad-header';
      // A zero header with zeros behind it: a preallocation (W7) whose header sync never returned.
      const frames = Math.floor((fileSize - WAL_HEADER_BYTES) / this.frameSize);
      if (isZero(headerBytes, WAL_HEADER_BYTES)) report.preallocatedFrames = frames;
      else report.invalidFrames = frames;
      report.tornTailBytes = (fileSize - WAL_HEADER_BYTES) % this.frameSize;
      this.headerPending = true;
      this.cutDiscardedTail(0);
      return report;
    }
    this.salt1 = header.salt1;
    this.salt2 = header.salt2;
    this.checkpointSequence = header.checkpointSequence;
    this.sequenceBase = Math.max(header.sequenceBase, sequenceFloor);
    this.headerChecksum = header.checksum;
    this.headerPending = false;
    this.leavesHoles = header.version !== 1;

    this.lastChecksum = header.checksum;
    const walker = new FrameWalker((into, length, position) => this.file.read(into, 0, length, position), fileSize, header);
    // Frames of the transaction being read, published as one when its commit frame arrives.
    let pages: PageId[] = [];
    let frameStarts: number[] = [];
    while (walker.next()) {
      const fh = walker.header!;
      pages.push(fh.pageNumber);
      frameStarts.push(walker.offset);
      if (fh.commitPageCount === 0) continue;
      const firstSequence = this.sequenceBase + this.nextSlot + 1;
      const commitSequence = firstSequence + pages.length - 1;
      this.publish({
        firstSequence,
        commitSequence,
        pages,
        record: { lsn: fh.lsn, sequence: commitSequence, firstSequence, commitTimeMs: fh.commitTimeMs, pageCount: fh.commitPageCount },
        checksumAfter: walker.runningChecksum,
        slotAfter: this.nextSlot + pages.length,
        frameStarts,
        endAfter: walker.frameEnd,
      });
      report.transactionsRecovered++;
      report.framesApplied += pages.length;
      report.lastLsn = fh.lsn;
      pages = [];
      frameStarts = [];
    }
    // What follows the committed prefix: `pages`, valid frames without a commit frame, then
    // `rest` bytes from where the walk stopped.
    const rest = fileSize - walker.offset;
    const end = walker.end!;
    if (end === 'preallocated') {
      // Preallocation keeps the file a whole number of whole-page frames long (W7).
      report.tornTailBytes = (fileSize - WAL_HEADER_BYTES) % this.frameSize;
      report.preallocatedFrames = Math.ceil((rest - report.tornTailBytes) / this.frameSize);
    } else if (end === 'end-of-file') report.tornTailBytes = rest;
    report.invalidFrames = pages.length + (end === 'preallocated' || end === 'end-of-file' ? 0 : Math.ceil(rest / this.frameSize));
    if (pages.length > 0 && (end === 'end-of-file' || end === 'preallocated')) report.endReason = 'uncommitted-tail';
    else if (end === 'end-of-file' && walker.index < 0 && rest === 0) report.endReason = 'empty';
    else report.endReason = end;
    report.endSlot = this.nextSlot;
    this.committed = this.sequenceBase + this.nextSlot;
    this.durable = this.committed;
    this.cutDiscardedTail(this.endOffset);
    return report;
  }

  /**
   * Invariant W4: bytes past the committed prefix are cut off (and the cut synced) before the
   * next frame is written. The next transaction reuses the discarded one's LSN, salts and
   * chain seed, so a torn overwrite could otherwise make the old frames valid again (sectors
   * that are zero in both images match) and resurrect a transaction recovery threw away.
   */
  private cutDiscardedTail(validEnd: number): void {
    if (this.readOnly) return;
    const size = this.file.size();
    this.fileBytes = size;
    if (size <= validEnd) return;
    this.file.truncate(validEnd);
    this.fileBytes = validEnd;
    failpoint('wal.beforeTailCutSync');
    this.file.sync();
    this.counters.syncs++;
  }
}

/** Stand-in for a WAL file that does not exist, for read-only opens. */
function emptyHandle(path: string): FileHandle {
  return {
    path,
    read: () => 0,
    write: () => {
      throw new StorageError('READ_ONLY', `the WAL ${path} is open read-only`, { file: path });
    },
    sync: () => undefined,
    syncAsync: async () => undefined,
    size: () => 0,
    truncate: () => undefined,
    close: () => undefined,
  };
}
