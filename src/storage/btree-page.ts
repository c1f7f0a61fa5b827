// The B+tree node page: a slotted page for leaves (keys and values) and internal nodes
// (separator keys and child page ids). Lives in the content area of a page of type
// BTREE_LEAF or BTREE_INTERNAL (page.ts owns the common header and trailer).
//
// NODE PAGE LAYOUT (all integers big-endian; offsets count from the start of the page)
//
//   C = store.contentOffset (24), E = C + store.usableBytes (pageSize − 32). E ≤ 65504, so
//   every offset into the page fits a u16.
//
//   offset       size    type    meaning
//   C+0          2       u16     cell count n
//   C+2          2       u16     cell content start: lowest byte of the cell area (E when empty)
//   C+4          2       u16     fragmented bytes: holes inside the cell area left by removed cells
//   C+6          2       u16     last insert: 1 + index of the cell inserted last, 0 = none. A hint
//                                for choosing split points (runs of ascending keys); any value is valid
//   C+8          4       u32     internal node: rightmost child page (keys ≥ the last separator);
//                                leaf: 0
//   C+12         2 × n   u16[]   cell pointers in key order: page offset of each cell
//   ...                          free space
//   start .. E                   the cells, packed from E downward in any order, plus holes
//
// LEAF CELL
//   +0     1   u8    flags: bit 0 (CELL_FLAG_OVERFLOW) = the value lives in an overflow chain
//   +1     2   u16   key length K
//   +3     4   u32   value length V: the whole value, also when it overflows
//   +7     K         key bytes
//   +7+K   V         the value (inline), or
//          4   u32   first page of the overflow chain (overflow.ts) when bit 0 is set
//
// INTERNAL CELL
//   +0     4   u32   child page: holds the keys k with previous separator ≤ k < this key
//   +4     2   u16   key length K
//   +6     K         separator key
//
// Invariants (checked by checkNodePage / btree-check.ts):
//  (N1) C + 12 + 2n ≤ cell content start ≤ E, and fragmented bytes ≤ E − content start.
//  (N2) Every cell lies inside [content start, E); no two cells overlap; the sizes of the
//       cells plus the fragmented bytes add up to E − content start.
//  (N3) Keys are strictly increasing in pointer order.
//  (N4) A leaf cell's value is inline exactly when bit 0 is clear; an inline cell's size is
//       7 + K + V, an overflow cell's 7 + K + 4.
//
// The functions below take the page buffer and C (and E where needed) and do plain byte
// arithmetic: no DataView, no subarray, no allocation on the search and update paths.
//
// Search (searchNode): a plain bisection over n cells touches ~log2(n) cache lines scattered
// over the page, and for a tree larger than the CPU caches those misses are the cost of a
// lookup. So a search starts at an interpolated cell — from the separators the parent gave
// this node (btree.ts descend and the cursor's seek pass them in), or else between the node's
// first and last keys, bisecting first while those differ in length —
// gallops to a bracket and bisects it: a few neighbouring lines for dense or uniform keys, at
// most about twice the probes of a bisection for skewed ones, and always the exact answer.

import { CorruptionError } from '../errors.js';
import { PAGE_TYPE } from './page.js';
import type { PageId } from './types.js';

export const NODE_HEADER_BYTES = 12;
export const NODE_OFFSET = {
  cellCount: 0,
  cellContentStart: 2,
  fragmentedBytes: 4,
  lastInsert: 6,
  rightChild: 8,
  cellPointers: 12,
} as const;

export const CELL_POINTER_BYTES = 2;
export const LEAF_CELL_HEADER_BYTES = 7;
export const INTERNAL_CELL_HEADER_BYTES = 6;
export const OVERFLOW_REF_BYTES = 4;
export const CELL_FLAG_OVERFLOW = 0x01;

export const LEAF = PAGE_TYPE.BTREE_LEAF;
export const INTERNAL = PAGE_TYPE.BTREE_INTERNAL;

// ── byte helpers ─────────────────────────────────────────────────────────────

