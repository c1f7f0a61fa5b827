// What every CLI command shares: printing reports, exit codes, the progress bar on stderr
// (opening a command's database: open-for-command.ts). Exit codes (DESIGN.md §7): 0 success; 1 a
// statement or command failed; 2 verify found problems or health is unhealthy; 3 the database
// cannot be opened; 64 usage error.

import { isOmbraError, OmbraError, toOmbraError, UsageError } from '../src/errors.js';
import type { JobInfo } from '../src/ops/job-types.js';

export const EXIT = { ok: 0, failed: 1, problems: 2, cannotOpen: 3, usage: 64 } as const;

/** Where commands write; tests swap these. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Where the console and the line shell read (default: none, an empty input). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin };

/** Print an error the way every command does: `ombra: CODE: message` (+ excerpt). */
export function printError(io: CliIo, error: unknown): OmbraError {
  const e = toOmbraError(error);
  const excerpt = typeof e.details.excerpt === 'string' ? `\n${e.details.excerpt}` : '';
  io.stderr.write(`ombra: ${e.code}: ${e.message}${excerpt}\n`);
  return e;
}

/** The exit code for an error under the CLI contract. */
export function exitCodeFor(error: unknown): number {
  if (isOmbraError(error)) return error.exitCode;
  return EXIT.failed;
}

export function parseFormat<T extends string>(value: string, allowed: readonly T[], option = '--format'): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got '${value}')`, { option, value, allowed });
  }
  return value as T;
}

/** JSON with bigints as exact integers. */
export function toJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v) => (typeof v === 'bigint' ? `__bigint__${v.toString()}` : v),
    indent,
  );
  return text.replace(/"__bigint__(-?\d+)"/g, '$1');
}

/**
 * A progress line on stderr while a job runs, only when stderr is a TTY (never in pipes or
 * logs). Returns a function that clears the line.
 */
export function showProgress(io: CliIo, subscribe: (listener: (info: JobInfo) => void) => () => void): () => void {
  if (!io.stderr.isTTY || io.env.CI) return () => undefined;
  let shown = false;
  const unsubscribe = subscribe((info) => {
    if (info.state !== 'running') return;
    const { phase, done, total } = info.progress;
    const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - 50));
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const bar = total > 0 ? `[${'#'.repeat(Math.round(ratio * width)).padEnd(width, '.')}] ${(ratio * 100).toFixed(0).padStart(3)}%` : '';
    io.stderr.write(`\r\x1b[2K${info.kind}: ${phase} ${bar}`);
    shown = true;
  });
  return () => {
    unsubscribe();
    if (shown) io.stderr.write('\r\x1b[2K');
  };
}
