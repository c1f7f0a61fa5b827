// Record and varint formats: golden bytes pin the layouts of record.ts and encoding.ts;
// property-based round trips check invariants R3 and V1/V2.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import {
  ByteBuffer,
  orderedVarintLength,
  putOrderedVarint,
  putZigzag,
  readOrderedVarint,
  readZigzag,
} from '../../src/graph/encoding.js';
import {
  encodeNodeRecord,
  encodeRelationshipRecord,
  findProperty,
  hasProperty,
  nodeLabelIds,
  nodePropertiesOffset,
  nodeRecordHasLabel,
  readProperties,
  readValue,
  relationshipHeader,
  writeValue,
} from '../../src/graph/record.js';
import type { PropertyValue } from '../../src/graph/value.js';
import { compareBytes } from '../../src/storage/keys.js';
import { SOAK, testSeed } from '../support/rng.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)/g, '$1 ').trim();

describe('ordered varint (encoding.ts V1, V2)', () => {
  const golden: [number, string][] = [
    [0, '00'],
    [240, 'f0'],
    [241, 'f1 01'],
    [2287, 'f8 ff'],
    [2288, 'f9 00 00'],
    [67823, 'f9 ff ff'],
    [67824, 'fa 01 08 f0'],
    [2 ** 24 - 1, 'fa ff ff ff'],
    [2 ** 24, 'fb 01 00 00 00'],
    [2 ** 32, 'fc 01 00 00 00 00'],
    [2 ** 53 - 1, 'fe 1f ff ff ff ff ff ff'],
  ];
  it('pins the boundaries', () => {
    for (const [value, bytes] of golden) {
      const buf = new Uint8Array(9);
      const end = putOrderedVarint(buf, 0, value);
      expect(hex(buf.subarray(0, end)), String(value)).toBe(bytes);
      expect(orderedVarintLength(value)).toBe(end);
      expect(readOrderedVarint(buf, 0, end)).toBe(value);
    }
  });

  it('sorts like the numbers (property)', () => {
    const id = fc.oneof(fc.nat(300), fc.nat(70_000), fc.nat(2 ** 32), fc.maxSafeNat());
    fc.assert(
      fc.property(id, id, (a, b) => {
        const ea = new Uint8Array(9);
        const eb = new Uint8Array(9);
        const la = putOrderedVarint(ea, 0, a);
        const lb = putOrderedVarint(eb, 0, b);
        expect(Math.sign(compareBytes(ea.subarray(0, la), eb.subarray(0, lb)))).toBe(Math.sign(a - b));
        expect(readOrderedVarint(ea, 0, la)).toBe(a);
      }),
      { seed: testSeed(), numRuns: SOAK ? 20_000 : 2000 },
    );
  });

  it('refuses a cut-short or reserved encoding with CORRUPTION', () => {
    for (const bytes of [[0xf1], [0xfa, 1, 2], [0xff, 0, 0], []]) {
      try {
        readOrderedVarint(Uint8Array.from(bytes), 0);
        expect.unreachable();
      } catch (error) {
        expect(isOmbraError(error, 'CORRUPTION')).toBe(true);
      }
    }
  });
});

describe('zigzag int64', () => {
  it('pins the extremes and round-trips them exactly', () => {
    const cases: [bigint, string][] = [
      [0n, '00'],
      [-1n, '01'],
      [1n, '02'],
      [63n, '7e'],
      [-64n, '7f'],
      [64n, '80 01'],
      [2n ** 63n - 1n, 'fe ff ff ff ff ff ff ff ff 01'],
      [-(2n ** 63n), 'ff ff ff ff ff ff ff ff ff 01'],
    ];
    for (const [value, bytes] of cases) {
      const buf = new Uint8Array(10);
      const end = putZigzag(buf, 0, value);
      expect(hex(buf.subarray(0, end)), String(value)).toBe(bytes);
      expect(readZigzag(buf, 0, end)).toBe(value);
    }
  });
});

