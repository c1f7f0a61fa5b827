// Helpers for graph store tests: a pager on the simulated file system, one GraphShared per
// open database, write/read transactions as callbacks, and checkGraph with page accounting.
import { expect } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { checkGraph, type GraphProblem } from '../../src/graph/check.js';
import { GraphReader } from '../../src/graph/reader.js';
import { GraphShared } from '../../src/graph/shared.js';
import { GraphWriter } from '../../src/graph/writer.js';
import type { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import type { Pager, ReadTransaction, WriteTransaction } from '../../src/storage/pager.js';
import { newSimFs, openPager } from './pager-harness.js';

export class GraphDb {
  pager: Pager;
  shared = new GraphShared();

  constructor(
    readonly fs: SimulatedFileSystem = newSimFs(),
    readonly pageSizeBytes = 4096,
  ) {
    this.pager = openPager(fs, { pageSizeBytes });
  }

  /** Run `body` in a write transaction and commit (durably); rolls back if it throws. */
  write<T>(body: (g: GraphWriter, txn: WriteTransaction) => T): T {
    const txn = this.pager.beginWrite();
    try {
      const result = body(new GraphWriter(txn, this.shared), txn);
      txn.commit();
      return result;
    } catch (error) {
      txn.rollback();
      throw error;
    }
  }

  read<T>(body: (g: GraphReader, txn: ReadTransaction) => T): T {
    const txn = this.pager.beginRead();
    try {
      return body(new GraphReader(txn, this.shared), txn);
    } finally {
      txn.end();
    }
  }

  /** checkGraph on a fresh snapshot, page ownership included. */
  problems(): GraphProblem[] {
    const txn = this.pager.beginRead();
    try {
      return checkGraph(txn, { pages: { pageCount: txn.pageCount, freePages: this.pager.freePages(txn) } }).problems;
    } finally {
      txn.end();
    }
  }

  expectClean(): void {
    expect(this.problems()).toEqual([]);
  }

  /** Simulated crash (unsynced writes torn or dropped) and reopen with fresh caches. */
  crashAndReopen(): void {
    this.pager.abandon();
    this.fs.crash();
    this.pager = openPager(this.fs, { pageSizeBytes: this.pageSizeBytes });
    this.shared = new GraphShared();
  }

  async close(): Promise<void> {
    await this.pager.close();
  }
}

/** The OmbraError code `fn` throws, or undefined when it returns; anything else is rethrown. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isOmbraError(error)) return error.code;
    throw error;
  }
  return undefined;
}
