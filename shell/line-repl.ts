// The interactive line shell (stdin is a terminal): node:repl with ombra's evaluator.
//
//   prompt 'ombra> ', continuation '  ...> ' until the statement's ';' (it may span lines;
//   a line may hold several statements); Tab completes (complete.ts); ↑/↓ walk the history,
//   shared with the dashboard in ~/.ombra_history (history-file.ts: one entry per statement,
//   newlines escaped); Ctrl-C cancels the running statement, clears an unfinished one, and on
//   an empty prompt twice exits; Ctrl-D or :quit exits.
//
// Units run one at a time in the order typed (lines typed while one runs wait their turn).
// The REPL writes its prompt and echo to stdout when stdout is a terminal, else to stderr, so
// `ombra shell db > out.json` still keeps results alone on stdout.

import { once } from 'node:events';
import repl from 'node:repl';
import type { Readable } from 'node:stream';
import { HistoryFile } from './history-file.js';
import type { LinePrinter } from './line-output.js';
import type { ConsoleBackend, RunOutcome } from './protocol.js';
import { isOnlyComments, splitInput } from './split.js';

export const PROMPT = 'ombra> ';
export const CONTINUATION_PROMPT = '  ...> ';
const HISTORY_MAX = 1000;
const EXIT_WINDOW_MS = 2000;

export interface InteractiveOptions {
  backend: ConsoleBackend;
  /** Sees every outcome (the shell follows :format and :timing through it). */
  track: (outcome: RunOutcome) => RunOutcome;
  input: Readable & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  printer: LinePrinter;
  historyFile?: string;
  /** Close the REPL when aborted. */
  stop?: AbortSignal;
}

/** Run the REPL until :quit, Ctrl-D or a double Ctrl-C. */
export async function runInteractive(options: InteractiveOptions): Promise<{ failed: boolean }> {
  const { backend, printer } = options;
  const output = options.stdout.isTTY ? options.stdout : options.stderr;
  const historyFile = options.historyFile ? new HistoryFile(options.historyFile, HISTORY_MAX, (message) => printer.message(`ombra: ${message}`)) : null;
  const history = historyFile ? await historyFile.load() : [];

  let buffer = '';
  let failed = false;
  let running = false;
  let quitting = false;
  let interruptArmedAt = 0;
  let chain: Promise<void> = Promise.resolve();

  const server = repl.start({
    prompt: PROMPT,
    input: options.input,
    output,
    terminal: Boolean(options.input.isTTY && (output as { isTTY?: boolean }).isTTY),
    useColors: false,
    ignoreUndefined: true,
    preview: false,
    ...({ historySize: HISTORY_MAX } as object),
    eval: (cmd, _context, _file, callback) => {
      chain = chain.then(() => handle(cmd)).then(
        () => callback(null, undefined),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), undefined),
      );
    },
    completer: (line: string, callback: (error: Error | null, result: [string[], string]) => void) => {
      backend.complete(line, line.length).then(
        (completion) => callback(null, [completion.items, line.slice(completion.start)]),
        () => callback(null, [[], line]),
      );
    },
  });
  // ombra's commands start with ':'; node's own '.help', '.editor'... would only confuse.
  for (const name of Object.keys(server.commands)) delete (server.commands as Record<string, unknown>)[name];
  (server as unknown as { history: string[] }).history = history.map((entry) => entry.replace(/\s*\n\s*/g, ' ')).reverse();

  server.removeAllListeners('SIGINT');
  server.on('SIGINT', () => {
    if (running) {
      backend.cancel();
      return;
    }
    const line = (server as unknown as { line: string }).line;
    if (buffer !== '' || line !== '') {
      buffer = '';
      server.clearBufferedCommand();
      server.write('', { ctrl: true, name: 'u' });
      output.write('\n');
      server.setPrompt(PROMPT);
      server.displayPrompt();
      return;
    }
    const now = Date.now();
    if (now - interruptArmedAt <= EXIT_WINDOW_MS) {
      server.close();
      return;
    }
    interruptArmedAt = now;
    output.write('\n(press Ctrl-C again, Ctrl-D or type :quit to exit)\n');
    server.displayPrompt();
  });

  const handle = async (cmd: string): Promise<void> => {
    if (quitting) return;
    buffer += cmd.endsWith('\n') ? cmd : `${cmd}\n`;
    const { units, rest } = splitInput(buffer);
    const pendingRest = isOnlyComments(rest) ? '' : rest;
    if (units.length === 0) {
      if (pendingRest === '') buffer = '';
      server.setPrompt(pendingRest === '' ? PROMPT : CONTINUATION_PROMPT);
      return;
    }
    const entry = buffer.slice(0, buffer.length - rest.length).trim();
    buffer = pendingRest;
    history.push(entry);
    if (history.length > HISTORY_MAX) history.splice(0, history.length - HISTORY_MAX);
    void historyFile?.append(entry);
    for (const unit of units) {
      if (/^:history\s*$/i.test(unit)) {
        // The history lives here, not with the engine (the dashboard does the same).
        printHistory(history, output);
        continue;
      }
      running = true;
      try {
        const outcome = options.track(await backend.run(unit, printer.sink(null)));
        if (!outcome.ok) failed = true;
        if (outcome.quit) {
          quitting = true;
          break;
        }
      } finally {
        running = false;
      }
    }
    if (quitting) {
      setImmediate(() => server.close());
      return;
    }
    server.setPrompt(buffer === '' ? PROMPT : CONTINUATION_PROMPT);
  };

  const exited = once(server, 'exit');
  const onStop = (): void => {
    quitting = true;
    server.close();
  };
  if (options.stop?.aborted) onStop();
  else options.stop?.addEventListener('abort', onStop, { once: true });
  await exited;
  options.stop?.removeEventListener('abort', onStop);
  await chain;
  await historyFile?.flush();
  return { failed };
}

function printHistory(history: readonly string[], output: NodeJS.WritableStream): void {
  if (history.length === 0) {
    output.write('(history is empty)\n');
    return;
  }
  const width = String(history.length).length;
  const text = history.map((entry, i) => `${String(i + 1).padStart(width)}  ${entry.replace(/\n/g, `\n${' '.repeat(width + 2)}`)}`).join('\n');
  output.write(`${text}\n`);
}
