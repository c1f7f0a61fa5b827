// Rekey as a job (`ombra rekey DB --out DB2`): every page of one snapshot rewritten into a new
// file under a new key — or encrypted for the first time, or decrypted (new key null). The
// source is never changed (CONVENTIONS §9: commands that could harm a file write to --out).
//
// REKEY PROTOCOL (sync barriers ══)
//   1. Refuse an existing --out or --out-wal. Take a read snapshot of the source and wait
//      until it is durable.
//   2. Page 0 of the copy: the snapshot's meta page with a new database id (a rekeyed file is
//      a new database: a backup chain of the old one must not continue on it, its pages would
//      mix keys), the encrypted flag as the new key says, and a new key area (new salt, so a
//      new page key; nonce counters start at 0 — encryption.ts N6).
//   3. Every other page < page count, in order, into `<out>.rekey`: the stored image read and
//      verified (pager.readStoredPages), decrypted with the source's codec, encrypted under the
//      new key with counter = its position in the copy (each used once: N1); free-list
//      leaves are content-free and written as zeros (as a restore leaves them).
//   4. Page 0 last, with the high-water mark = counters used (N2), ══ fsync the copy.
//   5. Verify the copy (full, read with the new key) before it takes the name.
//   6. Rename to --out, ══ fsync the directory.                  failpoint 'rekey.beforeRename'
//   A crash leaves at most `<out>.rekey`, removed by the next rekey to the same --out.

import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { resolveConfig } from '../config.js';
import type { Database } from '../database.js';
import { StorageError } from '../errors.js';
import { OperationError } from '../ops/ops-error.js';
import { isProcessDeath, unlinkIfExists } from '../ops/files.js';
import { verifyPager } from '../ops/verify.js';
import { failpoint } from '../storage/failpoint.js';
import * as meta from '../storage/meta.js';
import { KEY_CHECK_BYTES } from '../storage/meta.js';
import { resealPage } from '../storage/page.js';
import { Pager, type PageCodec } from '../storage/pager.js';
import type { FileHandle } from '../storage/types.js';
import { NonceSequence, PageCipher } from './encryption.js';
import { setHighWater, writeNewKeyArea } from './key-area.js';
import type { MasterKey } from './key.js';

export interface RekeyOptions {
  /** The new database file (must not exist). */
  out: string;
  /** The new key; null writes an unencrypted copy. */
  newKey: MasterKey | null;
}

export interface RekeyReport {
  source: string;
  out: string;
  pageCount: number;
  pagesWritten: number;
  freePagesZeroed: number;
  encryptedBefore: boolean;
  encryptedAfter: boolean;
  /** The copy's new database id. */
  databaseId: string;
  lsn: bigint;
  durationMs: number;
}

/** Pages per positioned read of the source. */
const RUN_PAGES = 128;

