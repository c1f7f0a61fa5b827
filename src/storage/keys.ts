// Order-preserving key encoding: comparing two encodings byte by byte (compareBytes) gives
// the order of the values they encode, so a B+tree over the bytes is ordered by value.
//
// ENCODINGS (every multi-byte integer big-endian)
//
//   part      bytes  encoding
//   u8        1      the byte
//   bool      1      0x00 false, 0x01 true
//   u32       4      unsigned, big-endian
//   u64       8      unsigned, big-endian
//   i64       8      two's complement with the sign bit flipped (−2^63 → 00…00, 0 → 80…00)
//   f64       8      IEEE-754 bits, big-endian; negative: every bit flipped, else the sign bit
//                    flipped. −0 is stored as +0 (they are equal); every NaN is stored as the
//                    canonical quiet NaN 0x7ff8… and so sorts after +Infinity.
//   string    n+2    UTF-8 (lone surrogates become U+FFFD, as TextEncoder does) with each 0x00
//                    escaped as 0x00 0xFF, then the terminator 0x00 0x01. A string sorts before
//                    every longer string it is a prefix of, and more tuple parts may follow.
//   bytes     n+2    like string, for raw bytes
//   raw       n      appended as is (a prefix built elsewhere, or a fixed-width field)
//
// A tuple key is its parts' encodings concatenated (KeyBuilder); KeyReader reads them back in
// the same order. Fixed-width parts and terminated variable parts keep the tuple order equal to
// the lexicographic order of its parts.
//
// Invariants:
//  (K1) For values a, b of one part type: compareBytes(enc(a), enc(b)) has the sign of a − b
//       (strings: of the code-point order, which UTF-8 byte order equals).
//  (K2) Decoding an encoding returns the value encoded (−0 returns +0, any NaN returns NaN).
//  (K3) prefixUpperBound(p) is the smallest byte string greater than every string starting with p.

import { CorruptionError, StorageError } from '../errors.js';

const TWO_32 = 4294967296;
const SIGN_64 = 1n << 63n;
const MASK_64 = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Lexicographic byte comparison: negative, zero or positive like `a − b`. Cost: O(common prefix). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** True when `bytes` starts with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/**
 * The smallest byte string greater than every string that starts with `prefix` (invariant K3),
 * for the exclusive end of a prefix range; undefined when there is none (empty or all 0xFF).
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const bound = prefix.slice(0, end);
  bound[end - 1] = bound[end - 1]! + 1;
  return bound;
}

function invalid(message: string, details: Record<string, unknown>): StorageError {
  return new StorageError('INVALID_ARGUMENT', message, details);
}

/**
 * Builds one tuple key by appending parts into a single growing buffer (no per-part
 * allocation). Reuse one builder with reset() for many keys; finish() copies the key out.
 */
