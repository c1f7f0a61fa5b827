// Node and relationship records: the values of the NODES and RELATIONSHIPS B+trees, keyed by
// the ordered varint of the id (encoding.ts). Varints below are LEB128 (encoding.ts).
//
// NODE RECORD
//   offset  size  type     meaning
//   0       1     u8       record type 0x4E ('N'); 0 is invalid
//   1       v     varint   label count L
//   ..      v×L   varint   label ids, strictly ascending
//   ..      v     varint   property count P
//   ..            P × property, strictly ascending key id
//
// RELATIONSHIP RECORD
//   0       1     u8       record type 0x52 ('R')
//   1       v     varint   relationship type id
//   ..      v     varint   start node id
//   ..      v     varint   end node id
//   ..      v     varint   property count P
//   ..            P × property, strictly ascending key id
//
// PROPERTY = varint key id, then a tagged value.
//
// TAGGED VALUE (one tag byte, then the payload)
//   tag   type      payload
//   0x00  —         invalid (a zeroed record is caught)
//   0x01  NULL      none (only inside lists and maps; a null property is absent)
//   0x02  BOOLEAN   none: false
//   0x03  BOOLEAN   none: true
//   0x04  INTEGER   zigzag LEB128 varint, 1..10 bytes: exact over −2^63..2^63−1
//   0x05  FLOAT     8 bytes IEEE-754 binary64, big-endian (−0, NaN payloads, ±Infinity kept bit-exact)
//   0x06  STRING    varint byte length, then UTF-8 (lone surrogates become U+FFFD)
//   0x07  LIST      varint body length in bytes, varint item count, items (tagged values)
//   0x08  MAP       varint body length, varint entry count, entries (varint key length,
//                   UTF-8 key, tagged value) in insertion order
//
// Lists and maps carry their body length so a reader looking for one property skips them
// without walking their items: nodeProperty(id, key) decodes only the value asked for.
// Records larger than a B+tree cell go to overflow pages (btree.ts B7); nothing here limits size.
//
// Invariants:
//  (R1) Label ids and property key ids in a record are strictly ascending (so lookups stop
//       early and two equal records have equal bytes).
//  (R2) No property holds NULL at the top level (setting null removes the property).
//  (R3) decode(encode(v)) equals v exactly: INTEGER stays bigint, FLOAT stays number (1.0 is
//       not 1), −0 stays −0, NaN stays NaN.

import { CorruptionError } from '../errors.js';
import {
  ByteBuffer,
  putVarint,
  putZigzag,
  readVarint,
  readZigzag,
  skipVarint,
  varintEnd,
  varintLength,
} from './encoding.js';
import type { PropertyMap, PropertyValue } from './value.js';

export const RECORD_TYPE = { NODE: 0x4e, RELATIONSHIP: 0x52 } as const;

export const VALUE_TAG = {
  INVALID: 0x00,
  NULL: 0x01,
  FALSE: 0x02,
  TRUE: 0x03,
  INTEGER: 0x04,
  FLOAT: 0x05,
  STRING: 0x06,
  LIST: 0x07,
  MAP: 0x08,
} as const;

// ── scalar helpers ─────────────────────────────────────────────────────────────

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

function putFloat(buf: Uint8Array, at: number, value: number): void {
  f64[0] = value;
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) buf[at + i] = f64Bytes[7 - i]!;
  else for (let i = 0; i < 8; i++) buf[at + i] = f64Bytes[i]!;
}

function getFloat(buf: Uint8Array, at: number): number {
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[7 - i] = buf[at + i]!;
  else for (let i = 0; i < 8; i++) f64Bytes[i] = buf[at + i]!;
  return f64[0]!;
}

/** Append a string's UTF-8 bytes, preceded by their varint length. */
function putString(bb: ByteBuffer, value: string): void {
  const n = value.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (value.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    bb.ensure(n + 10);
    const b = bb.buf;
    let p = putVarint(b, bb.length, n);
    for (let i = 0; i < n; i++) b[p++] = value.charCodeAt(i);
    bb.length = p;
    return;
  }
  const maxBytes = n * 3;
  // Reserve the widest length prefix, encode, then move the bytes if the prefix is shorter.
  const prefix = varintLength(maxBytes);
  bb.ensure(prefix + maxBytes);
  const start = bb.length;
  const { written } = utf8Encoder.encodeInto(value, bb.buf.subarray(start + prefix, start + prefix + maxBytes));
  const actual = varintLength(written);
  if (actual !== prefix) bb.buf.copyWithin(start + actual, start + prefix, start + prefix + written);
  putVarint(bb.buf, start, written);
  bb.length = start + actual + written;
}

