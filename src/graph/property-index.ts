// Property indexes: entries (index id, value, node id) in one B+tree (root slot
// PROPERTY_INDEX), ordered by value so equality and range seeks read only what matches.
// Definitions live in the catalog (catalog.ts, prefix 0x04).
//
// ENTRY, SUFFIX FORM (every entry of a non-unique index)
//   key part                  encoding
//   index id                  ordered varint (encoding.ts)
//   value                     esc(E(v)) then 00 01 — or, when E(v) is longer than
//                             INDEX_VALUE_BYTES_MAX (400) bytes, esc(first 400 bytes) then 00 02
//   node id                   ordered varint
//   B+tree value: empty
//
// ENTRY, UNIQUE FORM (a unique index's entry for an exact value: not truncated, no NaN)
//   key: index id, esc(E(v)), 00 01 — nothing after the terminator
//   B+tree value: ordered varint node id
//   The key alone then enforces I2 (a second node with an equal value collides with the B+tree
//   insert, which changes nothing), and a point lookup is one B+tree get. A unique index keeps
//   lossy (truncated) and NaN values in the suffix form, and checks them by scanning.
//
//   esc() writes each byte as is, except 0x00 as 00 FF (so 00 01 / 00 02 end the value and a
//   shorter value sorts before every longer one it is a prefix of).
//
// E(v), THE ORDER-PRESERVING VALUE ENCODING
//   type      E(v)                                                   order
//   LIST      08, each item in its item form, then 00                items lexicographic; shorter first
//   STRING    10, UTF-8 bytes (item form: 10, esc(UTF-8), 00 01)     code point order
//   BOOLEAN   20, 00 false | 01 true                                 false < true
//   INTEGER   30, F(v), T(v)                                         numeric, across INTEGER and FLOAT
//   FLOAT     30, F(v), 80 00
//
//   F(v) = 8-byte order key of the double nearest v (storage/keys.ts f64: sign-flipped IEEE bits,
//   −0 as +0, every NaN as the canonical NaN, which sorts after +Infinity).
//   T(v) = u16 big-endian 0x8000 + (v − that double): an INTEGER beyond 2^53 differs from its
//   nearest double by at most 1024, so T keeps such integers apart and in order.
//   The type tags follow openCypher's orderability (LIST < STRING < BOOLEAN < NUMBER).
//
// Consequences:
//  - Two values have equal keys exactly when openCypher says they are equal (1 = 1.0; [1] =
//    [1.0]), NaN aside: NaN is stored (under its own key) but a seek for NaN finds nothing.
//  - A long value's key is lossy: values sharing their first 400 encoded bytes share a key.
//    Truncated keys still sort correctly against every other key (a full key holds ≤ 400 raw
//    bytes, so it never has a truncated key's 400 bytes as a proper prefix); only entries
//    inside such a shared group are checked against the record (exactCheck below).
//  - Lists are indexed (they are storable: lists of scalars). Maps are never stored.
//
// Invariants (checked by check.ts):
//  (I1) For each index (label L, key K) and each node n carrying L with a value v for K,
//       there is exactly one entry (index, v, n), and no other entries.
//  (I2) A unique index has no two entries whose values are equal (openCypher equality), and
//       holds exact non-NaN values in the unique form, the others in the suffix form.
//  (I3) Entries of an index id exist only while its definition does.

