// The catalog: names of labels, relationship types and property keys ↔ u32 ids, label
// counts and index definitions, in one B+tree (root slot CATALOG).
//
// CATALOG TREE (ordered varints and LEB128 varints: encoding.ts; escaped strings: storage/keys.ts)
//
//   key                                          value
//   0x01  u8 kind  name (escaped, 00 01 end)     varint id                  name → id
//   0x02  ordered id                             u8 kind, UTF-8 name        id → name
//   0x03  ordered label id                       varint node count          nodes carrying the label
//   0x04  ordered index id                       index definition (below)
//
//   kind: 1 label, 2 relationship type, 3 property key. Ids come from one counter
//   (COUNTER.NEXT_CATALOG_ID) shared by the three kinds and are never reused or renamed.
//
// INDEX DEFINITION
//   offset  size  type    meaning
//   0       1     u8      record type 0x49 ('I'); 0 is invalid
//   1       1     u8      flags: bit 0 = unique
//   2       v     varint  label id
//   ..      v     varint  property key id
//   ..      v     varint  name length in bytes, then the UTF-8 name
//
// CACHE (correct under rollback, cheap on the hot path)
//   CatalogCache, one per open database (GraphShared), holds ids 0..count−1 as committed.
//   A read transaction adds to it (a read snapshot is always committed). A write
//   transaction keeps the names it creates, and the ones it loads beyond the cache, in its
//   own CatalogView overlay, which dies with the transaction: a rollback leaves no trace.
//   Once the write transaction has committed, its overlay is committed state too, and
//   publishCommitted() adds it to the cache: otherwise a run of autocommit writes (which
//   take no read snapshot, session.ts Q6) would reload every name created since the last
//   read in each transaction.
//
// Invariants:
//  (C1) Entries 0x01 and 0x02 are inverse: every name has exactly one id and back.
//  (C2) Every id in the catalog is < NEXT_CATALOG_ID; ids are dense (0..NEXT_CATALOG_ID−1).
//  (C3) The 0x03 count of a label equals the number of label-index entries under it, and is
//       absent when that number is 0.
//  (C4) A committed id is never reassigned, so the cache's ids 0..count−1 are valid in every
//       snapshot whose NEXT_CATALOG_ID ≥ id + 1, and ids ≥ NEXT_CATALOG_ID do not exist there.

import { CorruptionError, GraphError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { KeyBuilder, KeyReader } from '../storage/keys.js';
import { COUNTER, ROOT_SLOT } from '../storage/meta.js';
import { canDefer } from '../storage/transaction.js';
import type { PageStore } from '../storage/types.js';
import { ByteBuffer, readOrderedVarint, readVarint, varintEnd } from './encoding.js';
import { decodeUtf8 } from './record.js';

export const CATALOG_KIND = { LABEL: 1, TYPE: 2, KEY: 3 } as const;
export type CatalogKind = (typeof CATALOG_KIND)[keyof typeof CATALOG_KIND];

export const CATALOG_PREFIX = { NAME: 0x01, ID: 0x02, LABEL_COUNT: 0x03, INDEX: 0x04 } as const;
export const INDEX_DEFINITION_TYPE = 0x49;

const KIND_NAMES: Record<number, string> = { 1: 'label', 2: 'relationship type', 3: 'property key' };
export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `kind ${kind}`;
}

/** A persistent index definition (property-index.ts keeps its entries). */
export interface IndexDefinition {
  id: number;
  name: string;
  labelId: number;
  keyId: number;
  unique: boolean;
}

/** Committed catalog names of one open database (see CACHE above). */
export class CatalogCache {
  /** Ids 0..count−1 are loaded. */
  count = 0;
  readonly names: string[] = [];
  readonly kinds: number[] = [];
  readonly byName: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map()];

  add(id: number, kind: number, name: string): void {
    this.names[id] = name;
    this.kinds[id] = kind;
    this.byName[kind]!.set(name, id);
  }

  clear(): void {
    this.count = 0;
    this.names.length = 0;
    this.kinds.length = 0;
    for (const map of this.byName) map.clear();
  }
}

