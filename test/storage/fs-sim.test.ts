import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import {
  type CrashReport,
  describeCrash,
  type FaultOperation,
  SECTOR_BYTES,
  SimulatedFileSystem,
} from '../../src/storage/fs-sim.js';
import { mulberry32, SOAK, testSeed, withSeed } from '../support/rng.js';

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (data: Uint8Array) => new TextDecoder().decode(data);

function caught(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    return error as StorageError;
  }
  throw new Error('expected a StorageError, nothing was thrown');
}

function filled(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}

/** A file that exists durably (directory synced) with `content` synced. */
function durableFile(fs: SimulatedFileSystem, file: string, content: Uint8Array): void {
  fs.writeFile(file, content);
  fs.syncDirectory('/db');
}

describe('SimulatedFileSystem: the running process', () => {
  it('reads its own writes before any sync, with holes as zeros', () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/g', { create: true });
    h.write(enc('hello'), 0, 5, 0);
    h.write(enc('--world--'), 2, 5, 10);
    expect(h.size()).toBe(15);
    const out = new Uint8Array(20).fill(0xee);
    expect(h.read(out, 0, 20, 0)).toBe(15);
    expect(dec(out.subarray(0, 5))).toBe('hello');
    expect([...out.subarray(5, 10)]).toEqual([0, 0, 0, 0, 0]);
    expect(dec(out.subarray(10, 15))).toBe('world');
    expect(h.read(out, 0, 4, 99)).toBe(0);
    h.close();
  });

  it('truncate shrinks and a later extension reads zeros', () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/g', { create: true });
    h.write(filled(100, 7), 0, 100, 0);
    h.truncate(10);
    h.truncate(50);
    const out = new Uint8Array(50);
    h.read(out, 0, 50, 0);
    expect([...out.subarray(0, 10)]).toEqual(new Array(10).fill(7));
    expect([...out.subarray(10)]).toEqual(new Array(40).fill(0));
    h.close();
  });

  it('open: ENOENT without create, EEXIST for exclusive, EISDIR for a directory; readOnly refuses writes', () => {
    const fs = new SimulatedFileSystem();
    expect(caught(() => fs.open('/db/none')).details).toEqual({ file: '/db/none', operation: 'open', errno: 'ENOENT' });
    fs.open('/db/lock', { exclusive: true }).close();
    expect(caught(() => fs.open('/db/lock', { exclusive: true })).details.errno).toBe('EEXIST');
    expect(caught(() => fs.open('/db')).details.errno).toBe('EISDIR');
    const ro = fs.open('/db/lock', { readOnly: true });
    expect(caught(() => ro.write(enc('x'), 0, 1, 0)).details).toMatchObject({ operation: 'write', errno: 'EBADF' });
    expect(caught(() => fs.open('/db/x', { readOnly: true, create: true })).code).toBe('INVALID_ARGUMENT');
    ro.close();
  });

  it('closed handles throw IO "file is closed"; close is idempotent', async () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/g', { create: true });
    h.close();
    h.close();
    const error = caught(() => h.write(enc('x'), 0, 1, 0));
    expect(error.code).toBe('IO');
    expect(error.details).toMatchObject({ file: '/db/g', operation: 'write', reason: 'closed' });
    expect(error.message).toBe('write to /db/g failed: file is closed');
    expect(caught(() => h.read(new Uint8Array(1), 0, 1, 0)).details.operation).toBe('read');
    await expect(h.syncAsync()).rejects.toMatchObject({ code: 'IO', details: { reason: 'closed' } });
    expect(fs.openFiles()).toEqual([]);
  });

  it('directories: implicit from paths, mkdir recursive, readdir lists direct children', () => {
    const fs = new SimulatedFileSystem();
    fs.mkdir('/data/backups/daily');
    fs.writeFile('/data/g.db', enc('x'));
    fs.writeFile('/data/g.db-wal', enc('y'));
    fs.writeFile('/other/deep/file', enc('z'));
    expect(fs.readdir('/data')).toEqual(['backups', 'g.db', 'g.db-wal']);
    expect(fs.readdir('/data/backups')).toEqual(['daily']);
    expect(fs.readdir('/data/backups/daily')).toEqual([]);
    expect(fs.readdir('/')).toEqual(['data', 'other']);
    expect(fs.exists('/other/deep')).toBe(true);
    expect(fs.exists('/other/deep/file')).toBe(true);
    expect(fs.exists('/other/shallow')).toBe(false);
    expect(caught(() => fs.readdir('/nowhere')).details.errno).toBe('ENOENT');
    expect(caught(() => fs.readdir('/data/g.db')).details.errno).toBe('ENOTDIR');
    expect(caught(() => fs.open('/data/g.db/inside', { create: true })).details.errno).toBe('ENOTDIR');
    expect(fs.files()).toEqual(['/data/g.db', '/data/g.db-wal', '/other/deep/file']);
  });

  it('rename replaces the target atomically; unlink removes; open handles survive both', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile('/db/a', enc('new'));
    fs.writeFile('/db/b', enc('old'));
    const h = fs.open('/db/b');
    fs.rename('/db/a', '/db/b');
    expect(dec(fs.readFile('/db/b'))).toBe('new');
    expect(fs.exists('/db/a')).toBe(false);
    const out = new Uint8Array(3);
    h.read(out, 0, 3, 0); // the handle still reads the replaced file, as on POSIX
    expect(dec(out)).toBe('old');
    fs.unlink('/db/b');
    expect(fs.exists('/db/b')).toBe(false);
    expect(caught(() => fs.unlink('/db/b')).details.errno).toBe('ENOENT');
    expect(caught(() => fs.rename('/db/a', '/db/c')).details).toMatchObject({ errno: 'ENOENT', to: '/db/c' });
    h.close();
  });

  it('counts operations', () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/g', { create: true });
    h.write(filled(10, 1), 0, 10, 0);
    h.write(filled(5, 1), 0, 5, 20);
    h.sync();
    h.read(new Uint8Array(4), 0, 4, 0);
    fs.syncDirectory('/db');
    h.close();
    expect(fs.stats()).toMatchObject({ opens: 1, writes: 2, bytesWritten: 15, syncs: 1, reads: 1, bytesRead: 4, directorySyncs: 1 });
    fs.resetStats();
    expect(fs.stats().writes).toBe(0);
  });

  it('reports modification times from its clock', () => {
    let clock = 1000;
    const fs = new SimulatedFileSystem({ now: () => clock });
    const h = fs.open('/db/g', { create: true });
    expect(fs.modifiedAtMs('/db/g')).toBe(1000);
    clock = 2500;
    h.write(enc('x'), 0, 1, 0);
    expect(fs.modifiedAtMs('/db/g')).toBe(2500);
    h.close();
  });
});

