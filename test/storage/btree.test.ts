import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { BTree, rootInMemory, rootInSlot, type BTreeEntry } from '../../src/storage/btree.js';
import { compareBytes, encodeU64, KeyBuilder } from '../../src/storage/keys.js';
import { ROOT_SLOT } from '../../src/storage/meta.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);
const s = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : dec.decode(b));

function newTree(pageSizeBytes = 4096): { store: MemPageStore; tree: BTree } {
  const store = new MemPageStore({ pageSizeBytes });
  return { store, tree: new BTree(store, rootInSlot(store, ROOT_SLOT.FIRST_SPARE), { name: 'test' }) };
}

function expectNoLeaks(store: MemPageStore, ...trees: BTree[]): void {
  const used = new Set<number>();
  for (const tree of trees) {
    tree.visitPages((id) => {
      expect(used.has(id), `page ${id} visited twice`).toBe(false);
      used.add(id);
    });
  }
  expect([...used].sort((a, b) => a - b)).toEqual(store.usedPageIds());
}

function values(entries: Iterable<BTreeEntry>): string[] {
  return [...entries].map((e) => s(e.key)!);
}

describe('BTree basics', () => {
  it('starts empty with root 0 and creates the root lazily', () => {
    const { store, tree } = newTree();
    expect(store.getRoot(ROOT_SLOT.FIRST_SPARE)).toBe(0);
    expect(tree.get(k('a'))).toBeUndefined();
    expect(tree.has(k('a'))).toBe(false);
    expect(tree.delete(k('a'))).toBe(false);
    expect(tree.count()).toBe(0);
    expect(tree.cursor().seekFirst()).toBe(false);
    tree.put(k('a'), k('1'));
    expect(store.getRoot(ROOT_SLOT.FIRST_SPARE)).not.toBe(0);
    expect(s(tree.get(k('a')))).toBe('1');
  });

  it('puts, replaces, deletes and frees the last page', () => {
    const { store, tree } = newTree();
    tree.put(k('b'), k('2'));
    tree.put(k('a'), k('1'));
    tree.put(k('c'), k('3'));
    tree.put(k('b'), k('two'));
    expect(s(tree.get(k('b')))).toBe('two');
    expect(tree.count()).toBe(3);
    expect(values(tree.range())).toEqual(['a', 'b', 'c']);
    expect(tree.delete(k('b'))).toBe(true);
    expect(tree.delete(k('b'))).toBe(false);
    expect(tree.delete(k('a'))).toBe(true);
    expect(tree.delete(k('c'))).toBe(true);
    expect(store.getRoot(ROOT_SLOT.FIRST_SPARE)).toBe(0);
    expect(store.usedPageIds()).toEqual([]);
  });

  it('insert throws KEY_EXISTS on a present key and changes nothing', () => {
    const { tree } = newTree();
    tree.insert(k('x'), k('1'));
    let error: unknown;
    try {
      tree.insert(k('x'), k('2'));
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'KEY_EXISTS')).toBe(true);
    expect(s(tree.get(k('x')))).toBe('1');
  });

  it('rejects a key above maxKeyBytes with KEY_TOO_LARGE naming both lengths', () => {
    const { tree } = newTree(4096);
    expect(tree.maxKeyBytes).toBe(994);
    tree.put(new Uint8Array(994).fill(7), k('ok'));
    let error: unknown;
    try {
      tree.put(new Uint8Array(995), k('v'));
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'KEY_TOO_LARGE')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ keyLengthBytes: 995, maxKeyBytes: 994 });
    expect(tree.get(new Uint8Array(995))).toBeUndefined();
    expect(new BTree(new MemPageStore({ pageSizeBytes: 8192 }), rootInMemory()).maxKeyBytes).toBe(2018);
  });

  it('stores empty keys and empty values', () => {
    const { tree } = newTree();
    tree.put(new Uint8Array(0), new Uint8Array(0));
    tree.put(k('a'), new Uint8Array(0));
    expect(tree.get(new Uint8Array(0))).toEqual(new Uint8Array(0));
    expect(values(tree.range())).toEqual(['', 'a']);
    expect(tree.check()).toEqual([]);
  });

  it('builds separators of the largest key in a tree object whose cells so far were small', () => {
    // The largest keys share all but their last bytes, so their separators are maxKeyBytes long:
    // the tree object must build such cells though the cells it built before were small.
    const { store, tree } = newTree(4096);
    const small = (i: number): Uint8Array => k(`s${String(i).padStart(4, '0')}`);
    const large = (i: number): Uint8Array => {
      const key = new Uint8Array(tree.maxKeyBytes).fill(0x7a);
      key[key.length - 2] = 0x41 + (i >> 4);
      key[key.length - 1] = 0x41 + (i & 15);
      return key;
    };
    for (let i = 0; i < 120; i++) tree.put(large(i), new Uint8Array(40).fill(i));
    // A second object on the same tree: small cells first, then deletes that merge leaves
    // under those separators and inserts that split internal pages holding them.
    const other = new BTree(store, rootInSlot(store, ROOT_SLOT.FIRST_SPARE), { name: 'test' });
    for (let i = 0; i < 300; i++) other.put(small(i), k(`v${i}`));
    for (let i = 0; i < 120; i += 2) expect(other.delete(large(i))).toBe(true);
    for (let i = 0; i < 300; i++) other.put(small(i), new Uint8Array(600).fill(i & 255));
    for (let i = 0; i < 300; i += 3) expect(other.delete(small(i))).toBe(true);
    expect(other.check()).toEqual([]);
    for (let i = 0; i < 120; i++) expect(other.get(large(i))).toEqual(i % 2 === 0 ? undefined : new Uint8Array(40).fill(i));
    for (let i = 0; i < 300; i++) expect(other.get(small(i))).toEqual(i % 3 === 0 ? undefined : new Uint8Array(600).fill(i & 255));
    expectNoLeaks(store, other);
  });

  it('keeps large values in overflow chains and frees them on replace and delete', () => {
    const { store, tree } = newTree(4096);
    const big = new Uint8Array(10_000).map((_, i) => i * 7);
    tree.put(k('big'), big);
    expect(tree.get(k('big'))).toEqual(big);
    const stats = tree.stats();
    expect(stats.overflowPages).toBe(3); // 4032 data bytes per page
    expect(tree.check()).toEqual([]);
    expectNoLeaks(store, tree);
    const bigger = new Uint8Array(20_000).fill(9);
    tree.put(k('big'), bigger);
    expect(tree.get(k('big'))).toEqual(bigger);
    expect(tree.stats().overflowPages).toBe(5);
    expectNoLeaks(store, tree);
    tree.put(k('big'), k('small'));
    expect(tree.stats().overflowPages).toBe(0);
    expectNoLeaks(store, tree);
    tree.put(k('big'), big);
    expect(tree.delete(k('big'))).toBe(true);
    expect(store.usedPageIds()).toEqual([]);
  });

  it('grows to several levels and shrinks back with random puts and deletes', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const { store, tree } = newTree(4096);
      const model = new Map<string, string>();
      for (let i = 0; i < 20_000; i++) {
        const key = `key-${Math.floor(rnd() * 5000)}`;
        if (rnd() < 0.65) {
          const value = 'v'.repeat(Math.floor(rnd() * 60)) + i;
          tree.put(k(key), k(value));
          model.set(key, value);
        } else {
          expect(tree.delete(k(key))).toBe(model.delete(key));
        }
      }
      expect(tree.check()).toEqual([]);
      expect(tree.count()).toBe(model.size);
      expect(tree.stats().depth).toBeGreaterThanOrEqual(2);
      const sorted = [...model.keys()].sort((a, b) => compareBytes(k(a), k(b)));
      expect(values(tree.range())).toEqual(sorted);
      for (const [key, value] of model) expect(s(tree.get(k(key)))).toBe(value);
      for (const key of sorted) expect(tree.delete(k(key))).toBe(true);
      expect(store.getRoot(ROOT_SLOT.FIRST_SPARE)).toBe(0);
      expect(store.usedPageIds()).toEqual([]);
    });
  });

  it('deleteRange removes exactly [from, to) and frees overflow pages', () => {
    const { store, tree } = newTree(4096);
    for (let i = 0; i < 3000; i++) tree.put(encodeU64(i), i % 100 === 0 ? new Uint8Array(5000) : k(`v${i}`));
    expect(tree.deleteRange(encodeU64(100), encodeU64(2500))).toBe(2400);
    expect(tree.count()).toBe(600);
    expect(tree.has(encodeU64(99))).toBe(true);
    expect(tree.has(encodeU64(100))).toBe(false);
    expect(tree.has(encodeU64(2499))).toBe(false);
    expect(tree.has(encodeU64(2500))).toBe(true);
    expect(tree.check()).toEqual([]);
    expectNoLeaks(store, tree);
    expect(tree.deleteRange(encodeU64(2600))).toBe(400);
    expect(tree.deleteRange(encodeU64(5), encodeU64(5))).toBe(0);
    expect(tree.deleteRange(new Uint8Array(0))).toBe(200);
    expect(store.usedPageIds()).toEqual([]);
  });

  it('drop frees every page, overflow chains included', () => {
    const { store, tree } = newTree(4096);
    const other = new BTree(store, rootInSlot(store, ROOT_SLOT.FIRST_SPARE + 1));
    for (let i = 0; i < 2000; i++) {
      tree.put(encodeU64(i), i % 50 === 0 ? new Uint8Array(9000) : k('x'));
      other.put(encodeU64(i), k('y'));
    }
    const pages = tree.stats().pages;
    expect(tree.drop()).toBe(pages);
    expect(store.getRoot(ROOT_SLOT.FIRST_SPARE)).toBe(0);
    expect(tree.count()).toBe(0);
    expectNoLeaks(store, other);
    expect(other.check()).toEqual([]);
  });

  it('range bounds, inclusivity and reverse', () => {
    const { tree } = newTree();
    for (const key of ['a', 'b', 'c', 'd', 'e']) tree.put(k(key), k(key));
    expect(values(tree.range({ from: k('b'), to: k('d') }))).toEqual(['b', 'c']);
    expect(values(tree.range({ from: k('b'), to: k('d'), fromInclusive: false, toInclusive: true }))).toEqual(['c', 'd']);
    expect(values(tree.range({ from: k('b'), to: k('d'), reverse: true }))).toEqual(['c', 'b']);
    expect(values(tree.range({ from: k('b'), to: k('d'), reverse: true, toInclusive: true, fromInclusive: false }))).toEqual(['d', 'c']);
    expect(values(tree.range({ from: k('bb') }))).toEqual(['c', 'd', 'e']);
    expect(values(tree.range({ to: k('bb'), reverse: true }))).toEqual(['b', 'a']);
    expect(values(tree.range({ from: k('z') }))).toEqual([]);
  });

  it('prefix scans forward and backward, including 0xFF prefixes', () => {
    const { tree } = newTree();
    const b = new KeyBuilder();
    for (let g = 0; g < 3; g++) for (let i = 0; i < 300; i++) tree.put(b.reset().u32(g).u32(i).finish(), new Uint8Array(0));
    tree.put(Uint8Array.of(0xff, 0xff, 1), k('x'));
    tree.put(Uint8Array.of(0xff, 0xff), k('y'));
    const prefix = b.reset().u32(1).finish();
    const fwd = [...tree.prefix(prefix)].map((e) => e.key);
    expect(fwd.length).toBe(300);
    expect(fwd[0]).toEqual(b.reset().u32(1).u32(0).finish());
    const rev = [...tree.prefix(prefix, { reverse: true })].map((e) => e.key);
    expect(rev).toEqual(fwd.slice().reverse());
    expect([...tree.prefix(Uint8Array.of(0xff, 0xff), { reverse: true })].map((e) => [...e.key])).toEqual([[0xff, 0xff, 1], [0xff, 0xff]]);
  });

  it('uses the store read-only for reads (no writes on get, has, scans, check, stats)', () => {
    const { store, tree } = newTree();
    for (let i = 0; i < 1000; i++) tree.put(encodeU64(i), k('v'));
    store.commit();
    store.writable = false;
    expect(tree.get(encodeU64(5))).toBeDefined();
    expect([...tree.range()].length).toBe(1000);
    expect(tree.check()).toEqual([]);
    expect(tree.stats().entries).toBe(1000);
    let error: unknown;
    try {
      tree.put(encodeU64(1), k('w'));
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'READ_ONLY')).toBe(true);
  });
});