const utf8 = new TextEncoder();

/**
 * What every CatalogView of one write transaction shares. Dies with the transaction object,
 * so a rollback leaves nothing behind. One object (one WeakMap entry) per transaction, which
 * each view keeps in a field: a WeakMap entry per fresh key costs ~0.3–1 µs here.
 */
interface WriterState {
  /** The first view made on the transaction: the one publishCommitted() publishes (CACHE). */
  readonly firstView: CatalogView;
  /**
   * Label counts the transaction has read or written (every write of a count goes through
   * adjustLabelCount), so a count is read from the tree at most once per transaction.
   */
  counts: Map<number, number> | null;
  /** Labels whose count in `counts` is not in the tree yet (deferred, transaction.ts T5). */
  pending: Set<number> | null;
}
const writerStates = new WeakMap<PageStore, WriterState>();
/**
 * Scratch for label-count keys and values, shared by every view: made once, not per
 * transaction (a fresh ArrayBuffer costs µs here), and B+tree get, put and delete keep no key
 * or value. The deferred flush has its own: it runs inside a catalog read (transaction.ts
 * T5) while that read's key lies in countReadKey.
 */
const countReadKey = new ByteBuffer(16);
const countFlushKey = new ByteBuffer(16);
const countFlushValue = new ByteBuffer(16);

/**
 * After the write transaction `store` has committed: add the names its first catalog view
 * loaded or created to `cache`, when that view was made over this very cache (CACHE). Cost:
 * a WeakMap lookup, plus a Map insert per name new to the cache.
 */
export function publishCommitted(store: PageStore, cache: CatalogCache): void {
  const view = writerStates.get(store)?.firstView;
  if (view !== undefined && view.cache === cache) view.publishTo(cache);
}

/** One transaction's view of the catalog: the shared cache plus a private overlay. */
export class CatalogView {
  private treeOrNull: BTree | null = null;
  /** Ids below this are resolvable: loaded into the cache (readers) or the overlay. */
  private loadedTo: number;
  /** Writers only: names loaded or created in this transaction beyond the cache (made on first use). */
  private overlay: { names: Map<number, string>; kinds: Map<number, number>; byName: Map<string, number>[] } | null = null;
  private kbOrNull: KeyBuilder | null = null;
  private bbOrNull: ByteBuffer | null = null;
  /** Writers only: the state shared with the transaction's other views. */
  private readonly writer: WriterState | null = null;

  constructor(
    private readonly store: PageStore,
    readonly cache: CatalogCache,
  ) {
    const counter = this.counter();
    this.loadedTo = Math.min(counter, cache.count);
    if (store.writable) {
      let state = writerStates.get(store);
      if (state === undefined) writerStates.set(store, (state = { firstView: this, counts: null, pending: null }));
      this.writer = state;
    }
    if (counter > cache.count) this.loadRange(cache.count, counter);
  }

  private get kb(): KeyBuilder {
    return (this.kbOrNull ??= new KeyBuilder(64));
  }

  private get bb(): ByteBuffer {
    return (this.bbOrNull ??= new ByteBuffer(32));
  }

  private get own(): { names: Map<number, string>; kinds: Map<number, number>; byName: Map<string, number>[] } {
    return (this.overlay ??= { names: new Map(), kinds: new Map(), byName: [new Map(), new Map(), new Map(), new Map()] });
  }

