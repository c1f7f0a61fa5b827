// IdSet (executor/operators/id-set.ts) against a JS Set: the same membership, sizes and
// answers from add() for sequences of ids small and large (past 2^32 and up to 2^53 − 1),
// dense and colliding, across growth and clear().

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../../src/cypher/executor/operators/id-set.js';
import { SOAK, testSeed } from '../../support/rng.js';

const id = fc.oneof(
  fc.integer({ min: 0, max: 64 }),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  // Ids that differ only above bit 32 (the low word alone would collide).
  fc.integer({ min: 0, max: 2 ** 20 }).map((hi) => hi * 2 ** 32 + 7),
);

describe('IdSet', () => {
  it('behaves as a Set of numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(id, fc.constant('clear' as const)), { maxLength: 400 }), (ops) => {
        const set = new IdSet();
        const model = new Set<number>();
        for (const op of ops) {
          if (op === 'clear') {
            set.clear();
            model.clear();
          } else {
            expect(set.add(op)).toBe(!model.has(op));
            model.add(op);
          }
          expect(set.size).toBe(model.size);
        }
        for (const op of ops) if (op !== 'clear') expect(set.has(op)).toBe(model.has(op));
        expect(set.has(Number.MAX_SAFE_INTEGER - 1)).toBe(model.has(Number.MAX_SAFE_INTEGER - 1));
      }),
      { seed: testSeed(), numRuns: SOAK ? 2000 : 200 },
    );
  });

  it('grows past many ids and starts small again after a large clear', () => {
    const set = new IdSet();
    let added = 0;
    let again = 0;
    for (let i = 0; i < 100_000; i++) if (set.add(i * 3)) added++;
    for (let i = 0; i < 100_000; i++) if (set.add(i * 3)) again++;
    expect([added, again, set.size]).toEqual([100_000, 0, 100_000]);
    expect(set.has(1)).toBe(false);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.has(0)).toBe(false);
    expect(set.add(0)).toBe(true);
    const sized = new IdSet(1000);
    for (let i = 0; i < 1000; i++) sized.add(i);
    expect(sized.size).toBe(1000);
  });
});
