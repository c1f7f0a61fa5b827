// What verification reports (verify.ts for a database, verify-backup.ts for a backup
// directory) and the extension point for graph-level invariants.

import type { ReadTransaction } from '../storage/pager.js';

export type VerifyLevel = 'fast' | 'full';
export type ProblemSeverity = 'error' | 'warning';

/** Where a problem is; only the fields that apply are set. */
export interface ProblemLocation {
  page?: number;
  tree?: string;
  key?: string;
  file?: string;
  /** WAL frame slot (database verify) or record offset (archive). */
  frame?: number;
}

export interface VerifyProblem {
  /** 'error' makes the report not ok (exit 2); 'warning' is reported only. */
  severity: ProblemSeverity;
  location: ProblemLocation;
  message: string;
}

export interface VerifyReport {
  level: VerifyLevel | 'backup';
  /** True when no problem has severity 'error'. */
  ok: boolean;
  problems: VerifyProblem[];
  /** True when more problems were found than the report keeps (MAX_PROBLEMS). */
  truncated: boolean;
  counts: Record<string, number>;
  /** What was verified: a database file or a backup directory. */
  target: string;
  /** LSN of the snapshot verified (databases), or of the newest backup. */
  lsn: bigint;
  durationMs: number;
}

/** A report keeps at most this many problems (the first ones found). */
export const MAX_PROBLEMS = 1000;

// ── graph-level invariants (DESIGN.md §3 check()) ─────────────────────────────

/** One broken graph invariant, as the graph store's checker reports it. */
export interface GraphCheckProblem {
  severity?: ProblemSeverity;
  message: string;
  page?: number;
  tree?: string;
  /** The key or record id involved, printable. */
  key?: string;
}

export interface GraphCheckResult {
  problems: GraphCheckProblem[];
  /** Counts to merge into the report (nodes, relationships, adjacency entries...). */
  counts?: Record<string, number>;
  /**
   * B+trees whose roots live inside records rather than in a meta-page root slot, so the
   * page-ownership check counts their pages as owned.
   */
  extraTrees?: { name: string; root: number }[];
}

/**
 * The graph store's integrity check over one snapshot: every adjacency entry has its
 * relationship and both nodes, every index entry matches its record, counters match.
 * Full verification calls it after the storage-level checks (verify.ts).
 */
export type GraphCheck = (txn: ReadTransaction) => GraphCheckResult | Promise<GraphCheckResult>;

/** Collects problems up to MAX_PROBLEMS. */
export class ProblemList {
  readonly items: VerifyProblem[] = [];
  truncated = false;
  errors = 0;

  add(severity: ProblemSeverity, location: ProblemLocation, message: string): void {
    if (severity === 'error') this.errors++;
    if (this.items.length >= MAX_PROBLEMS) {
      this.truncated = true;
      return;
    }
    this.items.push({ severity, location, message });
  }

  error(location: ProblemLocation, message: string): void {
    this.add('error', location, message);
  }

  warning(location: ProblemLocation, message: string): void {
    this.add('warning', location, message);
  }
}
