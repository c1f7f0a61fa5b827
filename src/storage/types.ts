// Contracts between the storage modules and their users (B+tree, graph, ops).
// Implementations: fs-real.ts / fs-sim.ts (FileSystem), pager.ts (PageStore through a transaction).

/** Page number inside the database file; page 0 is the meta page. */
export type PageId = number & { readonly __brand?: 'PageId' };
/** Log sequence number: grows by one per committed transaction. */
export type Lsn = bigint & { readonly __brand?: 'Lsn' };

// ── FileSystem seam ─────────────────────────────────────────────────────────
// Every byte ombra reads or writes goes through this interface, so a simulated file
// system can crash, tear and fail any of it in tests.

export interface FileHandle {
  readonly path: string;
  /** Positioned read; returns bytes read (short only at end of file). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** Positioned write of the whole range. Not durable until sync(). */
  write(buffer: Uint8Array, offset: number, length: number, position: number): void;
  /** fdatasync: every write before it is durable when it returns. */
  sync(): void;
  /** fdatasync on the thread pool, so other commits can queue meanwhile (group commit). */
  syncAsync(): Promise<void>;
  size(): number;
  truncate(length: number): void;
  close(): void;
}

export interface FileSystem {
  /**
   * Open for read/write, creating the file (mode 0600) when `create` is set. `exclusive`
   * (implies `create`) fails with errno EEXIST when the file exists (O_EXCL: the lock file).
   * A missing file without `create` fails with errno ENOENT.
   */
  open(path: string, options?: { create?: boolean; readOnly?: boolean; exclusive?: boolean }): FileHandle;
  exists(path: string): boolean;
  /** Last modification time of a file in ms since the epoch (optional: the lock file's age). */
  modifiedAtMs?(path: string): number;
  unlink(path: string): void;
  /** Atomic rename (the new name is durable after syncDirectory). */
  rename(from: string, to: string): void;
  syncDirectory(path: string): void;
  mkdir(path: string): void;
  readdir(path: string): string[];
  /** Whole small file helpers (lock file, manifests). */
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  /** Free bytes on the volume holding `path` (health check). */
  freeBytes(path: string): number;
}

// ── Page access for the B+tree and other page-structured modules ────────────

/**
 * A transaction's view of the pages. Reads see the transaction's snapshot (plus its own
 * writes, for a write transaction). Buffers returned by `read` must not be modified;
 * `write` returns a private writable copy that becomes visible to others at commit.
 */
export interface PageStore {
  readonly pageSizeBytes: number;
  /** Usable bytes per page for structure content (page size minus header and reserved trailer). */
  readonly usableBytes: number;
  /** Offset of the first content byte (after the common page header). */
  readonly contentOffset: number;
  /** False for a read transaction: write, allocate, free, setRoot and setCounter throw READ_ONLY. */
  readonly writable: boolean;
  /** The whole page image (header included). Cost: a map lookup when cached, else one read + CRC. */
  read(pageId: PageId): Uint8Array;
  /**
   * Writable page image (header included). The first call per page in a transaction copies
   * the page; later calls return the same buffer. Structures own byte 0 (page type) and the
   * content; the pager owns number, LSN and checksum (page.ts invariant P2).
   */
  write(pageId: PageId): Uint8Array;
  /** A new or reused free page, zero-filled, with the given page type set, already writable. */
  allocate(pageType: number): PageId;
  /**
   * Put a page on the free list. It may be reused by this same transaction; readers of older
   * snapshots keep seeing their own version of it (the WAL keeps versions apart).
   */
  free(pageId: PageId): void;
  /** Root page ids of named structures, kept in the meta page (meta.ts ROOT_SLOT). */
  getRoot(slot: number): PageId;
  setRoot(slot: number, pageId: PageId): void;
  /** 64-bit counters kept in the meta page (meta.ts COUNTER). */
  getCounter(slot: number): bigint;
  setCounter(slot: number, value: bigint): void;
}
