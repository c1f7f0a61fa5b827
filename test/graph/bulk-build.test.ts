// The bulk path's helpers (src/graph/bulk-sort.ts, bulk-build.ts): adjacency grouping against a
// plain sort of the key tuples (dense and sparse node ids, several types, hub nodes, gaps in the
// relationship ids), and a bulk build through a small page budget (BulkFileStore eviction and
// read-back) that passes full verify.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAdjacency, RelationshipColumns } from '../../src/graph/bulk-sort.js';
import { importNewDatabase } from '../../src/ops/import.js';
import { mulberry32, testSeed } from '../support/rng.js';
import { cleanupDirs, dumpGraph, openDb, withSeedAsync, workDir } from '../ops/graph-fixture.js';

afterEach(cleanupDirs);

describe('groupAdjacency', () => {
  it('orders (node, type, other, id) exactly as sorting the tuples does', async () => {
    await withSeedAsync(testSeed(), async (seed) => {
      const rand = mulberry32(seed);
      for (let round = 0; round < 12; round++) {
        const n = 1 + Math.floor(rand() * 3000);
        const sparse = round % 3 === 2; // node ids far beyond n: the comparison-sort path
        const nodes = sparse ? 2 ** 40 : 1 + Math.floor(rand() * 400);
        const rels = new RelationshipColumns(16);
        const tuples: [number, number, number, number][] = [];
        let id = Math.floor(rand() * 100);
        for (let i = 0; i < n; i++) {
          id += round % 2 === 0 ? 1 : 1 + Math.floor(rand() * 3); // contiguous, or with gaps
          const pick = (): number => (rand() < 0.2 ? 7 : Math.floor(rand() * nodes)); // node 7 is a hub
          const start = pick();
          const end = pick();
          const type = Math.floor(rand() * 3);
          rels.push(id, type, start, end);
          tuples.push([start, type, end, id]);
        }
        for (const out of [true, false]) {
          const groups = await groupAdjacency(rels, out ? rels.starts : rels.ends, out ? rels.ends : rels.starts);
          const got: number[][] = [];
          for (let g = 0; g < groups.nodes.length; g++) {
            for (let i = groups.offsets[g]!; i < groups.offsets[g + 1]!; i++) got.push([groups.nodes[g]!, groups.types[i]!, groups.others[i]!, groups.ids[i]!]);
          }
          const expected = tuples.map(([s, t, e, r]) => (out ? [s, t, e, r] : [e, t, s, r])).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]! || a[3]! - b[3]!);
          expect(got).toEqual(expected);
        }
      }
    });
  });
});

describe('bulk build through a small page budget', () => {
  it('evicts, reads pages back and still writes a database that passes full verify', async () => {
    const dir = workDir();
    const persons = ['id:ID,name,bio'];
    const knows = [':START_ID,:END_ID,w:int'];
    const rand = mulberry32(99);
    for (let i = 0; i < 1500; i++) persons.push(`${i},p${i},${i % 300 === 0 ? 'x'.repeat(20_000) : 'short'}`);
    for (let i = 0; i < 8000; i++) knows.push(`${Math.floor(rand() * 1500)},${Math.floor(rand() * rand() * 1500)},${i}`);
    writeFileSync(`${dir}/p.csv`, `${persons.join('\n')}\n`);
    writeFileSync(`${dir}/k.csv`, `${knows.join('\n')}\n`);
    const options = { nodes: [{ files: [`${dir}/p.csv`], labels: ['Person'] }], relationships: [{ files: [`${dir}/k.csv`], type: 'KNOWS' }], idType: 'integer' as const };
    const small = await importNewDatabase({ ...options, out: `${dir}/small.db`, pageSizeBytes: 4096, residentPagesMax: 16, verify: 'full' });
    const large = await importNewDatabase({ ...options, out: `${dir}/large.db`, pageSizeBytes: 4096 });
    expect(small).toMatchObject({ nodes: 1500, relationships: 8000, pageCount: large.pageCount });
    const a = openDb(`${dir}/small.db`, { create: false });
    const b = openDb(`${dir}/large.db`, { create: false });
    expect(dumpGraph(a)).toEqual(dumpGraph(b));
    expect((await a.verify({ level: 'full' })).problems).toEqual([]);
    await a.close();
    await b.close();
  });
});
