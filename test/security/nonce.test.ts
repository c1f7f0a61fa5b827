// Nonce uniqueness (encryption.ts N1–N6): every encrypted page image written to the database
// file, the WAL or a compaction file is recorded as it is written; no (key, nonce) pair may
// ever carry two different images. Copies of one image (checkpoints) may repeat it.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import { DatabaseEncryption } from '../../src/security/encrypted-open.js';
import { nonceOf } from '../../src/security/encryption.js';
import { readKeyArea } from '../../src/security/key-area.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { FLAG_ENCRYPTED } from '../../src/storage/page.js';
import type { FileHandle, FileSystem } from '../../src/storage/types.js';
import { decodeFrameHeader, FRAME_HEADER_BYTES, frameLength, unpackImage, WAL_HEADER_BYTES } from '../../src/storage/wal-format.js';
import { mulberry32, SOAK, testSeed, withSeed } from '../support/rng.js';
import { cleanupAll, KEY_A, names, openDb, readNames, sharedOf, workDir, writePeople } from './support.js';
import { GraphWriter } from '../../src/graph/writer.js';

const PAGE = 4096;
const defaultBlock = DatabaseEncryption.blockSize;
beforeEach(() => {
  DatabaseEncryption.blockSize = 256n; // small blocks: many reservations and refills
});
afterEach(() => {
  DatabaseEncryption.blockSize = defaultBlock;
  cleanupAll();
});

/** Records every encrypted page image written through it: salt-independent key = one database lineage here. */
class RecordingFileSystem implements FileSystem {
  readonly seen = new Map<string, string>(); // nonce hex → SHA-256 of the image
  readonly conflicts: string[] = [];
  images = 0;
  private readonly real = new RealFileSystem();

  constructor(private readonly dbPath: string) {}

  private record(image: Uint8Array, where: string): void {
    if ((image[1]! & FLAG_ENCRYPTED) === 0) return;
    this.images++;
    const n = nonceOf(image);
    const nonce = `${n.pageId}:${n.counter}`;
    const digest = createHash('sha256').update(image).digest('hex');
    const before = this.seen.get(nonce);
    if (before === undefined) this.seen.set(nonce, digest);
    else if (before !== digest) this.conflicts.push(`nonce ${nonce} reused for different content (${where})`);
  }

  private inspect(path: string, buffer: Uint8Array, offset: number, length: number, position: number): void {
    const data = buffer.subarray(offset, offset + length);
    if (path === `${this.dbPath}-wal`) {
      // The log writes its header alone, a transaction's frames from a frame start, and zeros
      // (preallocation, salt 0). Frames differ in length: each image is rebuilt from its frame.
      if (position === 0 && length === WAL_HEADER_BYTES) return;
      for (let at = 0; at + FRAME_HEADER_BYTES <= length; ) {
        const header = decodeFrameHeader(data.subarray(at));
        if (header.salt1 === 0) break;
        const frameEnd = at + frameLength(PAGE, header.holeLength);
        const image = new Uint8Array(PAGE);
        unpackImage(data.subarray(at, frameEnd), header, image);
        this.record(image, `WAL frame at ${position + at}`);
        at = frameEnd;
      }
    } else if (path === this.dbPath || path.startsWith(`${this.dbPath}.`)) {
      for (let at = 0; at + PAGE <= length; at += PAGE) if ((position + at) % PAGE === 0) this.record(data.subarray(at, at + PAGE), `${path} page ${(position + at) / PAGE}`);
    }
  }

  open(path: string, options?: { create?: boolean; readOnly?: boolean; exclusive?: boolean }): FileHandle {
    const handle = this.real.open(path, options);
    const self = this;
    return {
      path: handle.path,
      read: (b, o, l, p) => handle.read(b, o, l, p),
      write(b, o, l, p) {
        self.inspect(path, b, o, l, p);
        handle.write(b, o, l, p);
      },
      sync: () => handle.sync(),
      syncAsync: () => handle.syncAsync(),
      size: () => handle.size(),
      truncate: (n) => handle.truncate(n),
      close: () => handle.close(),
    };
  }
  exists(path: string): boolean {
    return this.real.exists(path);
  }
  modifiedAtMs(path: string): number {
    return this.real.modifiedAtMs(path);
  }
  unlink(path: string): void {
    this.real.unlink(path);
  }
  rename(from: string, to: string): void {
    this.real.rename(from, to);
  }
  syncDirectory(path: string): void {
    this.real.syncDirectory(path);
  }
  mkdir(path: string): void {
    this.real.mkdir(path);
  }
  readdir(path: string): string[] {
    return this.real.readdir(path);
  }
  readFile(path: string): Uint8Array {
    return this.real.readFile(path);
  }
  writeFile(path: string, data: Uint8Array): void {
    const handle = this.open(path, { create: true });
    try {
      handle.truncate(0);
      handle.write(data, 0, data.length, 0);
      handle.sync();
    } finally {
      handle.close();
    }
  }
  freeBytes(path: string): number {
    return this.real.freeBytes(path);
  }
}

