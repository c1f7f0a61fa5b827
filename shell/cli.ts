// The `ombra` command line (commander 14). Each subcommand lives in shell/commands/<name>.ts
// with its own test; this file wires them, maps errors to the exit codes of DESIGN.md §7 and
// turns commander's usage errors into exit 64.

import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeFor, printError, processIo, type CliIo } from './cli-support.js';
import { commandsFor } from './commands/index.js';
import { OMBRA_VERSION } from './version.js';

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command();
  program
    .name('ombra')
    .description('ombra: an embedded property-graph database with a live operator console')
    .version(OMBRA_VERSION, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    // The console's options (root) and a subcommand's may share names (--format): each
    // belongs to the command it follows.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  const setExit = (code: number): void => {
    exitCode = code;
  };
  for (const register of await Promise.all(commandsFor(argv).map((entry) => entry.load()))) register(program, io, setExit);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; everything else is a usage error.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    printError(io, error);
    return exitCodeFor(error);
  }
  return exitCode;
}
