// Test data for the operations suites: raw B+trees in spare root slots (until the graph store
// lands), a model of their content, and helpers to compare a database with the model.
import { Database, type OpenOptions } from '../../src/database.js';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { KeyBuilder } from '../../src/storage/keys.js';
import { COUNTER, ROOT_SLOT } from '../../src/storage/meta.js';
import type { PageStore } from '../../src/storage/types.js';

export const SLOTS = [ROOT_SLOT.FIRST_SPARE, ROOT_SLOT.FIRST_SPARE + 1, ROOT_SLOT.FIRST_SPARE + 2] as const;

/** A counter the tests keep in step with their writes (spare: the graph check owns NODE_COUNT). */
export const TEST_COUNTER = COUNTER.FIRST_SPARE;

/** slot → (hex key → hex value), plus the test counter. */
export interface Model {
  trees: Map<number, Map<string, string>>;
  nodes: bigint;
}

export function emptyModel(): Model {
  return { trees: new Map(SLOTS.map((s) => [s, new Map<string, string>()])), nodes: 0n };
}

export function cloneModel(model: Model): Model {
  return { trees: new Map([...model.trees].map(([s, m]) => [s, new Map(m)])), nodes: model.nodes };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function keyOf(n: number): Uint8Array {
  return new KeyBuilder(16).u64(n).finish();
}

/** A value of `length` bytes that encodes `seed` (long ones go to overflow chains). */
export function valueOf(seed: number, length = 40): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 31 + i * 7) & 0xff;
  return out;
}

export function tree(store: PageStore, slot: number): BTree {
  return new BTree(store, rootInSlot(store, slot), { name: `slot-${slot}` });
}

/** One write transaction: put `puts` and delete `deletes` (by number) in `slot`; keeps the model in step. */
export function writeTx(db: Database, model: Model, slot: number, puts: { n: number; length?: number; seed?: number }[], deletes: number[] = []): void {
  const txn = db.pager.beginWrite();
  const t = tree(txn, slot);
  const m = model.trees.get(slot)!;
  for (const p of puts) {
    const key = keyOf(p.n);
    const value = valueOf(p.seed ?? p.n, p.length ?? 40);
    t.put(key, value);
    m.set(hex(key), hex(value));
  }
  for (const n of deletes) {
    const key = keyOf(n);
    t.delete(key);
    m.delete(hex(key));
  }
  model.nodes += BigInt(puts.length);
  txn.setCounter(TEST_COUNTER, model.nodes);
  txn.commit();
}

/** The content of the spare-slot trees as the newest snapshot sees it. */
export function readModel(db: Database): Model {
  const txn = db.pager.beginRead();
  try {
    const model = emptyModel();
    for (const slot of SLOTS) {
      const m = model.trees.get(slot)!;
      for (const { key, value } of tree(txn, slot).range()) m.set(hex(key), hex(value));
    }
    model.nodes = txn.getCounter(TEST_COUNTER);
    return model;
  } finally {
    txn.end();
  }
}

/** Equal content (trees and counter), with a readable difference on failure. */
export function modelDifference(a: Model, b: Model): string | null {
  if (a.nodes !== b.nodes) return `node counter ${a.nodes} vs ${b.nodes}`;
  for (const slot of SLOTS) {
    const x = a.trees.get(slot)!;
    const y = b.trees.get(slot)!;
    if (x.size !== y.size) return `slot ${slot}: ${x.size} vs ${y.size} entries`;
    for (const [k, v] of x) if (y.get(k) !== v) return `slot ${slot}: key ${k} differs`;
  }
  return null;
}

/** A simulated file system with /data and /backups ready. */
export function simFs(seed = 1): SimulatedFileSystem {
  const fs = new SimulatedFileSystem({ seed });
  fs.mkdir('/data');
  fs.mkdir('/backups');
  fs.syncDirectory('/');
  return fs;
}

export const DB_PATH = '/data/g.db';

export function openSim(fs: SimulatedFileSystem, options: OpenOptions = {}): Database {
  return Database.open(DB_PATH, { fs, lock: false, pageSizeBytes: 4096, checkpointIntervalMs: 0, logLevel: 'silent', ...options });
}

/** Fill the trees with `count` entries spread over the slots, in transactions of `batch`. */
export function fill(db: Database, model: Model, count: number, options: { batch?: number; start?: number; length?: (n: number) => number } = {}): void {
  const batch = options.batch ?? 100;
  const start = options.start ?? 0;
  for (let i = start; i < start + count; i += batch) {
    const slot = SLOTS[(i / batch) % SLOTS.length]!;
    const puts = [];
    for (let n = i; n < Math.min(i + batch, start + count); n++) puts.push({ n, length: options.length?.(n) ?? 40 });
    writeTx(db, model, slot, puts);
  }
}