export function rd16(p: Uint8Array, o: number): number {
  return (p[o]! << 8) | p[o + 1]!;
}
export function wr16(p: Uint8Array, o: number, v: number): void {
  p[o] = v >>> 8;
  p[o + 1] = v;
}
export function rd32(p: Uint8Array, o: number): number {
  return p[o]! * 0x1000000 + ((p[o + 1]! << 16) | (p[o + 2]! << 8) | p[o + 3]!);
}
export function wr32(p: Uint8Array, o: number, v: number): void {
  p[o] = v >>> 24;
  p[o + 1] = v >>> 16;
  p[o + 2] = v >>> 8;
  p[o + 3] = v;
}

// ── sizes ────────────────────────────────────────────────────────────────────

/** Bytes for header, pointers and cells of one node: usable bytes minus the node header. */
export function nodeCapacityBytes(usableBytes: number): number {
  return usableBytes - NODE_HEADER_BYTES;
}

/** Largest cell (without its pointer) such that four cells and pointers fit one node. */
export function maxCellBytes(usableBytes: number): number {
  return Math.floor(nodeCapacityBytes(usableBytes) / 4) - CELL_POINTER_BYTES;
}

/** Largest key: a leaf cell with an overflow reference still fits maxCellBytes. */
export function maxKeyBytes(usableBytes: number): number {
  return maxCellBytes(usableBytes) - LEAF_CELL_HEADER_BYTES - OVERFLOW_REF_BYTES;
}

// ── header fields ────────────────────────────────────────────────────────────

export function initNode(page: Uint8Array, type: typeof LEAF | typeof INTERNAL, c: number, e: number): void {
  page[0] = type;
  page.fill(0, c, c + NODE_HEADER_BYTES);
  wr16(page, c + NODE_OFFSET.cellContentStart, e);
}

export function cellCount(page: Uint8Array, c: number): number {
  return rd16(page, c);
}
export function cellContentStart(page: Uint8Array, c: number): number {
  return rd16(page, c + NODE_OFFSET.cellContentStart);
}
export function fragmentedBytes(page: Uint8Array, c: number): number {
  return rd16(page, c + NODE_OFFSET.fragmentedBytes);
}
export function rightChild(page: Uint8Array, c: number): PageId {
  return rd32(page, c + NODE_OFFSET.rightChild);
}
export function setRightChild(page: Uint8Array, c: number, id: PageId): void {
  wr32(page, c + NODE_OFFSET.rightChild, id);
}
export function cellPointer(page: Uint8Array, c: number, index: number): number {
  return rd16(page, c + NODE_HEADER_BYTES + 2 * index);
}

/** The last-insert hint: index of the cell inserted last, or −1. */
export function lastInsertIndex(page: Uint8Array, c: number): number {
  return rd16(page, c + NODE_OFFSET.lastInsert) - 1;
}
export function setLastInsertIndex(page: Uint8Array, c: number, index: number): void {
  wr16(page, c + NODE_OFFSET.lastInsert, index + 1);
}

/** Free bytes usable for new cells and pointers: the gap plus the holes (after defragment). */
export function nodeFreeBytes(page: Uint8Array, c: number): number {
  const n = rd16(page, c);
  return rd16(page, c + 2) - (c + NODE_HEADER_BYTES + 2 * n) + rd16(page, c + 4);
}

// ── cells ────────────────────────────────────────────────────────────────────

export function leafKeyLength(page: Uint8Array, off: number): number {
  return rd16(page, off + 1);
}
export function leafValueLength(page: Uint8Array, off: number): number {
  return rd32(page, off + 3);
}
export function leafIsOverflow(page: Uint8Array, off: number): boolean {
  return (page[off]! & CELL_FLAG_OVERFLOW) !== 0;
}
/** First overflow page of an overflow leaf cell. */
export function leafOverflowPage(page: Uint8Array, off: number): PageId {
  return rd32(page, off + LEAF_CELL_HEADER_BYTES + rd16(page, off + 1));
}
export function leafCellSize(page: Uint8Array, off: number): number {
  const k = rd16(page, off + 1);
  return LEAF_CELL_HEADER_BYTES + k + (page[off]! & CELL_FLAG_OVERFLOW ? OVERFLOW_REF_BYTES : rd32(page, off + 3));
}
export function internalChild(page: Uint8Array, off: number): PageId {
  return rd32(page, off);
}
export function internalKeyLength(page: Uint8Array, off: number): number {
  return rd16(page, off + 4);
}
export function internalCellSize(page: Uint8Array, off: number): number {
  return INTERNAL_CELL_HEADER_BYTES + rd16(page, off + 4);
}
export function cellSize(page: Uint8Array, off: number, leaf: boolean): number {
  return leaf ? leafCellSize(page, off) : internalCellSize(page, off);
}
/** Offset of the key bytes of the cell at `off`. */
export function cellKeyOffset(off: number, leaf: boolean): number {
  return off + (leaf ? LEAF_CELL_HEADER_BYTES : INTERNAL_CELL_HEADER_BYTES);
}
export function cellKeyLength(page: Uint8Array, off: number, leaf: boolean): number {
  return leaf ? rd16(page, off + 1) : rd16(page, off + 4);
}

