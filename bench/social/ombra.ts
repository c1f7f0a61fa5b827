// ombra on the social workload, through its public API: Database.open, explicit transactions
// (db.begin) for the load, prepared plan-cached statements (db.prepare) for the reads, one
// autocommit db.query per durable commit.
//
// Load, two ways (the harness reports both; the first is the headline figure):
//   'cypher'  one UNWIND statement per transaction of 10,000 rows:
//               UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name, age: r.age})
//               UNWIND $rows AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) CREATE (a)-[:KNOWS]->(b)
//             (each relationship finds its two persons through the unique index, as Kùzu's COPY
//             and a Cypher user must);
//   'store'   the graph store's writer in the same transactions, with the node ids createNode
//             returned (as SQLite's insert is given the row ids): the ceiling under the query layer.

import { GraphWriter } from '../../src/graph/writer.js';
import { Database, type OpenOptions } from '../../src/database.js';
import type { PreparedStatement } from '../../src/query/index.js';
import { countOf, FULL_SAMPLE, type LoadStep, nameChecksum, nowUs, type PersonAnswers, type SocialEngine } from './engine.js';
import { batches, SOCIAL_QUERIES, type SocialWorkload } from './workload.js';

export type OmbraLoadMode = 'cypher' | 'store';

export interface OmbraEngineOptions {
  load?: OmbraLoadMode;
  /** Page cache budget (default: the database default). */
  cacheSizePages?: number;
}

const CREATE_PERSONS = 'UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name, age: r.age})';
const CREATE_KNOWS = 'UNWIND $rows AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) CREATE (a)-[:KNOWS]->(b)';
const CREATE_TMP = "CREATE (:Tmp {name: 'x'})";

export class OmbraEngine implements SocialEngine {
  readonly name = 'ombra';
  readonly version: string;
  readonly hop2Semantics = 'distinct-relationships' as const;
  readonly sample = FULL_SAMPLE;
  readonly db: Database;
  private readonly mode: OmbraLoadMode;
  /** Node id per person id (store mode only). */
  private nodeIds: number[] = [];
  private statements: { point: PreparedStatement; hop1: PreparedStatement; hop2: PreparedStatement; scan: PreparedStatement } | null = null;

  constructor(path: string, options: OmbraEngineOptions = {}) {
    const open: OpenOptions = { logDestination: 'none' };
    if (options.cacheSizePages !== undefined) open.cacheSizePages = options.cacheSizePages;
    this.db = Database.open(path, open);
    this.mode = options.load ?? 'cypher';
    this.version = `ombra (${this.mode} load)`;
    if (this.mode === 'store') {
      const txn = this.db.pager.beginWrite();
      new GraphWriter(txn, this.db.graphShared).createIndex({ label: 'Person', key: 'id', unique: true });
      txn.commit();
    } else {
      this.db.query('CREATE CONSTRAINT FOR (p:Person) REQUIRE p.id IS UNIQUE');
    }
  }

  nodeLoadSteps(w: SocialWorkload): LoadStep[] {
    if (this.mode === 'store') {
      this.nodeIds = new Array<number>(w.persons.length);
      return [...batches(w.persons)].map((batch) => () => {
        const write = this.db.pager.beginWrite();
        const g = new GraphWriter(write, this.db.graphShared);
        for (const p of batch) this.nodeIds[p.id] = g.createNode(['Person'], { id: BigInt(p.id), name: p.name, age: BigInt(p.age) });
        write.commit();
      });
    }
    return [...batches(w.persons)].map((batch) => () => {
      const tx = this.db.begin();
      tx.query(CREATE_PERSONS, { rows: batch });
      tx.commit();
    });
  }

  edgeLoadSteps(w: SocialWorkload): LoadStep[] {
    if (this.mode === 'store') {
      return [...batches(w.edges)].map((batch) => () => {
        const write = this.db.pager.beginWrite();
        const g = new GraphWriter(write, this.db.graphShared);
        for (const [a, b] of batch) g.createRelationship(this.nodeIds[a]!, 'KNOWS', this.nodeIds[b]!);
        write.commit();
      });
    }
    return [...batches(w.edges)].map((batch) => () => {
      const tx = this.db.begin();
      tx.query(CREATE_KNOWS, { rows: batch });
      tx.commit();
    });
  }

  /** The prepared read statements (prepared once, after the load created the index). */
  private get prepared(): NonNullable<OmbraEngine['statements']> {
    this.statements ??= {
      point: this.db.prepare(SOCIAL_QUERIES.point),
      hop1: this.db.prepare(SOCIAL_QUERIES.hop1),
      hop2: this.db.prepare(SOCIAL_QUERIES.hop2),
      scan: this.db.prepare(SOCIAL_QUERIES.scan),
    };
    return this.statements;
  }

  async pointLookups(ids: readonly number[]): Promise<number> {
    const point = this.prepared.point;
    let sum = 0;
    for (const id of ids) sum += nameChecksum(point.run({ id }).rows[0]?.[0]);
    return sum;
  }

  async hop1Counts(ids: readonly number[]): Promise<number> {
    const hop1 = this.prepared.hop1;
    let sum = 0;
    for (const id of ids) sum += countOf(hop1.run({ id }).rows[0]![0]);
    return sum;
  }

  async hop2Distinct(ids: readonly number[]): Promise<number> {
    const hop2 = this.prepared.hop2;
    let sum = 0;
    for (const id of ids) sum += countOf(hop2.run({ id }).rows[0]![0]);
    return sum;
  }

  async scanAverage(): Promise<number> {
    return this.prepared.scan.run().rows[0]![0] as number;
  }

  async durableCommits(count: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = nowUs();
      this.db.query(CREATE_TMP);
      latencies.push(nowUs() - started);
    }
    return latencies;
  }

  /** Commits per second of `count` autocommit CREATEs one after another (one sync each). */
  singleCommitsPerSecond(count: number): number {
    const started = performance.now();
    for (let i = 0; i < count; i++) this.db.query(CREATE_TMP);
    return count / ((performance.now() - started) / 1000);
  }

  /** Commits per second of `committers` concurrent loops of autocommit CREATEs joining group commits. */
  async groupCommitsPerSecond(committers: number, perCommitter: number): Promise<number> {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: committers }, async () => {
        for (let i = 0; i < perCommitter; i++) await this.db.queryAsync(CREATE_TMP);
      }),
    );
    return (committers * perCommitter) / ((performance.now() - started) / 1000);
  }

  async answers(id: number): Promise<PersonAnswers> {
    const { point, hop1, hop2 } = this.prepared;
    const name = point.run({ id }).rows[0]?.[0];
    return {
      name: typeof name === 'string' ? name : null,
      hop1: countOf(hop1.run({ id }).rows[0]![0]),
      hop2: countOf(hop2.run({ id }).rows[0]![0]),
    };
  }

  /**
   * After the load: copy the WAL into the database file, so every engine's reads start from its
   * file, and restart the log, as auto-checkpoint does. The log file keeps its size, as
   * SQLite's WAL does (reset, never truncated): the timed commits then write over it. After a
   * truncate they would grow it again in preallocation steps (wal.ts W7), each step's zeros
   * synced by the commit that crosses it: ~9 of the 1,000 timed commits, which made the p99.
   */
  async checkpoint(): Promise<void> {
    await this.db.checkpoint('restart');
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
