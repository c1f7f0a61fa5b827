import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import { fsError, wrapFsError } from '../../src/storage/fs-errors.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

function caught(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    return error as StorageError;
  }
  throw new Error('expected a StorageError, nothing was thrown');
}

describe('RealFileSystem', () => {
  const fs = new RealFileSystem();
  let dir: string;

  beforeEach(() => {
    dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'ombra-fs-real-'));
  });
  afterEach(() => {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips positioned writes and reads, short only at end of file', () => {
    const file = path.join(dir, 'data');
    const handle = fs.open(file, { create: true });
    handle.write(bytes('hello world'), 0, 11, 0);
    handle.write(bytes('XXabcXX'), 2, 3, 20); // a hole from 11 to 20 reads as zeros
    expect(handle.size()).toBe(23);
    const out = new Uint8Array(30).fill(0xff);
    expect(handle.read(out, 0, 30, 0)).toBe(23);
    expect(text(out.subarray(0, 11))).toBe('hello world');
    expect([...out.subarray(11, 20)]).toEqual(new Array(9).fill(0));
    expect(text(out.subarray(20, 23))).toBe('abc');
    expect(handle.read(out, 0, 10, 100)).toBe(0);
    handle.sync();
    handle.truncate(5);
    expect(handle.size()).toBe(5);
    handle.close();
    expect(text(fs.readFile(file))).toBe('hello');
  });

  it('syncAsync resolves after an fdatasync on the thread pool', async () => {
    const handle = fs.open(path.join(dir, 'wal'), { create: true });
    handle.write(bytes('commit'), 0, 6, 0);
    await Promise.all([handle.syncAsync(), handle.syncAsync()]);
    handle.close();
  });

  it('close() while a syncAsync is in flight lets the sync finish and still refuses new use', async () => {
    const handle = fs.open(path.join(dir, 'wal'), { create: true });
    handle.write(bytes('x'), 0, 1, 0);
    const pending = handle.syncAsync();
    handle.close();
    await expect(pending).resolves.toBeUndefined();
    expect(caught(() => handle.size()).details.reason).toBe('closed');
  });

  it('creates files with mode 0600', () => {
    const file = path.join(dir, 'secret');
    fs.open(file, { create: true }).close();
    expect(nodeFs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFile(path.join(dir, 'written'), bytes('x'));
    expect(nodeFs.statSync(path.join(dir, 'written')).mode & 0o777).toBe(0o600);
  });

  it('wraps ENOENT on open of a missing file without create', () => {
    const file = path.join(dir, 'missing');
    const error = caught(() => fs.open(file));
    expect(error.code).toBe('IO');
    expect(error.details).toEqual({ file, operation: 'open', errno: 'ENOENT' });
    expect(error.message).toBe(`open of ${file} failed: ENOENT (no such file or directory)`);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
  });

  it('exclusive create fails with EEXIST when the file exists', () => {
    const file = path.join(dir, 'db-lock');
    fs.open(file, { exclusive: true }).close();
    const error = caught(() => fs.open(file, { exclusive: true }));
    expect(error.code).toBe('IO');
    expect(error.details.errno).toBe('EEXIST');
  });

  it('refuses readOnly together with create', () => {
    expect(caught(() => fs.open(path.join(dir, 'x'), { readOnly: true, create: true })).code).toBe('INVALID_ARGUMENT');
  });

  it('a read-only handle cannot write (EBADF)', () => {
    const file = path.join(dir, 'ro');
    fs.writeFile(file, bytes('abc'));
    const handle = fs.open(file, { readOnly: true });
    const error = caught(() => handle.write(bytes('z'), 0, 1, 0));
    expect(error.code).toBe('IO');
    expect(error.details).toMatchObject({ file, operation: 'write', errno: 'EBADF' });
    handle.close();
  });

  it('every use of a closed handle throws IO naming the operation; close is idempotent', async () => {
    const file = path.join(dir, 'closed');
    const handle = fs.open(file, { create: true });
    handle.close();
    handle.close();
    const uses: Array<[string, () => unknown]> = [
      ['read', () => handle.read(new Uint8Array(1), 0, 1, 0)],
      ['write', () => handle.write(new Uint8Array(1), 0, 1, 0)],
      ['sync', () => handle.sync()],
      ['size', () => handle.size()],
      ['truncate', () => handle.truncate(0)],
    ];
    for (const [operation, use] of uses) {
      const error = caught(use);
      expect(error.code).toBe('IO');
      expect(error.details).toMatchObject({ file, operation, reason: 'closed' });
      expect(error.message).toContain('file is closed');
    }
    await expect(handle.syncAsync()).rejects.toMatchObject({ code: 'IO', details: { operation: 'sync', reason: 'closed' } });
  });

  it.runIf(nodeFs.existsSync('/dev/full'))('reports a full device as IO_NO_SPACE', () => {
    const handle = fs.open('/dev/full');
    const error = caught(() => handle.write(new Uint8Array(4096), 0, 4096, 0));
    handle.close();
    expect(error.code).toBe('IO_NO_SPACE');
    expect(error.details).toEqual({ file: '/dev/full', operation: 'write', errno: 'ENOSPC' });
    expect(error.message).toBe('write to /dev/full failed: ENOSPC (no space left on device)');
  });

  it('renames atomically, unlinks, and syncs directories', () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.writeFile(a, bytes('one'));
    fs.writeFile(b, bytes('two'));
    fs.rename(a, b);
    fs.syncDirectory(dir);
    expect(fs.exists(a)).toBe(false);
    expect(text(fs.readFile(b))).toBe('one');
    fs.unlink(b);
    expect(fs.exists(b)).toBe(false);
    const error = caught(() => fs.rename(a, b));
    expect(error.details).toMatchObject({ file: a, to: b, operation: 'rename', errno: 'ENOENT' });
    expect(caught(() => fs.unlink(b)).details.errno).toBe('ENOENT');
    expect(caught(() => fs.syncDirectory(path.join(dir, 'nope'))).details.operation).toBe('syncDirectory');
  });

  it('mkdir is recursive and idempotent; readdir lists names sorted', () => {
    const nested = path.join(dir, 'x', 'y');
    fs.mkdir(nested);
    fs.mkdir(nested);
    fs.writeFile(path.join(nested, 'b'), bytes('1'));
    fs.writeFile(path.join(nested, 'a'), bytes('2'));
    expect(fs.readdir(nested)).toEqual(['a', 'b']);
    expect(fs.readdir(dir)).toEqual(['x']);
    expect(fs.exists(nested)).toBe(true);
    expect(fs.exists(path.join(nested, 'a', 'under-a-file'))).toBe(false);
    expect(caught(() => fs.readdir(path.join(dir, 'none'))).details.errno).toBe('ENOENT');
  });

  it('reports free bytes of the volume, also for a path that does not exist yet', () => {
    expect(fs.freeBytes(dir)).toBeGreaterThan(0);
    expect(fs.freeBytes(path.join(dir, 'not', 'yet', 'db'))).toBeGreaterThan(0);
  });

  it('reports modification times', () => {
    const file = path.join(dir, 'm');
    fs.writeFile(file, bytes('x'));
    expect(Math.abs(fs.modifiedAtMs(file) - Date.now())).toBeLessThan(60_000);
    expect(caught(() => fs.modifiedAtMs(path.join(dir, 'none'))).details).toMatchObject({ operation: 'stat', errno: 'ENOENT' });
  });
});

describe('file-system error shape', () => {
  it('maps ENOSPC and EDQUOT to IO_NO_SPACE and everything else to IO', () => {
    expect(fsError('write', '/x/db-wal', 'ENOSPC').code).toBe('IO_NO_SPACE');
    expect(fsError('write', '/x/db-wal', 'EDQUOT').code).toBe('IO_NO_SPACE');
    expect(fsError('sync', '/x/db-wal', 'EIO').code).toBe('IO');
    expect(fsError('write', '/x/db-wal', 'ENOSPC').message).toBe('write to /x/db-wal failed: ENOSPC (no space left on device)');
  });

  it('keeps the Node error as cause and reads an unknown errno description from its message', () => {
    const nodeError = Object.assign(new Error('EWEIRD: something odd happened, open \'/x\''), { code: 'EWEIRD' });
    const error = wrapFsError('open', '/x', nodeError);
    expect(error.code).toBe('IO');
    expect(error.message).toBe('open of /x failed: EWEIRD (something odd happened)');
    expect(error.cause).toBe(nodeError);
  });
});