/** Code arrays by length for short ASCII strings: one fromCharCode call makes one flat string. */
const asciiCodes: number[][] = Array.from({ length: 17 }, (_, n) => new Array<number>(n).fill(0));

/** UTF-8 bytes [start, end) as a string; short ASCII runs skip TextDecoder (about 5× faster). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 16) {
    const codes = asciiCodes[n]!;
    for (let i = 0; i < n; i++) {
      const c = buf[start + i]!;
      if (c >= 0x80) return utf8Decoder.decode(buf.subarray(start, end));
      codes[i] = c;
    }
    return String.fromCharCode.apply(null, codes);
  }
  return utf8Decoder.decode(buf.subarray(start, end));
}

// ── tagged values ─────────────────────────────────────────────────────────────

/** Append a tagged value (any PropertyValue, maps and nested lists included). */
export function writeValue(bb: ByteBuffer, value: PropertyValue): void {
  if (value === null) {
    bb.u8(VALUE_TAG.NULL);
    return;
  }
  switch (typeof value) {
    case 'boolean':
      bb.u8(value ? VALUE_TAG.TRUE : VALUE_TAG.FALSE);
      return;
    case 'bigint':
      bb.ensure(11);
      bb.buf[bb.length] = VALUE_TAG.INTEGER;
      bb.length = putZigzag(bb.buf, bb.length + 1, value);
      return;
    case 'number':
      bb.ensure(9);
      bb.buf[bb.length] = VALUE_TAG.FLOAT;
      putFloat(bb.buf, bb.length + 1, value);
      bb.length += 9;
      return;
    case 'string':
      bb.u8(VALUE_TAG.STRING);
      putString(bb, value);
      return;
    default:
      break;
  }
  const isList = Array.isArray(value);
  bb.u8(isList ? VALUE_TAG.LIST : VALUE_TAG.MAP);
  // Body first into the same buffer after a reserved length slot, then fix the slot.
  const slot = bb.length;
  const reserve = 5; // bodies up to 2^35 bytes
  bb.ensure(reserve);
  bb.length += reserve;
  const bodyStart = bb.length;
  if (isList) {
    const list = value as PropertyValue[];
    bb.varint(list.length);
    for (const item of list) writeValue(bb, item);
  } else {
    const map = value as PropertyMap;
    const keys = Object.keys(map);
    bb.varint(keys.length);
    for (const key of keys) {
      putString(bb, key);
      writeValue(bb, map[key]!);
    }
  }
  const bodyLength = bb.length - bodyStart;
  const prefix = varintLength(bodyLength);
  bb.buf.copyWithin(slot + prefix, bodyStart, bb.length);
  putVarint(bb.buf, slot, bodyLength);
  bb.length = slot + prefix + bodyLength;
}

/** Offset after the last value read by readValue / skipValue. */
export let valueEnd = 0;

// INTEGERs of one or two varint bytes (−8192..8191) come from a table filled on first use:
// a BigInt is a heap object, and a scan reading one small integer per row would otherwise
// allocate one per row. BigInts are immutable, so sharing them is invisible.
const SMALL_ZIGZAG = 1 << 14;
const smallIntegers: (bigint | undefined)[] = new Array<bigint | undefined>(SMALL_ZIGZAG).fill(undefined);

function smallInteger(zigzag: number): bigint {
  return (smallIntegers[zigzag] ??= BigInt(zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2));
}

