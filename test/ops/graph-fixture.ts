// Graphs for the import, export, repair and salvage suites: real database files in a temporary
// directory, a sample graph with awkward values, and a canonical dump of a whole graph (ids,
// labels, types, ends, properties with INTEGER/FLOAT kept apart and −0, NaN exact) to compare
// two databases with.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Database } from '../../src/database.js';
import { GraphReader, GraphWriter, type NodeId } from '../../src/graph/store.js';
import { INT64_MAX, INT64_MIN, type PropertyMap, type PropertyValue } from '../../src/graph/value.js';
import { tempDir } from '../support/cli.js';

const cleanups: (() => void)[] = [];

export function cleanupDirs(): void {
  cleanups.splice(0).forEach((cleanup) => cleanup());
}

export function workDir(prefix = 'ombra-graph-ops-'): string {
  const { dir, cleanup } = tempDir(prefix);
  cleanups.push(cleanup);
  return dir;
}

export function openDb(path: string, options: Parameters<typeof Database.open>[1] = {}): Database {
  return Database.open(path, { pageSizeBytes: 4096, logLevel: 'silent', checkpointIntervalMs: 0, ...options });
}

/** Run `fn` with a GraphWriter in one committed write transaction. */
export function write<T>(db: Database, fn: (graph: GraphWriter) => T): T {
  const txn = db.pager.beginWrite();
  try {
    const result = fn(new GraphWriter(txn, db.graphShared));
    txn.commit();
    return result;
  } catch (error) {
    txn.rollback();
    throw error;
  }
}

export function read<T>(db: Database, fn: (graph: GraphReader) => T): T {
  const txn = db.pager.beginRead();
  try {
    return fn(new GraphReader(txn, db.graphShared));
  } finally {
    txn.end();
  }
}

/** Canonical text of a value: INTEGER and FLOAT apart, −0 and NaN exact. */
export function valueText(value: PropertyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `i${value}`;
  if (typeof value === 'number') return `f${Object.is(value, -0) ? '-0' : String(value)}`;
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `b${value}`;
  if (Array.isArray(value)) return `[${value.map(valueText).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${k}:${valueText(value[k]!)}`)
    .join(',')}}`;
}

function propsText(props: PropertyMap): string {
  return Object.keys(props)
    .sort()
    .map((k) => `${k}=${valueText(props[k]!)}`)
    .join(' ');
}

export interface GraphDump {
  nodes: Map<number, string>;
  relationships: Map<number, string>;
}

/** Every node and relationship as canonical text, by id. */
export function dumpGraph(db: Database): GraphDump {
  return read(db, (g) => {
    const nodes = new Map<number, string>();
    for (const id of g.allNodeIds()) {
      const n = g.getNode(id)!;
      nodes.set(id, `(${[...n.labels].sort().join(':')}) ${propsText(n.properties)}`);
    }
    const relationships = new Map<number, string>();
    for (const id of g.allRelationshipIds()) {
      const r = g.getRelationship(id)!;
      relationships.set(id, `${r.start}-[${r.type}]->${r.end} ${propsText(r.properties)}`);
    }
    return { nodes, relationships };
  });
}

/** The dump with node ids replaced by a property that names each node (imports that assign new ids). */
export function dumpByKey(db: Database, key: string): { nodes: string[]; relationships: string[] } {
  return read(db, (g) => {
    const name = (id: NodeId): string => valueText(g.nodeProperty(id, key));
    const nodes = [...g.allNodeIds()].map((id) => {
      const n = g.getNode(id)!;
      return `(${[...n.labels].sort().join(':')}) ${propsText(n.properties)}`;
    });
    const relationships = [...g.allRelationshipIds()].map((id) => {
      const r = g.getRelationship(id)!;
      return `${name(r.start)}-[${r.type}]->${name(r.end)} ${propsText(r.properties)}`;
    });
    return { nodes: nodes.sort(), relationships: relationships.sort() };
  });
}

/** A graph whose values exercise every CSV corner: returns the node ids. */
export function awkwardGraph(db: Database): NodeId[] {
  return write(db, (g) => {
    g.createIndex({ label: 'Person', key: 'name', unique: true });
    const values: PropertyMap[] = [
      { name: 'plain', age: 30n, score: 1.5, ok: true, tags: ['a', 'b'], nums: [1n, 2n, -3n] },
      { name: 'comma, "quote" and\nnewline\r\n', age: INT64_MAX, score: -0, ok: false, tags: [], floats: [1, 2.5, NaN] },
      { name: 'ünïcödé 😀 ☃', age: INT64_MIN, score: NaN, mixed: [1n, 'two', 3.5], semi: ['x;y', ''] },
      { name: '', score: Infinity, flags: [true, false], big: 'x'.repeat(9000) },
      { name: ' spaced ', score: -Infinity, shifting: 7n, whole: 3 },
      { name: 'no labels' },
      { name: 'zero', age: 0n, whole: 1e21, tiny: 5e-324, shifting: 'now a string' },
    ];
    const labels = [['Person'], ['Person', 'Admin'], ['Person', 'Émigré'], ['Thing'], ['Person', 'Thing', 'With Space'], [], ['Person']];
    const ids = values.map((props, i) => g.createNode(labels[i]!, props));
    // A gap in the ids: exports keep ids, imports with --id-type actual too.
    const gone = g.createNode(['Temp'], { name: 'deleted' });
    g.deleteNode(gone);
    ids.push(g.createNode(['Person'], { name: 'after the gap', list: ['only'] }));
    g.createRelationship(ids[0]!, 'KNOWS', ids[1]!, { since: 2001n, weight: 0.5 });
    g.createRelationship(ids[1]!, 'KNOWS', ids[0]!, {});
    g.createRelationship(ids[2]!, 'LIKES', ids[2]!, { note: 'self, "loop"' });
    const temp = g.createRelationship(ids[3]!, 'KNOWS', ids[4]!, {});
    g.deleteRelationship(temp);
    g.createRelationship(ids[4]!, 'HAS A, "WEIRD" TYPE', ids[7]!, { mixed: 1n });
    g.createRelationship(ids[5]!, 'KNOWS', ids[6]!, { mixed: 'one' });
    return ids;
  });
}

/** SHA-256 of a file and of its WAL (to show an operation left them untouched). */
export function fileDigest(path: string): string {
  const h = createHash('sha256');
  for (const p of [path, `${path}-wal`]) {
    h.update(p.endsWith('-wal') ? '|wal|' : '|db|');
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex');
}

/** withSeed for an async body: a failure's message starts with the seed that reproduces it. */
export async function withSeedAsync<T>(seed: number, body: (seed: number) => Promise<T>): Promise<T> {
  try {
    return await body(seed);
  } catch (error) {
    if (error instanceof Error) error.message = `[SEED=${seed}] ${error.message}`;
    throw error;
  }
}