  get tree(): BTree {
    return (this.treeOrNull ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.CATALOG), { name: 'catalog' }));
  }

  /** NEXT_CATALOG_ID of this transaction. */
  counter(): number {
    return Number(this.store.getCounter(COUNTER.NEXT_CATALOG_ID));
  }

  /** Id of a name, or undefined when this snapshot has no such name. Cost: a Map lookup. */
  idOf(kind: CatalogKind, name: string): number | undefined {
    const id = this.cache.byName[kind]!.get(name);
    if (id !== undefined && id < this.loadedTo) return id;
    const own = this.overlay?.byName[kind]!.get(name);
    if (own !== undefined) return own;
    // Another view on the same write transaction may have created it since.
    if (this.store.writable && this.counter() > this.loadedTo) {
      this.loadRange(this.loadedTo, this.counter());
      return this.idOf(kind, name);
    }
    return undefined;
  }

  /** Name of an id found in a record or key; CorruptionError when the catalog lacks it. */
  nameOf(id: number): string {
    if (id < this.loadedTo && id < this.cache.count) return this.cache.names[id]!;
    const own = this.overlay?.names.get(id);
    if (own !== undefined) return own;
    if (this.counter() > this.loadedTo) {
      this.loadRange(this.loadedTo, this.counter());
      return this.nameOf(id);
    }
    throw new CorruptionError(`catalog: id ${id} is used by the graph but has no name (catalog holds ids below ${this.loadedTo})`, { id, tree: 'catalog' });
  }

  /** Kind of an id (check). */
  kindOf(id: number): number | undefined {
    if (id < this.loadedTo && id < this.cache.count) return this.cache.kinds[id];
    return this.overlay?.kinds.get(id);
  }

  /** Id of a name, creating it when missing (writers). Cost: a Map lookup; two B+tree inserts when new. */
  ensureId(kind: CatalogKind, name: string): number {
    const found = this.idOf(kind, name);
    if (found !== undefined) return found;
    if (typeof name !== 'string') throw new GraphError('INVALID_ARGUMENT', `a ${kindName(kind)} name must be a string, not ${typeof name}`, {});
    const nameKey = this.nameKey(kind, name);
    const id = this.counter();
    const tree = this.tree;
    if (nameKey.length > tree.maxKeyBytes) {
      throw new GraphError('INVALID_ARGUMENT', `${kindName(kind)} name of ${name.length} characters is too long for the catalog (at most ${tree.maxKeyBytes - 4} UTF-8 bytes at this page size)`, {
        kind: kindName(kind),
      });
    }
    const bytes = utf8.encode(name);
    const value = new Uint8Array(1 + bytes.length);
    value[0] = kind;
    value.set(bytes, 1);
    tree.insert(nameKey, this.bb.reset().varint(id).copy());
    tree.insert(this.idKey(id), value);
    this.store.setCounter(COUNTER.NEXT_CATALOG_ID, BigInt(id + 1));
    const own = this.own;
    own.names.set(id, name);
    own.kinds.set(id, kind);
    own.byName[kind]!.set(name, id);
    this.loadedTo = id + 1;
    return id;
  }

  /**
   * Add the names this writer's view loaded or created (overlay ids from the cache's count up)
   * to the cache; only once its transaction has committed (publishCommitted). The overlay
   * holds every id in [cache count when made, loadedTo): loadRange and ensureId extend it
   * without gaps, and the cache only grows.
   */
  publishTo(cache: CatalogCache): void {
    const own = this.overlay;
    if (own === null) return;
    let id = cache.count;
    for (; id < this.loadedTo; id++) {
      const name = own.names.get(id);
      const kind = own.kinds.get(id);
      if (name === undefined || kind === undefined) break;
      cache.add(id, kind, name);
    }
    cache.count = id;
  }

  /** Every name of a kind visible to this transaction, in id order. */
  names(kind: CatalogKind): string[] {
    this.refresh();
    const out: string[] = [];
    const limit = Math.min(this.loadedTo, this.cache.count);
    for (let id = 0; id < limit; id++) if (this.cache.kinds[id] === kind) out.push(this.cache.names[id]!);
    if (this.overlay !== null) {
      const ids = [...this.overlay.kinds].filter(([, k]) => k === kind).map(([id]) => id);
      ids.sort((a, b) => a - b);
      for (const id of ids) out.push(this.overlay.names.get(id)!);
    }
    return out;
  }

  private refresh(): void {
    const counter = this.counter();
    if (counter > this.loadedTo) this.loadRange(this.loadedTo, counter);
  }

  private nameKey(kind: number, name: string): Uint8Array {
    return this.kb.reset().u8(CATALOG_PREFIX.NAME).u8(kind).string(name).finish();
  }

  private idKey(id: number): Uint8Array {
    return this.bb.reset().u8(CATALOG_PREFIX.ID).ordered(id).copy();
  }

  /** Load ids [from, to) from the tree: into the cache for a read snapshot, else the overlay. */
  private loadRange(from: number, to: number): void {
    const publish = !this.store.writable && from === this.cache.count;
    const lo = this.idKey(from);
    const hi = this.idKey(to);
    let expected = from;
    for (const { key, value } of this.tree.range({ from: lo, to: hi })) {
      const id = readOrderedVarint(key, 1);
      if (id !== expected) {
        throw new CorruptionError(`catalog: id ${expected} is missing (next present is ${id}; NEXT_CATALOG_ID is ${to})`, { id: expected, tree: 'catalog' });
      }
      if (value.length < 1) throw new CorruptionError(`catalog: entry for id ${id} is empty`, { id, tree: 'catalog' });
      const kind = value[0]!;
      const name = decodeUtf8(value, 1, value.length);
      if (publish) this.cache.add(id, kind, name);
      else {
        const own = this.own;
        own.names.set(id, name);
        own.kinds.set(id, kind);
        own.byName[kind]?.set(name, id);
      }
      expected++;
    }
    if (expected !== to) {
      throw new CorruptionError(`catalog: ids ${expected}..${to - 1} are missing (NEXT_CATALOG_ID is ${to})`, { id: expected, tree: 'catalog' });
    }
    if (publish) this.cache.count = to;
    this.loadedTo = to;
  }

  // ── label counts ───────────────────────────────────────────────────────────

  /** The 0x03 key of a label, as a view of `into` (valid until its next use). */
  private labelCountKey(labelId: number, into: ByteBuffer): Uint8Array {
    return into.reset().u8(CATALOG_PREFIX.LABEL_COUNT).ordered(labelId).view();
  }

  /**
   * The label's count in the tree (0 when absent). getView, even in a writer: the value is
   * decoded at once, before anything can change the page under the view.
   */
  private readLabelCount(labelId: number): number {
    const value = this.tree.getView(this.labelCountKey(labelId, countReadKey));
    return value === undefined ? 0 : readVarint(value, 0, value.length);
  }

  /**
   * Nodes carrying the label. Cost: one B+tree lookup (in a write transaction, only the first
   * time per label: the count is then known, WriterState.counts).
   */
  labelCount(labelId: number): number {
    const writer = this.writer;
    if (writer === null) return this.readLabelCount(labelId);
    const count = writer.counts?.get(labelId);
    if (count !== undefined) return count;
    const read = this.readLabelCount(labelId);
    (writer.counts ??= new Map()).set(labelId, read);
    return read;
  }

  /**
   * Add `delta` to a label's count (removing the entry at 0, invariant C3). In a write
   * transaction the new count is held in memory and written when the catalog tree is next
   * read or at commit (transaction.ts T5), so loading n nodes writes each count once, not n
   * times. Cost: a Map update (and a B+tree get the first time per transaction).
   */
  adjustLabelCount(labelId: number, delta: number): void {
    const next = this.labelCount(labelId) + delta;
    if (next < 0) throw new CorruptionError(`catalog: count of label id ${labelId} would drop below 0`, { id: labelId, tree: 'catalog' });
    const writer = this.writer;
    if (writer !== null) {
      writer.counts!.set(labelId, next); // labelCount() made counts
      const store = this.store;
      if (canDefer(store)) {
        (writer.pending ??= new Set()).add(labelId);
        store.deferUntilRead(ROOT_SLOT.CATALOG, this.flushLabelCounts);
        return;
      }
    }
    // Written at once (a read transaction's tree refuses it: READ_ONLY).
    this.writeLabelCount(labelId, next);
  }

  /** writeLabelCounts as one function made once (adjustLabelCount registers it per node created). */
  private readonly flushLabelCounts = (): void => this.writeLabelCounts();

  /** Write the held label counts (the deferred flush of the catalog slot). */
  private writeLabelCounts(): void {
    const writer = this.writer;
    if (writer === null || writer.pending === null || writer.counts === null) return;
    const pending = writer.pending;
    const written = writer.counts;
    if (pending.size === 1) {
      // The common case (one label touched): no array to sort.
      let id = 0;
      for (const only of pending) id = only;
      pending.clear();
      this.writeLabelCount(id, written.get(id)!);
      return;
    }
    const ids = [...pending].sort((a, b) => a - b);
    pending.clear();
    for (const id of ids) this.writeLabelCount(id, written.get(id)!);
  }

  private writeLabelCount(labelId: number, count: number): void {
    const key = this.labelCountKey(labelId, countFlushKey);
    if (count === 0) this.tree.delete(key);
    else this.tree.put(key, countFlushValue.reset().varint(count).view());
  }

  /** Every (label id, count) entry (check). */
  *labelCounts(): Generator<[number, number]> {
    const prefix = Uint8Array.of(CATALOG_PREFIX.LABEL_COUNT);
    for (const { key, value } of this.tree.prefix(prefix)) yield [readOrderedVarint(key, 1), readVarint(value, 0, value.length)];
  }

  // ── index definitions ────────────────────────────────────────────────────────

  private indexKey(indexId: number): Uint8Array {
    return this.bb.reset().u8(CATALOG_PREFIX.INDEX).ordered(indexId).copy();
  }

  /** Every index definition of this snapshot, by id. Cost: a prefix scan of the definitions. */
  loadIndexDefinitions(): IndexDefinition[] {
    const out: IndexDefinition[] = [];
    for (const { key, value } of this.tree.prefix(Uint8Array.of(CATALOG_PREFIX.INDEX))) {
      out.push(decodeIndexDefinition(readOrderedVarint(key, 1), value));
    }
    return out;
  }

  putIndexDefinition(def: IndexDefinition): void {
    this.tree.put(this.indexKey(def.id), encodeIndexDefinition(def));
  }

  deleteIndexDefinition(indexId: number): boolean {
    return this.tree.delete(this.indexKey(indexId));
  }

  /** Every (name key entry, id) pair and (id entry) for the check: the raw tree content. */
  *entries(): Generator<{ prefix: number; key: Uint8Array; value: Uint8Array }> {
    for (const { key, value } of this.tree.range()) yield { prefix: key[0]!, key, value };
  }
}