/** Decode the tagged value at `at` (sets valueEnd). */
export function readValue(buf: Uint8Array, at: number, end: number): PropertyValue {
  if (at >= end) throw corrupt(`value at offset ${at} is missing`, at);
  const tag = buf[at]!;
  switch (tag) {
    case VALUE_TAG.NULL:
      valueEnd = at + 1;
      return null;
    case VALUE_TAG.FALSE:
      valueEnd = at + 1;
      return false;
    case VALUE_TAG.TRUE:
      valueEnd = at + 1;
      return true;
    case VALUE_TAG.INTEGER: {
      const b0 = at + 1 < end ? buf[at + 1]! : 0x80;
      if (b0 < 0x80) {
        valueEnd = at + 2;
        return smallInteger(b0);
      }
      const b1 = at + 2 < end ? buf[at + 2]! : 0x80;
      if (b1 < 0x80) {
        valueEnd = at + 3;
        return smallInteger((b0 & 0x7f) | (b1 << 7));
      }
      const v = readZigzag(buf, at + 1, end);
      valueEnd = varintEnd;
      return v;
    }
    case VALUE_TAG.FLOAT:
      if (at + 9 > end) throw corrupt(`float at offset ${at} is cut short`, at);
      valueEnd = at + 9;
      return getFloat(buf, at + 1);
    case VALUE_TAG.STRING: {
      const n = readVarint(buf, at + 1, end);
      const from = varintEnd;
      if (from + n > end) throw corrupt(`string of ${n} bytes at offset ${at} runs past the record end`, at);
      valueEnd = from + n;
      return decodeUtf8(buf, from, from + n);
    }
    case VALUE_TAG.LIST:
    case VALUE_TAG.MAP: {
      const bodyLength = readVarint(buf, at + 1, end);
      const bodyStart = varintEnd;
      const bodyEnd = bodyStart + bodyLength;
      if (bodyEnd > end) throw corrupt(`${tag === VALUE_TAG.LIST ? 'list' : 'map'} of ${bodyLength} bytes at offset ${at} runs past the record end`, at);
      const count = readVarint(buf, bodyStart, bodyEnd);
      let p = varintEnd;
      if (tag === VALUE_TAG.LIST) {
        const list: PropertyValue[] = new Array<PropertyValue>(count);
        for (let i = 0; i < count; i++) {
          list[i] = readValue(buf, p, bodyEnd);
          p = valueEnd;
        }
        if (p !== bodyEnd) throw corrupt(`list at offset ${at} has ${bodyEnd - p} bytes after its ${count} items`, at);
        valueEnd = bodyEnd;
        return list;
      }
      const map: PropertyMap = {};
      for (let i = 0; i < count; i++) {
        const n = readVarint(buf, p, bodyEnd);
        const from = varintEnd;
        if (from + n > bodyEnd) throw corrupt(`map key at offset ${p} runs past its map`, p);
        const key = decodeUtf8(buf, from, from + n);
        setOwnProperty(map, key, readValue(buf, from + n, bodyEnd));
        p = valueEnd;
      }
      if (p !== bodyEnd) throw corrupt(`map at offset ${at} has ${bodyEnd - p} bytes after its ${count} entries`, at);
      valueEnd = bodyEnd;
      return map;
    }
    default:
      throw corrupt(`unknown value tag 0x${tag.toString(16)} at offset ${at}`, at);
  }
}

/** Offset after the tagged value at `at`, without decoding it. */
export function skipValue(buf: Uint8Array, at: number, end: number): number {
  // Kept this small so V8 inlines it where records are walked per node: an INTEGER, or a
  // STRING shorter than 128 bytes (a one-byte length), is skipped here; the rest, and
  // anything cut short, out of line, which reports it.
  const tag = buf[at];
  if (tag === VALUE_TAG.INTEGER) {
    for (let k = at + 1; k < end && k <= at + 10; k++) if (buf[k]! < 128) return k + 1;
  } else if (tag === VALUE_TAG.STRING && at + 1 < end) {
    const length = buf[at + 1]!;
    if (length < 128) return at + 2 + length;
  }
  return skipAnyValue(buf, at, end);
}

function skipAnyValue(buf: Uint8Array, at: number, end: number): number {
  if (at >= end) throw corrupt(`value at offset ${at} is missing`, at);
  const tag = buf[at]!;
  switch (tag) {
    case VALUE_TAG.NULL:
    case VALUE_TAG.FALSE:
    case VALUE_TAG.TRUE:
      return at + 1;
    case VALUE_TAG.INTEGER:
      return skipVarint(buf, at + 1, end);
    case VALUE_TAG.FLOAT:
      return at + 9;
    case VALUE_TAG.STRING:
    case VALUE_TAG.LIST:
    case VALUE_TAG.MAP: {
      const n = readVarint(buf, at + 1, end);
      return varintEnd + n;
    }
    default:
      throw corrupt(`unknown value tag 0x${tag.toString(16)} at offset ${at}`, at);
  }
}

