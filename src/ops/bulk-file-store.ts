// The page store a new database file is built in (new-database.ts: import into a new database,
// repair, salvage; compact.ts: the compacted copy). It writes pages straight to a private file
// — no WAL, no lock, nobody reads the file until it is complete, synced and renamed or swapped
// in — and is shaped for bulk builds, where pages are allocated in ascending order, filled
// once and rarely touched again:
//   - new pages are carved from slabs of SLAB_PAGES pages (one ArrayBuffer each), not one
//     allocation per page, which keeps the allocator and the garbage collector out of the way;
//   - pages are written out in ascending id order, a run of consecutive pages that lie next to
//     each other in one slab as one write (a slab is one 512 KiB write at 8 KiB pages);
//   - the pages held in memory are indexed by page id in an array.
// Eviction writes every dirty page and drops every held page (a bulk build does not come back
// to its pages; the few it does — the path of the next ascending insert, catalog, counts — are
// read back from the file and checked).
// It happens only when the builder calls evictIfOver() between operations, never inside one: a
// B+tree operation may hold a page buffer across allocate() calls, and that buffer must stay
// the page's only image.
//
// Invariants:
//  (BF1) Every page this store ever handed out is, at finish(), either written to the file
//        (sealed with the build's LSN, in stored form: encoded when there is a codec) or on the
//        new file's free list.
//  (BF2) Page 0 (the meta page) is written last, so a file without its meta page is never
//        mistaken for a database.
//  (BF3) A page read back after eviction passes its checksum (verifyPage) before it is used.

import { StorageError } from '../errors.js';
import { pushFreePage, type FreeListAccess } from '../storage/freelist.js';
import * as meta from '../storage/meta.js';
import { PAGE_HEADER_BYTES, sealPage, usableBytes, verifyPage } from '../storage/page.js';
import type { PageCodec } from '../storage/pager.js';
import type { FileHandle, Lsn, PageId, PageStore } from '../storage/types.js';

/** Pages carved from one slab allocation. */
const SLAB_PAGES = 64;

export class BulkFileStore implements PageStore {
  readonly pageSizeBytes: number;
  readonly usableBytes: number;
  readonly contentOffset = PAGE_HEADER_BYTES;
  readonly writable = true;
  /** The new meta page (plain image; sealed at finish). */
  readonly meta: Uint8Array;
  /** Pages held in memory, by page id (undefined: on the file, or never allocated). */
  private resident: (Uint8Array | undefined)[] = [];
  private residentCount = 0;
  private dirty = new Uint8Array(1024);
  private readonly freed: PageId[] = [];
  private pageCount = 1;
  private slab: ArrayBuffer | null = null;
  private slabUsed = SLAB_PAGES;
  pagesWritten = 0;

  constructor(
    private readonly file: FileHandle,
    baseMeta: Uint8Array,
    private readonly lsn: Lsn,
    private readonly codec: PageCodec | null,
    private readonly residentPagesMax = 8192,
  ) {
    this.pageSizeBytes = baseMeta.length;
    this.usableBytes = usableBytes(this.pageSizeBytes);
    this.meta = baseMeta.slice();
    for (let slot = 0; slot < meta.ROOT_SLOT_COUNT; slot++) meta.setRoot(this.meta, slot, 0);
    meta.setFreeList(this.meta, 0, 0);
    meta.setPageCount(this.meta, 1);
    meta.setLastLsn(this.meta, lsn);
  }

  /** Pages the new file has so far, meta page included. */
  get pages(): number {
    return this.pageCount;
  }

  read(pageId: PageId): Uint8Array {
    if (pageId === 0) return this.meta;
    const held = this.resident[pageId];
    if (held !== undefined) return held;
    if (pageId >= this.pageCount) {
      throw new StorageError('INVALID_ARGUMENT', `page ${pageId} is beyond the end of the new database file (${this.pageCount} pages)`, { pageNumber: pageId });
    }
    const stored = new Uint8Array(this.pageSizeBytes);
    this.file.read(stored, 0, this.pageSizeBytes, pageId * this.pageSizeBytes);
    verifyPage(stored, pageId, this.file.path); // BF3
    const page = this.codec === null ? stored : this.codec.decode(stored, pageId);
    this.hold(pageId, page);
    return page;
  }

  write(pageId: PageId): Uint8Array {
    const page = this.read(pageId);
    if (pageId !== 0) this.markDirty(pageId);
    return page;
  }

