// An in-memory PageStore for tests and micro-benchmarks: pages in an array, roots and
// counters in memory, transactions simulated by copy-on-write.
//
// It behaves like a pager transaction where that catches bugs:
//  - write(id) copies the page on the first call after a commit (later calls return the same
//    buffer), like the pager. A structure that keeps using a buffer from read() after it
//    wrote the page sees stale bytes, and committed images are never changed in place.
//  - Strict: read or write of page 0 (the meta page belongs to the pager), of a page never
//    allocated or already freed, and a double free throw CorruptionError naming the page, so
//    use-after-free in a structure fails the test at once.
//  - allocate reuses freed pages first (most recently freed first), zero-filled.
//  - commit() makes the current state the committed one; rollback() returns to it;
//    snapshot()/restore() (or MemPageStore.open) simulate "reopen from what was committed".

import { CorruptionError, StorageError } from '../../src/errors.js';
import { COUNTER_COUNT, ROOT_SLOT_COUNT } from '../../src/storage/meta.js';
import { PAGE_HEADER_BYTES, usableBytes } from '../../src/storage/page.js';
import type { PageId, PageStore } from '../../src/storage/types.js';

/** A committed state: immutable once taken (the page buffers are never written again). */
export interface MemSnapshot {
  readonly pageSizeBytes: number;
  readonly pages: readonly (Uint8Array | null)[];
  readonly free: readonly PageId[];
  readonly roots: readonly PageId[];
  readonly counters: readonly bigint[];
}

export interface MemPageStoreOptions {
  pageSizeBytes?: number;
  /** False makes write/allocate/free/setRoot/setCounter throw READ_ONLY. */
  writable?: boolean;
}

export class MemPageStore implements PageStore {
  readonly pageSizeBytes: number;
  readonly usableBytes: number;
  readonly contentOffset = PAGE_HEADER_BYTES;
  writable: boolean;

  /** Index = page id; null = free (or page 0). */
  private pages: (Uint8Array | null)[] = [null];
  /** 1 when the page's buffer was copied (or created) since the last commit. */
  private ownedThisTx = new Uint8Array(64);
  private free_: PageId[] = [];
  private roots: PageId[] = new Array<PageId>(ROOT_SLOT_COUNT).fill(0);
  private counters: bigint[] = new Array<bigint>(COUNTER_COUNT).fill(0n);
  private committed: MemSnapshot;

  /** Operation counts since creation (benchmarks, tests of access patterns). */
  readonly counts = { reads: 0, writes: 0, copies: 0, allocations: 0, frees: 0 };

  constructor(options: MemPageStoreOptions = {}) {
    const size = options.pageSizeBytes ?? 8192;
    if (!Number.isInteger(size) || size < 4096 || size > 65536 || (size & (size - 1)) !== 0) {
      throw new StorageError('INVALID_ARGUMENT', `page size ${size} is not a power of two in 4096..65536`, { pageSizeBytes: size });
    }
    this.pageSizeBytes = size;
    this.usableBytes = usableBytes(size);
    this.writable = options.writable ?? true;
    this.committed = this.capture();
  }

  /** A store holding a committed state (a "reopened database"). */
  static open(snapshot: MemSnapshot, options: { writable?: boolean } = {}): MemPageStore {
    const store = new MemPageStore({ pageSizeBytes: snapshot.pageSizeBytes, writable: options.writable });
    store.restore(snapshot);
    return store;
  }

  read(pageId: PageId): Uint8Array {
    const page = this.pages[pageId];
    if (page === undefined || page === null) throw this.missing(pageId, 'read');
    this.counts.reads++;
    return page;
  }

  write(pageId: PageId): Uint8Array {
    this.requireWritable('write');
    let page = this.pages[pageId];
    if (page === undefined || page === null) throw this.missing(pageId, 'write');
    this.counts.writes++;
    if (this.ownedThisTx[pageId] !== 1) {
      page = page.slice();
      this.pages[pageId] = page;
      this.own(pageId);
      this.counts.copies++;
    }
    return page;
  }

  allocate(pageType: number): PageId {
    this.requireWritable('allocate');
    if (!Number.isInteger(pageType) || pageType <= 0 || pageType > 255) {
      throw new StorageError('INVALID_ARGUMENT', `page type ${pageType} cannot be allocated (1..255)`, { pageType });
    }
    const id = this.free_.length > 0 ? this.free_.pop()! : this.pages.length;
    const page = new Uint8Array(this.pageSizeBytes);
    page[0] = pageType;
    this.pages[id] = page;
    this.own(id);
    this.counts.allocations++;
    return id;
  }

