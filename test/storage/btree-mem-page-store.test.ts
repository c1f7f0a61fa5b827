// The in-memory PageStore the B+tree tests (and later others) run on must be strict enough
// to catch use-after-free and stale-buffer bugs, and must reopen exactly what was committed.

import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { PAGE_TYPE } from '../../src/storage/page.js';
import { MemPageStore } from '../support/mem-page-store.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOmbraError(error) ? error.code : 'not an OmbraError';
  }
  return undefined;
}

describe('MemPageStore', () => {
  it('has the page geometry of page.ts', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    expect(store.contentOffset).toBe(24);
    expect(store.usableBytes).toBe(4096 - 56);
    expect(code(() => new MemPageStore({ pageSizeBytes: 5000 }))).toBe('INVALID_ARGUMENT');
  });

  it('is strict: page 0, unknown, freed and double-freed pages throw CORRUPTION', () => {
    const store = new MemPageStore();
    expect(code(() => store.read(0))).toBe('CORRUPTION');
    expect(code(() => store.read(1))).toBe('CORRUPTION');
    const id = store.allocate(PAGE_TYPE.BTREE_LEAF);
    expect(id).toBe(1);
    store.free(id);
    expect(code(() => store.read(id))).toBe('CORRUPTION');
    expect(code(() => store.write(id))).toBe('CORRUPTION');
    expect(code(() => store.free(id))).toBe('CORRUPTION');
    expect(code(() => store.allocate(0))).toBe('INVALID_ARGUMENT');
  });

  it('allocate reuses freed pages, zero-filled with the type set', () => {
    const store = new MemPageStore();
    const a = store.allocate(PAGE_TYPE.OVERFLOW);
    store.write(a).fill(0xee);
    store.free(a);
    const b = store.allocate(PAGE_TYPE.BTREE_LEAF);
    expect(b).toBe(a);
    const page = store.read(b);
    expect(page[0]).toBe(PAGE_TYPE.BTREE_LEAF);
    expect(page.subarray(1).every((x) => x === 0)).toBe(true);
    expect(store.freePageIds()).toEqual([]);
    expect(store.usedPageIds()).toEqual([a]);
  });

  it('copies a committed page on its first write, like the pager', () => {
    const store = new MemPageStore();
    const id = store.allocate(PAGE_TYPE.BTREE_LEAF);
    store.write(id)[100] = 1;
    expect(store.write(id)).toBe(store.write(id)); // same buffer within the transaction
    store.commit();
    const before = store.read(id);
    const writable = store.write(id);
    expect(writable).not.toBe(before);
    writable[100] = 2;
    expect(before[100]).toBe(1); // the committed image is untouched
    expect(store.read(id)[100]).toBe(2); // reads see the transaction's own writes
  });

  it('rollback and reopen return exactly the committed state', () => {
    const store = new MemPageStore();
    const id = store.allocate(PAGE_TYPE.BTREE_LEAF);
    store.write(id)[200] = 7;
    store.setRoot(16, id);
    store.setCounter(16, 42n);
    store.commit();
    const snapshot = store.snapshot();
    store.write(id)[200] = 8;
    const extra = store.allocate(PAGE_TYPE.OVERFLOW);
    store.free(id);
    store.setRoot(16, extra);
    store.setCounter(16, 43n);
    store.rollback();
    expect(store.read(id)[200]).toBe(7);
    expect(store.getRoot(16)).toBe(id);
    expect(store.getCounter(16)).toBe(42n);
    expect(store.isLive(extra)).toBe(false);
    const reopened = MemPageStore.open(snapshot);
    expect(reopened.read(id)[200]).toBe(7);
    expect(reopened.usedPageIds()).toEqual([id]);
    reopened.write(id)[200] = 9; // a reopened store writes its own copies
    expect(store.read(id)[200]).toBe(7);
  });

  it('read-only refuses every change with READ_ONLY', () => {
    const store = new MemPageStore({ writable: false });
    expect(code(() => store.allocate(PAGE_TYPE.BTREE_LEAF))).toBe('READ_ONLY');
    expect(code(() => store.setRoot(0, 1))).toBe('READ_ONLY');
    expect(code(() => store.setCounter(0, 1n))).toBe('READ_ONLY');
    expect(code(() => store.getRoot(32))).toBe('INVALID_ARGUMENT');
  });
});
