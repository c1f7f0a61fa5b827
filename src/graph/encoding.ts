// Byte-level encodings shared by the graph structures: two varints and a reusable key buffer.
//
// ORDERED VARINT (keys; after SQLite4's varint): an unsigned integer 0..2^53−1 in 1..8 bytes
// whose byte order equals its numeric order, because every value has exactly one (the
// shortest) encoding and a larger first byte means a larger range.
//
//   first byte A0   length  value
//   0..240          1       A0
//   241..248        2       240 + 256 × (A0 − 241) + A1                   (240..2287)
//   249             3       2288 + 256 × A1 + A2                          (2288..67823)
//   250             4       A1..A3 big-endian                             (67824..2^24−1)
//   251             5       A1..A4 big-endian                             (..2^32−1)
//   252             6       A1..A5 big-endian                             (..2^40−1)
//   253             7       A1..A6 big-endian                             (..2^48−1)
//   254             8       A1..A7 big-endian                             (..2^56−1, ids stop at 2^53−1)
//   255             —       reserved (never written; a key holding it is corrupt)
//
// Node 50,000 takes 3 bytes instead of 8; a label or type id below 241 takes 1. Keys built
// from ordered varints and fixed bytes sort as tuples of their parts.
//
// LEB128 VARINT (record bodies, where order does not matter): unsigned, 7 bits per byte, least
// significant group first, high bit set on every byte but the last; 1..10 bytes for 0..2^64−1.
// ZIGZAG maps a signed int64 to unsigned (0→0, −1→1, 1→2, −2→3, …) so small magnitudes stay short.
//
// Invariants:
//  (V1) orderedVarint(a) < orderedVarint(b) byte-wise ⇔ a < b (tests pin the boundaries).
//  (V2) Decoding an encoding returns the value encoded; a truncated or reserved encoding raises
//       CorruptionError (bytes come from pages).

import { CorruptionError, GraphError } from '../errors.js';

const TWO_32 = 4294967296;
/** Largest id an ordered varint here carries (ids are JavaScript numbers). */
export const MAX_ORDERED_VARINT = Number.MAX_SAFE_INTEGER;

/** Bytes the ordered varint of `value` takes. */
export function orderedVarintLength(value: number): number {
  if (value <= 240) return 1;
  if (value <= 2287) return 2;
  if (value <= 67823) return 3;
  if (value < 0x1000000) return 4;
  if (value < TWO_32) return 5;
  if (value < 0x10000000000) return 6;
  if (value < 0x1000000000000) return 7;
  return 8;
}

