// Storage hot paths through the pager on a real file (npm run bench runs this with
// storage-micro.ts's commit and group-commit figures):
//   cache_hit_reads_per_s     txn.read() of pages resident in the page cache (the hit path)
//   cache_miss_reads_per_s    txn.read() with a 16-page cache (each read a miss served by the
//                             OS page cache: pread + checksum + install)
//   btree_insert_per_s        random 8-byte keys into a B+tree in write transactions of 10,000
//                             (the commit of each transaction included)
//   btree_get_per_s           random point gets on the committed tree, all pages cached
// Each figure is the median of 3 rounds. Figures, not assertions: tests never time anything.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/database.js';
import { BTree, rootInMemory } from '../src/storage/btree.js';
import { KeyBuilder } from '../src/storage/keys.js';
import { median } from './social/harness.js';
import { mulberry32 } from './social/workload.js';

export interface StoragePathFigures {
  cache_hit_reads_per_s: number;
  cache_miss_reads_per_s: number;
  btree_insert_per_s: number;
  btree_get_per_s: number;
  btree_pages: number;
}

function shuffledKeys(count: number, seed: number): Uint8Array[] {
  const ids = Array.from({ length: count }, (_, i) => i);
  const r = mulberry32(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const b = new KeyBuilder(16);
  return ids.map((id) => b.reset().u64(id).finish());
}

export async function runStoragePaths(log: (line: string) => void = console.log, keyCount = 200_000): Promise<StoragePathFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ombra-bench-paths-'));
  const db = Database.open(join(dir, 'paths.db'), { cacheSizePages: 20_000, checkpointIntervalMs: 0, logDestination: 'none' });
  try {
    const keys = shuffledKeys(keyCount, 42);
    const value = new Uint8Array(8).fill(0xab);
    const root = rootInMemory();
    const insertRates: number[] = [];
    // Three rounds over thirds of the keys: each round inserts into a bigger tree.
    const third = Math.ceil(keyCount / 3);
    for (let round = 0; round < 3; round++) {
      const slice = keys.slice(round * third, (round + 1) * third);
      const started = performance.now();
      for (let i = 0; i < slice.length; i += 10_000) {
        const txn = db.pager.beginWrite();
        const tree = new BTree(txn, root, { name: 'bench' });
        for (const key of slice.slice(i, i + 10_000)) tree.put(key, value);
        txn.commit();
      }
      insertRates.push(slice.length / ((performance.now() - started) / 1000));
    }

    const read = db.pager.beginRead();
    const tree = new BTree(read, root, { name: 'bench' });
    const pages: number[] = [];
    tree.visitPages((id) => pages.push(id));
    const getRates: number[] = [];
    for (let round = 0; round <= 3; round++) {
      let found = 0;
      const started = performance.now();
      for (const key of keys) if (tree.get(key) !== undefined) found++;
      if (found !== keyCount) throw new Error(`btree get found ${found} of ${keyCount} keys`);
      if (round > 0) getRates.push(keyCount / ((performance.now() - started) / 1000));
    }

    const hitRates: number[] = [];
    const reads = 1_000_000;
    let sink = 0;
    for (let round = 0; round <= 3; round++) {
      const started = performance.now();
      for (let i = 0; i < reads; i++) sink += read.read(pages[i % pages.length]!)[0]!;
      if (round > 0) hitRates.push(reads / ((performance.now() - started) / 1000));
    }
    read.end();

    // Misses: a 16-page cache, pages read in a scattered order.
    db.configure({ cacheSizePages: 16 });
    const missRates: number[] = [];
    const misses = 50_000;
    for (let round = 0; round < 3; round++) {
      const txn = db.pager.beginRead();
      const started = performance.now();
      for (let i = 0; i < misses; i++) sink += txn.read(pages[(i * 7919) % pages.length]!)[0]!;
      missRates.push(misses / ((performance.now() - started) / 1000));
      txn.end();
    }
    if (sink < 0) log('unreachable');

    const figures: StoragePathFigures = {
      cache_hit_reads_per_s: Math.round(median(hitRates)),
      cache_miss_reads_per_s: Math.round(median(missRates)),
      btree_insert_per_s: Math.round(median(insertRates)),
      btree_get_per_s: Math.round(median(getRates)),
      btree_pages: pages.length,
    };
    log(`page cache hit                ${figures.cache_hit_reads_per_s.toLocaleString('en-US')} reads/s`);
    log(`page cache miss (OS cached)   ${figures.cache_miss_reads_per_s.toLocaleString('en-US')} reads/s`);
    log(`B+tree insert (random keys)   ${figures.btree_insert_per_s.toLocaleString('en-US')} /s   (${keyCount.toLocaleString('en-US')} keys, transactions of 10,000, commits included)`);
    log(`B+tree get (random, cached)   ${figures.btree_get_per_s.toLocaleString('en-US')} /s   (${figures.btree_pages} pages)`);
    return figures;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
