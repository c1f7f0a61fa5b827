// Node and overflow page layouts (btree-page.ts, overflow.ts): golden bytes derived by hand
// from the offset tables, and the node search against a linear scan.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { BTree, rootInMemory } from '../../src/storage/btree.js';
import {
  INTERNAL,
  LEAF,
  buildInternalCell,
  buildLeafCell,
  initNode,
  insertCell,
  internalSearch,
  internalSearchStable,
  leafSearch,
  maxCellBytes,
  maxKeyBytes,
  removeCells,
  nodeFreeBytes,
  defragmentNode,
  repackAfterInserts,
  cellPointer,
} from '../../src/storage/btree-page.js';
import { compareBytes, encodeU64 } from '../../src/storage/keys.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { SOAK, testSeed } from '../support/rng.js';

const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const C = 24; // store.contentOffset
const E4 = 4096 - 32; // content end at 4 KiB: 4064 = 0x0fe0

function tree4k(): { store: MemPageStore; tree: BTree; root: { id: number } } {
  const store = new MemPageStore({ pageSizeBytes: 4096 });
  const root = rootInMemory();
  return { store, tree: new BTree(store, root, { name: 'golden' }), root };
}

describe('node page layout: golden bytes', () => {
  it('limits at 4 KiB and 8 KiB pages', () => {
    expect(maxCellBytes(4096 - 56)).toBe(1005); // (4040 − 12) / 4 − 2
    expect(maxKeyBytes(4096 - 56)).toBe(994);
    expect(maxCellBytes(8192 - 56)).toBe(2029);
    expect(maxKeyBytes(65536 - 56)).toBe(16354);
  });

  it('a leaf of three entries', () => {
    const { store, tree, root } = tree4k();
    tree.put(enc.encode('b'), enc.encode('2'));
    tree.put(enc.encode('a'), enc.encode('1'));
    tree.put(enc.encode('c'), enc.encode('3'));
    const page = store.read(root.id);
    expect(page[0]).toBe(LEAF);
    // Cells of 9 bytes packed down from 0x0fe0 in insertion order: b at 0fd7, a at 0fce, c at 0fc5.
    expect(hex(page.subarray(C, C + 18))).toBe(
      '0003' + // cell count
        '0fc5' + // cell content start
        '0000' + // fragmented bytes
        '0003' + // last insert: cell 2 (+1)
        '00000000' + // rightmost child: none in a leaf
        '0fce' + '0fd7' + '0fc5', // pointers in key order: a, b, c
    );
    expect(hex(page.subarray(0x0fc5, E4))).toBe(
      '00' + '0001' + '00000001' + '63' + '33' + // c → 3
        '00' + '0001' + '00000001' + '61' + '31' + // a → 1
        '00' + '0001' + '00000001' + '62' + '32', // b → 2
    );
    expect(page.subarray(C + 18, 0x0fc5).every((x) => x === 0)).toBe(true);
  });

  it('a root split by an ascending append: internal node and leaves', () => {
    const { store, tree, root } = tree4k();
    const value = new Uint8Array(900).fill(0x5a); // 908-byte cells: four fit a 4 KiB leaf
    for (const key of ['a', 'b', 'c', 'd', 'e']) tree.put(enc.encode(key), value);
    // Page 1: leaf a..d (kept full), page 2: leaf e, page 3: the new root.
    expect(root.id).toBe(3);
    const rootPage = store.read(3);
    expect(rootPage[0]).toBe(INTERNAL);
    expect(hex(rootPage.subarray(C, C + 14))).toBe('0001' + '0fd9' + '0000' + '0001' + '00000002' + '0fd9');
    expect(hex(rootPage.subarray(0x0fd9, E4))).toBe('00000001' + '0001' + '65'); // child 1, separator "e"
    const right = store.read(2);
    expect(hex(right.subarray(C, C + 14))).toBe('0001' + '0c54' + '0000' + '0001' + '00000000' + '0c54');
    expect(hex(right.subarray(0x0c54, 0x0c54 + 9))).toBe('00' + '0001' + '00000384' + '65' + '5a');
    const left = store.read(1);
    expect(hex(left.subarray(C, C + 12))).toBe('0004' + '01b0' + '0000' + '0000' + '00000000'); // 4064 − 4 × 908 = 0x01b0
    expect(tree.check()).toEqual([]);
  });

  it('an overflow value: leaf cell reference and chain pages', () => {
    const { store, tree, root } = tree4k();
    const value = new Uint8Array(5000).map((_, i) => i & 0xff);
    tree.put(enc.encode('k'), value);
    const leaf = store.read(root.id);
    // Cell: flags 01, key length 1, value length 5000 (0x1388), key "k", first overflow page 2.
    expect(hex(leaf.subarray(C, C + 14))).toBe('0001' + '0fd4' + '0000' + '0001' + '00000000' + '0fd4');
    expect(hex(leaf.subarray(0x0fd4, E4))).toBe('01' + '0001' + '00001388' + '6b' + '00000002');
    // Page 2: next 3, 4032 (0x0fc0) bytes; page 3: next 0, 968 (0x03c8) bytes.
    const first = store.read(2);
    expect(first[0]).toBe(5);
    expect(hex(first.subarray(C, C + 12))).toBe('00000003' + '00000fc0' + '00010203');
    const second = store.read(3);
    expect(hex(second.subarray(C, C + 12))).toBe('00000000' + '000003c8' + hex(value.subarray(4032, 4036)));
    expect(second.subarray(C + 8 + 968, E4).every((x) => x === 0)).toBe(true);
  });
});

