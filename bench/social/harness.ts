// Runs the social workload on several engines in one process, interleaved so that every engine
// sees the same machine conditions (the machine is shared: other processes come and go):
//
//  (H1) Load: each engine's load is a list of steps (one transaction of 10,000 rows, or one bulk
//       COPY); step i of every engine runs before step i+1 of any, and each step is timed on
//       its own. A rate is rows / the sum of that engine's step times.
//  (H2) Reads: a warm-up round (a tenth of each sample), then `rounds` rounds; in each round
//       every figure runs on every engine before the next figure starts, each engine's ids cut
//       into 10 slices that alternate between the engines (slice c of each before slice c+1 of
//       any), and the engine order rotates. A round's rate is ids / the sum of the engine's
//       slice times; a figure is the median of its rounds.
//  (H3) Durable commits: `commits` single-node CREATEs per engine, in `rounds` slices that
//       alternate between the engines and a bare 8 KiB write + fdatasync on the same disk
//       (the physical floor); p50/p99 over all samples.
//  (H4) Answers are checked before anything is timed: every engine's answers for a sample of
//       ids (plus ids no person has) and its avg(age) against the in-JS model, under the
//       engine's own 2-hop semantics (engine.ts hop2Semantics). A difference is reported, never
//       hidden; the figures are still produced.

import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { nowUs, type LoadStep, type PersonAnswers, type SocialEngine } from './engine.js';
import { ModelEngine } from './model.js';
import type { SocialWorkload } from './workload.js';

export interface SocialFigures {
  load_nodes_per_s: number;
  load_edges_per_s: number;
  point_lookup_per_s: number;
  hop1_count_per_s: number;
  hop2_distinct_per_s: number;
  scan_avg_ms: number;
  durable_commit_p50_us: number;
  durable_commit_p99_us: number;
}

export interface HarnessOptions {
  /** Timed read rounds after the warm-up (H2). */
  rounds: number;
  /** Durable commits per engine (H3). */
  commits: number;
  /** Scans per engine per round. */
  scansPerRound: number;
  /** Ids whose answers are checked (H4). */
  checkIds: number;
  /** Directory for the bare fdatasync file. */
  dir: string;
  log: (line: string) => void;
  /** Called once per engine after its load, untimed (ombra checkpoints its WAL, as auto-checkpoint would). */
  afterLoad?: (engine: SocialEngine) => Promise<void>;
}

export interface AnswerMismatch {
  engine: string;
  id: number | 'scan';
  expected: PersonAnswers | number;
  got: PersonAnswers | number;
}

export interface SocialRun {
  figures: Map<string, SocialFigures>;
  fdatasync_p50_us: number;
  fdatasync_p99_us: number;
  mismatches: AnswerMismatch[];
  /** Kùzu's COPY times of the load (the suite repeats the COPY between imports and takes the median). */
  kuzuCopy?: { nodesMs: number; edgesMs: number };
  /** Each engine's checksum per batch figure in the last round (the same ids give the same sums across engines whose answers agree). */
  checksums: Map<string, Record<string, number>>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The reference harness's percentile: the value at floor(n·p) of the sorted samples. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
}

/** Runs the engines' step lists interleaved (H1); returns each engine's summed step time in ms. */
export async function interleavedLoad(steps: readonly (readonly LoadStep[])[]): Promise<number[]> {
  const totals = steps.map(() => 0);
  const longest = Math.max(...steps.map((s) => s.length));
  for (let i = 0; i < longest; i++) {
    for (let e = 0; e < steps.length; e++) {
      const step = steps[e]![i];
      if (step === undefined) continue;
      const started = performance.now();
      await step();
      totals[e]! += performance.now() - started;
    }
  }
  return totals;
}

