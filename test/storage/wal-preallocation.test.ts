// WAL preallocation (wal.ts W7): a commit that grows the log also writes zeros past its frames,
// so the commits after it overwrite space instead of appending, with no extra sync; recovery
// treats the zeros as the end of the log, not as damage; a full disk or a failing write of
// the zeros costs the commit nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { armFailpoint, disarmAllFailpoints, SimulatedCrash, simulatedCrashIn } from '../../src/storage/failpoint.js';
import type { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import type { Pager } from '../../src/storage/pager.js';
import { frameBytes, WAL_HEADER_BYTES } from '../../src/storage/wal-format.js';
import { DATA_PAGE, DB, newSimFs, openPager, readStamp, stamp } from '../support/pager-harness.js';
import { walFrames } from '../support/wal-frames.js';

const WAL = `${DB}-wal`;
const PAGE = 4096;
/** A frame of a whole page. Data pages here fill theirs; the meta page's frame is smaller (its hole). */
const FRAME = frameBytes(PAGE);

afterEach(() => disarmAllFailpoints());

/** Commit one transaction that stamps `pages` fresh data pages (whole-page frames); returns their ids. */
function commitFresh(pager: Pager, pages: number, value: number): number[] {
  const w = pager.beginWrite();
  const ids: number[] = [];
  for (let i = 0; i < pages; i++) {
    const id = w.allocate(DATA_PAGE);
    stamp(w, id, value, 'fullPage');
    ids.push(id);
  }
  w.commit();
  return ids;
}

/** commitFresh(1) until the next such commit no longer fits in the zeros past the log. */
function fillStep(pager: Pager, value: number): void {
  for (;;) {
    const before = pager.stats().walLogBytes;
    commitFresh(pager, 1, value);
    const size = pager.stats().walLogBytes - before;
    if (pager.stats().walFileBytes - pager.stats().walLogBytes < size) return;
  }
}

function stampsOf(pager: Pager, ids: readonly number[]): number[] {
  const r = pager.beginRead();
  try {
    return ids.map((id) => readStamp(r, id));
  } finally {
    r.end();
  }
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function walBytes(fs: SimulatedFileSystem): Uint8Array {
  return fs.readFile(WAL);
}

describe('WAL preallocation (W7)', () => {
  it('grows the file by zeroed whole frames past the log; every commit costs one sync', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    commitFresh(pager, 1, 1); // 2 frames: the data page and the meta page
    const stats = pager.stats();
    const frames = walFrames(walBytes(fs));
    expect(frames.map((f) => f.pageNumber)).toEqual([0, 1]);
    expect(frames[1]!.length).toBe(FRAME);
    expect(frames[0]!.length).toBeLessThan(FRAME / 4); // the meta page without its hole
    expect(stats.walLogBytes).toBe(WAL_HEADER_BYTES + frames[0]!.length + frames[1]!.length);
    // The first step is 4 whole-page frames: the file ends on a frame boundary past the log.
    const firstStep = WAL_HEADER_BYTES + 4 * FRAME;
    expect(stats.walFileBytes).toBe(firstStep);
    const bytes = walBytes(fs);
    expect(bytes.length).toBe(stats.walFileBytes);
    expect(bytes.subarray(stats.walLogBytes).every((b) => b === 0)).toBe(true);

    // Commits that fit in the zeros keep the file's size, one sync each; the one that does not
    // appends its frames, then a step of zeros as large as the file it grew (doubling), made
    // durable by its own sync.
    let fitted = 0;
    for (let value = 2; pager.stats().walFileBytes === firstStep; value++) {
      const syncsBefore = pager.stats().wal.syncs;
      commitFresh(pager, 1, value);
      expect(pager.stats().wal.syncs - syncsBefore).toBe(1);
      if (pager.stats().walFileBytes === firstStep) fitted++;
    }
    expect(fitted).toBe(2); // 3 × (a page + the meta page) fit 4 whole-page frames
    const grown = pager.stats().walFileBytes;
    expect((grown - WAL_HEADER_BYTES) % FRAME).toBe(0);
    // Doubled: the 4-frame file, a step of 4 past the frames that outgrew it, rounded up to a frame.
    expect(grown - WAL_HEADER_BYTES).toBeGreaterThanOrEqual(8 * FRAME);
    expect(grown - WAL_HEADER_BYTES).toBeLessThanOrEqual(9 * FRAME);
    expect(walBytes(fs).subarray(pager.stats().walLogBytes).every((b) => b === 0)).toBe(true);
    await pager.close();
  });

  it('keeps the step at walSizeBytesMax / 8 (at least 4 frames)', async () => {
    const fs = newSimFs();
    const pager = openPager(fs, { walSizeBytesMax: 256 * 1024 }); // step at most 32 KiB
    let value = 1;
    let previous = 0;
    let largestStep = 0;
    while (pager.stats().walFileBytes < 200 * 1024) {
      commitFresh(pager, 3, value++);
      const size = pager.stats().walFileBytes;
      largestStep = Math.max(largestStep, size - previous);
      previous = size;
    }
    expect(largestStep).toBeGreaterThan(16 * 1024);
    // One growth: the commit's own 4 frames, then at most 32 KiB of zeros.
    expect(largestStep).toBeLessThanOrEqual(4 * FRAME + 32 * 1024);
    await pager.close({ checkpoint: false });
  });

  it('ends recovery at the zeros without calling them invalid, and keeps every commit', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    // 2 + 2 frames fill the first 4-frame step; the third commit grows the file past its log.
    const ids = [...commitFresh(pager, 1, 11), ...commitFresh(pager, 1, 12), ...commitFresh(pager, 1, 13)];
    const logBytes = pager.stats().walLogBytes;
    expect(pager.stats().walFileBytes).toBeGreaterThan(logBytes);
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    expect(again.recovery).toMatchObject({ transactionsRecovered: 3, invalidFrames: 0, tornTailBytes: 0, endReason: 'preallocated' });
    expect(again.recovery.preallocatedFrames).toBeGreaterThan(0);
    expect(stampsOf(again, ids)).toEqual([11, 12, 13]);
    // W4: the tail after the committed prefix was cut (and is grown again by the next commit).
    expect(again.stats().walFileBytes).toBe(logBytes);
    commitFresh(again, 1, 14);
    expect(again.stats().walFileBytes).toBeGreaterThan(again.stats().walLogBytes);
    await again.close();
  });

  it('reports the frames of an unfinished transaction before the zeros as an uncommitted tail', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const [id] = commitFresh(pager, 1, 21);
    commitFresh(pager, 1, 22); // 4 frames
    // 3 frames (meta, the stamped page, a new page) as frames 4-6; the process dies before
    // the sync.
    armFailpoint('wal.beforeCommitSync', () => {
      fs.crash({ writes: 'apply-all' });
      throw new SimulatedCrash('wal.beforeCommitSync');
    });
    const w = pager.beginWrite();
    stamp(w, id!, 23);
    w.allocate(DATA_PAGE);
    expect(simulatedCrashIn(caught(() => w.commit()))).not.toBeNull();
    disarmAllFailpoints();
    pager.abandon();
    const fileBytes = fs.readFile(WAL).length;
    const frames = walFrames(fs.readFile(WAL));
    expect(frames.map((f) => f.commit)).toEqual([false, true, false, true, false, false, true]);
    // The commit frame (frame 6) is the write that did not make it.
    const handle = fs.open(WAL);
    handle.write(new Uint8Array(frames[6]!.length), 0, frames[6]!.length, frames[6]!.offset);
    handle.sync();
    handle.close();
    const again = openPager(fs);
    expect(again.recovery).toMatchObject({ endReason: 'uncommitted-tail', transactionsRecovered: 2, endSlot: 4, invalidFrames: 2, tornTailBytes: 0 });
    expect(again.recovery.preallocatedFrames).toBe(Math.ceil((fileBytes - frames[6]!.offset) / FRAME));
    expect(stampsOf(again, [id!])).toEqual([21]);
    await again.close();
  });

  it('a crash before the first header sync after a truncate leaves zeros: an empty log, nothing invalid', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const ids = commitFresh(pager, 2, 31);
    await pager.checkpoint('truncate');
    expect(pager.stats().walFileBytes).toBe(0);
    armFailpoint('wal.beforeHeaderSync', () => {
      fs.crash({ writes: 'apply-all' });
      throw new SimulatedCrash('wal.beforeHeaderSync');
    });
    const w = pager.beginWrite();
    stamp(w, ids[0]!, 32);
    expect(simulatedCrashIn(caught(() => w.commit()))).not.toBeNull();
    disarmAllFailpoints();
    pager.abandon();
    // Every write before the crash was applied; zero the header to model the one write that
    // did not make it (the zeros of the step did).
    const handle = fs.open(WAL);
    handle.write(new Uint8Array(WAL_HEADER_BYTES), 0, WAL_HEADER_BYTES, 0);
    handle.sync();
    handle.close();
    expect(fs.readFile(WAL).length).toBeGreaterThan(WAL_HEADER_BYTES);
    const again = openPager(fs);
    expect(again.recovery).toMatchObject({ endReason: 'bad-header', invalidFrames: 0, transactionsRecovered: 0 });
    expect(again.recovery.preallocatedFrames).toBeGreaterThan(0);
    expect(stampsOf(again, ids)).toEqual([31, 31]);
    await again.close();
  });

  it('after a restart, stale frames of the previous generation end the log before the zeros', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    for (let i = 0; i < 6; i++) commitFresh(pager, 2, 40 + i);
    await pager.checkpoint('restart');
    const fileBytes = pager.stats().walFileBytes;
    const ids = commitFresh(pager, 1, 50); // overwrites slots 0-1 under new salts
    expect(pager.stats().walFileBytes).toBe(fileBytes); // reused space: no growth
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    expect(again.recovery).toMatchObject({ endReason: 'stale-salt', transactionsRecovered: 1, preallocatedFrames: 0 });
    expect(again.recovery.invalidFrames).toBeGreaterThan(0);
    expect(stampsOf(again, ids)).toEqual([50]);
    await again.close();
  });

  it('on a full disk the step is given back and the frames are appended as before', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const ids = commitFresh(pager, 1, 61);
    fillStep(pager, 62); // the next commit grows the file
    const used = fs.readFile(DB).length + fs.readFile(WAL).length;
    // Room for this commit's 2 frames, not for a step of 4.
    const limited = fs as unknown as { totalBytesLimit?: number };
    limited.totalBytesLimit = used + 3 * FRAME;
    commitFresh(pager, 1, 63);
    expect(pager.stats().walFileBytes).toBe(pager.stats().walLogBytes);
    limited.totalBytesLimit = undefined;
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    expect(again.recovery).toMatchObject({ invalidFrames: 0, endReason: 'end-of-file' });
    expect(again.recovery.transactionsRecovered).toBeGreaterThanOrEqual(3);
    expect(stampsOf(again, ids)).toEqual([61]);
    await again.close();
  });

  it('a write of the zeros that fails costs the commit nothing', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const [id] = commitFresh(pager, 1, 71);
    fillStep(pager, 72); // the next commit grows the file
    // The frames' write succeeds, the zeros' write after it fails.
    const fault = fs.injectFault({ operation: 'write', path: WAL, errno: 'EIO', after: 1 });
    const w = pager.beginWrite();
    stamp(w, id!, 73, 'fullPage');
    w.commit();
    expect(fault.fired).toBe(1);
    fault.remove();
    expect(pager.stats().walFileBytes).toBe(pager.stats().walLogBytes);
    commitFresh(pager, 1, 74); // grows again, with zeros this time
    expect(pager.stats().walFileBytes).toBeGreaterThan(pager.stats().walLogBytes);
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    expect(again.recovery).toMatchObject({ invalidFrames: 0, endReason: 'preallocated' });
    expect(again.recovery.transactionsRecovered).toBeGreaterThanOrEqual(4);
    expect(stampsOf(again, [id!])).toEqual([73]);
    await again.close();
  });
});