describe('node page updates', () => {
  it('reuses holes by defragmenting and accounts free space exactly', () => {
    const page = new Uint8Array(4096);
    initNode(page, LEAF, C, E4);
    const cell = new Uint8Array(1100);
    const empty = nodeFreeBytes(page, C);
    expect(empty).toBe(4040 - 12);
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const len = buildLeafCell(cell, encodeU64(i), new Uint8Array(300), 0);
      sizes.push(len);
      expect(insertCell(page, C, E4, i, cell, 0, len, true)).toBe(true);
    }
    expect(nodeFreeBytes(page, C)).toBe(empty - 10 * (315 + 2));
    // Full for another 315-byte cell? 4028 − 3170 = 858 left: two more fit, the third not.
    expect(insertCell(page, C, E4, 10, cell, 0, buildLeafCell(cell, encodeU64(10), new Uint8Array(300), 0), true)).toBe(true);
    expect(insertCell(page, C, E4, 11, cell, 0, buildLeafCell(cell, encodeU64(11), new Uint8Array(300), 0), true)).toBe(true);
    const len = buildLeafCell(cell, encodeU64(12), new Uint8Array(300), 0);
    expect(insertCell(page, C, E4, 12, cell, 0, len, true)).toBe(false);
    // Remove two cells in the middle: holes, then an insert must defragment to fit.
    removeCells(page, C, E4, 3, 5, true);
    expect(insertCell(page, C, E4, 10, cell, 0, len, true)).toBe(true);
    expect(leafSearch(page, C, E4, encodeU64(12), 1, 't')).toBe(10);
    expect(leafSearch(page, C, E4, encodeU64(3), 1, 't')).toBe(~3);
    defragmentNode(page, C, E4, true);
    expect(cellPointer(page, C, 0)).toBeGreaterThan(0);
  });

  it('throws CorruptionError naming the page for a cell pointer outside the cell area', () => {
    const page = new Uint8Array(4096);
    initNode(page, LEAF, C, E4);
    const cell = new Uint8Array(64);
    for (let i = 0; i < 20; i++) insertCell(page, C, E4, i, cell, 0, buildLeafCell(cell, encodeU64(i), new Uint8Array(4), 0), true);
    page[C + 12 + 2 * 10] = 0x00; // pointer of cell 10 → 0x00xx, inside the header area
    let error: unknown;
    try {
      for (let i = 0; i < 20; i++) leafSearch(page, C, E4, encodeU64(i), 77, 't');
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'CORRUPTION')).toBe(true);
    expect((error as { details: { pageNumber: number } }).details.pageNumber).toBe(77);
  });
});