  free(pageId: PageId): void {
    this.requireWritable('free');
    const page = this.pages[pageId];
    if (page === undefined || page === null) throw this.missing(pageId, 'free');
    this.pages[pageId] = null;
    this.ownedThisTx[pageId] = 0;
    this.free_.push(pageId);
    this.counts.frees++;
  }

  getRoot(slot: number): PageId {
    return this.roots[this.slot(slot, ROOT_SLOT_COUNT)]!;
  }
  setRoot(slot: number, pageId: PageId): void {
    this.requireWritable('setRoot');
    this.roots[this.slot(slot, ROOT_SLOT_COUNT)] = pageId;
  }
  getCounter(slot: number): bigint {
    return this.counters[this.slot(slot, COUNTER_COUNT)]!;
  }
  setCounter(slot: number, value: bigint): void {
    this.requireWritable('setCounter');
    this.counters[this.slot(slot, COUNTER_COUNT)] = value;
  }

  // ── transactions ───────────────────────────────────────────────────────────

  /** Make the current state the committed one. Cost: O(pages) pointer copies. */
  commit(): void {
    this.committed = this.capture();
    this.ownedThisTx.fill(0);
  }

  /** Discard every change since the last commit. */
  rollback(): void {
    this.restore(this.committed);
  }

  /** The last committed state. */
  snapshot(): MemSnapshot {
    return this.committed;
  }

  /** Replace the whole state with a committed one (reopen); uncommitted changes are dropped. */
  restore(snapshot: MemSnapshot): void {
    if (snapshot.pageSizeBytes !== this.pageSizeBytes) {
      throw new StorageError('INVALID_ARGUMENT', `snapshot page size ${snapshot.pageSizeBytes} ≠ store page size ${this.pageSizeBytes}`, {});
    }
    this.pages = snapshot.pages.slice();
    this.free_ = snapshot.free.slice();
    this.roots = snapshot.roots.slice();
    this.counters = snapshot.counters.slice();
    this.ownedThisTx.fill(0);
    this.committed = snapshot;
  }

  // ── inspection ─────────────────────────────────────────────────────────────

  /** Pages in the store, the meta page (0) included, like the pager's page count. */
  get pageCount(): number {
    return this.pages.length;
  }

  /** Ids of pages on the free list, ascending. */
  freePageIds(): PageId[] {
    return this.free_.slice().sort((a, b) => a - b);
  }

  /** Ids of pages in use (allocated and not freed), ascending. */
  usedPageIds(): PageId[] {
    const ids: PageId[] = [];
    for (let id = 1; id < this.pages.length; id++) if (this.pages[id] !== null) ids.push(id);
    return ids;
  }

  /** True when `pageId` is allocated and not freed. */
  isLive(pageId: PageId): boolean {
    const page = this.pages[pageId];
    return page !== undefined && page !== null;
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private capture(): MemSnapshot {
    return Object.freeze({
      pageSizeBytes: this.pageSizeBytes,
      pages: this.pages.slice(),
      free: this.free_.slice(),
      roots: this.roots.slice(),
      counters: this.counters.slice(),
    });
  }

  private own(pageId: PageId): void {
    if (pageId >= this.ownedThisTx.length) {
      let size = this.ownedThisTx.length * 2;
      while (size <= pageId) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.ownedThisTx);
      this.ownedThisTx = next;
    }
    this.ownedThisTx[pageId] = 1;
  }

  private missing(pageId: PageId, what: string): CorruptionError {
    const state =
      pageId === 0 ? 'is the meta page (owned by the pager)' : pageId >= 0 && pageId < this.pages.length && Number.isInteger(pageId) ? 'is free' : 'was never allocated';
    return new CorruptionError(`MemPageStore: ${what} of page ${pageId}, which ${state}`, { pageNumber: pageId, operation: what });
  }

  private requireWritable(what: string): void {
    if (!this.writable) throw new StorageError('READ_ONLY', `MemPageStore is read-only: ${what} refused`, { operation: what });
  }

  private slot(slot: number, count: number): number {
    if (!Number.isInteger(slot) || slot < 0 || slot >= count) {
      throw new StorageError('INVALID_ARGUMENT', `slot ${slot} is outside 0..${count - 1}`, { slot });
    }
    return slot;
  }
}
