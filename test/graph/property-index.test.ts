// Property indexes: the order-preserving key encoding (golden bytes, ordering and equality
// against openCypher's rules), seeks and ranges, unique constraints (refused changes leave no
// trace), builds with progress, drop, rebuild and statistics.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { IndexKeyBuilder, INDEX_VALUE_BYTES_MAX, compareCodePoints, compareScalars } from '../../src/graph/property-index.js';
import { GraphWriter } from '../../src/graph/writer.js';
import { float, toPropertyValue, type PropertyValue } from '../../src/graph/value.js';
import { compareBytes } from '../../src/storage/keys.js';
import { codeOf, GraphDb } from '../support/graph-harness.js';
import { SOAK, testSeed } from '../support/rng.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)/g, '$1 ').trim();
const ONE_F = '30 bf f0 00 ff 00 ff 00 ff 00 ff 00 ff 00 ff 80 00 ff';

describe('index key encoding', () => {
  it('pins the bytes of each type', () => {
    const kb = new IndexKeyBuilder();
    const cases: [PropertyValue, string][] = [
      [1n, `03 ${ONE_F} 00 01 05`],
      [1.0, `03 ${ONE_F} 00 01 05`], // 1 = 1.0: the same key
      [2n ** 53n + 1n, '03 30 c3 40 00 ff 00 ff 00 ff 00 ff 00 ff 00 ff 80 01 00 01 05'],
      ['ab', '03 10 61 62 00 01 05'],
      ['a\u0000', '03 10 61 00 ff 00 01 05'],
      [true, '03 20 01 00 01 05'],
      [false, '03 20 00 ff 00 01 05'],
      [[1n, 'a'], `03 08 ${ONE_F} 10 61 00 ff 01 00 ff 00 01 05`],
      [[], '03 08 00 ff 00 01 05'],
    ];
    for (const [value, bytes] of cases) expect(hex(kb.entry(3, value, 5)), String(value)).toBe(bytes);
  });

  it('truncates a long value to 400 raw bytes and marks it with 00 02', () => {
    const kb = new IndexKeyBuilder();
    const key = kb.entry(3, 'x'.repeat(1000), 5);
    expect(kb.truncated).toBe(true);
    expect(key.length).toBe(1 + INDEX_VALUE_BYTES_MAX + 2 + 1);
    expect(hex(key.subarray(key.length - 4))).toBe('78 00 02 05');
    kb.entry(3, 'x'.repeat(INDEX_VALUE_BYTES_MAX - 1), 5);
    expect(kb.truncated).toBe(false);
  });

  const scalarArb: fc.Arbitrary<PropertyValue> = fc.oneof(
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: -20n, max: 20n }),
    fc.bigInt({ min: 2n ** 53n - 5n, max: 2n ** 53n + 5n }),
    fc.double(),
    fc.integer({ min: -20, max: 20 }).map((n) => n + 0), // floats equal to small integers
    fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 63, -(2 ** 63), 0.5),
    fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', 'é', '😀', '\uffff'), maxLength: 8 }),
    fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 390, maxLength: 420 }), // around the truncation point
  );
  const valueArb: fc.Arbitrary<PropertyValue> = fc.oneof({ weight: 4, arbitrary: scalarArb }, { weight: 1, arbitrary: fc.array(scalarArb, { maxLength: 4 }) });

  /** openCypher orderability of stored values (LIST < STRING < BOOLEAN < NUMBER; NaN last among numbers). */
  function expectedOrder(a: PropertyValue, b: PropertyValue): number {
    const rank = (v: PropertyValue): number => (Array.isArray(v) ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3);
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = expectedOrder(a[i]!, b[i]!);
        if (c !== 0) return c;
      }
      return a.length - b.length;
    }
    if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
    const nanA = typeof a === 'number' && a !== a;
    const nanB = typeof b === 'number' && b !== b;
    if (nanA || nanB) return nanA && nanB ? 0 : nanA ? 1 : -1;
    return compareScalars(a, b)!;
  }

  it('orders keys as openCypher orders values, equal keys exactly for equal values', () => {
    const ka = new IndexKeyBuilder();
    const kb = new IndexKeyBuilder();
    fc.assert(
      fc.property(valueArb, valueArb, (a, b) => {
        const keyA = ka.entry(7, a, 0).slice();
        const keyB = kb.entry(7, b, 0).slice();
        if (ka.truncated && kb.truncated) return; // a shared truncated group is ordered by node id (checked against records)
        const want = Math.sign(expectedOrder(a, b));
        expect(Math.sign(compareBytes(keyA, keyB))).toBe(want);
      }),
      { seed: testSeed(), numRuns: SOAK ? 30_000 : 3000 },
    );
  });
});