/** Latencies (µs) of `count` 8 KiB pwrite + fdatasync pairs on one file in `dir`. */
export function bareFdatasyncLatencies(dir: string, count: number): number[] {
  const fd = openSync(join(dir, 'bare-fdatasync'), 'w');
  const page = Buffer.alloc(8192, 7);
  const latencies: number[] = [];
  try {
    // The floor is an overwrite: lay the 64 pages down first (untimed), so no timed sync also
    // pays for growing the file.
    for (let i = 0; i < 64; i++) writeSync(fd, page, 0, page.length, i * 8192);
    fdatasyncSync(fd);
    for (let i = 0; i < count; i++) {
      const started = nowUs();
      writeSync(fd, page, 0, page.length, (i % 64) * 8192);
      fdatasyncSync(fd);
      latencies.push(nowUs() - started);
    }
  } finally {
    closeSync(fd);
  }
  return latencies;
}

function sameAnswers(a: PersonAnswers, b: PersonAnswers): boolean {
  return a.name === b.name && a.hop1 === b.hop1 && a.hop2 === b.hop2;
}

/** H4: every engine against the model on `count` lookup ids and two ids no person has. */
export async function checkAnswers(engines: readonly SocialEngine[], model: ModelEngine, w: SocialWorkload, count: number): Promise<AnswerMismatch[]> {
  const ids = [...w.lookups.slice(0, count), -1, w.persons.length];
  const mismatches: AnswerMismatch[] = [];
  const expectedAvg = await model.scanAverage();
  for (const engine of engines) {
    for (const id of ids) {
      const expected = model.answersUnder(id, engine.hop2Semantics);
      const got = await engine.answers(id);
      if (!sameAnswers(expected, got)) mismatches.push({ engine: engine.name, id, expected, got });
    }
    const avg = await engine.scanAverage();
    if (Math.abs(avg - expectedAvg) > 1e-9 * Math.abs(expectedAvg)) mismatches.push({ engine: engine.name, id: 'scan', expected: expectedAvg, got: avg });
  }
  return mismatches;
}

type BatchFigure = 'point' | 'hop1' | 'hop2';

/** Slices per batch figure per round (H2): fine-grained enough that a burst of load elsewhere hits every engine. */
const CHUNKS = 10;

