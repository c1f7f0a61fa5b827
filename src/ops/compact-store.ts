// The page store compaction builds the new database file with (compact.ts): B+trees are
// written into it through the ordinary BTree API, pages go straight to a private file — no
// WAL, no lock, nobody else reads it until it is complete and synced.
//
// Pages live in memory while the trees are built and are written out, sealed with the
// compaction's LSN (and encoded by the page codec, if any), when more than
// residentPagesMax are held. Eviction only happens when the builder calls evictIfOver()
// between top-level operations, never inside one: a B+tree operation may hold a page buffer
// across allocate() calls, and that buffer must stay the page's only image.
//
// Invariants:
//  (CS1) Every page this store ever handed out is, at finish(), either written to the file
//        (sealed, stored form) or on the new file's free list.
//  (CS2) Page 0 is written last, so a file without its meta page is never mistaken for a
//        database (and nothing reads the file before the swap anyway).

import { StorageError } from '../errors.js';
import { pushFreePage, type FreeListAccess } from '../storage/freelist.js';
import * as meta from '../storage/meta.js';
import { PAGE_HEADER_BYTES, sealPage, usableBytes, verifyPage } from '../storage/page.js';
import type { PageCodec } from '../storage/pager.js';
import type { FileHandle, Lsn, PageId, PageStore } from '../storage/types.js';

export class CompactionFileStore implements PageStore {
  readonly pageSizeBytes: number;
  readonly usableBytes: number;
  readonly contentOffset = PAGE_HEADER_BYTES;
  readonly writable = true;
  /** The new meta page (plain image; sealed at finish). */
  readonly meta: Uint8Array;
  /** Pages held in memory, least recently used first (Map order). */
  private readonly resident = new Map<PageId, Uint8Array>();
  private readonly dirty = new Set<PageId>();
  private readonly freed: PageId[] = [];
  private pageCount = 1;
  pagesWritten = 0;

  constructor(
    private readonly file: FileHandle,
    baseMeta: Uint8Array,
    private readonly lsn: Lsn,
    private readonly codec: PageCodec | null,
    private readonly residentPagesMax = 4096,
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
    const held = this.resident.get(pageId);
    if (held !== undefined) {
      this.resident.delete(pageId);
      this.resident.set(pageId, held);
      return held;
    }
    if (pageId >= this.pageCount) {
      throw new StorageError('INVALID_ARGUMENT', `page ${pageId} is beyond the end of the compacted file (${this.pageCount} pages)`, { pageNumber: pageId });
    }
    const stored = new Uint8Array(this.pageSizeBytes);
    this.file.read(stored, 0, this.pageSizeBytes, pageId * this.pageSizeBytes);
    verifyPage(stored, pageId, this.file.path);
    const page = this.codec === null ? stored : this.codec.decode(stored, pageId);
    this.resident.set(pageId, page);
    return page;
  }

  write(pageId: PageId): Uint8Array {
    const page = this.read(pageId);
    if (pageId !== 0) this.dirty.add(pageId);
    return page;
  }

  allocate(pageType: number): PageId {
    const pageId = this.freed.pop() ?? this.pageCount++;
    const page = new Uint8Array(this.pageSizeBytes);
    page[0] = pageType;
    this.resident.set(pageId, page);
    this.dirty.add(pageId);
    return pageId;
  }

  free(pageId: PageId): void {
    this.resident.delete(pageId);
    this.dirty.delete(pageId);
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

  /** Write out least recently used pages until at most residentPagesMax are held. Call between operations only. */
  evictIfOver(): void {
    if (this.resident.size <= this.residentPagesMax) return;
    const target = Math.floor(this.residentPagesMax * 0.75);
    for (const [pageId, page] of this.resident) {
      if (this.resident.size <= target) break;
      this.writeOut(pageId, page);
      this.resident.delete(pageId);
    }
  }

  /**
   * Put leftover freed pages on the new file's free list, write every held page, then the
   * meta page (CS1, CS2), and cut the file to its page count. Returns the page count.
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
          this.resident.set(id, page);
          this.dirty.add(id);
          return page;
        },
      };
      for (const id of this.freed.splice(0).sort((a, b) => b - a)) pushFreePage(access, id);
    }
    for (const [pageId, page] of this.resident) this.writeOut(pageId, page);
    this.resident.clear();
    meta.setPageCount(this.meta, this.pageCount);
    meta.setCheckpointStamp(this.meta, checkpointAtMs, this.lsn);
    sealPage(this.meta, 0, this.lsn);
    this.file.write(this.meta, 0, this.pageSizeBytes, 0);
    this.file.truncate(this.pageCount * this.pageSizeBytes);
    return this.pageCount;
  }

  private writeOut(pageId: PageId, page: Uint8Array): void {
    if (!this.dirty.has(pageId)) return;
    sealPage(page, pageId, this.lsn);
    const stored = this.codec === null ? page : this.codec.encode(page, pageId);
    this.file.write(stored, 0, this.pageSizeBytes, pageId * this.pageSizeBytes);
    this.dirty.delete(pageId);
    this.pagesWritten++;
  }
}
