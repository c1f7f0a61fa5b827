// ombra demo [DB] [--fresh] [--people N] [--rate N] [--no-workload] [console options]
// The console on a demo database: a sample social graph (demos/social.ts) built as a job with
// a progress bar, then a gentle synthetic workload so the dashboard moves (key `w` toggles
// it). The database defaults to <tmpdir>/ombra-demo/social.db and is reused by the next
// `ombra demo` (--fresh rebuilds it). Piped, the line shell waits for the graph and runs no
// workload, so `echo 'MATCH (p:Person) RETURN count(p);' | ombra demo` answers 3000 (a line on
// stderr says why there is no dashboard).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import type { CliIo } from '../cli-support.js';
import { addConsoleOptions, runConsole, type ConsoleFlags } from '../console.js';

/** Where `ombra demo` keeps its database unless told otherwise. */
export function defaultDemoPath(): string {
  return join(tmpdir(), 'ombra-demo', 'social.db');
}

function positiveInt(option: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${option} must be an integer 1..${max} (got '${text}')`, { option, value: text });
  return n;
}

export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('demo')
    .description('the console on a demo database: a sample social graph and a gentle synthetic workload (Tab, then w, toggles it)')
    .argument('[db]', `demo database (default ${defaultDemoPath()})`)
    .option('--fresh', 'delete what the demo database holds and build the graph again', false)
    .option('--people <n>', 'people in the graph', '3000')
    .option('--rate <n>', 'workload operations per second', '20')
    .option('--no-workload', 'do not start the synthetic workload');
  addConsoleOptions(command).action(
    async (dbPath: string | undefined, flags: ConsoleFlags & { fresh: boolean; people: string; rate: string; workload: boolean }) => {
      const people = positiveInt('--people', flags.people, 1_000_000);
      const ratePerSecond = positiveInt('--rate', flags.rate, 10_000);
      const path = dbPath ?? defaultDemoPath();
      mkdirSync(dirname(path), { recursive: true });
      const graph = { people, fresh: flags.fresh };
      if (!(io.stdin?.isTTY && io.stdout.isTTY)) {
        // Said once, so a demo started from a script or CI is never a silent wait on stdin.
        const source = io.stdin?.isTTY ? 'the prompt' : 'stdin (until it ends)';
        io.stderr.write(`ombra demo: no terminal on ${io.stdin?.isTTY ? 'stdout' : 'stdin'}, so no dashboard: the line shell runs statements from ${source} once the graph is built\n`);
      }
      setExit(
        await runConsole({
          dbPath: path,
          flags,
          io,
          title: 'ombra demo',
          mode: 'auto',
          extension: {
            module: new URL('../../demos/social.js', import.meta.url).href,
            dashboardOptions: { ...graph, workload: flags.workload, ratePerSecond },
            lineOptions: { ...graph, workload: false, waitForBuild: true },
            keys: [{ key: 'w', label: 'toggle the demo workload', action: 'toggleWorkload' }],
          },
        }),
      );
    },
  );
}