  allocate(pageType: number): PageId {
    const reused = this.freed.pop();
    let page: Uint8Array;
    let pageId: PageId;
    if (reused !== undefined) {
      pageId = reused;
      page = new Uint8Array(this.pageSizeBytes);
    } else {
      pageId = this.pageCount++;
      if (this.slabUsed === SLAB_PAGES) {
        this.slab = new ArrayBuffer(SLAB_PAGES * this.pageSizeBytes);
        this.slabUsed = 0;
      }
      page = new Uint8Array(this.slab!, this.slabUsed++ * this.pageSizeBytes, this.pageSizeBytes);
    }
    page[0] = pageType;
    this.hold(pageId, page);
    this.markDirty(pageId);
    return pageId;
  }

  free(pageId: PageId): void {
    if (this.resident[pageId] !== undefined) {
      this.resident[pageId] = undefined;
      this.residentCount--;
    }
    this.dirty[pageId] = 0;
    this.freed.push(pageId);
  }

  getRoot(slot: number): PageId {
    return meta.getRoot(this.meta, slot);
  }
  setRoot(slot: number, pageId: PageId): void {
    meta.setRoot(this.meta, slot, pageId);
  }
  getCounter(slot: number): bigint {
    return meta.getCounter(this.meta, slot);
  }
  setCounter(slot: number, value: bigint): void {
    meta.setCounter(this.meta, slot, value);
  }

  /** When more than residentPagesMax pages are held: write the dirty ones and drop them all. Between operations only. */
  evictIfOver(): void {
    if (this.residentCount <= this.residentPagesMax) return;
    this.writeHeld();
    this.resident = [];
    this.residentCount = 0;
  }

  /**
   * Put leftover freed pages on the new file's free list, write every held page, then the
   * meta page (BF1, BF2), and cut the file to its page count. Returns the page count.
   * Not synced: the caller syncs.
   */
  finish(checkpointAtMs: number): number {
    if (this.freed.length > 0) {
      const access: FreeListAccess = {
        pageSizeBytes: this.pageSizeBytes,
        meta: this.meta,
        read: (id) => this.read(id),
        write: (id) => this.write(id),
        fresh: (id) => {
          const page = new Uint8Array(this.pageSizeBytes);
          this.hold(id, page);
          this.markDirty(id);
          return page;
        },
      };
      for (const id of this.freed.splice(0).sort((a, b) => b - a)) pushFreePage(access, id);
    }
    this.writeHeld();
    this.resident = [];
    this.residentCount = 0;
    meta.setPageCount(this.meta, this.pageCount);
    meta.setCheckpointStamp(this.meta, checkpointAtMs, this.lsn);
    sealPage(this.meta, 0, this.lsn);
    this.file.write(this.meta, 0, this.pageSizeBytes, 0);
    this.file.truncate(this.pageCount * this.pageSizeBytes);
    return this.pageCount;
  }

  private hold(pageId: PageId, page: Uint8Array): void {
    if (this.resident[pageId] === undefined) this.residentCount++;
    this.resident[pageId] = page;
  }

  private markDirty(pageId: PageId): void {
    if (pageId >= this.dirty.length) {
      const next = new Uint8Array(Math.max(pageId + 1, this.dirty.length * 2));
      next.set(this.dirty);
      this.dirty = next;
    }
    this.dirty[pageId] = 1;
  }

  /** Seal and write every dirty held page, ascending; adjacent pages of one slab in one write. */
  private writeHeld(): void {
    const ps = this.pageSizeBytes;
    const resident = this.resident;
    let runStart = -1;
    let runPage: Uint8Array | null = null;
    let runLength = 0;
    const flush = (): void => {
      if (runPage === null) return;
      this.file.write(new Uint8Array(runPage.buffer, runPage.byteOffset, runLength * ps), 0, runLength * ps, runStart * ps);
      this.pagesWritten += runLength;
      runPage = null;
      runLength = 0;
    };
    for (let pageId = 1; pageId < resident.length; pageId++) {
      const page = resident[pageId];
      if (page === undefined || this.dirty[pageId] !== 1) continue;
      this.dirty[pageId] = 0;
      sealPage(page, pageId, this.lsn);
      if (this.codec !== null) {
        flush();
        this.file.write(this.codec.encode(page, pageId), 0, ps, pageId * ps);
        this.pagesWritten++;
        continue;
      }
      const adjacent = runPage !== null && pageId === runStart + runLength && page.buffer === runPage.buffer && page.byteOffset === runPage.byteOffset + runLength * ps;
      if (adjacent) {
        runLength++;
        continue;
      }
      flush();
      runStart = pageId;
      runPage = page;
      runLength = 1;
    }
    flush();
  }
}
