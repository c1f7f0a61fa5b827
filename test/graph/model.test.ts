// Property-based test of the whole graph store against the in-memory model
// (test/support/graph-model.ts): random sequences of creates, deletes (detach and not),
// property and label changes, relationships, index creates and drops, in transactions that
// commit or roll back, with simulated crashes (SimulatedFileSystem.crash) and reopens in
// between. Every operation must succeed or fail (with the same error code) exactly as in the
// model; after each commit and each reopen the store equals the model's committed state and
// checkGraph finds nothing; query methods are compared inside transactions too.
// A failure prints the fast-check seed and the shrunk operation list; rerun with SEED=<n>.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import type { GraphReader } from '../../src/graph/reader.js';
import { GraphWriter } from '../../src/graph/writer.js';
import type { PropertyMap, PropertyValue } from '../../src/graph/value.js';
import type { WriteTransaction } from '../../src/storage/pager.js';
import { GraphDb } from '../support/graph-harness.js';
import { dumpStore, GraphModel, ModelError, sortNeighbours } from '../support/graph-model.js';
import { newSimFs } from '../support/pager-harness.js';
import { SOAK, testSeed } from '../support/rng.js';

const LABELS = ['A', 'B'];
const TYPES = ['R', 'S'];
const KEYS = ['k', 'm'];
const LONG = 'L'.repeat(450);
/** A small domain so unique indexes collide and 1 = 1.0 matters. */
const VALUES: PropertyValue[] = [0n, 1n, 2n, 1.0, 1.5, -0, NaN, 'a', 'b', LONG + 'x', LONG + 'y', true, false, [1n, 2n], [1.0, 2.0], ['a'], 2n ** 60n];

type Ref = number; // resolved modulo the candidates at run time
type Props = [number, number | null][]; // (key index, value index or null)

type Op =
  | { t: 'createNode'; labels: number; props: Props }
  | { t: 'deleteNode'; node: Ref; detach: boolean }
  | { t: 'setProperty'; node: Ref; key: number; value: number | null }
  | { t: 'mergeProperties'; node: Ref; props: Props }
  | { t: 'replaceProperties'; node: Ref; props: Props }
  | { t: 'addLabel'; node: Ref; label: number }
  | { t: 'removeLabel'; node: Ref; label: number }
  | { t: 'createRelationship'; a: Ref; b: Ref; type: number; props: Props }
  | { t: 'deleteRelationship'; rel: Ref }
  | { t: 'setRelationshipProperty'; rel: Ref; key: number; value: number | null }
  | { t: 'createIndex'; label: number; key: number; unique: boolean; ifNotExists: boolean }
  | { t: 'dropIndex'; which: number; ifExists: boolean }
  | { t: 'commit' }
  | { t: 'commitAsync' }
  | { t: 'settle' }
  | { t: 'checkpoint'; mode: number }
  | { t: 'rollback' }
  | { t: 'crash' }
  | { t: 'query' };

const ref = fc.nat(1000);
const props: fc.Arbitrary<Props> = fc.array(fc.tuple(fc.nat(KEYS.length - 1), fc.option(fc.nat(VALUES.length - 1), { nil: null, freq: 6 })), { minLength: 1, maxLength: 3 });
const indexOpArb: fc.Arbitrary<Op> = fc.record({ t: fc.constant('createIndex' as const), label: fc.nat(LABELS.length - 1), key: fc.nat(KEYS.length - 1), unique: fc.boolean(), ifNotExists: fc.boolean() });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('createNode' as const), labels: fc.nat(3), props }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('deleteNode' as const), node: ref, detach: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('setProperty' as const), node: ref, key: fc.nat(KEYS.length - 1), value: fc.option(fc.nat(VALUES.length - 1), { nil: null, freq: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('mergeProperties' as const), node: ref, props }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replaceProperties' as const), node: ref, props }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('addLabel' as const), node: ref, label: fc.nat(LABELS.length - 1) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('removeLabel' as const), node: ref, label: fc.nat(LABELS.length - 1) }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('createRelationship' as const), a: ref, b: ref, type: fc.nat(TYPES.length - 1), props }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('deleteRelationship' as const), rel: ref }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('setRelationshipProperty' as const), rel: ref, key: fc.nat(KEYS.length - 1), value: fc.option(fc.nat(VALUES.length - 1), { nil: null }) }) },
  { weight: 3, arbitrary: indexOpArb },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dropIndex' as const), which: fc.nat(5), ifExists: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ t: 'commit' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'commitAsync' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'settle' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('checkpoint' as const), mode: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'crash' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'query' as const }) },
);

