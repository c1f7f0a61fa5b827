// Micro-benchmark of the query path (prepared, plan-cached statements through the Database
// API) on the social-50k workload of BENCHMARKS.md, loaded through the graph API directly on
// a real file in os.tmpdir().
//
//   npx tsc -p . && node dist/bench/query-micro.js [--persons N] [--degree D] [--cache PAGES] [--rounds R]
//
// Figures (each the best of R rounds after a warm-up round):
//   point_lookup_per_s   MATCH (p:Person {id: $id}) RETURN p.name
//   hop1_count_per_s     MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN count(f)
//   hop2_distinct_per_s  MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)
//   scan_avg_ms          MATCH (p:Person) RETURN avg(p.age)
// plus the same lookups on the raw graph store (no query layer) for the overhead ratio.
// Prints one line per figure and a JSON summary line at the end.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/database.js';
import { GraphReader } from '../src/graph/reader.js';
import { GraphWriter } from '../src/graph/writer.js';
import { socialWorkload } from './social/workload.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg('persons', 50_000);
const DEGREE = arg('degree', 10);
const CACHE_PAGES = arg('cache', 20_000);
const ROUNDS = arg('rounds', 3);
const BATCH = 10_000;

// The graph every engine of bench/social gets (mulberry32, seed 42, BENCHMARKS.md's draw order).
const { persons, edges, lookups } = socialWorkload({ persons: N, degree: DEGREE, lookups: 20_000 });

const dir = mkdtempSync(join(tmpdir(), 'ombra-query-micro-'));
const db = Database.open(join(dir, 'social.ombra'), { cacheSizePages: CACHE_PAGES, logDestination: 'none' });
const results: Record<string, number> = {};

function report(name: string, value: number, unit: string): void {
  results[name] = Math.round(value * 10) / 10;
  console.log(`${name.padEnd(34)} ${value.toFixed(unit === 'ms' ? 2 : 0).padStart(12)} ${unit}`);
}

function time(body: () => void): number {
  const t = performance.now();
  body();
  return performance.now() - t;
}

// ── load through the graph API ───────────────────────────────────────────────
{
  const txn = db.pager.beginWrite();
  new GraphWriter(txn, db.graphShared).createIndex({ label: 'Person', key: 'id', unique: true });
  txn.commit();
}
const nodeIds = new Array<number>(N);
const loadMs = time(() => {
  for (let i = 0; i < N; i += BATCH) {
    const txn = db.pager.beginWrite();
    const g = new GraphWriter(txn, db.graphShared);
    for (const p of persons.slice(i, i + BATCH)) nodeIds[p.id] = g.createNode(['Person'], { id: BigInt(p.id), name: p.name, age: BigInt(p.age) });
    txn.commit();
  }
  for (let i = 0; i < edges.length; i += BATCH) {
    const txn = db.pager.beginWrite();
    const g = new GraphWriter(txn, db.graphShared);
    for (const [a, b] of edges.slice(i, i + BATCH)) g.createRelationship(nodeIds[a]!, 'KNOWS', nodeIds[b]!);
    txn.commit();
  }
});
console.log(`loaded ${N} persons and ${edges.length} relationships in ${(loadMs / 1000).toFixed(1)} s`);
// As auto-checkpointing would have: reads then find their pages in the database file, not the WAL.
await db.checkpoint('truncate');

// ── queries through prepared, plan-cached statements ─────────────────────────
const point = db.prepare('MATCH (p:Person {id: $id}) RETURN p.name');
const hop1 = db.prepare('MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN count(f)');
const hop2 = db.prepare('MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)');
const scan = db.prepare('MATCH (p:Person) RETURN avg(p.age)');

for (const [name, stmt] of [['point', point], ['hop1', hop1], ['hop2', hop2], ['scan', scan]] as const) {
  console.log(`plan ${name}: ${JSON.stringify(stmt.explain(), (k, v) => (k === 'children' && v.length === 0 ? undefined : v))}`);
}

const best = { point: Infinity, hop1: Infinity, hop2: Infinity, scan: Infinity, rawPoint: Infinity, rawHop2: Infinity };
const hop1Ids = lookups.slice(0, 10_000);
const hop2Ids = lookups.slice(0, 2_000);
let sink = 0;
for (let round = 0; round <= ROUNDS; round++) {
  const pointMs = time(() => {
    for (const id of lookups) sink += (point.run({ id }).rows[0]![0] as string).length;
  });
  const hop1Ms = time(() => {
    for (const id of hop1Ids) sink += Number(hop1.run({ id }).rows[0]![0] as bigint);
  });
  const hop2Ms = time(() => {
    for (const id of hop2Ids) sink += Number(hop2.run({ id }).rows[0]![0] as bigint);
  });
  const scanMs = time(() => {
    sink += scan.run().rows[0]![0] as number;
  });
  // The same work on the graph store alone (one snapshot for the batch, as autocommit reads
  // share one while nothing commits), for the query layer's overhead.
  const txn = db.pager.beginRead();
  const g = new GraphReader(txn, db.graphShared);
  const rawPointMs = time(() => {
    for (const id of lookups) {
      for (const n of g.nodeIdsByProperty('Person', 'id', BigInt(id))) sink += (g.nodeProperty(n, 'name') as string).length;
    }
  });
  const KNOWS = ['KNOWS'];
  const rawHop2Ms = time(() => {
    for (const id of hop2Ids) {
      const seen = new Set<number>();
      for (const p of g.nodeIdsByProperty('Person', 'id', BigInt(id))) {
        for (const a of g.expand(p, 'out', KNOWS)) for (const b of g.expand(a.otherNodeId, 'out', KNOWS)) seen.add(b.otherNodeId);
      }
      sink += seen.size;
    }
  });
  txn.end();
  if (round === 0) continue; // warm-up
  best.point = Math.min(best.point, pointMs);
  best.hop1 = Math.min(best.hop1, hop1Ms);
  best.hop2 = Math.min(best.hop2, hop2Ms);
  best.scan = Math.min(best.scan, scanMs);
  best.rawPoint = Math.min(best.rawPoint, rawPointMs);
  best.rawHop2 = Math.min(best.rawHop2, rawHop2Ms);
}
report('point_lookup_per_s', lookups.length / (best.point / 1000), '/s');
report('hop1_count_per_s', hop1Ids.length / (best.hop1 / 1000), '/s');
report('hop2_distinct_per_s', hop2Ids.length / (best.hop2 / 1000), '/s');
report('scan_avg_ms', best.scan, 'ms');
report('store_point_lookup_per_s', lookups.length / (best.rawPoint / 1000), '/s');
report('store_hop2_distinct_per_s', hop2Ids.length / (best.rawHop2 / 1000), '/s');
console.log(`(checksum ${sink}; plan cache ${db.queryEngine.cacheHits} hits, ${db.queryEngine.cacheMisses} misses)`);
console.log(JSON.stringify({ engine: 'ombra-query', persons: N, relationships: edges.length, ...results }));
await db.close();
rmSync(dir, { recursive: true, force: true });
