// Storage micro-benchmarks (npm run bench runs this among others):
//   - durable commit latency (one small transaction per commit) against a bare 8 KiB
//     pwrite + fdatasync measured in the same run on the same disk;
//   - group commit: 8 concurrent committers versus one fdatasync per commit.
// Figures, not assertions: tests never time anything.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/database.js';
import { COUNTER } from '../src/storage/meta.js';

export interface StorageFigures {
  fdatasync_p50_us: number;
  fdatasync_p99_us: number;
  durable_commit_p50_us: number;
  durable_commit_p99_us: number;
  commit_to_fdatasync_p50_ratio: number;
  single_sync_commits_per_s: number;
  group_commit_8_per_s: number;
  group_commit_speedup: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function bareFdatasync(dir: string, n: number): number[] {
  const fd = openSync(join(dir, 'bare'), 'w');
  const page = Buffer.alloc(8192, 7);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    writeSync(fd, page, 0, page.length, (i % 64) * 8192);
    fdatasyncSync(fd);
    times.push((performance.now() - t) * 1000);
  }
  closeSync(fd);
  return times.sort((a, b) => a - b);
}

function durableCommits(db: Database, n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const txn = db.pager.beginWrite();
    txn.setCounter(COUNTER.FIRST_SPARE, BigInt(i));
    txn.commit();
    times.push((performance.now() - t) * 1000);
  }
  return times.sort((a, b) => a - b);
}

export async function groupCommits(db: Database, committers: number, perCommitter: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: committers }, async (_, c) => {
      for (let i = 0; i < perCommitter; i++) {
        const txn = db.pager.beginWrite();
        txn.setCounter(COUNTER.FIRST_SPARE + 1 + c, BigInt(i));
        await txn.commitAsync();
      }
    }),
  );
  return (committers * perCommitter) / ((performance.now() - started) / 1000);
}

export async function runStorageMicro(log: (line: string) => void = console.log): Promise<StorageFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ombra-bench-storage-'));
  try {
    const n = 1000;
    // Interleave the two measurements so both see the same disk conditions.
    const db = Database.open(join(dir, 'bench.db'), { checkpointIntervalMs: 0 });
    const bare: number[] = [];
    const commits: number[] = [];
    for (let round = 0; round < 4; round++) {
      bare.push(...bareFdatasync(dir, n / 4));
      commits.push(...durableCommits(db, n / 4));
    }
    bare.sort((a, b) => a - b);
    commits.sort((a, b) => a - b);
    const started = performance.now();
    durableCommits(db, 500);
    const singleSyncPerSecond = 500 / ((performance.now() - started) / 1000);
    const groupPerSecond = await groupCommits(db, 8, 250);
    await db.close();
    const figures: StorageFigures = {
      fdatasync_p50_us: percentile(bare, 50),
      fdatasync_p99_us: percentile(bare, 99),
      durable_commit_p50_us: percentile(commits, 50),
      durable_commit_p99_us: percentile(commits, 99),
      commit_to_fdatasync_p50_ratio: percentile(commits, 50) / percentile(bare, 50),
      single_sync_commits_per_s: singleSyncPerSecond,
      group_commit_8_per_s: groupPerSecond,
      group_commit_speedup: groupPerSecond / singleSyncPerSecond,
    };
    log(`bare 8 KiB write+fdatasync   p50 ${figures.fdatasync_p50_us.toFixed(0)} µs   p99 ${figures.fdatasync_p99_us.toFixed(0)} µs`);
    log(`durable commit               p50 ${figures.durable_commit_p50_us.toFixed(0)} µs   p99 ${figures.durable_commit_p99_us.toFixed(0)} µs   (p50 ${figures.commit_to_fdatasync_p50_ratio.toFixed(2)}× fdatasync; target ≤ 1.3×)`);
    log(`one sync per commit          ${figures.single_sync_commits_per_s.toFixed(0)} commits/s`);
    log(`group commit, 8 committers   ${figures.group_commit_8_per_s.toFixed(0)} commits/s   (${figures.group_commit_speedup.toFixed(1)}×; target ≥ 5×)`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStorageMicro();
