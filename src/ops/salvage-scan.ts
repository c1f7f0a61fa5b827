// Salvage's page scan (salvage.ts): find every usable page image of a damaged database without
// trusting its structure — page 0 may be unreadable, trees broken — and recognise which tree
// each B+tree leaf belongs to from its content alone.
//
// PAGE VERSIONS
//   The newest version of a page is its image in the newest committed frame of the WAL's valid
//   prefix (wal-format.ts: salts, running checksum, page number; frames after the last commit
//   frame do not count), else its image in the database file. A version is usable when it
//   passes its checksum with its own page number (page.ts P1). An unusable newest version
//   makes the page lost: an older image of it is stale and never used instead.
//
// PAGE SIZE: from page 0 when it is usable; else from the WAL header; else the size in
// 4096..65536 at which the most of the first pages pass their checksums.
//
// FREE PAGES (their content is stale, so their leaves are skipped)
//   With a usable meta page and every trunk of its free list usable: exactly that list.
//   Otherwise every usable page of type FREELIST_TRUNK is read, and a page it lists counts as
//   free when its own LSN is not above the trunk's: a page freed is listed by the head trunk in
//   the transaction that freed it (so that trunk's LSN is at least the page's), and a page
//   taken off the list and used again is written with a newer LSN than any trunk listing it.
//
// LEAF RECOGNITION (keys and values of the trees: catalog.ts, reader.ts, record.ts,
// security/access.ts, and the derived trees)
//   nodes          key = one ordered varint, nothing after it; value starts 0x4E ('N')
//   relationships  key = one ordered varint, nothing after it; value starts 0x52 ('R')
//   catalog        key[0] ∈ 1..4 and the entry decodes (rebuild.ts decodeCatalogEntry): name
//                  keys end in the 00 01 terminator after a kind 1..3, id entries' values
//                  start with a kind 1..3, index definitions with 0x49
//   security       key[0] ∈ {1, 2}, then a user or role name ([A-Za-z0-9_][A-Za-z0-9_.@-]*,
//                  so key[1] ≥ 0x30, never a catalog kind); value starts '{'
//   derived        label index (2 ordered varints, empty value), adjacency (4 ordered varints,
//                  empty value), degrees (varint, direction 0|1, varint; LEB128 count), property
//                  index (an entry that decodes): rebuilt from the records, so only counted
// A leaf belongs to a tree when every one of its cells fits that tree. The primary shapes
// exclude each other (a record key is one varint, a catalog key is longer; record values start
// with a record type byte, security values with '{'); a cell that fits a primary tree and a
// derived one is taken for the primary tree. A leaf no tree fits whole is unattributed.

import { CorruptionError } from '../errors.js';
import { CATALOG_PREFIX } from '../graph/catalog.js';
import { decodeDegreeKey } from '../graph/adjacency.js';
import { orderedVarintEnd, readOrderedVarint, readVarint } from '../graph/encoding.js';
import { decodeEntry } from '../graph/property-index.js';
import { RECORD_TYPE } from '../graph/record.js';
import {
  LEAF,
  LEAF_CELL_HEADER_BYTES,
  cellCount,
  cellPointer,
  checkNodePage,
  leafIsOverflow,
  leafKeyLength,
  leafOverflowPage,
  leafValueLength,
} from '../storage/btree-page.js';
import { getFreeList, hasMagic, peekPageSize, readMeta, type MetaFields } from '../storage/meta.js';
import { readOverflowChain } from '../storage/overflow.js';
import { FLAG_ENCRYPTED, PAGE_HEADER_BYTES, PAGE_TYPE, getPageLsn, pageProblem, usableBytes } from '../storage/page.js';
import type { PageCodec } from '../storage/pager.js';
import type { FileHandle, FileSystem, PageId, PageStore } from '../storage/types.js';
import { FrameWalker, WAL_HEADER_BYTES, decodeFrameHeader, decodeWalHeader, frameBytes, unpackFrame } from '../storage/wal-format.js';
import { decodeCatalogEntry } from './rebuild.js';

