// Checkpoints: copy page versions from the WAL back into the database file.
//
// Modes, with SQLite's meaning:
//   passive   copy every frame no reader still needs; never wait.
//   full      wait (up to busyTimeoutMs) until every reader sees the newest commit, copy all.
//   restart   full, then restart the log so the next writer starts at its beginning.
//   truncate  restart, then truncate the WAL file to zero bytes.
//
// CHECKPOINT PROTOCOL (sync barriers marked ══)
//   1. target = min(durable sequence, oldest reader's snapshot)          (invariant K1)
//   2. for each page with a frame in (backfilled, target]: write its newest version ≤ target
//      to the database file; page 0 also gets the checkpoint stamp (meta.ts M1).
//      Failpoint 'checkpoint.afterPageWrite' after each page.
//   3. set the database file's length to the page count as of target.
//   4. ══ fdatasync the database file. Failpoints 'checkpoint.beforeDbSync' / 'checkpoint.afterDbSync'.
//   5. backfilled = target. Only now may the log restart (the pager restarts it at the next
//      commit, or here for restart/truncate).
//
// A crash anywhere before 5 leaves the log intact: recovery replays the same frames again,
// and rewriting a page with the same image is harmless.
//
// Invariants:
//  (K1) Never copy a frame that is not durable (a crash could lose the transaction from the
//       log while part of it sits in the file), nor one newer than any reader's snapshot
//       (that reader reads the database file for pages without an older frame).
//  (K2) backfilled ≤ the snapshot of every active reader.

import type { CheckpointMode } from '../config.js';

export interface CheckpointReport {
  mode: CheckpointMode;
  /** Pages written into the database file. */
  pagesCopied: number;
  /** Committed frames in the log before the checkpoint. */
  walFramesBefore: number;
  /** Frames still needed by readers or not yet durable, left in the log. */
  framesRemaining: number;
  /** True when every committed frame is now in the database file. */
  complete: boolean;
  /** True when the log was restarted (restart/truncate, or passive with nothing left). */
  restarted: boolean;
  walSizeBytesAfter: number;
  /** Sequence up to which the database file is now current. */
  backfilledSequence: number;
  lsn: bigint;
  startedAtMs: number;
  durationMs: number;
}

export const CHECKPOINT_MODES: readonly CheckpointMode[] = ['passive', 'full', 'restart', 'truncate'];
