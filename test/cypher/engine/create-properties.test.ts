// The property map of a created entity (operators/update.ts createProperties): a map of
// scalars and nulls goes to the writer as it is (no copy per row); a map holding a list is
// converted, one holding a map is refused. Either way the entity stores exactly the non-null
// entries and the statement counts them (mutations.ts M2).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { SOAK, mulberry32, testSeed, withSeed } from '../../support/rng.js';
import { caught, openMemory } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
});
afterEach(async () => {
  await db.close();
});

type Input = number | string | boolean | null | number[];

function randomInput(rnd: () => number): Input {
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return null;
    case 1:
      return Math.floor(rnd() * 1000) - 500;
    case 2:
      return `s${Math.floor(rnd() * 100)}`;
    case 3:
      return rnd() < 0.5;
    case 4:
      return rnd() * 10 + 0.5;
    default:
      return Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => i);
  }
}

/** The stored form of an input as the result returns it (INTEGERs as bigint). */
function storedForm(value: Input): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => BigInt(v));
  return value;
}

describe('CREATE property maps', () => {
  it('store exactly the non-null entries of scalar and list maps, counted once', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      const rows = Array.from({ length: SOAK ? 2000 : 200 }, (_, id) => ({ id, a: randomInput(rnd), b: randomInput(rnd), c: randomInput(rnd) }));
      const created = db.query('UNWIND $rows AS r CREATE (:P {id: r.id, a: r.a, b: r.b, c: r.c})', { rows });
      let expectedSet = 0;
      for (const row of rows) for (const v of [row.id, row.a, row.b, row.c]) if (v !== null) expectedSet++;
      expect(created.stats).toMatchObject({ nodesCreated: rows.length, propertiesSet: expectedSet });
      const back = db.query('MATCH (n:P) RETURN n.id, properties(n) ORDER BY n.id').rows;
      expect(back.length).toBe(rows.length);
      for (const [i, row] of rows.entries()) {
        const want: Record<string, unknown> = { id: BigInt(row.id) };
        for (const key of ['a', 'b', 'c'] as const) if (row[key] !== null) want[key] = storedForm(row[key]);
        expect(back[i]![1]).toEqual(want);
      }
    });
  });

  it('take one parameter map for several entities and relationships without changing it', () => {
    const m = { k: 1, s: 'x', n: null };
    const result = db.query('CREATE (a:Q $m)-[:R $m]->(b:Q $m)', { m });
    expect(result.stats).toMatchObject({ nodesCreated: 2, relationshipsCreated: 1, propertiesSet: 6 });
    expect(m).toEqual({ k: 1, s: 'x', n: null });
    expect(db.query('MATCH (a:Q)-[r:R]->(b:Q) RETURN properties(a), properties(r), properties(b)').rows[0]).toEqual([
      { k: 1n, s: 'x' },
      { k: 1n, s: 'x' },
      { k: 1n, s: 'x' },
    ]);
  });

  it('refuse a map value (InvalidPropertyType) and create nothing', () => {
    const error = caught(() => db.query('UNWIND $rows AS r CREATE (:P {id: r.id, m: r.m})', { rows: [{ id: 1, m: 1 }, { id: 2, m: { x: 1 } }] }));
    expect(error.code).toBe('RUNTIME_TYPE');
    expect(db.query('MATCH (n:P) RETURN count(n)').rows[0]![0]).toBe(0n);
  });
});
