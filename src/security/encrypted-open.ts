// Opening, creating and closing an encrypted database (Database.open / close).
//
// ENCRYPTED OPEN PROTOCOL (sync barriers ══)
//   1. Resolve the key (key.ts): a malformed one is ENCRYPTION_KEY_INVALID before anything is read.
//   2. Read the database file's own page 0 (key-area.ts K1 makes it authoritative):
//        encrypted, no key        → ENCRYPTION_KEY_MISSING
//        encrypted, key fails     → ENCRYPTION_KEY_WRONG (only the key check area was used)
//        not encrypted, key given → ENCRYPTION_NOT_ENABLED
//      No file yet, a key, and the open may create: write page 0 with the encrypted flag and a
//      new key area (high-water mark 0) ══ fsync the file ══ fsync the directory.
//      Steps 1–2 run before the lock, the WAL or any other file is touched, so a refused open
//      changes nothing. (A page 0 that fails its checksum is left to the pager: its recovery
//      may find a good page 0 in the WAL, and step 4 decides then.)
//   3. The pager opens with a PageCipher that can decrypt but not encrypt (no nonces yet).
//   4. The newest committed page 0 must agree (same checks as 2, on the pager's view).
//   5. A writer reserves its first nonce block: commit page 0 with the new high-water mark
//      (and lineage) ══ sync. Only now can a page be encrypted (encryption.ts N2, N5).
//   While open: once less than half a block is left, the next block is reserved by the same
//   kind of commit, as soon as the writer is free (never inside another commit).
//   CLOSE (before the pager's final checkpoint): the sequence stops, and page 0 is committed
//   with the mark lowered to the next unused value (N3). If that commit fails, the higher
//   mark stays, which is also safe.

import { dirname } from 'node:path';
import { isOmbraError, SecurityError, StorageError, CorruptionError } from '../errors.js';
import { failpoint } from '../storage/failpoint.js';
import * as meta from '../storage/meta.js';
import { pageProblem, sealPage } from '../storage/page.js';
import type { Pager } from '../storage/pager.js';
import type { FileSystem } from '../storage/types.js';
import { forkStart, NONCE_BLOCK, NonceSequence, PageCipher } from './encryption.js';
import { readKeyArea, setHighWater, unlockKeyArea, writeNewKeyArea } from './key-area.js';
import type { MasterKey } from './key.js';

export interface EncryptionOpenOptions {
  fs: FileSystem;
  /** The database file (the facade's path for ':memory:' is its file on the memory fs). */
  path: string;
  key: MasterKey | null;
  readOnly: boolean;
  /** The open may create the file (the pager's `create`). */
  create: boolean;
  pageSizeBytes: number;
}

/** Whether page 0 says the database is encrypted; null when page 0 is unusable (pager decides). */
function fileIsEncrypted(fs: FileSystem, path: string): { encrypted: boolean; page: Uint8Array } | null {
  const file = fs.open(path, { readOnly: true });
  try {
    const head = new Uint8Array(64);
    if (file.read(head, 0, head.length, 0) < head.length || !meta.hasMagic(head)) return null;
    const size = meta.peekPageSize(head);
    if (size < 4096 || size > 65536 || (size & (size - 1)) !== 0) return null;
    const page = new Uint8Array(size);
    if (file.read(page, 0, size, 0) < size || pageProblem(page, 0) !== null) return null;
    return { encrypted: (meta.getFlags(page) & meta.META_FLAG_ENCRYPTED) !== 0, page };
  } finally {
    file.close();
  }
}

/** Steps 2 and 4: the subkeys when the database is encrypted and the key opens it, null when plain. */
function checkKeyAgainst(page0: Uint8Array, key: MasterKey | null, file: string): PageCipher['pageKey'] {
  const encrypted = (meta.getFlags(page0) & meta.META_FLAG_ENCRYPTED) !== 0;
  if (!encrypted) {
    if (key !== null) {
      throw new SecurityError('ENCRYPTION_NOT_ENABLED', `${file} is not encrypted but a key was given (from ${key.source}); open it without a key, or make an encrypted copy with \`ombra rekey\``, {
        file,
        source: key.source,
      });
    }
    return null;
  }
  if (key === null) {
    throw new SecurityError('ENCRYPTION_KEY_MISSING', `${file} is encrypted: give its key with OMBRA_ENCRYPTION_KEY, --key-file (config keyFile) or the encryptionKey option`, { file });
  }
  return unlockKeyArea(page0, key, file).pageKey;
}

/** A new encrypted database file: page 0 only, with the flag and a fresh key area (step 2). */
function createEncryptedFile(fs: FileSystem, path: string, pageSizeBytes: number, key: MasterKey): void {
  const page = meta.initMetaPage(pageSizeBytes);
  meta.setFlags(page, meta.META_FLAG_ENCRYPTED);
  const { databaseId } = meta.readMeta(page, path);
  writeNewKeyArea(page, key, databaseId, 0n);
  sealPage(page, 0, 0n);
  const file = fs.open(path, { create: true, exclusive: true });
  try {
    file.write(page, 0, page.length, 0);
    failpoint('encryption.beforeCreateSync');
    file.sync();
  } finally {
    file.close();
  }
  fs.syncDirectory(dirname(path));
}

/** One database's encryption from open to close (protocol in the header). */
export class DatabaseEncryption {
  /** Values reserved per block (tests shrink it to exercise refills). */
  static blockSize: bigint = NONCE_BLOCK;

