// The figures only ombra has in the social run: bulk CSV import (src/ops/import.ts, what
// `ombra import` runs) and group commit through the query API.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importNewDatabase } from '../../src/ops/import.js';
import { median } from './harness.js';
import type { OmbraEngine } from './ombra.js';
import { knowsImportCsv, personsImportCsv, type SocialWorkload } from './workload.js';

export interface ImportFigures {
  /** Persons / time of an import of the person file alone (end to end: parse, records, index, pages, fsync, rename). */
  import_nodes_per_s: number;
  /**
   * Relationships / (time of persons + relationships − time of persons alone): what the
   * relationship file adds end to end. Compared with Kùzu's COPY of the same relationships.
   */
  import_edges_per_s: number;
  /** Median time of the whole import, ms. */
  import_total_ms: number;
}

/**
 * Imports the workload from CSV into new databases, `runs` times each way (persons alone, then
 * persons + relationships, alternating), and takes medians. `between` runs after each pair (the
 * suite interleaves Kùzu's COPY there). Throws what the import throws.
 */
export async function measureImport(w: SocialWorkload, dir: string, runs: number, between?: () => Promise<void>): Promise<ImportFigures> {
  const persons = join(dir, 'persons.csv');
  const knows = join(dir, 'knows.csv');
  writeFileSync(persons, personsImportCsv(w));
  writeFileSync(knows, knowsImportCsv(w));
  let serial = 0;
  const once = async (withEdges: boolean): Promise<number> => {
    const out = join(dir, `import-${serial++}.ombra`);
    const started = performance.now();
    await importNewDatabase({
      out,
      nodes: [{ files: [persons], labels: ['Person'] }],
      relationships: withEdges ? [{ files: [knows], type: 'KNOWS' }] : [],
      idType: 'integer',
    });
    const ms = performance.now() - started;
    rmSync(out, { force: true });
    rmSync(`${out}-wal`, { force: true });
    return ms;
  };
  const nodesOnly: number[] = [];
  const whole: number[] = [];
  for (let run = 0; run < runs; run++) {
    nodesOnly.push(await once(false));
    whole.push(await once(true));
    await between?.();
  }
  const nodesMs = median(nodesOnly);
  const wholeMs = median(whole);
  return {
    import_nodes_per_s: Math.round(w.persons.length / (nodesMs / 1000)),
    import_edges_per_s: Math.round(w.edges.length / (Math.max(1e-3, wholeMs - nodesMs) / 1000)),
    import_total_ms: Math.round(wholeMs),
  };
}

export interface GroupCommitFigures {
  /** Autocommit CREATEs per second, one after another (one sync each). */
  single_commit_per_s: number;
  /** Autocommit CREATEs per second from 8 concurrent committers (queryAsync: group commit). */
  group_commit_8_per_s: number;
  group_commit_speedup: number;
}

/**
 * `rounds` alternations of one-sync-per-commit and 8 concurrent committers; medians. An
 * untimed round of each goes first, as the reads have (H2): the durable commits before have
 * warmed the synchronous path, but nothing has run queryAsync yet, and its first 400 commits
 * ran at half the speed of the next (5.0–6.0k against 8.6–13.4k commits/s).
 */
export async function measureGroupCommit(engine: OmbraEngine, rounds: number, commitsPerRound: number): Promise<GroupCommitFigures> {
  const single: number[] = [];
  const group: number[] = [];
  engine.singleCommitsPerSecond(commitsPerRound);
  await engine.groupCommitsPerSecond(8, Math.ceil(commitsPerRound / 8));
  for (let round = 0; round < rounds; round++) {
    single.push(engine.singleCommitsPerSecond(commitsPerRound));
    group.push(await engine.groupCommitsPerSecond(8, Math.ceil(commitsPerRound / 8)));
  }
  const s = median(single);
  const g = median(group);
  return { single_commit_per_s: Math.round(s), group_commit_8_per_s: Math.round(g), group_commit_speedup: Math.round((g / s) * 100) / 100 };
}
