// B+tree integrity check, page visitor and statistics (CONVENTIONS §7: integrity is a
// library function). check() reports every broken invariant of btree.ts (B1–B8) and of the
// node and overflow layouts (N1–N4, O1) it finds, each naming the page; it never throws on a
// bad page. visitTreePages lets the pager-level check find pages used twice across
// structures and leaked pages.

import { CorruptionError } from '../errors.js';
import {
  CELL_FLAG_OVERFLOW,
  INTERNAL,
  INTERNAL_CELL_HEADER_BYTES,
  LEAF,
  LEAF_CELL_HEADER_BYTES,
  NODE_HEADER_BYTES,
  cellKeyLength,
  cellSize,
  checkNodePage,
  childAt,
  compareRanges,
  maxCellBytes,
  nodeFreeBytes,
  rd16,
  rd32,
  rightChild,
} from './btree-page.js';
import { OVERFLOW_HEADER_BYTES, OVERFLOW_OFFSET, overflowChainPages, overflowCapacityBytes } from './overflow.js';
import { PAGE_TYPE, pageTypeName } from './page.js';
import type { PageId, PageStore } from './types.js';

export type PageKind = 'internal' | 'leaf' | 'overflow';

export type BTreeProblemKind =
  | 'unreadable-page' // the store could not give the page (checksum, freed, out of range)
  | 'wrong-page-type' // not a B+tree node where one belongs, or not overflow in a chain
  | 'bad-header' // node header impossible (N1)
  | 'bad-cell-pointer' // a cell pointer outside the cell area, or a cell running past the end (N2)
  | 'overlapping-cells' // two cells share bytes (N2)
  | 'free-space-accounting' // cell sizes + holes ≠ cell area (N2)
  | 'bad-cell' // unknown flags, inline/overflow choice wrong (N4, B7), child page 0
  | 'key-order' // keys not strictly increasing within a page (N3, B1)
  | 'separator' // a key outside the bounds its parent's separators give (B2)
  | 'leaf-depth' // leaves at different depths, or a cycle deeper than any tree (B3)
  | 'empty-node' // an internal node with no separator or a leaf with no entry (B4)
  | 'key-too-large' // a key above maxKeyBytes (B6)
  | 'page-reached-twice' // a page reachable along two paths (B8)
  | 'overflow-chain'; // chain length, page length or termination wrong (O1)

export interface BTreeProblem {
  pageId: PageId;
  kind: BTreeProblemKind;
  tree: string;
  message: string;
}

export interface BTreeStats {
  /** Every page of the tree: nodes and overflow pages. */
  pages: number;
  leafPages: number;
  internalPages: number;
  overflowPages: number;
  entries: number;
  /** Levels from root to leaf (0 for an empty tree). */
  depth: number;
  /** Bytes holding data: node headers, cell pointers, cells, overflow headers and data. */
  usedBytes: number;
  /** Usable bytes of the tree's pages that hold nothing (gaps, holes, partly filled overflow pages). */
  freeBytesInPages: number;
}

/** What the walkers need to know about a tree. */
export interface TreeView {
  store: PageStore;
  rootId: PageId;
  name: string;
  maxKeyBytes: number;
}

const MAX_DEPTH = 40;
const MAX_PROBLEMS = 1000;

