// Smoke test of the benchmark harness (bench/social/): the social workload at a tiny scale
// through the same code `npm run bench` and `npm run bench:peers` run, with ombra's answers
// checked against the in-JS model. No timing is asserted (figures only have to be numbers) and
// no peer engine is needed.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAnswers, interleavedLoad, median, percentile, runSocial } from '../../bench/social/harness.js';
import { ModelEngine } from '../../bench/social/model.js';
import { OmbraEngine } from '../../bench/social/ombra.js';
import { figureTable, targetTable, writeResults, type BenchResults } from '../../bench/social/report.js';
import { knowsImportCsv, personsImportCsv, socialWorkload, type SocialWorkload } from '../../bench/social/workload.js';

const TINY = { persons: 500, degree: 10, lookups: 300 };
const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ombra-bench-smoke-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('social workload', () => {
  it('is deterministic and shaped as BENCHMARKS.md says', () => {
    const a = socialWorkload(TINY);
    const b = socialWorkload(TINY);
    expect(b).toEqual(a);
    expect(a.persons).toHaveLength(500);
    expect(a.edges).toHaveLength(5000);
    expect(a.lookups).toHaveLength(300);
    for (const p of a.persons) {
      expect(p.name).toBe(`p${p.id}`);
      expect(p.age).toBeGreaterThanOrEqual(18);
      expect(p.age).toBeLessThanOrEqual(77);
    }
    for (const [s, e] of a.edges) {
      expect(s >= 0 && s < 500 && e >= 0 && e < 500).toBe(true);
    }
    // The skew: ends are floor(r² · N), so the lower half of the ids gets about 71% of them.
    const low = a.edges.filter(([, e]) => e < 250).length / a.edges.length;
    expect(low).toBeGreaterThan(0.65);
    expect(low).toBeLessThan(0.77);
    expect(personsImportCsv(a).split('\n')[1]).toBe(`0,p0,${a.persons[0]!.age}`);
    expect(knowsImportCsv(a).split('\n')).toHaveLength(5002);
  });
});

describe('in-JS model', () => {
  it('applies relationship isomorphism to the 2-hop pattern, or walk semantics when asked', async () => {
    // 0→0 (self-loop), 0→1, 1→2: with distinct relationships 0 reaches {1, 2}; a walk also reaches 0.
    const w: SocialWorkload = {
      persons: [0, 1, 2].map((id) => ({ id, name: `p${id}`, age: 20 + id })),
      edges: [
        [0, 0],
        [0, 1],
        [1, 2],
      ],
      lookups: [0],
    };
    const model = new ModelEngine();
    await interleavedLoad([[...model.nodeLoadSteps(w), ...model.edgeLoadSteps(w)]]);
    expect(await model.answers(0)).toEqual({ name: 'p0', hop1: 2, hop2: 2 });
    expect(model.answersUnder(0, 'walk')).toEqual({ name: 'p0', hop1: 2, hop2: 3 });
    expect(await model.answers(7)).toEqual({ name: null, hop1: 0, hop2: 0 });
    expect(await model.scanAverage()).toBe(21);

    // ombra answers the same tiny graph as the model (its semantics are openCypher's).
    const ombra = new OmbraEngine(':memory:');
    try {
      await interleavedLoad([[...ombra.nodeLoadSteps(w), ...ombra.edgeLoadSteps(w)]]);
      for (const id of [0, 1, 2, 7]) expect(await ombra.answers(id)).toEqual(await model.answers(id));
    } finally {
      await ombra.close();
    }
  });
});

