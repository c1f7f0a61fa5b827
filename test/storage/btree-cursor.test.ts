// Cursor positioning and cursor stability (btree.ts invariant B9): iterating while the tree
// changes visits every entry present throughout exactly once, in order.

import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { compareBytes, encodeU64, KeyBuilder, KeyReader } from '../../src/storage/keys.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { mulberry32, SOAK, testSeed, withSeed } from '../support/rng.js';

const SLOT = 16;
const idOf = (key: Uint8Array): number => new KeyReader(key, key.length - 8).u64Number();
const PAD = new Uint8Array(300).fill(0x42);
const paddedKey = (n: number): Uint8Array => new KeyBuilder().raw(PAD).u64(n).finish();

function numberTree(count: number, step = 2, pageSizeBytes = 4096): { store: MemPageStore; tree: BTree } {
  const store = new MemPageStore({ pageSizeBytes });
  const tree = new BTree(store, rootInSlot(store, SLOT), { name: 'cursor' });
  for (let i = 0; i < count; i++) tree.put(encodeU64(i * step), encodeU64(i * step));
  return { store, tree };
}

function expectThrowsCode(fn: () => unknown, code: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isOmbraError(error) && error.code).toBe(code);
}

describe('Cursor positioning', () => {
  // Keys 0, 2, ..., 9998 behind a 300-byte common prefix: 12 entries a leaf, 13 children an
  // internal node, so the walk crosses leaves and internal nodes at several levels.
  const store = new MemPageStore({ pageSizeBytes: 4096 });
  const tree = new BTree(store, rootInSlot(store, SLOT), { name: 'cursor' });
  for (let i = 0; i < 5000; i++) tree.put(paddedKey(i * 2), encodeU64(i * 2));

  it('is a tree of four levels', () => {
    expect(tree.stats().depth).toBe(4);
  });

  it('seeks with every mode between, on and beyond keys', () => {
    const cur = tree.cursor();
    expect(cur.valid).toBe(false);
    expect(cur.seek(paddedKey(101)) && idOf(cur.key)).toBe(102);
    expect(cur.seek(paddedKey(100)) && idOf(cur.key)).toBe(100);
    expect(cur.seekGT(paddedKey(100)) && idOf(cur.key)).toBe(102);
    expect(cur.seekLE(paddedKey(101)) && idOf(cur.key)).toBe(100);
    expect(cur.seekLE(paddedKey(100)) && idOf(cur.key)).toBe(100);
    expect(cur.seekLT(paddedKey(100)) && idOf(cur.key)).toBe(98);
    expect(cur.seek(paddedKey(9999))).toBe(false);
    expect(cur.valid).toBe(false);
    expect(cur.seekLE(paddedKey(100_000)) && idOf(cur.key)).toBe(9998);
    expect(cur.seekLT(paddedKey(0))).toBe(false);
    expect(cur.seekFirst() && idOf(cur.key)).toBe(0);
    expect(cur.seekLast() && idOf(cur.key)).toBe(9998);
    expect(new KeyReader(cur.value).u64Number()).toBe(9998);
    expect(cur.valueLength).toBe(8);
  });

  it('walks every key forward and backward across leaf boundaries', () => {
    const cur = tree.cursor();
    const forward: number[] = [];
    for (let ok = cur.seekFirst(); ok; ok = cur.next()) forward.push(idOf(cur.key));
    expect(forward).toEqual(Array.from({ length: 5000 }, (_, i) => i * 2));
    expect(cur.next()).toBe(false);
    const backward: number[] = [];
    for (let ok = cur.seekLast(); ok; ok = cur.prev()) backward.push(idOf(cur.key));
    expect(backward).toEqual(forward.slice().reverse());
    // Direction changes in the middle of the tree.
    cur.seek(paddedKey(5000));
    cur.next();
    cur.prev();
    cur.prev();
    expect(idOf(cur.key)).toBe(4998);
  });

  it('throws CURSOR_INVALID when reading an unpositioned cursor', () => {
    const cur = tree.cursor();
    expectThrowsCode(() => cur.key, 'CURSOR_INVALID');
    expectThrowsCode(() => cur.value, 'CURSOR_INVALID');
    cur.seek(paddedKey(20_000));
    expectThrowsCode(() => cur.compareKey(paddedKey(1)), 'CURSOR_INVALID');
  });
});

