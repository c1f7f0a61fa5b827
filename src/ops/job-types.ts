// What every front end sees of a job (DESIGN.md §5): checkpoint, compact, backup, restore,
// verify, repair, salvage, index build. The job framework (job.ts) produces these; the
// dashboard's Jobs panel, `:jobs` and the CLI progress bar only read them.

export type JobKind = 'checkpoint' | 'compact' | 'backup' | 'restore' | 'verify' | 'repair' | 'salvage' | 'index-build' | 'import' | 'export' | 'rekey';
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobProgress {
  /** Current phase, e.g. 'copying pages', 'checking adjacency'. */
  phase: string;
  /** Units done and total (pages, records...); total 0 when unknown. */
  done: number;
  total: number;
  /** Bytes processed so far (0 when the job does not count bytes). */
  bytes: number;
}

export interface JobInfo {
  id: number;
  kind: JobKind;
  /** One line a person can read: 'backup to /backups/db (incremental)'. */
  description: string;
  state: JobState;
  progress: JobProgress;
  startedAtMs: number;
  endedAtMs: number | null;
  /** Error code and message when state is 'failed'. */
  error: { code: string; message: string } | null;
  /** The job's final report object (succeeded jobs). */
  report: unknown;
  /** Exclusive jobs refuse to run beside another exclusive job (JOB_CONFLICT). */
  exclusive: boolean;
}
