// The real file system behind the FileSystem seam: synchronous positioned I/O on file
// descriptors, fdatasync for durability, every OS error wrapped by fs-errors.ts.
//
// Invariants:
//  (R1) Every error leaving this module is a StorageError (IO or IO_NO_SPACE) naming the
//       operation, the file and the errno; the Node error is kept as `cause`.
//  (R2) A file this module creates has mode 0600 (the umask can only narrow it).
//  (R3) write() writes the whole range or throws; read() is short only at end of file.
//  (R4) After close() every use of the handle throws IO "file is closed". The descriptor
//       itself is closed only when no syncAsync() is in flight, so a queued fdatasync never
//       runs on a descriptor number the process has already reused.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { StorageError } from '../errors.js';
import { type FsOperation, handleGoneError, wrapFsError } from './fs-errors.js';
import type { FileHandle, FileSystem } from './types.js';

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

export class RealFileHandle implements FileHandle {
  private closed = false;
  private syncsInFlight = 0;
  private descriptorOpen = true;

  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.assertOpen('read');
    let total = 0;
    try {
      while (total < length) {
        const n = fs.readSync(this.fd, buffer, offset + total, length - total, position + total);
        if (n === 0) break; // end of file
        total += n;
      }
    } catch (error) {
      throw wrapFsError('read', this.path, error);
    }
    return total;
  }

  write(buffer: Uint8Array, offset: number, length: number, position: number): void {
    this.assertOpen('write');
    let total = 0;
    try {
      while (total < length) {
        total += fs.writeSync(this.fd, buffer, offset + total, length - total, position + total);
      }
    } catch (error) {
      throw wrapFsError('write', this.path, error);
    }
  }

  sync(): void {
    this.assertOpen('sync');
    try {
      fs.fdatasyncSync(this.fd);
    } catch (error) {
      throw wrapFsError('sync', this.path, error);
    }
  }

  /** fdatasync on the libuv thread pool; the caller's event loop keeps running meanwhile. */
  syncAsync(): Promise<void> {
    if (this.closed) return Promise.reject(handleGoneError('sync', this.path, 'closed'));
    this.syncsInFlight += 1;
    return new Promise<void>((resolve, reject) => {
      fs.fdatasync(this.fd, (error) => {
        this.syncsInFlight -= 1;
        if (this.closed) {
          try {
            this.closeDescriptorWhenIdle();
          } catch {
            // close() already returned to its caller; a failure to release the descriptor
            // now has no one to report to and loses no data (the sync result is below).
          }
        }
        if (error) reject(wrapFsError('sync', this.path, error));
        else resolve();
      });
    });
  }

  size(): number {
    this.assertOpen('size');
    try {
      return fs.fstatSync(this.fd).size;
    } catch (error) {
      throw wrapFsError('size', this.path, error);
    }
  }

  truncate(length: number): void {
    this.assertOpen('truncate');
    try {
      fs.ftruncateSync(this.fd, length);
    } catch (error) {
      throw wrapFsError('truncate', this.path, error);
    }
  }

  /** Idempotent, so cleanup paths may call it freely. (R4) */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeDescriptorWhenIdle();
  }

  private closeDescriptorWhenIdle(): void {
    if (!this.descriptorOpen || this.syncsInFlight > 0) return;
    this.descriptorOpen = false;
    try {
      fs.closeSync(this.fd);
    } catch (error) {
      throw wrapFsError('close', this.path, error);
    }
  }

  private assertOpen(operation: FsOperation): void {
    if (this.closed) throw handleGoneError(operation, this.path, 'closed');
  }
}

export class RealFileSystem implements FileSystem {
  open(filePath: string, options: { create?: boolean; readOnly?: boolean; exclusive?: boolean } = {}): RealFileHandle {
    const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL } = fs.constants;
    const create = options.create === true || options.exclusive === true;
    if (options.readOnly === true && create) {
      throw new StorageError('INVALID_ARGUMENT', `open of ${filePath}: readOnly cannot be combined with create`, {
        file: filePath,
      });
    }
    let flags = options.readOnly === true ? O_RDONLY : O_RDWR;
    if (create) flags |= O_CREAT;
    if (options.exclusive === true) flags |= O_EXCL;
    try {
      return new RealFileHandle(filePath, fs.openSync(filePath, flags, FILE_MODE));
    } catch (error) {
      throw wrapFsError('open', filePath, error);
    }
  }

  exists(filePath: string): boolean {
    try {
      fs.statSync(filePath);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw wrapFsError('exists', filePath, error);
    }
  }

  modifiedAtMs(filePath: string): number {
    try {
      return fs.statSync(filePath).mtimeMs;
    } catch (error) {
      throw wrapFsError('stat', filePath, error);
    }
  }

  unlink(filePath: string): void {
    try {
      fs.unlinkSync(filePath);
    } catch (error) {
      throw wrapFsError('unlink', filePath, error);
    }
  }

  rename(from: string, to: string): void {
    try {
      fs.renameSync(from, to);
    } catch (error) {
      throw wrapFsError('rename', from, error, to);
    }
  }

  /** fsync of the directory itself, so creates, renames and unlinks inside it are durable. */
  syncDirectory(directory: string): void {
    let fd: number;
    try {
      fd = fs.openSync(directory, fs.constants.O_RDONLY);
    } catch (error) {
      throw wrapFsError('syncDirectory', directory, error);
    }
    try {
      fs.fsyncSync(fd);
    } catch (error) {
      // Windows cannot fsync a directory; its metadata journal orders renames for us.
      const code = (error as NodeJS.ErrnoException).code;
      if (!(process.platform === 'win32' && (code === 'EPERM' || code === 'EISDIR' || code === 'EINVAL'))) {
        throw wrapFsError('syncDirectory', directory, error);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Creates missing parents too; an existing directory is not an error. */
  mkdir(directory: string): void {
    try {
      fs.mkdirSync(directory, { recursive: true, mode: DIRECTORY_MODE });
    } catch (error) {
      throw wrapFsError('mkdir', directory, error);
    }
  }

  /** Names directly inside `directory`, sorted. */
  readdir(directory: string): string[] {
    try {
      return fs.readdirSync(directory).sort();
    } catch (error) {
      throw wrapFsError('readdir', directory, error);
    }
  }

  readFile(filePath: string): Uint8Array {
    const handle = this.open(filePath, { readOnly: true });
    try {
      const size = handle.size();
      const data = new Uint8Array(size);
      const n = handle.read(data, 0, size, 0);
      return n === size ? data : data.subarray(0, n);
    } finally {
      handle.close();
    }
  }

  /**
   * Create or replace the content of a small file and fdatasync it. The directory entry of a
   * new file is durable only after syncDirectory(dirname(path)).
   */
  writeFile(filePath: string, data: Uint8Array): void {
    const handle = this.open(filePath, { create: true });
    try {
      handle.truncate(0);
      handle.write(data, 0, data.length, 0);
      handle.sync();
    } finally {
      handle.close();
    }
  }

  /** Bytes available to this user on the volume of `path` (or of its nearest existing parent). */
  freeBytes(filePath: string): number {
    let probe = filePath;
    for (;;) {
      try {
        const stats = fs.statfsSync(probe);
        return stats.bavail * stats.bsize;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const parent = path.dirname(probe);
        if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== probe) {
          probe = parent;
          continue;
        }
        throw wrapFsError('freeBytes', filePath, error);
      }
    }
  }
}
