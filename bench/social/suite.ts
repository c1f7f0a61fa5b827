// The social run end to end: open the engines in a scratch directory, run the harness (load,
// answer checks, reads, durable commits; harness.ts), then ombra's own figures (group commit,
// bulk import), close everything and hand back one figure record per engine.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SocialEngine } from './engine.js';
import { interleavedLoad, median, runSocial } from './harness.js';
import { KuzuEngine } from './kuzu.js';
import { measureGroupCommit, measureImport } from './ombra-extras.js';
import { OmbraEngine } from './ombra.js';
import type { SocialOptions } from './cli.js';
import type { Figures } from './report.js';
import { SqliteEngine } from './sqlite.js';
import { socialWorkload } from './workload.js';

export type PeerName = 'sqlite' | 'kuzu';

export interface SuiteResult {
  ombra: Figures;
  sqlite?: Figures;
  kuzu?: Figures;
  mismatches: number;
}

export async function runSocialSuite(options: SocialOptions, peers: readonly PeerName[], log: (line: string) => void): Promise<SuiteResult> {
  const root = mkdtempSync(join(tmpdir(), 'ombra-bench-social-'));
  const engines: SocialEngine[] = [];
  try {
    const w = socialWorkload(options.size);
    const sub = (name: string): string => {
      const dir = join(root, name);
      mkdirSync(dir);
      return dir;
    };
    const ombra = new OmbraEngine(join(sub('ombra'), 'social.ombra'), {
      load: options.ombraLoad,
      ...(options.cacheSizePages !== undefined ? { cacheSizePages: options.cacheSizePages } : {}),
    });
    engines.push(ombra);
    for (const peer of peers) engines.push(peer === 'sqlite' ? new SqliteEngine(sub('sqlite')) : await KuzuEngine.open(sub('kuzu')));
    log(`engines: ${engines.map((e) => e.version).join(', ')}`);

    const run = await runSocial(engines, w, {
      rounds: options.rounds,
      commits: options.commits,
      scansPerRound: 3,
      checkIds: Math.min(200, w.lookups.length),
      dir: root,
      log,
      afterLoad: async (engine) => {
        if (engine instanceof OmbraEngine) await engine.checkpoint();
      },
    });
    const result: SuiteResult = { ombra: {}, mismatches: run.mismatches.length };
    for (const engine of engines) {
      const record: Figures = { engine: engine.version, ...run.figures.get(engine.name)! };
      record.answer_mismatches = run.mismatches.filter((m) => m.engine === engine.name).length;
      if (engine.name === 'ombra') result.ombra = record;
      else result[engine.name as PeerName] = record;
    }
    result.ombra.fdatasync_p50_us = run.fdatasync_p50_us;
    result.ombra.fdatasync_p99_us = run.fdatasync_p99_us;

    if (options.groupCommitRounds > 0) {
      const group = await measureGroupCommit(ombra, options.groupCommitRounds, 400);
      Object.assign(result.ombra, group);
      log(`group commit: ${group.single_commit_per_s} commits/s one sync each, ${group.group_commit_8_per_s} commits/s with 8 committers (${group.group_commit_speedup}×)`);
    }
    for (const engine of engines.splice(0)) await engine.close();

    if (options.importRuns > 0) {
      const dir = sub('import');
      // Kùzu's COPY again between ombra's imports (a fresh database each time), so the import
      // target compares figures taken under the same conditions; its load figures become the
      // median of every COPY of the run.
      const copies = { nodes: [run.kuzuCopy?.nodesMs ?? NaN], edges: [run.kuzuCopy?.edgesMs ?? NaN] };
      const kuzuCopy =
        result.kuzu === undefined
          ? undefined
          : async (): Promise<void> => {
              const copyDir = sub(`kuzu-copy-${copies.nodes.length}`);
              const kuzu = await KuzuEngine.open(copyDir);
              try {
                const [nodesMs] = await interleavedLoad([kuzu.nodeLoadSteps(w)]);
                const [edgesMs] = await interleavedLoad([kuzu.edgeLoadSteps(w)]);
                copies.nodes.push(nodesMs!);
                copies.edges.push(edgesMs!);
              } finally {
                await kuzu.close();
                rmSync(copyDir, { recursive: true, force: true });
              }
            };
      try {
        const imported = await measureImport(w, dir, options.importRuns, kuzuCopy);
        Object.assign(result.ombra, imported);
        log(`import: ${imported.import_nodes_per_s} nodes/s, ${imported.import_edges_per_s} relationships/s, whole import ${imported.import_total_ms} ms`);
        if (result.kuzu !== undefined && copies.nodes.length > 1) {
          result.kuzu.load_nodes_per_s = Math.round(w.persons.length / (median(copies.nodes) / 1000));
          result.kuzu.load_edges_per_s = Math.round(w.edges.length / (median(copies.edges) / 1000));
          result.kuzu.copy_runs = copies.nodes.length;
          log(`kuzu COPY over ${copies.nodes.length} runs (median): ${result.kuzu.load_nodes_per_s} nodes/s, ${result.kuzu.load_edges_per_s} relationships/s`);
        }
      } catch (error) {
        // The import is another layer's work in progress: a failure is a missing figure, not a lost run.
        const message = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
        result.ombra.import_error = message;
        log(`import FAILED (figure missing): ${message}`);
      }
    }
    return result;
  } finally {
    for (const engine of engines) await engine.close().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}
