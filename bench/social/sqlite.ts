// SQLite (better-sqlite3, from bench/peers) on the social workload, exactly as the reference
// harness (shared/bench/peer_workload.mjs) sets it up: WAL, synchronous=FULL, a node table with
// a unique index on (label, pid), an edge table indexed both ways, prepared statements,
// transactions of 10,000 rows.

import { join } from 'node:path';
import { countOf, FULL_SAMPLE, type LoadStep, nameChecksum, nowUs, type PersonAnswers, type SocialEngine } from './engine.js';
import { peerPackageVersion, peerRequire } from './peers-dir.js';
import { batches, type SocialWorkload } from './workload.js';

/** The part of better-sqlite3's API the harness uses. */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): Record<string, unknown> | undefined;
}
interface SqliteDatabase {
  pragma(text: string): unknown;
  exec(text: string): void;
  prepare(text: string): Statement;
  transaction(body: () => void): () => void;
  close(): void;
}
type SqliteConstructor = new (path: string) => SqliteDatabase;

const SCHEMA = `CREATE TABLE node(id INTEGER PRIMARY KEY, label TEXT, pid INTEGER, name TEXT, age INTEGER);
  CREATE UNIQUE INDEX node_pid ON node(label, pid);
  CREATE TABLE edge(src INTEGER, dst INTEGER, type TEXT);
  CREATE INDEX edge_out ON edge(src, type, dst); CREATE INDEX edge_in ON edge(dst, type, src);`;

export class SqliteEngine implements SocialEngine {
  readonly name = 'sqlite';
  readonly version: string;
  readonly hop2Semantics = 'walk' as const;
  readonly sample = FULL_SAMPLE;
  private readonly db: SqliteDatabase;
  private readonly point: Statement;
  private readonly hop1: Statement;
  private readonly hop2: Statement;
  private readonly scan: Statement;
  private readonly insertTmp: Statement;
  private tmpCount = 0;

  constructor(dir: string) {
    const Database = peerRequire()('better-sqlite3') as SqliteConstructor;
    this.db = new Database(join(dir, 'g.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    const sqliteVersion = this.db.prepare('select sqlite_version() v').get()!.v as string;
    this.version = `SQLite ${sqliteVersion} (better-sqlite3 ${peerPackageVersion('better-sqlite3')})`;
    this.point = this.db.prepare("SELECT name FROM node WHERE label='Person' AND pid=?");
    this.hop1 = this.db.prepare("SELECT count(*) c FROM node p JOIN edge e ON e.src=p.id AND e.type='KNOWS' WHERE p.label='Person' AND p.pid=?");
    this.hop2 = this.db.prepare(
      "SELECT count(DISTINCT e2.dst) c FROM node p JOIN edge e1 ON e1.src=p.id AND e1.type='KNOWS' JOIN edge e2 ON e2.src=e1.dst AND e2.type='KNOWS' WHERE p.label='Person' AND p.pid=?",
    );
    this.scan = this.db.prepare("SELECT avg(age) a FROM node WHERE label='Person'");
    this.insertTmp = this.db.prepare('INSERT INTO node(label,pid,name,age) VALUES (?,?,?,?)');
  }

  nodeLoadSteps(w: SocialWorkload): LoadStep[] {
    const insert = this.db.prepare('INSERT INTO node(id,label,pid,name,age) VALUES (?,?,?,?,?)');
    return [...batches(w.persons)].map((batch) =>
      this.db.transaction(() => {
        for (const p of batch) insert.run(p.id, 'Person', p.id, p.name, p.age);
      }),
    );
  }

  /** Transactions of relationships; node row ids are the person ids (the node steps set id = pid). */
  edgeLoadSteps(w: SocialWorkload): LoadStep[] {
    const insert = this.db.prepare('INSERT INTO edge(src,dst,type) VALUES (?,?,?)');
    return [...batches(w.edges)].map((batch) =>
      this.db.transaction(() => {
        for (const [a, b] of batch) insert.run(a, b, 'KNOWS');
      }),
    );
  }

  async pointLookups(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += nameChecksum(this.point.get(id)?.name);
    return sum;
  }

  async hop1Counts(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += countOf(this.hop1.get(id)!.c);
    return sum;
  }

  async hop2Distinct(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += countOf(this.hop2.get(id)!.c);
    return sum;
  }

  async scanAverage(): Promise<number> {
    return this.scan.get()!.a as number;
  }

  async durableCommits(count: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = nowUs();
      this.insertTmp.run('Tmp', this.tmpCount++, 'x', 1);
      latencies.push(nowUs() - started);
    }
    return latencies;
  }

  async answers(id: number): Promise<PersonAnswers> {
    const name = this.point.get(id)?.name;
    return { name: typeof name === 'string' ? name : null, hop1: countOf(this.hop1.get(id)!.c), hop2: countOf(this.hop2.get(id)!.c) };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