export type LeafClass = 'nodes' | 'relationships' | 'catalog' | 'security' | 'derived' | 'unattributed';

const PAGE_SIZES = [4096, 8192, 16384, 32768, 65536];
/** How a salvage report words the end of the WAL walk. */
const WALK_ENDS = {
  'end-of-file': 'end of file',
  preallocated: 'preallocated space',
  'stale-salt': 'stale salt',
  'checksum-mismatch': 'checksum mismatch',
  'page-mismatch': 'page mismatch',
} as const;
const RUN_PAGES = 64;
const NAME_START = /^[A-Za-z0-9_]/;

/** What the scan knows of one page. */
export const PageState = { Missing: 0, Usable: 1, Lost: 2, Encrypted: 3 } as const;

export interface WalScan {
  present: boolean;
  /** Frames of committed transactions used. */
  framesUsed: number;
  /** Why the log ended where it did (or why it was not used). */
  endReason: string;
}

/** The newest usable image of every page, read on demand from the file or the WAL. */
export class PageSource {
  readonly pageSizeBytes: number;
  readonly pageSizeSource: 'meta' | 'wal' | 'probe';
  /** Page count: the meta page's when usable, else what the file and the WAL hold. */
  readonly pageCount: number;
  /** The newest usable meta page's fields, or null when page 0 is lost. */
  readonly meta: MetaFields | null;
  readonly metaImage: Uint8Array | null;
  readonly wal: WalScan;
  /** Page → file offset of its newest committed WAL frame. */
  private readonly walFrames = new Map<PageId, number>();
  private readonly file: FileHandle;
  private readonly walFile: FileHandle | null;
  private readonly frame: Uint8Array;
  /** Page count after the last committed WAL transaction (0 without one). */
  private walPageCount = 0;

  constructor(
    fs: FileSystem,
    readonly path: string,
    private readonly codec: PageCodec | null,
  ) {
    this.file = fs.open(path, { readOnly: true });
    const walPath = `${path}-wal`;
    this.walFile = fs.exists(walPath) ? fs.open(walPath, { readOnly: true }) : null;
    const head = new Uint8Array(65536);
    const headBytes = this.file.read(head, 0, head.length, 0);
    let size = 0;
    let source: PageSource['pageSizeSource'] = 'probe';
    if (hasMagic(head)) {
      const claimed = peekPageSize(head);
      if (PAGE_SIZES.includes(claimed) && headBytes >= claimed && pageProblem(head.subarray(0, claimed), 0) === null) {
        size = claimed;
        source = 'meta';
      }
    }
    if (size === 0 && this.walFile !== null) {
      const header = new Uint8Array(WAL_HEADER_BYTES);
      this.walFile.read(header, 0, WAL_HEADER_BYTES, 0);
      const decoded = decodeWalHeader(header);
      if (!('problem' in decoded) && PAGE_SIZES.includes(decoded.pageSizeBytes)) {
        size = decoded.pageSizeBytes;
        source = 'wal';
      }
    }
    if (size === 0) size = probePageSize(this.file);
    this.pageSizeBytes = size;
    this.pageSizeSource = source;
    this.frame = new Uint8Array(frameBytes(size));
    this.wal = this.scanWal();
    const image = this.tryRead(0);
    let fields: MetaFields | null = null;
    if (image !== null) {
      try {
        fields = readMeta(image, path);
      } catch {
        fields = null;
      }
    }
    this.meta = fields;
    this.metaImage = fields === null ? null : image;
    const filePages = Math.floor(this.file.size() / size);
    this.pageCount = fields !== null ? fields.pageCount : Math.max(filePages, this.walPageCount);
  }

  close(): void {
    this.file.close();
    this.walFile?.close();
  }

