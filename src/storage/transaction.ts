// Transactions over pages: a read transaction is a snapshot; the one write transaction
// collects private copies of the pages it changes and hands them to the pager at commit.
//
// Invariants:
//  (T1) A transaction reads the newest committed version of each page at or before its
//       snapshot sequence, plus (for the writer) its own dirty pages.
//  (T2) Dirty pages are private until commit (page-cache.ts C1); a rolled-back
//       transaction leaves no trace in the cache, the WAL index or the database file.
//  (T3) Every commit rewrites the meta page (it carries the commit's LSN).
//  (T4) A transaction begun before a rewind (failed sync) can no longer read or commit.
//  (T5) Deferred writes (deferUntilRead): a structure may hold writes to the tree of a root
//       slot in memory and register a flush for the slot. The flush runs before anyone next
//       reads that root (every tree access starts at getRoot, cursors included: a deferral
//       bumps the tree epoch, so an open cursor re-seeks through the root) and before the
//       commit writes its frames. A rollback drops them with the dirty pages. A flush that
//       throws leaves its tree half-written: like any failed write, roll back.

import { StorageError, TransactionError } from '../errors.js';
import { popFreePage, pushFreePage, type FreeListAccess } from './freelist.js';
import * as meta from './meta.js';
import { PAGE_HEADER_BYTES, usableBytes } from './page.js';
import type { Lsn, PageId, PageStore } from './types.js';

/** What transactions need from the pager (implemented in pager.ts). */
/** A store that holds deferred writes (a write transaction, invariant T5). */
export interface DeferringStore extends PageStore {
  deferUntilRead(slot: number, flush: () => void): void;
  flushDeferred(slot?: number): void;
}

/** Whether `store` defers writes (T5): a write transaction; read snapshots and other stores write at once. */
export function canDefer(store: PageStore): store is DeferringStore {
  return store.writable && typeof (store as Partial<DeferringStore>).deferUntilRead === 'function';
}

export interface PagerCore {
  readonly pageSizeBytes: number;
  readonly path: string;
  /** The next transaction stamp: transactions are numbered in the order they begin (page-pool.ts PP1). */
  nextTransactionStamp(): number;
  /** A private copy of a page image (from the page pool). */
  copyPage(page: Uint8Array): Uint8Array;
  /** A zeroed page image (from the page pool). */
  blankPage(): Uint8Array;
  /** An image this transaction drops, to be reused once no transaction can hold it (page-pool.ts). */
  retirePage(image: Uint8Array): void;
  /** Read page `pageId` as of `sequence` (invariant T1), verified. */
  readAt(pageId: PageId, sequence: number): Uint8Array;
  /** Bumped when a failed sync rewinds the log (invariant T4). */
  readonly epoch: number;
  endRead(txn: ReadTransaction): void;
  commitWrite(txn: WriteTransaction, durability: 'sync' | 'async'): CommitOutcome;
  endWrite(txn: WriteTransaction, committed: boolean): void;
  readonly limits: { maxTransactionPages: number; transactionTimeoutMs: number; maxDatabaseSizeBytes: number };
}

export interface CommitResult {
  lsn: Lsn;
  /** Sequence of the commit frame in the WAL. */
  sequence: number;
  /** Pages written (meta page included); 0 when the transaction changed nothing. */
  pagesWritten: number;
  commitLatencyMs: number;
}

export type CommitOutcome = { result: CommitResult; durable: Promise<void> | null };

abstract class BaseTransaction implements PageStore {
  readonly pageSizeBytes: number;
  readonly usableBytes: number;
  readonly contentOffset = PAGE_HEADER_BYTES;
  abstract readonly writable: boolean;
  protected ended = false;
  readonly epoch: number;
  /** Begin order (page-pool.ts PP1). */
  readonly stamp: number;

