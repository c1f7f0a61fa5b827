// Operations micro-benchmark on the real file system (a report, not a timed test):
//   - backup throughput versus a plain file copy (fs.copyFileSync) of the same database file
//     in the same run (target: backup ≥ 0.5 × copy);
//   - fast-verify throughput;
//   - compaction time for a ~50%-fragmented database of ~50 MB (built by inserting entries
//     into B+trees, then deleting every other one).
//
//   npx tsc -p . && node dist/bench/ops-micro.js [targetMegabytes=50] [dir=os.tmpdir()]

import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/database.js';
import { BTree, rootInSlot } from '../src/storage/btree.js';
import { KeyBuilder } from '../src/storage/keys.js';
import { ROOT_SLOT } from '../src/storage/meta.js';

const targetMegabytes = Number(process.argv[2] ?? 50);
const baseDir = process.argv[3] ?? tmpdir();
const VALUE_BYTES = 100;
const PER_TXN = 20_000;
const SLOTS = [ROOT_SLOT.FIRST_SPARE, ROOT_SLOT.FIRST_SPARE + 1];

function mbps(bytes: number, ms: number): string {
  return `${((bytes / (1024 * 1024)) / (ms / 1000)).toFixed(0)} MB/s`;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(baseDir, 'ombra-ops-bench-'));
  const path = join(dir, 'bench.db');
  try {
    const db = Database.open(path, { logLevel: 'silent', walSizeBytesMax: 256 * 1024 * 1024, checkpointIntervalMs: 0, cacheSizePages: 20_000 });
    const keys = new KeyBuilder(16);
    const value = new Uint8Array(VALUE_BYTES).fill(7);
    // ~130 bytes per entry in pages filled by sequential inserts.
    const entries = Math.round((targetMegabytes * 1024 * 1024) / 130);
    const build = await timed(() => {
      for (let start = 0; start < entries; start += PER_TXN) {
        const txn = db.pager.beginWrite();
        for (let i = start; i < Math.min(entries, start + PER_TXN); i++) {
          const slot = SLOTS[i % SLOTS.length]!;
          new BTree(txn, rootInSlot(txn, slot)).put(keys.reset().u64(i).finish(), value);
        }
        txn.commit();
      }
      for (let start = 0; start < entries; start += PER_TXN * 2) {
        const txn = db.pager.beginWrite();
        for (let i = start; i < Math.min(entries, start + PER_TXN * 2); i += 2) {
          const slot = SLOTS[i % SLOTS.length]!;
          new BTree(txn, rootInSlot(txn, slot)).delete(keys.reset().u64(i).finish());
        }
        txn.commit();
      }
    });
    await db.checkpoint('truncate');
    const fileBytes = statSync(path).size;
    console.log(`built ${entries.toLocaleString('en-US')} entries, deleted half: ${(fileBytes / 1048576).toFixed(1)} MB in ${(build.ms / 1000).toFixed(1)} s`);

    const copy = await timed(() => copyFileSync(path, join(dir, 'copy.db')));
    // A backup is durable when it returns; the fair comparison syncs the copy too.
    const copySynced = await timed(() => {
      copyFileSync(path, join(dir, 'copy2.db'));
      const fd = openSync(join(dir, 'copy2.db'), 'r+');
      fsyncSync(fd);
      closeSync(fd);
    });
    const backup = await timed(() => db.backup({ dir: join(dir, 'backup') }));
    console.log(`copyFileSync:         ${mbps(fileBytes, copy.ms)} (${copy.ms.toFixed(0)} ms)`);
    console.log(`copyFileSync + fsync: ${mbps(fileBytes, copySynced.ms)} (${copySynced.ms.toFixed(0)} ms)`);
    console.log(
      `backup (full):        ${mbps(fileBytes, backup.ms)} of database (${backup.ms.toFixed(0)} ms, ${backup.value.pagesCopied} pages copied, ` +
        `${backup.value.freePagesSkipped} free skipped, synced) = ${(copy.ms / backup.ms).toFixed(2)} x copy, ` +
        `${(copySynced.ms / backup.ms).toFixed(2)} x copy + fsync (target >= 0.5)`,
    );
    const verify = await timed(() => db.verify({ level: 'fast' }));
    console.log(`verify fast:          ${mbps(fileBytes, verify.ms)} (${verify.ms.toFixed(0)} ms, ${verify.value.counts.pagesChecked} pages, ok ${verify.value.ok})`);
    const verifyFull = await timed(() => db.verify({ level: 'full' }));
    console.log(`verify full:          ${mbps(fileBytes, verifyFull.ms)} (${verifyFull.ms.toFixed(0)} ms, ok ${verifyFull.value.ok})`);
    const analysis = await db.analyzeFragmentation();
    const compact = await timed(() => db.compact());
    const r = compact.value;
    console.log(
      `compact:              ${(compact.ms / 1000).toFixed(2)} s for ${(fileBytes / 1048576).toFixed(1)} MB at ${analysis.fragmentationPercent}% fragmentation: ` +
        `${r.pagesBefore} -> ${r.pagesAfter} pages (${(r.bytesReclaimed / 1048576).toFixed(1)} MB reclaimed, ${r.fragmentationPercentAfter}% after, writers held ${r.writersHeldMs.toFixed(0)} ms)`,
    );
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
