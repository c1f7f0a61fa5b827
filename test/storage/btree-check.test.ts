// check() finds deliberately broken pages, each as a named problem on the right page; normal
// operations that meet a broken page throw CorruptionError naming it (never use it silently).

import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { BTree, rootInMemory, type BTreeProblemKind } from '../../src/storage/btree.js';
import { buildInternalCell, cellCount, cellPointer, childAt, insertCell, rd16, removeCells, wr16, wr32 } from '../../src/storage/btree-page.js';
import { encodeU64 } from '../../src/storage/keys.js';
import { OVERFLOW_OFFSET } from '../../src/storage/overflow.js';
import { PAGE_TYPE } from '../../src/storage/page.js';
import { MemPageStore } from '../support/mem-page-store.js';

const C = 24;
const PAD = new Uint8Array(200).fill(0x33);
/** Long keys make narrow internal nodes, so a few thousand entries give three levels. */
const key = (n: number): Uint8Array => new Uint8Array([...PAD, ...encodeU64(n)]);

/** A three-level tree at 4 KiB pages: long values keep leaves small. */
function buildTree(): { store: MemPageStore; tree: BTree; rootId: number } {
  const store = new MemPageStore({ pageSizeBytes: 4096 });
  const root = rootInMemory();
  const tree = new BTree(store, root, { name: 'broken' });
  for (let i = 0; i < 3000; i++) tree.put(key(i * 10), new Uint8Array(100).fill(i & 0xff));
  tree.put(key(5), new Uint8Array(9000).fill(7)); // an overflow chain of three pages
  store.commit();
  expect(tree.check()).toEqual([]);
  expect(tree.stats().depth).toBe(3);
  return { store, tree, rootId: root.id };
}

function pagesOf(tree: BTree, kind: 'leaf' | 'internal' | 'overflow'): number[] {
  const ids: number[] = [];
  tree.visitPages((id, k) => {
    if (k === kind) ids.push(id);
  });
  return ids;
}

function kinds(tree: BTree): Set<BTreeProblemKind> {
  return new Set(tree.check().map((p) => p.kind));
}

function problemPages(tree: BTree, kind: BTreeProblemKind): number[] {
  return tree
    .check()
    .filter((p) => p.kind === kind)
    .map((p) => p.pageId);
}

function corruptionPage(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (isOmbraError(error, 'CORRUPTION')) return error.details.pageNumber as number;
    throw error;
  }
  return undefined;
}

/** A leaf that is not the leftmost or rightmost one. */
function middleLeaf(tree: BTree, store: MemPageStore): { id: number; firstKey: Uint8Array } {
  const leaves = pagesOf(tree, 'leaf');
  const id = leaves[Math.floor(leaves.length / 2)]!;
  const page = store.read(id);
  const off = cellPointer(page, C, 0);
  return { id, firstKey: page.slice(off + 7, off + 7 + rd16(page, off + 1)) };
}