import { CorruptionError, GraphError, isOmbraError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import type { Cursor } from '../storage/btree-cursor.js';
import { prefixUpperBound } from '../storage/keys.js';
import { ROOT_SLOT } from '../storage/meta.js';
import { NO_BYTES } from '../storage/scratch.js';
import type { PageStore } from '../storage/types.js';
import type { IndexDefinition } from './catalog.js';
import { ByteBuffer, orderedVarintEnd, putOrderedVarint, readOrderedVarint } from './encoding.js';
import { containsNaN, propertyValuesEqual } from './property-rules.js';
import type { PropertyValue } from './value.js';

/** Raw value bytes kept in a key before it is truncated. */
export const INDEX_VALUE_BYTES_MAX = 400;

export const INDEX_VALUE_TAG = { LIST: 0x08, STRING: 0x10, BOOLEAN: 0x20, NUMBER: 0x30 } as const;

const END_FULL = 0x01;
const END_TRUNCATED = 0x02;
const TWO_53 = 2n ** 53n;
/** −TWO_53, made once: a BigInt negation in the test allocated a BigInt per key built. */
const MINUS_TWO_53 = -TWO_53;

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Append F(v): the order key of a double. */
function putF64Key(bb: ByteBuffer, value: number): void {
  bb.ensure(8);
  const b = bb.buf;
  const at = bb.length;
  f64[0] = value !== value ? NaN : value === 0 ? 0 : value;
  if (value !== value) {
    b[at] = 0x7f;
    b[at + 1] = 0xf8;
    for (let i = 2; i < 8; i++) b[at + i] = 0;
  } else if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) b[at + i] = f64Bytes[7 - i]!;
  else for (let i = 0; i < 8; i++) b[at + i] = f64Bytes[i]!;
  if (b[at]! & 0x80) for (let i = at; i < at + 8; i++) b[i] = ~b[i]! & 0xff;
  else b[at] = b[at]! | 0x80;
  bb.length = at + 8;
}

function putNumber(bb: ByteBuffer, value: bigint | number): void {
  bb.u8(INDEX_VALUE_TAG.NUMBER);
  if (typeof value === 'number') {
    putF64Key(bb, value);
    bb.u8(0x80).u8(0x00);
    return;
  }
  const nearest = Number(value);
  putF64Key(bb, nearest);
  const diff = value > MINUS_TWO_53 && value < TWO_53 ? 0 : Number(value - BigInt(nearest));
  const t = 0x8000 + diff;
  bb.u8(t >>> 8).u8(t & 0xff);
}

function putUtf8(bb: ByteBuffer, value: string, escaped: boolean): void {
  const n = value.length;
  bb.ensure(n * 3 + 2);
  let p = bb.length;
  const b = bb.buf;
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) break;
    b[p++] = c;
    if (c === 0 && escaped) b[p++] = 0xff;
  }
  bb.length = p;
  if (i < n) {
    const tail = utf8.encode(value.slice(i));
    if (!escaped) bb.bytes(tail);
    else {
      bb.ensure(tail.length * 2);
      for (const x of tail) {
        bb.buf[bb.length++] = x;
        if (x === 0) bb.buf[bb.length++] = 0xff;
      }
    }
  }
}

/** Append E(v) (top level: `item` false) or its self-delimiting item form. */
function putRawValue(bb: ByteBuffer, value: PropertyValue, item: boolean): void {
  switch (typeof value) {
    case 'boolean':
      bb.u8(INDEX_VALUE_TAG.BOOLEAN).u8(value ? 1 : 0);
      return;
    case 'bigint':
    case 'number':
      putNumber(bb, value);
      return;
    case 'string':
      bb.u8(INDEX_VALUE_TAG.STRING);
      putUtf8(bb, value, item);
      if (item) bb.u8(0x00).u8(0x01);
      return;
    default:
      break;
  }
  if (Array.isArray(value)) {
    bb.u8(INDEX_VALUE_TAG.LIST);
    for (const element of value) putRawValue(bb, element, true);
    bb.u8(0x00);
    return;
  }
  throw new GraphError('PROPERTY_TYPE', `a ${value === null ? 'null' : 'map'} value cannot be indexed`, {});
}

/** Builds entry keys into reusable buffers. */
export class IndexKeyBuilder {
  private readonly raw = new ByteBuffer(64);
  readonly key = new ByteBuffer(64);
  /** Set by valuePrefix: the value's key was truncated (lossy). */
  truncated = false;

  /** key = index id + esc(E(v)) + terminator. Returns the key length. */
  valuePrefix(indexId: number, value: PropertyValue): number {
    const raw = this.raw.reset();
    putRawValue(raw, value, false);
    const rawLength = raw.length;
    const cut = rawLength > INDEX_VALUE_BYTES_MAX ? INDEX_VALUE_BYTES_MAX : rawLength;
    this.truncated = cut < rawLength;
    const key = this.key.reset();
    key.ensure(9 + 2 * cut + 2 + 9);
    const b = key.buf;
    let p = putOrderedVarint(b, 0, indexId);
    const r = raw.buf;
    for (let i = 0; i < cut; i++) {
      const x = r[i]!;
      b[p++] = x;
      if (x === 0) b[p++] = 0xff;
    }
    b[p++] = 0x00;
    b[p++] = this.truncated ? END_TRUNCATED : END_FULL;
    key.length = p;
    return p;
  }

