// Command-line options shared by bench/run.ts and bench/peers.ts.

import { SOCIAL_50K, type WorkloadSize } from './workload.js';
import type { OmbraLoadMode } from './ombra.js';

export interface SocialOptions {
  size: WorkloadSize;
  rounds: number;
  commits: number;
  importRuns: number;
  groupCommitRounds: number;
  ombraLoad: OmbraLoadMode;
  cacheSizePages: number | undefined;
  out: string | undefined;
}

function value(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

function int(argv: readonly string[], name: string, fallback: number, min: number): number {
  const v = value(argv, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
  return n;
}

export const USAGE = `options:
  --persons N        persons (default ${SOCIAL_50K.persons})
  --degree D         relationships per person (default ${SOCIAL_50K.degree})
  --lookups L        lookup ids (default ${SOCIAL_50K.lookups})
  --rounds R         timed read rounds after a warm-up, median reported (default 5)
  --commits C        durable commits per engine (default 1000)
  --import-runs I    bulk imports each way, median reported (default 3; 0 skips)
  --group-rounds G   group-commit rounds, median reported (default 3)
  --ombra-load M     cypher (UNWIND statements, default) or store (graph store writer)
  --cache PAGES      ombra page cache budget (default: the database default)
  --out FILE         results file`;

export function parseSocialOptions(argv: readonly string[]): SocialOptions {
  const load = value(argv, 'ombra-load') ?? 'cypher';
  if (load !== 'cypher' && load !== 'store') throw new Error(`--ombra-load must be cypher or store, got ${load}`);
  const cache = value(argv, 'cache');
  return {
    size: {
      persons: int(argv, 'persons', SOCIAL_50K.persons, 10),
      degree: int(argv, 'degree', SOCIAL_50K.degree, 0),
      lookups: int(argv, 'lookups', SOCIAL_50K.lookups, 1),
    },
    rounds: int(argv, 'rounds', 5, 1),
    commits: int(argv, 'commits', 1000, 1),
    importRuns: int(argv, 'import-runs', 3, 0),
    groupCommitRounds: int(argv, 'group-rounds', 3, 0),
    ombraLoad: load,
    cacheSizePages: cache === undefined ? undefined : int(argv, 'cache', 0, 16),
    out: value(argv, 'out'),
  };
}

export function workloadLabel(o: SocialOptions): string {
  const n = o.size.persons;
  const name = n === SOCIAL_50K.persons && o.size.degree === SOCIAL_50K.degree ? 'social-50k' : `social (${n} persons)`;
  return `${name}: ${n} persons, ${n * o.size.degree} KNOWS, ${o.size.lookups} lookup ids, ${o.rounds} rounds, ombra ${o.ombraLoad} load`;
}