function toMap(list: Props): PropertyMap {
  const map: PropertyMap = {};
  for (const [k, v] of list) map[KEYS[k]!] = v === null ? null : VALUES[v]!;
  return map;
}

/** Mostly a live id; sometimes any id ever handed out or one never used (the NOT_FOUND paths). */
function pick(r: Ref, live: Iterable<number>, next: number): number {
  if (r % 5 !== 0) {
    const ids = [...live];
    if (ids.length > 0) return ids[Math.floor(r / 5) % ids.length]!;
  }
  return Math.floor(r / 5) % (next + 1);
}

/** Run one operation on both; they must agree on the result or on the error code. */
function both<T>(what: string, store: () => T, model: () => T): void {
  let storeResult: { ok: T } | { code: string };
  let modelResult: { ok: T } | { code: string };
  try {
    storeResult = { ok: store() };
  } catch (error) {
    if (!isOmbraError(error)) throw error;
    storeResult = { code: error.code };
  }
  try {
    modelResult = { ok: model() };
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    modelResult = { code: error.code };
  }
  expect(storeResult, what).toEqual(modelResult);
}

function sorted(ids: Iterable<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}

/** Every query method of the store against the model. */
function compareQueries(g: GraphReader, m: GraphModel): void {
  expect(g.nodeCount()).toBe(m.nodes.size);
  expect(g.relationshipCount()).toBe(m.relationships.size);
  for (const label of LABELS) {
    expect(sorted(g.nodeIdsByLabel(label)), `label ${label}`).toEqual(m.nodeIdsByLabel(label));
    expect(g.labelNodeCount(label)).toBe(m.labelNodeCount(label));
    for (const key of KEYS) {
      for (const value of [1n, 1.0, 'a', LONG + 'x', NaN, [1n, 2n], true, 2n ** 60n]) {
        expect(sorted(g.nodeIdsByProperty(label, key, value)), `${label}.${key} = ${String(value)}`).toEqual(m.nodeIdsByProperty(label, key, value));
      }
      if (g.findIndex(label, key) !== null) {
        const ranges = [
          { lower: { value: 1n, inclusive: true } },
          { lower: { value: 0, inclusive: false }, upper: { value: 1.5, inclusive: true } },
          { upper: { value: LONG + 'x', inclusive: true } },
          { lower: { value: 'a', inclusive: false } },
        ];
        for (const range of ranges) expect(sorted(g.nodeIdsByPropertyRange(label, key, range)), `${label}.${key} range`).toEqual(m.nodeIdsByPropertyRange(label, key, range));
      }
    }
  }
  const nodes = [...m.nodes.keys()].slice(0, 25);
  for (const node of [...nodes, m.nextNodeId]) {
    for (const dir of ['out', 'in', 'both'] as const) {
      for (const types of [undefined, ['R'], ['S', 'R']]) {
        expect(sortNeighbours([...g.expand(node, dir, types)]), `expand ${node} ${dir} ${String(types)}`).toEqual(sortNeighbours(m.expand(node, dir, types)));
        expect(g.degree(node, dir, types)).toBe(m.degree(node, dir, types));
      }
    }
  }
  expect(g.indexes().map(({ name, label, key, unique }) => ({ name, label, key, unique }))).toEqual(
    m.indexInfos().map(({ name, label, key, unique }) => ({ name, label, key, unique })),
  );
}

