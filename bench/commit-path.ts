// Where a durable commit's time goes, from the disk up to the public query API, in one run
// (issue 9: commit p50 ≤ 1.3× fdatasync, group commit ≥ 5× one-sync-per-commit).
//
// Latency paths, each one durable commit per call:
//   bare       8 KiB pwrite + fdatasync, rotating over 64 pages of one file: the physical floor
//   bare32     the same with 32 KiB (the bytes of one CREATE's 4 WAL frames)
//   pager      a one-page write transaction (meta only), WriteTransaction.commit()
//   pager4     a four-page write transaction (meta + 3 pages): the page count of one CREATE
//   store      GraphWriter.createNode(['Tmp'], {name: 'x'}) in a write transaction, commit():
//              the graph store's work without the query layer (its ceiling)
//   query      db.query("CREATE (:Tmp {name: 'x'})"): autocommit, synced before it returns (Q1)
//   prepared   the same statement through db.prepare(...).run()
//   reused     db.query CREATE on a second database whose WAL was grown and then restarted
//              (checkpoint 'restart'): its commits overwrite the previous generation's frames
//   appending  db.query CREATE on a third database with WAL preallocation off (wal.ts W7):
//              every commit appends, so its sync also journals the new file size — what
//              'query' cost before preallocation
//
// Samples are taken in slices that alternate between the paths, the order rotating each round,
// so every path sees the same disk and the same neighbours on a shared machine; a figure is the
// p50 (and p99) over all samples. Beside the wall time, the process CPU time per commit
// (process.cpuUsage over each slice): it barely depends on how busy the machine is, so it shows
// what each layer adds even when the sync times are noisy.
//
// Throughput, alternating per round (medians): one db.query after another (one sync each) against
// 8 concurrent db.queryAsync loops (group commit), and the pager's own 1 vs 8 committers.
//
//   npm run build && node dist/bench/commit-path.js [--rounds 8] [--slice 50] [--group 400] [--json]
//   (TMPDIR=/dev/shm makes every sync free: the CPU-only view)
//
// A figure, not a test: nothing here asserts a time.

import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/database.js';
import { GraphWriter } from '../src/graph/writer.js';
import { COUNTER } from '../src/storage/meta.js';
import { PAGE_HEADER_BYTES, PAGE_TYPE } from '../src/storage/page.js';
import { percentile } from './social/harness.js';
import { groupCommits } from './storage-micro.js';

const CREATE_TMP = "CREATE (:Tmp {name: 'x'})";

interface Options {
  rounds: number;
  slice: number;
  group: number;
  json: boolean;
}

export interface PathFigures {
  p50_us: number;
  p99_us: number;
  /** p50 over the bare fdatasync's p50. */
  ratio: number;
  /** Process CPU time (user + system) per commit, µs. */
  cpu_us: number;
}

