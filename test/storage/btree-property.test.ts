// Property test: random sequences of B+tree operations against a Map model, at 4 KiB pages
// (more splits) and 8 KiB. Keys share prefixes and run 0..~300 bytes; values run up to three
// pages (overflow chains). Commits, rollbacks and reopens (new store from the committed
// snapshot, new BTree instance) are part of the sequence. After every batch: the tree equals
// the model, check() finds nothing, and tree pages + free pages = every allocated page.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { compareBytes, KeyBuilder } from '../../src/storage/keys.js';
import { MemPageStore } from '../support/mem-page-store.js';
import { SOAK, testSeed } from '../support/rng.js';

const SLOT = 16;

type Op =
  | { t: 'put'; key: number; valueLen: number; fill: number }
  | { t: 'del'; key: number }
  | { t: 'get'; key: number }
  | { t: 'scan'; from: number | null; to: number | null; fromInclusive: boolean; toInclusive: boolean; reverse: boolean; stopAfter: number }
  | { t: 'prefix'; key: number; cut: number; reverse: boolean }
  | { t: 'bulkPut'; prefix: number; start: number; count: number; step: number; valueLen: number }
  | { t: 'deleteRange'; from: number; to: number | null }
  | { t: 'commit' }
  | { t: 'rollback' }
  | { t: 'reopen' }
  | { t: 'verify' };

const PREFIXES: Uint8Array[] = [
  new Uint8Array(0),
  new TextEncoder().encode('node:'),
  new Uint8Array(40).fill(0x61),
  new Uint8Array(200).fill(0x00),
  Uint8Array.of(0xff, 0xff, 0xff),
  new Uint8Array(280).map((_, i) => i & 0xff),
];

const keyArb = fc
  .tuple(fc.nat(PREFIXES.length - 1), fc.uint8Array({ maxLength: 24, min: 0, max: 3 }), fc.uint8Array({ maxLength: 6 }))
  .map(([p, mid, tail]) => {
    const out = new Uint8Array(PREFIXES[p]!.length + mid.length + tail.length);
    out.set(PREFIXES[p]!, 0);
    out.set(mid, PREFIXES[p]!.length);
    out.set(tail, PREFIXES[p]!.length + mid.length);
    return out;
  });

function valueLenArb(pageSizeBytes: number): fc.Arbitrary<number> {
  return fc.oneof({ weight: 10, arbitrary: fc.nat(120) }, { weight: 2, arbitrary: fc.nat(pageSizeBytes) }, { weight: 1, arbitrary: fc.nat(3 * pageSizeBytes) });
}

function opArb(poolSize: number, pageSizeBytes: number): fc.Arbitrary<Op> {
  const key = fc.nat(poolSize - 1);
  const optKey = fc.option(key, { nil: null });
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ t: fc.constant('put' as const), key, valueLen: valueLenArb(pageSizeBytes), fill: fc.nat(255) }) },
    { weight: 15, arbitrary: fc.record({ t: fc.constant('del' as const), key }) },
    { weight: 10, arbitrary: fc.record({ t: fc.constant('get' as const), key }) },
    {
      weight: 6,
      arbitrary: fc.record({
        t: fc.constant('scan' as const),
        from: optKey,
        to: optKey,
        fromInclusive: fc.boolean(),
        toInclusive: fc.boolean(),
        reverse: fc.boolean(),
        stopAfter: fc.oneof(fc.constant(Infinity), fc.nat(20)),
      }),
    },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('prefix' as const), key, cut: fc.nat(300), reverse: fc.boolean() }) },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('bulkPut' as const),
        prefix: fc.nat(PREFIXES.length - 1),
        start: fc.nat(1000),
        count: fc.integer({ min: 1, max: 1200 }),
        step: fc.integer({ min: -3, max: 3 }),
        valueLen: fc.nat(60),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('deleteRange' as const), from: key, to: optKey }) },
    { weight: 2, arbitrary: fc.constant({ t: 'commit' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'rollback' as const }) },
    { weight: 2, arbitrary: fc.constant({ t: 'reopen' as const }) },
    { weight: 2, arbitrary: fc.constant({ t: 'verify' as const }) },
  );
}