/** Child page at child index i (0..n; n is the rightmost child). */
export function childAt(page: Uint8Array, c: number, i: number): PageId {
  const n = rd16(page, c);
  return i < n ? rd32(page, rd16(page, c + NODE_HEADER_BYTES + 2 * i)) : rd32(page, c + NODE_OFFSET.rightChild);
}
export function setChildAt(page: Uint8Array, c: number, i: number, id: PageId): void {
  const n = rd16(page, c);
  if (i < n) wr32(page, rd16(page, c + NODE_HEADER_BYTES + 2 * i), id);
  else wr32(page, c + NODE_OFFSET.rightChild, id);
}

/** Write a leaf cell into dst at 0; returns its size. `overflowPage` ≠ 0 means the value overflows. */
export function buildLeafCell(dst: Uint8Array, key: Uint8Array, value: Uint8Array, overflowPage: PageId): number {
  const k = key.length;
  dst[0] = overflowPage !== 0 ? CELL_FLAG_OVERFLOW : 0;
  wr16(dst, 1, k);
  wr32(dst, 3, value.length);
  copyBytes(dst, LEAF_CELL_HEADER_BYTES, key, 0, k);
  if (overflowPage !== 0) {
    wr32(dst, LEAF_CELL_HEADER_BYTES + k, overflowPage);
    return LEAF_CELL_HEADER_BYTES + k + OVERFLOW_REF_BYTES;
  }
  copyBytes(dst, LEAF_CELL_HEADER_BYTES + k, value, 0, value.length);
  return LEAF_CELL_HEADER_BYTES + k + value.length;
}

/**
 * Length of the shortest prefix of key b (bBuf[b, b + bl)) that sorts after key a
 * (aBuf[a, a + al)), a < b: suffix truncation, which keeps internal nodes wide.
 */
export function separatorLength(aBuf: Uint8Array, a: number, al: number, bBuf: Uint8Array, b: number, bl: number): number {
  let common = 0;
  const m = al < bl ? al : bl;
  while (common < m && aBuf[a + common] === bBuf[b + common]) common++;
  return common + 1 < bl ? common + 1 : bl;
}

/** Write an internal cell (child, key bytes src[keyOff, keyOff+keyLen)) into dst at 0; returns its size. */
export function buildInternalCell(dst: Uint8Array, child: PageId, src: Uint8Array, keyOff: number, keyLen: number): number {
  wr32(dst, 0, child);
  wr16(dst, 4, keyLen);
  copyBytes(dst, INTERNAL_CELL_HEADER_BYTES, src, keyOff, keyLen);
  return INTERNAL_CELL_HEADER_BYTES + keyLen;
}

// ── comparison and search ────────────────────────────────────────────────────

/** Compare `key` with `len` bytes of `page` at `off`, in place. */
export function compareKeyAt(key: Uint8Array, page: Uint8Array, off: number, len: number): number {
  const kl = key.length;
  const m = kl < len ? kl : len;
  for (let i = 0; i < m; i++) {
    const d = key[i]! - page[off + i]!;
    if (d !== 0) return d;
  }
  return kl - len;
}

/** Compare two byte ranges, in place. */
export function compareRanges(a: Uint8Array, ao: number, al: number, b: Uint8Array, bo: number, bl: number): number {
  const m = al < bl ? al : bl;
  for (let i = 0; i < m; i++) {
    const d = a[ao + i]! - b[bo + i]!;
    if (d !== 0) return d;
  }
  return al - bl;
}

