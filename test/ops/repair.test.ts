// Repair (src/ops/repair.ts, rebuild.ts): derived structures broken on purpose — index entries
// removed and invented, an adjacency entry lost, a degree count and the node counter wrong —
// are found by full verify, and repair writes a new database where every derived structure
// matches the records again, reports what it fixed, and never touches the damaged file.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { putOrderedVarint, readOrderedVarint } from '../../src/graph/encoding.js';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { COUNTER, ROOT_SLOT } from '../../src/storage/meta.js';
import type { WriteTransaction } from '../../src/storage/pager.js';
import { mulberry32, testSeed } from '../support/rng.js';
import { cleanupDirs, dumpGraph, fileDigest, openDb, read, withSeedAsync, workDir, write } from './graph-fixture.js';

afterEach(cleanupDirs);

function tree(txn: WriteTransaction, slot: number, name: string): BTree {
  return new BTree(txn, rootInSlot(txn, slot), { name });
}

/** Keys of a tree, in order. */
function keys(t: BTree): Uint8Array[] {
  return [...t.range()].map((e) => e.key.slice());
}

function key(...ids: number[]): Uint8Array {
  const buf = new Uint8Array(9 * ids.length);
  let at = 0;
  for (const id of ids) at = putOrderedVarint(buf, at, id);
  return buf.slice(0, at);
}

/** A social graph with a unique and a plain index, built through the ordinary write path. */
function socialGraph(path: string, seed: number) {
  const db = openDb(path);
  const rand = mulberry32(seed);
  write(db, (g) => {
    g.createIndex({ label: 'Person', key: 'id', unique: true });
    g.createIndex({ label: 'Person', key: 'city' });
    const ids: number[] = [];
    for (let i = 0; i < 800; i++) ids.push(g.createNode(i % 10 === 0 ? ['Person', 'Admin'] : ['Person'], { id: BigInt(i), city: `c${i % 17}`, bio: i % 97 === 0 ? 'b'.repeat(5000) : 'short' }));
    for (let i = 0; i < 2400; i++) g.createRelationship(ids[Math.floor(rand() * ids.length)]!, i % 3 === 0 ? 'LIKES' : 'KNOWS', ids[Math.floor(rand() * rand() * ids.length)]!, { w: BigInt(i) });
    for (let i = 0; i < 40; i++) g.deleteNode(ids[i * 13]!, { detach: true });
  });
  return db;
}