function makeValue(len: number, fill: number): Uint8Array {
  const v = new Uint8Array(len);
  for (let i = 0; i < len; i++) v[i] = (i * 31 + fill) & 0xff;
  return v;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

class Model {
  map = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  clone(): Model {
    const m = new Model();
    m.map = new Map(this.map);
    return m;
  }
  sorted(): { key: Uint8Array; value: Uint8Array }[] {
    return [...this.map.values()].sort((a, b) => compareBytes(a.key, b.key));
  }
}

function expectEqualEntries(actual: { key: Uint8Array; value: Uint8Array }[], expected: { key: Uint8Array; value: Uint8Array }[], what: string): void {
  expect(actual.length, `${what}: entry count`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (compareBytes(actual[i]!.key, expected[i]!.key) !== 0) expect(hex(actual[i]!.key), `${what}: key ${i}`).toBe(hex(expected[i]!.key));
    if (compareBytes(actual[i]!.value, expected[i]!.value) !== 0) expect(hex(actual[i]!.value), `${what}: value ${i}`).toBe(hex(expected[i]!.value));
  }
}

function verifyAll(store: MemPageStore, tree: BTree, model: Model): void {
  expect(tree.check()).toEqual([]);
  const sorted = model.sorted();
  expectEqualEntries([...tree.range()], sorted, 'full scan');
  expectEqualEntries([...tree.range({ reverse: true })], sorted.slice().reverse(), 'reverse scan');
  expect(tree.count()).toBe(sorted.length);
  // No leaks: tree pages and free pages partition every allocated page.
  const visited: number[] = [];
  tree.visitPages((id) => visited.push(id));
  expect(new Set(visited).size).toBe(visited.length);
  expect(visited.sort((a, b) => a - b)).toEqual(store.usedPageIds());
  const stats = tree.stats();
  expect(stats.pages).toBe(visited.length);
  expect(stats.entries).toBe(sorted.length);
}

function inRange(key: Uint8Array, op: Extract<Op, { t: 'scan' }>, pool: Uint8Array[]): boolean {
  if (op.from !== null) {
    const c = compareBytes(key, pool[op.from]!);
    if (c < 0 || (c === 0 && !op.fromInclusive)) return false;
  }
  if (op.to !== null) {
    const c = compareBytes(key, pool[op.to]!);
    if (c > 0 || (c === 0 && !op.toInclusive)) return false;
  }
  return true;
}

function runSequence(pageSizeBytes: number, pool: Uint8Array[], ops: Op[]): void {
  let store = new MemPageStore({ pageSizeBytes });
  let tree = new BTree(store, rootInSlot(store, SLOT), { name: 'prop' });
  let model = new Model();
  let committed = model.clone();
  const kb = new KeyBuilder();
  for (const op of ops) {
    switch (op.t) {
      case 'put': {
        const value = makeValue(op.valueLen, op.fill);
        tree.put(pool[op.key]!, value);
        model.map.set(hex(pool[op.key]!), { key: pool[op.key]!, value });
        break;
      }
      case 'del':
        expect(tree.delete(pool[op.key]!)).toBe(model.map.delete(hex(pool[op.key]!)));
        break;
      case 'get': {
        const got = tree.get(pool[op.key]!);
        const want = model.map.get(hex(pool[op.key]!));
        expect(got === undefined ? undefined : hex(got)).toBe(want === undefined ? undefined : hex(want.value));
        expect(tree.has(pool[op.key]!)).toBe(want !== undefined);
        break;
      }
      case 'scan': {
        let want = model.sorted().filter((e) => inRange(e.key, op, pool));
        if (op.reverse) want.reverse();
        if (want.length > op.stopAfter) want = want.slice(0, op.stopAfter);
        const got: { key: Uint8Array; value: Uint8Array }[] = [];
        for (const entry of tree.range({
          from: op.from === null ? undefined : pool[op.from],
          to: op.to === null ? undefined : pool[op.to],
          fromInclusive: op.fromInclusive,
          toInclusive: op.toInclusive,
          reverse: op.reverse,
        })) {
          if (got.length >= op.stopAfter) break;
          got.push(entry);
        }
        expectEqualEntries(got, want, `scan ${JSON.stringify(op)}`);
        break;
      }
      case 'prefix': {
        const prefix = pool[op.key]!.slice(0, op.cut);
        const want = model.sorted().filter((e) => compareBytes(e.key.subarray(0, prefix.length), prefix) === 0);
        if (op.reverse) want.reverse();
        expectEqualEntries([...tree.prefix(prefix, { reverse: op.reverse })], want, 'prefix scan');
        break;
      }
      case 'bulkPut': {
        for (let i = 0; i < op.count; i++) {
          const n = op.start + (op.step === 0 ? i : op.step * i + 4000);
          const key = kb.reset().raw(PREFIXES[op.prefix]!).u32(n >>> 0).finish();
          const value = makeValue(op.valueLen, n);
          tree.put(key, value);
          model.map.set(hex(key), { key, value });
        }
        break;
      }
      case 'deleteRange': {
        const from = pool[op.from]!;
        const to = op.to === null ? undefined : pool[op.to]!;
        let expected = 0;
        for (const [h, e] of model.map) {
          if (compareBytes(e.key, from) >= 0 && (to === undefined || compareBytes(e.key, to) < 0)) {
            model.map.delete(h);
            expected++;
          }
        }
        expect(tree.deleteRange(from, to)).toBe(expected);
        break;
      }
      case 'commit':
        store.commit();
        committed = model.clone();
        break;
      case 'rollback':
        store.rollback();
        model = committed.clone();
        tree = new BTree(store, rootInSlot(store, SLOT), { name: 'prop' });
        verifyAll(store, tree, model);
        break;
      case 'reopen':
        store.commit();
        committed = model.clone();
        store = MemPageStore.open(store.snapshot());
        tree = new BTree(store, rootInSlot(store, SLOT), { name: 'prop' });
        verifyAll(store, tree, model);
        break;
      case 'verify':
        verifyAll(store, tree, model);
        break;
    }
  }
  verifyAll(store, tree, model);
  // And the last committed state still reads back after a reopen.
  const reopened = MemPageStore.open(store.snapshot());
  verifyAll(reopened, new BTree(reopened, rootInSlot(reopened, SLOT)), committed);
}

const RUNS = SOAK ? 1000 : 100;

describe.each([4096, 8192])('BTree against a Map model at page size %i', (pageSizeBytes) => {
  it('matches the model after random operation sequences', () => {
    const seed = testSeed();
    const property = fc.property(
      fc.array(keyArb, { minLength: 1, maxLength: 80 }),
      fc.integer({ min: 1, max: 1_000_000 }),
      (pool, opsSeed) => {
        const ops = fc.sample(fc.array(opArb(pool.length, pageSizeBytes), { minLength: 20, maxLength: 160 }), { seed: opsSeed, numRuns: 1 })[0]!;
        runSequence(pageSizeBytes, pool, ops);
      },
    );
    fc.assert(property, { seed, numRuns: RUNS, endOnFailure: !SOAK });
  });
});
