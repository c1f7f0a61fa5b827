// Kùzu (its Node API, from bench/peers) on the social workload, as the reference harness
// (shared/bench/peer_workload.mjs) runs it: node and relationship tables, the load by bulk COPY
// from CSV (its documented fast path, so its best case), prepared statements for the reads.
// Kùzu is slow per statement, so its batch figures use fewer ids (the reference's 5,000 /
// 5,000 / 1,000): a rate per second either way.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countOf, nameChecksum, nowUs, type LoadStep, type PersonAnswers, type SampleSizes, type SocialEngine } from './engine.js';
import { peerPackageVersion, peerRequire } from './peers-dir.js';
import type { SocialWorkload } from './workload.js';

/** The part of kuzu's Node API the harness uses. */
interface KuzuResult {
  getAll(): Promise<Record<string, unknown>[]>;
}
interface KuzuPrepared {
  readonly __prepared?: never;
}
interface KuzuConnection {
  query(text: string): Promise<KuzuResult>;
  prepare(text: string): Promise<KuzuPrepared>;
  execute(statement: KuzuPrepared, params: Record<string, unknown>): Promise<KuzuResult>;
  close?(): Promise<void>;
}
interface KuzuModule {
  Database: new (path: string) => { close?(): Promise<void> };
  Connection: new (db: unknown) => KuzuConnection;
  VERSION?: string;
}

export const KUZU_SAMPLE: SampleSizes = { point: 5_000, hop1: 5_000, hop2: 1_000 };

export class KuzuEngine implements SocialEngine {
  readonly name = 'kuzu';
  readonly hop2Semantics = 'walk' as const;
  readonly sample = KUZU_SAMPLE;

  private constructor(
    readonly version: string,
    private readonly dir: string,
    private readonly db: { close?(): Promise<void> },
    private readonly c: KuzuConnection,
    private readonly statements: { point: KuzuPrepared; hop1: KuzuPrepared; hop2: KuzuPrepared; insertTmp: KuzuPrepared },
  ) {}

  static async open(dir: string): Promise<KuzuEngine> {
    const k = peerRequire()('kuzu') as KuzuModule;
    const db = new k.Database(join(dir, 'g.kuzu'));
    const c = new k.Connection(db);
    await c.query('CREATE NODE TABLE Person(id INT64, name STRING, age INT64, PRIMARY KEY(id))');
    await c.query('CREATE NODE TABLE Tmp(id SERIAL, name STRING, PRIMARY KEY(id))');
    await c.query('CREATE REL TABLE KNOWS(FROM Person TO Person)');
    const statements = {
      point: await c.prepare('MATCH (p:Person {id: $id}) RETURN p.name'),
      hop1: await c.prepare('MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN count(f)'),
      hop2: await c.prepare('MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f)'),
      insertTmp: await c.prepare("CREATE (:Tmp {name: 'x'})"),
    };
    return new KuzuEngine(`Kùzu ${k.VERSION ?? peerPackageVersion('kuzu')}`, dir, db, c, statements);
  }

  /** One COPY of every person from a CSV file (writing the file is not timed: it is done here). */
  nodeLoadSteps(w: SocialWorkload): LoadStep[] {
    const file = join(this.dir, 'p.csv');
    writeFileSync(file, w.persons.map((p) => `${p.id},${p.name},${p.age}`).join('\n'));
    return [async () => void (await this.c.query(`COPY Person FROM '${file}'`))];
  }

  edgeLoadSteps(w: SocialWorkload): LoadStep[] {
    const file = join(this.dir, 'e.csv');
    writeFileSync(file, w.edges.map(([a, b]) => `${a},${b}`).join('\n'));
    return [async () => void (await this.c.query(`COPY KNOWS FROM '${file}'`))];
  }

  private async first(statement: KuzuPrepared, id: number): Promise<unknown> {
    const rows = await (await this.c.execute(statement, { id })).getAll();
    const row = rows[0];
    return row === undefined ? undefined : Object.values(row)[0];
  }

  async pointLookups(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += nameChecksum(await this.first(this.statements.point, id));
    return sum;
  }

  async hop1Counts(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += countOf(await this.first(this.statements.hop1, id));
    return sum;
  }

  async hop2Distinct(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += countOf(await this.first(this.statements.hop2, id));
    return sum;
  }

  async scanAverage(): Promise<number> {
    const rows = await (await this.c.query('MATCH (p:Person) RETURN avg(p.age)')).getAll();
    return Object.values(rows[0]!)[0] as number;
  }

  async durableCommits(count: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = nowUs();
      await this.c.execute(this.statements.insertTmp, {});
      latencies.push(nowUs() - started);
    }
    return latencies;
  }

  async answers(id: number): Promise<PersonAnswers> {
    const name = await this.first(this.statements.point, id);
    return {
      name: typeof name === 'string' ? name : null,
      hop1: countOf((await this.first(this.statements.hop1, id)) ?? 0),
      hop2: countOf((await this.first(this.statements.hop2, id)) ?? 0),
    };
  }

  async close(): Promise<void> {
    await this.c.close?.();
    await this.db.close?.();
  }
}