export function encodeIndexDefinition(def: IndexDefinition): Uint8Array {
  const name = utf8.encode(def.name);
  const bb = new ByteBuffer(16 + name.length);
  bb.u8(INDEX_DEFINITION_TYPE).u8(def.unique ? 1 : 0).varint(def.labelId).varint(def.keyId).varint(name.length).bytes(name);
  return bb.copy();
}

export function decodeIndexDefinition(id: number, value: Uint8Array): IndexDefinition {
  if (value.length < 2 || value[0] !== INDEX_DEFINITION_TYPE) {
    throw new CorruptionError(`catalog: index definition ${id} does not start with 0x49`, { id, tree: 'catalog' });
  }
  const flags = value[1]!;
  if ((flags & ~1) !== 0) throw new CorruptionError(`catalog: index definition ${id} has unknown flags 0x${flags.toString(16)}`, { id, tree: 'catalog' });
  const end = value.length;
  const labelId = readVarint(value, 2, end);
  const keyId = readVarint(value, varintEnd, end);
  const n = readVarint(value, varintEnd, end);
  const from = varintEnd;
  if (from + n !== end) throw new CorruptionError(`catalog: index definition ${id} has a bad name length`, { id, tree: 'catalog' });
  return { id, name: decodeUtf8(value, from, end), labelId, keyId, unique: (flags & 1) === 1 };
}

/** Decode a 0x01 name key into (kind, name) (check). */
export function decodeNameKey(key: Uint8Array): { kind: number; name: string } {
  const reader = new KeyReader(key, 1);
  const kind = reader.u8();
  const name = reader.string();
  if (!reader.done) throw new CorruptionError('catalog: name key has trailing bytes', { tree: 'catalog' });
  return { kind, name };
}
