// CreatedCounts (src/cypher/executor/mutations.ts): the created-entity bookkeeping behind
// QueryStats (M2) keeps a run of consecutive ids in an array. Checked against a Map through
// random creates (mostly consecutive ids, some anywhere), count changes and deletes.
import { describe, expect, it } from 'vitest';
import { CreatedCounts } from '../../../src/cypher/executor/mutations.js';
import { SOAK, mulberry32, testSeed, withSeed } from '../../support/rng.js';

function entries(counts: CreatedCounts): [number, number][] {
  const out: [number, number][] = [];
  counts.forEach((count, id) => out.push([id, count]));
  return out.sort((a, b) => a[0] - b[0]);
}

describe('CreatedCounts', () => {
  it('agrees with a Map through random sets, changes, deletes and lookups', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const runs = SOAK ? 400 : 60;
      for (let r = 0; r < runs; r++) {
        const counts = new CreatedCounts();
        const model = new Map<number, number>();
        let next = Math.floor(rnd() * 1000);
        for (let step = 0; step < 300; step++) {
          const p = rnd();
          if (p < 0.55) {
            // a create: the next id mostly, sometimes an id anywhere (below the run, far above it)
            const id = rnd() < 0.85 ? next++ : Math.floor(rnd() * 3000);
            const count = Math.floor(rnd() * 5);
            counts.set(id, count);
            model.set(id, count);
          } else if (p < 0.7) {
            const id = Math.floor(rnd() * 3000);
            if (model.has(id)) {
              counts.set(id, -1); // CHANGED
              model.set(id, -1);
            }
          } else if (p < 0.9) {
            const id = rnd() < 0.5 && next > 0 ? next - 1 - Math.floor(rnd() * 10) : Math.floor(rnd() * 3000);
            expect(counts.delete(id)).toBe(model.delete(id));
          } else {
            const id = Math.floor(rnd() * 3000);
            expect(counts.has(id)).toBe(model.has(id));
          }
          expect(counts.size).toBe(model.size);
        }
        expect(entries(counts)).toEqual([...model].sort((a, b) => a[0] - b[0]));
      }
    });
  });

  it('is empty until the first set, and a deleted id is gone from every view', () => {
    const counts = new CreatedCounts();
    expect(counts.size).toBe(0);
    expect(counts.has(0)).toBe(false);
    expect(counts.delete(0)).toBe(false);
    counts.set(7, 2);
    counts.set(8, 0);
    counts.set(3, 1); // below the run
    expect(counts.delete(7)).toBe(true);
    expect(counts.delete(7)).toBe(false);
    expect(counts.has(7)).toBe(false);
    expect(counts.size).toBe(2);
    expect(entries(counts)).toEqual([
      [3, 1],
      [8, 0],
    ]);
  });
});