describe('SimulatedFileSystem: crash', () => {
  it('drop-all loses unsynced writes and keeps synced ones', () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/g', filled(1024, 1));
    const h = fs.open('/db/g');
    h.write(filled(512, 2), 0, 512, 0);
    const report = fs.crash({ writes: 'drop-all' });
    expect(report.writes).toEqual([{ file: '/db/g', position: 0, length: 512, outcome: 'dropped' }]);
    expect(fs.readFile('/db/g')).toEqual(filled(1024, 1));
  });

  it('apply-all keeps unsynced writes and pending directory operations', () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/g', { create: true });
    h.write(filled(700, 3), 0, 700, 0);
    fs.crash({ writes: 'apply-all' });
    expect(fs.readFile('/db/g')).toEqual(filled(700, 3));
  });

  it('tear-all tears multi-sector writes at 512-byte sector boundaries of the file', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const fs = new SimulatedFileSystem({ seed });
      durableFile(fs, '/db/g', filled(4096, 0xaa));
      const h = fs.open('/db/g');
      const position = 300; // unaligned: sectors 0..4 are touched, 0 and 4 partly
      h.write(filled(2000, 0xbb), 0, 2000, position);
      const report = fs.crash({ writes: 'tear-all' });
      const write = report.writes[0]!;
      expect(write.outcome).toBe('torn');
      const after = fs.readFile('/db/g');
      expect(after.length).toBe(4096);
      for (let sector = 0; sector < 8; sector++) {
        const from = Math.max(position, sector * SECTOR_BYTES);
        const to = Math.min(position + 2000, (sector + 1) * SECTOR_BYTES);
        if (from >= to) {
          // untouched sectors keep their old bytes
          expect(after.subarray(sector * SECTOR_BYTES, (sector + 1) * SECTOR_BYTES).every((b) => b === 0xaa)).toBe(true);
          continue;
        }
        const slice = after.subarray(from, to);
        const wanted = write.sectorsWritten!.includes(sector) ? 0xbb : 0xaa;
        expect(slice.every((b) => b === wanted), `sector ${sector}`).toBe(true);
      }
    }
  });

  it('a write inside one sector is atomic: never torn', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const fs = new SimulatedFileSystem({ seed });
      durableFile(fs, '/db/g', filled(1024, 0));
      const h = fs.open('/db/g');
      h.write(filled(100, 9), 0, 100, 600);
      const outcome = fs.crash({ writes: 'tear-all' }).writes[0]!.outcome;
      expect(outcome === 'applied' || outcome === 'dropped').toBe(true);
      const slice = fs.readFile('/db/g').subarray(600, 700);
      expect(slice.every((b) => b === (outcome === 'applied' ? 9 : 0))).toBe(true);
    }
  });

  it('a torn write past the end of the file extends it, with unwritten sectors as zeros', () => {
    const fs = new SimulatedFileSystem({ seed: 7 });
    durableFile(fs, '/db/wal', new Uint8Array(0));
    const h = fs.open('/db/wal');
    h.write(filled(4 * SECTOR_BYTES, 5), 0, 4 * SECTOR_BYTES, 0);
    const write = fs.crash({ writes: 'tear-all' }).writes[0]!;
    const after = fs.readFile('/db/wal');
    expect(after.length).toBe(4 * SECTOR_BYTES);
    for (let sector = 0; sector < 4; sector++) {
      const wanted = write.sectorsWritten!.includes(sector) ? 5 : 0;
      expect(after.subarray(sector * SECTOR_BYTES, (sector + 1) * SECTOR_BYTES).every((b) => b === wanted)).toBe(true);
    }
  });

  it('the same seed gives the same outcome; different seeds differ', () => {
    const run = (seed: number): { report: CrashReport; bytes: Uint8Array } => {
      const fs = new SimulatedFileSystem({ seed });
      durableFile(fs, '/db/g', filled(8192, 0));
      const h = fs.open('/db/g');
      for (let i = 0; i < 16; i++) h.write(filled(1500, i + 1), 0, 1500, i * 500);
      h.truncate(7000);
      const report = fs.crash();
      return { report, bytes: fs.readFile('/db/g') };
    };
    const seed = testSeed();
    withSeed(seed, () => {
      const a = run(seed);
      const b = run(seed);
      expect(b.report).toEqual(a.report);
      expect(b.bytes).toEqual(a.bytes);
      const outcomes = new Set(
        [seed + 1, seed + 2, seed + 3, seed + 4].map((s) => JSON.stringify(run(s >>> 0).report.writes)),
      );
      expect(outcomes.size).toBeGreaterThan(1);
      expect(describeCrash(a.report)).toContain(`seed ${seed}`);
    });
  });

  it('after a crash old handles are dead, close is allowed and the file system reopens', async () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/g', enc('abc'));
    const h = fs.open('/db/g');
    const inFlight = h.syncAsync();
    fs.crash();
    const error = caught(() => h.read(new Uint8Array(1), 0, 1, 0));
    expect(error.code).toBe('IO');
    expect(error.details.reason).toBe('crashed');
    expect(error.message).toBe('read from /db/g failed: file system crashed');
    await expect(inFlight).rejects.toMatchObject({ details: { reason: 'crashed' } });
    h.close();
    expect(fs.openFiles()).toEqual([]);
    expect(dec(fs.readFile('/db/g'))).toBe('abc');
    expect(fs.lastCrash?.crash).toBe(1);
  });

  it('directory operations are lost on crash without syncDirectory', () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/keep', enc('k'));
    fs.writeFile('/db/new', enc('synced data, unsynced name'));
    fs.writeFile('/db/tmp', enc('manifest v2'));
    fs.rename('/db/tmp', '/db/keep');
    const report = fs.crash({ writes: 'apply-all', directory: 'lose-all' });
    expect(report.directory).toMatchObject({ pending: 3, kept: 0 });
    expect(fs.files()).toEqual(['/db/keep']);
    expect(dec(fs.readFile('/db/keep'))).toBe('k');
  });

  it('directory operations survive a crash after syncDirectory', () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/keep', enc('k'));
    fs.writeFile('/db/new', enc('n'));
    fs.writeFile('/db/tmp', enc('manifest v2'));
    fs.rename('/db/tmp', '/db/keep');
    fs.writeFile('/db/gone', enc('g'));
    fs.syncDirectory('/db');
    fs.unlink('/db/gone');
    fs.syncDirectory('/db');
    fs.crash({ writes: 'drop-all', directory: 'lose-all' });
    expect(fs.files()).toEqual(['/db/keep', '/db/new']);
    expect(dec(fs.readFile('/db/keep'))).toBe('manifest v2');
  });

  it('an unlink lost in a crash brings the file back with its durable bytes', () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/wal', enc('frames'));
    fs.unlink('/db/wal');
    fs.crash({ directory: 'lose-all' });
    expect(dec(fs.readFile('/db/wal'))).toBe('frames');
  });

  it('syncDirectory of another directory leaves this one pending, except earlier journal entries', () => {
    const fs = new SimulatedFileSystem();
    fs.mkdir('/a');
    fs.mkdir('/b');
    fs.syncDirectory('/');
    fs.writeFile('/a/x', enc('x')); // journal: create /a/x
    fs.writeFile('/b/y', enc('y')); // journal: create /b/y
    fs.writeFile('/a/z', enc('z')); // journal: create /a/z
    fs.syncDirectory('/b'); // commits the journal through "create /b/y", in order
    expect(fs.durableFiles()).toEqual(['/a/x', '/b/y']);
    fs.crash({ directory: 'lose-all' });
    expect(fs.files()).toEqual(['/a/x', '/b/y']);
  });

  it('random-prefix keeps a prefix of the directory journal', () => {
    const seed = testSeed();
    withSeed(seed, () => {
      const rng = mulberry32(seed);
      for (let round = 0; round < 20; round++) {
        const fs = new SimulatedFileSystem({ seed: (rng() * 2 ** 32) >>> 0 });
        for (let i = 0; i < 6; i++) fs.writeFile(`/db/f${i}`, enc(String(i)));
        const report = fs.crash({ writes: 'apply-all', directory: 'random-prefix' });
        const expected = Array.from({ length: report.directory.kept }, (_, i) => `/db/f${i}`).sort();
        expect(fs.files()).toEqual(expected);
      }
    });
  });

  it('mkdir is a directory operation too', () => {
    const fs = new SimulatedFileSystem();
    fs.mkdir('/data/backups');
    fs.crash({ directory: 'lose-all' });
    expect(fs.exists('/data/backups')).toBe(false);
    fs.mkdir('/data/backups');
    fs.syncDirectory('/data');
    fs.crash({ directory: 'lose-all' });
    expect(fs.exists('/data/backups')).toBe(true);
  });

  it('crashOptions from the constructor is the default policy', () => {
    const fs = new SimulatedFileSystem({ crashOptions: { writes: 'drop-all' } });
    durableFile(fs, '/db/g', enc('aaaa'));
    const h = fs.open('/db/g');
    h.write(enc('bbbb'), 0, 4, 0);
    fs.crash();
    expect(dec(fs.readFile('/db/g'))).toBe('aaaa');
  });
});