async function timeBatch(engine: SocialEngine, figure: BatchFigure, ids: readonly number[]): Promise<{ elapsedMs: number; checksum: number }> {
  const started = performance.now();
  const checksum = figure === 'point' ? await engine.pointLookups(ids) : figure === 'hop1' ? await engine.hop1Counts(ids) : await engine.hop2Distinct(ids);
  return { elapsedMs: performance.now() - started, checksum };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function runSocial(engines: readonly SocialEngine[], w: SocialWorkload, options: HarnessOptions): Promise<SocialRun> {
  const { log } = options;
  // The workload was just generated: collect its garbage now (untimed; `node --expose-gc`),
  // or the first engine's first step pays for the harness's scavenge.
  (globalThis as { gc?: () => void }).gc?.();
  const nodeTimes = await interleavedLoad(engines.map((e) => e.nodeLoadSteps(w)));
  const edgeTimes = await interleavedLoad(engines.map((e) => e.edgeLoadSteps(w)));
  engines.forEach((e, i) =>
    log(`load ${e.name.padEnd(7)} ${w.persons.length} nodes in ${(nodeTimes[i]! / 1000).toFixed(2)} s, ${w.edges.length} relationships in ${(edgeTimes[i]! / 1000).toFixed(2)} s`),
  );
  for (const engine of engines) await options.afterLoad?.(engine);

  const model = new ModelEngine();
  for (const step of [...model.nodeLoadSteps(w), ...model.edgeLoadSteps(w)]) await step();
  const mismatches = await checkAnswers(engines, model, w, options.checkIds);
  for (const m of mismatches.slice(0, 10)) log(`ANSWER MISMATCH ${m.engine} id ${m.id}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.got)}`);
  if (mismatches.length === 0) log(`answers: every engine agrees with the in-JS model on ${options.checkIds + 2} ids and avg(age)`);
  else log(`answers: ${mismatches.length} mismatches (first 10 above)`);

  const samples = new Map<string, Record<BatchFigure | 'scan', number[]>>();
  const checksums = new Map<string, Record<string, number>>();
  for (const e of engines) samples.set(e.name, { point: [], hop1: [], hop2: [], scan: [] });
  for (let round = 0; round <= options.rounds; round++) {
    const warmUp = round === 0;
    const order = rotate(engines, round);
    for (const figure of ['point', 'hop1', 'hop2'] as const) {
      // Each engine's ids in CHUNKS slices; slice c of every engine runs before slice c+1 of any.
      const ms = new Map<string, number>(order.map((e) => [e.name, 0]));
      const sums = new Map<string, number>(order.map((e) => [e.name, 0]));
      const idsOf = new Map(order.map((e) => [e.name, w.lookups.slice(0, warmUp ? Math.max(1, Math.ceil(e.sample[figure] / 10)) : e.sample[figure])]));
      for (let c = 0; c < CHUNKS; c++) {
        for (const engine of rotate(order, c)) {
          const ids = idsOf.get(engine.name)!;
          const per = Math.ceil(ids.length / CHUNKS);
          const chunk = ids.slice(c * per, (c + 1) * per);
          if (chunk.length === 0) continue;
          const { elapsedMs, checksum } = await timeBatch(engine, figure, chunk);
          ms.set(engine.name, ms.get(engine.name)! + elapsedMs);
          sums.set(engine.name, sums.get(engine.name)! + checksum);
        }
      }
      if (warmUp) continue;
      for (const engine of order) {
        const count = idsOf.get(engine.name)!.length;
        samples.get(engine.name)![figure].push(count / (ms.get(engine.name)! / 1000));
        checksums.set(engine.name, { ...checksums.get(engine.name), [`${figure}_${count}`]: sums.get(engine.name)! });
      }
    }
    for (let s = 0; s < options.scansPerRound; s++) {
      for (const engine of order) {
        const started = performance.now();
        await engine.scanAverage();
        if (!warmUp) samples.get(engine.name)!.scan.push(performance.now() - started);
      }
    }
    if (!warmUp) {
      log(
        `round ${round}: ` +
          order.map((e) => `${e.name} point ${Math.round(samples.get(e.name)!.point.at(-1)!)}/s hop2 ${Math.round(samples.get(e.name)!.hop2.at(-1)!)}/s`).join(', '),
      );
    }
  }

  const commitSamples = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  const bare: number[] = [];
  const slices = Math.max(1, options.rounds);
  for (let slice = 0; slice < slices; slice++) {
    const count = Math.ceil(options.commits / slices);
    bare.push(...bareFdatasyncLatencies(options.dir, count));
    for (const engine of rotate(engines, slice)) commitSamples.get(engine.name)!.push(...(await engine.durableCommits(count)));
  }

  const figures = new Map<string, SocialFigures>();
  engines.forEach((e, i) => {
    const s = samples.get(e.name)!;
    const commits = commitSamples.get(e.name)!;
    figures.set(e.name, {
      load_nodes_per_s: Math.round(w.persons.length / (nodeTimes[i]! / 1000)),
      load_edges_per_s: Math.round(w.edges.length / (edgeTimes[i]! / 1000)),
      point_lookup_per_s: Math.round(median(s.point)),
      hop1_count_per_s: Math.round(median(s.hop1)),
      hop2_distinct_per_s: Math.round(median(s.hop2)),
      scan_avg_ms: Math.round(median(s.scan) * 100) / 100,
      durable_commit_p50_us: Math.round(percentile(commits, 0.5)),
      durable_commit_p99_us: Math.round(percentile(commits, 0.99)),
    });
  });
  const kuzuAt = engines.findIndex((e) => e.name === 'kuzu');
  return {
    figures,
    ...(kuzuAt >= 0 ? { kuzuCopy: { nodesMs: nodeTimes[kuzuAt]!, edgesMs: edgeTimes[kuzuAt]! } } : {}),
    fdatasync_p50_us: Math.round(percentile(bare, 0.5)),
    fdatasync_p99_us: Math.round(percentile(bare, 0.99)),
    mismatches,
    checksums,
  };
}