describe('repair', () => {
  it('fixes deliberately broken indexes, adjacency, degrees and counters into --out, leaving the source alone', async () => {
    await withSeedAsync(testSeed(), async (seed) => {
      const dir = workDir();
      const path = `${dir}/g.db`;
      const db = socialGraph(path, seed);
      const original = dumpGraph(db);
      const rand = mulberry32(seed ^ 0x5eed);
      // Break the derived structures, each in its own way.
      const txn = db.pager.beginWrite();
      const labelIndex = tree(txn, ROOT_SLOT.LABEL_INDEX, 'label-index');
      const labelKeys = keys(labelIndex);
      const removedLabels = 25;
      for (let i = 0; i < removedLabels; i++) labelIndex.delete(labelKeys.splice(Math.floor(rand() * labelKeys.length), 1)[0]!);
      labelIndex.insert(key(0, 999_999), new Uint8Array(0)); // an entry for a node that does not exist
      const propertyIndex = tree(txn, ROOT_SLOT.PROPERTY_INDEX, 'property-index');
      const indexKeys = keys(propertyIndex);
      for (let i = 0; i < 30; i++) propertyIndex.delete(indexKeys[Math.floor(rand() * indexKeys.length)]!);
      const adjacency = tree(txn, ROOT_SLOT.ADJACENCY_OUT, 'adjacency-out');
      adjacency.delete(keys(adjacency)[7]!);
      const degrees = tree(txn, ROOT_SLOT.DEGREES, 'degrees');
      degrees.put(keys(degrees)[3]!, Uint8Array.of(99));
      txn.setCounter(COUNTER.NODE_COUNT, txn.getCounter(COUNTER.NODE_COUNT) + 5n);
      txn.commit();
      const broken = await db.verify({ level: 'full' });
      expect(broken.ok).toBe(false);
      await db.checkpoint('passive');
      const digest = fileDigest(path);

      const report = await db.repair({ out: `${dir}/fixed.db` });
      expect(fileDigest(path)).toBe(digest);
      const by = Object.fromEntries(report.structures.map((s) => [s.structure, s]));
      expect(by['label-index']).toMatchObject({ missing: removedLabels, extra: 1, changed: 0 });
      expect(by['property-index']!.missing).toBeGreaterThan(0);
      expect(by['property-index']!.missing).toBeLessThanOrEqual(30);
      expect(by['adjacency-out']).toMatchObject({ missing: 1, extra: 0 });
      expect(by['adjacency-in']).toMatchObject({ missing: 0, extra: 0, changed: 0 });
      expect(by['degrees']).toMatchObject({ changed: 1, missing: 0, extra: 0 });
      expect(report.counters).toEqual([{ name: 'NODE_COUNT', before: String(original.nodes.size + 5), after: String(original.nodes.size) }]);
      expect(report.issuesFixed).toBe(removedLabels + 1 + by['property-index']!.missing + 1 + 1 + 1);
      expect(report.nodes).toEqual({ read: original.nodes.size, kept: original.nodes.size, dropped: 0 });
      expect(report.issues).toEqual([]);
      expect(report.verify).toMatchObject({ level: 'full', ok: true, problems: 0 });
      const sourceId = db.pager.databaseId;
      await db.close();

      const fixed = openDb(`${dir}/fixed.db`, { create: false });
      expect((await fixed.verify({ level: 'full' })).problems).toEqual([]);
      const after = dumpGraph(fixed);
      expect(after.nodes).toEqual(original.nodes);
      expect(after.relationships).toEqual(original.relationships);
      expect(fixed.query('MATCH (p:Person {id: 123}) RETURN p.city').rows).toEqual([['c4']]);
      expect(fixed.query("MATCH (p:Person {city: 'c3'}) RETURN count(p)").rows).toEqual([[BigInt([...original.nodes.values()].filter((n) => n.includes('city=s"c3"')).length)]]);
      expect(fixed.pager.databaseId).not.toBe(sourceId);
      await fixed.close();
    });
  });

  it('a sound database repairs to the same graph with nothing to fix, through a tiny page budget', async () => {
    const dir = workDir();
    const db = socialGraph(`${dir}/g.db`, 3);
    // A tiny page budget: the new file's pages are written out and read back while it is built and compared.
    const report = await db.repair({ out: `${dir}/same.db`, verify: 'full', residentPagesMax: 32 });
    expect(report.issuesFixed).toBe(0);
    expect(report.structures.every((s) => s.missing + s.extra + s.changed === 0 && s.readable)).toBe(true);
    const copy = openDb(`${dir}/same.db`, { create: false });
    expect(dumpGraph(copy)).toEqual(dumpGraph(db));
    expect(read(copy, (g) => g.nodeCount())).toBe(760);
    await copy.close();
    await db.close();
  });

  it('drops records that break the graph rules and says why', async () => {
    const dir = workDir();
    const db = socialGraph(`${dir}/g.db`, 4);
    const before = dumpGraph(db);
    const txn = db.pager.beginWrite();
    const nodes = tree(txn, ROOT_SLOT.NODES, 'nodes');
    const victim = keys(nodes)[10]!;
    const victimId = readOrderedVarint(victim, 0);
    nodes.delete(victim); // its relationships now dangle (G2)
    nodes.put(key(500_000), Uint8Array.of(0x4e, 0xff, 0xff)); // a record that does not decode
    txn.commit();
    const report = await db.repair({ out: `${dir}/fixed.db` });
    const touching = (text: string): boolean => new RegExp(`^(${victimId}-|.*->${victimId} )`).test(text);
    const dangling = [...before.relationships].filter(([, text]) => touching(text)).map(([id]) => id);
    expect(dangling.length).toBeGreaterThan(0);
    expect(report.nodes.dropped).toBe(1);
    expect(report.issues.filter((i) => i.kind === 'node')).toEqual([{ kind: 'node', id: 500_000, action: 'dropped', reason: expect.stringContaining('does not decode') }]);
    const droppedRels = report.issues.filter((i) => i.kind === 'relationship');
    expect(droppedRels.map((i) => i.id)).toEqual(dangling);
    expect(report.relationships.dropped).toBe(dangling.length);
    for (const issue of droppedRels) expect(issue.reason).toMatch(/node \d+ (and end node \d+ )?(is|are) missing \(G2\)/);
    expect(report.relationships.kept + report.relationships.dropped).toBe(report.relationships.read);
    const fixed = openDb(`${dir}/fixed.db`, { create: false });
    expect((await fixed.verify({ level: 'full' })).ok).toBe(true);
    await fixed.close();
    await db.close();
  });

  it('never writes over the source or an existing file without force', async () => {
    const dir = workDir();
    const path = `${dir}/g.db`;
    const db = socialGraph(path, 5);
    const same = await db.repair({ out: path }).catch((e: unknown) => e);
    expect(isOmbraError(same) && same.code).toBe('OUTPUT_EXISTS');
    await db.repair({ out: `${dir}/one.db`, verify: 'none' });
    const again = await db.repair({ out: `${dir}/one.db` }).catch((e: unknown) => e);
    expect(isOmbraError(again) && again.code).toBe('OUTPUT_EXISTS');
    const forced = await db.repair({ out: `${dir}/one.db`, force: true, verify: 'none' });
    expect(forced.out).toBe(`${dir}/one.db`);
    expect(existsSync(`${dir}/one.db.repairing`)).toBe(false);
    await db.close();
  });
});
