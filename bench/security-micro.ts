// Cost of encryption at rest (AES-256-GCM per page, src/security/encryption.ts) on the
// social-50k workload and figures of BENCHMARKS.md: the same Cypher load (UNWIND batches of
// 10,000 in explicit transactions) and the same prepared read statements, on a plain and on an
// encrypted database file. Targets: reads ≤ 25% slower, loads ≤ 40% slower.
//
//   npx tsc -p . && node dist/bench/security-micro.js [--persons N] [--degree D] [--rounds R] [--cold-cache PAGES]
//
// Each (variant, round) runs in its own child process, variants alternating, so neither
// inherits the other's JIT state or garbage, and a busy machine hurts both alike. Times are the
// process's CPU time (user + system, all threads, so GC and the work of node:crypto count);
// each figure is the best round of each variant.
//   load_nodes_per_s, load_edges_per_s   Cypher load; every dirty page is encrypted once at
//                                        its commit (WAL frame); the closing checkpoint copies
//                                        stored images without re-encrypting
//   point_lookup_per_s, hop1_count_per_s, hop2_distinct_per_s, scan_avg_ms
//                                        the headline figures, default page cache (5,000 pages):
//                                        after the load the working set is cached in plain
//                                        form, so reads pay for decryption only on misses
//   *_cold                               point and 1-hop lookups after reopening with a
//                                        --cold-cache page budget (default 256), so most page
//                                        reads miss and decrypt: the worst case, reported
//                                        beside the targets, not against them
// Prints one line per figure with the overhead, then a JSON summary line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database, type OpenOptions } from '../src/database.js';
import { batches, SOCIAL_50K, SOCIAL_QUERIES, socialWorkload, type SocialWorkload } from './social/workload.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const PERSONS = arg('persons', SOCIAL_50K.persons);
const DEGREE = arg('degree', SOCIAL_50K.degree);
const ROUNDS = arg('rounds', 3);
const COLD_CACHE_PAGES = arg('cold-cache', 256);
const KEY = 'c0ffee'.repeat(10) + 'c0ff';
const SAMPLE = { point: 20_000, hop1: 10_000, hop2: 1_000, scan: 5 };

type Variant = 'plain' | 'encrypted';
type Figures = Record<string, number>;

/** Rate per second of `count` operations taking `ms`. */
function rate(count: number, ms: number): number {
  return count / (ms / 1000);
}

