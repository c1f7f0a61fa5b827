// The page cache: a fixed budget of committed page images, evicted with CLOCK.
//
// Why CLOCK rather than LRU: a hit must be as cheap as possible (point lookups touch three or
// four pages each). With CLOCK a hit is one Map lookup and one store of a reference bit; LRU
// would relink a list node on every hit. CLOCK approximates LRU well for B+tree workloads,
// where the upper levels are hot and stay referenced.
//
// What is cached: the newest committed image of a page, tagged with the global WAL frame
// sequence it came from (0 = read from the database file). A reader whose snapshot is at
// sequence s may use an entry with tag ≤ s: the entry is the newest version overall, so the
// newest version at or before s is that same image. A reader with an older snapshot takes
// the slow path in the pager (see pager.ts invariant R2).
//
// Invariants:
//  (C1) Only committed images live here. A write transaction's dirty pages are private to it
//       until its frames are written to the WAL; only then are they installed (so a dirty
//       page is never evicted before it is in the WAL: it is never here before).
//  (C2) A pinned entry is never evicted. resident ≤ capacity unless every entry is pinned.
//  (C3) Images in the cache are never modified in place; writers copy (pager.ts).
//  (C4) An image the cache lets go (displaced by a newer one, evicted, removed) goes to
//       `onRelease` (the pager retires it into its page pool, page-pool.ts); clear() lets
//       images go without it (after a rewind nothing may be reused, page-pool.ts PP3).

import type { PageId } from './types.js';

interface Entry {
  pageId: PageId;
  data: Uint8Array;
  tag: number;
  referenced: boolean;
  pins: number;
  /** Position in the clock ring. */
  slot: number;
}

export interface PageCacheCounters {
  hits: number;
  misses: number;
  evictions: number;
}

export class PageCache {
  private readonly entries = new Map<PageId, Entry>();
  private ring: (Entry | undefined)[] = [];
  /** Ring slots emptied by evictions and removals, reused before the ring grows. */
  private holes: number[] = [];
  private hand = 0;
  private capacityPages: number;
  readonly counters: PageCacheCounters = { hits: 0, misses: 0, evictions: 0 };

  constructor(
    capacityPages: number,
    private readonly onRelease: (image: Uint8Array) => void = () => {},
  ) {
    this.capacityPages = Math.max(1, capacityPages);
  }

  get capacity(): number {
    return this.capacityPages;
  }

  get resident(): number {
    return this.entries.size;
  }

  /** The cached image usable by a snapshot at `snapshotSequence`, counting a hit or a miss. */
  lookup(pageId: PageId, snapshotSequence: number): Uint8Array | undefined {
    const entry = this.entries.get(pageId);
    if (entry !== undefined && entry.tag <= snapshotSequence) {
      entry.referenced = true;
      this.counters.hits++;
      return entry.data;
    }
    this.counters.misses++;
    return undefined;
  }

  /** The entry for a page regardless of snapshot, without touching counters. */
  peek(pageId: PageId): { data: Uint8Array; tag: number } | undefined {
    return this.entries.get(pageId);
  }

  /** Install the newest committed image of a page (after a miss, or at commit). */
  install(pageId: PageId, data: Uint8Array, tag: number): void {
    const existing = this.entries.get(pageId);
    if (existing !== undefined) {
      if (existing.data !== data) this.onRelease(existing.data); // C4
      existing.data = data;
      existing.tag = tag;
      existing.referenced = true;
      return;
    }
    if (this.entries.size >= this.capacityPages) this.evictOne();
    const entry: Entry = { pageId, data, tag, referenced: false, pins: 0, slot: -1 };
    this.placeInRing(entry);
    this.entries.set(pageId, entry);
  }

  /** Drop a page (freed, or its cached image is no longer the newest). */
  remove(pageId: PageId): void {
    const entry = this.entries.get(pageId);
    if (entry === undefined) return;
    this.entries.delete(pageId);
    this.ring[entry.slot] = undefined;
    this.holes.push(entry.slot);
    this.onRelease(entry.data); // C4
  }

  /** Keep a page resident (invariant C2) until unpin. */
  pin(pageId: PageId): boolean {
    const entry = this.entries.get(pageId);
    if (entry === undefined) return false;
    entry.pins++;
    return true;
  }

  unpin(pageId: PageId): void {
    const entry = this.entries.get(pageId);
    if (entry !== undefined && entry.pins > 0) entry.pins--;
  }

  /** Change the budget while running; shrinking evicts at once. */
  resize(capacityPages: number): void {
    this.capacityPages = Math.max(1, capacityPages);
    let guard = this.entries.size * 3 + 8;
    while (this.entries.size > this.capacityPages && guard-- > 0) {
      if (!this.evictOne()) break;
    }
    this.compactRing();
  }

  /** Forget everything (after the WAL index was rebuilt, e.g. rewind after a failed sync). */
  clear(): void {
    this.entries.clear();
    this.ring = [];
    this.holes = [];
    this.hand = 0;
  }

  private placeInRing(entry: Entry): void {
    const hole = this.holes.pop();
    if (hole !== undefined) {
      entry.slot = hole;
      this.ring[hole] = entry;
      return;
    }
    entry.slot = this.ring.length;
    this.ring.push(entry);
  }

  /** Advance the hand to an unreferenced, unpinned entry and evict it. False if all are pinned. */
  private evictOne(): boolean {
    const n = this.ring.length;
    if (n === 0) return false;
    for (let step = 0; step < 2 * n + 1; step++) {
      const slot = this.hand;
      this.hand = (this.hand + 1) % n;
      const entry = this.ring[slot];
      if (entry === undefined || entry.pins > 0) continue;
      if (entry.referenced) {
        entry.referenced = false;
        continue;
      }
      this.ring[slot] = undefined;
      this.holes.push(slot);
      this.entries.delete(entry.pageId);
      this.counters.evictions++;
      this.onRelease(entry.data); // C4
      return true;
    }
    return false;
  }

  private compactRing(): void {
    if (this.ring.length <= this.capacityPages * 2) return;
    const live = this.ring.filter((e): e is Entry => e !== undefined);
    live.forEach((e, i) => (e.slot = i));
    this.ring = live;
    this.holes = [];
    this.hand = 0;
  }
}