describe('SimulatedFileSystem: syncAsync', () => {
  it('covers the operations issued before the call, when it resolves', async () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/wal', new Uint8Array(0));
    const h = fs.open('/db/wal');
    h.write(enc('AAAA'), 0, 4, 0);
    const sync = h.syncAsync();
    h.write(enc('BBBB'), 0, 4, 4); // after the call: not covered
    expect(fs.snapshotFile('/db/wal').length).toBe(0); // nothing durable before it resolves
    await sync;
    expect(dec(fs.snapshotFile('/db/wal'))).toBe('AAAA');
    expect(fs.pendingOperationCount('/db/wal')).toBe(1);
    fs.crash({ writes: 'drop-all' });
    expect(dec(fs.readFile('/db/wal'))).toBe('AAAA');
  });

  it('resolves on a later macrotask so other work can queue meanwhile', async () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/wal', { create: true });
    const order: string[] = [];
    const sync = h.syncAsync().then(() => order.push('synced'));
    await Promise.resolve();
    order.push('microtask');
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    await sync;
    expect(order).toEqual(['microtask', 'synced']);
    h.close();
  });
});

describe('SimulatedFileSystem: fault injection', () => {
  const cases: Array<{ operation: FaultOperation; run: (fs: SimulatedFileSystem) => unknown; path?: string }> = [
    { operation: 'open', run: (fs) => fs.open('/db/g').close() },
    { operation: 'read', run: (fs) => fs.readFile('/db/g') },
    {
      operation: 'write',
      run: (fs) => {
        const h = fs.open('/db/g');
        try {
          h.write(enc('zz'), 0, 2, 0);
        } finally {
          h.close();
        }
      },
    },
    {
      operation: 'sync',
      run: (fs) => {
        const h = fs.open('/db/g');
        try {
          h.sync();
        } finally {
          h.close();
        }
      },
    },
    {
      operation: 'truncate',
      run: (fs) => {
        const h = fs.open('/db/g');
        try {
          h.truncate(1);
        } finally {
          h.close();
        }
      },
    },
    { operation: 'rename', run: (fs) => fs.rename('/db/g', '/db/g') },
    { operation: 'unlink', run: (fs) => fs.unlink('/db/g') },
    { operation: 'syncDirectory', run: (fs) => fs.syncDirectory('/db'), path: '/db' },
  ];

  for (const { operation, run, path = '/db/g' } of cases) {
    it(`fails ${operation} after \`after\` successes, \`times\` times`, () => {
      const fs = new SimulatedFileSystem();
      const fresh = () => {
        if (!fs.exists('/db/g')) fs.writeFile('/db/g', enc('abcd'));
      };
      fresh();
      const fault = fs.injectFault({ operation, path, errno: 'EIO', after: 1, times: 2 });
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        fresh();
        try {
          run(fs);
          outcomes.push('ok');
        } catch (error) {
          expect(error).toBeInstanceOf(StorageError);
          const e = error as StorageError;
          expect(e.code).toBe('IO');
          expect(e.details).toMatchObject({ operation, errno: 'EIO' });
          outcomes.push('EIO');
        }
      }
      expect(outcomes).toEqual(['ok', 'EIO', 'EIO', 'ok', 'ok']);
      expect(fault.fired).toBe(2);
    });
  }

  it('matches paths by RegExp, is sticky with times: Infinity, and can be removed', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile('/db/g.db-wal', enc('w'));
    fs.writeFile('/db/g.db', enc('d'));
    const fault = fs.injectFault({ operation: 'read', path: /-wal$/, errno: 'EIO', times: Infinity });
    for (let i = 0; i < 5; i++) expect(caught(() => fs.readFile('/db/g.db-wal')).code).toBe('IO');
    expect(dec(fs.readFile('/db/g.db'))).toBe('d');
    fault.remove();
    expect(dec(fs.readFile('/db/g.db-wal'))).toBe('w');
    fs.injectFault({ operation: 'read', errno: 'EIO', times: Infinity });
    expect(caught(() => fs.readFile('/db/g.db')).code).toBe('IO');
    fs.clearFaults();
    expect(dec(fs.readFile('/db/g.db'))).toBe('d');
  });

  it('a failing write writes nothing; ENOSPC is IO_NO_SPACE with the real file system message', () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/g', { create: true });
    h.write(enc('abcd'), 0, 4, 0);
    fs.injectFault({ operation: 'write', errno: 'ENOSPC' });
    const error = caught(() => h.write(enc('XXXXXXXX'), 0, 8, 2));
    expect(error.code).toBe('IO_NO_SPACE');
    expect(error.message).toBe('write to /db/g failed: ENOSPC (no space left on device)');
    expect(error.details).toEqual({ file: '/db/g', operation: 'write', errno: 'ENOSPC' });
    expect(h.size()).toBe(4);
    const out = new Uint8Array(4);
    h.read(out, 0, 4, 0);
    expect(dec(out)).toBe('abcd');
    fs.crash({ writes: 'apply-all' });
    expect(dec(fs.readFile('/db/g'))).toBe('abcd');
  });

  it('a failing rename or unlink changes nothing', () => {
    const fs = new SimulatedFileSystem();
    fs.writeFile('/db/a', enc('a'));
    fs.injectFault({ operation: 'rename', path: '/db/b', errno: 'EIO' }); // matches the target name
    expect(caught(() => fs.rename('/db/a', '/db/b')).details).toMatchObject({ file: '/db/a', to: '/db/b' });
    fs.injectFault({ operation: 'unlink', errno: 'EIO' });
    caught(() => fs.unlink('/db/a'));
    expect(fs.files()).toEqual(['/db/a']);
  });

  it('a failing sync loses what it covered, like Linux after an fsync error', () => {
    const fs = new SimulatedFileSystem({ crashOptions: { writes: 'drop-all' } });
    durableFile(fs, '/db/wal', enc('old!'));
    const h = fs.open('/db/wal');
    h.write(enc('new!'), 0, 4, 0);
    fs.injectFault({ operation: 'sync', errno: 'EIO' });
    expect(caught(() => h.sync()).details).toMatchObject({ operation: 'sync', errno: 'EIO' });
    const out = new Uint8Array(4);
    h.read(out, 0, 4, 0);
    expect(dec(out)).toBe('new!'); // the process still reads it...
    h.sync(); // ...and a retried sync "succeeds"...
    fs.crash();
    expect(dec(fs.readFile('/db/wal'))).toBe('old!'); // ...but the data never reached the disk
  });

  it('a failing syncAsync rejects with the fault', async () => {
    const fs = new SimulatedFileSystem();
    const h = fs.open('/db/wal', { create: true });
    fs.injectFault({ operation: 'sync', errno: 'EIO' });
    await expect(h.syncAsync()).rejects.toMatchObject({ code: 'IO', details: { errno: 'EIO', operation: 'sync' } });
    await expect(h.syncAsync()).resolves.toBeUndefined();
    h.close();
  });

  it('totalBytesLimit fails growing writes with ENOSPC and writes nothing; freeBytes follows it', () => {
    const fs = new SimulatedFileSystem({ totalBytesLimit: 1000 });
    const h = fs.open('/db/g', { create: true });
    h.write(filled(600, 1), 0, 600, 0);
    expect(fs.freeBytes('/db')).toBe(400);
    const other = fs.open('/db/wal', { create: true });
    other.write(filled(400, 2), 0, 400, 0);
    const error = caught(() => other.write(filled(1, 3), 0, 1, 400));
    expect(error.code).toBe('IO_NO_SPACE');
    expect(other.size()).toBe(400);
    h.write(filled(600, 4), 0, 600, 0); // overwriting in place needs no space
    h.truncate(100);
    other.write(filled(100, 5), 0, 100, 400);
    expect(fs.freeBytes('/db')).toBe(400);
    fs.setFreeBytes(12345);
    expect(fs.freeBytes('/db')).toBe(12345);
    h.close();
    other.close();
  });

  it('freeBytes defaults to a large number', () => {
    expect(new SimulatedFileSystem().freeBytes('/')).toBeGreaterThan(2 ** 39);
    expect(new SimulatedFileSystem({ freeBytes: 10 }).freeBytes('/')).toBe(10);
  });
});