  constructor(
    protected readonly core: PagerCore,
    /** Snapshot: sequence of the last commit this transaction sees. */
    readonly snapshotSequence: number,
    /** The meta page as of the snapshot (a private writable copy for the writer). */
    readonly meta: Uint8Array,
  ) {
    this.pageSizeBytes = core.pageSizeBytes;
    this.usableBytes = usableBytes(core.pageSizeBytes);
    this.epoch = core.epoch;
    this.stamp = core.nextTransactionStamp();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Database size in pages as this transaction sees it. */
  get pageCount(): number {
    return meta.getPageCount(this.meta);
  }

  /** LSN of the last commit this transaction sees. */
  get lastLsn(): Lsn {
    return meta.getLastLsn(this.meta);
  }

  read(pageId: PageId): Uint8Array {
    this.assertOpen();
    if (pageId === 0) return this.meta;
    if (pageId >= this.pageCount) {
      throw new StorageError('INVALID_ARGUMENT', `page ${pageId} is beyond the end of the database (${this.pageCount} pages)`, {
        pageNumber: pageId,
        file: this.core.path,
      });
    }
    return this.core.readAt(pageId, this.snapshotSequence);
  }

  getRoot(slot: number): PageId {
    return meta.getRoot(this.meta, slot);
  }

  getCounter(slot: number): bigint {
    return meta.getCounter(this.meta, slot);
  }

  abstract write(pageId: PageId): Uint8Array;
  abstract allocate(pageType: number): PageId;
  abstract free(pageId: PageId): void;
  abstract setRoot(slot: number, pageId: PageId): void;
  abstract setCounter(slot: number, value: bigint): void;

  protected assertOpen(): void {
    if (this.ended) throw new TransactionError('TRANSACTION_STATE', 'the transaction has ended');
    if (this.epoch !== this.core.epoch) {
      throw new StorageError('IO', 'the transaction was lost: a WAL sync failed and the database rewound to its last durable commit', {
        file: this.core.path,
      });
    }
  }
}

/** A snapshot. Call end() when done: an open reader holds back checkpoints (it pins old WAL frames). */
export class ReadTransaction extends BaseTransaction {
  readonly writable = false;
  readonly startedAtMs = Date.now();

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.core.endRead(this);
  }

  write(): Uint8Array {
    throw readOnly();
  }
  allocate(): PageId {
    throw readOnly();
  }
  free(): void {
    throw readOnly();
  }
  setRoot(): void {
    throw readOnly();
  }
  setCounter(): void {
    throw readOnly();
  }
}

function readOnly(): StorageError {
  return new StorageError('READ_ONLY', 'this is a read transaction: it cannot change pages');
}

/** The single write transaction. */
export class WriteTransaction extends BaseTransaction {
  readonly writable = true;
  readonly startedAtMs = Date.now();
  /** Private page images changed by this transaction (invariant T2). Page 0 is the meta page. */
  readonly dirty = new Map<PageId, Uint8Array>();
  /** True once anything but reads happened. */
  changed = false;
  private readonly freeListAccess: FreeListAccess;
  /** Bit s set: root slot s (< 32) has a deferred flush (T5). */
  private deferredMask = 0;
  private deferredFlush: (() => void)[] = [];

  constructor(core: PagerCore, snapshotSequence: number, metaCopy: Uint8Array) {
    super(core, snapshotSequence, metaCopy);
    this.dirty.set(0, metaCopy); // invariant T3
    const self = this;
    this.freeListAccess = {
      pageSizeBytes: this.pageSizeBytes,
      meta: metaCopy,
      read: (id) => self.read(id),
      write: (id) => self.write(id),
      fresh: (id) => self.fresh(id),
    };
  }

  override read(pageId: PageId): Uint8Array {
    const own = this.dirty.get(pageId);
    if (own !== undefined) {
      this.assertOpen();
      return own;
    }
    return super.read(pageId);
  }

  write(pageId: PageId): Uint8Array {
    this.assertOpen();
    this.changed = true;
    const own = this.dirty.get(pageId);
    if (own !== undefined) return own;
    const copy = this.core.copyPage(super.read(pageId));
    this.addDirty(pageId, copy);
    return copy;
  }

  allocate(pageType: number): PageId {
    this.assertOpen();
    this.changed = true;
    let pageId = popFreePage(this.freeListAccess);
    if (pageId === 0) {
      pageId = this.pageCount;
      const limit = this.core.limits.maxDatabaseSizeBytes;
      if (limit > 0 && (pageId + 1) * this.pageSizeBytes > limit) {
        throw new StorageError('DATABASE_FULL', `the database would grow past maxDatabaseSizeBytes (${limit} bytes)`, {
          limitBytes: limit,
          pageCount: pageId,
        });
      }
      meta.setPageCount(this.meta, pageId + 1);
    }
    const page = this.fresh(pageId);
    page[0] = pageType;
    return pageId;
  }

  free(pageId: PageId): void {
    this.assertOpen();
    if (pageId === 0 || pageId >= this.pageCount) {
      throw new StorageError('INVALID_ARGUMENT', `page ${pageId} cannot be freed (database has ${this.pageCount} pages)`, { pageNumber: pageId });
    }
    this.changed = true;
    // A free leaf's content means nothing (freelist.ts), so its image need not be written.
    const image = this.dirty.get(pageId);
    if (image !== undefined) {
      this.dirty.delete(pageId);
      this.core.retirePage(image);
    }
    pushFreePage(this.freeListAccess, pageId);
  }

