// Helpers for tests that drive the pager directly: open on a simulated file system, write
// recognisable page images, read them back.
import { resolveConfig, type OmbraConfig } from '../../src/config.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { PAGE_HEADER_BYTES, PAGE_TYPE, usableBytes } from '../../src/storage/page.js';
import { Pager, type PagerHooks, type PagerOptions } from '../../src/storage/pager.js';
import type { PageId, PageStore } from '../../src/storage/types.js';

export const DB = '/data/test.db';

export function newSimFs(seed = 1): SimulatedFileSystem {
  const fs = new SimulatedFileSystem({ seed });
  fs.mkdir('/data');
  fs.syncDirectory('/');
  return fs;
}

export function openPager(
  fs: SimulatedFileSystem,
  config: Partial<OmbraConfig> = {},
  extra: Partial<PagerOptions> & { hooks?: PagerHooks } = {},
): Pager {
  return Pager.open({
    fs,
    path: DB,
    config: resolveConfig({ pageSizeBytes: 4096, checkpointIntervalMs: 0, ...config }),
    lock: false,
    ...extra,
  });
}

/** Bytes of a data page's content a stamp claims (as an overflow page's data length). */
export const STAMP_BYTES = 104;

/**
 * Fill a data page's content with a recognisable value. The page claims `claimed` bytes as
 * data (overflow.ts layout), so the rest is its hole (free-space.ts), zeroed at commit and
 * left out of its WAL frame; `fullPage` claims them all, for a frame of a whole page.
 */
export function stamp(store: PageStore, pageId: PageId, value: number, claimed: number | 'fullPage' = STAMP_BYTES): void {
  const page = store.write(pageId);
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  view.setUint32(PAGE_HEADER_BYTES, value);
  view.setUint32(PAGE_HEADER_BYTES + 4, claimed === 'fullPage' ? usableBytes(page.length) - 8 : claimed);
  page[PAGE_HEADER_BYTES + 100] = value & 0xff;
}

export function readStamp(store: PageStore, pageId: PageId): number {
  const page = store.read(pageId);
  return new DataView(page.buffer, page.byteOffset, page.byteLength).getUint32(PAGE_HEADER_BYTES);
}

export const DATA_PAGE = PAGE_TYPE.OVERFLOW; // any valid non-meta type will do for raw page tests
