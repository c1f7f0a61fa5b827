// Shared by the health, metrics and config command tests: the CLI with an environment, and
// real database files left with frames in the WAL.
import { Database } from '../../../src/database.js';
import { runCli } from '../../../shell/cli.js';
import type { CliIo } from '../../../shell/cli-support.js';
import type { CliRun } from '../../support/cli.js';
import { tempDir } from '../../support/cli.js';
import { DATA_PAGE, stamp } from '../../support/pager-harness.js';

const cleanups: (() => void)[] = [];

export function cleanupObserveFixtures(): void {
  cleanups.splice(0).forEach((cleanup) => cleanup());
}

export function workDir(): string {
  const { dir, cleanup } = tempDir('ombra-observe-cli-');
  cleanups.push(cleanup);
  return dir;
}

/** runCli with captured output and the given environment (test/support/cli.ts passes none). */
export async function cliWithEnv(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/**
 * A closed database of 4 KiB pages whose WAL still holds `pages` freshly written pages
 * (plus the meta page): about pages × 4136 bytes of log not yet checkpointed.
 */
export async function databaseWithWal(dir: string, pages: number): Promise<string> {
  const path = `${dir}/g.db`;
  const db = Database.open(path, { pageSizeBytes: 4096, checkpointIntervalMs: 0, logLevel: 'silent' });
  if (pages > 0) {
    const txn = db.pager.beginWrite();
    // Whole-page frames: each page claims all its bytes as data (no hole to leave out).
    for (let i = 0; i < pages; i++) stamp(txn, txn.allocate(DATA_PAGE), i, 'fullPage');
    txn.commit();
  }
  await db.pager.close({ checkpoint: false }); // the frames stay in the WAL
  await db.observer.close();
  return path;
}