export function checkTree(view: TreeView): BTreeProblem[] {
  const { store, rootId, name, maxKeyBytes } = view;
  const problems: BTreeProblem[] = [];
  if (rootId === 0) return problems;
  const c = store.contentOffset;
  const e = c + store.usableBytes;
  const maxCell = maxCellBytes(store.usableBytes);
  const overflowCap = overflowCapacityBytes(store.usableBytes);
  const visited = new Set<PageId>();
  let leafDepth = -1;

  const report = (pageId: PageId, kind: BTreeProblemKind, what: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ pageId, kind, tree: name, message: `B+tree ${name}: page ${pageId}: ${what}` });
  };

  const readPage = (id: PageId, from: string): Uint8Array | undefined => {
    if (visited.has(id)) {
      report(id, 'page-reached-twice', `reached a second time (${from})`);
      return undefined;
    }
    visited.add(id);
    try {
      return store.read(id);
    } catch (error) {
      report(id, 'unreadable-page', `cannot be read (${from}): ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };

  const checkChain = (first: PageId, lengthBytes: number, leafId: PageId, cell: number): void => {
    let remaining = lengthBytes;
    let id = first;
    if (first === 0) {
      report(leafId, 'overflow-chain', `cell ${cell} has a ${lengthBytes}-byte overflow value with no first page`);
      return;
    }
    while (id !== 0 && remaining > 0) {
      const page = readPage(id, `overflow chain of cell ${cell} of leaf page ${leafId}`);
      if (page === undefined) return;
      if (page[0] !== PAGE_TYPE.OVERFLOW) {
        report(id, 'wrong-page-type', `page type ${pageTypeName(page[0]!)} in the overflow chain of cell ${cell} of leaf page ${leafId}`);
        return;
      }
      const len = rd32(page, c + OVERFLOW_OFFSET.length);
      if (len === 0 || len > overflowCap) {
        report(id, 'overflow-chain', `data length ${len} outside 1..${overflowCap} (chain of cell ${cell} of leaf page ${leafId})`);
        return;
      }
      remaining -= len;
      id = rd32(page, c + OVERFLOW_OFFSET.next);
    }
    if (remaining !== 0) {
      report(first, 'overflow-chain', `chain of cell ${cell} of leaf page ${leafId} holds ${lengthBytes - remaining} bytes; the cell says ${lengthBytes}`);
    } else if (id !== 0) {
      report(first, 'overflow-chain', `chain of cell ${cell} of leaf page ${leafId} continues past the value's end, to page ${id}`);
    }
  };

  const visitNode = (id: PageId, depth: number, lower: Uint8Array | null, upper: Uint8Array | null, from: string): void => {
    if (depth >= MAX_DEPTH) {
      report(id, 'leaf-depth', `lies ${depth} levels deep (a cycle of child pointers?)`);
      return;
    }
    const page = readPage(id, from);
    if (page === undefined) return;
    const type = page[0]!;
    if (type !== LEAF && type !== INTERNAL) {
      report(id, 'wrong-page-type', `page type ${pageTypeName(type)} where a B+tree node belongs (${from})`);
      return;
    }
    const leaf = type === LEAF;
    const n = rd16(page, c);
    const start = rd16(page, c + 2);
    const holes = rd16(page, c + 4);
    if (c + NODE_HEADER_BYTES + 2 * n > start || start > e || holes > e - start) {
      report(id, 'bad-header', `node header is impossible: ${n} cells, content start ${start}, ${holes} fragmented bytes (area ends at ${e})`);
      return;
    }
    if (n === 0) report(id, 'empty-node', leaf ? 'leaf holds no entry' : 'internal node holds no separator');

    // Geometry (N2).
    const offs = new Array<number>(n).fill(-1);
    const sizes = new Array<number>(n).fill(0);
    const headerBytes = leaf ? LEAF_CELL_HEADER_BYTES : INTERNAL_CELL_HEADER_BYTES;
    let allParsed = true;
    for (let i = 0; i < n; i++) {
      const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
      if (off < start || off + headerBytes > e) {
        report(id, 'bad-cell-pointer', `cell ${i} pointer ${off} is outside the cell area ${start}..${e}`);
        allParsed = false;
        continue;
      }
      const size = cellSize(page, off, leaf);
      if (off + size > e) {
        report(id, 'bad-cell-pointer', `cell ${i} at ${off} is ${size} bytes long and runs past the area end ${e}`);
        allParsed = false;
        continue;
      }
      offs[i] = off;
      sizes[i] = size;
    }
    const order = offs.map((_, i) => i).filter((i) => offs[i]! >= 0);
    order.sort((a, b) => offs[a]! - offs[b]!);
    for (let k = 1; k < order.length; k++) {
      const a = order[k - 1]!;
      const b = order[k]!;
      if (offs[a]! + sizes[a]! > offs[b]!) report(id, 'overlapping-cells', `cell ${a} (${offs[a]}+${sizes[a]}) overlaps cell ${b} (at ${offs[b]})`);
    }
    if (allParsed) {
      const cellBytes = sizes.reduce((sum, s) => sum + s, 0);
      if (cellBytes + holes !== e - start) {
        report(id, 'free-space-accounting', `cells take ${cellBytes} bytes and holes ${holes}, but the cell area is ${e - start}`);
      }
    }

    // Keys (N3, B1, B2, B6) and cells (N4, B7).
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const off = offs[i]!;
      if (off < 0) continue;
      const kOff = off + headerBytes;
      const kLen = cellKeyLength(page, off, leaf);
      if (kLen > maxKeyBytes) report(id, 'key-too-large', `cell ${i} has a ${kLen}-byte key; the limit is ${maxKeyBytes}`);
      if (prev >= 0) {
        const pOff = offs[prev]! + headerBytes;
        if (compareRanges(page, pOff, cellKeyLength(page, offs[prev]!, leaf), page, kOff, kLen) >= 0) {
          report(id, 'key-order', `key of cell ${i} is not greater than the key of cell ${prev}`);
        }
      }
      prev = i;
      if (lower !== null && compareRanges(page, kOff, kLen, lower, 0, lower.length) < 0) {
        report(id, 'separator', `key of cell ${i} sorts before the lower bound given by its parent (${from})`);
      }
      if (upper !== null && compareRanges(page, kOff, kLen, upper, 0, upper.length) >= 0) {
        report(id, 'separator', `key of cell ${i} is not below the upper bound given by its parent (${from})`);
      }
      if (leaf) {
        const flags = page[off]!;
        const valueLen = rd32(page, off + 3);
        if ((flags & ~CELL_FLAG_OVERFLOW) !== 0) report(id, 'bad-cell', `cell ${i} has unknown flags 0x${flags.toString(16)}`);
        const inlineSize = LEAF_CELL_HEADER_BYTES + kLen + valueLen;
        if (flags & CELL_FLAG_OVERFLOW) {
          if (inlineSize <= maxCell) report(id, 'bad-cell', `cell ${i} keeps a ${valueLen}-byte value in an overflow chain though it fits inline`);
          checkChain(rd32(page, kOff + kLen), valueLen, id, i);
        } else if (inlineSize > maxCell) {
          report(id, 'bad-cell', `cell ${i} is ${inlineSize} bytes inline, above the ${maxCell}-byte cell limit`);
        }
      }
    }

    if (leaf) {
      if (leafDepth < 0) leafDepth = depth;
      else if (leafDepth !== depth) report(id, 'leaf-depth', `leaf at depth ${depth}; other leaves are at depth ${leafDepth}`);
      return;
    }
    let bound = lower;
    for (let i = 0; i <= n; i++) {
      let child: PageId;
      let next: Uint8Array | null;
      if (i < n) {
        const off = offs[i]!;
        if (off < 0) continue;
        child = rd32(page, off);
        next = page.slice(off + INTERNAL_CELL_HEADER_BYTES, off + INTERNAL_CELL_HEADER_BYTES + rd16(page, off + 4));
      } else {
        child = rightChild(page, c);
        next = upper;
      }
      if (child === 0) report(id, 'bad-cell', i < n ? `cell ${i} points at child page 0` : 'rightmost child is page 0');
      else visitNode(child, depth + 1, bound, next, `child ${i} of page ${id}`);
      bound = next;
    }
  };

  visitNode(rootId, 0, null, null, 'root');
  return problems;
}