/** map[key] = value, also for the key "__proto__" (which plain assignment would treat as the prototype). */
export function setOwnProperty(map: PropertyMap, key: string, value: PropertyValue): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

function corrupt(message: string, offset: number): CorruptionError {
  return new CorruptionError(`record: ${message}`, { offset });
}

// ── records ────────────────────────────────────────────────────────────────────

/** A record's properties as parallel arrays, ascending key id (R1). */
export interface PropertyList {
  keyIds: number[];
  values: PropertyValue[];
}

function writeProperties(bb: ByteBuffer, keyIds: readonly number[], values: readonly PropertyValue[]): void {
  bb.varint(keyIds.length);
  for (let i = 0; i < keyIds.length; i++) {
    bb.varint(keyIds[i]!);
    writeValue(bb, values[i]!);
  }
}

/** Build a node record into `bb` (reset first) and return a copy of it. */
export function encodeNodeRecord(bb: ByteBuffer, labelIds: readonly number[], keyIds: readonly number[], values: readonly PropertyValue[]): Uint8Array {
  writeNodeRecord(bb, labelIds, keyIds, values);
  return bb.copy();
}

/**
 * Build a node record into `bb` (reset first) and return a view of it, valid until `bb` is
 * next written: for handing straight to a B+tree put, which copies the bytes into its page.
 */
export function writeNodeRecord(bb: ByteBuffer, labelIds: readonly number[], keyIds: readonly number[], values: readonly PropertyValue[]): Uint8Array {
  bb.reset().u8(RECORD_TYPE.NODE).varint(labelIds.length);
  for (let i = 0; i < labelIds.length; i++) bb.varint(labelIds[i]!);
  writeProperties(bb, keyIds, values);
  return bb.view();
}

/** Build a relationship record into `bb` and return a copy of it. */
export function encodeRelationshipRecord(
  bb: ByteBuffer,
  typeId: number,
  start: number,
  end: number,
  keyIds: readonly number[],
  values: readonly PropertyValue[],
): Uint8Array {
  writeRelationshipRecord(bb, typeId, start, end, keyIds, values);
  return bb.copy();
}

/** Build a relationship record into `bb` and return a view of it (see writeNodeRecord). */
export function writeRelationshipRecord(
  bb: ByteBuffer,
  typeId: number,
  start: number,
  end: number,
  keyIds: readonly number[],
  values: readonly PropertyValue[],
): Uint8Array {
  bb.reset().u8(RECORD_TYPE.RELATIONSHIP).varint(typeId).varint(start).varint(end);
  writeProperties(bb, keyIds, values);
  return bb.view();
}

function expectType(rec: Uint8Array, type: number, start = 0, end = rec.length): void {
  if (end <= start || rec[start] !== type) {
    const what = type === RECORD_TYPE.NODE ? 'node' : 'relationship';
    throw corrupt(`a ${what} record starts with 0x${(end > start ? rec[start]! : 0).toString(16)} instead of 0x${type.toString(16)}`, 0);
  }
}

/** Label ids of a node record, ascending. */
export function nodeLabelIds(rec: Uint8Array): number[] {
  expectType(rec, RECORD_TYPE.NODE);
  const end = rec.length;
  const count = readVarint(rec, 1, end);
  let p = varintEnd;
  const ids = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    ids[i] = readVarint(rec, p, end);
    p = varintEnd;
  }
  return ids;
}

/**
 * True when a node record carries `labelId`. No allocation. The record may lie inside a
 * larger buffer (a page image): bytes [start, end).
 */
export function nodeRecordHasLabel(rec: Uint8Array, labelId: number, start = 0, end = rec.length): boolean {
  expectType(rec, RECORD_TYPE.NODE, start, end);
  const count = readVarint(rec, start + 1, end);
  let p = varintEnd;
  for (let i = 0; i < count; i++) {
    const id = readVarint(rec, p, end);
    if (id >= labelId) return id === labelId;
    p = varintEnd;
  }
  return false;
}

/**
 * Offset of the property count of a node record that carries `labelId` (any record when
 * labelId < 0), or −1 when it does not carry it: a scan's label test and its step to the
 * properties in one pass over the labels. The record is bytes [start, end) of `rec`.
 */