  /** key = value prefix + node id; a view valid until the next build. */
  entry(indexId: number, value: PropertyValue, nodeId: number): Uint8Array {
    this.valuePrefix(indexId, value);
    return this.key.ordered(nodeId).view();
  }

  /** key = index id alone (every entry of the index starts with it). */
  indexPrefix(indexId: number): Uint8Array {
    return this.key.reset().ordered(indexId).copy();
  }

  /** key = index id + 30 + esc(F(NaN)): every NaN entry of the index starts here, every other number sorts before. */
  nanStart(indexId: number): Uint8Array {
    const raw = this.raw.reset().u8(INDEX_VALUE_TAG.NUMBER);
    putF64Key(raw, NaN);
    const key = this.key.reset().ordered(indexId);
    for (let i = 0; i < raw.length; i++) {
      key.u8(raw.buf[i]!);
      if (raw.buf[i] === 0) key.u8(0xff);
    }
    return key.copy();
  }

  /** key = index id + tag: the start of one type group. */
  groupPrefix(indexId: number, tag: number): Uint8Array {
    return this.key.reset().ordered(indexId).u8(tag).copy();
  }
}

/** Where the node id of an entry key starts: after the value terminator. */
export function entryNodeIdOffset(key: Uint8Array, from: number): number {
  for (let i = from; i < key.length - 1; i++) {
    if (key[i] !== 0) continue;
    const next = key[i + 1]!;
    if (next === END_FULL || next === END_TRUNCATED) return i + 2;
    if (next !== 0xff) break;
    i++;
  }
  throw new CorruptionError('property index: entry key has no value terminator', { tree: 'property-index' });
}

/** A decoded entry (check, statistics). */
export interface IndexEntry {
  indexId: number;
  nodeId: number;
  /** Offset where the value part ends (terminator included): key[0..valueEnd) groups equal values. */
  valueEnd: number;
  truncated: boolean;
  /** Unique form: the node id is the B+tree value. */
  uniqueForm: boolean;
}

export function decodeEntry(key: Uint8Array, value: Uint8Array): IndexEntry {
  const indexId = readOrderedVarint(key, 0);
  const valueEnd = entryNodeIdOffset(key, orderedVarintEnd);
  const truncated = key[valueEnd - 1] === END_TRUNCATED;
  if (valueEnd === key.length) {
    if (truncated) throw new CorruptionError('property index: a truncated value has no node id in its key', { tree: 'property-index' });
    const nodeId = readOrderedVarint(value, 0);
    if (orderedVarintEnd !== value.length) throw new CorruptionError('property index: unique entry value is not one node id', { tree: 'property-index' });
    return { indexId, nodeId, valueEnd, truncated, uniqueForm: true };
  }
  const nodeId = readOrderedVarint(key, valueEnd);
  if (orderedVarintEnd !== key.length) throw new CorruptionError('property index: entry key has bytes after its node id', { tree: 'property-index' });
  if (value.length !== 0) throw new CorruptionError('property index: suffix-form entry has a value', { tree: 'property-index' });
  return { indexId, nodeId, valueEnd, truncated, uniqueForm: false };
}

export interface RangeBound {
  value: PropertyValue;
  inclusive: boolean;
}
export interface PropertyRange {
  lower?: RangeBound;
  upper?: RangeBound;
}

export interface IndexStatistics {
  entries: number;
  /** Distinct values (values sharing a truncated 400-byte key count once). */
  distinctValues: number;
  /** distinctValues / entries (1 for an empty index): the chance two entries differ, as Neo4j reports it. */
  selectivity: number;
}

/** Read a node's current value for the indexed key (exact checks of lossy keys). */
export type ValueOf = (nodeId: number) => PropertyValue | undefined;

/** The property index tree of one transaction. */
export class PropertyIndexStore {
  private treeOrNull: BTree | null = null;
  private pointCursor: Cursor | null = null;
  private readonly keys = new IndexKeyBuilder();
  private readonly idBuf = new Uint8Array(9);
  /** idViews[n] = idBuf.subarray(0, n), made once (nodeIdView). */
  private readonly idViews: (Uint8Array | undefined)[] = [];

