// Encryption at rest: AES-256-GCM per page (node:crypto), in the trailer page.ts reserves.
// The pager calls encode() on every sealed page it writes (WAL frames) and decode() on every
// verified stored page it reads, page 0 excepted (pager.ts PageCodec); compaction's page store
// does the same for the file it builds.
//
// STORED (ENCRYPTED) PAGE (page.ts layout; ps = page size)
//   offset    size       meaning
//   0         16         header: type, flags (FLAG_ENCRYPTED set), reserved, number, LSN — in clear
//   16        4          CRC-32 of the stored image (page.ts): corruption is found before decryption
//   20        4          reserved, 0 — in clear
//   24        ps-56      content, AES-256-GCM ciphertext
//   ps-32     12         nonce: u32 page number ‖ u64 nonce counter (big-endian)
//   ps-20     16         GCM tag
//   ps-4      4          reserved, 0
// AAD: header bytes [0,16) ‖ [20,24): type, flags, page number and LSN are authenticated, so
// a page moved to another place, or an old version put back under a newer LSN, fails the tag.
// The plain form (decode's output) is the sealed plain image exactly: flag clear, trailer
// zero, checksum of the plain bytes.
//
// NONCE SCHEME: nonce = page number (4 bytes) ‖ counter (8 bytes), where the counter is drawn
// from one sequence per database lineage (NonceSequence) that only grows:
//  (N1) Every encode() takes a fresh counter value; no value is handed out twice by a sequence.
//  (N2) A sequence hands out only values below the high-water mark durable in page 0 (key-area.ts):
//       a writer reserves a block [mark, mark + NONCE_BLOCK) by committing the new mark — synced
//       — before its first encode (encrypted-open.ts), and reserves the next block the same way
//       before the current one runs out. A crash loses only unused values of a durable block; a
//       value is never used again because the next session starts at the durable mark, which is
//       above everything the crashed one could have used. This holds for WAL frames that were
//       written but never committed: their counters came from a durable block too.
//  (N3) A clean close commits the mark back down to the next unused value, so opens do not burn
//       whole blocks; only a crash skips what was left of its block.
//  (N4) Copies of a stored image (checkpoint into the file, backup, archive, restore) repeat
//       its nonce with the same plaintext: that reveals nothing. Compaction and rekey encode
//       afresh (compaction through the same sequence; rekey under a new salt, hence a new key).
//  (N5) A restored copy is a fork: it and the original would continue from the same mark under
//       the same key. Restore gives the copy a new database id; a writer that finds the
//       lineage (key-area.ts) ≠ the database id jumps its sequence to a random 63-bit start
//       above the mark before reserving. Two lineages then collide only if their used ranges
//       overlap in 2^63 values: probability ≤ (values used by both) / 2^63.
//       (Restoring with keepDatabaseId keeps the lineage: only for a copy that replaces the
//       original, which must not be written again.)
//  (N6) A master key used for several databases gives each a different page key (a random salt
//       per file), so their sequences, which all start at 0, never share an AES key.
//  (N7) A reader's codec (read-only open, restore, salvage) never encrypts pages of its own
//       lineage: the pager cannot commit. When asked to encrypt — repair or salvage writing a new
//       file under the same key — it draws from a private sequence started at a random point
//       (as N5); those pages go only into new files with a new database id, whose first writer
//       forks again (N5).

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CorruptionError, SecurityError } from '../errors.js';
import { FLAG_ENCRYPTED, OFFSET_CHECKSUM, OFFSET_FLAGS, PAGE_HEADER_BYTES, PAGE_TRAILER_BYTES, resealPage } from '../storage/page.js';
import type { PageCodec } from '../storage/pager.js';
import type { PageId } from '../storage/types.js';

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** Values reserved per block (N2): 2^32 page writes, 32 TiB at 8 KiB pages. */
export const NONCE_BLOCK = 1n << 32n;
const AAD_BYTES = 20;
const U63 = (1n << 63n) - 1n;

