// The read paths that avoid copies: BTree.getView / locate, the cursor's keyBytes / valueView /
// locateValue, leaf walks (leafImage, leafIndex, nextLeaf), the cursor's cached leaf image under
// changes (B9), and searches without fences over keys of several widths (ordered varints).
import { describe, expect, it } from 'vitest';
import { ByteBuffer } from '../../src/graph/encoding.js';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { cellCount, LEAF_CELL_HEADER_BYTES, NODE_HEADER_BYTES, rd16 } from '../../src/storage/btree-page.js';
import { encodeU64 } from '../../src/storage/keys.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { mulberry32, testSeed } from '../support/rng.js';

const SLOT = 16;

function valueOf(n: number, big: boolean): Uint8Array {
  const out = new Uint8Array(big ? 3000 : 1 + (n % 40)).fill(n & 0xff);
  out[0] = n >>> 8;
  return out;
}

/** Keys 0..count−1 (encodeU64), values of assorted sizes; every 50th overflows. */
function tree(count: number): { store: MemPageStore; t: BTree } {
  const store = new MemPageStore({ pageSizeBytes: 4096 });
  const t = new BTree(store, rootInSlot(store, SLOT), { name: 'reads' });
  for (let i = 0; i < count; i++) t.put(encodeU64(i), valueOf(i, i % 50 === 7));
  return { store, t };
}

describe('getView and locate', () => {
  it('return the same bytes as get, inline and overflowing, and nothing for absent keys', () => {
    const { t } = tree(2000);
    for (let i = 0; i < 2100; i += 3) {
      const key = encodeU64(i);
      const copy = t.get(key);
      expect(t.getView(key)).toEqual(copy);
      expect(t.locate(key)).toBe(copy !== undefined);
      if (copy !== undefined) expect(t.locatedBuf.subarray(t.locatedStart, t.locatedEnd)).toEqual(copy);
    }
    const empty = new BTree(new MemPageStore({ pageSizeBytes: 4096 }), rootInSlot(new MemPageStore({ pageSizeBytes: 4096 }), SLOT));
    expect(empty.getView(encodeU64(1))).toBeUndefined();
    expect(empty.locate(encodeU64(1))).toBe(false);
  });
});

describe('cursor reads without copies', () => {
  it('keyBytes/keyLength, valueView and locateValue agree with key and value over the whole tree', () => {
    const { t } = tree(1500);
    const cur = t.cursor();
    let n = 0;
    for (cur.seekFirst(); cur.valid; cur.next(), n++) {
      expect(cur.keyBytes.subarray(0, cur.keyLength)).toEqual(cur.key);
      const value = cur.value;
      expect(cur.valueView).toEqual(value);
      cur.locateValue();
      expect(t.locatedBuf.subarray(t.locatedStart, t.locatedEnd)).toEqual(value);
    }
    expect(n).toBe(1500);
  });

  it('a leaf walk (leafImage, leafIndex, nextLeaf) visits every entry once, in order', () => {
    const { t } = tree(1500);
    const cur = t.cursor();
    const seen: number[] = [];
    cur.seek(encodeU64(10));
    while (cur.valid) {
      const page = cur.leafImage;
      const n = cellCount(page, t.c);
      for (let i = cur.leafIndex; i < n; i++) {
        const off = rd16(page, t.c + NODE_HEADER_BYTES + 2 * i);
        const keyAt = off + LEAF_CELL_HEADER_BYTES;
        seen.push(Number(new DataView(page.buffer, page.byteOffset + keyAt, 8).getBigUint64(0)));
      }
      cur.nextLeaf();
    }
    expect(seen).toEqual(Array.from({ length: 1490 }, (_, i) => i + 10));
    expect(cur.nextLeaf()).toBe(false);
  });

  it('keeps its place when the tree changes between steps (cached leaf image, B9)', () => {
    const { t } = tree(600);
    const model = new Map<number, Uint8Array>();
    for (let k = 0; k < 600; k++) model.set(k, valueOf(k, k % 50 === 7));
    const cur = t.cursor();
    const seen: number[] = [];
    cur.seekFirst();
    let i = 0;
    while (cur.valid) {
      const k = Number(new DataView(cur.key.buffer).getBigUint64(0));
      seen.push(k);
      expect(cur.value, `key ${k}`).toEqual(model.get(k));
      // Delete the next key now and then, insert keys far ahead, rewrite values in place.
      if (i % 7 === 0) {
        t.delete(encodeU64(k + 1));
        model.delete(k + 1);
      }
      if (i % 11 === 0) {
        t.put(encodeU64(1000 + i), new Uint8Array([9]));
        model.set(1000 + i, new Uint8Array([9]));
      }
      if (i % 5 === 0 && model.has(k + 2)) {
        const v = valueOf(k + 3, false);
        t.put(encodeU64(k + 2), v);
        model.set(k + 2, v);
      }
      cur.next();
      i++;
    }
    // Every key present when the cursor passed it was seen once, in order: here, the whole final tree.
    expect(seen).toEqual([...model.keys()].sort((a, b) => a - b));
  });
});

describe('search without fences over keys of several widths', () => {
  it('finds every key and the right neighbours of absent ones (ordered varints 1..5 bytes)', () => {
    const seed = testSeed();
    const rnd = mulberry32(seed);
    const store = new MemPageStore({ pageSizeBytes: 4096 });
    const t = new BTree(store, rootInSlot(store, SLOT), { name: 'varint' });
    const bb = new ByteBuffer();
    const key = (n: number): Uint8Array => bb.reset().ordered(n).copy();
    const present = new Set<number>();
    // Dense small ids (1-, 2- and 3-byte varints) and sparse large ones (4 and 5 bytes).
    for (let i = 0; i < 6000; i++) present.add(i * 3);
    for (let i = 0; i < 800; i++) present.add(70000 + Math.floor(rnd() * 2 ** 31));
    for (const n of present) t.put(key(n), encodeU64(n));
    const sorted = [...present].sort((a, b) => a - b);
    for (let probe = 0; probe < 3000; probe++) {
      const n = rnd() < 0.5 ? Math.floor(rnd() * 20000) : sorted[Math.floor(rnd() * sorted.length)]! + (rnd() < 0.5 ? 0 : 1);
      const got = t.get(key(n));
      expect(got === undefined ? undefined : Number(new DataView(got.buffer).getBigUint64(0)), `seed ${seed} key ${n}`).toBe(present.has(n) ? n : undefined);
      const cur = t.cursor();
      cur.seek(key(n));
      const next = sorted.find((x) => x >= n);
      expect(cur.valid ? Number(new DataView(cur.value.buffer).getBigUint64(0)) : undefined, `seek ${n}`).toBe(next);
    }
  });
});
