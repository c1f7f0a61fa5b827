// What the social-50k harness asks of each engine (ombra, SQLite, Kùzu, and the in-JS model the
// smoke test checks against). The harness times the calls; an engine only does the work.
//
// Batch calls (pointLookups, hop1Counts, hop2Distinct) run one statement per id and fold the
// answers into a checksum, so the loop costs nothing an engine's own caller would not pay and
// the work cannot be optimised away. Answer calls return the answers themselves, for the
// cross-checks between engines; they are never timed.

import type { SocialWorkload } from './workload.js';

/** The answers to the read statements for one person id. */
export interface PersonAnswers {
  /** p.name, or null when no person has that id. */
  name: string | null;
  hop1: number;
  hop2: number;
}

export interface SocialEngine {
  readonly name: string;
  /** Engine and version, for the report (e.g. "sqlite 3.53.2"). */
  readonly version: string;
  /**
   * How the 2-hop pattern (p)-[r1]->()-[r2]->(f) treats r1 = r2 (only possible through a
   * self-loop on p): 'distinct-relationships' is openCypher's relationship isomorphism (ombra),
   * 'walk' allows it (SQLite's self-join; Kùzu's walk semantics). The answer checks use it.
   */
  readonly hop2Semantics: Hop2Semantics;
  /** How many ids each batch figure uses (a slow engine gets fewer, as in the reference harness). */
  readonly sample: SampleSizes;
  /**
   * The load of the persons as steps, each one transaction (or one bulk COPY), to run in order;
   * the harness times each and may interleave them with another engine's. The schema (with the
   * unique index on Person.id) exists before the first step: engines create it when opened.
   */
  nodeLoadSteps(w: SocialWorkload): LoadStep[];
  /** The load of the KNOWS relationships as steps (after every node step). */
  edgeLoadSteps(w: SocialWorkload): LoadStep[];
  pointLookups(ids: readonly number[]): Promise<number>;
  hop1Counts(ids: readonly number[]): Promise<number>;
  hop2Distinct(ids: readonly number[]): Promise<number>;
  /** avg(p.age) over every person. */
  scanAverage(): Promise<number>;
  /** One single-node CREATE per durable transaction; the latency of each, in µs. */
  durableCommits(count: number): Promise<number[]>;
  answers(id: number): Promise<PersonAnswers>;
  close(): Promise<void>;
}

export type Hop2Semantics = 'distinct-relationships' | 'walk';

/** One transaction (or bulk statement) of a load. */
export type LoadStep = () => void | Promise<void>;

/** Runs every step of a load in order (when nothing needs interleaving). */
export async function runLoad(steps: readonly LoadStep[]): Promise<void> {
  for (const step of steps) await step();
}

export interface SampleSizes {
  point: number;
  hop1: number;
  hop2: number;
}

/** The reference harness's sample sizes for a fast embedded engine. */
export const FULL_SAMPLE: SampleSizes = { point: 20_000, hop1: 10_000, hop2: 1_000 };

/** Folds a string answer into a checksum (its length; -1 for none). */
export function nameChecksum(name: unknown): number {
  return typeof name === 'string' ? name.length : -1;
}

/** A count answer as a number (engines return bigint or number). */
export function countOf(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  throw new TypeError(`expected a count, got ${typeof value} ${String(value)}`);
}

/** µs since an arbitrary origin (performance.now() in ms). */
export function nowUs(): number {
  return performance.now() * 1000;
}
