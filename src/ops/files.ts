// File helpers shared by the operations: atomic replacement of small files, buffered
// streaming writes with a running CRC-32, and paths beside a database file. Everything goes
// through the FileSystem seam so the simulated file system can crash any step.

import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StorageError } from '../errors.js';
import { failpoint, simulatedCrashIn } from '../storage/failpoint.js';
import type { FileHandle, FileSystem } from '../storage/types.js';

/**
 * Replace `path` with `data` atomically (manifests):
 *   1. write `<path>.tmp` and ══ fsync it            failpoint 'files.beforeRename'
 *   2. rename it over `path`
 *   3. ══ fsync the directory                        failpoint 'files.afterRename'
 * A crash leaves either the old content or the new, never a mix.
 */
export function writeFileAtomic(fs: FileSystem, path: string, data: Uint8Array): void {
  const temp = `${path}.tmp`;
  fs.writeFile(temp, data);
  failpoint('files.beforeRename');
  fs.rename(temp, path);
  failpoint('files.afterRename');
  fs.syncDirectory(dirname(path));
}

/**
 * True when `error` stands for the death of the process (a simulated crash at a failpoint):
 * cleanup code must then do nothing more, as a dead process could not.
 */
export function isProcessDeath(error: unknown): boolean {
  return simulatedCrashIn(error) !== null;
}

/** True when `path` names a directory (readdir works on it). */
export function isDirectory(fs: FileSystem, path: string): boolean {
  try {
    fs.readdir(path);
    return true;
  } catch {
    return false;
  }
}

/** Size of a file in bytes (opens it read-only). */
export function fileSize(fs: FileSystem, path: string): number {
  const handle = fs.open(path, { readOnly: true });
  try {
    return handle.size();
  } finally {
    handle.close();
  }
}

/** Remove a file if it exists (leftovers of an interrupted operation). */
export function unlinkIfExists(fs: FileSystem, path: string): boolean {
  if (!fs.exists(path)) return false;
  fs.unlink(path);
  return true;
}

export function joinPath(dir: string, name: string): string {
  return join(dir, name);
}

/** CRC-32 as 8 lowercase hex digits (manifests). */
export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * Appends to a file through a buffer of `bufferBytes`, keeping a CRC-32 of everything
 * written. Positioned writes only; nothing is durable until sync().
 */
export class BufferedWriter {
  private readonly buffer: Uint8Array;
  private used = 0;
  private position: number;
  private crc = 0;
  bytesWritten = 0;

  constructor(
    private readonly file: FileHandle,
    startPosition = 0,
    bufferBytes = 1 << 20,
  ) {
    this.position = startPosition;
    this.buffer = new Uint8Array(bufferBytes);
  }

  /** CRC-32 of every byte written so far (flushed or not). */
  get checksum(): number {
    return this.crc;
  }

  write(bytes: Uint8Array): void {
    this.crc = crc32(bytes, this.crc);
    this.bytesWritten += bytes.length;
    if (bytes.length >= this.buffer.length) {
      this.flush();
      this.file.write(bytes, 0, bytes.length, this.position);
      this.position += bytes.length;
      return;
    }
    if (this.used + bytes.length > this.buffer.length) this.flush();
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.file.write(this.buffer, 0, this.used, this.position);
    this.position += this.used;
    this.used = 0;
  }
}

/** Reads a file front to back in chunks (backup files, archive segments). */
export class SequentialReader {
  private position = 0;
  readonly size: number;

  constructor(private readonly file: FileHandle) {
    this.size = file.size();
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.size - this.position;
  }

  seek(position: number): void {
    this.position = position;
  }

  /** Exactly `length` bytes into `into` (or a new array); throws when the file ends first. */
  read(length: number, into?: Uint8Array): Uint8Array {
    const out = into ?? new Uint8Array(length);
    const n = this.file.read(out, 0, length, this.position);
    if (n < length) {
      throw new StorageError('IO', `${this.file.path} ends at ${this.size} bytes, inside a ${length}-byte read at ${this.position}`, {
        file: this.file.path,
        position: this.position,
      });
    }
    this.position += length;
    return out;
  }
}