describe('SimulatedFileSystem: corruption helpers', () => {
  it('flipBit and zeroRange change the durable bytes and what the process reads', () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/g', filled(1024, 0xff));
    fs.flipBit('/db/g', 10, 3);
    fs.zeroRange('/db/g', 512, 8);
    const expected = filled(1024, 0xff);
    expected[10] = 0xff ^ 0b1000;
    expected.fill(0, 512, 520);
    expect(fs.snapshotFile('/db/g')).toEqual(expected);
    expect(fs.readFile('/db/g')).toEqual(expected);
    fs.crash();
    expect(fs.readFile('/db/g')).toEqual(expected);
  });

  it('refuses files with unsynced writes and ranges outside the file', () => {
    const fs = new SimulatedFileSystem();
    durableFile(fs, '/db/g', filled(10, 1));
    expect(caught(() => fs.zeroRange('/db/g', 5, 10)).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => fs.flipBit('/db/g', 0, 8)).code).toBe('INVALID_ARGUMENT');
    const h = fs.open('/db/g');
    h.write(enc('x'), 0, 1, 0);
    expect(caught(() => fs.flipBit('/db/g', 0, 0)).code).toBe('INVALID_ARGUMENT');
    h.close();
  });
});

// ── properties ──────────────────────────────────────────────────────────────