export function nodePropertiesOffsetWithLabel(rec: Uint8Array, labelId: number, start: number, end: number): number {
  expectType(rec, RECORD_TYPE.NODE, start, end);
  // Full scans call this per node: one-byte varints (below 128, the usual case) are read in place.
  let p = start + 1;
  let count = p < end ? rec[p]! : 128;
  if (count < 128) p++;
  else {
    count = readVarint(rec, p, end);
    p = varintEnd;
  }
  let found = labelId < 0;
  for (let i = 0; i < count; i++) {
    let id = p < end ? rec[p]! : 128;
    if (id < 128) p++;
    else {
      id = readVarint(rec, p, end);
      p = varintEnd;
    }
    if (id === labelId) found = true;
    else if (id > labelId && !found) return -1;
  }
  return found ? p : -1;
}

/** Offset of the property count of a node record (after its labels); the record is bytes [start, end) of `rec`. */
export function nodePropertiesOffset(rec: Uint8Array, start = 0, end = rec.length): number {
  expectType(rec, RECORD_TYPE.NODE, start, end);
  const count = readVarint(rec, start + 1, end);
  let p = varintEnd;
  for (let i = 0; i < count; i++) p = skipVarint(rec, p, end);
  return p;
}

export interface RelationshipHeader {
  typeId: number;
  start: number;
  end: number;
  /** Offset of the property count. */
  propertiesAt: number;
}

/** Type, start and end of a relationship record. */
export function relationshipHeader(rec: Uint8Array): RelationshipHeader {
  expectType(rec, RECORD_TYPE.RELATIONSHIP);
  const n = rec.length;
  const typeId = readVarint(rec, 1, n);
  const start = readVarint(rec, varintEnd, n);
  const end = readVarint(rec, varintEnd, n);
  return { typeId, start, end, propertiesAt: varintEnd };
}

/** Offset of the property count of a relationship record. */
export function relationshipPropertiesOffset(rec: Uint8Array): number {
  expectType(rec, RECORD_TYPE.RELATIONSHIP);
  const n = rec.length;
  let p = skipVarint(rec, 1, n);
  p = skipVarint(rec, p, n);
  return skipVarint(rec, p, n);
}

/**
 * The value of property `keyId` in the property section starting at `at`, or undefined when
 * absent. Decodes only that value; skips the others by their lengths.
 */
export function findProperty(rec: Uint8Array, at: number, keyId: number, end = rec.length): PropertyValue | undefined {
  const count = readVarint(rec, at, end);
  let p = varintEnd;
  for (let i = 0; i < count; i++) {
    const id = readVarint(rec, p, end);
    p = varintEnd;
    if (id === keyId) return readValue(rec, p, end);
    if (id > keyId) return undefined;
    p = skipValue(rec, p, end);
  }
  return undefined;
}

/** True when the property section at `at` holds `keyId`. */
export function hasProperty(rec: Uint8Array, at: number, keyId: number): boolean {
  const end = rec.length;
  const count = readVarint(rec, at, end);
  let p = varintEnd;
  for (let i = 0; i < count; i++) {
    const id = readVarint(rec, p, end);
    if (id >= keyId) return id === keyId;
    p = skipValue(rec, varintEnd, end);
  }
  return false;
}

/** Every property of the section at `at`, decoded. */
export function readProperties(rec: Uint8Array, at: number): PropertyList {
  const end = rec.length;
  const count = readVarint(rec, at, end);
  let p = varintEnd;
  const keyIds = new Array<number>(count);
  const values = new Array<PropertyValue>(count);
  for (let i = 0; i < count; i++) {
    keyIds[i] = readVarint(rec, p, end);
    values[i] = readValue(rec, varintEnd, end);
    p = valueEnd;
  }
  if (p !== end) throw corrupt(`${end - p} bytes follow the last property`, p);
  return { keyIds, values };
}

/** Key ids of the property section at `at` (ascending), without decoding values. */
export function propertyKeyIds(rec: Uint8Array, at: number): number[] {
  const end = rec.length;
  const count = readVarint(rec, at, end);
  let p = varintEnd;
  const keyIds = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    keyIds[i] = readVarint(rec, p, end);
    p = skipValue(rec, varintEnd, end);
  }
  return keyIds;
}
