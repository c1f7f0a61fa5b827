import { afterEach, describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { disarmAllFailpoints } from '../../src/storage/failpoint.js';
import { COUNTER, ROOT_SLOT } from '../../src/storage/meta.js';
import { DATA_PAGE, DB, newSimFs, openPager, readStamp, stamp } from '../support/pager-harness.js';
import { walFrames } from '../support/wal-frames.js';

afterEach(() => disarmAllFailpoints());

describe('pager', () => {
  it('creates a database, commits pages and reads them back after reopen', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    expect(pager.recovery.transactionsRecovered).toBe(0);
    const txn = pager.beginWrite();
    const a = txn.allocate(DATA_PAGE);
    const b = txn.allocate(DATA_PAGE);
    stamp(txn, a, 111);
    stamp(txn, b, 222);
    txn.setRoot(ROOT_SLOT.FIRST_SPARE, a);
    txn.setCounter(COUNTER.FIRST_SPARE, 42n);
    const result = txn.commit();
    expect(result.lsn).toBe(1n);
    expect(result.pagesWritten).toBe(3);
    await pager.close({ checkpoint: false });

    const again = openPager(fs);
    expect(again.recovery.transactionsRecovered).toBe(1);
    expect(again.recovery.framesApplied).toBe(3);
    const read = again.beginRead();
    expect(read.getRoot(ROOT_SLOT.FIRST_SPARE)).toBe(a);
    expect(read.getCounter(COUNTER.FIRST_SPARE)).toBe(42n);
    expect(readStamp(read, a)).toBe(111);
    expect(readStamp(read, b)).toBe(222);
    read.end();
    await again.close();
  });

  it('keeps a reader on its snapshot while the writer commits and checkpoints run', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w1 = pager.beginWrite();
    const page = w1.allocate(DATA_PAGE);
    stamp(w1, page, 1);
    w1.commit();
    const reader = pager.beginRead();
    for (let v = 2; v <= 50; v++) {
      const w = pager.beginWrite();
      stamp(w, page, v);
      w.commit();
      if (v % 10 === 0) await pager.checkpoint('passive');
      expect(readStamp(reader, page)).toBe(1);
    }
    const fresh = pager.beginRead();
    expect(readStamp(fresh, page)).toBe(50);
    // The old reader holds the log back: passive copies only what no reader needs.
    const report = await pager.checkpoint('passive');
    expect(report.complete).toBe(false);
    expect(readStamp(reader, page)).toBe(1);
    reader.end();
    fresh.end();
    const full = await pager.checkpoint('truncate');
    expect(full.complete).toBe(true);
    expect(full.restarted).toBe(true);
    expect(full.walSizeBytesAfter).toBe(0);
    const after = pager.beginRead();
    expect(readStamp(after, page)).toBe(50);
    after.end();
    await pager.close();
  });

  it('rolls back without a trace', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w1 = pager.beginWrite();
    const page = w1.allocate(DATA_PAGE);
    stamp(w1, page, 7);
    w1.commit();
    const w2 = pager.beginWrite();
    stamp(w2, page, 8);
    w2.allocate(DATA_PAGE);
    w2.rollback();
    const r = pager.beginRead();
    expect(readStamp(r, page)).toBe(7);
    expect(r.pageCount).toBe(2);
    r.end();
    expect(pager.stats().transactionsRolledBack).toBe(1);
    await pager.close();
  });

  it('allows one writer at a time and refuses writes to a read transaction', async () => {
    const pager = openPager(newSimFs());
    const w = pager.beginWrite();
    expect(() => pager.beginWrite()).toThrowError(expect.objectContaining({ code: 'TRANSACTION_STATE' }));
    w.rollback();
    const r = pager.beginRead();
    expect(() => r.allocate(DATA_PAGE)).toThrowError(expect.objectContaining({ code: 'READ_ONLY' }));
    r.end();
    await pager.close();
  });

  it('reuses freed pages before growing the file', async () => {
    const pager = openPager(newSimFs());
    const w = pager.beginWrite();
    const ids = Array.from({ length: 10 }, () => w.allocate(DATA_PAGE));
    w.commit();
    const w2 = pager.beginWrite();
    for (const id of ids.slice(0, 5)) w2.free(id);
    w2.commit();
    expect(pager.stats().freePages).toBe(5);
    const w3 = pager.beginWrite();
    const reused = Array.from({ length: 5 }, () => w3.allocate(DATA_PAGE));
    w3.commit();
    expect(new Set(reused)).toEqual(new Set(ids.slice(0, 5)));
    expect(pager.stats().pageCount).toBe(11);
    expect(pager.stats().freePages).toBe(0);
    await pager.close();
  });

  it('shares syncs between concurrent async commits (group commit)', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const setup = pager.beginWrite();
    const pages = Array.from({ length: 8 }, () => setup.allocate(DATA_PAGE));
    setup.commit();
    const syncsBefore = pager.stats().wal.syncs;
    const committers = pages.map(async (page, i) => {
      for (let n = 1; n <= 20; n++) {
        const w = pager.beginWrite();
        stamp(w, page, i * 1000 + n);
        await w.commitAsync();
      }
    });
    await Promise.all(committers);
    const syncs = pager.stats().wal.syncs - syncsBefore;
    expect(syncs).toBeLessThan(160);
    expect(syncs).toBeGreaterThan(0);
    const r = pager.beginRead();
    pages.forEach((page, i) => expect(readStamp(r, page)).toBe(i * 1000 + 20));
    r.end();
    await pager.close();
  });

  it('fails a commit on ENOSPC, loses nothing earlier and stays usable', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    stamp(w, page, 1);
    w.commit();
    const fault = fs.injectFault({ operation: 'write', path: `${DB}-wal`, errno: 'ENOSPC' });
    const failing = pager.beginWrite();
    stamp(failing, page, 2);
    expect(() => failing.commit()).toThrowError(expect.objectContaining({ code: 'IO_NO_SPACE' }));
    fault.remove();
    const r = pager.beginRead();
    expect(readStamp(r, page)).toBe(1);
    r.end();
    const next = pager.beginWrite();
    stamp(next, page, 3);
    next.commit();
    await pager.close({ checkpoint: false });
    fs.crash();
    const again = openPager(fs);
    const r2 = again.beginRead();
    expect(readStamp(r2, page)).toBe(3);
    r2.end();
    await again.close();
  });

  it('fails a commit whose sync hits EIO, rewinds to the durable state and stays usable', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    stamp(w, page, 1);
    w.commit();
    const fault = fs.injectFault({ operation: 'sync', path: `${DB}-wal`, errno: 'EIO' });
    const failing = pager.beginWrite();
    stamp(failing, page, 2);
    let error: unknown;
    try {
      failing.commit();
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'IO')).toBe(true);
    fault.remove();
    const r = pager.beginRead();
    expect(readStamp(r, page)).toBe(1);
    r.end();
    const next = pager.beginWrite();
    stamp(next, page, 3);
    next.commit();
    pager.abandon();
    fs.crash();
    const again = openPager(fs);
    const r2 = again.beginRead();
    expect(readStamp(r2, page)).toBe(3);
    r2.end();
    await again.close();
  });

  it('rejects every waiting async commit when a group sync fails, then recovers', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    stamp(w, page, 1);
    w.commit();
    fs.injectFault({ operation: 'sync', path: `${DB}-wal`, errno: 'EIO' });
    const a = pager.beginWrite();
    stamp(a, page, 2);
    const pa = a.commitAsync();
    const b = pager.beginWrite();
    stamp(b, page, 3);
    const pb = b.commitAsync();
    await expect(pa).rejects.toMatchObject({ code: 'IO' });
    await expect(pb).rejects.toMatchObject({ code: 'IO' });
    const r = pager.beginRead();
    expect(readStamp(r, page)).toBe(1);
    r.end();
    await pager.close();
  });

  it('detects a flipped bit in a data page and names the page', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    stamp(w, page, 5);
    w.commit();
    await pager.close(); // truncate checkpoint: the page is in the database file now
    fs.flipBit(DB, page * 4096 + 300, 3);
    const again = openPager(fs);
    const r = again.beginRead();
    let error: unknown;
    try {
      readStamp(r, page);
    } catch (e) {
      error = e;
    }
    expect(isOmbraError(error, 'CORRUPTION')).toBe(true);
    expect((error as { details: { pageNumber: number } }).details.pageNumber).toBe(page);
    r.end();
    await again.close();
  });

  it('treats a flipped bit in a WAL frame as the end of the log and reports it', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    stamp(w, page, 1);
    w.commit();
    const w2 = pager.beginWrite();
    stamp(w2, page, 2);
    w2.commit();
    pager.abandon();
    // Second transaction: frames 3 and 4 (meta + page); flip a bit in frame 4's page header.
    fs.flipBit(`${DB}-wal`, walFrames(fs.readFile(`${DB}-wal`))[3]!.imageAt + 10, 1);
    const again = openPager(fs);
    expect(again.recovery.transactionsRecovered).toBe(1);
    expect(again.recovery.endReason).toBe('checksum-mismatch');
    // The first frame of the second transaction, the damaged one and the zeros after it,
    // counted in whole-page frames.
    expect(again.recovery.invalidFrames).toBeGreaterThanOrEqual(2);
    const r = again.beginRead();
    expect(readStamp(r, page)).toBe(1);
    r.end();
    await again.close();
  });

  it('reports a torn tail as a normal end of the log', async () => {
    const fs = newSimFs();
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const page = w.allocate(DATA_PAGE);
    stamp(w, page, 1);
    w.commit();
    pager.abandon();
    const wal = fs.open(`${DB}-wal`);
    wal.write(new Uint8Array(1000).fill(7), 0, 1000, wal.size());
    wal.sync();
    wal.close();
    const again = openPager(fs);
    expect(again.recovery.transactionsRecovered).toBe(1);
    expect(again.recovery.tornTailBytes).toBe(1000);
    await again.close();
  });

  it('enforces maxTransactionPages and maxDatabaseSizeBytes with clear errors', async () => {
    const pager = openPager(newSimFs(), { maxTransactionPages: 4, maxDatabaseSizeBytes: 10 * 4096 });
    const w = pager.beginWrite();
    w.allocate(DATA_PAGE);
    w.allocate(DATA_PAGE);
    w.allocate(DATA_PAGE);
    expect(() => w.allocate(DATA_PAGE)).toThrowError(expect.objectContaining({ code: 'TRANSACTION_TOO_LARGE' }));
    w.rollback();
    pager.configure({ maxTransactionPages: 0 });
    const w2 = pager.beginWrite();
    for (let i = 0; i < 9; i++) w2.allocate(DATA_PAGE);
    expect(() => w2.allocate(DATA_PAGE)).toThrowError(expect.objectContaining({ code: 'DATABASE_FULL' }));
    w2.rollback();
    await pager.close();
  });

  it('auto-checkpoints once the log passes walSizeBytesMax and restarts it', async () => {
    const pager = openPager(newSimFs(), { walSizeBytesMax: 64 * 1024 });
    const setup = pager.beginWrite();
    const page = setup.allocate(DATA_PAGE);
    setup.commit();
    // About 830 bytes of log per commit: a stamped page and the meta page, without their holes.
    for (let i = 0; i < 160; i++) {
      const w = pager.beginWrite();
      stamp(w, page, i);
      w.commit();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stats = pager.stats();
    expect(stats.checkpoints).toBeGreaterThan(0);
    expect(stats.wal.restarts).toBeGreaterThan(0);
    expect(stats.walLogBytes).toBeLessThan(64 * 1024 + 4 * 4136);
    await pager.close();
  });

  it('keeps the log bounded for a writer that commits in a tight loop without yielding', async () => {
    const pager = openPager(newSimFs(), { walSizeBytesMax: 64 * 1024 });
    const setup = pager.beginWrite();
    const page = setup.allocate(DATA_PAGE);
    setup.commit();
    let largest = 0;
    for (let i = 0; i < 300; i++) {
      const w = pager.beginWrite();
      stamp(w, page, i);
      w.commit();
      largest = Math.max(largest, pager.stats().walLogBytes);
    }
    expect(pager.stats().checkpoints).toBeGreaterThan(0);
    expect(largest).toBeLessThan(2 * 64 * 1024);
    await pager.close();
  });

  it('makes what a no-op commit read durable before it returns', async () => {
    const pager = openPager(newSimFs());
    const setup = pager.beginWrite();
    const page = setup.allocate(DATA_PAGE);
    setup.commit();
    const w = pager.beginWrite();
    stamp(w, page, 9);
    const pending = w.commitAsync(); // frames written, sync still in flight
    const reader = pager.beginWrite();
    expect(readStamp(reader, page)).toBe(9);
    expect(pager.stats().durableSequence).toBeLessThan(reader.snapshotSequence);
    reader.commit(); // changes nothing, but saw the group commit
    expect(pager.stats().durableSequence).toBeGreaterThanOrEqual(reader.snapshotSequence);
    await pending;
    await pager.close();
  });
});