/** The nonce counters a writer may use (N1, N2): [next, limit). */
export class NonceSequence {
  /** Called by take() while fewer than `lowWater` values are left (the owner reserves the next block). */
  onLow: (() => void) | null = null;
  lowWater = 0n;

  constructor(
    private nextValue: bigint,
    private limitValue: bigint,
  ) {}

  get next(): bigint {
    return this.nextValue;
  }

  get limit(): bigint {
    return this.limitValue;
  }

  get remaining(): bigint {
    return this.limitValue - this.nextValue;
  }

  /** A fresh counter; ENCRYPTION_NONCES_EXHAUSTED (nothing written) when the durable block is used up. */
  take(): bigint {
    if (this.limitValue - this.nextValue <= this.lowWater) this.onLow?.();
    if (this.nextValue >= this.limitValue) {
      throw new SecurityError(
        'ENCRYPTION_NONCES_EXHAUSTED',
        `the nonces reserved by this session are used up (counter ${this.nextValue}); the write was refused so that no nonce repeats: retry once the next block is reserved, or reopen the database`,
        { counter: String(this.nextValue) },
      );
    }
    return this.nextValue++;
  }

  /** Use values up to `limit` once a higher mark is durable (N2). */
  extend(limit: bigint): void {
    if (limit > this.limitValue) this.limitValue = limit;
  }
}

/** Where a forked lineage continues (N5): a random point in [mark + 2^32, 2^63). */
export function forkStart(mark: bigint): bigint {
  const span = U63 - mark - NONCE_BLOCK;
  if (span <= 0n) throw new SecurityError('ENCRYPTION_NONCES_EXHAUSTED', 'the nonce counter space of this database is used up: rekey it (ombra rekey)', {});
  const random = randomBytes(8).readBigUInt64BE(0) % span;
  return mark + NONCE_BLOCK + random;
}

/**
 * The PageCodec of an encrypted database. `nonces` is null for a reader (read-only opens,
 * verification, restore): encode() then refuses, so only a writer with a durable block ever
 * encrypts (N2).
 */
export class PageCipher implements PageCodec {
  private readonly aad = new Uint8Array(AAD_BYTES);

  /** N7: the private sequence of a reader's codec, made on its first encode(). */
  private detached: NonceSequence | null = null;

  constructor(
    /** Null until the key was checked against page 0 (encrypted-open.ts): pages cannot be read before. */
    public pageKey: Buffer | null,
    /** A writer's durable block (N2); null for a reader's codec (N7). */
    public nonces: NonceSequence | null,
    /** For messages: the file the pages belong to. */
    readonly file: string,
  ) {}

  private key(pageId: PageId): Buffer {
    if (this.pageKey === null) throw new SecurityError('INTERNAL', `page ${pageId} of ${this.file} was read before the encryption key was checked`, { pageNumber: pageId });
    return this.pageKey;
  }

