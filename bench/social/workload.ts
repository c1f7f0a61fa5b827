// The social-50k workload of BENCHMARKS.md, generated the way the reference harness
// (shared/bench/peer_workload.mjs) does so every engine gets the same graph: mulberry32 seeded
// 42; persons {id, name: 'p'+id, age: 18..77}; persons × degree relationships from a uniform
// start to a skewed end (floor(r² · N), so a few persons are hubs); random lookup ids. The draw
// order (ages, then edges a/b interleaved, then lookups) is the reference's: changing it
// changes the graph.

export interface Person {
  id: number;
  name: string;
  age: number;
}

export interface SocialWorkload {
  persons: readonly Person[];
  /** [start person id, end person id] per KNOWS relationship, in creation order. */
  edges: readonly (readonly [number, number])[];
  /** Person ids the read figures look up, in order. */
  lookups: readonly number[];
}

export interface WorkloadSize {
  persons: number;
  /** Relationships per person on average. */
  degree: number;
  lookups: number;
}

export const SOCIAL_50K: WorkloadSize = { persons: 50_000, degree: 10, lookups: 20_000 };
/** Rows per load transaction (BENCHMARKS.md: transactions of 10,000). */
export const LOAD_BATCH_ROWS = 10_000;

/** The statements of the read figures, as BENCHMARKS.md and the reference harness word them. */
export const SOCIAL_QUERIES = {
  point: 'MATCH (p:Person {id: $id}) RETURN p.name',
  hop1: 'MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN count(f)',
  hop2: 'MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)',
  scan: 'MATCH (p:Person) RETURN avg(p.age)',
} as const;

/** mulberry32, the generator BENCHMARKS.md fixes. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function socialWorkload(size: WorkloadSize = SOCIAL_50K, seed = 42): SocialWorkload {
  const r = mulberry32(seed);
  const n = size.persons;
  const persons = Array.from({ length: n }, (_, i) => ({ id: i, name: 'p' + i, age: 18 + Math.floor(r() * 60) }));
  const edges: [number, number][] = new Array(n * size.degree);
  for (let i = 0; i < edges.length; i++) {
    const a = Math.floor(r() * n);
    const b = Math.floor(Math.pow(r(), 2) * n);
    edges[i] = [a, b];
  }
  const lookups = Array.from({ length: size.lookups }, () => Math.floor(r() * n));
  return { persons, edges, lookups };
}

/** Rows of at most `size` items, in order (the load transactions). */
export function* batches<T>(items: readonly T[], size: number = LOAD_BATCH_ROWS): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** persons.csv in the import format of `ombra import` (neo4j-admin style header). */
export function personsImportCsv(w: SocialWorkload): string {
  const lines = ['id:ID,name,age:int'];
  for (const p of w.persons) lines.push(`${p.id},${p.name},${p.age}`);
  return lines.join('\n') + '\n';
}

/** knows.csv in the import format of `ombra import`. */
export function knowsImportCsv(w: SocialWorkload): string {
  const lines = [':START_ID,:END_ID'];
  for (const [a, b] of w.edges) lines.push(`${a},${b}`);
  return lines.join('\n') + '\n';
}
