// The hole of a page: the one run of bytes its format leaves unused, between what the page
// holds at its start and what it holds at its end. The pager zeroes the hole when it seals a
// page at commit (so the page checksum covers zeros there), and the WAL leaves it out of the
// page's frame (wal-format.ts FRAME): a commit that touches a few nearly empty pages writes a
// few KiB, not a full page each. PostgreSQL does the same with the hole between pd_lower
// and pd_upper of the full-page images in its WAL.
//
// HOLE BY PAGE TYPE (C = PAGE_HEADER_BYTES = 24, E = pageSize − PAGE_TRAILER_BYTES)
//   meta             [C + 528, E)                     after the key check (meta.ts: "zero")
//   freelist trunk   [C + 8 + 4n, E)                  after the n leaf ids (freelist.ts)
//   btree leaf/inner [C + 12 + 2n, cell content start) between the n cell pointers and the
//                                                     cells (btree-page.ts: free space)
//   overflow         [C + 8 + d, E)                   after the d data bytes (overflow.ts)
// An encrypted page has no hole: its content is ciphertext. A page whose header fields do not
// describe a sane hole has none either; the hole is only ever an optimisation.

import { cellContentStart, cellCount, NODE_HEADER_BYTES, rd32 } from './btree-page.js';
import { META_OFFSET, KEY_CHECK_BYTES } from './meta.js';
import { FLAG_ENCRYPTED, OFFSET_FLAGS, OFFSET_TYPE, PAGE_HEADER_BYTES, PAGE_TRAILER_BYTES, PAGE_TYPE } from './page.js';

const C = PAGE_HEADER_BYTES;
const META_END = META_OFFSET.keyCheck + KEY_CHECK_BYTES;

/**
 * The hole of `page` as start · 65536 + length (both fit a u16: pages are at most 64 KiB),
 * or 0 when it has none.
 */
export function pageHole(page: Uint8Array): number {
  if ((page[OFFSET_FLAGS]! & FLAG_ENCRYPTED) !== 0) return 0;
  const end = page.length - PAGE_TRAILER_BYTES;
  let start: number;
  let stop = end;
  switch (page[OFFSET_TYPE]) {
    case PAGE_TYPE.META:
      start = META_END;
      break;
    case PAGE_TYPE.FREELIST_TRUNK:
      start = C + 8 + 4 * rd32(page, C + 4);
      break;
    case PAGE_TYPE.BTREE_LEAF:
    case PAGE_TYPE.BTREE_INTERNAL:
      start = C + NODE_HEADER_BYTES + 2 * cellCount(page, C);
      stop = cellContentStart(page, C);
      break;
    case PAGE_TYPE.OVERFLOW:
      start = C + 8 + rd32(page, C + 4);
      break;
    default:
      return 0;
  }
  if (!(start >= C && start < stop && stop <= end)) return 0;
  return start * 65536 + (stop - start);
}

export function holeStart(hole: number): number {
  return Math.floor(hole / 65536);
}

export function holeLength(hole: number): number {
  return hole % 65536;
}

/** Zero the hole of a page about to be sealed; returns the hole (pageHole). */
export function clearHole(page: Uint8Array): number {
  const hole = pageHole(page);
  if (hole !== 0) {
    const start = holeStart(hole);
    page.fill(0, start, start + holeLength(hole));
  }
  return hole;
}