/** Rekey `db` into `options.out` as a job (kind 'rekey', exclusive; Admin under access control). */
export function rekeyDatabase(db: Database, options: RekeyOptions): Promise<RekeyReport> {
  const out = resolve(options.out);
  const what = options.newKey === null ? 'decrypted copy' : 'new key';
  return db.jobs.run({
    kind: 'rekey',
    description: `rekey ${db.path} into ${out} (${what})`,
    exclusive: true,
    body: async (ctx) => {
      const started = performance.now();
      const { fs, pager } = db;
      // 1.
      if (fs.exists(out) || fs.exists(`${out}-wal`)) {
        throw new StorageError('INVALID_ARGUMENT', `${out} already exists: rekey writes a new database and never replaces one`, { file: out });
      }
      if (!fs.exists(dirname(out))) throw new StorageError('IO', `the directory of ${out} (${dirname(out)}) does not exist`, { file: out });
      const tempPath = `${out}.rekey`;
      unlinkIfExists(fs, tempPath);
      const txn = pager.beginRead();
      let file: FileHandle | null = null;
      let installed = false;
      try {
        await pager.whenDurable(txn.snapshotSequence);
        const pageCount = txn.pageCount;
        const lsn = txn.lastLsn;
        const ps = pager.pageSizeBytes;
        const sourceCodec = pager.pageCodec;
        const freeLeaves = new Set(pager.freePages(txn).leaves);

        // 2.
        const page0 = txn.meta.slice();
        const databaseId = randomBytes(16);
        page0.set(databaseId, meta.META_OFFSET.databaseId);
        const idHex = databaseId.toString('hex');
        let codec: PageCodec | null = null;
        let nonces: NonceSequence | null = null;
        if (options.newKey === null) {
          meta.setFlags(page0, meta.getFlags(page0) & ~meta.META_FLAG_ENCRYPTED);
          page0.fill(0, meta.META_OFFSET.keyCheck, meta.META_OFFSET.keyCheck + KEY_CHECK_BYTES);
        } else {
          meta.setFlags(page0, meta.getFlags(page0) | meta.META_FLAG_ENCRYPTED);
          const keys = writeNewKeyArea(page0, options.newKey, idHex, 0n);
          nonces = new NonceSequence(0n, BigInt(pageCount));
          codec = new PageCipher(keys.pageKey, nonces, tempPath);
        }

        // 3.
        file = fs.open(tempPath, { create: true, exclusive: true });
        ctx.progress({ phase: 'rewriting pages', done: 0, total: pageCount });
        const run = new Uint8Array(RUN_PAGES * ps);
        const zero = new Uint8Array(ps);
        let pagesWritten = 0;
        for (let first = 1; first < pageCount; first += RUN_PAGES) {
          const count = Math.min(RUN_PAGES, pageCount - first);
          const problems = pager.readStoredPages(first, count, txn.snapshotSequence, run, (id) => freeLeaves.has(id));
          if (problems.length > 0) throw problems[0]!.error;
          for (let i = 0; i < count; i++) {
            const pageId = first + i;
            let image: Uint8Array;
            if (freeLeaves.has(pageId)) image = zero;
            else {
              const stored = run.subarray(i * ps, (i + 1) * ps);
              const plain = sourceCodec === null ? stored : sourceCodec.decode(stored, pageId);
              image = codec === null ? plain : codec.encode(plain, pageId);
              pagesWritten++;
            }
            file.write(image, 0, ps, pageId * ps);
          }
          ctx.progress({ done: first + count });
          await ctx.checkpoint();
        }

        // 4.
        if (nonces !== null) setHighWater(page0, nonces.next, idHex);
        meta.setCheckpointStamp(page0, Date.now(), lsn);
        resealPage(page0);
        file.write(page0, 0, ps, 0);
        file.truncate(pageCount * ps);
        failpoint('rekey.beforeSync');
        file.sync();
        file.close();
        file = null;

        // 5.
        ctx.progress({ phase: 'verifying the copy' });
        const readCodec = codec === null ? undefined : new PageCipher((codec as PageCipher).pageKey, null, tempPath);
        const check = Pager.open({ fs, path: tempPath, config: resolveConfig({ readOnly: true, pageSizeBytes: ps }), lock: false, ...(readCodec ? { codec: readCodec } : {}) });
        try {
          const report = await verifyPager(check, { level: 'full' }, ctx);
          if (!report.ok || report.lsn !== lsn) {
            throw new OperationError('VERIFY_FAILED', `the rekeyed copy ${tempPath} failed verification (${report.problems[0]?.message ?? `LSN ${report.lsn}, expected ${lsn}`}); --out was not written`, {
              file: tempPath,
              problems: report.problems.slice(0, 20),
            });
          }
        } finally {
          await check.close();
        }

        // 6.
        failpoint('rekey.beforeRename');
        fs.rename(tempPath, out);
        installed = true;
        fs.syncDirectory(dirname(out));
        return {
          source: db.path,
          out,
          pageCount,
          pagesWritten,
          freePagesZeroed: freeLeaves.size,
          encryptedBefore: sourceCodec !== null,
          encryptedAfter: codec !== null,
          databaseId: idHex,
          lsn,
          durationMs: performance.now() - started,
        };
      } catch (error) {
        try {
          file?.close();
          if (!installed && !isProcessDeath(error)) unlinkIfExists(fs, tempPath);
        } catch {
          // the rekey's own error is the one to report
        }
        throw error;
      } finally {
        txn.end();
      }
    },
  });
}
