// BTree.mergeSorted against a Map model: batches of puts, deletes and no-ops, mostly in key
// order (the fast path: keys inside the held leaf skip the descent) but also out of order
// (every key must still land in the leaf whose fences hold it), with values that grow and
// shrink (the general path) and that overflow. The tree must pass check() after each batch.
import { describe, expect, it } from 'vitest';
import { BTree, rootInMemory, rootInSlot } from '../../src/storage/btree.js';
import { cellCount, cellPointer, leafCellSize } from '../../src/storage/btree-page.js';
import { KeyBuilder } from '../../src/storage/keys.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { mulberry32, SOAK, testSeed, withSeed } from '../support/rng.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function keyOf(n: number): Uint8Array {
  return new KeyBuilder(16).u32(Math.floor(n / 1000)).u32(n % 1000).finish();
}

function valueOf(rnd: () => number): Uint8Array {
  const r = rnd();
  const size = r < 0.02 ? 3000 + Math.floor(rnd() * 5000) : Math.floor(rnd() * 24);
  return new Uint8Array(size).fill(Math.floor(rnd() * 256));
}

describe('BTree.mergeSorted', () => {
  it('matches a model through random batches, sorted and unsorted', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const store = new MemPageStore({ pageSizeBytes: 4096 });
      const tree = new BTree(store, rootInMemory(), { name: 'merge' });
      const model = new Map<string, Uint8Array>();
      const batches = SOAK ? 200 : 25;
      for (let b = 0; b < batches; b++) {
        const size = 1 + Math.floor(rnd() * 600);
        const nums = Array.from({ length: size }, () => Math.floor(rnd() * 20_000));
        const sorted = rnd() < 0.8;
        if (sorted) nums.sort((x, y) => x - y);
        // Keys may repeat in a batch: each occurrence sees what the previous one left.
        const ops = nums.map((n) => ({ key: keyOf(n), op: rnd(), value: valueOf(rnd) }));
        tree.mergeSorted(
          ops.length,
          (i) => ops[i]!.key,
          (i, old) => {
            const { key, op, value } = ops[i]!;
            const expected = model.get(hex(key));
            expect(old === undefined ? undefined : hex(old)).toBe(expected === undefined ? undefined : hex(expected));
            if (op < 0.15) {
              model.delete(hex(key));
              return null;
            }
            if (op < 0.25) return undefined;
            model.set(hex(key), value);
            return value;
          },
        );
        expect(tree.check()).toEqual([]);
        expect(tree.count()).toBe(model.size);
      }
      const got = new Map<string, string>();
      for (const { key, value } of tree.range()) got.set(hex(key), hex(value));
      expect(got).toEqual(new Map([...model].map(([k, v]) => [k, hex(v)])));
    });
  });

  it('loads an empty tree from one ascending batch, and appends after it', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const tree = new BTree(store, rootInMemory(), { name: 'append' });
    const value = new Uint8Array(8).fill(7);
    for (const [from, to] of [
      [0, 5000],
      [5000, 12_000],
    ] as const) {
      tree.mergeSorted(
        to - from,
        (i) => keyOf(from + i),
        () => value,
      );
    }
    expect(tree.check()).toEqual([]);
    expect(tree.count()).toBe(12_000);
    const stats = tree.stats();
    // Appends split after the new cell (btree.ts insertAt), so the pages stay nearly full.
    expect(stats.usedBytes / (stats.usedBytes + stats.freeBytesInPages)).toBeGreaterThan(0.85);
  });

  it('leaves every leaf it inserted into packed in key order (cells from E downward)', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const store = new MemPageStore({ pageSizeBytes: 4096 });
      const tree = new BTree(store, rootInMemory(), { name: 'order' });
      const value = new Uint8Array(6).fill(1);
      // Batches of random keys, as a relationship load's adjacency flush: each leaf takes a
      // few inserts between its existing cells per batch.
      for (let b = 0; b < (SOAK ? 60 : 12); b++) {
        const nums = [...new Set(Array.from({ length: 400 }, () => Math.floor(rnd() * 100_000)))].sort((x, y) => x - y);
        tree.mergeSorted(
          nums.length,
          (i) => keyOf(nums[i]!),
          () => value,
        );
        expect(tree.check()).toEqual([]);
        let leaves = 0;
        tree.visitPages((id, kind) => {
          if (kind !== 'leaf') return;
          leaves++;
          const page = store.read(id);
          const n = cellCount(page, tree.c);
          let at = tree.e;
          for (let i = 0; i < n; i++) {
            at -= leafCellSize(page, cellPointer(page, tree.c, i));
            expect(cellPointer(page, tree.c, i)).toBe(at);
          }
        });
        expect(leaves).toBeGreaterThan(b === 0 ? 0 : 1);
      }
    });
  });

  it('refuses a key above maxKeyBytes with KEY_TOO_LARGE', () => {
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const tree = new BTree(store, rootInMemory(), { name: 'big' });
    expect(() =>
      tree.mergeSorted(
        1,
        () => new Uint8Array(tree.maxKeyBytes + 1),
        () => new Uint8Array(0),
      ),
    ).toThrowError(expect.objectContaining({ code: 'KEY_TOO_LARGE' }));
  });
});

describe('BTree append hint', () => {
  it('lapses when another BTree object changes the same tree', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const store = new MemPageStore({ pageSizeBytes: 4096 });
      const a = new BTree(store, rootInSlot(store, 16), { name: 'a' });
      const b = new BTree(store, rootInSlot(store, 16), { name: 'b' });
      const model = new Map<string, string>();
      let next = 0;
      for (let step = 0; step < 4000; step++) {
        const r = rnd();
        const value = new Uint8Array(Math.floor(rnd() * 40)).fill(step & 0xff);
        if (r < 0.6) {
          // Ascending appends through `a` (its hint) ...
          const key = keyOf(next++);
          a.insert(key, value);
          model.set(hex(key), hex(value));
        } else if (r < 0.8) {
          // ... while `b` appends past them, inserts below them, or deletes the last ones.
          const key = keyOf(rnd() < 0.5 ? next + 1 + Math.floor(rnd() * 50) : Math.floor(rnd() * next));
          b.put(key, value);
          model.set(hex(key), hex(value));
        } else if (model.size > 0) {
          const key = keyOf(Math.max(0, next - 1 - Math.floor(rnd() * 5)));
          b.delete(key);
          model.delete(hex(key));
        }
        if (a.has(keyOf(next))) next += 60; // b took the next keys: a moves past them
      }
      expect(a.check()).toEqual([]);
      const got = new Map<string, string>();
      for (const { key, value } of b.range()) got.set(hex(key), hex(value));
      expect(got).toEqual(model);
    });
  });
});
