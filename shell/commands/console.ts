// ombra [DB] [--read-only] [--user NAME] [--metrics-port PORT] [--format F] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// The console: the live dashboard with its REPL when stdin and stdout are terminals, the
// line shell otherwise (pipes, scripts). The program's own action: a first argument that is
// not a subcommand is the database.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import { editDistance } from '../edit-distance.js';
import type { CliIo } from '../cli-support.js';
import { addConsoleOptions, runConsole, type ConsoleFlags } from '../console.js';
import { COMMAND_NAMES } from './index.js';

export function registerConsole(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program.argument('[db]', 'database file (created when missing); without it, an in-memory database');
  addConsoleOptions(program).action(async (dbPath: string | undefined, flags: ConsoleFlags) => {
    if (dbPath !== undefined) refuseMistypedCommand(dbPath);
    setExit(await runConsole({ dbPath, flags, io, title: 'ombra', mode: 'auto' }));
  });
}

/**
 * `ombra chekpoint` would otherwise create a database called "chekpoint": a bare word close to
 * a command name that is not an existing file is a usage error (write ./NAME to mean a file).
 */
function refuseMistypedCommand(word: string): void {
  if (existsSync(word) || /[./\\]/.test(word)) return;
  const close = COMMAND_NAMES.filter((name) => editDistance(word.toLowerCase(), name) <= 2 || name.startsWith(word.toLowerCase()));
  if (close.length === 0) return;
  throw new UsageError(`unknown command '${word}' (did you mean ${close.map((n) => `'${n}'`).join(' or ')}?); to open a database file by that name, write ./${word}`, {
    word,
    suggestions: close,
  });
}