/**
 * Walk every page of the tree once. strict: throw CorruptionError on anything unparseable
 * (drop, stats); else skip what cannot be read (visitPages; check() reports it).
 */
function walkTree(
  view: TreeView,
  strict: boolean,
  onNode: (id: PageId, page: Uint8Array, leaf: boolean, depth: number) => void,
  onOverflow: (id: PageId, page: Uint8Array) => void,
): void {
  const { store, rootId, name } = view;
  if (rootId === 0) return;
  const c = store.contentOffset;
  const e = c + store.usableBytes;
  const seen = new Set<PageId>();
  const fail = (id: PageId, what: string): void => {
    if (strict) throw new CorruptionError(`B+tree ${name}: page ${id}: ${what}`, { pageNumber: id, tree: name });
  };
  const stack: number[] = [rootId, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const id = stack.pop()!;
    if (seen.has(id)) {
      fail(id, 'reached twice');
      continue;
    }
    if (depth >= MAX_DEPTH) {
      fail(id, `lies ${depth} levels deep`);
      continue;
    }
    seen.add(id);
    let page: Uint8Array;
    let leaf: boolean;
    try {
      page = store.read(id);
      leaf = checkNodePage(page, c, e, id, name);
    } catch (error) {
      if (strict) throw error;
      continue;
    }
    onNode(id, page, leaf, depth);
    const n = rd16(page, c);
    for (let i = n - 1; i >= 0; i--) {
      const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
      const headerBytes = leaf ? LEAF_CELL_HEADER_BYTES : INTERNAL_CELL_HEADER_BYTES;
      if (off < c + NODE_HEADER_BYTES + 2 * n || off + headerBytes > e || off + cellSize(page, off, leaf) > e) {
        fail(id, `cell ${i} has a bad pointer ${off}`);
        continue;
      }
      if (!leaf) {
        stack.push(rd32(page, off), depth + 1);
      } else if (page[off]! & CELL_FLAG_OVERFLOW) {
        const first = rd32(page, off + LEAF_CELL_HEADER_BYTES + rd16(page, off + 1));
        const length = rd32(page, off + 3);
        let chain: PageId[];
        try {
          chain = overflowChainPages(store, first, length, name, id);
        } catch (error) {
          if (strict) throw error;
          chain = tolerantChain(store, first, seen);
        }
        for (const o of chain) {
          if (seen.has(o)) {
            fail(o, 'overflow page reached twice');
            continue;
          }
          seen.add(o);
          onOverflow(o, store.read(o));
        }
      }
    }
    if (!leaf) stack.push(childAt(page, c, n), depth + 1);
  }
}