  setRoot(slot: number, pageId: PageId): void {
    this.assertOpen();
    this.changed = true;
    meta.setRoot(this.meta, slot, pageId);
  }

  /** The root of a slot, after running a deferred flush registered for it (T5). */
  override getRoot(slot: number): PageId {
    if ((this.deferredMask & (1 << slot)) !== 0 && slot < 32) this.flushDeferred(slot);
    return meta.getRoot(this.meta, slot);
  }

  /**
   * Register `flush` to run before the tree of root slot `slot` (0..31) is next read, or at
   * commit, whichever comes first (T5). One flush per slot: a second call while one is
   * pending keeps the first. Cost: a bit test on every getRoot.
   */
  deferUntilRead(slot: number, flush: () => void): void {
    this.assertOpen();
    if (!Number.isInteger(slot) || slot < 0 || slot > 31) throw new StorageError('INVALID_ARGUMENT', `deferred writes need a root slot in 0..31, not ${slot}`, { slot });
    this.changed = true;
    if ((this.deferredMask & (1 << slot)) !== 0) return;
    this.deferredMask |= 1 << slot;
    this.deferredFlush[slot] = flush;
  }

  /** Run the deferred flush of one slot, or of every slot (before commit). */
  flushDeferred(slot?: number): void {
    if (slot === undefined) {
      // A flush may defer again into another slot (or its own): loop until none is left.
      while (this.deferredMask !== 0) this.flushDeferred(31 - Math.clz32(this.deferredMask));
      return;
    }
    const bit = 1 << slot;
    if ((this.deferredMask & bit) === 0) return;
    const flush = this.deferredFlush[slot]!;
    // Cleared first: the flush reads the root itself.
    this.deferredMask &= ~bit;
    this.deferredFlush[slot] = undefined as unknown as () => void;
    flush();
  }

  setCounter(slot: number, value: bigint): void {
    this.assertOpen();
    this.changed = true;
    meta.setCounter(this.meta, slot, value);
  }

  /** Number of private pages (the dashboard's "dirty pages"). */
  get dirtyPages(): number {
    return this.dirty.size;
  }

  /**
   * Make the transaction durable: write its frames, fdatasync, then return. Throws (and
   * rolls back) on any error; the database stays usable.
   */
  commit(): CommitResult {
    this.assertOpen();
    this.checkTimeout();
    this.flushBeforeCommit();
    const outcome = this.core.commitWrite(this, 'sync');
    return outcome.result;
  }

  /**
   * Group commit: write the frames now (later transactions see them), resolve once a
   * sync covering them has returned. Many commitAsync() calls share one fdatasync.
   */
  async commitAsync(): Promise<CommitResult> {
    this.assertOpen();
    this.checkTimeout();
    this.flushBeforeCommit();
    const outcome = this.core.commitWrite(this, 'async');
    if (outcome.durable !== null) await outcome.durable;
    return outcome.result;
  }

  rollback(): void {
    if (this.ended) return;
    this.ended = true;
    for (const image of this.dirty.values()) this.core.retirePage(image); // T2: never installed
    this.dirty.clear();
    this.deferredMask = 0;
    this.deferredFlush = [];
    this.core.endWrite(this, false);
  }

  /** Called by the pager once the commit is written (or failed). */
  markEnded(): void {
    this.ended = true;
  }

  /** T5: deferred writes reach their pages before the frames are written; a failed flush rolls back. */
  private flushBeforeCommit(): void {
    if (this.deferredMask === 0) return;
    try {
      this.flushDeferred();
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  private fresh(pageId: PageId): Uint8Array {
    const page = this.core.blankPage();
    this.addDirty(pageId, page);
    return page;
  }

  private addDirty(pageId: PageId, page: Uint8Array): void {
    const limit = this.core.limits.maxTransactionPages;
    if (limit > 0 && this.dirty.size >= limit && !this.dirty.has(pageId)) {
      throw new TransactionError('TRANSACTION_TOO_LARGE', `the transaction changes more than maxTransactionPages (${limit}) pages`, {
        limitPages: limit,
      });
    }
    this.dirty.set(pageId, page);
  }

  private checkTimeout(): void {
    const limit = this.core.limits.transactionTimeoutMs;
    if (limit > 0 && Date.now() - this.startedAtMs > limit) {
      this.rollback();
      throw new TransactionError('TRANSACTION_TIMEOUT', `the transaction ran longer than transactionTimeoutMs (${limit} ms) and was rolled back`, {
        limitMs: limit,
      });
    }
  }
}