  private pager: Pager | null = null;
  private refillQueued = false;
  private released = false;

  private constructor(
    readonly codec: PageCipher | null,
    private readonly key: MasterKey | null,
    private readonly path: string,
  ) {}

  /** Steps 1–2 (the key is already resolved by the caller: key.ts). Never changes an existing file. */
  static prepare(options: EncryptionOpenOptions): DatabaseEncryption {
    const { fs, path, key } = options;
    if (!fs.exists(path)) {
      if (key !== null && !options.readOnly && options.create && !fs.exists(`${path}-wal`)) createEncryptedFile(fs, path, options.pageSizeBytes, key);
      // Otherwise the pager reports the missing file, or creates a plain one.
    } else {
      const found = fileIsEncrypted(fs, path);
      if (found !== null) {
        const pageKey = checkKeyAgainst(found.page, key, path);
        return new DatabaseEncryption(pageKey === null ? null : new PageCipher(pageKey, null, path), key, path);
      }
    }
    // Created just now, or page 0 unreadable here: step 4 decides on the pager's page 0.
    return new DatabaseEncryption(key === null ? null : new PageCipher(null, null, path), key, path);
  }

  /** Steps 4–5 on the open pager. The caller closes the pager when this throws. */
  attach(pager: Pager): void {
    const txn = pager.beginRead();
    let pageKey: PageCipher['pageKey'];
    try {
      pageKey = checkKeyAgainst(txn.meta, this.key, this.path);
    } finally {
      txn.end();
    }
    if (pageKey === null) return; // plain database, no key (checkKeyAgainst refused a key)
    if (this.codec === null) throw new CorruptionError(`page 0 of ${this.path} in the WAL says encrypted, the file's page 0 does not (key-area.ts K1)`, { file: this.path, pageNumber: 0 });
    this.codec.pageKey = pageKey;
    this.pager = pager;
    if (!pager.readOnly) this.reserve(true);
  }

  /** Nonces left in the current block (null when this session does not encrypt). */
  get noncesRemaining(): bigint | null {
    return this.codec?.nonces?.remaining ?? null;
  }

  /** NonceSequence.onLow: reserve the next block as soon as the writer is free (never inside a commit). */
  private scheduleRefill(): void {
    if (this.released || this.refillQueued) return;
    this.refillQueued = true;
    setImmediate(() => {
      this.refillQueued = false;
      if (this.released || this.pager === null || this.pager.isClosed) return;
      try {
        this.reserve(false);
      } catch (error) {
        // The writer is busy: the sequence asks again at its next take(). Anything else has no caller here.
        if (!isOmbraError(error, 'TRANSACTION_STATE')) this.onBackgroundError?.(error);
      }
    });
  }

  /** Where errors of background reservations go (the facade's logger). */
  onBackgroundError: ((error: unknown) => void) | null = null;

  /** Step 5 / refill: commit a higher mark (synced), then use the block (N2, N5). */
  reserve(first: boolean): void {
    const pager = this.pager!;
    const codec = this.codec!;
    const txn = pager.beginWrite();
    try {
      const page0 = txn.write(0);
      const area = readKeyArea(page0);
      let start: bigint;
      if (first) start = area.lineage === pager.databaseId ? area.highWater : forkStart(area.highWater);
      else start = area.highWater > codec.nonces!.limit ? area.highWater : codec.nonces!.limit;
      const limit = start + DatabaseEncryption.blockSize;
      setHighWater(page0, limit, pager.databaseId);
      txn.commit();
      if (!first && codec.nonces !== null && start === codec.nonces.limit) codec.nonces.extend(limit);
      else {
        const nonces = new NonceSequence(start, limit);
        nonces.lowWater = DatabaseEncryption.blockSize / 2n;
        nonces.onLow = () => this.scheduleRefill();
        codec.nonces = nonces;
      }
    } catch (error) {
      if (!txn.isEnded) txn.rollback();
      throw error;
    }
  }

  /** CLOSE step (N3). Never throws: a mark left high is safe. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const pager = this.pager;
    const nonces = this.codec?.nonces;
    if (pager === null || nonces === null || nonces === undefined || pager.isClosed || pager.readOnly) return;
    const next = nonces.next;
    // Stop the sequence first: nothing may be encrypted at or above the lowered mark.
    this.codec!.nonces = new NonceSequence(next, next);
    let txn;
    try {
      txn = pager.beginWrite();
    } catch {
      return; // a writer is still open; the block is skipped, which is safe
    }
    try {
      const page0 = txn.write(0);
      const area = readKeyArea(page0);
      if (area.highWater > next && area.lineage === pager.databaseId) {
        setHighWater(page0, next, pager.databaseId);
        txn.commit();
      } else txn.rollback();
    } catch {
      if (!txn.isEnded) txn.rollback();
    }
  }
}

/** For messages and tests: whether a database file (its own page 0) is encrypted. */
export function isEncryptedFile(fs: FileSystem, path: string): boolean {
  if (!fs.exists(path)) throw new StorageError('DATABASE_NOT_FOUND', `database file ${path} does not exist`, { file: path });
  const found = fileIsEncrypted(fs, path);
  if (found === null) throw new CorruptionError(`page 0 of ${path} is unreadable`, { file: path, pageNumber: 0 });
  return found.encrypted;
}
