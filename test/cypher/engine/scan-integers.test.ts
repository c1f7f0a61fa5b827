// Scan aggregation's number path for small INTEGERs (NodeScan.integerProperty,
// Accumulator.addSmallInteger): the fused scan gives what the plain Aggregation gives (PROFILE
// runs the plain form) for values around every boundary the path has (±2^31, the one- and
// two-byte varints, 2^53), mixed with floats, absent values and non-numbers, over both scan
// kinds (the record walk when most nodes carry the label, label-index lookups otherwise).

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { SOAK, testSeed } from '../../support/rng.js';
import { caught, openMemory, q } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
});
afterEach(async () => {
  await db.close();
});

const EDGES = [
  0, 1, -1, 63, -64, 64, 8191, -8192, 8192, -8193, 2 ** 31 - 1, -(2 ** 31 - 1), 2 ** 31, -(2 ** 31), 2 ** 31 + 1, 2 ** 32, 2 ** 35, -(2 ** 35), 2 ** 53 - 1, -(2 ** 53 - 1),
];

/** A property value: an INTEGER (within ±2^62), a FLOAT, or absent. */
type Cell = { kind: 'int'; v: bigint } | { kind: 'float'; v: number } | { kind: 'absent' };
const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.constantFrom(...EDGES).map((v) => ({ kind: 'int' as const, v: BigInt(v) })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((v) => ({ kind: 'int' as const, v: BigInt(v) })),
  fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }).map((v) => ({ kind: 'int' as const, v })),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => ({ kind: 'float' as const, v })),
  fc.constant({ kind: 'absent' as const }),
);

const AGGREGATES = ['sum(n.v)', 'avg(n.v)', 'count(n.v)', 'min(n.v)', 'max(n.v)', 'sum(n.v), count(*)'];

function same(label: string): void {
  for (const a of AGGREGATES) {
    const text = `MATCH (n:${label}) RETURN ${a}`;
    const fused = run(text);
    const plain = run('PROFILE ' + text);
    expect(fused, text).toEqual(plain);
  }
}

/** Rows, or the error code (a sum past 2^63 overflows either way). */
function run(text: string): string[][] | string {
  try {
    return q(db, text);
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('scan aggregation over small INTEGERs', () => {
  it('boundary values: the same as the plain aggregation, and exact', () => {
    db.query('UNWIND $vs AS v CREATE (:E {v: v})', { vs: EDGES.map((v) => BigInt(v)) });
    same('E');
    const sum = EDGES.reduce((s, v) => s + BigInt(v), 0n);
    expect(q(db, 'MATCH (n:E) RETURN sum(n.v)')).toEqual([[String(sum)]]);
  });

  it('random mixes of INTEGERs, FLOATs and absent values, over the record walk and label-index lookups', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 0, maxLength: 60 }), (cells) => {
        db.query('MATCH (n) DETACH DELETE n');
        // Every node carries :W (the record walk); then few carry :F among many :Pad (label-index lookups).
        db.query('UNWIND $vs AS v CREATE (:W {v: v})', { vs: cells.map(toParameter) });
        same('W');
        db.query('UNWIND range(1, 3 * size($vs) + 3) AS i CREATE (:Pad)', { vs: cells });
        db.query('UNWIND $vs AS v CREATE (:F {v: v})', { vs: cells.map(toParameter) });
        same('F');
      }),
      { seed: testSeed(), numRuns: SOAK ? 300 : 25 },
    );
  });

  it('a string among the integers is the same type error either way', () => {
    db.query("UNWIND [1, 2, 'three', 4] AS v CREATE (:S {v: v})");
    for (const a of ['sum(n.v)', 'avg(n.v)']) {
      const text = `MATCH (n:S) RETURN ${a}`;
      expect(caught(() => db.query(text)).code).toBe(caught(() => db.query('PROFILE ' + text)).code);
    }
    expect(q(db, 'MATCH (n:S) RETURN count(n.v), min(n.v)')).toEqual(q(db, 'PROFILE MATCH (n:S) RETURN count(n.v), min(n.v)'));
  });
});

/** A cell as a query parameter: a BigInt for an INTEGER, a number for a FLOAT, null when absent. */
function toParameter(c: Cell): unknown {
  return c.kind === 'absent' ? null : c.v;
}