function badPointer(pageId: PageId, tree: string, index: number, off: number): CorruptionError {
  return new CorruptionError(`B+tree ${tree}: page ${pageId} has a bad pointer ${off} for cell ${index}`, {
    pageNumber: pageId,
    tree,
    cellIndex: index,
    cellOffset: off,
  });
}

/** Compare `key` with the key of cell i; a pointer outside [lowest, E) throws CorruptionError. */
function probe(page: Uint8Array, c: number, e: number, lowest: number, key: Uint8Array, i: number, hdr: number, lenAt: number, pageId: PageId, tree: string): number {
  const off = (page[c + NODE_HEADER_BYTES + 2 * i]! << 8) | page[c + NODE_HEADER_BYTES + 2 * i + 1]!;
  const kl = (page[off + lenAt]! << 8) | page[off + lenAt + 1]!;
  if (off < lowest || off + hdr + kl > e) throw badPointer(pageId, tree, i, off);
  return compareKeyAt(key, page, off + hdr, kl);
}

/** Big-endian value of the 6 bytes at `at` (bytes past `end` count as 0). */
function window6(buf: Uint8Array, at: number, end: number): number {
  let v = 0;
  for (let j = 0; j < 6; j++) v = v * 256 + (at + j < end ? buf[at + j]! : 0);
  return v;
}

/**
 * Interpolate where `key` falls among n slots, given bounds lowKey ≤ key < highKey (each a
 * byte range of some buffer): compare the 6 bytes after the bounds' common prefix. Exact for
 * dense integer keys; any answer is only where a search starts galloping, so skewed keys stay
 * correct. Returns a slot in [0, n), or −1 when the bounds give no spread.
 */
export function interpolate(
  lowBuf: Uint8Array,
  lowOff: number,
  lowLen: number,
  highBuf: Uint8Array,
  highOff: number,
  highLen: number,
  key: Uint8Array,
  n: number,
): number {
  const m = lowLen < highLen ? lowLen : highLen;
  let p = 0;
  while (p < m && lowBuf[lowOff + p] === highBuf[highOff + p]) p++;
  const lo = window6(lowBuf, lowOff + p, lowOff + lowLen);
  const hi = window6(highBuf, highOff + p, highOff + highLen);
  if (hi <= lo) return -1;
  const est = Math.floor(((window6(key, p, key.length) - lo) * n) / (hi - lo));
  return est < 0 ? 0 : est >= n ? n - 1 : est;
}

// Scratch results of estimateInBracket: the bracket it narrowed to.
let bracketLo = 0;
let bracketHi = 0;

/**
 * Where to start in the bracket [lo, hi] (hi − lo ≥ 8) when no fences are known and cells
 * lo − 1 and hi + 1 were probed (the key sorts after the first, before the last): interpolate
 * between those two cells. While they differ in length (ordered varints of different widths,
 * ids 200 and 50,000 say) their bytes say little about the keys between, so bisect first; the
 * bracket stays ≥ 3 cells wide. Sets bracketLo/bracketHi to the narrowed bracket and returns
 * the estimate (−1: none), or −2 − i when cell i equals the key and `orEqual` (a hit).
 */
function estimateInBracket(
  page: Uint8Array,
  c: number,
  e: number,
  lowest: number,
  key: Uint8Array,
  hdr: number,
  lenAt: number,
  orEqual: boolean,
  pageId: PageId,
  tree: string,
  lo: number,
  hi: number,
): number {
  for (;;) {
    bracketLo = lo;
    bracketHi = hi;
    if (hi - lo < 8) return -1;
    const pl = c + NODE_HEADER_BYTES + 2 * (lo - 1);
    const ph = c + NODE_HEADER_BYTES + 2 * (hi + 1);
    const ol = (page[pl]! << 8) | page[pl + 1]!;
    const oh = (page[ph]! << 8) | page[ph + 1]!;
    const ll = (page[ol + lenAt]! << 8) | page[ol + lenAt + 1]!;
    const lh = (page[oh + lenAt]! << 8) | page[oh + lenAt + 1]!;
    if (ll === lh) {
      const x = interpolate(page, ol + hdr, ll, page, oh + hdr, lh, key, hi - lo + 1);
      return x < 0 ? -1 : lo + x;
    }
    const mid = (lo + hi) >>> 1;
    const r = probe(page, c, e, lowest, key, mid, hdr, lenAt, pageId, tree);
    if (r > 0 || (r === 0 && !orEqual)) lo = mid + 1;
    else if (r < 0) hi = mid - 1;
    else return -2 - mid;
  }
}

