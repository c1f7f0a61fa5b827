// The line shell: `ombra shell [DB]`, and every run whose stdin is not a terminal.
//
//   -c QUERY and -f FILE (each repeatable; '-' is stdin)   run those in command-line order
//   otherwise, stdin is a terminal                          node:repl (line-repl.ts)
//   otherwise                                               a plain reader of stdin
//
// Input is split into units as it arrives (line-input.ts): a statement may span lines and a
// line may hold several. Results go to stdout only; messages to stderr (line-output.ts).
// Without --bail every unit runs and the exit code is 1 when any failed; with --bail the
// first failure stops the shell (exit 1). `:quit` stops it too. An input that ends inside a
// statement (no closing ';') runs nothing of it and fails. A -c argument is one input of its
// own, so its last statement needs no ';'.

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { LinePrinter, type ErrStream, type OutStream, type UnitLocation } from './line-output.js';
import { UnitReader } from './line-input.js';
import { runInteractive } from './line-repl.js';
import type { ConsoleBackend, OutputFormat, RunOutcome } from './protocol.js';

export interface LineShellOptions {
  /** In-process for scripts; the worker backend at a prompt, so Ctrl-C stops even a long operator. */
  backend: ConsoleBackend;
  /** The session's format and timing at the start (outcomes report changes). */
  format: OutputFormat;
  timing: boolean;
  stdin: Readable & { isTTY?: boolean };
  stdout: OutStream;
  stderr: ErrStream;
  /** -c and -f arguments in command-line order (`-f setup.cypher -c 'MATCH ...'` sets up first). */
  scripts?: readonly ScriptInput[];
  /** Stop at the first failure. */
  bail?: boolean;
  /** History file of the interactive REPL (~/.ombra_history); omit for none. */
  historyFile?: string;
  /** Use the interactive REPL when there is nothing else to run. Default: stdin is a terminal. */
  interactive?: boolean;
  /** Ends the interactive REPL (a signal, a crashed engine worker). */
  stop?: AbortSignal;
}

/** One -c argument (a statement or :command of its own) or one -f file ('-' reads stdin). */
export type ScriptInput = { command: string } | { file: string };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

/** Run the line shell to its end; resolves to the exit code (0, or 1 when a unit failed). */
export async function runLineShell(options: LineShellOptions): Promise<number> {
  const { backend, stdin, stdout, stderr } = options;
  const scripts = options.scripts ?? [];
  const interactive = (options.interactive ?? Boolean(stdin.isTTY)) && scripts.length === 0;
  const settings = { format: options.format, timing: options.timing };
  const printer = new LinePrinter(stdout, stderr, {
    format: () => settings.format,
    summaries: () => interactive || settings.timing,
    progress: true,
  });
  const state = { failed: false, stop: false };
  const track = (outcome: RunOutcome): RunOutcome => {
    if (outcome.format !== undefined) settings.format = outcome.format;
    if (outcome.timing !== undefined) settings.timing = outcome.timing;
    return outcome;
  };

  const runUnit = async (text: string, location: UnitLocation | null): Promise<void> => {
    const outcome = track(await backend.run(text, printer.sink(location)));
    if (printer.stdoutClosed) {
      state.stop = true; // the reader went away (`| head`): stop quietly
      return;
    }
    if (!outcome.ok) state.failed = true;
    if (outcome.quit || (!outcome.ok && options.bail)) state.stop = true;
  };

  const runStream = async (input: Readable, name: string): Promise<void> => {
    const reader = new UnitReader();
    input.setEncoding('utf8');
    try {
      for await (const chunk of input) {
        for (const unit of reader.push(chunk as string)) {
          await runUnit(unit.text, { name, line: unit.line });
          if (state.stop) return;
        }
      }
    } catch (error) {
      printer.message(`ombra: SHELL_SOURCE: cannot read ${name}: ${(error as Error).message}`);
      state.failed = true;
      return;
    } finally {
      if (state.stop && input !== stdin) input.destroy();
    }
    const last = reader.end();
    if (last === null) return;
    if (last.incomplete) {
      printer.message(`ombra: ${name}:${last.line}: SHELL_INCOMPLETE_INPUT: the input ended inside a statement (no closing ';'); it was not run`);
      state.failed = true;
      return;
    }
    await runUnit(last.text, { name, line: last.line });
  };

  if (interactive) {
    // An interactive session ends with 0: its failures were seen as they happened.
    await runInteractive({
      backend,
      track,
      input: stdin,
      stdout: stdout as unknown as NodeJS.WritableStream,
      stderr: stderr as unknown as NodeJS.WritableStream,
      printer,
      historyFile: options.historyFile,
      ...(options.stop ? { stop: options.stop } : {}),
    });
    return EXIT_OK;
  }
  for (const script of scripts) {
    if (state.stop) break;
    if ('command' in script) await runUnit(script.command, null);
    else await runStream(script.file === '-' ? stdin : createReadStream(script.file), script.file === '-' ? '<stdin>' : script.file);
  }
  if (scripts.length === 0) await runStream(stdin, '<stdin>');
  return state.failed ? EXIT_FAILED : EXIT_OK;
}
