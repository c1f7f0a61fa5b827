// TupleDigest: equal multisets of (start, type, end, id) digest equal in any order; a changed,
// missing or extra tuple changes the digest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TupleDigest } from '../../src/graph/tuple-digest.js';
import { testSeed } from '../support/rng.js';

type Tuple = [number, number, number, number];
const id = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const tuple: fc.Arbitrary<Tuple> = fc.tuple(id, fc.integer({ min: 0, max: 300 }), id, id);

function digestOf(tuples: readonly Tuple[]): TupleDigest {
  const d = new TupleDigest();
  for (const [s, t, e, i] of tuples) d.add(s, t, e, i);
  return d;
}

describe('TupleDigest', () => {
  it('is the same for any order of the same tuples, duplicates included', () => {
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 60 }), fc.integer(), (tuples, shuffleSeed) => {
        const shuffled = [...tuples, ...tuples.slice(0, 3)];
        const original = [...tuples, ...tuples.slice(0, 3)];
        let x = shuffleSeed | 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (Math.imul(x, 1103515245) + 12345) | 0;
          const j = (x >>> 0) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(digestOf(shuffled).equals(digestOf(original))).toBe(true);
      }),
      { seed: testSeed(), numRuns: 200 },
    );
  });

  it('changes when one field of one tuple changes, or a tuple is missing or added', () => {
    fc.assert(
      fc.property(fc.array(tuple, { minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 1 << 20 }), (tuples, at, field, delta) => {
        const base = digestOf(tuples);
        const changed = tuples.map((t) => [...t] as Tuple);
        const victim = changed[at % changed.length]!;
        victim[field] = victim[field]! + delta <= Number.MAX_SAFE_INTEGER ? victim[field]! + delta : victim[field]! - delta;
        expect(digestOf(changed).equals(base)).toBe(false);
        expect(digestOf(tuples.slice(1)).equals(base)).toBe(false);
        expect(digestOf([...tuples, tuples[0]!]).equals(base)).toBe(false);
      }),
      { seed: testSeed(), numRuns: 300 },
    );
  });

  it('tells tuples apart that differ only in which field holds a value', () => {
    expect(digestOf([[1, 2, 3, 4]]).equals(digestOf([[3, 2, 1, 4]]))).toBe(false);
    expect(digestOf([[1, 2, 3, 4]]).equals(digestOf([[1, 2, 4, 3]]))).toBe(false);
    expect(digestOf([[2 ** 32, 0, 0, 0]]).equals(digestOf([[0, 0, 0, 0]]))).toBe(false);
  });
});