/**
 * First index i in [0, n) whose key compares after `key` (or equal, when `orEqual`); n if
 * none. Returns ~i instead when cell i equals `key` and `orEqual` (a leaf hit).
 *
 * A plain bisection touches ~log2(n) cache lines scattered over the page. Instead: start at
 * `estimate` (interpolated by the caller from the separators around this node, which are in
 * cache already) or, without one, interpolate between the node's first and last keys (see
 * estimateInBracket); gallop
 * from there to a bracket and bisect it. Dense or uniform keys cost a few neighbouring lines;
 * skewed keys at most about twice the probes of a bisection.
 */
function searchNode(
  page: Uint8Array,
  c: number,
  e: number,
  key: Uint8Array,
  hdr: number,
  lenAt: number,
  orEqual: boolean,
  pageId: PageId,
  tree: string,
  estimate: number,
): number {
  const n = (page[c]! << 8) | page[c + 1]!;
  const lowest = c + NODE_HEADER_BYTES + 2 * n;
  // The answer lies in [lo, hi + 1].
  let lo = 0;
  let hi = n - 1;
  let est = estimate < n ? estimate : n - 1;
  if (est < 0 && n >= 16) {
    const first = probe(page, c, e, lowest, key, 0, hdr, lenAt, pageId, tree);
    if (first < 0) return 0;
    if (first === 0 && orEqual) return ~0;
    const last = probe(page, c, e, lowest, key, n - 1, hdr, lenAt, pageId, tree);
    if (last > 0 || (last === 0 && !orEqual)) return n;
    if (last === 0) return ~(n - 1);
    lo = 1;
    hi = n - 2;
    est = estimateInBracket(page, c, e, lowest, key, hdr, lenAt, orEqual, pageId, tree, lo, hi);
    if (est < -1) return ~(-2 - est); // cell −2 − est equals the key (orEqual)
    lo = bracketLo;
    hi = bracketHi;
  }
  if (est >= 0) {
    const r = probe(page, c, e, lowest, key, est, hdr, lenAt, pageId, tree);
    if (r === 0 && orEqual) return ~est;
    if (r >= 0) {
      // Cell est sorts before the answer (a hit returned above): gallop right.
      let newLo = est + 1;
      for (let step = 1; ; step <<= 1) {
        const j = est + step;
        if (j > hi) break;
        const rj = probe(page, c, e, lowest, key, j, hdr, lenAt, pageId, tree);
        if (rj === 0 && orEqual) return ~j;
        if (rj < 0) {
          hi = j - 1;
          break;
        }
        newLo = j + 1;
      }
      lo = newLo;
    } else {
      // Cell est sorts after the answer: gallop left.
      let newHi = est - 1;
      for (let step = 1; ; step <<= 1) {
        const j = est - step;
        if (j < lo) break;
        const rj = probe(page, c, e, lowest, key, j, hdr, lenAt, pageId, tree);
        if (rj === 0 && orEqual) return ~j;
        if (rj >= 0) {
          lo = j + 1;
          break;
        }
        newHi = j - 1;
      }
      hi = newHi;
    }
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = probe(page, c, e, lowest, key, mid, hdr, lenAt, pageId, tree);
    if (r > 0 || (r === 0 && !orEqual)) lo = mid + 1;
    else if (r < 0) hi = mid - 1;
    else return ~mid;
  }
  return lo;
}

/**
 * Search of a leaf: the index of `key` when present (≥ 0), else ~(insertion index).
 * `estimate` (optional, −1 = none) is where to start (see searchNode). Each probed pointer
 * is range-checked; a bad one throws CorruptionError naming the page.
 */
export function leafSearch(page: Uint8Array, c: number, e: number, key: Uint8Array, pageId: PageId, tree: string, estimate = -1): number {
  // searchNode gives ~i for a hit and the insertion index otherwise: the inverse encoding.
  return ~searchNode(page, c, e, key, LEAF_CELL_HEADER_BYTES, 1, true, pageId, tree, estimate);
}