describe('BTree.check() names each kind of damage', () => {
  it('two keys swapped in a leaf: key-order on that leaf', () => {
    const { store, tree } = buildTree();
    const { id } = middleLeaf(tree, store);
    const page = store.write(id);
    const a = rd16(page, C + 12);
    wr16(page, C + 12, rd16(page, C + 14));
    wr16(page, C + 14, a);
    expect(problemPages(tree, 'key-order')).toEqual([id]);
  });

  it('two equal keys in a leaf: key-order (strictly increasing, B1)', () => {
    const { store, tree } = buildTree();
    const { id } = middleLeaf(tree, store);
    const page = store.write(id);
    const a = cellPointer(page, C, 0);
    const b = cellPointer(page, C, 1);
    page.copyWithin(b + 7, a + 7, a + 7 + rd16(page, a + 1)); // key 1 := key 0 (same length)
    expect(tree.check().map((p) => [p.kind, p.pageId])).toEqual([['key-order', id]]);
  });

  it('a separator equal to the last key of its left child: separator (keys < separator, B2)', () => {
    const { store, tree, rootId } = buildTree();
    const internal = childAt(store.read(rootId), C, 0);
    const leftLeaf = childAt(store.read(internal), C, 0);
    const leaf = store.read(leftLeaf);
    const lastOff = cellPointer(leaf, C, cellCount(leaf, C) - 1);
    const lastKey = leaf.slice(lastOff + 7, lastOff + 7 + rd16(leaf, lastOff + 1));
    // Replace separator 0 of the internal node (child leftLeaf) by that key.
    const page = store.write(internal);
    removeCells(page, C, 4096 - 32, 0, 1, false);
    const cell = new Uint8Array(lastKey.length + 6);
    const len = buildInternalCell(cell, leftLeaf, lastKey, 0, lastKey.length);
    expect(insertCell(page, C, 4096 - 32, 0, cell, 0, len, false)).toBe(true);
    expect(tree.check().map((p) => [p.kind, p.pageId])).toEqual([['separator', leftLeaf]]);
  });

  it('a child pointed at twice: page-reached-twice on that page', () => {
    const { store, tree, rootId } = buildTree();
    const internal = childAt(store.read(rootId), C, 0);
    const page = store.write(internal);
    const target = childAt(page, C, 0);
    wr32(page, cellPointer(page, C, 1), target); // child 1 := child 0
    expect(problemPages(tree, 'page-reached-twice')).toContain(target);
  });

  it('a cell pointer outside the cell area: bad-cell-pointer, and get() throws CorruptionError naming the page', () => {
    const { store, tree } = buildTree();
    const { id, firstKey } = middleLeaf(tree, store);
    const page = store.write(id);
    const n = cellCount(page, C);
    for (let i = 0; i < n; i++) wr16(page, C + 12 + 2 * i, 30); // inside the node header
    expect(problemPages(tree, 'bad-cell-pointer')).toContain(id);
    expect(corruptionPage(() => tree.get(firstKey))).toBe(id);
    expect(corruptionPage(() => tree.put(firstKey, new Uint8Array(1)))).toBe(id);
  });

  it('overlapping cells and free-space accounting', () => {
    const { store, tree } = buildTree();
    const { id } = middleLeaf(tree, store);
    const page = store.write(id);
    wr16(page, C + 14, rd16(page, C + 16)); // cells 1 and 2 share their bytes
    const found = kinds(tree);
    expect(found.has('overlapping-cells')).toBe(true);
    const second = buildTree();
    const leaf = middleLeaf(second.tree, second.store);
    wr16(second.store.write(leaf.id), C + 4, 40); // fragmented bytes that are not there
    expect(problemPages(second.tree, 'free-space-accounting')).toEqual([leaf.id]);
  });

  it('a wrong page type where a node belongs: wrong-page-type, and scans throw CorruptionError', () => {
    const { store, tree } = buildTree();
    const { id, firstKey } = middleLeaf(tree, store);
    store.write(id)[0] = PAGE_TYPE.FREELIST_TRUNK;
    expect(problemPages(tree, 'wrong-page-type')).toEqual([id]);
    expect(corruptionPage(() => tree.get(firstKey))).toBe(id);
    expect(corruptionPage(() => [...tree.range()])).toBe(id);
    expect(corruptionPage(() => tree.count())).toBe(id);
    expect(corruptionPage(() => tree.stats())).toBe(id);
  });

  it('a leaf hung one level too high: leaf-depth', () => {
    const { store, tree, rootId } = buildTree();
    const internal = childAt(store.read(rootId), C, 0);
    const leaf = childAt(store.read(internal), C, 0);
    const root = store.write(rootId);
    wr32(root, cellPointer(root, C, 0), leaf); // root's first child is now a leaf
    expect(problemPages(tree, 'leaf-depth').length).toBeGreaterThan(0);
  });

  it('a separator that disagrees with its child: separator', () => {
    const { store, tree, rootId } = buildTree();
    const internal = childAt(store.read(rootId), C, 0);
    const page = store.write(internal);
    const off = cellPointer(page, C, 3);
    page.fill(0, off + 6, off + 6 + rd16(page, off + 4)); // separator 3 → all zeros: below its child's keys
    const found = tree.check();
    expect(found.some((p) => p.kind === 'separator' || p.kind === 'key-order')).toBe(true);
    expect(found.every((p) => p.pageId !== 0)).toBe(true);
  });

  it('an overflow chain shorter than its value: overflow-chain', () => {
    const { store, tree } = buildTree();
    const [first] = pagesOf(tree, 'overflow');
    const page = store.write(first!);
    wr32(page, C + OVERFLOW_OFFSET.length, 100); // first page now claims 100 bytes only
    expect(kinds(tree).has('overflow-chain')).toBe(true);
    expect(corruptionPage(() => tree.get(key(5)))).toBeDefined();
  });

  it('an emptied non-root leaf: empty-node', () => {
    const { store, tree } = buildTree();
    const { id } = middleLeaf(tree, store);
    const page = store.write(id);
    wr16(page, C, 0);
    wr16(page, C + 2, 4096 - 32);
    wr16(page, C + 4, 0);
    expect(problemPages(tree, 'empty-node')).toEqual([id]);
  });

  it('a child pointer to a freed page: unreadable-page', () => {
    const { store, tree, rootId } = buildTree();
    const spare = store.allocate(PAGE_TYPE.BTREE_LEAF);
    store.free(spare);
    const root = store.write(rootId);
    wr32(root, cellPointer(root, C, 0), spare);
    expect(problemPages(tree, 'unreadable-page')).toEqual([spare]);
  });

  it('a cycle of child pointers is reported, not followed forever', () => {
    const { store, tree, rootId } = buildTree();
    const internal = childAt(store.read(rootId), C, 0);
    const page = store.write(internal);
    wr32(page, cellPointer(page, C, 0), rootId); // back to the root
    const found = kinds(tree);
    expect(found.has('page-reached-twice')).toBe(true);
  });

  it('visitPages still lists every readable page of a damaged tree', () => {
    const { store, tree } = buildTree();
    const before: number[] = [];
    tree.visitPages((id) => before.push(id));
    const { id } = middleLeaf(tree, store);
    store.write(id)[0] = PAGE_TYPE.FREELIST_TRUNK;
    const after: number[] = [];
    tree.visitPages((p) => after.push(p));
    expect(after.length).toBe(before.length - 1);
    expect(after).not.toContain(id);
  });
});