/** Cells of a node in pointer order, as bytes (leaf cells). */
function cellsOf(page: Uint8Array, c: number): string[] {
  const n = (page[c]! << 8) | page[c + 1]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const off = cellPointer(page, c, i);
    const k = (page[off + 1]! << 8) | page[off + 2]!;
    const v = page[off + 3]! * 0x1000000 + ((page[off + 4]! << 16) | (page[off + 5]! << 8) | page[off + 6]!);
    out.push(hex(page.subarray(off, off + 7 + k + v)));
  }
  return out;
}

describe('defragmentNode', () => {
  it('packs the cells in key order against E, whatever order and holes they had (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 5000 }), size: fc.integer({ min: 0, max: 120 }), remove: fc.boolean() }), { maxLength: 120 }),
        fc.boolean(),
        (steps, packFirst) => {
          const page = new Uint8Array(4096);
          initNode(page, LEAF, C, E4);
          const cell = new Uint8Array(400);
          // Inserts in random key order (each cell lands below the others: insertion order),
          // with removals (holes); optionally a repack half way, so runs of ordered cells and
          // scattered ones meet.
          steps.forEach((step, j) => {
            const key = encodeU64(step.key);
            const r = leafSearch(page, C, E4, key, 1, 't');
            if (step.remove) {
              if (r >= 0) removeCells(page, C, E4, r, r + 1, true);
            } else if (r < 0) {
              const len = buildLeafCell(cell, key, new Uint8Array(step.size).fill(j & 0xff), 0);
              insertCell(page, C, E4, ~r, cell, 0, len, true);
            }
            if (packFirst && j === steps.length >> 1) defragmentNode(page, C, E4, true);
          });
          const before = cellsOf(page, C);
          const free = nodeFreeBytes(page, C);
          defragmentNode(page, C, E4, true);
          // Same cells in the same order, no holes, and cell i+1 right below cell i from E down.
          expect(cellsOf(page, C)).toEqual(before);
          expect(nodeFreeBytes(page, C)).toBe(free);
          expect((page[C + 4]! << 8) | page[C + 5]!).toBe(0);
          let at = E4;
          for (let i = 0; i < before.length; i++) {
            at -= before[i]!.length / 2;
            expect(cellPointer(page, C, i)).toBe(at);
          }
          expect((page[C + 2]! << 8) | page[C + 3]!).toBe(at);
        },
      ),
      { seed: testSeed(), numRuns: SOAK ? 2000 : 200 },
    );
  });
});

describe('repackAfterInserts', () => {
  it('lays out the same bytes as defragmentNode after inserts into a packed node, or falls back (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 0, maxLength: 160 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 160, maxLength: 160 }),
        fc.integer({ min: 0, max: 160 }),
        fc.constantFrom('packed', 'scattered', 'holes'),
        (keys, valueSizes, oldCount, layout) => {
          const page = new Uint8Array(4096);
          initNode(page, LEAF, C, E4);
          const cell = new Uint8Array(400);
          const put = (j: number): void => {
            const key = encodeU64(keys[j]!);
            const r = leafSearch(page, C, E4, key, 1, 't');
            if (r >= 0) return;
            const len = buildLeafCell(cell, key, new Uint8Array(valueSizes[j]!).fill(j & 0xff), 0);
            insertCell(page, C, E4, ~r, cell, 0, len, true);
          };
          const split = Math.min(oldCount, keys.length);
          for (let j = 0; j < split; j++) put(j);
          if (layout === 'holes' && split > 2) removeCells(page, C, E4, 1, 2, true);
          if (layout === 'packed') defragmentNode(page, C, E4, true);
          const packedStart = (page[C + 2]! << 8) | page[C + 3]!;
          for (let j = split; j < keys.length; j++) put(j);
          const expected = page.slice();
          defragmentNode(expected, C, E4, true);
          repackAfterInserts(page, C, E4, true, packedStart);
          expect(hex(page.subarray(C, E4))).toBe(hex(expected.subarray(C, E4)));
        },
      ),
      { seed: testSeed(), numRuns: SOAK ? 2000 : 300 },
    );
  });
});

