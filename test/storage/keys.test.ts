// Order-preserving key encodings (keys.ts): golden bytes pin each encoding; properties check
// invariant K1 (byte order = value order), K2 (round trip) and K3 (prefix upper bound).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import {
  compareBytes,
  encodeBool,
  encodeF64,
  encodeI64,
  encodeString,
  encodeU32,
  encodeU64,
  KeyBuilder,
  KeyReader,
  prefixUpperBound,
  startsWith,
} from '../../src/storage/keys.js';
import { SOAK, testSeed } from '../support/rng.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const RUNS = SOAK ? 20_000 : 1_000;
const seed = testSeed();

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOmbraError(error) ? error.code : 'not an OmbraError';
  }
  return undefined;
}

describe('key encodings: golden bytes', () => {
  it('u32, u64', () => {
    expect(hex(encodeU32(0x01020304))).toBe('01020304');
    expect(hex(encodeU64(1))).toBe('0000000000000001');
    expect(hex(encodeU64(2 ** 53 - 1))).toBe('001fffffffffffff');
    expect(hex(encodeU64(0xfedcba9876543210n))).toBe('fedcba9876543210');
  });

  it('i64: sign bit flipped', () => {
    expect(hex(encodeI64(0))).toBe('8000000000000000');
    expect(hex(encodeI64(1))).toBe('8000000000000001');
    expect(hex(encodeI64(-1))).toBe('7fffffffffffffff');
    expect(hex(encodeI64(-(2n ** 63n)))).toBe('0000000000000000');
    expect(hex(encodeI64(2n ** 63n - 1n))).toBe('ffffffffffffffff');
    expect(hex(encodeI64(-(2 ** 53 - 1)))).toBe('7fe0000000000001');
  });

  it('f64: negative flips every bit, positive the sign bit; −0 → +0; NaN canonical after +∞', () => {
    expect(hex(encodeF64(0))).toBe('8000000000000000');
    expect(hex(encodeF64(-0))).toBe('8000000000000000');
    expect(hex(encodeF64(1))).toBe('bff0000000000000');
    expect(hex(encodeF64(-1))).toBe('400fffffffffffff');
    expect(hex(encodeF64(Infinity))).toBe('fff0000000000000');
    expect(hex(encodeF64(-Infinity))).toBe('000fffffffffffff');
    expect(hex(encodeF64(NaN))).toBe('fff8000000000000');
    expect(hex(encodeF64(-NaN))).toBe('fff8000000000000');
  });

  it('string: UTF-8, 0x00 escaped as 00 ff, terminated by 00 01', () => {
    expect(hex(encodeString(''))).toBe('0001');
    expect(hex(encodeString('ab'))).toBe('61620001');
    expect(hex(encodeString('a\u0000b'))).toBe('6100ff620001');
    expect(hex(encodeString('é€😀'))).toBe('c3a9e282acf09f98800001');
    expect(hex(encodeString('\ud800x'))).toBe('efbfbd780001'); // lone surrogate → U+FFFD
  });

  it('bool, u8, bytes, raw and a tuple', () => {
    expect(hex(encodeBool(false))).toBe('00');
    expect(hex(encodeBool(true))).toBe('01');
    const key = new KeyBuilder(4).u8(7).u32(1).string('Person').i64(-2).bytes(Uint8Array.of(0, 1)).raw(Uint8Array.of(0xaa)).finish();
    expect(hex(key)).toBe('07' + '00000001' + '506572736f6e0001' + '7ffffffffffffffe' + '00ff010001' + 'aa');
    const r = new KeyReader(key);
    expect(r.u8()).toBe(7);
    expect(r.u32()).toBe(1);
    expect(r.string()).toBe('Person');
    expect(r.i64()).toBe(-2n);
    expect([...r.bytes()]).toEqual([0, 1]);
    expect([...r.raw(1)]).toEqual([0xaa]);
    expect(r.done).toBe(true);
  });
});