/** The readable overflow pages of a damaged chain, for the non-strict visitor. */
function tolerantChain(store: PageStore, first: PageId, seen: Set<PageId>): PageId[] {
  const ids: PageId[] = [];
  const c = store.contentOffset;
  let id = first;
  while (id !== 0 && !seen.has(id) && !ids.includes(id) && ids.length < 1 << 20) {
    let page: Uint8Array;
    try {
      page = store.read(id);
    } catch {
      break;
    }
    if (page[0] !== PAGE_TYPE.OVERFLOW) break;
    ids.push(id);
    id = rd32(page, c + OVERFLOW_OFFSET.next);
  }
  return ids;
}

/** Visit each page once; `strict` throws on damage (used by drop) instead of skipping. */
export function visitTreePages(view: TreeView, fn: (id: PageId, kind: PageKind) => void, strict: boolean): void {
  walkTree(
    view,
    strict,
    (id, _page, leaf) => fn(id, leaf ? 'leaf' : 'internal'),
    (id) => fn(id, 'overflow'),
  );
}

export function treeStats(view: TreeView): BTreeStats {
  const usable = view.store.usableBytes;
  const c = view.store.contentOffset;
  const stats: BTreeStats = {
    pages: 0,
    leafPages: 0,
    internalPages: 0,
    overflowPages: 0,
    entries: 0,
    depth: 0,
    usedBytes: 0,
    freeBytesInPages: 0,
  };
  walkTree(
    view,
    true,
    (_id, page, leaf, depth) => {
      stats.pages++;
      if (leaf) {
        stats.leafPages++;
        stats.entries += rd16(page, c);
        stats.depth = Math.max(stats.depth, depth + 1);
      } else {
        stats.internalPages++;
      }
      stats.usedBytes += usable - nodeFreeBytes(page, c);
    },
    (_id, page) => {
      stats.pages++;
      stats.overflowPages++;
      stats.usedBytes += OVERFLOW_HEADER_BYTES + rd32(page, c + OVERFLOW_OFFSET.length);
    },
  );
  stats.freeBytesInPages = stats.pages * usable - stats.usedBytes;
  return stats;
}
