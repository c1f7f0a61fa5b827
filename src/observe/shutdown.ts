// Graceful shutdown on SIGTERM / SIGINT for processes that own a database (the console, the
// shell, servers embedding ombra):
//
//   1. stop accepting work: every new write fails with SHUTTING_DOWN, /ready turns 503
//   2. onSignal(signal): the caller's own teardown (leave the dashboard, stop a server)
//   3. db.close(): cancel running jobs and wait for them, roll back an open write
//      transaction, wait for commits already waiting on a sync (they finish durably),
//      checkpoint (truncate: the WAL ends empty), release the lock
//   4. exit 0 (1 when close failed or took longer than timeoutMs)
//
// A second signal during shutdown exits at once with 128 + the signal number (130 for
// SIGINT, 143 for SIGTERM). Nothing committed is lost then either: every durable commit is
// in the WAL, and the next open recovers it.

import { constants } from 'node:os';
import { toOmbraError } from '../errors.js';
import type { Logger } from './logger.js';

export interface ShutdownTarget {
  readonly path: string;
  /** Refuse new work from now on (step 1). Idempotent. */
  beginShutdown(): void;
  close(): Promise<void>;
  readonly logger: Logger;
}

export interface ShutdownOptions {
  /** Called after new work is refused and before the database closes. */
  onSignal?: (signal: NodeJS.Signals) => void | Promise<void>;
  /** Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Default process.exit (tests pass their own). */
  exit?: (code: number) => void;
  /** Give up on a clean close after this long and exit 1. Default 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/** Install the handlers; returns a function that removes them. */
export function installShutdownHandlers(db: ShutdownTarget, options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let started = false;

  const handler = (signal: NodeJS.Signals): void => {
    if (started) {
      db.logger.event('shutdown', `received ${signal} again: exiting now without finishing the shutdown`, { signal }, 'warn');
      exit(128 + (constants.signals[signal] ?? 0));
      return;
    }
    started = true;
    void shutdown(signal);
  };

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    db.logger.event('shutdown', `received ${signal}: shutting down ${db.path}`, { signal });
    db.beginShutdown();
    const timer = setTimeout(() => {
      db.logger.event('shutdown', `shutdown of ${db.path} did not finish within ${timeoutMs} ms: exiting`, { signal, timeoutMs }, 'error');
      exit(1);
    }, timeoutMs);
    let code = 0;
    try {
      if (options.onSignal) {
        try {
          await options.onSignal(signal);
        } catch (error) {
          db.logger.errorFrom(error, 'shutdown: the onSignal handler failed', { event: 'shutdown' });
        }
      }
      // The close line of the log ends the story (the log file closes with the database).
      await db.close();
    } catch (error) {
      code = 1;
      const e = toOmbraError(error);
      db.logger.errorFrom(e, 'shutdown: closing the database failed', { event: 'shutdown' });
    } finally {
      clearTimeout(timer);
    }
    exit(code);
  };

  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
