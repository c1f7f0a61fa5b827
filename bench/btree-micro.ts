// B+tree micro-benchmark on an in-memory page store (no pager, no I/O): the ceiling the
// storage layer can reach for cached pages. Target: ≥ 1,000,000 point gets per second at
// 1M keys (8-byte keys, short values).
//
//   npx tsc -p . && node dist/bench/btree-micro.js [keys=1000000] [pageSizeBytes=8192]

import { BTree, rootInMemory } from '../src/storage/btree.js';
import { KeyBuilder } from '../src/storage/keys.js';
import { MemPageStore } from '../test/support/mem-page-store.js';
import { mulberry32 } from '../test/support/rng.js';

const keyCount = Number(process.argv[2] ?? 1_000_000);
const pageSizeBytes = Number(process.argv[3] ?? 8192);

function keysOf(ids: Float64Array): Uint8Array[] {
  const b = new KeyBuilder(16);
  return Array.from(ids, (id) => b.reset().u64(id).finish());
}

function shuffled(count: number, seed: number): Float64Array {
  const ids = new Float64Array(count);
  for (let i = 0; i < count; i++) ids[i] = i;
  const rnd = mulberry32(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
  }
  return ids;
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function newTree(): { store: MemPageStore; tree: BTree } {
  const store = new MemPageStore({ pageSizeBytes });
  return { store, tree: new BTree(store, rootInMemory(), { name: 'bench' }) };
}

const value = new Uint8Array(8).fill(0xab);
const sequentialKeys = keysOf(Float64Array.from({ length: keyCount }, (_, i) => i));
const randomOrder = keysOf(shuffled(keyCount, 42));

console.log(`btree-micro: ${keyCount.toLocaleString('en-US')} keys of 8 bytes, 8-byte values, page size ${pageSizeBytes}`);

// Sequential inserts.
const seq = newTree();
const seqMs = timed(() => {
  for (const key of sequentialKeys) seq.tree.put(key, value);
});
const seqStats = seq.tree.stats();
console.log(
  `insert sequential  ${rate(keyCount, seqMs)}  (${seqStats.pages} pages, depth ${seqStats.depth}, fill ${((100 * seqStats.usedBytes) / (seqStats.pages * seq.store.usableBytes)).toFixed(1)}%)`,
);

// Random inserts.
const rnd = newTree();
const rndMs = timed(() => {
  for (const key of randomOrder) rnd.tree.put(key, value);
});
const rndStats = rnd.tree.stats();
console.log(
  `insert random      ${rate(keyCount, rndMs)}  (${rndStats.pages} pages, depth ${rndStats.depth}, fill ${((100 * rndStats.usedBytes) / (rndStats.pages * rnd.store.usableBytes)).toFixed(1)}%)`,
);

// Point gets in random order, after a commit (pages are shared, not copied). Best of 3.
seq.store.commit();
let best = Infinity;
let found = 0;
for (let round = 0; round < 3; round++) {
  found = 0;
  best = Math.min(
    best,
    timed(() => {
      for (const key of randomOrder) if (seq.tree.get(key) !== undefined) found++;
    }),
  );
}
if (found !== keyCount) throw new Error(`get found ${found} of ${keyCount} keys`);
console.log(`get random         ${rate(keyCount, best)}`);

best = Infinity;
for (let round = 0; round < 3; round++) {
  found = 0;
  best = Math.min(
    best,
    timed(() => {
      for (const key of randomOrder) if (seq.tree.has(key)) found++;
    }),
  );
}
console.log(`has random         ${rate(keyCount, best)}`);

// Cursor scans.
let rows = 0;
const cursorMs = timed(() => {
  const cur = seq.tree.cursor();
  for (let ok = cur.seekFirst(); ok; ok = cur.next()) rows++;
});
if (rows !== keyCount) throw new Error(`cursor saw ${rows} of ${keyCount} rows`);
console.log(`cursor next        ${rate(rows, cursorMs)} rows`);

rows = 0;
let bytes = 0;
const rangeMs = timed(() => {
  for (const entry of seq.tree.range()) {
    rows++;
    bytes += entry.key.length + entry.value.length;
  }
});
console.log(`range() key+value  ${rate(rows, rangeMs)} rows (${bytes} bytes copied)`);

// Deletes in random order down to empty.
const delMs = timed(() => {
  for (const key of randomOrder) seq.tree.delete(key);
});
console.log(`delete random      ${rate(keyCount, delMs)}  (pages left: ${seq.store.usedPageIds().length})`);