const CHECKPOINT_MODES = ['passive', 'full', 'restart', 'truncate'] as const;

async function run(ops: Op[]): Promise<void> {
  const db = new GraphDb(newSimFs(7), 4096);
  let committed = new GraphModel();
  /**
   * States a crash may leave: the last durable one, then every commit written since (async
   * commits not yet synced), oldest first. Recovery must land on one of them.
   */
  let candidates: GraphModel[] = [committed];
  let pendingSyncs: Promise<unknown>[] = [];
  let txn: WriteTransaction | null = null;
  let g: GraphWriter | null = null;
  let m: GraphModel = committed;

  const verifyCommitted = (): void => {
    db.read((reader) => {
      expect(dumpStore(reader)).toEqual(committed.dump());
      compareQueries(reader, committed);
    });
    expect(db.problems()).toEqual([]);
  };

  try {
    for (const op of [...ops, { t: 'commit' } as const, { t: 'crash' } as const]) {
      if (op.t === 'crash') {
        txn = null; // the open transaction dies with the process
        g = null;
        db.crashAndReopen();
        pendingSyncs = [];
        const found = db.read((reader) => dumpStore(reader));
        const at = candidates.findIndex((c) => JSON.stringify(c.dump(), bigintSafe) === JSON.stringify(found, bigintSafe));
        expect(at, 'the recovered graph is the last durable state or a later commit').toBeGreaterThanOrEqual(0);
        committed = candidates[at]!;
        candidates = [committed];
        m = committed;
        verifyCommitted();
        continue;
      }
      if (op.t === 'settle') {
        await Promise.all(pendingSyncs);
        pendingSyncs = [];
        candidates = [committed];
        continue;
      }
      if (op.t === 'checkpoint') {
        if (txn !== null) continue;
        await db.pager.checkpoint(CHECKPOINT_MODES[op.mode]!).catch((error: unknown) => {
          if (!isOmbraError(error, 'CHECKPOINT_BUSY')) throw error;
        });
        continue;
      }
      if (op.t === 'commit' || op.t === 'commitAsync' || op.t === 'rollback') {
        if (txn === null) continue;
        if (op.t === 'commit') {
          const wrote = txn.changed;
          txn.commit(); // when it wrote, the sync covers every earlier commit too
          committed = m;
          candidates = wrote ? [committed] : [...candidates.slice(0, -1), committed];
          verifyCommitted();
        } else if (op.t === 'commitAsync') {
          const durable = txn.commitAsync();
          durable.catch(() => undefined); // a crash may come first
          pendingSyncs.push(durable);
          committed = m;
          candidates.push(committed);
          verifyCommitted();
        } else {
          txn.rollback();
          m = committed;
        }
        txn = null;
        g = null;
        continue;
      }
      if (txn === null) {
        txn = db.pager.beginWrite();
        g = new GraphWriter(txn, db.shared);
        m = committed.clone();
      }
      const w = g!;
      switch (op.t) {
        case 'query':
          compareQueries(w, m);
          break;
        case 'createNode': {
          const labels = LABELS.filter((_, i) => op.labels & (1 << i));
          both('createNode', () => w.createNode(labels, toMap(op.props)), () => m.createNode(labels, toMap(op.props)));
          break;
        }
        case 'deleteNode': {
          const id = pick(op.node, m.nodes.keys(), m.nextNodeId);
          both(`deleteNode ${id}`, () => w.deleteNode(id, { detach: op.detach }), () => m.deleteNode(id, op.detach));
          break;
        }
        case 'setProperty': {
          const id = pick(op.node, m.nodes.keys(), m.nextNodeId);
          const value = op.value === null ? null : VALUES[op.value]!;
          both(`setNodeProperty ${id}`, () => w.setNodeProperty(id, KEYS[op.key]!, value), () => m.setNodeProperty(id, KEYS[op.key]!, value));
          break;
        }
        case 'mergeProperties': {
          const id = pick(op.node, m.nodes.keys(), m.nextNodeId);
          both(`mergeNodeProperties ${id}`, () => w.mergeNodeProperties(id, toMap(op.props)), () => m.mergeNodeProperties(id, toMap(op.props)));
          break;
        }
        case 'replaceProperties': {
          const id = pick(op.node, m.nodes.keys(), m.nextNodeId);
          both(`replaceNodeProperties ${id}`, () => w.replaceNodeProperties(id, toMap(op.props)), () => m.replaceNodeProperties(id, toMap(op.props)));
          break;
        }
        case 'addLabel': {
          const id = pick(op.node, m.nodes.keys(), m.nextNodeId);
          both(`addNodeLabel ${id}`, () => w.addNodeLabel(id, LABELS[op.label]!), () => m.addNodeLabel(id, LABELS[op.label]!));
          break;
        }
        case 'removeLabel': {
          const id = pick(op.node, m.nodes.keys(), m.nextNodeId);
          both(`removeNodeLabel ${id}`, () => w.removeNodeLabel(id, LABELS[op.label]!), () => m.removeNodeLabel(id, LABELS[op.label]!));
          break;
        }
        case 'createRelationship': {
          const a = pick(op.a, m.nodes.keys(), m.nextNodeId);
          const b = pick(op.b, m.nodes.keys(), m.nextNodeId);
          both(`createRelationship ${a} ${b}`, () => w.createRelationship(a, TYPES[op.type]!, b, toMap(op.props)), () => m.createRelationship(a, TYPES[op.type]!, b, toMap(op.props)));
          break;
        }
        case 'deleteRelationship': {
          const id = pick(op.rel, m.relationships.keys(), m.nextRelationshipId);
          both(`deleteRelationship ${id}`, () => w.deleteRelationship(id), () => m.deleteRelationship(id));
          break;
        }
        case 'setRelationshipProperty': {
          const id = pick(op.rel, m.relationships.keys(), m.nextRelationshipId);
          const value = op.value === null ? null : VALUES[op.value]!;
          both(`setRelationshipProperty ${id}`, () => w.setRelationshipProperty(id, KEYS[op.key]!, value), () => m.setRelationshipProperty(id, KEYS[op.key]!, value));
          break;
        }
        case 'createIndex': {
          const spec = { label: LABELS[op.label]!, key: KEYS[op.key]!, unique: op.unique, ifNotExists: op.ifNotExists };
          const strip = (i: { name: string; label: string; key: string; unique: boolean }) => ({ name: i.name, label: i.label, key: i.key, unique: i.unique });
          both(`createIndex ${JSON.stringify(spec)}`, () => strip(w.createIndex(spec)), () => strip(m.createIndex(spec)));
          break;
        }
        case 'dropIndex': {
          const names = [...m.indexes.keys()];
          const name = op.which < names.length ? names[op.which]! : `missing_${op.which}`;
          both(`dropIndex ${name}`, () => w.dropIndex(name, { ifExists: op.ifExists }), () => m.dropIndex(name, op.ifExists));
          break;
        }
      }
    }
  } finally {
    db.pager.abandon();
  }
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

describe('graph store against the model', () => {
  it('agrees through random operations, rollbacks, crashes and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(indexOpArb, { maxLength: 3 }), fc.array(opArb, { minLength: 5, maxLength: SOAK ? 150 : 70 }), (indexes, ops) => run([...indexes, ...ops])),
      { seed: testSeed(), numRuns: SOAK ? 1000 : 200 },
    );
  });

  it('agrees on long runs with bigger transactions', async () => {
    const long = fc.array(opArb.filter((op) => op.t !== 'rollback' && op.t !== 'crash'), { minLength: 100, maxLength: 400 });
    await fc.assert(
      fc.asyncProperty(long, (ops) => run(ops)),
      { seed: testSeed() ^ 0x5eed, numRuns: SOAK ? 40 : 6 },
    );
  });
});
