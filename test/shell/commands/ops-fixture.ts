// A real database file with raw B+trees for the operations command tests.
import { Database } from '../../../src/database.js';
import { runCli } from '../../../shell/cli.js';
import type { CliIo } from '../../../shell/cli-support.js';
import { emptyModel, fill, type Model } from '../../ops/support.js';
import { tempDir } from '../../support/cli.js';

const cleanups: (() => void)[] = [];

export function cleanupFixtures(): void {
  cleanups.splice(0).forEach((cleanup) => cleanup());
}

export function workDir(): string {
  const { dir, cleanup } = tempDir('ombra-ops-cli-');
  cleanups.push(cleanup);
  return dir;
}

export function openReal(path: string, options: Parameters<typeof Database.open>[1] = {}): Database {
  return Database.open(path, { pageSizeBytes: 4096, logLevel: 'silent', checkpointIntervalMs: 0, ...options });
}

/** A closed database at `dir/g.db` with `entries` entries spread over the spare slots. */
export async function makeDatabase(dir: string, entries = 1500, options: Parameters<typeof Database.open>[1] = {}): Promise<{ path: string; model: Model }> {
  const path = `${dir}/g.db`;
  const db = openReal(path, options);
  const model = emptyModel();
  fill(db, model, entries, { length: (n) => (n % 101 === 0 ? 6000 : 40) });
  await db.close();
  return { path, model };
}

/** Run the CLI with stderr claiming to be a TTY (the progress bar may draw). */
export async function cliTty(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: true, columns: 100 },
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