  /** Stored form of a sealed plain page (header table above). Never modifies `page`. */
  encode(page: Uint8Array, pageId: PageId): Uint8Array {
    const key = this.key(pageId);
    const nonces = this.nonces ?? (this.detached ??= new NonceSequence(forkStart(0n), U63));
    const counter = nonces.take();
    const ps = page.length;
    const nonceAt = ps - PAGE_TRAILER_BYTES;
    const out = uninitialisedPage(ps); // every byte is written below
    out.set(page.subarray(0, PAGE_HEADER_BYTES));
    out[OFFSET_FLAGS] = out[OFFSET_FLAGS]! | FLAG_ENCRYPTED;
    const v = new DataView(out.buffer, out.byteOffset + nonceAt, NONCE_BYTES);
    v.setUint32(0, pageId);
    v.setBigUint64(4, counter);
    const cipher = createCipheriv('aes-256-gcm', key, bufferOf(out, nonceAt, NONCE_BYTES), { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aadOf(out));
    const body = cipher.update(bufferOf(page, PAGE_HEADER_BYTES, nonceAt - PAGE_HEADER_BYTES));
    const tail = cipher.final();
    out.set(body, PAGE_HEADER_BYTES);
    if (tail.length > 0) out.set(tail, PAGE_HEADER_BYTES + body.length);
    out.set(cipher.getAuthTag(), nonceAt + NONCE_BYTES);
    out.fill(0, nonceAt + NONCE_BYTES + TAG_BYTES);
    resealPage(out);
    return out;
  }

  /** Plain form of a verified stored page; CorruptionError naming the page when it does not authenticate. */
  decode(stored: Uint8Array, pageId: PageId): Uint8Array {
    const key = this.key(pageId);
    const ps = stored.length;
    if ((stored[OFFSET_FLAGS]! & FLAG_ENCRYPTED) === 0) {
      throw new CorruptionError(`page ${pageId} of ${this.file} is stored unencrypted in an encrypted database`, { file: this.file, pageNumber: pageId, problem: 'not encrypted' });
    }
    const nonceAt = ps - PAGE_TRAILER_BYTES;
    const v = new DataView(stored.buffer, stored.byteOffset + nonceAt, NONCE_BYTES);
    if (v.getUint32(0) !== pageId) {
      throw new CorruptionError(`page ${pageId} of ${this.file} carries the nonce of page ${v.getUint32(0)}`, { file: this.file, pageNumber: pageId, problem: 'nonce names another page' });
    }
    const out = uninitialisedPage(ps); // every byte is written below
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bufferOf(stored, nonceAt, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(this.aadOf(stored));
      decipher.setAuthTag(bufferOf(stored, nonceAt + NONCE_BYTES, TAG_BYTES));
      const body = decipher.update(bufferOf(stored, PAGE_HEADER_BYTES, nonceAt - PAGE_HEADER_BYTES));
      const tail = decipher.final();
      out.set(body, PAGE_HEADER_BYTES);
      if (tail.length > 0) out.set(tail, PAGE_HEADER_BYTES + body.length);
    } catch (error) {
      throw new CorruptionError(`page ${pageId} of ${this.file} fails authentication (AES-GCM tag mismatch): it was altered, or written under another key`, {
        file: this.file,
        pageNumber: pageId,
        problem: 'authentication failed',
      }, { cause: error });
    }
    out.set(stored.subarray(0, PAGE_HEADER_BYTES));
    out[OFFSET_FLAGS] = out[OFFSET_FLAGS]! & ~FLAG_ENCRYPTED;
    out.fill(0, nonceAt);
    resealPage(out);
    return out;
  }

  private aadOf(image: Uint8Array): Uint8Array {
    const aad = this.aad;
    aad.set(image.subarray(0, OFFSET_CHECKSUM), 0);
    aad.set(image.subarray(OFFSET_CHECKSUM + 4, PAGE_HEADER_BYTES), OFFSET_CHECKSUM);
    return aad;
  }
}

/** A Buffer view of part of `bytes` (no copy): node:crypto takes Buffers fastest. */
function bufferOf(bytes: Uint8Array, offset: number, length: number): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length);
}

/**
 * A page-sized Uint8Array whose bytes the caller overwrites entirely (no zero fill). A plain
 * Uint8Array, not a Buffer: Buffer#slice() shares memory, and the pager copies pages with slice().
 */
function uninitialisedPage(size: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}

/** The nonce counter of a stored encrypted image (tests and tools). */
export function nonceOf(stored: Uint8Array): { pageId: number; counter: bigint } {
  const nonceAt = stored.length - PAGE_TRAILER_BYTES;
  const v = new DataView(stored.buffer, stored.byteOffset + nonceAt, NONCE_BYTES);
  return { pageId: v.getUint32(0), counter: v.getBigUint64(4) };
}