/** Search of an internal node: the child index (0..n) whose subtree may hold `key`. */
export function internalSearch(page: Uint8Array, c: number, e: number, key: Uint8Array, pageId: PageId, tree: string, estimate = -1): number {
  return searchNode(page, c, e, key, INTERNAL_CELL_HEADER_BYTES, 4, false, pageId, tree, estimate);
}

// ── separator prefixes (images that never change) ───────────────────────────
// Internal pages are few and hot, so their search is CPU, not cache misses: interpolating,
// galloping and comparing separator bytes. For an image that never changes (a read snapshot's:
// page-cache.ts C3; never a writer's dirty page, which changes in place) the first 6 bytes of
// each separator are decoded once into a Float64Array (window6: big-endian, zero-padded) kept
// beside the image while it lives. A search bisects those numbers and compares bytes only on
// a tie: prefix(s) < prefix(k) implies s < k and prefix(s) > prefix(k) implies s > k (a
// zero pad sorts first, as a shorter key does), so the answer is internalSearch's.
const separatorPrefixes = new WeakMap<Uint8Array, Float64Array>();

/** Drop what was derived from `page`'s bytes: the pager hands the buffer out again (page-pool.ts PP2). */
export function forgetSeparatorPrefixes(page: Uint8Array): void {
  separatorPrefixes.delete(page);
}

function buildSeparatorPrefixes(page: Uint8Array, c: number, e: number, pageId: PageId, tree: string): Float64Array {
  const n = (page[c]! << 8) | page[c + 1]!;
  const lowest = c + NODE_HEADER_BYTES + 2 * n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const off = (page[c + NODE_HEADER_BYTES + 2 * i]! << 8) | page[c + NODE_HEADER_BYTES + 2 * i + 1]!;
    const kl = (page[off + 4]! << 8) | page[off + 5]!;
    if (off < lowest || off + INTERNAL_CELL_HEADER_BYTES + kl > e) throw badPointer(pageId, tree, i, off);
    out[i] = window6(page, off + INTERNAL_CELL_HEADER_BYTES, off + INTERNAL_CELL_HEADER_BYTES + kl);
  }
  return out;
}

/**
 * internalSearch for an image that never changes (see above): the child index (0..n) whose
 * subtree may hold `key`, i.e. the number of separators ≤ key (btree.ts B2).
 */