describe('record format (record.ts)', () => {
  it('pins a node record', () => {
    const rec = encodeNodeRecord(new ByteBuffer(), [1, 300], [2, 5, 7], [1n, 'hé', [true, 1.5]]);
    expect(hex(rec)).toBe('4e 02 01 ac 02 03 02 04 02 05 06 03 68 c3 a9 07 07 0b 02 03 05 3f f8 00 00 00 00 00 00');
    expect(nodeLabelIds(rec)).toEqual([1, 300]);
    expect(nodeRecordHasLabel(rec, 300)).toBe(true);
    expect(nodeRecordHasLabel(rec, 2)).toBe(false);
    const at = nodePropertiesOffset(rec);
    expect(findProperty(rec, at, 5)).toBe('hé');
    expect(findProperty(rec, at, 7)).toEqual([true, 1.5]);
    expect(findProperty(rec, at, 6)).toBeUndefined();
    expect(findProperty(rec, at, 9)).toBeUndefined();
    expect(hasProperty(rec, at, 2)).toBe(true);
    expect(hasProperty(rec, at, 3)).toBe(false);
    expect(readProperties(rec, at)).toEqual({ keyIds: [2, 5, 7], values: [1n, 'hé', [true, 1.5]] });
  });

  it('pins a relationship record', () => {
    const rec = encodeRelationshipRecord(new ByteBuffer(), 3, 1000, 0, [1, 2], [-1n, false]);
    expect(hex(rec)).toBe('52 03 e8 07 00 02 01 04 01 02 02');
    const h = relationshipHeader(rec);
    expect(h).toEqual({ typeId: 3, start: 1000, end: 0, propertiesAt: 5 });
    expect(readProperties(rec, h.propertiesAt)).toEqual({ keyIds: [1, 2], values: [-1n, false] });
  });

  it('pins every value tag', () => {
    const cases: [PropertyValue, string][] = [
      [null, '01'],
      [false, '02'],
      [true, '03'],
      [-2n, '04 03'],
      [-0, '05 80 00 00 00 00 00 00 00'],
      [NaN, '05 7f f8 00 00 00 00 00 00'],
      [-Infinity, '05 ff f0 00 00 00 00 00 00'],
      ['', '06 00'],
      [[], '07 01 00'],
      [{ a: 1n }, '08 05 01 01 61 04 02'],
    ];
    for (const [value, bytes] of cases) {
      const bb = new ByteBuffer(4);
      writeValue(bb, value);
      expect(hex(bb.view()), String(value)).toBe(bytes);
    }
  });

  it('refuses a zeroed or foreign record with CORRUPTION', () => {
    for (const rec of [new Uint8Array(4), Uint8Array.of(0x4e, 0x01), Uint8Array.of(0x4e, 0x00, 0x01, 0x01, 0x09)]) {
      try {
        const at = nodePropertiesOffset(rec);
        readProperties(rec, at);
        expect.unreachable();
      } catch (error) {
        expect(isOmbraError(error, 'CORRUPTION')).toBe(true);
      }
    }
  });
});

/** Any PropertyValue the codec carries (more than the store accepts: maps, nested lists, null items). */
const valueArb: fc.Arbitrary<PropertyValue> = fc.letrec<{ value: PropertyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: -1000n, max: 1000n }),
    fc.double(),
    fc.constantFrom(-0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** 53, 0.1),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Lone surrogates are stored as U+FFFD (UTF-8 cannot hold them); compare what UTF-8 keeps. */
function wellFormed(value: PropertyValue): PropertyValue {
  if (typeof value === 'string') return new TextDecoder().decode(new TextEncoder().encode(value));
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, PropertyValue> = {};
    for (const [k, v] of Object.entries(value)) out[wellFormed(k) as string] = wellFormed(v);
    return out;
  }
  return value;
}

describe('value round trips (R3)', () => {
  it('decodes exactly what was encoded', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const bb = new ByteBuffer(8);
        writeValue(bb, value);
        const bytes = bb.copy();
        const back = readValue(bytes, 0, bytes.length);
        expect(back).toStrictEqual(wellFormed(value));
      }),
      { seed: testSeed(), numRuns: SOAK ? 20_000 : 1500 },
    );
  });

  it('keeps int64 extremes, −0, NaN, infinities, nested lists and unicode', () => {
    const values: PropertyValue[] = [
      -(2n ** 63n),
      2n ** 63n - 1n,
      1n,
      1.0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      [[1n, [2.5, ['deep']]], []],
      'ℵ₀ — 𝄞 😀 \u0000 \uffff',
      'x'.repeat(1 << 20),
    ];
    const rec = encodeNodeRecord(new ByteBuffer(), [], values.map((_, i) => i), values);
    const at = nodePropertiesOffset(rec);
    values.forEach((value, i) => {
      const back = findProperty(rec, at, i);
      expect(back).toStrictEqual(value);
      expect(typeof back).toBe(typeof value);
    });
    expect(Object.is(findProperty(rec, at, 4), -0)).toBe(true);
  });
});
