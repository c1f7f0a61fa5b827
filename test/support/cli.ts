// Drive the CLI in-process (runCli) with captured output, for command tests; or the real
// binary as a child process, for end-to-end tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../shell/cli.js';
import type { CliIo } from '../../shell/cli-support.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'ombra-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The checkout's root, and whether dist/ is built (tests of the real binary skip without it). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BUILT = existsSync(join(REPO_ROOT, 'dist/shell/cli.js'));

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run bin/ombra.js with exactly `env`; `stdin` is written then closed (null: closed at once). */
export function runOmbraProcess(args: string[], options: { env: NodeJS.ProcessEnv; stdin?: string | null; cwd?: string }): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/ombra.js'), ...args], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    if (options.stdin === undefined || options.stdin === null) child.stdin.end();
    else child.stdin.end(options.stdin);
  });
}
