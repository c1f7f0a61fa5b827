// BTreeBulkLoader (src/storage/btree-bulk-load.ts): a bottom-up build from sorted entries gives
// a tree that passes check(), holds exactly the entries, keeps working under ordinary inserts
// and deletes afterwards, and packs its leaves full.

import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { BTree, rootInMemory } from '../../src/storage/btree.js';
import { BTreeBulkLoader } from '../../src/storage/btree-bulk-load.js';
import { compareBytes, encodeU64 } from '../../src/storage/keys.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { mulberry32, SOAK, testSeed, withSeed } from '../support/rng.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function load(store: MemPageStore, entries: [Uint8Array, Uint8Array][]) {
  const root = rootInMemory();
  const loader = new BTreeBulkLoader(store, root, { name: 'bulk' });
  for (const [k, v] of entries) loader.add(k, v);
  const report = loader.finish();
  return { tree: new BTree(store, root, { name: 'bulk' }), report, root };
}

function contents(tree: BTree): [string, string][] {
  return [...tree.range()].map(({ key, value }) => [hex(key), hex(value)]);
}

describe('BTreeBulkLoader', () => {
  it('an empty load leaves the tree empty', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const { tree, report, root } = load(store, []);
    expect(root.id).toBe(0);
    expect(report).toMatchObject({ entries: 0, leafPages: 0, depth: 0 });
    expect(tree.check()).toEqual([]);
  });

  it('one entry makes a single leaf root; 60k entries make full leaves three levels deep', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const one = load(store, [[encodeU64(7), Uint8Array.of(1, 2)]]);
    expect(one.report).toMatchObject({ entries: 1, leafPages: 1, internalPages: 0, depth: 1 });
    expect(contents(one.tree)).toEqual([[hex(encodeU64(7)), '0102']]);

    const big = new MemPageStore({ pageSizeBytes: 4096 });
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 60_000; i++) entries.push([encodeU64(i * 3), new Uint8Array(16).fill(i & 0xff)]);
    const { tree, report } = load(big, entries);
    expect(tree.check()).toEqual([]);
    expect(report.entries).toBe(60_000);
    expect(report.depth).toBe(3);
    const stats = tree.stats();
    expect(stats.entries).toBe(60_000);
    expect(stats.leafPages).toBe(report.leafPages);
    // Every leaf is packed: the cells fill the node capacity but for less than one cell.
    const cellBytes = 7 + 8 + 16 + 2;
    const perLeaf = Math.floor((big.usableBytes - 12) / cellBytes);
    expect(report.leafPages).toBe(Math.ceil(60_000 / perLeaf));
    expect(tree.get(encodeU64(3 * 12345))).toEqual(new Uint8Array(16).fill(12345 & 0xff));
    expect(tree.get(encodeU64(3 * 12345 + 1))).toBeUndefined();
  });

  it('matches inserting the same entries one by one, for random keys and value sizes (overflow included)', () => {
    const runs = SOAK ? 40 : 8;
    for (let run = 0; run < runs; run++) {
      withSeed(testSeed(), (seed) => {
        const rand = mulberry32(seed);
        const pageSizeBytes = rand() < 0.5 ? 4096 : 8192;
        const store = new MemPageStore({ pageSizeBytes });
        const reference = new BTree(new MemPageStore({ pageSizeBytes }), rootInMemory(), { name: 'ref' });
        const byKey = new Map<string, [Uint8Array, Uint8Array]>();
        const n = 1 + Math.floor(rand() * 6000);
        for (let i = 0; i < n; i++) {
          const keyLength = 1 + Math.floor(rand() * (rand() < 0.05 ? 600 : 24));
          const key = new Uint8Array(keyLength);
          for (let j = 0; j < keyLength; j++) key[j] = Math.floor(rand() * (rand() < 0.5 ? 4 : 256));
          const valueLength = rand() < 0.03 ? 2000 + Math.floor(rand() * 20000) : Math.floor(rand() * 40);
          const value = new Uint8Array(valueLength);
          for (let j = 0; j < valueLength; j++) value[j] = Math.floor(rand() * 256);
          byKey.set(hex(key), [key, value]);
        }
        const sorted = [...byKey.values()].sort((a, b) => compareBytes(a[0], b[0]));
        for (const [k, v] of sorted) reference.put(k, v);
        const { tree } = load(store, sorted);
        expect(tree.check()).toEqual([]);
        expect(contents(tree)).toEqual(contents(reference));
        // The loaded tree is an ordinary tree: inserts and deletes keep it sound.
        for (let i = 0; i < 500; i++) {
          const key = Uint8Array.of(Math.floor(rand() * 4), Math.floor(rand() * 256), i & 0xff);
          if (rand() < 0.5) {
            tree.put(key, Uint8Array.of(i & 0xff));
            reference.put(key, Uint8Array.of(i & 0xff));
          } else {
            const victim = sorted[Math.floor(rand() * sorted.length)]![0];
            tree.delete(victim);
            reference.delete(victim);
          }
        }
        expect(tree.check()).toEqual([]);
        expect(contents(tree)).toEqual(contents(reference));
      });
    }
  });

  it('refuses keys out of order, duplicates, oversized keys and a non-empty tree', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const root = rootInMemory();
    const loader = new BTreeBulkLoader(store, root);
    loader.add(Uint8Array.of(5));
    const refusal = (fn: () => void): string => {
      try {
        fn();
      } catch (error) {
        return isOmbraError(error) ? error.code : String(error);
      }
      return 'no error';
    };
    expect(refusal(() => loader.add(Uint8Array.of(5)))).toBe('INVALID_ARGUMENT');
    expect(refusal(() => loader.add(Uint8Array.of(4, 9)))).toBe('INVALID_ARGUMENT');
    expect(refusal(() => loader.add(new Uint8Array(5000).fill(9)))).toBe('KEY_TOO_LARGE');
    loader.add(Uint8Array.of(5, 0)); // a longer key with the previous one as prefix sorts after it
    loader.finish();
    expect(refusal(() => new BTreeBulkLoader(store, root))).toBe('INVALID_ARGUMENT');
    expect(contents(new BTree(store, root))).toEqual([
      ['05', ''],
      ['0500', ''],
    ]);
  });

  it('never leaves a lone child at the end of an internal level', () => {
    // Sizes chosen so leaf counts land just past a full internal node for several page sizes.
    for (const pageSizeBytes of [4096, 8192]) {
      for (let n = 1; n < 12_000; n += 1999) {
        const store = new MemPageStore({ pageSizeBytes });
        const entries: [Uint8Array, Uint8Array][] = [];
        for (let i = 0; i < n * 3; i++) entries.push([encodeU64(i), new Uint8Array(90)]);
        const { tree } = load(store, entries);
        expect(tree.check()).toEqual([]);
        expect(tree.count()).toBe(n * 3);
      }
    }
  });
});
