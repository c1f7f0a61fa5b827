// A gentle synthetic workload over the demo graph (demos/social.ts): a few operations per
// second, three reads for every write, so the dashboard's throughput, latency, WAL and cache
// panels move without the machine noticing.
//
//   reads   a person's friends; friends of friends (count); people living in a city (count)
//   writes  a new friendship; a person's lastSeen (group commit: db.queryAsync)
//
// A write the database refuses right now (an open :begin transaction holds the writer,
// maintenance mode, read-only, shutting down) is skipped and counted, never raised: the
// workload is scenery.

import type { Database } from '../src/database.js';
import { isOmbraError } from '../src/errors.js';
import { seededRandom } from './random.js';

export interface WorkloadOptions {
  /** Operations per second (default 20). */
  ratePerSecond?: number;
  /** People in the graph (ids 0..people-1). */
  people?: number;
  seed?: number;
}

const CITIES = ['Lisbon', 'Madrid', 'Paris', 'Berlin', 'Vienna', 'Oslo', 'Dublin', 'Athens', 'Prague', 'Zurich'];
const REFUSED = new Set(['TRANSACTION_STATE', 'MAINTENANCE_MODE', 'READ_ONLY', 'SHUTTING_DOWN', 'DATABASE_CLOSED', 'CIRCUIT_OPEN', 'WAL_FULL']);

export class SocialWorkload {
  readonly ratePerSecond: number;
  readonly counts = { reads: 0, writes: 0, skipped: 0, failed: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly random: () => number;
  private readonly people: number;

  constructor(
    private readonly db: Database,
    options: WorkloadOptions = {},
  ) {
    this.ratePerSecond = Math.max(1, options.ratePerSecond ?? 20);
    this.people = Math.max(2, options.people ?? 3000);
    this.random = seededRandom(options.seed ?? 11);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.step(), 1000 / this.ratePerSecond);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  summary(): string {
    const c = this.counts;
    return `${c.reads} reads, ${c.writes} writes, ${c.skipped} skipped, ${c.failed} failed`;
  }

  /** One operation (exposed for tests and benchmarks). */
  step(): void {
    if (this.db.isClosed) return this.stop();
    const roll = this.random();
    const person = (): number => Math.floor(this.random() * this.people);
    try {
      if (roll < 0.3) {
        this.db.query('MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN f.name AS friend LIMIT 10', { id: person() });
        this.counts.reads++;
      } else if (roll < 0.55) {
        this.db.query('MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(fof) RETURN count(DISTINCT fof) AS n', { id: person() });
        this.counts.reads++;
      } else if (roll < 0.75) {
        this.db.query('MATCH (c:City {name: $city})<-[:LIVES_IN]-(p) RETURN count(p) AS n', { city: CITIES[Math.floor(this.random() * CITIES.length)] });
        this.counts.reads++;
      } else if (roll < 0.88) {
        this.write('MATCH (a:Person {id: $a}), (b:Person {id: $b}) CREATE (a)-[:KNOWS {since: 2025}]->(b)', { a: person(), b: person() });
      } else {
        this.write('MATCH (p:Person {id: $id}) SET p.lastSeen = timestamp()', { id: person() });
      }
    } catch (error) {
      this.count(error);
    }
  }

  private write(text: string, params: Record<string, unknown>): void {
    this.db.queryAsync(text, params).then(
      () => this.counts.writes++,
      (error: unknown) => this.count(error),
    );
  }

  private count(error: unknown): void {
    if (isOmbraError(error) && REFUSED.has(error.code)) this.counts.skipped++;
    else this.counts.failed++;
  }
}
