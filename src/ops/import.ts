// CSV import as a job (DESIGN.md §5, §7 `ombra import DB --nodes F.csv --relationships F.csv`).
// The CSV format and the bulk path are in src/graph/bulk-import.ts; this module decides where
// the pages go and makes the whole import one unit: every file or nothing.
//
//   into a new database (importNewDatabase: the target does not exist yet) — the fast path, as
//     neo4j-admin import builds a new database: the trees are bulk-loaded straight into a
//     private file (new-database.ts), pages written out as memory fills, no WAL. The file
//     takes the target's name only when the import is complete and synced, so a malformed
//     file, a crash or a cancel leaves no database behind. Memory: the id maps, 32 bytes per
//     relationship and residentPagesMax pages (default 8192 = 64 MiB at 8 KiB pages).
//   into an open database (importIntoDatabase) — one write transaction: the import commits
//     durably as a whole or rolls back, and readers keep their snapshots meanwhile. Its changed
//     pages stay in memory until the commit, and the commit writes them to the WAL: bounded by
//     maxTransactionPages (when set) and 4 × walSizeBytesMax (WAL_FULL). Trees that are empty
//     before the import are still bulk-loaded; trees with entries get sorted inserts. The job
//     holds the single writer while it runs.

import { resolve } from 'node:path';
import type { Database } from '../database.js';
import { StorageError } from '../errors.js';
import { importCsv, type CsvImportOptions, type CsvImportReport } from '../graph/bulk-import.js';
import { RealFileSystem } from '../storage/fs-real.js';
import type { FileSystem } from '../storage/types.js';
import { JobRegistry, type JobContext } from './job.js';
import { writeNewDatabase, type NewDatabaseVerify } from './new-database.js';

export type { CsvImportOptions, CsvInput, IdType } from '../graph/bulk-import.js';

export interface ImportReport extends CsvImportReport {
  /** The database imported into. */
  target: string;
  /** True when the import created the database. */
  created: boolean;
  /** LSN of the commit (or of the new database). */
  lsn: bigint;
  pageCount: number;
  durationMs: number;
  nodesPerSecond: number;
  relationshipsPerSecond: number;
  /** (nodes + relationships) per second over the whole import. */
  rowsPerSecond: number;
}

export interface NewDatabaseImportOptions extends CsvImportOptions {
  /** Database file to create. */
  out: string;
  /** Page size of the new database (default 8192). */
  pageSizeBytes?: number;
  /** Verification of the new database before it takes its name (default 'none': the bulk path is tested; use 'full' to check). */
  verify?: NewDatabaseVerify;
  /** Pages kept in memory while building (default 8192). */
  residentPagesMax?: number;
  fs?: FileSystem;
}

function rates(report: CsvImportReport, durationMs: number): Pick<ImportReport, 'nodesPerSecond' | 'relationshipsPerSecond' | 'rowsPerSecond'> {
  const per = (count: number, ms: number): number => (ms > 0 ? Math.round((count * 1000) / ms) : 0);
  return {
    nodesPerSecond: per(report.nodes, report.phases.nodesMs),
    relationshipsPerSecond: per(report.relationships, report.phases.relationshipsMs + report.phases.buildMs),
    rowsPerSecond: per(report.nodes + report.relationships, durationMs),
  };
}

function describe(options: CsvImportOptions): string {
  const files = [...(options.nodes ?? []), ...(options.relationships ?? [])].flatMap((i) => i.files);
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}

function progressHooks(ctx: JobContext, flush?: () => void) {
  return {
    tick: async () => {
      flush?.();
      await ctx.checkpoint();
    },
    progress: (update: { phase?: string; done?: number; total?: number; bytes?: number }) => ctx.progress(update),
  };
}

/**
 * Import CSV files into a new database file at `options.out` (OUTPUT_EXISTS when it exists).
 * Atomic: the file appears only when the import is complete. Runs as a job on `jobs`.
 */
export async function importNewDatabase(options: NewDatabaseImportOptions, jobs: JobRegistry = new JobRegistry()): Promise<ImportReport> {
  const out = resolve(options.out);
  return jobs.run({
    kind: 'import',
    description: `import ${describe(options)} into a new database ${out}`,
    exclusive: true,
    body: async (ctx) => {
      const started = performance.now();
      const fs = options.fs ?? new RealFileSystem();
      const built = await writeNewDatabase(
        {
          fs,
          out,
          suffix: '.importing',
          baseMeta: { pageSizeBytes: options.pageSizeBytes ?? 8192 },
          lsn: 1n,
          verify: options.verify ?? 'none',
          ...(options.residentPagesMax !== undefined ? { residentPagesMax: options.residentPagesMax } : {}),
        },
        ctx,
        (store) => importCsv(store, fs, options, progressHooks(ctx, () => store.evictIfOver())),
      );
      const durationMs = performance.now() - started;
      return { ...built.result, target: out, created: true, lsn: 1n, pageCount: built.pageCount, durationMs, ...rates(built.result, durationMs) };
    },
  });
}

/**
 * Import CSV files into the open database `db` in one write transaction (see the header for
 * the bounds). Throws IMPORT_CSV / CONSTRAINT_UNIQUE with nothing changed.
 */
export async function importIntoDatabase(db: Database, options: CsvImportOptions): Promise<ImportReport> {
  return db.jobs.run({
    kind: 'import',
    description: `import ${describe(options)} into ${db.path}`,
    body: async (ctx) => {
      const started = performance.now();
      db.assertWritable('data');
      if (db.pager.readOnly) throw new StorageError('READ_ONLY', `${db.path} is open read-only: nothing can be imported`, { file: db.path });
      const txn = db.pager.beginWrite();
      let report: CsvImportReport;
      try {
        report = await importCsv(txn, db.fs, options, progressHooks(ctx));
        ctx.progress({ phase: 'committing' });
      } catch (error) {
        txn.rollback();
        throw error;
      }
      const commit = txn.commit();
      const durationMs = performance.now() - started;
      return { ...report, target: db.path, created: false, lsn: commit.lsn, pageCount: db.pager.stats().pageCount, durationMs, ...rates(report, durationMs) };
    },
  });
}