  constructor(private readonly store: PageStore) {}

  get tree(): BTree {
    return (this.treeOrNull ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.PROPERTY_INDEX), { name: 'property-index' }));
  }

  /** Build the value prefix of (def, value); true when the entry takes the unique form. */
  private prefix(def: IndexDefinition, value: PropertyValue): boolean {
    this.keys.valuePrefix(def.id, value);
    return def.unique && !this.keys.truncated && !containsNaN(value);
  }

  private nodeIdBytes(nodeId: number): Uint8Array {
    return this.idBuf.slice(0, putOrderedVarint(this.idBuf, 0, nodeId));
  }

  /** nodeIdBytes without the copy: a view valid until the next call, for a B+tree put (which copies). */
  private nodeIdView(nodeId: number): Uint8Array {
    const n = putOrderedVarint(this.idBuf, 0, nodeId);
    return (this.idViews[n] ??= this.idBuf.subarray(0, n));
  }

  /**
   * Add the entry for (def, value, node), which must not collide (callers check unique
   * indexes first: firstEqual). Cost: one B+tree put.
   */
  insert(def: IndexDefinition, value: PropertyValue, nodeId: number): void {
    if (this.prefix(def, value)) this.tree.put(this.keys.key.view(), this.nodeIdView(nodeId));
    else this.tree.put(this.keys.key.ordered(nodeId).view(), NO_BYTES);
  }

  /**
   * Add the entry of a unique index unless another node holds an equal value; returns that
   * node's id (changing nothing) or −1. Cost: one B+tree insert for an exact value (the key
   * collision is the check), a scan of the value's group plus a put otherwise.
   */
  insertUnique(def: IndexDefinition, value: PropertyValue, nodeId: number, valueOf: ValueOf): number {
    if (this.prefix(def, value)) {
      const key = this.keys.key.view();
      try {
        this.tree.insert(key, this.nodeIdView(nodeId));
        return -1;
      } catch (error) {
        if (!isOmbraError(error, 'KEY_EXISTS')) throw error;
        const held = this.tree.get(key);
        return held === undefined ? -1 : readOrderedVarint(held, 0);
      }
    }
    const other = this.firstEqual(def, value, valueOf, nodeId);
    if (other !== undefined) return other;
    this.insert(def, value, nodeId);
    return -1;
  }

  /** Remove the entry for (def, value, node); false when it was not there (or is another node's). */
  remove(def: IndexDefinition, value: PropertyValue, nodeId: number): boolean {
    if (this.prefix(def, value)) {
      const key = this.keys.key.copy();
      const held = this.tree.get(key);
      if (held === undefined || readOrderedVarint(held, 0) !== nodeId) return false;
      return this.tree.delete(key);
    }
    return this.tree.delete(this.keys.key.ordered(nodeId).view());
  }

  /** The entry (key, B+tree value) that (def, value, node) must have, copied (check). */
  expectedEntry(def: IndexDefinition, value: PropertyValue, nodeId: number): { key: Uint8Array; value: Uint8Array } {
    if (this.prefix(def, value)) return { key: this.keys.key.copy(), value: this.nodeIdBytes(nodeId) };
    return { key: this.keys.key.ordered(nodeId).copy(), value: NO_BYTES };
  }

  /**
   * First node other than `except` whose value equals `value`, or undefined. Cost: one get for
   * an exact value of a unique index; else one seek plus a record read per entry of a
   * truncated group.
   */
  firstEqual(def: IndexDefinition, value: PropertyValue, valueOf: ValueOf, except = -1): number | undefined {
    if (value === null || containsNaN(value)) return undefined;
    const tree = this.tree;
    if (this.prefix(def, value)) {
      // Read in place (no copy of the value): nothing runs between the lookup and the read.
      if (!tree.locate(this.keys.key.view())) return undefined;
      const nodeId = readOrderedVarint(tree.locatedBuf, tree.locatedStart, tree.locatedEnd);
      return nodeId === except ? undefined : nodeId;
    }
    const n = this.keys.key.length;
    const truncated = this.keys.truncated;
    // Eager and not re-entered (valueOf reads the nodes tree), so one cursor and the key view serve every call.
    const prefix = truncated ? this.keys.key.copy() : this.keys.key.view();
    const cur = (this.pointCursor ??= tree.cursor());
    cur.seek(prefix);
    while (cur.valid && cur.keyStartsWith(prefix)) {
      const key = cur.key;
      if (key.length > n) {
        const nodeId = readOrderedVarint(key, n);
        if (nodeId !== except && (!truncated || exactMatch(valueOf(nodeId), value))) return nodeId;
      }
      cur.next();
    }
    return undefined;
  }

  /** Nodes whose value equals `value`, in node id order; lazy. */
  *seekEqual(def: IndexDefinition, value: PropertyValue, valueOf: ValueOf): Generator<number> {
    if (value === null || containsNaN(value)) return;
    if (this.prefix(def, value)) {
      const held = this.tree.get(this.keys.key.view());
      if (held !== undefined) yield readOrderedVarint(held, 0);
      return;
    }
    const n = this.keys.key.length;
    const truncated = this.keys.truncated;
    const prefix = this.keys.key.copy();
    const cur = this.tree.cursor();
    cur.seek(prefix);
    while (cur.valid && cur.keyStartsWith(prefix)) {
      const key = cur.key;
      if (key.length > n) {
        const nodeId = readOrderedVarint(key, n);
        if (!truncated || exactMatch(valueOf(nodeId), value)) yield nodeId;
      }
      cur.next();
    }
  }

  /**
   * Nodes whose value lies in the range, in value order; lazy. Bounds must be of one type
   * (numbers, strings or booleans); a null or NaN bound, or bounds of two types, match
   * nothing (openCypher: such a comparison is null). Lists as bounds: INVALID_ARGUMENT.
   */
  *seekRange(def: IndexDefinition, range: PropertyRange, valueOf: ValueOf): Generator<number> {
    const { lower, upper } = range;
    if (lower === undefined && upper === undefined) {
      throw new GraphError('INVALID_ARGUMENT', 'a range seek needs a lower or an upper bound', {});
    }
    const tagLower = lower === undefined ? undefined : boundTag(lower.value);
    const tagUpper = upper === undefined ? undefined : boundTag(upper.value);
    if (tagLower === null || tagUpper === null) return;
    if (tagLower !== undefined && tagUpper !== undefined && tagLower !== tagUpper) return;
    const tag = (tagLower ?? tagUpper)!;
    const keys = this.keys;

    let from = keys.groupPrefix(def.id, tag);
    let fromGroup: Uint8Array | null = null; // truncated lower bound: entries here need an exact check
    if (lower !== undefined) {
      keys.valuePrefix(def.id, lower.value);
      const k = keys.key.copy();
      if (keys.truncated) {
        from = k;
        fromGroup = k;
      } else from = lower.inclusive ? k : prefixUpperBound(k)!;
    }
    let to: Uint8Array | undefined;
    let toGroup: Uint8Array | null = null;
    if (upper !== undefined) {
      keys.valuePrefix(def.id, upper.value);
      const k = keys.key.copy();
      if (keys.truncated) {
        to = prefixUpperBound(k);
        toGroup = k;
      } else to = upper.inclusive ? prefixUpperBound(k) : k;
    } else if (tag === INDEX_VALUE_TAG.NUMBER) {
      to = keys.nanStart(def.id); // NaN sorts after +Infinity and compares with nothing
    } else {
      to = prefixUpperBound(keys.groupPrefix(def.id, tag));
    }
    const cur = this.tree.cursor();
    cur.seek(from);
    while (cur.valid && (to === undefined || cur.compareKey(to) < 0)) {
      const key = cur.key;
      const at = entryNodeIdOffset(key, 1);
      const nodeId = at === key.length ? readOrderedVarint(cur.value, 0) : readOrderedVarint(key, at);
      const inLowerGroup = fromGroup !== null && startsWithBytes(key, fromGroup);
      const inUpperGroup = toGroup !== null && startsWithBytes(key, toGroup);
      if (!inLowerGroup && !inUpperGroup) yield nodeId;
      else {
        const v = valueOf(nodeId);
        if (v !== undefined && inRange(v, range)) yield nodeId;
      }
      cur.next();
    }
  }

  /** Remove every entry of an index; returns how many. Cost: O(entries) (leaf runs at once). */
  dropEntries(indexId: number): number {
    const prefix = this.keys.indexPrefix(indexId);
    return this.tree.deleteRange(prefix, prefixUpperBound(prefix));
  }

  /** Entry count, distinct values and selectivity of an index. Cost: reads every entry of the index. */
  statistics(indexId: number): IndexStatistics {
    const prefix = this.keys.indexPrefix(indexId);
    let entries = 0;
    let distinct = 0;
    let previous: Uint8Array | null = null;
    let previousEnd = 0;
    const cur = this.tree.cursor();
    cur.seek(prefix);
    while (cur.valid && cur.keyStartsWith(prefix)) {
      const key = cur.key;
      const end = entryNodeIdOffset(key, prefix.length);
      entries++;
      if (previous === null || previousEnd !== end || !sameBytes(previous, key, end)) distinct++;
      previous = key;
      previousEnd = end;
      cur.next();
    }
    return { entries, distinctValues: distinct, selectivity: entries === 0 ? 1 : distinct / entries };
  }
}

