// Sequential loads keep pages full (the append split of btree.ts insertAt), and random loads
// stay reasonable; depth grows logarithmically.

import { describe, expect, it } from 'vitest';
import { BTree, rootInMemory } from '../../src/storage/btree.js';
import { KeyBuilder, encodeU64 } from '../../src/storage/keys.js';
import { nodeFreeBytes } from '../../src/storage/btree-page.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';

function fillPercent(tree: BTree, store: MemPageStore): number {
  const stats = tree.stats();
  return (100 * stats.usedBytes) / (stats.pages * store.usableBytes);
}

describe('BTree bulk loads', () => {
  it('200k ascending keys fill pages ≥ 85% at a depth of 3', () => {
    const store = new MemPageStore({ pageSizeBytes: 8192 });
    const tree = new BTree(store, rootInMemory(), { name: 'bulk' });
    const value = new Uint8Array(16).fill(1);
    for (let i = 0; i < 200_000; i++) tree.put(encodeU64(i), value);
    const stats = tree.stats();
    expect(stats.entries).toBe(200_000);
    expect(stats.depth).toBe(3);
    expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(85);
    // The leaves alone: every leaf but the last is nearly full.
    const leafBytes = 200_000 * (7 + 8 + 16 + 2) + stats.leafPages * 12;
    expect((100 * leafBytes) / (stats.leafPages * store.usableBytes)).toBeGreaterThanOrEqual(97);
    expect(tree.check()).toEqual([]);
  });

  it('descending loads fill pages too', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const tree = new BTree(store, rootInMemory(), { name: 'desc' });
    for (let i = 50_000; i > 0; i--) tree.put(encodeU64(i), new Uint8Array(16));
    expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(95);
    expect(tree.check()).toEqual([]);
  });

  it('ascending appends inside one prefix of a wider tree (label index) fill pages', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const tree = new BTree(store, rootInMemory(), { name: 'labels' });
    const b = new KeyBuilder();
    // Label 2 exists already; label 1 then grows by ascending node ids in the middle of the tree.
    for (let i = 0; i < 2000; i++) tree.put(b.reset().u32(2).u64(i).finish(), new Uint8Array(0));
    for (let i = 0; i < 50_000; i++) tree.put(b.reset().u32(1).u64(i).finish(), new Uint8Array(0));
    expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(95);
    expect(tree.check()).toEqual([]);
  });

  it('interleaved ascending runs under several prefixes each fill their pages (per-page run hint)', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const tree = new BTree(store, rootInMemory(), { name: 'labels' });
    const b = new KeyBuilder();
    for (let i = 0; i < 60_000; i++) tree.put(b.reset().u32(i % 5).u64(i).finish(), new Uint8Array(0));
    expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(95);
    expect(tree.check()).toEqual([]);
  });

  it('a pass rewriting records smaller merges pages that fall below a third (B5); larger keeps pages half full', () => {
    const store = new MemPageStore({ pageSizeBytes: 8192 });
    const tree = new BTree(store, rootInMemory(), { name: 'rewrite' });
    const capacity = store.usableBytes - 12;
    const underfullLeaves = (): number => {
      let count = 0;
      tree.visitPages((id, kind) => {
        if (kind === 'leaf' && capacity - nodeFreeBytes(store.read(id), store.contentOffset) < capacity / 3) count++;
      });
      return count;
    };
    for (let i = 0; i < 30_000; i++) tree.put(encodeU64(i), new Uint8Array(40));
    const loadedPages = tree.stats().pages;
    for (let i = 0; i < 30_000; i++) tree.put(encodeU64(i), new Uint8Array(1)); // 55 → 16 bytes a cell: below a third
    expect(underfullLeaves()).toBeLessThanOrEqual(1);
    expect(tree.stats().pages).toBeLessThan(loadedPages * 0.6); // cells shrank to 29%: merges free pages
    for (let i = 0; i < 30_000; i++) tree.put(encodeU64(i), new Uint8Array(40)); // grow again: run splits
    expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(50);
    expect(tree.check()).toEqual([]);
    expect(tree.count()).toBe(30_000);
  });

  it('random inserts keep the usual ~70% fill and shrink cleanly when half is deleted', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const store = new MemPageStore({ pageSizeBytes: 4096 });
      const tree = new BTree(store, rootInMemory(), { name: 'random' });
      const keys: Uint8Array[] = [];
      for (let i = 0; i < 30_000; i++) {
        const key = encodeU64(Math.floor(rnd() * 2 ** 48));
        keys.push(key);
        tree.put(key, new Uint8Array(20));
      }
      expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(60);
      const before = tree.stats().pages;
      for (let i = 0; i < keys.length; i += 2) tree.delete(keys[i]!);
      expect(tree.check()).toEqual([]);
      expect(tree.stats().pages).toBeLessThan(before);
      expect(fillPercent(tree, store)).toBeGreaterThanOrEqual(40);
    });
  });
});