describe('internal search over cached separator prefixes', () => {
  it('reports a bad cell pointer as corruption naming the page', () => {
    const E = 8192 - 32;
    const internal = new Uint8Array(8192);
    initNode(internal, INTERNAL, C, E);
    const cell = new Uint8Array(64);
    for (let i = 0; i < 20; i++) insertCell(internal, C, E, i, cell, 0, buildInternalCell(cell, i + 1, encodeU64(i * 1000), 0, 8), false);
    const ok = internal.slice();
    expect(internalSearchStable(ok, C, E, encodeU64(4500), 3, 't')).toBe(5);
    const off = cellPointer(internal, C, 7);
    internal[C + 12 + 2 * 7] = 0xff; // pointer of cell 7 past the page end
    internal[C + 12 + 2 * 7 + 1] = 0xf0;
    expect(off).toBeGreaterThan(0);
    let error: unknown;
    try {
      internalSearchStable(internal, C, E, encodeU64(4500), 3, 't');
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'CORRUPTION')).toBe(true);
    expect((error as Error).message).toContain('page 3');
  });
});

describe('node search agrees with a linear scan', () => {
  const keySet = fc.oneof(
    // dense integers (interpolation is exact)
    fc.tuple(fc.nat(1_000_000), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 5 })).map(([start, n, step]) =>
      Array.from({ length: n }, (_, i) => encodeU64(start + i * step)),
    ),
    // sparse integers
    fc.uniqueArray(fc.maxSafeNat(), { minLength: 1, maxLength: 300 }).map((xs) => xs.map((x) => encodeU64(x))),
    // skewed byte strings with shared prefixes, prefixes of each other, the empty key
    fc.uniqueArray(fc.uint8Array({ maxLength: 12, min: 0, max: 2 }), { minLength: 1, maxLength: 300, selector: (b) => hex(b) }),
    fc.uniqueArray(fc.string({ maxLength: 20 }).map((s) => enc.encode(`node:${s}`)), { minLength: 1, maxLength: 200, selector: (b) => hex(b) }),
  );

  it('for leaves (exact match or insertion point) and internal nodes (child index)', () => {
    fc.assert(
      fc.property(keySet, fc.array(fc.uint8Array({ maxLength: 10 }), { maxLength: 20 }), (rawKeys, extraProbes) => {
        const keys = rawKeys.slice().sort(compareBytes);
        const leaf = new Uint8Array(65536);
        const internal = new Uint8Array(65536);
        const E = 65536 - 32;
        initNode(leaf, LEAF, C, E);
        initNode(internal, INTERNAL, C, E);
        const cell = new Uint8Array(64);
        keys.forEach((key, i) => {
          expect(insertCell(leaf, C, E, i, cell, 0, buildLeafCell(cell, key, new Uint8Array(1), 0), true)).toBe(true);
          expect(insertCell(internal, C, E, i, cell, 0, buildInternalCell(cell, i + 1, key, 0, key.length), false)).toBe(true);
        });
        const probes = [...keys, ...extraProbes];
        for (const key of keys) {
          probes.push(new Uint8Array([...key, 0]));
          if (key.length > 0) probes.push(key.subarray(0, key.length - 1));
          if (key.length === 8) probes.push(encodeU64((Buffer.from(key).readBigUInt64BE() + 1n) & 0xffffffffffffffffn));
        }
        for (const probe of probes) {
          const firstNotBelow = keys.findIndex((k) => compareBytes(k, probe) >= 0);
          const at = firstNotBelow < 0 ? keys.length : firstNotBelow;
          const hit = at < keys.length && compareBytes(keys[at]!, probe) === 0;
          const firstAbove = keys.findIndex((k) => compareBytes(k, probe) > 0);
          const child = firstAbove < 0 ? keys.length : firstAbove;
          // Without an estimate, and from any starting estimate (a wrong one only costs probes).
          for (const estimate of [-1, 0, keys.length - 1, (probe.length * 7919) % keys.length, keys.length + 5]) {
            expect(leafSearch(leaf, C, E, probe, 1, 't', estimate)).toBe(hit ? at : ~at);
            expect(internalSearch(internal, C, E, probe, 2, 't', estimate)).toBe(child);
          }
          // The read-snapshot search over cached separator prefixes (ties on the first 6 bytes compare bytes).
          expect(internalSearchStable(internal, C, E, probe, 2, 't')).toBe(child);
        }
      }),
      { seed: testSeed(), numRuns: SOAK ? 2000 : 150 },
    );
  });
});