function exactMatch(stored: PropertyValue | undefined, value: PropertyValue): boolean {
  return stored !== undefined && propertyValuesEqual(stored, value);
}

/** Type tag of a range bound; null when the bound matches nothing (null, NaN). */
function boundTag(value: PropertyValue): number | null {
  switch (typeof value) {
    case 'bigint':
      return INDEX_VALUE_TAG.NUMBER;
    case 'number':
      return value !== value ? null : INDEX_VALUE_TAG.NUMBER;
    case 'string':
      return INDEX_VALUE_TAG.STRING;
    case 'boolean':
      return INDEX_VALUE_TAG.BOOLEAN;
    default:
      if (value === null) return null;
      throw new GraphError('INVALID_ARGUMENT', `a range seek bound must be a number, string or boolean, not a ${Array.isArray(value) ? 'list' : 'map'}`, {});
  }
}

/** openCypher comparison of a stored value with the bounds (exact checks of lossy keys). */
export function inRange(value: PropertyValue, range: PropertyRange): boolean {
  const { lower, upper } = range;
  if (lower !== undefined) {
    const c = compareScalars(value, lower.value);
    if (c === null || c < 0 || (c === 0 && !lower.inclusive)) return false;
  }
  if (upper !== undefined) {
    const c = compareScalars(value, upper.value);
    if (c === null || c > 0 || (c === 0 && !upper.inclusive)) return false;
  }
  return true;
}