describe('key encodings: order (K1) and round trip (K2)', () => {
  const checkOrder = <T>(arb: fc.Arbitrary<T>, encode: (v: T) => Uint8Array, cmp: (a: T, b: T) => number): void => {
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        expect(sign(compareBytes(encode(a), encode(b)))).toBe(sign(cmp(a, b)));
      }),
      { seed, numRuns: RUNS },
    );
  };

  it('u64 (bigint and number) and u32', () => {
    checkOrder(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), encodeU64, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    checkOrder(fc.maxSafeNat(), encodeU64, (a, b) => a - b);
    checkOrder(fc.nat({ max: 0xffffffff }), encodeU32, (a, b) => a - b);
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(hex(encodeU64(n))).toBe(hex(encodeU64(BigInt(n))));
        expect(new KeyReader(encodeU64(n)).u64Number()).toBe(n);
      }),
      { seed, numRuns: RUNS },
    );
  });

  it('i64 (bigint and number)', () => {
    checkOrder(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), encodeI64, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    checkOrder(fc.maxSafeInteger(), encodeI64, (a, b) => a - b);
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n, big) => {
        expect(hex(encodeI64(n))).toBe(hex(encodeI64(BigInt(n))));
        expect(new KeyReader(encodeI64(n)).i64Number()).toBe(n);
        expect(new KeyReader(encodeI64(big)).i64()).toBe(big);
      }),
      { seed, numRuns: RUNS },
    );
  });

  it('f64, NaN last, −0 = +0', () => {
    const order = (a: number, b: number): number => {
      if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    checkOrder(fc.double(), encodeF64, order);
    fc.assert(
      fc.property(fc.double(), (x) => {
        const back = new KeyReader(encodeF64(x)).f64();
        if (Number.isNaN(x)) expect(back).toBeNaN();
        else expect(back).toBe(x === 0 ? 0 : x);
      }),
      { seed, numRuns: RUNS },
    );
  });

  it('strings: code point order, prefixes first, NULs inside, and in tuples', () => {
    const codePointOrder = (a: string, b: string): number => {
      const x = [...a].map((ch) => ch.codePointAt(0)!);
      const y = [...b].map((ch) => ch.codePointAt(0)!);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    const str = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('\u0000', 'a', '\u00ff', '\u{1f600}') }));
    checkOrder(str, encodeString, codePointOrder);
    // Tuple order is lexicographic over parts: (string, u64).
    const b = new KeyBuilder();
    checkOrder(
      fc.tuple(str, fc.maxSafeNat()),
      ([s, n]) => b.reset().string(s).u64(n).finish(),
      ([s1, n1], [s2, n2]) => codePointOrder(s1, s2) || n1 - n2,
    );
    fc.assert(
      fc.property(str, fc.uint8Array(), (s, bytes) => {
        const key = b.reset().string(s).bytes(bytes).bool(true).finish();
        const r = new KeyReader(key);
        // Lone surrogates come back as U+FFFD, like TextEncoder makes them.
        expect(r.string()).toBe(new TextDecoder().decode(new TextEncoder().encode(s)));
        expect(hex(r.bytes())).toBe(hex(bytes));
        expect(r.bool()).toBe(true);
        expect(r.done).toBe(true);
      }),
      { seed, numRuns: RUNS },
    );
  });
});

describe('prefixUpperBound (K3), compareBytes, errors', () => {
  it('is the smallest string above every string with the prefix', () => {
    expect(hex(prefixUpperBound(Uint8Array.of(1, 2))!)).toBe('0103');
    expect(hex(prefixUpperBound(Uint8Array.of(1, 0xff, 0xff))!)).toBe('02');
    expect(prefixUpperBound(Uint8Array.of(0xff, 0xff))).toBeUndefined();
    expect(prefixUpperBound(new Uint8Array(0))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 8 }), (prefix, other) => {
        const bound = prefixUpperBound(prefix);
        const withPrefix = new Uint8Array([...prefix, ...other]);
        if (bound === undefined) {
          expect(prefix.every((x) => x === 0xff)).toBe(true);
          return;
        }
        expect(compareBytes(withPrefix, bound)).toBeLessThan(0);
        // Anything ≥ prefix that does not start with it is ≥ bound.
        if (!startsWith(other, prefix) && compareBytes(other, prefix) > 0) expect(compareBytes(other, bound)).toBeGreaterThanOrEqual(0);
      }),
      { seed, numRuns: RUNS },
    );
  });

  it('rejects out-of-range parts with INVALID_ARGUMENT and bad bytes with CORRUPTION', () => {
    const b = new KeyBuilder();
    expect(code(() => b.u64(-1))).toBe('INVALID_ARGUMENT');
    expect(code(() => b.u64(2 ** 53))).toBe('INVALID_ARGUMENT');
    expect(code(() => b.u64(2n ** 64n))).toBe('INVALID_ARGUMENT');
    expect(code(() => b.i64(1.5))).toBe('INVALID_ARGUMENT');
    expect(code(() => b.i64(2n ** 63n))).toBe('INVALID_ARGUMENT');
    expect(code(() => b.u32(2 ** 32))).toBe('INVALID_ARGUMENT');
    expect(code(() => b.u8(256))).toBe('INVALID_ARGUMENT');
    expect(code(() => new KeyReader(Uint8Array.of(0, 0, 0)).u32())).toBe('CORRUPTION');
    expect(code(() => new KeyReader(Uint8Array.of(0x61, 0x62)).string())).toBe('CORRUPTION');
    expect(code(() => new KeyReader(Uint8Array.of(0x61, 0x00, 0x02)).string())).toBe('CORRUPTION');
    expect(code(() => new KeyReader(Uint8Array.of(2)).bool())).toBe('CORRUPTION');
    expect(code(() => new KeyReader(encodeU64(2n ** 60n)).u64Number())).toBe('INVALID_ARGUMENT');
  });

  it('builder grows its buffer and view() aliases it without copying', () => {
    const b = new KeyBuilder(16);
    for (let i = 0; i < 100; i++) b.u64(i);
    expect(b.length).toBe(800);
    const view = b.view();
    expect(view.length).toBe(800);
    expect(new KeyReader(view, 8 * 99).u64Number()).toBe(99);
    expect(b.reset().length).toBe(0);
  });
});
