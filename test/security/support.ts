// Helpers for the security suites: real temporary files, keys, graph writes through the graph
// API, raw-byte scans of files, and the CLI with an environment.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Database, type OpenOptions } from '../../src/database.js';
import { GraphReader } from '../../src/graph/reader.js';
import { GraphShared } from '../../src/graph/shared.js';
import { GraphWriter } from '../../src/graph/writer.js';
import { runCli } from '../../shell/cli.js';
import type { CliIo } from '../../shell/cli-support.js';

export const KEY_A = 'a1'.repeat(32);
export const KEY_B = Buffer.alloc(32, 7).toString('base64');

const cleanups: (() => void)[] = [];

export function cleanupAll(): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
}

export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ombra-security-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function openDb(path: string, options: OpenOptions = {}): Database {
  return Database.open(path, { pageSizeBytes: 4096, logLevel: 'silent', checkpointIntervalMs: 0, ...options });
}

const shared = new WeakMap<Database, GraphShared>();
export function sharedOf(db: Database): GraphShared {
  let s = shared.get(db);
  if (s === undefined) {
    s = new GraphShared();
    shared.set(db, s);
  }
  return s;
}

/** One transaction creating a :Person per name (with a long secret property) and KNOWS between neighbours. */
export function writePeople(db: Database, names: readonly string[]): void {
  const txn = db.pager.beginWrite();
  try {
    const g = new GraphWriter(txn, sharedOf(db));
    const ids = names.map((name) => g.createNode(['Person'], { name, secret: `${name}-secret-${'x'.repeat(40)}` }));
    for (let i = 1; i < ids.length; i++) g.createRelationship(ids[i - 1]!, 'KNOWS', ids[i]!, { note: `${names[i]}-note` });
    txn.commit();
  } catch (error) {
    if (!txn.isEnded) txn.rollback();
    throw error;
  }
}

/** Every :Person name, sorted. */
export function readNames(db: Database): string[] {
  const txn = db.pager.beginRead();
  try {
    const g = new GraphReader(txn, sharedOf(db));
    const names: string[] = [];
    for (const id of g.nodeIdsByLabel('Person')) names.push(g.nodeProperty(id, 'name') as string);
    return names.sort();
  } finally {
    txn.end();
  }
}

/** Which of `needles` occur in the raw bytes of `file` (UTF-8). */
export function plaintextIn(file: string, needles: readonly string[]): string[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** name → SHA-256 of every file in `dir` (a byte-identical check). */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of filesUnder(dir).sort()) out[file] = createHash('sha256').update(readFileSync(file)).digest('hex');
  return out;
}

export async function cliEnv(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
}