/** Compare two scalars of one type class; null when openCypher gives null (types differ, NaN). */
export function compareScalars(a: PropertyValue, b: PropertyValue): number | null {
  const ta = typeof a;
  const tb = typeof b;
  const numA = ta === 'bigint' || ta === 'number';
  const numB = tb === 'bigint' || tb === 'number';
  if (numA && numB) {
    if ((ta === 'number' && a !== a) || (tb === 'number' && b !== b)) return null;
    if (ta === 'bigint' && tb === 'bigint') return a === b ? 0 : (a as bigint) < (b as bigint) ? -1 : 1;
    return compareMixedNumbers(a as bigint | number, b as bigint | number);
  }
  if (ta === 'string' && tb === 'string') return a === b ? 0 : compareCodePoints(a as string, b as string);
  if (ta === 'boolean' && tb === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return null;
}

function compareMixedNumbers(a: bigint | number, b: bigint | number): number {
  // Exact: compare as (nearest double, remainder) like the key encoding does.
  const da = Number(a);
  const db = Number(b);
  if (da !== db) return da < db ? -1 : 1;
  if (!Number.isFinite(da)) return 0;
  const ra = typeof a === 'bigint' ? a - BigInt(da) : 0n;
  const rb = typeof b === 'bigint' ? b - BigInt(db) : 0n;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

/** Code point order (UTF-16 code unit order differs for astral characters). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx === sy) return x - y;
    return sx ? 1 : -1; // a surrogate (astral) sorts after every BMP character above it
  }
  return a.length - b.length;
}

function startsWithBytes(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