/** CPU milliseconds (user + system, every thread of the process) `body` takes: on a busy machine wall time mostly measures the wait for a core. */
function timed(body: () => void): number {
  const started = process.cpuUsage();
  body();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function open(path: string, variant: Variant, extra: OpenOptions = {}): Database {
  return Database.open(path, { logDestination: 'none', checkpointIntervalMs: 0, ...(variant === 'encrypted' ? { encryptionKey: KEY } : {}), ...extra });
}

function reads(db: Database, w: SocialWorkload, figures: Figures, suffix: string, which: readonly ('point' | 'hop1' | 'hop2' | 'scan')[]): number {
  const point = db.prepare(SOCIAL_QUERIES.point);
  const hop1 = db.prepare(SOCIAL_QUERIES.hop1);
  const hop2 = db.prepare(SOCIAL_QUERIES.hop2);
  const scan = db.prepare(SOCIAL_QUERIES.scan);
  let sink = 0;
  const ids = (count: number) => w.lookups.slice(0, count);
  // Warm-up: JIT, plans, and (for the default cache) the page cache.
  for (const id of ids(2000)) sink += (point.run({ id }).rows[0]![0] as string).length + Number(hop1.run({ id }).rows[0]![0]);
  if (which.includes('point')) {
    const ms = timed(() => {
      for (const id of ids(SAMPLE.point)) sink += (point.run({ id }).rows[0]![0] as string).length;
    });
    figures[`point_lookup${suffix}_per_s`] = rate(SAMPLE.point, ms);
  }
  if (which.includes('hop1')) {
    const ms = timed(() => {
      for (const id of ids(SAMPLE.hop1)) sink += Number(hop1.run({ id }).rows[0]![0]);
    });
    figures[`hop1_count${suffix}_per_s`] = rate(SAMPLE.hop1, ms);
  }
  if (which.includes('hop2')) {
    const ms = timed(() => {
      for (const id of ids(SAMPLE.hop2)) sink += Number(hop2.run({ id }).rows[0]![0]);
    });
    figures[`hop2_distinct${suffix}_per_s`] = rate(SAMPLE.hop2, ms);
  }
  if (which.includes('scan')) {
    let best = Infinity;
    for (let i = 0; i < SAMPLE.scan; i++) best = Math.min(best, timed(() => (sink += scan.run().rows[0]![0] as number)));
    figures.scan_avg_ms = best;
  }
  return sink;
}

/** One variant in this process: load, headline reads, then cold reads after a reopen. */
async function child(variant: Variant): Promise<void> {
  const w = socialWorkload({ persons: PERSONS, degree: DEGREE, lookups: SOCIAL_50K.lookups });
  const dir = mkdtempSync(join(tmpdir(), 'ombra-security-micro-'));
  const figures: Figures = {};
  let sink = 0;
  try {
    const path = join(dir, `${variant}.ombra`);
    const db = open(path, variant);
    db.query('CREATE CONSTRAINT FOR (p:Person) REQUIRE p.id IS UNIQUE');
    const nodesMs = timed(() => {
      for (const rows of batches(w.persons)) {
        const tx = db.begin();
        tx.query('UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name, age: r.age})', { rows });
        tx.commit();
      }
    });
    figures.load_nodes_per_s = rate(w.persons.length, nodesMs);
    const edgesMs = timed(() => {
      for (const rows of batches(w.edges)) {
        const tx = db.begin();
        tx.query('UNWIND $rows AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) CREATE (a)-[:KNOWS]->(b)', { rows });
        tx.commit();
      }
    });
    figures.load_edges_per_s = rate(w.edges.length, edgesMs);
    await db.checkpoint('truncate');
    const before = db.pager.stats().cache;
    sink += reads(db, w, figures, '', ['point', 'hop1', 'hop2', 'scan']);
    const after = db.pager.stats().cache;
    figures.cache_miss_percent = (100 * (after.misses - before.misses)) / Math.max(1, after.hits - before.hits + after.misses - before.misses);
    await db.close();
    const cold = open(path, variant, { cacheSizePages: COLD_CACHE_PAGES, readOnly: true });
    sink += reads(cold, w, figures, '_cold', ['point', 'hop1']);
    const stats = cold.pager.stats().cache;
    figures.cold_cache_miss_percent = (100 * stats.misses) / Math.max(1, stats.hits + stats.misses);
    await cold.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ variant, figures, sink })}\n`);
}

/** Higher is better for rates, lower for times. */
function better(name: string, a: number, b: number): boolean {
  return name.endsWith('_ms') || name.endsWith('_percent') ? a < b : a > b;
}

function parent(): void {
  const script = fileURLToPath(import.meta.url);
  const best: Record<Variant, Figures> = { plain: {}, encrypted: {} };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Variant[] = round % 2 === 0 ? ['plain', 'encrypted'] : ['encrypted', 'plain'];
    for (const variant of order) {
      const run = spawnSync(process.execPath, [script, '--child', variant, ...process.argv.slice(2)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (run.status !== 0) throw new Error(`the ${variant} run failed (exit ${run.status}): ${run.stderr}`);
      const { figures } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { figures: Figures };
      for (const [name, value] of Object.entries(figures)) {
        const held = best[variant][name];
        if (held === undefined || better(name, value, held)) best[variant][name] = value;
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} ${variant} done\n`);
    }
  }
  const targets: Record<string, number | null> = {
    load_nodes_per_s: 40,
    load_edges_per_s: 40,
    point_lookup_per_s: 25,
    hop1_count_per_s: 25,
    hop2_distinct_per_s: 25,
    scan_avg_ms: 25,
    point_lookup_cold_per_s: null,
    hop1_count_cold_per_s: null,
  };
  const summary: Record<string, number> = { persons: PERSONS, relationships: PERSONS * DEGREE, rounds: ROUNDS, cold_cache_pages: COLD_CACHE_PAGES };
  for (const [name, target] of Object.entries(targets)) {
    const plain = best.plain[name]!;
    const encrypted = best.encrypted[name]!;
    const slower = name.endsWith('_ms') ? (encrypted / plain - 1) * 100 : (plain / encrypted - 1) * 100;
    summary[`plain_${name}`] = Math.round(plain * 10) / 10;
    summary[`encrypted_${name}`] = Math.round(encrypted * 10) / 10;
    summary[`${name}_slower_percent`] = Math.round(slower * 10) / 10;
    const verdict = target === null ? '(worst case, no target)' : slower <= target ? `(within the ${target}% target)` : `(OVER the ${target}% target)`;
    const unit = name.endsWith('_ms') ? ' ms' : '/s';
    console.log(`${name.padEnd(24)} plain ${plain.toFixed(name.endsWith('_ms') ? 2 : 0).padStart(9)}${unit}  encrypted ${encrypted.toFixed(name.endsWith('_ms') ? 2 : 0).padStart(9)}${unit}  ${slower.toFixed(1).padStart(6)}% slower ${verdict}`);
  }
  summary.cache_miss_percent = Math.round(best.encrypted.cache_miss_percent! * 10) / 10;
  summary.cold_cache_miss_percent = Math.round(best.encrypted.cold_cache_miss_percent! * 10) / 10;
  console.log(`(page reads that missed the cache and decrypted: ${summary.cache_miss_percent}% in the headline reads, ${summary.cold_cache_miss_percent}% with the ${COLD_CACHE_PAGES}-page cache)`);
  console.log(JSON.stringify({ bench: 'security-micro', ...summary }));
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(process.argv[childAt + 1] as Variant);
else parent();