function highWater(db: Database): bigint {
  const txn = db.pager.beginRead();
  try {
    return readKeyArea(txn.meta).highWater;
  } finally {
    txn.end();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('nonces', () => {
  it('never repeat with different content across many writes, refills, checkpoints, a crash, reopens and a compaction', async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      const rand = mulberry32(seed);
      const dir = workDir();
      const path = join(dir, 'n.db');
      const fs = new RecordingFileSystem(path);
      const open = () => openDb(path, { fs, encryptionKey: KEY_A, lock: false });
      let db = open();
      const marks: bigint[] = [highWater(db)];
      let expected = 0;
      const rounds = SOAK ? 6 : 3;
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < 40; i++) {
          const batch = names(`r${round}i${i}n`, 1 + Math.floor(rand() * 6));
          writePeople(db, batch);
          expected += batch.length;
          if (rand() < 0.15) await db.checkpoint((['passive', 'full', 'restart', 'truncate'] as const)[Math.floor(rand() * 4)]!);
          await tick(); // lets a due block reservation run
        }
        marks.push(highWater(db));
        if (round === 0) {
          // A crash: the session's counters are lost; its durable mark is above all it used.
          db.pager.abandon();
          await db.close().catch(() => undefined);
          db = open();
        } else if (round === 1) {
          const txn = db.pager.beginWrite();
          const g = new GraphWriter(txn, sharedOf(db));
          let n = 0;
          for (const id of [...g.nodeIdsByLabel('Person')]) if (n++ % 3 === 0) g.deleteNode(id, { detach: true }), expected--;
          txn.commit();
          DatabaseEncryption.blockSize = 1n << 16n; // compaction encrypts every page in one go
          await db.close();
          db = open();
          await db.compact();
        } else {
          await db.close();
          db = open();
        }
      }
      expect(readNames(db)).toHaveLength(expected);
      await db.close();
      expect(fs.conflicts).toEqual([]);
      expect(fs.images).toBeGreaterThan(500);
      expect(new Set(marks).size).toBe(marks.length); // the mark moved every round: blocks were reserved
      expect(fs.seen.size).toBeGreaterThan(300);
    });
  });

  it('reserves the next block before the current one runs out, and a clean close gives the unused rest back', async () => {
    const dir = workDir();
    const path = join(dir, 'r.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    const first = highWater(db);
    expect(first).toBe(256n); // block [0, 256) reserved at open
    for (let i = 0; i < 30; i++) {
      writePeople(db, names(`b${i}`, 3));
      await tick();
    }
    expect(highWater(db)).toBeGreaterThan(first);
    const cipher = db.pager.pageCodec as unknown as { nonces: { next: bigint } };
    const next = cipher.nonces.next;
    await db.close();
    const again = openDb(path, { encryptionKey: KEY_A });
    // The close lowered the mark to the next unused counter; this session's block starts there.
    expect(highWater(again)).toBe(next + 256n);
    await again.close();
  });

  it('refuses a commit that would outrun its block (ENCRYPTION_NONCES_EXHAUSTED), changes nothing, and recovers once the next block is reserved', async () => {
    DatabaseEncryption.blockSize = 16n;
    const dir = workDir();
    const db = openDb(join(dir, 'x.db'), { encryptionKey: KEY_A });
    let refused: unknown = null;
    try {
      writePeople(db, names('big', 400)); // far more than 16 pages
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'ENCRYPTION_NONCES_EXHAUSTED' });
    expect(readNames(db)).toEqual([]);
    await tick();
    writePeople(db, ['small']);
    expect(readNames(db)).toEqual(['small']);
    await db.close();
  });
});