/** Write the ordered varint of `value` at `at`; returns the offset after it. No range check. */
export function putOrderedVarint(buf: Uint8Array, at: number, value: number): number {
  if (value <= 240) {
    buf[at] = value;
    return at + 1;
  }
  if (value <= 2287) {
    const v = value - 240;
    buf[at] = 241 + (v >>> 8);
    buf[at + 1] = v & 0xff;
    return at + 2;
  }
  if (value <= 67823) {
    const v = value - 2288;
    buf[at] = 249;
    buf[at + 1] = v >>> 8;
    buf[at + 2] = v & 0xff;
    return at + 3;
  }
  if (value < 0x1000000) {
    // Inline, like the cases above: ids below 2^24 are the bulk builders' hot loops.
    buf[at] = 250;
    buf[at + 1] = value >>> 16;
    buf[at + 2] = (value >>> 8) & 0xff;
    buf[at + 3] = value & 0xff;
    return at + 4;
  }
  const n = orderedVarintLength(value) - 1; // bytes after the header: 4..7
  buf[at] = 247 + n;
  let rest = value;
  for (let i = n; i >= 1; i--) {
    buf[at + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return at + n + 1;
}

/** Scratch result of readOrderedVarint: the offset after the value. */
export let orderedVarintEnd = 0;

/** Read the ordered varint at `at` (sets orderedVarintEnd). Throws CorruptionError when cut short or reserved. */
export function readOrderedVarint(buf: Uint8Array, at: number, end: number = buf.length): number {
  if (at >= end) throw cutShort('ordered varint', at, end);
  const a0 = buf[at]!;
  if (a0 <= 240) {
    orderedVarintEnd = at + 1;
    return a0;
  }
  if (a0 <= 248) {
    if (at + 2 > end) throw cutShort('ordered varint', at, end);
    orderedVarintEnd = at + 2;
    return 240 + 256 * (a0 - 241) + buf[at + 1]!;
  }
  if (a0 === 249) {
    if (at + 3 > end) throw cutShort('ordered varint', at, end);
    orderedVarintEnd = at + 3;
    return 2288 + 256 * buf[at + 1]! + buf[at + 2]!;
  }
  if (a0 === 255) throw new CorruptionError(`ordered varint at offset ${at} starts with the reserved byte 0xff`, { offset: at });
  const n = a0 - 247;
  if (at + 1 + n > end) throw cutShort('ordered varint', at, end);
  let value = 0;
  for (let i = 1; i <= n; i++) value = value * 256 + buf[at + i]!;
  orderedVarintEnd = at + 1 + n;
  return value;
}

/** Offset after the ordered varint at `at` without decoding it. */
export function skipOrderedVarint(buf: Uint8Array, at: number): number {
  const a0 = buf[at]!;
  if (a0 <= 240) return at + 1;
  if (a0 <= 248) return at + 2;
  if (a0 === 249) return at + 3;
  return at + a0 - 246;
}

// ── LEB128 ────────────────────────────────────────────────────────────────────

/** Bytes the LEB128 varint of a non-negative safe integer takes. */
export function varintLength(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

export function putVarint(buf: Uint8Array, at: number, value: number): number {
  while (value >= 128) {
    buf[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[at++] = value;
  return at;
}

/** Scratch result of readVarint: the offset after the value. */
export let varintEnd = 0;

/** Read a LEB128 varint holding a safe integer (≤ 8 bytes, < 2^53); sets varintEnd. */
export function readVarint(buf: Uint8Array, at: number, end: number): number {
  // Kept this small so V8 inlines it where records are decoded per node: the one-byte case
  // (below 128: counts, key and label ids, short lengths) here, the rest out of line.
  const b = at < end ? buf[at]! : 128;
  if (b < 128) {
    varintEnd = at + 1;
    return b;
  }
  return readLongVarint(buf, at, end);
}

function readLongVarint(buf: Uint8Array, at: number, end: number): number {
  let b = at < end ? buf[at]! : -1;
  if (b < 0) throw cutShort('varint', at, end);
  let value = b & 0x7f;
  let scale = 128;
  for (let i = at + 1; i < end; i++) {
    b = buf[i]!;
    value += (b & 0x7f) * scale;
    if (b < 128) {
      varintEnd = i + 1;
      if (value > Number.MAX_SAFE_INTEGER) throw new CorruptionError(`varint at offset ${at} is above 2^53−1`, { offset: at });
      return value;
    }
    scale *= 128;
    if (i - at >= 8) break;
  }
  throw cutShort('varint', at, end);
}

const SAFE_ZIGZAG = 2n ** 52n;
/** −SAFE_ZIGZAG, made once: a BigInt negation in the test allocated a BigInt per value written. */
const MINUS_SAFE_ZIGZAG = -SAFE_ZIGZAG;
const MASK_64 = (1n << 64n) - 1n;

/** Write a signed int64 as a zigzag LEB128 varint (1..10 bytes). */
export function putZigzag(buf: Uint8Array, at: number, value: bigint): number {
  if (value < SAFE_ZIGZAG && value > MINUS_SAFE_ZIGZAG) {
    const v = Number(value);
    return putVarint(buf, at, v >= 0 ? v * 2 : -v * 2 - 1);
  }
  let zz = ((value << 1n) ^ (value >> 63n)) & MASK_64;
  while (zz >= 128n) {
    buf[at++] = Number(zz & 0x7fn) | 0x80;
    zz >>= 7n;
  }
  buf[at++] = Number(zz);
  return at;
}

/** Bytes putZigzag writes for `value`. */
export function zigzagLength(value: bigint): number {
  if (value < SAFE_ZIGZAG && value > MINUS_SAFE_ZIGZAG) {
    const v = Number(value);
    return varintLength(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  let zz = ((value << 1n) ^ (value >> 63n)) & MASK_64;
  let n = 1;
  while (zz >= 128n) {
    zz >>= 7n;
    n++;
  }
  return n;
}

/** Read a zigzag LEB128 int64; sets varintEnd. */
export function readZigzag(buf: Uint8Array, at: number, end: number): bigint {
  // Up to 7 bytes hold < 2^49: exact in number arithmetic.
  let value = 0;
  let scale = 1;
  let i = at;
  for (; i < end && i - at < 7; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    if (b < 128) {
      varintEnd = i + 1;
      return BigInt(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
    }
    scale *= 128;
  }
  let zz = 0n;
  let shift = 0n;
  for (i = at; i < end && i - at < 10; i++) {
    const b = buf[i]!;
    zz |= BigInt(b & 0x7f) << shift;
    if (b < 128) {
      varintEnd = i + 1;
      if (zz > MASK_64) throw new CorruptionError(`integer varint at offset ${at} is wider than 64 bits`, { offset: at });
      return (zz >> 1n) ^ -(zz & 1n);
    }
    shift += 7n;
  }
  throw cutShort('integer varint', at, end);
}

/** Offset after the LEB128 varint at `at`. */
export function skipVarint(buf: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end; i++) if (buf[i]! < 128) return i + 1;
  throw cutShort('varint', at, end);
}

function cutShort(what: string, at: number, end: number): CorruptionError {
  return new CorruptionError(`${what} at offset ${at} runs past the end of its ${end}-byte field`, { offset: at, lengthBytes: end });
}

// ── reusable byte buffer ────────────────────────────────────────────────────

/** ByteBuffer.view() keeps one view per length up to this (keys, small records). */
const VIEW_CACHE_BYTES = 64;

/**
 * A growable byte buffer for building keys and records without per-part allocation.
 * `view()` is valid until the next write; `copy()` takes a private copy.
 */
export class ByteBuffer {
  buf: Uint8Array;
  length = 0;
  /**
   * views[n] = buf.subarray(0, n) for n ≤ VIEW_CACHE_BYTES, made once per buffer: view() of a
   * key-sized length is then free of allocation. A cached view shares buf like any view, so
   * it shows what buf holds now (the "valid until the next write" contract is unchanged).
   */
  private views: (Uint8Array | undefined)[] = [];

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(initialBytes);
  }

  reset(): this {
    this.length = 0;
    return this;
  }

  /** Make room for `extra` more bytes. */
  ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.views = [];
  }

  u8(value: number): this {
    this.ensure(1);
    this.buf[this.length++] = value;
    return this;
  }

  /** Ordered varint (keys). Ids are checked by the caller (checkId). */
  ordered(value: number): this {
    this.ensure(9);
    this.length = putOrderedVarint(this.buf, this.length, value);
    return this;
  }

  /** LEB128 varint (record bodies). */
  varint(value: number): this {
    this.ensure(10);
    this.length = putVarint(this.buf, this.length, value);
    return this;
  }

  bytes(src: Uint8Array, from = 0, to = src.length): this {
    const n = to - from;
    this.ensure(n);
    const b = this.buf;
    let p = this.length;
    if (n <= 32) for (let i = from; i < to; i++) b[p++] = src[i]!;
    else {
      b.set(src.subarray(from, to), p);
      p += n;
    }
    this.length = p;
    return this;
  }

  view(): Uint8Array {
    const n = this.length;
    if (n > VIEW_CACHE_BYTES) return this.buf.subarray(0, n);
    return (this.views[n] ??= this.buf.subarray(0, n));
  }

  copy(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * Keys of single ids without allocation: one buffer per encoded length, so the key returned
 * has exactly the right length. Valid until the next call for an id of the same length.
 */
export class IdKeys {
  private readonly buffers: (Uint8Array | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];

  key(id: number): Uint8Array {
    const n = orderedVarintLength(id);
    const buf = (this.buffers[n] ??= new Uint8Array(n));
    putOrderedVarint(buf, 0, id);
    return buf;
  }
}

/** Throw INVALID_ARGUMENT unless `id` can be a node or relationship id. */
export function isValidId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

export function invalidId(what: string, id: unknown): GraphError {
  return new GraphError('INVALID_ARGUMENT', `${what} id ${String(id)} is not a non-negative safe integer`, { id: String(id) });
}