export class KeyBuilder {
  private buf: Uint8Array;
  private dv: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialCapacityBytes = 64) {
    this.buf = new Uint8Array(Math.max(16, initialCapacityBytes));
    this.dv = new DataView(this.buf.buffer);
  }

  reset(): this {
    this.length = 0;
    return this;
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw invalid(`u8 key part ${value} is not an integer in 0..255`, { value });
    this.ensure(1);
    this.buf[this.length++] = value;
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buf[this.length++] = value ? 1 : 0;
    return this;
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw invalid(`u32 key part ${value} is not an integer in 0..2^32-1`, { value });
    }
    this.ensure(4);
    this.dv.setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  /** Unsigned 64-bit: a bigint in 0..2^64−1 or a safe non-negative integer number. */
  u64(value: bigint | number): this {
    this.ensure(8);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) throw invalid(`u64 key part ${value} is not a safe non-negative integer`, { value });
      const hi = Math.floor(value / TWO_32);
      this.dv.setUint32(this.length, hi);
      this.dv.setUint32(this.length + 4, value - hi * TWO_32);
    } else {
      if (value < 0n || value > MASK_64) throw invalid(`u64 key part ${value} is outside 0..2^64-1`, { value: String(value) });
      this.dv.setBigUint64(this.length, value);
    }
    this.length += 8;
    return this;
  }

  /** Signed 64-bit: a bigint in −2^63..2^63−1 or a safe integer number. */
  i64(value: bigint | number): this {
    this.ensure(8);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw invalid(`i64 key part ${value} is not a safe integer`, { value });
      const hi = Math.floor(value / TWO_32); // −2^21..2^21, two's complement high word
      this.dv.setUint32(this.length, (hi + 0x80000000) >>> 0);
      this.dv.setUint32(this.length + 4, value - hi * TWO_32);
    } else {
      if (value < I64_MIN || value > I64_MAX) throw invalid(`i64 key part ${value} is outside -2^63..2^63-1`, { value: String(value) });
      this.dv.setBigUint64(this.length, (value & MASK_64) ^ SIGN_64);
    }
    this.length += 8;
    return this;
  }

  f64(value: number): this {
    this.ensure(8);
    const at = this.length;
    if (value !== value) {
      this.dv.setUint32(at, 0x7ff80000); // canonical NaN, sorts after +Infinity
      this.dv.setUint32(at + 4, 0);
    } else {
      this.dv.setFloat64(at, value === 0 ? 0 : value); // −0 → +0
    }
    const b = this.buf;
    if (b[at]! & 0x80) {
      for (let i = at; i < at + 8; i++) b[i] = ~b[i]! & 0xff;
    } else {
      b[at] = b[at]! | 0x80;
    }
    this.length += 8;
    return this;
  }

  /** UTF-8 with 0x00 escaped and a 0x00 0x01 terminator; encoded in place, no allocation. */
  string(value: string): this {
    const n = value.length;
    this.ensure(n * 3 + 2); // ≤ 3 bytes per UTF-16 unit (a NUL takes 2 escaped)
    const b = this.buf;
    let p = this.length;
    for (let i = 0; i < n; i++) {
      let cp = value.charCodeAt(i);
      if (cp < 0x80) {
        if (cp === 0) {
          b[p++] = 0x00;
          b[p++] = 0xff;
        } else {
          b[p++] = cp;
        }
      } else if (cp < 0x800) {
        b[p++] = 0xc0 | (cp >> 6);
        b[p++] = 0x80 | (cp & 0x3f);
      } else {
        if (cp >= 0xd800 && cp <= 0xdfff) {
          const low = i + 1 < n ? value.charCodeAt(i + 1) : 0;
          if (cp <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            i++;
            b[p++] = 0xf0 | (cp >> 18);
            b[p++] = 0x80 | ((cp >> 12) & 0x3f);
            b[p++] = 0x80 | ((cp >> 6) & 0x3f);
            b[p++] = 0x80 | (cp & 0x3f);
            continue;
          }
          cp = 0xfffd; // lone surrogate
        }
        b[p++] = 0xe0 | (cp >> 12);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
      }
    }
    b[p++] = 0x00;
    b[p++] = 0x01;
    this.length = p;
    return this;
  }

  /** Raw bytes with the string escaping and terminator, so they sort and nest like strings. */
  bytes(value: Uint8Array): this {
    this.ensure(value.length * 2 + 2);
    const b = this.buf;
    let p = this.length;
    for (let i = 0; i < value.length; i++) {
      const x = value[i]!;
      b[p++] = x;
      if (x === 0) b[p++] = 0xff;
    }
    b[p++] = 0x00;
    b[p++] = 0x01;
    this.length = p;
    return this;
  }

  /** Append bytes as they are (an already encoded prefix, or a fixed-width field). */
  raw(value: Uint8Array): this {
    this.ensure(value.length);
    this.buf.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** A copy of the key built so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** The key built so far without copying; valid only until the next append or reset. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads the parts of a key built by KeyBuilder, in order. A key that does not decode
 * (cut short, bad escape) raises CorruptionError: keys come from pages.
 */
export class KeyReader {
  private readonly dv: DataView;
  offset: number;

  constructor(
    private readonly key: Uint8Array,
    offset = 0,
  ) {
    this.dv = new DataView(key.buffer, key.byteOffset, key.byteLength);
    this.offset = offset;
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.offset >= this.key.length;
  }

  private need(bytes: number, what: string): number {
    const at = this.offset;
    if (at + bytes > this.key.length) {
      throw new CorruptionError(`key is cut short: ${what} needs ${bytes} bytes at offset ${at} of a ${this.key.length}-byte key`, {
        offset: at,
        keyLengthBytes: this.key.length,
      });
    }
    this.offset = at + bytes;
    return at;
  }

  u8(): number {
    return this.key[this.need(1, 'u8')]!;
  }

  bool(): boolean {
    const at = this.need(1, 'bool');
    const v = this.key[at]!;
    if (v > 1) throw new CorruptionError(`key byte ${v} at offset ${at} is not a boolean (0 or 1)`, { offset: at });
    return v === 1;
  }

  u32(): number {
    return this.dv.getUint32(this.need(4, 'u32'));
  }

  u64(): bigint {
    return this.dv.getBigUint64(this.need(8, 'u64'));
  }

  /** u64 as a number; throws INVALID_ARGUMENT when it is above 2^53−1. */
  u64Number(): number {
    const at = this.need(8, 'u64');
    const hi = this.dv.getUint32(at);
    const value = hi * TWO_32 + this.dv.getUint32(at + 4);
    if (hi >= 0x200000) throw invalid(`u64 key part at offset ${at} is above Number.MAX_SAFE_INTEGER`, { offset: at });
    return value;
  }

  i64(): bigint {
    const raw = this.dv.getBigUint64(this.need(8, 'i64')) ^ SIGN_64;
    return raw >= SIGN_64 ? raw - (1n << 64n) : raw;
  }

  /** i64 as a number; throws INVALID_ARGUMENT outside the safe integer range. */
  i64Number(): number {
    const at = this.need(8, 'i64');
    const hi = (this.dv.getUint32(at) ^ 0x80000000) | 0; // signed high word
    const value = hi * TWO_32 + this.dv.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) throw invalid(`i64 key part at offset ${at} is outside the safe integer range`, { offset: at });
    return value;
  }

  f64(): number {
    const at = this.need(8, 'f64');
    const tmp = f64Scratch;
    for (let i = 0; i < 8; i++) tmp[i] = this.key[at + i]!;
    if (tmp[0]! & 0x80) tmp[0] = tmp[0]! & 0x7f;
    else for (let i = 0; i < 8; i++) tmp[i] = ~tmp[i]! & 0xff;
    return f64ScratchView.getFloat64(0);
  }

  string(): string {
    const [start, end, escapes] = this.terminated('string');
    if (escapes === 0) return utf8.decode(this.key.subarray(start, end));
    return utf8.decode(this.unescape(start, end, escapes));
  }

  bytes(): Uint8Array {
    const [start, end, escapes] = this.terminated('bytes');
    return escapes === 0 ? this.key.slice(start, end) : this.unescape(start, end, escapes);
  }

  /** The next `length` bytes as a copy. */
  raw(length: number): Uint8Array {
    const at = this.need(length, 'raw');
    return this.key.slice(at, at + length);
  }

  /** Finds the terminator; returns [start, end of content, number of escaped NULs]. */
  private terminated(what: string): [number, number, number] {
    const k = this.key;
    const start = this.offset;
    let escapes = 0;
    for (let i = start; i < k.length; i++) {
      if (k[i] !== 0) continue;
      const next = k[i + 1];
      if (next === 0x01) {
        this.offset = i + 2;
        return [start, i, escapes];
      }
      if (next !== 0xff) {
        throw new CorruptionError(`${what} key part at offset ${start} has a bad escape 0x00 ${next === undefined ? '(end)' : '0x' + next.toString(16)} at ${i}`, {
          offset: i,
        });
      }
      escapes++;
      i++;
    }
    throw new CorruptionError(`${what} key part at offset ${start} has no terminator`, { offset: start, keyLengthBytes: k.length });
  }

  private unescape(start: number, end: number, escapes: number): Uint8Array {
    const out = new Uint8Array(end - start - escapes);
    let o = 0;
    for (let i = start; i < end; i++) {
      out[o++] = this.key[i]!;
      if (this.key[i] === 0) i++; // skip the 0xFF of the escape
    }
    return out;
  }
}

const f64Scratch = new Uint8Array(8);
const f64ScratchView = new DataView(f64Scratch.buffer);

// ── one-part conveniences ────────────────────────────────────────────────────

const shared = new KeyBuilder(64);

export function encodeU32(value: number): Uint8Array {
  return shared.reset().u32(value).finish();
}
export function encodeU64(value: bigint | number): Uint8Array {
  return shared.reset().u64(value).finish();
}
export function encodeI64(value: bigint | number): Uint8Array {
  return shared.reset().i64(value).finish();
}
export function encodeF64(value: number): Uint8Array {
  return shared.reset().f64(value).finish();
}
export function encodeString(value: string): Uint8Array {
  return shared.reset().string(value).finish();
}
export function encodeBool(value: boolean): Uint8Array {
  return shared.reset().bool(value).finish();
}
