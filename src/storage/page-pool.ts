// Page buffers for the pager to reuse instead of allocating.
//
// Why: every write transaction copies each page it changes (copy-on-write, transaction.ts
// T2), and a fresh 8 KiB ArrayBuffer is far dearer than the copy. Measured on the 2-core VMs
// this project runs on: `new Uint8Array(8192)` or `.slice()` of a page costs 4–7 µs alone
// and ~3–16 µs inside a commit (allocation, zeroing, external-memory accounting, the GC
// that follows, page faults on fresh memory), against 0.1–0.2 µs to copy into a reused
// buffer. An autocommit CREATE copies four pages; a 10k-relationship load commit thousands.
//
// Where buffers come from: the images the page cache lets go (displaced by a newer commit,
// or evicted) and the dirty images of a rolled-back transaction. Such an image may still be
// read: a transaction that began before it was let go can hold a view of it (cursors keep
// page views, a reader's meta page is the cached image). So it is retired with a stamp, and
// waits until every transaction that could hold it has ended.
//
// Invariants:
//  (PP1) Stamps count transactions begun (Pager.nextTransactionStamp). An image retired at
//        stamp s is handed out again only when every open transaction began after s, i.e.
//        the oldest open transaction's stamp is > s. A transaction begun after s cannot
//        reach the image: it is in no cache, WAL index or live dirty map any more.
//  (PP2) Nothing else keeps a retired image: callers retire only images they drop.
//        Derived data cached per image (btree-page.ts separator prefixes) is forgotten when
//        the buffer is handed out again.
//  (PP3) Bounded: at most `limit` buffers wait in the pool (free and retired together);
//        more are left to the GC, which is always safe. A rewind (pager.ts R4) drops every
//        retired image, since the transactions it invalidated are no longer counted as open.
//  (PP4) With poisoning on (tests: OMBRA_POISON_FREED_PAGES=1) a reclaimed buffer is filled
//        with 0xDB, so a view kept past its transaction's end reads garbage at once instead
//        of passing by luck.

import { forgetSeparatorPrefixes } from './btree-page.js';

const POISON_BYTE = 0xdb;

export class PagePool {
  private readonly free: Uint8Array[] = [];
  /** Retired images in stamp order (stamps never decrease): a queue from `head`. */
  private retired: Uint8Array[] = [];
  private retiredStamps: number[] = [];
  private head = 0;
  private limit: number;
  private readonly poison = process.env['OMBRA_POISON_FREED_PAGES'] === '1';
  /** Buffers handed out again instead of allocated (the dashboard does not show it; tests and benches read it). */
  reused = 0;

  constructor(
    readonly pageSizeBytes: number,
    limit: number,
    /** Stamp of the oldest open transaction, or Infinity when none is open (PP1). */
    private readonly oldestOpenStamp: () => number,
  ) {
    this.limit = Math.max(0, limit);
  }

  /** Buffers waiting (free + retired). */
  get size(): number {
    return this.free.length + this.retired.length - this.head;
  }

  setLimit(limit: number): void {
    this.limit = Math.max(0, limit);
    while (this.size > this.limit && this.free.length > 0) this.free.pop();
  }

  /** A page-sized buffer with undefined contents: reused when one is free (PP1), else new. */
  take(): Uint8Array {
    if (this.free.length === 0 && this.head < this.retired.length) this.reclaim();
    const buffer = this.free.pop();
    if (buffer === undefined) return new Uint8Array(this.pageSizeBytes);
    this.reused++;
    forgetSeparatorPrefixes(buffer); // PP2
    return buffer;
  }

  /** A zeroed page-sized buffer. */
  takeZeroed(): Uint8Array {
    const buffer = this.take();
    buffer.fill(0);
    return buffer;
  }

  /** A private copy of `page`. */
  copyOf(page: Uint8Array): Uint8Array {
    const buffer = this.take();
    buffer.set(page);
    return buffer;
  }

  /**
   * `image` is dropped by its owner at stamp `stamp` (the newest stamp handed out so far):
   * reuse it once no transaction begun at or before `stamp` is open.
   */
  retire(image: Uint8Array, stamp: number): void {
    if (image.length !== this.pageSizeBytes || this.size >= this.limit) return;
    this.retired.push(image);
    this.retiredStamps.push(stamp);
  }

  /** Forget every retired image (PP3: after a rewind). */
  dropRetired(): void {
    this.retired = [];
    this.retiredStamps = [];
    this.head = 0;
  }

  /** Move the retired images no open transaction can hold to the free list (PP1). */
  private reclaim(): void {
    const oldest = this.oldestOpenStamp();
    let head = this.head;
    while (head < this.retired.length && this.retiredStamps[head]! < oldest) {
      const image = this.retired[head]!;
      if (this.poison) image.fill(POISON_BYTE);
      this.free.push(image);
      head++;
    }
    if (head === this.retired.length) {
      this.retired.length = 0;
      this.retiredStamps.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > this.retired.length) {
      this.retired = this.retired.slice(head);
      this.retiredStamps = this.retiredStamps.slice(head);
      head = 0;
    }
    this.head = head;
  }
}