describe('harness', () => {
  it('runs steps round-robin across engines (H1)', async () => {
    const order: string[] = [];
    const step = (name: string) => () => void order.push(name);
    const totals = await interleavedLoad([[step('a0'), step('a1'), step('a2')], [step('b0')], [step('c0'), step('c1')]]);
    expect(order).toEqual(['a0', 'b0', 'c0', 'a1', 'c1', 'a2']);
    expect(totals).toHaveLength(3);
  });

  it('medians and percentiles follow the reference harness', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(51);
    expect(percentile(values, 0.99)).toBe(100);
  });

  it("gives ombra's answers equal to the model's on the tiny workload, through the whole harness", async () => {
    const dir = scratch();
    const w = socialWorkload(TINY);
    const ombra = new OmbraEngine(join(dir, 'social.ombra'));
    const model = new ModelEngine();
    const lines: string[] = [];
    try {
      const run = await runSocial([ombra, model], w, {
        rounds: 1,
        commits: 4,
        scansPerRound: 1,
        checkIds: TINY.lookups,
        dir,
        log: (line) => lines.push(line),
        afterLoad: async (engine) => {
          if (engine instanceof OmbraEngine) await engine.checkpoint();
        },
      });
      expect(run.mismatches).toEqual([]);
      // Every batch figure folded the same answers into the same checksum.
      expect(run.checksums.get('ombra')).toEqual(run.checksums.get('model'));
      expect(Object.keys(run.checksums.get('ombra')!).sort()).toEqual([`hop1_${TINY.lookups}`, `hop2_${TINY.lookups}`, `point_${TINY.lookups}`]);
      const figures = run.figures.get('ombra')!;
      for (const value of Object.values(figures)) expect(Number.isFinite(value) && value > 0).toBe(true);
      expect(lines.some((l) => l.startsWith('answers: every engine agrees'))).toBe(true);
      // The graph holds what the model holds.
      expect(ombra.db.query('MATCH (p:Person) RETURN count(p)').rows[0]![0]).toBe(500n);
      expect(ombra.db.query('MATCH ()-[r:KNOWS]->() RETURN count(r)').rows[0]![0]).toBe(5000n);
    } finally {
      await ombra.close();
    }
  });

  it("gives the model's answers after a load through the graph store writer (store load)", async () => {
    const w = socialWorkload(TINY);
    const ombra = new OmbraEngine(':memory:', { load: 'store' });
    const model = new ModelEngine();
    try {
      await interleavedLoad([ombra.nodeLoadSteps(w), model.nodeLoadSteps(w)]);
      await interleavedLoad([ombra.edgeLoadSteps(w), model.edgeLoadSteps(w)]);
      expect(await checkAnswers([ombra], model, w, 100)).toEqual([]);
    } finally {
      await ombra.close();
    }
  });
});

describe('report', () => {
  const results: BenchResults = {
    ombra: {
      load_nodes_per_s: 1000,
      load_edges_per_s: 100,
      point_lookup_per_s: 300,
      hop1_count_per_s: 400,
      hop2_distinct_per_s: 100,
      scan_avg_ms: 2,
      durable_commit_p50_us: 120,
      durable_commit_p99_us: 300,
      fdatasync_p50_us: 100,
      import_edges_per_s: 40,
      single_commit_per_s: 100,
      group_commit_8_per_s: 600,
    },
    sqlite: { load_nodes_per_s: 1000, load_edges_per_s: 100, point_lookup_per_s: 100, hop1_count_per_s: 100, hop2_distinct_per_s: 100, scan_avg_ms: 1 },
    kuzu: { load_edges_per_s: 100 },
    machine: {
      date: '2026-01-01T00:00:00.000Z',
      cpu: 'test',
      cores: 2,
      memory_gib: 1,
      node: 'v20',
      os: 'linux',
      loadavg_start: 0,
      loadavg_end: 0,
      command: 'test',
      workload: 'tiny',
    },
  };

  it('marks each BENCHMARKS.md target met or missed from the ratios', () => {
    const rows = Object.fromEntries(
      targetTable(results)
        .split('\n')
        .slice(2)
        .map((row) => {
          const cells = row.split('|').map((c) => c.trim());
          return [cells[1]!, { ratio: cells[2]!, verdict: cells[4]! }];
        }),
    );
    expect(rows['point lookup vs SQLite']).toEqual({ ratio: '3.00×', verdict: 'met' });
    expect(rows['1-hop count vs SQLite']).toEqual({ ratio: '4.00×', verdict: 'met' });
    expect(rows['2-hop distinct vs SQLite']).toEqual({ ratio: '1.00×', verdict: 'MISSED' });
    expect(rows['node load vs SQLite']!.verdict).toBe('met');
    expect(rows['relationship load vs SQLite']!.verdict).toBe('MISSED');
    expect(rows['scan avg(age) time vs SQLite']).toEqual({ ratio: '2.00×', verdict: 'MISSED' });
    expect(rows['import (relationships) vs Kùzu COPY']).toEqual({ ratio: '0.40×', verdict: 'MISSED' });
    expect(rows['durable commit p50 vs bare fdatasync']).toEqual({ ratio: '1.20×', verdict: 'met' });
    expect(rows['group commit (8 committers) vs one sync per commit']).toEqual({ ratio: '6.00×', verdict: 'met' });
    const withoutKuzu = targetTable({ ...results, kuzu: {} });
    expect(withoutKuzu).toContain('| import (relationships) vs Kùzu COPY | — | ≥ 0.5× | not measured |');
  });

  it('prints ombra/peer ratios and writes the results file in the agreed shape', () => {
    expect(figureTable(results)).toContain('| point_lookup_per_s (/s) | 300 | 100 | — | 3.00× | — |');
    const file = join(scratch(), 'results', 'latest.json');
    writeResults(file, results);
    const read = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
    expect(Object.keys(read)).toEqual(['ombra', 'sqlite', 'kuzu', 'machine']);
    expect(read).toEqual(results);
  });
});
