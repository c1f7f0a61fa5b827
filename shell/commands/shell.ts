// ombra shell [DB] [-c QUERY]... [-f FILE]... [--format table|json|csv] [--bail] [--read-only] [--user NAME] ...
// The line shell (also what `ombra DB` runs when stdin is not a terminal): -c and -f run and
// exit, in the order they were given (`-f setup.cypher -c 'MATCH ...'` sets up first);
// otherwise it reads stdin (node:repl when stdin is a terminal). Results on stdout,
// messages on stderr. Exit 0; 1 when a statement or command failed; 3 when the database
// cannot be opened; 64 usage.
import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';
import { addConsoleOptions, runConsole, type ConsoleFlags } from '../console.js';
import type { ScriptInput } from '../line-shell.js';

export function registerShell(program: Command, io: CliIo, setExit: (code: number) => void): void {
  // -c and -f share one list, filled as commander meets them, so their order survives
  // (commander keeps each option's values apart). A program is parsed once (cli.ts).
  const scripts: ScriptInput[] = [];
  const collect =
    (make: (value: string) => ScriptInput) =>
    (value: string): ScriptInput[] => {
      scripts.push(make(value));
      return scripts;
    };
  const command = program
    .command('shell')
    .description('line REPL for statements and :commands; results on stdout (used automatically when stdin is not a terminal)')
    .argument('[db]', 'database file (created when missing); without it, an in-memory database')
    .option('-c, --command <query>', 'run a statement or :command, then exit (repeatable; the last ; is optional)', collect((text) => ({ command: text })))
    .option('-f, --file <file>', "run the statements of a file, then exit (repeatable; '-' is stdin; -c and -f run in the order given)", collect((path) => ({ file: path })))
    .option('--bail', 'stop at the first statement that fails (exit 1)', false);
  addConsoleOptions(command).action(async (dbPath: string | undefined, flags: ConsoleFlags & { bail: boolean }) => {
    setExit(
      await runConsole({
        dbPath,
        flags,
        io,
        title: 'ombra',
        mode: 'line',
        line: { scripts, bail: flags.bail },
      }),
    );
  });
}