  /** The committed prefix of the WAL (wal-format.ts WHEN IS A FRAME VALID). */
  private scanWal(): WalScan {
    const wal = this.walFile;
    if (wal === null) return { present: false, framesUsed: 0, endReason: 'no WAL file' };
    const header = new Uint8Array(WAL_HEADER_BYTES);
    if (wal.read(header, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES) return { present: true, framesUsed: 0, endReason: 'empty' };
    const h = decodeWalHeader(header);
    if ('problem' in h) return { present: true, framesUsed: 0, endReason: `header unusable: ${h.problem}` };
    if (h.pageSizeBytes !== this.pageSizeBytes) return { present: true, framesUsed: 0, endReason: `header page size ${h.pageSizeBytes} differs from the database's ${this.pageSizeBytes}` };
    const walker = new FrameWalker((into, length, position) => wal.read(into, 0, length, position), wal.size(), h);
    let pending: [PageId, number][] = [];
    let used = 0;
    while (walker.next()) {
      const fh = walker.header!;
      pending.push([fh.pageNumber, walker.offset]);
      if (fh.commitPageCount !== 0) {
        for (const [pageId, offset] of pending) this.walFrames.set(pageId, offset);
        used += pending.length;
        pending = [];
        this.walPageCount = fh.commitPageCount;
      }
    }
    const endReason = WALK_ENDS[walker.end!];
    return { present: true, framesUsed: used, endReason: pending.length > 0 ? `${endReason} (${pending.length} uncommitted frame(s) skipped)` : endReason };
  }

  /** True when the newest version of the page comes from the WAL. */
  inWal(pageId: PageId): boolean {
    return this.walFrames.has(pageId);
  }

  /** The stored newest image of a page, or null when it is lost (or beyond the file). */
  private storedImage(pageId: PageId, into: Uint8Array): Uint8Array | null {
    const ps = this.pageSizeBytes;
    const offset = this.walFrames.get(pageId);
    if (offset !== undefined && this.walFile !== null) {
      // The walk checked this frame; a file changed since then shows in the page's checksum.
      const read = this.walFile.read(this.frame, 0, this.frame.length, offset);
      return unpackFrame(this.frame, decodeFrameHeader(this.frame), read, into) === 'ok' ? into : null;
    }
    if (this.file.read(into, 0, ps, pageId * ps) < ps) return null;
    return into;
  }

  /** The usable plain image of a page, or null. */
  tryRead(pageId: PageId): Uint8Array | null {
    const page = this.storedImage(pageId, new Uint8Array(this.pageSizeBytes));
    if (page === null || pageProblem(page, pageId) !== null) return null;
    if (pageId !== 0 && (page[1]! & FLAG_ENCRYPTED) !== 0) {
      if (this.codec === null) return null;
      try {
        return this.codec.decode(page, pageId);
      } catch {
        return null;
      }
    }
    return page;
  }

  /** Usable image or CorruptionError (overflow chains read through this). */
  read(pageId: PageId): Uint8Array {
    const page = this.tryRead(pageId);
    if (page === null) throw new CorruptionError(`page ${pageId} of ${this.path} is lost`, { pageNumber: pageId, file: this.path });
    return page;
  }

  /**
   * Scan pages 1..pageCount−1 (runs of the file at once, WAL versions swapped in): state,
   * type and LSN of each. Cost: one read of the file plus one per WAL version.
   */
  scan(onRun?: (done: number) => void): { state: Uint8Array; type: Uint8Array; lsn: Float64Array } {
    const n = this.pageCount;
    const ps = this.pageSizeBytes;
    const state = new Uint8Array(n);
    const type = new Uint8Array(n);
    const lsn = new Float64Array(n);
    const run = new Uint8Array(RUN_PAGES * ps);
    for (let first = 1; first < n; first += RUN_PAGES) {
      const count = Math.min(RUN_PAGES, n - first);
      const got = this.file.read(run, 0, count * ps, first * ps);
      for (let i = 0; i < count; i++) {
        const pageId = first + i;
        let page: Uint8Array | null = run.subarray(i * ps, (i + 1) * ps);
        if (this.walFrames.has(pageId)) page = this.storedImage(pageId, new Uint8Array(ps));
        else if ((i + 1) * ps > got) page = null;
        if (page === null) {
          state[pageId] = PageState.Missing;
          continue;
        }
        if (pageProblem(page, pageId) !== null) {
          state[pageId] = PageState.Lost;
          continue;
        }
        state[pageId] = (page[1]! & FLAG_ENCRYPTED) !== 0 && this.codec === null ? PageState.Encrypted : PageState.Usable;
        type[pageId] = page[0]!;
        lsn[pageId] = Number(getPageLsn(page));
      }
      onRun?.(first + count);
    }
    return { state, type, lsn };
  }

  /** A read-only PageStore over the usable images (overflow chains). */
  asStore(): PageStore {
    const ps = this.pageSizeBytes;
    const fail = (): never => {
      throw new CorruptionError('salvage reads only', {});
    };
    return {
      pageSizeBytes: ps,
      usableBytes: usableBytes(ps),
      contentOffset: PAGE_HEADER_BYTES,
      writable: false,
      read: (id) => this.read(id),
      write: fail,
      allocate: fail,
      free: fail,
      getRoot: () => 0,
      setRoot: fail,
      getCounter: () => 0n,
      setCounter: fail,
    };
  }
}

/** The page size at which the most of the first pages pass their checksums with their own numbers. */
function probePageSize(file: FileHandle): number {
  let best = PAGE_SIZES[0]!;
  let bestHits = -1;
  for (const size of PAGE_SIZES) {
    const pages = Math.min(128, Math.floor(file.size() / size));
    const buf = new Uint8Array(size);
    let hits = 0;
    for (let p = 0; p < pages; p++) {
      file.read(buf, 0, size, p * size);
      if (pageProblem(buf, p) === null) hits++;
    }
    if (hits > bestHits) {
      best = size;
      bestHits = hits;
    }
  }
  return best;
}

/**
 * Free pages: from the meta page's list when it and every trunk are usable ('meta'), else by
 * the trunk scan of the header ('scanned').
 */
export function freePages(source: PageSource, scan: { state: Uint8Array; type: Uint8Array; lsn: Float64Array }): { free: Set<PageId>; how: 'meta' | 'scanned' } {
  const free = new Set<PageId>();
  if (source.meta !== null && source.metaImage !== null) {
    try {
      const seen = new Set<PageId>();
      let trunk = getFreeList(source.metaImage).head;
      while (trunk !== 0) {
        if (seen.has(trunk) || trunk >= source.pageCount) throw new Error('free list loops or leaves the file');
        seen.add(trunk);
        const page = source.read(trunk);
        if (page[0] !== PAGE_TYPE.FREELIST_TRUNK) throw new Error(`page ${trunk} is not a trunk`);
        const v = new DataView(page.buffer, page.byteOffset, page.byteLength);
        free.add(trunk);
        const n = v.getUint32(PAGE_HEADER_BYTES + 4);
        for (let i = 0; i < n; i++) free.add(v.getUint32(PAGE_HEADER_BYTES + 8 + 4 * i));
        trunk = v.getUint32(PAGE_HEADER_BYTES);
      }
      return { free, how: 'meta' };
    } catch {
      free.clear();
    }
  }
  for (let pageId = 1; pageId < source.pageCount; pageId++) {
    if (scan.state[pageId] !== PageState.Usable || scan.type[pageId] !== PAGE_TYPE.FREELIST_TRUNK) continue;
    const page = source.tryRead(pageId);
    if (page === null) continue;
    const v = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const n = v.getUint32(PAGE_HEADER_BYTES + 4);
    if (n > (page.length - PAGE_HEADER_BYTES - 8) / 4) continue;
    free.add(pageId);
    const trunkLsn = scan.lsn[pageId]!;
    for (let i = 0; i < n; i++) {
      const listed = v.getUint32(PAGE_HEADER_BYTES + 8 + 4 * i);
      if (listed > 0 && listed < source.pageCount && scan.lsn[listed]! <= trunkLsn) free.add(listed);
    }
  }
  return { free, how: 'scanned' };
}

/** One cell of a leaf: key, and the value (null when its overflow chain is lost). */
export interface LeafCell {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** The cells of a usable leaf page; null when the page does not parse as a leaf. */
export function leafCells(page: Uint8Array, pageId: PageId, store: PageStore): LeafCell[] | null {
  const c = store.contentOffset;
  const e = c + store.usableBytes;
  try {
    if (!checkNodePage(page, c, e, pageId, 'salvage') || page[0] !== LEAF) return null;
  } catch {
    return null;
  }
  const n = cellCount(page, c);
  const cells: LeafCell[] = [];
  for (let i = 0; i < n; i++) {
    const off = cellPointer(page, c, i);
    if (off < c || off + LEAF_CELL_HEADER_BYTES > e) return null;
    const k = leafKeyLength(page, off);
    const v = leafValueLength(page, off);
    const keyAt = off + LEAF_CELL_HEADER_BYTES;
    if (keyAt + k > e) return null;
    const key = page.slice(keyAt, keyAt + k);
    if (leafIsOverflow(page, off)) {
      if (keyAt + k + 4 > e) return null;
      let value: Uint8Array | null;
      try {
        value = readOverflowChain(store, leafOverflowPage(page, off), v, 'salvage', pageId);
      } catch {
        value = null;
      }
      cells.push({ key, value });
    } else {
      if (keyAt + k + v > e) return null;
      cells.push({ key, value: page.slice(keyAt + k, keyAt + k + v) });
    }
  }
  return cells;
}

const PRIMARY: LeafClass[] = ['nodes', 'relationships', 'catalog', 'security'];

/** The trees a cell could belong to (a lost overflow value is judged by its key alone). */
function cellClasses(cell: LeafCell): Set<LeafClass> {
  const out = new Set<LeafClass>();
  const { key, value } = cell;
  if (key.length === 0) return out;
  let single = false;
  try {
    readOrderedVarint(key, 0);
    single = orderedVarintEnd === key.length;
  } catch {
    single = false;
  }
  if (single) {
    if (value === null) {
      out.add('nodes');
      out.add('relationships');
    } else if (value[0] === RECORD_TYPE.NODE) out.add('nodes');
    else if (value[0] === RECORD_TYPE.RELATIONSHIP) out.add('relationships');
  }
  const k0 = key[0]!;
  if (value !== null && k0 >= CATALOG_PREFIX.NAME && k0 <= CATALOG_PREFIX.INDEX) {
    try {
      decodeCatalogEntry(key, value);
      out.add('catalog');
    } catch {
      // not a catalog entry
    }
  }
  if ((k0 === 1 || k0 === 2) && key.length > 1 && NAME_START.test(String.fromCharCode(key[1]!)) && (value === null || value[0] === 0x7b)) out.add('security');
  if (value !== null && isDerived(key, value)) out.add('derived');
  return out;
}

function isDerived(key: Uint8Array, value: Uint8Array): boolean {
  const varints = (): number => {
    let at = 0;
    let count = 0;
    while (at < key.length) {
      readOrderedVarint(key, at);
      at = orderedVarintEnd;
      count++;
    }
    return count;
  };
  try {
    if (value.length === 0) {
      const n = varints();
      if (n === 2 || n === 4) return true;
    }
  } catch {
    // not varints
  }
  try {
    decodeDegreeKey(key);
    readVarint(value, 0, value.length);
    return true;
  } catch {
    // not a degree entry
  }
  try {
    decodeEntry(key, value);
    return true;
  } catch {
    return false;
  }
}

/** The tree a leaf's cells all fit (a primary tree before derived ones), or 'unattributed'. */
export function classifyLeaf(cells: LeafCell[]): LeafClass {
  if (cells.length === 0) return 'unattributed';
  let common: Set<LeafClass> | null = null;
  for (const cell of cells) {
    const classes = cellClasses(cell);
    if (common === null) common = classes;
    else for (const c of [...common]) if (!classes.has(c)) common.delete(c);
    if (common.size === 0) return 'unattributed';
  }
  const primary = PRIMARY.filter((c) => common!.has(c));
  if (primary.length === 1) return primary[0]!;
  if (primary.length > 1) return 'unattributed';
  return common!.has('derived') ? 'derived' : 'unattributed';
}