let db: GraphDb;
afterEach(async () => {
  await db?.close();
});

describe('seeks', () => {
  it('finds equal values across INTEGER and FLOAT, with and without an index', () => {
    db = new GraphDb();
    const ids = db.write((g) => [
      g.createNode(['P'], { v: 1n }),
      g.createNode(['P'], { v: toPropertyValue(float(1)) }),
      g.createNode(['P'], { v: 2n ** 53n + 1n }),
      g.createNode(['P'], { v: 2 ** 53 }),
      g.createNode(['P'], { v: NaN }),
      g.createNode(['P'], { v: [1n, 2n] }),
      g.createNode(['P'], { v: [1.0, 2.0] }),
      g.createNode(['Q'], { v: 1n }),
      g.createNode(['P'], { v: '1' }),
    ]);
    const probe = (): void =>
      db.read((g) => {
        expect([...g.nodeIdsByProperty('P', 'v', 1n)]).toEqual([ids[0], ids[1]]);
        expect([...g.nodeIdsByProperty('P', 'v', 1.0)]).toEqual([ids[0], ids[1]]);
        expect([...g.nodeIdsByProperty('P', 'v', 2n ** 53n + 1n)]).toEqual([ids[2]]);
        expect([...g.nodeIdsByProperty('P', 'v', 2n ** 53n)]).toEqual([ids[3]]);
        expect([...g.nodeIdsByProperty('P', 'v', NaN)]).toEqual([]);
        expect([...g.nodeIdsByProperty('P', 'v', [1n, 2.0])]).toEqual([ids[5], ids[6]]);
        expect([...g.nodeIdsByProperty('P', 'v', '1')]).toEqual([ids[8]]);
        expect([...g.nodeIdsByProperty('P', 'v', null)]).toEqual([]);
        expect([...g.nodeIdsByProperty('P', 'nope', 1n)]).toEqual([]);
        expect([...g.nodeIdsByProperty('Nope', 'v', 1n)]).toEqual([]);
      });
    probe(); // label scan
    db.write((g) => g.createIndex({ label: 'P', key: 'v' }));
    probe(); // index seek
    db.expectClean();
  });

  it('answers ranges in value order and refuses them without an index', () => {
    db = new GraphDb();
    db.write((g) => {
      for (const v of [5n, 1.5, -3n, 2n ** 60n, 10, NaN, Infinity, -Infinity, 'apple', 'banana', 'cherry', true, false, [1n]]) g.createNode(['R'], { v });
    });
    db.read((g) => expect(codeOf(() => g.nodeIdsByPropertyRange('R', 'v', { lower: { value: 1n, inclusive: true } }))).toBe('INDEX_NOT_FOUND'));
    db.write((g) => g.createIndex({ label: 'R', key: 'v' }));
    db.read((g) => {
      const values = (range: Parameters<typeof g.nodeIdsByPropertyRange>[2]): PropertyValue[] =>
        [...g.nodeIdsByPropertyRange('R', 'v', range)].map((id) => g.nodeProperty(id, 'v'));
      expect(values({ lower: { value: 1n, inclusive: true } })).toEqual([1.5, 5n, 10, 2n ** 60n, Infinity]);
      expect(values({ lower: { value: 5, inclusive: false }, upper: { value: 10n, inclusive: true } })).toEqual([10]);
      expect(values({ upper: { value: 1.5, inclusive: false } })).toEqual([-Infinity, -3n]);
      expect(values({ lower: { value: 'b', inclusive: true } })).toEqual(['banana', 'cherry']);
      expect(values({ upper: { value: 'banana', inclusive: true } })).toEqual(['apple', 'banana']);
      expect(values({ lower: { value: false, inclusive: false } })).toEqual([true]);
      expect(values({ lower: { value: 1n, inclusive: true }, upper: { value: 'z', inclusive: true } })).toEqual([]);
      expect(values({ lower: { value: NaN, inclusive: true } })).toEqual([]);
      expect(values({ lower: { value: null, inclusive: true } })).toEqual([]);
      expect(codeOf(() => [...g.nodeIdsByPropertyRange('R', 'v', { lower: { value: [1n], inclusive: true } })])).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => [...g.nodeIdsByPropertyRange('R', 'v', {})])).toBe('INVALID_ARGUMENT');
    });
    db.expectClean();
  });

  it('handles long values that share a truncated key', () => {
    db = new GraphDb();
    const base = 'k'.repeat(INDEX_VALUE_BYTES_MAX + 50);
    const long = (suffix: string): string => base + suffix;
    const ids = db.write((g) => {
      g.createIndex({ label: 'L', key: 'v' });
      g.createIndex({ label: 'U', key: 'v', unique: true });
      return ['c', 'a', 'b', 'a'].map((s) => g.createNode(['L'], { v: long(s) }));
    });
    db.read((g) => {
      expect([...g.nodeIdsByProperty('L', 'v', long('a'))]).toEqual([ids[1], ids[3]]);
      expect([...g.nodeIdsByProperty('L', 'v', long('z'))]).toEqual([]);
      const range = [...g.nodeIdsByPropertyRange('L', 'v', { lower: { value: long('a'), inclusive: false }, upper: { value: long('c'), inclusive: false } })];
      expect(range).toEqual([ids[2]]);
      const below = [...g.nodeIdsByPropertyRange('L', 'v', { upper: { value: long('b'), inclusive: true } })];
      expect(below.sort()).toEqual([ids[1], ids[2], ids[3]].sort());
    });
    db.write((g) => {
      g.createNode(['U'], { v: long('a') });
      g.createNode(['U'], { v: long('b') }); // same truncated key, different value: allowed
      expect(codeOf(() => g.createNode(['U'], { v: long('a') }))).toBe('CONSTRAINT_UNIQUE');
      expect([...g.nodeIdsByProperty('U', 'v', long('b'))].length).toBe(1);
    });
    db.expectClean();
  });
});

