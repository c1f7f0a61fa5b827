// Auto-checkpoint under steady group commit (pager.ts afterCommit) and what a rewind does to
// waiting group commits (wal.ts rewindTo).

import { afterEach, describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { disarmAllFailpoints } from '../../src/storage/failpoint.js';
import type { PageId } from '../../src/storage/types.js';
import { DATA_PAGE, DB, newSimFs, openPager, readStamp, stamp } from '../support/pager-harness.js';

afterEach(() => disarmAllFailpoints());

const LIMIT = 64 * 1024;
/** A frame of a whole page: the stamped pages claim all of theirs ('fullPage'). */
const FRAME = 4096 + 40;

describe('auto-checkpoint under group commit', () => {
  it('restarts the log while 8 committers keep a group in flight, and loses nothing', async () => {
    const fs = newSimFs();
    let checkpoints = 0;
    const pager = openPager(fs, { walSizeBytesMax: LIMIT }, { hooks: { onCheckpoint: () => checkpoints++ } });
    const setup = pager.beginWrite();
    const pages: PageId[] = Array.from({ length: 8 }, () => setup.allocate(DATA_PAGE));
    setup.commit();
    const perCommitter = 60;
    let largest = 0;
    let inFlightSeen = 0;
    await Promise.all(
      pages.map(async (page, k) => {
        for (let i = 1; i <= perCommitter; i++) {
          const w = pager.beginWrite();
          stamp(w, page, k * 1000 + i, 'fullPage');
          const done = w.commitAsync();
          const stats = pager.stats();
          if (stats.durableSequence < stats.committedSequence) inFlightSeen++;
          largest = Math.max(largest, stats.walLogBytes);
          await done;
        }
      }),
    );
    const stats = pager.stats();
    const commits = 8 * perCommitter;
    expect(inFlightSeen).toBeGreaterThan(commits / 2); // the workload really keeps groups in flight
    expect(stats.wal.restarts).toBeGreaterThan(5);
    expect(largest).toBeLessThan(LIMIT + 16 * 2 * FRAME);
    // Not one checkpoint per group: about two per generation of the log (the passive copy
    // and the catch-up of the group that was in flight).
    expect(checkpoints).toBeLessThanOrEqual(2 * stats.wal.restarts + 2);
    expect(checkpoints).toBeLessThan(commits / 4);
    const reader = pager.beginRead();
    pages.forEach((page, k) => expect(readStamp(reader, page)).toBe(k * 1000 + perCommitter));
    reader.end();
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    const after = again.beginRead();
    pages.forEach((page, k) => expect(readStamp(after, page)).toBe(k * 1000 + perCommitter));
    after.end();
    await again.close();
  });

  it('only copies what an old reader allows, once, instead of after every group', async () => {
    let checkpoints = 0;
    const pager = openPager(newSimFs(), { walSizeBytesMax: LIMIT }, { hooks: { onCheckpoint: () => checkpoints++ } });
    const setup = pager.beginWrite();
    const pages: PageId[] = Array.from({ length: 8 }, () => setup.allocate(DATA_PAGE));
    setup.commit();
    const reader = pager.beginRead();
    await Promise.all(
      pages.map(async (page, k) => {
        for (let i = 1; i <= 3; i++) {
          const w = pager.beginWrite();
          stamp(w, page, k * 1000 + i, 'fullPage');
          await w.commitAsync();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    expect(pager.stats().walLogBytes).toBeGreaterThan(LIMIT);
    expect(checkpoints).toBeLessThanOrEqual(1);
    expect(readStamp(reader, pages[0]!)).toBe(0);
    reader.end();
    await pager.close();
  });
});

describe('rewind after a failed sync', () => {
  it('rejects a group commit whose frames the rewind discarded, even once later commits pass its sequence', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const setup = pager.beginWrite();
    const page = setup.allocate(DATA_PAGE);
    stamp(setup, page, 1);
    setup.commit();
    const a = pager.beginWrite();
    stamp(a, page, 2);
    const pa = a.commitAsync(); // written; its group sync starts on a later turn
    let outcome: 'pending' | 'resolved' | 'rejected' = 'pending';
    let reason: unknown;
    pa.then(
      () => (outcome = 'resolved'),
      (error: unknown) => {
        outcome = 'rejected';
        reason = error;
      },
    );
    const fault = fs.injectFault({ operation: 'sync', path: `${DB}-wal`, errno: 'EIO' });
    const b = pager.beginWrite();
    stamp(b, page, 3);
    expect(() => b.commit()).toThrow(); // its sync fails: rewind to before a's frames
    fault.remove();
    for (let v = 4; v <= 6; v++) {
      const w = pager.beginWrite();
      stamp(w, page, v);
      w.commit(); // reuses the sequences a's frames had
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBe('rejected');
    expect(isOmbraError(reason, 'IO')).toBe(true);
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    const r = again.beginRead();
    expect(readStamp(r, page)).toBe(6);
    r.end();
    await again.close();
  });
});