type Op =
  | { kind: 'write'; position: number; length: number; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'sync' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), position: fc.nat(6000), length: fc.integer({ min: 1, max: 2000 }), value: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(8000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
);

describe('SimulatedFileSystem: properties', () => {
  const numRuns = SOAK ? 2000 : 150;

  it('reads always equal a plain byte-array model', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 40 }), (ops) => {
        const fs = new SimulatedFileSystem();
        const h = fs.open('/db/g', { create: true });
        let model = new Uint8Array(0);
        for (const op of ops) {
          if (op.kind === 'write') {
            h.write(filled(op.length, op.value), 0, op.length, op.position);
            const end = Math.max(model.length, op.position + op.length);
            const grown = new Uint8Array(end);
            grown.set(model);
            grown.fill(op.value, op.position, op.position + op.length);
            model = grown;
          } else if (op.kind === 'truncate') {
            h.truncate(op.length);
            const next = new Uint8Array(op.length);
            next.set(model.subarray(0, op.length));
            model = next;
          } else h.sync();
          expect(h.size()).toBe(model.length);
        }
        const out = new Uint8Array(model.length);
        h.read(out, 0, out.length, 0);
        // Buffer.compare: a deep toEqual over thousands of bytes per run is needlessly slow.
        expect(Buffer.compare(out, model)).toBe(0);
      }),
      { seed: testSeed(), numRuns },
    );
  });

  it('after a crash, every byte not touched since the last sync equals what was synced', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (ops, seed) => {
        const fs = new SimulatedFileSystem({ seed });
        durableFile(fs, '/db/g', new Uint8Array(0));
        const h = fs.open('/db/g');
        let synced: Uint8Array = new Uint8Array(0);
        let touched = new Set<number>(); // byte offsets changed since the last sync
        let truncatedSinceSync = false;
        for (const op of ops) {
          if (op.kind === 'write') {
            h.write(filled(op.length, op.value), 0, op.length, op.position);
            for (let i = op.position; i < op.position + op.length; i++) touched.add(i);
          } else if (op.kind === 'truncate') {
            h.truncate(op.length);
            truncatedSinceSync = true;
          } else {
            h.sync();
            synced = fs.readFile('/db/g');
            touched = new Set();
            truncatedSinceSync = false;
          }
        }
        const report = fs.crash();
        const after = fs.readFile('/db/g');
        const context = `\n${describeCrash(report)}`;
        if (!truncatedSinceSync) {
          expect(after.length, context).toBeGreaterThanOrEqual(synced.length);
          for (let i = 0; i < synced.length; i++) {
            if (!touched.has(i) && after[i] !== synced[i]) {
              throw new Error(`byte ${i} is ${after[i]}, synced ${synced[i]}${context}`);
            }
          }
        }
        if (touched.size === 0 && !truncatedSinceSync) expect(Buffer.compare(after, synced), context).toBe(0);
      }),
      { seed: testSeed(), numRuns },
    );
  });
});