describe('Cursor stability', () => {
  it('visits each surviving key once while deleting, updating and inserting around the cursor', () => {
    const rounds = SOAK ? 20 : 4;
    for (let round = 0; round < rounds; round++) {
      withSeed(testSeed() + round, (seed) => {
        const rnd = mulberry32(seed);
        const reverse = round % 2 === 1;
        const count = 4000;
        const { store, tree } = numberTree(count, 2);
        const present = new Set<number>(Array.from({ length: count }, (_, i) => i * 2));
        const original = new Set(present);
        const deletedBeforeVisit = new Set<number>();
        const visited: number[] = [];
        const cur = tree.cursor();
        for (let ok = reverse ? cur.seekLast() : cur.seekFirst(); ok; ok = reverse ? cur.prev() : cur.next()) {
          const id = idOf(cur.key);
          visited.push(id);
          const r = rnd();
          if (r < 0.2) {
            tree.delete(encodeU64(id)); // the current entry
            present.delete(id);
          } else if (r < 0.4) {
            // rewrite the current record larger (splits) or as an overflow value
            tree.put(encodeU64(id), new Uint8Array(rnd() < 0.1 ? 9000 : 8 + Math.floor(rnd() * 200)));
          } else if (r < 0.6) {
            const victim = Math.floor(rnd() * count) * 2; // anywhere, ahead or behind
            if (tree.delete(encodeU64(victim))) {
              present.delete(victim);
              if (!visited.includes(victim) && victim !== id) deletedBeforeVisit.add(victim);
            }
          } else if (r < 0.75) {
            const fresh = Math.floor(rnd() * count) * 2 + 1; // odd: new keys
            tree.put(encodeU64(fresh), new Uint8Array(16));
            present.add(fresh);
          }
        }
        // Strictly monotonic: nothing repeated, nothing out of order.
        for (let i = 1; i < visited.length; i++) {
          if (reverse) expect(visited[i]!).toBeLessThan(visited[i - 1]!);
          else expect(visited[i]!).toBeGreaterThan(visited[i - 1]!);
        }
        // Every original key not deleted before the cursor reached it was visited.
        const seen = new Set(visited);
        for (const id of original) if (!deletedBeforeVisit.has(id)) expect(seen.has(id), `key ${id} skipped`).toBe(true);
        expect(tree.check()).toEqual([]);
        const used: number[] = [];
        tree.visitPages((p) => used.push(p));
        expect(used.sort((a, b) => a - b)).toEqual(store.usedPageIds());
      });
    }
  });

  it('rewrites every record during a range() walk (MATCH (n) SET n.x = 1) without skipping or repeating', () => {
    const { tree } = numberTree(3000, 1);
    let visits = 0;
    let last = -1;
    for (const entry of tree.range()) {
      const id = idOf(entry.key);
      expect(id).toBeGreaterThan(last);
      last = id;
      visits++;
      tree.put(entry.key, new Uint8Array(120).fill(id & 0xff)); // grows every record: many splits
    }
    expect(visits).toBe(3000);
    expect(tree.check()).toEqual([]);
    expect(tree.get(encodeU64(1234))).toEqual(new Uint8Array(120).fill(1234 & 0xff));
  });

  it('notices changes made through another BTree instance on the same store', () => {
    const { store, tree } = numberTree(3000, 1);
    const other = new BTree(store, rootInSlot(store, SLOT));
    const seen: number[] = [];
    for (const entry of tree.range()) {
      const id = idOf(entry.key);
      seen.push(id);
      if (id % 2 === 0) other.delete(encodeU64(id + 1)); // delete the next key through the other instance
    }
    expect(seen).toEqual(Array.from({ length: 1500 }, (_, i) => i * 2));
  });

  it('value of an entry deleted under the cursor throws CURSOR_INVALID; next() continues after it', () => {
    const { tree } = numberTree(1000, 1);
    const cur = tree.cursor();
    cur.seek(encodeU64(500));
    tree.delete(encodeU64(500));
    tree.delete(encodeU64(501));
    expect(idOf(cur.key)).toBe(500);
    expectThrowsCode(() => cur.value, 'CURSOR_INVALID');
    expect(cur.next()).toBe(true);
    expect(idOf(cur.key)).toBe(502);
    expect(idOf(cur.value)).toBe(502);
    tree.delete(encodeU64(499));
    expect(cur.prev()).toBe(true);
    expect(idOf(cur.key)).toBe(498);
  });

  it('survives the tree emptying and refilling under the cursor', () => {
    const { tree } = numberTree(500, 1);
    const cur = tree.cursor();
    cur.seek(encodeU64(250));
    tree.deleteRange(new Uint8Array(0));
    expect(cur.next()).toBe(false);
    tree.put(encodeU64(7), encodeU64(7));
    expect(cur.seekFirst() && compareBytes(cur.key, encodeU64(7))).toBe(0);
  });
});