describe('unique indexes', () => {
  it('refuse duplicates on every path and leave no partial state', () => {
    db = new GraphDb();
    db.write((g) => {
      g.createIndex({ name: 'person_id', label: 'Person', key: 'id', unique: true });
      g.createIndex({ label: 'Person', key: 'email', unique: true });
      g.createNode(['Person'], { id: 1n, email: 'a@x' });
      g.createNode(['Person'], { id: 2n, email: 'b@x' });
      g.createNode(['Other'], { id: 1n }); // no index on Other
    });
    db.write((g) => {
      const before = JSON.stringify(g.getNode(1), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
      // createNode: the second unique value collides after the first was entered; both undone.
      let caught: unknown;
      try {
        g.createNode(['Person'], { id: 3n, email: 'a@x' });
      } catch (error) {
        caught = error;
      }
      expect(isOmbraError(caught, 'CONSTRAINT_UNIQUE')).toBe(true);
      expect((caught as { details: Record<string, unknown> }).details).toMatchObject({ label: 'Person', key: 'email', value: '"a@x"', existingNodeId: 0 });
      expect(codeOf(() => g.createNode(['Person', 'New'], { id: 1.0 }))).toBe('CONSTRAINT_UNIQUE'); // 1.0 = 1
      expect(codeOf(() => g.setNodeProperty(1, 'id', 1n))).toBe('CONSTRAINT_UNIQUE');
      expect(codeOf(() => g.mergeNodeProperties(1, { id: 1n, x: 5n }))).toBe('CONSTRAINT_UNIQUE');
      expect(codeOf(() => g.replaceNodeProperties(1, { email: 'a@x' }))).toBe('CONSTRAINT_UNIQUE');
      expect(codeOf(() => g.addNodeLabel(2, 'Person'))).toBe('CONSTRAINT_UNIQUE');
      expect(JSON.stringify(g.getNode(1), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(before);
      expect(g.nodeCount()).toBe(3);
      expect(g.labels()).toEqual(['Person', 'Other']);
      expect(g.propertyKeys()).toEqual(['id', 'email']);
      // The transaction is still usable: legal changes go through.
      g.setNodeProperty(1, 'id', 1n + 1n); // its own value: no conflict
      g.setNodeProperty(1, 'id', 7n);
      expect([...g.nodeIdsByProperty('Person', 'id', 7n)]).toEqual([1]);
      expect([...g.nodeIdsByProperty('Person', 'id', 2n)]).toEqual([]);
      g.createNode(['Person'], { id: 2n });
    });
    db.expectClean();
    db.write((g) => {
      // Deleting frees the value.
      g.deleteNode(0);
      g.createNode(['Person'], { id: 1n, email: 'a@x' });
    });
    db.expectClean();
  });

  it('refuse to build over duplicates, leaving nothing behind', () => {
    db = new GraphDb();
    db.write((g) => {
      for (let i = 0; i < 50; i++) g.createNode(['D'], { k: BigInt(i % 40) });
    });
    db.write((g) => {
      expect(codeOf(() => g.createIndex({ label: 'D', key: 'k', unique: true }))).toBe('CONSTRAINT_UNIQUE');
      expect(g.indexes()).toEqual([]);
      const info = g.createIndex({ label: 'D', key: 'k' }); // non-unique is fine
      expect(info).toMatchObject({ name: 'index_D_k', label: 'D', key: 'k', unique: false });
    });
    db.expectClean();
  });
});

describe('index lifecycle', () => {
  it('builds with progress, reports statistics, rebuilds and drops', () => {
    db = new GraphDb();
    db.write((g) => {
      for (let i = 0; i < 10_000; i++) g.createNode(['B'], i % 3 === 0 ? {} : { k: BigInt(i % 100) });
    });
    const progress: [number, number][] = [];
    const info = db.write((g) => g.createIndex({ name: 'bk', label: 'B', key: 'k' }, (done, total) => progress.push([done, total])));
    expect(info).toEqual({ id: 0, name: 'bk', label: 'B', key: 'k', unique: false });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([10_000, 10_000]);
    expect(progress.every(([d, t], i) => t === 10_000 && (i === 0 || d > progress[i - 1]![0]))).toBe(true);
    db.read((g) => {
      const stats = g.indexStatistics('bk');
      expect(stats.entries).toBe(6666);
      expect(stats.distinctValues).toBe(100);
      expect(stats.selectivity).toBeCloseTo(100 / 6666);
      expect(g.findIndex('B', 'k')).toEqual(info);
      expect(g.findIndex('B', 'x')).toBeNull();
      expect(codeOf(() => g.indexStatistics('nope'))).toBe('INDEX_NOT_FOUND');
    });
    db.write((g) => {
      expect(codeOf(() => g.createIndex({ name: 'bk', label: 'X', key: 'y' }))).toBe('INDEX_EXISTS');
      expect(codeOf(() => g.createIndex({ name: 'other', label: 'B', key: 'k' }))).toBe('INDEX_EXISTS');
      expect(g.createIndex({ name: 'other', label: 'B', key: 'k', ifNotExists: true })).toEqual(info);
      expect(g.rebuildIndex('bk')).toEqual({ entries: 6666 });
      expect(codeOf(() => g.rebuildIndex('nope'))).toBe('INDEX_NOT_FOUND');
    });
    db.expectClean();
    db.write((g) => {
      expect(g.dropIndex('bk')).toBe(true);
      expect(g.dropIndex('bk', { ifExists: true })).toBe(false);
      expect(codeOf(() => g.dropIndex('bk'))).toBe('INDEX_NOT_FOUND');
      expect(g.indexes()).toEqual([]);
      expect([...g.nodeIdsByProperty('B', 'k', 5n)].length).toBe(67); // label scan now
    });
    db.expectClean();
  });

  it('keeps entries right through label and property changes', () => {
    db = new GraphDb();
    db.write((g) => {
      g.createIndex({ label: 'A', key: 'x' });
      const n = g.createNode(['A'], { x: 1n });
      g.setNodeProperty(n, 'x', 2n);
      expect([...g.nodeIdsByProperty('A', 'x', 1n)]).toEqual([]);
      expect([...g.nodeIdsByProperty('A', 'x', 2n)]).toEqual([n]);
      g.removeNodeLabel(n, 'A');
      expect([...g.nodeIdsByProperty('A', 'x', 2n)]).toEqual([]);
      g.addNodeLabel(n, 'A');
      expect([...g.nodeIdsByProperty('A', 'x', 2.0)]).toEqual([n]);
      g.setNodeProperty(n, 'x', null);
      expect(g.indexStatistics('index_A_x').entries).toBe(0);
      g.mergeNodeProperties(n, { x: 'y' });
      g.replaceNodeProperties(n, { x: 'z', other: 1n });
      expect([...g.nodeIdsByProperty('A', 'x', 'z')]).toEqual([n]);
    });
    db.expectClean();
  });

  it('gives each write view of a transaction the same indexes, also views made before a change', () => {
    db = new GraphDb();
    const txn = db.pager.beginWrite();
    const early = new GraphWriter(txn, db.shared);
    const first = new GraphWriter(txn, db.shared);
    first.createIndex({ label: 'V', key: 'k', unique: true });
    const second = new GraphWriter(txn, db.shared);
    second.createNode(['V'], { k: 1n });
    expect(codeOf(() => second.createNode(['V'], { k: 1n }))).toBe('CONSTRAINT_UNIQUE');
    expect(codeOf(() => early.createNode(['V'], { k: 1n }))).toBe('CONSTRAINT_UNIQUE');
    early.createNode(['V'], { k: 2n }); // maintained by the view made before the index
    expect([...second.nodeIdsByProperty('V', 'k', 2n)]).toEqual([1]);
    second.dropIndex('index_V_k');
    early.createNode(['V'], { k: 2n }); // the early view sees the drop too
    txn.commit();
    db.expectClean();
  });
});