export function internalSearchStable(page: Uint8Array, c: number, e: number, key: Uint8Array, pageId: PageId, tree: string): number {
  let prefixes = separatorPrefixes.get(page);
  if (prefixes === undefined) {
    prefixes = buildSeparatorPrefixes(page, c, e, pageId, tree);
    separatorPrefixes.set(page, prefixes);
  }
  const k = window6(key, 0, key.length);
  const lowest = c + NODE_HEADER_BYTES + 2 * prefixes.length;
  let lo = 0;
  let hi = prefixes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = prefixes[mid]!;
    if (p < k || (p === k && probe(page, c, e, lowest, key, mid, INTERNAL_CELL_HEADER_BYTES, 4, pageId, tree) >= 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Cheap structural check done on every node page read (invariant N1 and the type byte).
 * Throws CorruptionError naming the page; returns true for a leaf, false for an internal node.
 */
export function checkNodePage(page: Uint8Array, c: number, e: number, pageId: PageId, tree: string): boolean {
  const type = page[0];
  if (type !== LEAF && type !== INTERNAL) {
    throw new CorruptionError(`B+tree ${tree}: page ${pageId} has page type ${type}, expected a B+tree node`, {
      pageNumber: pageId,
      tree,
      pageType: type,
    });
  }
  const n = rd16(page, c);
  const start = rd16(page, c + 2);
  if (c + NODE_HEADER_BYTES + 2 * n > start || start > e || rd16(page, c + 4) > e - start) {
    throw new CorruptionError(`B+tree ${tree}: page ${pageId} has a bad node header (cells ${n}, content start ${start})`, {
      pageNumber: pageId,
      tree,
      cellCount: n,
      cellContentStart: start,
    });
  }
  return type === LEAF;
}

// ── updates ──────────────────────────────────────────────────────────────────

let scratch = new Uint8Array(65536);

/**
 * Repack the cells against E in pointer (key) order: cell 0 ends at E, cell i+1 lies right
 * below cell i; holes disappear. The layout a split or a bulk build writes, so a range read
 * walks neighbouring bytes instead of cells scattered over the page.
 *
 * Cells already in that order sit in runs (cell i+1 ends where cell i starts): each run moves
 * as one block, so a page that was packed in order and then took a few inserts costs a few
 * block copies, not one per cell. No allocation.
 */
export function defragmentNode(page: Uint8Array, c: number, e: number, leaf: boolean): void {
  if (scratch.length < page.length) scratch = new Uint8Array(page.length);
  const s = scratch;
  const from = rd16(page, c + 2);
  // The cell area into scratch at the same offsets: pointers keep meaning the same bytes.
  s.set(page.subarray(from, e), from);
  const n = rd16(page, c);
  let start = e;
  // The run being gathered: cells [runFirst, i), source bytes [runLow, runHigh).
  let runFirst = 0;
  let runLow = e;
  let runHigh = e;
  for (let i = 0; i <= n; i++) {
    let off = 0;
    let size = 0;
    if (i < n) {
      const ptr = c + NODE_HEADER_BYTES + 2 * i;
      off = (page[ptr]! << 8) | page[ptr + 1]!;
      // cellSize, spelled out: this loop is the whole cost of a repack.
      if (!leaf) size = INTERNAL_CELL_HEADER_BYTES + ((s[off + 4]! << 8) | s[off + 5]!);
      else if ((s[off]! & CELL_FLAG_OVERFLOW) !== 0) size = LEAF_CELL_HEADER_BYTES + ((s[off + 1]! << 8) | s[off + 2]!) + OVERFLOW_REF_BYTES;
      else size = LEAF_CELL_HEADER_BYTES + ((s[off + 1]! << 8) | s[off + 2]!) + (s[off + 3]! * 0x1000000 + ((s[off + 4]! << 16) | (s[off + 5]! << 8) | s[off + 6]!));
      if (i > 0 && off + size === runLow) {
        runLow = off;
        continue;
      }
    }
    if (i > 0) {
      // Close the run: it goes right below the cells placed so far; its pointers move with it.
      const len = runHigh - runLow;
      start -= len;
      const shift = start - runLow;
      if (shift !== 0) {
        copyBytes(page, start, s, runLow, len);
        for (let j = runFirst; j < i; j++) wr16(page, c + NODE_HEADER_BYTES + 2 * j, rd16(page, c + NODE_HEADER_BYTES + 2 * j) + shift);
      }
    }
    runFirst = i;
    runLow = off;
    runHigh = off + size;
  }
  wr16(page, c + 2, start);
  wr16(page, c + 4, 0);
}

/** Sizes of a node's cells by pointer index (repackAfterInserts' scratch). */
let cellSizes = new Uint16Array(4096);

/**
 * defragmentNode for a node that was packed in key order with no holes when its content
 * started at `packedStart`, and has only taken inserts since: the cells below packedStart are
 * the new ones, the rest still lie packed in pointer order. Then a cell's size is the gap to
 * the cell before it and only the new cells' headers are read; the old cells move as blocks
 * (copyWithin), bottom run first, and the new ones drop into the gaps. Same bytes as
 * defragmentNode, at a fraction of its per-cell work. When the old cells turn out not to be
 * in that order (a layout other writes left), it is defragmentNode.
 */
export function repackAfterInserts(page: Uint8Array, c: number, e: number, leaf: boolean, packedStart: number): void {
  const n = rd16(page, c);
  const from = rd16(page, c + 2);
  if (rd16(page, c + 4) !== 0 || packedStart < from || packedStart > e) return defragmentNode(page, c, e, leaf);
  if (cellSizes.length < n) cellSizes = new Uint16Array(2 * n);
  const sizes = cellSizes;
  const ptrs = c + NODE_HEADER_BYTES;
  // Pass 1, pointers only for the old cells: they must lie in pointer order from E down to packedStart.
  let prevOld = e;
  let newBytes = 0;
  for (let i = 0; i < n; i++) {
    const off = rd16(page, ptrs + 2 * i);
    if (off >= packedStart) {
      if (off >= prevOld) return defragmentNode(page, c, e, leaf);
      sizes[i] = prevOld - off;
      prevOld = off;
    } else {
      const size = cellSize(page, off, leaf);
      sizes[i] = size;
      newBytes += size;
    }
  }
  if (prevOld !== packedStart || newBytes !== packedStart - from) return defragmentNode(page, c, e, leaf);
  if (newBytes === 0) return;
  if (scratch.length < page.length) scratch = new Uint8Array(page.length);
  copyBytes(scratch, from, page, from, newBytes);
  // Pass 2, from the last cell (lowest address) up: cell i's place starts at from + the sizes
  // of the cells after it. Each move goes down into bytes already vacated or saved.
  let after = 0;
  for (let i = n - 1; i >= 0; ) {
    const off = rd16(page, ptrs + 2 * i);
    if (off < packedStart) {
      const dest = from + after;
      copyBytes(page, dest, scratch, off, sizes[i]!);
      wr16(page, ptrs + 2 * i, dest);
      after += sizes[i]!;
      i--;
      continue;
    }
    // The run of old cells j..i: contiguous, moved as one block.
    let j = i;
    let runBytes = sizes[i]!;
    while (j > 0 && rd16(page, ptrs + 2 * (j - 1)) >= packedStart) runBytes += sizes[--j]!;
    const shift = off - (from + after);
    if (shift !== 0) {
      page.copyWithin(off - shift, off, off + runBytes);
      for (let m = j; m <= i; m++) wr16(page, ptrs + 2 * m, rd16(page, ptrs + 2 * m) - shift);
    }
    after += runBytes;
    i = j - 1;
  }
}

/**
 * Copy `length` bytes of src from srcOff into dst at dstOff (distinct buffers). Most cells
 * are short, and for them a loop beats set(), which costs a call and often a subarray.
 */
export function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, length: number): void {
  if (length <= 64) {
    for (let i = 0; i < length; i++) dst[dstOff + i] = src[srcOff + i]!;
  } else if (srcOff === 0 && length === src.length) dst.set(src, dstOff);
  else dst.set(src.subarray(srcOff, srcOff + length), dstOff);
}

/**
 * Insert `len` bytes of `src` (from srcOff) as cell `index`. Returns false, changing nothing,
 * when the node lacks room even after defragmenting.
 */
export function insertCell(page: Uint8Array, c: number, e: number, index: number, src: Uint8Array, srcOff: number, len: number, leaf: boolean): boolean {
  const n = rd16(page, c);
  const ptrEnd = c + NODE_HEADER_BYTES + 2 * n;
  let start = rd16(page, c + 2);
  if (start - ptrEnd < len + CELL_POINTER_BYTES) {
    if (start - ptrEnd + rd16(page, c + 4) < len + CELL_POINTER_BYTES) return false;
    defragmentNode(page, c, e, leaf);
    start = rd16(page, c + 2);
  }
  start -= len;
  copyBytes(page, start, src, srcOff, len);
  const at = c + NODE_HEADER_BYTES + 2 * index;
  if (at < ptrEnd) page.copyWithin(at + 2, at, ptrEnd);
  wr16(page, at, start);
  wr16(page, c, n + 1);
  wr16(page, c + 2, start);
  wr16(page, c + 6, index + 1);
  return true;
}

/** Remove cells [from, to); their bytes become holes (or give back the gap when at the start). */
export function removeCells(page: Uint8Array, c: number, e: number, from: number, to: number, leaf: boolean): void {
  const n = rd16(page, c);
  if (to <= from) return;
  wr16(page, c + 6, 0);
  if (from === 0 && to === n) {
    wr16(page, c, 0);
    wr16(page, c + 2, e);
    wr16(page, c + 4, 0);
    return;
  }
  let start = rd16(page, c + 2);
  let holes = rd16(page, c + 4);
  for (let i = from; i < to; i++) {
    const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
    holes += cellSize(page, off, leaf);
  }
  // A removed cell right at the content start gives its bytes back to the gap (one pass:
  // cheap, and the holes it misses are reclaimed by the next defragment).
  for (let i = from; i < to; i++) {
    const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
    if (off === start) {
      const size = cellSize(page, off, leaf);
      start += size;
      holes -= size;
    }
  }
  const ptrFrom = c + NODE_HEADER_BYTES + 2 * from;
  page.copyWithin(ptrFrom, c + NODE_HEADER_BYTES + 2 * to, c + NODE_HEADER_BYTES + 2 * n);
  wr16(page, c, n - (to - from));
  wr16(page, c + 2, start);
  wr16(page, c + 4, holes);
}