export interface CommitPathFigures {
  paths: Record<string, PathFigures>;
  /** WAL frames and syncs per db.query commit (counted by the pager hooks). */
  query_pages_per_commit: number;
  query_syncs_per_commit: number;
  query_single_per_s: number;
  query_async_8_per_s: number;
  query_group_speedup: number;
  query_async_8_syncs_per_commit: number;
  query_async_8_cpu_us: number;
  pager_single_per_s: number;
  pager_async_8_per_s: number;
  pager_group_speedup: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rounds: 8, slice: 50, group: 400, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') options.json = true;
    else if (arg === '--rounds' || arg === '--slice' || arg === '--group') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a positive integer, got '${argv[i]}'`);
      options[arg.slice(2) as 'rounds' | 'slice' | 'group'] = value;
    } else throw new Error(`unknown option '${arg}' (--rounds N, --slice N, --group N, --json)`);
  }
  return options;
}

/** The upper middle value (percentile at 0.5), as this bench has always reported. */
function median(values: number[]): number {
  return percentile(values, 0.5);
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * A database whose WAL already spans `bytes`: one transaction of fresh pages (freed again by a
 * second one), then a 'restart' checkpoint, so later commits overwrite the log from slot 0.
 */
async function openWithReusedWal(path: string, bytes: number): Promise<Database> {
  const db = Database.open(path, { checkpointIntervalMs: 0, logLevel: 'error', walSizeBytesMax: 4 * bytes });
  const pages = Math.ceil(bytes / db.pager.pageSizeBytes);
  const grow = db.pager.beginWrite();
  const ids = Array.from({ length: pages }, () => grow.allocate(PAGE_TYPE.OVERFLOW));
  grow.commit();
  const shrink = db.pager.beginWrite();
  for (const id of ids) shrink.free(id);
  shrink.commit();
  await db.checkpoint('restart');
  return db;
}

/** Counts what the pager reports per commit and sync (hooks passed at open). */
class CommitProbe {
  pages = 0;
  commits = 0;
  syncs = 0;
  reset(): void {
    this.pages = 0;
    this.commits = 0;
    this.syncs = 0;
  }
}

interface LatencyPath {
  name: string;
  label: string;
  run: () => void;
  samples: number[];
  cpuUs: number;
  calls: number;
}

export async function runCommitPath(argv: string[] = [], log: (line: string) => void = console.log): Promise<CommitPathFigures> {
  const options = parseOptions(argv);
  const dir = mkdtempSync(join(tmpdir(), 'ombra-bench-commit-'));
  const probe = new CommitProbe();
  const loadStart = loadavg()[0]!;
  const db = Database.open(join(dir, 'commit.db'), {
    checkpointIntervalMs: 0,
    logLevel: 'error',
    hooks: {
      onCommit: (info) => {
        probe.pages += info.pagesWritten;
        probe.commits++;
      },
      onSync: () => probe.syncs++,
    },
  });
  const bareFd = openSync(join(dir, 'bare'), 'w');
  let reusedDb: Database | null = null;
  const appendingDb = Database.open(join(dir, 'appending.db'), { checkpointIntervalMs: 0, logLevel: 'error' });
  // The step is a WAL field the pager sets from walSizeBytesMax; 0 turns preallocation off.
  (appendingDb.pager as unknown as { wal: { preallocationStepBytesMax: number } }).wal.preallocationStepBytesMax = 0;
  try {
    // Room for every commit of the run (rounds × slice statements of ~4 frames, the warm-up).
    const reusedOpen = await openWithReusedWal(join(dir, 'reused.db'), (options.rounds * options.slice + 100) * 5 * 8232);
    reusedDb = reusedOpen;
    const page8 = Buffer.alloc(8192, 7);
    const page32 = Buffer.alloc(4 * 8192, 7);
    // The bare file is written in full once, so the timed writes only overwrite (no extent or
    // size change for fdatasync to journal).
    writeSync(bareFd, Buffer.alloc(64 * page32.length), 0, 64 * page32.length, 0);
    fdatasyncSync(bareFd);
    let barePosition = 0;
    const bare = (bytes: Buffer) => () => {
      writeSync(bareFd, bytes, 0, bytes.length, (barePosition++ % 64) * bytes.length);
      fdatasyncSync(bareFd);
    };
    let counter = 0n;
    const pagerCommit = (): void => {
      const txn = db.pager.beginWrite();
      txn.setCounter(COUNTER.FIRST_SPARE, counter++);
      txn.commit();
    };
    // Three pages nothing references, rewritten by pager4: a 4-page commit without the graph.
    const setup = db.pager.beginWrite();
    const extra = [setup.allocate(PAGE_TYPE.OVERFLOW), setup.allocate(PAGE_TYPE.OVERFLOW), setup.allocate(PAGE_TYPE.OVERFLOW)];
    setup.commit();
    const pager4Commit = (): void => {
      const txn = db.pager.beginWrite();
      for (const pageId of extra) txn.write(pageId)[PAGE_HEADER_BYTES + 64] = Number(counter & 0xffn);
      txn.setCounter(COUNTER.FIRST_SPARE, counter++);
      txn.commit();
    };
    const storeCommit = (): void => {
      const txn = db.pager.beginWrite();
      new GraphWriter(txn, db.graphShared).createNode(['Tmp'], { name: 'x' });
      txn.commit();
    };
    const statement = db.prepare(CREATE_TMP);
    const paths: LatencyPath[] = [
      { name: 'bare', label: 'bare 8 KiB write+fdatasync', run: bare(page8) },
      { name: 'bare32', label: 'bare 32 KiB write+fdatasync', run: bare(page32) },
      { name: 'pager', label: 'pager commit, 1 page', run: pagerCommit },
      { name: 'pager4', label: 'pager commit, 4 pages', run: pager4Commit },
      { name: 'store', label: 'store createNode + commit', run: storeCommit },
      { name: 'query', label: 'db.query CREATE', run: () => db.query(CREATE_TMP) },
      { name: 'prepared', label: 'prepared.run() CREATE', run: () => statement.run() },
      { name: 'reused', label: 'db.query CREATE, reused WAL', run: () => reusedOpen.query(CREATE_TMP) },
      { name: 'appending', label: 'db.query CREATE, appending', run: () => appendingDb.query(CREATE_TMP) },
    ].map((p) => ({ ...p, samples: [], cpuUs: 0, calls: 0 }));

    // Warm-up: plan cache, page cache, the tree paths of :Tmp, the JIT.
    for (let i = 0; i < 20; i++) for (const path of paths) path.run();

    let queryPages = 0;
    let queryCommits = 0;
    let querySyncs = 0;
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < paths.length; k++) {
        const path = paths[(round + k) % paths.length]!;
        probe.reset();
        const cpuBefore = cpuMicros();
        for (let i = 0; i < options.slice; i++) {
          const t = performance.now();
          path.run();
          path.samples.push((performance.now() - t) * 1000);
        }
        path.cpuUs += cpuMicros() - cpuBefore;
        path.calls += options.slice;
        if (path.name === 'query') {
          queryPages += probe.pages;
          queryCommits += probe.commits;
          querySyncs += probe.syncs;
        }
      }
    }

    // Throughput: sequential (one sync per commit) vs 8 concurrent committers, alternating.
    const querySingle: number[] = [];
    const queryAsync8: number[] = [];
    const pagerSingle: number[] = [];
    const pagerAsync8: number[] = [];
    let asyncSyncs = 0;
    let asyncCommits = 0;
    let asyncCpu = 0;
    const per = Math.ceil(options.group / 8);
    const perSecond = (count: number, started: number) => count / ((performance.now() - started) / 1000);
    for (let round = 0; round < Math.max(3, Math.ceil(options.rounds / 2)); round++) {
      let started = performance.now();
      for (let i = 0; i < options.group; i++) db.query(CREATE_TMP);
      querySingle.push(perSecond(options.group, started));

      probe.reset();
      const cpuBefore = cpuMicros();
      started = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < per; i++) await db.queryAsync(CREATE_TMP);
        }),
      );
      queryAsync8.push(perSecond(per * 8, started));
      asyncCpu += cpuMicros() - cpuBefore;
      asyncSyncs += probe.syncs;
      asyncCommits += probe.commits;

      started = performance.now();
      for (let i = 0; i < options.group; i++) pagerCommit();
      pagerSingle.push(perSecond(options.group, started));

      pagerAsync8.push(await groupCommits(db, 8, per));
    }

    const bareP50 = percentile(paths[0]!.samples, 0.5);
    const figures: CommitPathFigures = {
      paths: Object.fromEntries(
        paths.map((p) => [
          p.name,
          { p50_us: Math.round(percentile(p.samples, 0.5)), p99_us: Math.round(percentile(p.samples, 0.99)), ratio: Math.round((percentile(p.samples, 0.5) / bareP50) * 100) / 100, cpu_us: Math.round(p.cpuUs / p.calls) },
        ]),
      ),
      query_pages_per_commit: queryPages / Math.max(1, queryCommits),
      query_syncs_per_commit: querySyncs / Math.max(1, queryCommits),
      query_single_per_s: Math.round(median(querySingle)),
      query_async_8_per_s: Math.round(median(queryAsync8)),
      query_group_speedup: Math.round((median(queryAsync8) / median(querySingle)) * 100) / 100,
      query_async_8_syncs_per_commit: asyncSyncs / Math.max(1, asyncCommits),
      query_async_8_cpu_us: Math.round(asyncCpu / Math.max(1, asyncCommits)),
      pager_single_per_s: Math.round(median(pagerSingle)),
      pager_async_8_per_s: Math.round(median(pagerAsync8)),
      pager_group_speedup: Math.round((median(pagerAsync8) / median(pagerSingle)) * 100) / 100,
    };
    const cell = (v: number | string, width: number) => String(v).padStart(width);
    log(`commit path · ${options.rounds} rounds × ${options.slice} per path · ${dir} · load average ${loadStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
    log(`${'path'.padEnd(30)}${cell('p50 µs', 9)}${cell('p99 µs', 9)}${cell('×bare', 8)}${cell('CPU µs', 9)}`);
    for (const p of paths) {
      const f = figures.paths[p.name]!;
      log(`${p.label.padEnd(30)}${cell(f.p50_us, 9)}${cell(f.p99_us, 9)}${cell(f.ratio.toFixed(2), 8)}${cell(f.cpu_us, 9)}`);
    }
    log(`db.query: ${figures.query_pages_per_commit.toFixed(2)} WAL frames and ${figures.query_syncs_per_commit.toFixed(2)} syncs per commit (target p50 ≤ 1.3× bare)`);
    log(`db.query one after another     ${figures.query_single_per_s} commits/s`);
    log(`db.queryAsync × 8              ${figures.query_async_8_per_s} commits/s   ${figures.query_group_speedup.toFixed(2)}× (target ≥ 5×); ${figures.query_async_8_syncs_per_commit.toFixed(3)} syncs and ${figures.query_async_8_cpu_us} CPU µs per commit`);
    log(`pager commit one after another ${figures.pager_single_per_s} commits/s; commitAsync × 8 ${figures.pager_async_8_per_s} commits/s   ${figures.pager_group_speedup.toFixed(2)}×`);
    if (options.json) log(JSON.stringify(figures));
    return figures;
  } finally {
    closeSync(bareFd);
    await reusedDb?.close();
    await appendingDb.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runCommitPath(process.argv.slice(2));
