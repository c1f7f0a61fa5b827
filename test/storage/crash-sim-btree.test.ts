// Seeded crash simulation of B+trees on the real pager: random puts and deletes (with
// overflow-sized values) in transactions, crashes at random moments and at failpoints.
// After every recovery: the tree equals an acknowledged state (or a later in-flight one),
// BTree.check() finds nothing, and every page is owned exactly once (meta, free list, or
// the tree) — no leaks, no double use. Reproduce a failure with SEED=<n>.
import { afterEach, describe, expect, it } from 'vitest';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { armFailpoint, disarmAllFailpoints, SimulatedCrash, simulatedCrashIn } from '../../src/storage/failpoint.js';
import type { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { ROOT_SLOT } from '../../src/storage/meta.js';
import type { Pager } from '../../src/storage/pager.js';
import type { PageStore } from '../../src/storage/types.js';
import { newSimFs, openPager } from '../support/pager-harness.js';
import { mulberry32, SOAK, testSeed } from '../support/rng.js';

type Model = Map<string, string>;
const SLOT = ROOT_SLOT.FIRST_SPARE;
const FAILPOINTS = ['wal.afterFrameWrite', 'wal.beforeCommitSync', 'checkpoint.afterPageWrite', 'checkpoint.beforeDbSync', 'wal.beforeHeaderSync'];

afterEach(() => disarmAllFailpoints());

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function readTree(store: PageStore): Model {
  const tree = new BTree(store, rootInSlot(store, SLOT));
  const out: Model = new Map();
  for (const { key, value } of tree.range()) out.set(dec(key), dec(value));
  return out;
}

/** Problems with the tree or with page ownership; empty when all is well. */
function integrity(pager: Pager): string[] {
  const txn = pager.beginRead();
  try {
    const tree = new BTree(txn, rootInSlot(txn, SLOT));
    const problems = tree.check().map((p) => `tree: page ${p.pageId}: ${p.message}`);
    const owner = new Map<number, string>([[0, 'meta']]);
    const claim = (id: number, who: string): void => {
      const previous = owner.get(id);
      if (previous !== undefined) problems.push(`page ${id} is used by ${previous} and ${who}`);
      owner.set(id, who);
    };
    tree.visitPages((id, kind) => claim(id, `tree ${kind}`));
    const free = pager.freePages(txn);
    for (const id of [...free.trunks, ...free.leaves]) claim(id, 'free list');
    for (let id = 0; id < txn.pageCount; id++) if (!owner.has(id)) problems.push(`page ${id} is leaked (owned by nothing)`);
    return problems;
  } finally {
    txn.end();
  }
}

function same(a: Model, b: Model): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

describe('crash simulation (B+tree on the pager)', () => {
  it('recovers an acknowledged state with check() clean and no leaked pages', async () => {
    const seed = testSeed();
    const cycles = SOAK ? 5000 : 500;
    const rand = mulberry32(seed);
    const fs: SimulatedFileSystem = newSimFs(seed);
    let acked: Model = new Map();
    let inFlight: Model[] = [];
    let counter = 0;
    for (let c = 0; c < cycles; c++) {
      const pager = openPager(fs, { walSizeBytesMax: 128 * 1024 });
      const context = `[SEED=${seed}] cycle ${c}`;
      const seen = (() => {
        const txn = pager.beginRead();
        try {
          return readTree(txn);
        } finally {
          txn.end();
        }
      })();
      const match = [acked, ...inFlight].find((m) => same(m, seen));
      expect(match, `${context}: recovered tree (${seen.size} keys) matches no acknowledged or in-flight state (acked ${acked.size} keys)`).toBeDefined();
      expect(integrity(pager), context).toEqual([]);
      acked = new Map(seen);
      inFlight = [];
      let current = new Map(acked);
      let crashed = false;
      if (rand() < 0.4) {
        let countdown = Math.floor(rand() * 3);
        armFailpoint(FAILPOINTS[Math.floor(rand() * FAILPOINTS.length)]!, () => {
          if (countdown-- > 0) return;
          disarmAllFailpoints();
          crashed = true;
          fs.crash();
          throw new SimulatedCrash('armed');
        });
      }
      try {
        const transactions = 1 + Math.floor(rand() * 5);
        for (let t = 0; t < transactions; t++) {
          if (rand() < 0.15) {
            await pager.checkpoint(rand() < 0.5 ? 'passive' : 'truncate').catch((e: unknown) => {
              if (simulatedCrashIn(e) || crashed) throw e;
              if ((e as { code?: string }).code !== 'CHECKPOINT_BUSY') throw e;
            });
            continue;
          }
          const w = pager.beginWrite();
          const tree = new BTree(w, rootInSlot(w, SLOT));
          const next = new Map(current);
          const ops = 1 + Math.floor(rand() * 40);
          for (let o = 0; o < ops; o++) {
            const key = `k${Math.floor(rand() * 300).toString().padStart(4, '0')}`;
            if (rand() < 0.35 && next.size > 0) {
              tree.delete(enc(key));
              next.delete(key);
            } else {
              const size = rand() < 0.05 ? 5000 + Math.floor(rand() * 6000) : Math.floor(rand() * 60);
              const value = `${counter++}:`.padEnd(size, 'x');
              tree.put(enc(key), enc(value));
              next.set(key, value);
            }
          }
          if (rand() < 0.1) {
            w.rollback();
            continue;
          }
          inFlight.push(next);
          w.commit();
          acked = next;
          inFlight = [];
          current = next;
        }
      } catch (error) {
        if (!crashed && simulatedCrashIn(error) === null) throw error;
      }
      disarmAllFailpoints();
      pager.abandon();
      if (!crashed) fs.crash();
    }
  }, 300_000);
});
