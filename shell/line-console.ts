// The line consoles of shell/console.ts: scripts, pipes, -c and -f with the engine in this
// process, and a prompt with the engine in a worker. Loaded only when a line shell runs, so a
// dashboard's UI thread does not hold a second copy of the engine.

import type { Readable } from 'node:stream';
import { MEMORY_PATH, type Database } from '../src/database.js';
import type { OmbraError } from '../src/errors.js';
import { startMetricsServer, type MetricsServer } from '../src/observe/http.js';
import { installShutdownHandlers } from '../src/observe/shutdown.js';
import { EXIT, exitCodeFor, printError, showProgress } from './cli-support.js';
import { consoleSettings, historyPath, startConsoleWorker, type ConsoleLaunch, type ConsoleSettings } from './console.js';
import { LocalBackend } from './local-backend.js';
import { openForCommand } from './open-for-command.js';
import { runLineShell } from './line-shell.js';
import type { OutStream } from './line-output.js';
import type { OutputFormat } from './protocol.js';
import type { AttachWorkerExtension, WorkerExtension } from './worker-extension.js';
import type { WorkerBackend } from './worker-backend.js';

export async function runLineConsole(launch: ConsoleLaunch, stdin: Readable & { isTTY?: boolean }): Promise<number> {
  const { io, flags } = launch;
  const settings = consoleSettings(flags, io);
  const format = (flags.format ?? (io.stdout.isTTY ? 'table' : 'json')) as OutputFormat;
  const interactive = Boolean(stdin.isTTY) && !launch.line?.scripts?.length;
  return interactive ? runPromptConsole(launch, stdin, settings, format) : runScriptConsole(launch, stdin, settings, format);
}

/**
 * Scripts, pipes, -c and -f: the engine in-process (no thread hop per row; stdout's
 * backpressure reaches the engine directly). SIGINT / SIGTERM cancel the statement at its
 * next row batch and close the database cleanly (observe/shutdown.ts); a single operator that
 * computes for a long time (one big aggregation) finishes its step first.
 */
async function runScriptConsole(launch: ConsoleLaunch, stdin: Readable & { isTTY?: boolean }, settings: ConsoleSettings, format: OutputFormat): Promise<number> {
  const { io } = launch;
  const open = settings.open;
  const path = launch.dbPath ?? MEMORY_PATH;
  // stderr carries problems, not the open/checkpoint/close lines a long-running process wants.
  if (settings.logDefaulted) open.logLevel = 'warn';
  let db: Database;
  try {
    db = openForCommand(path, open);
  } catch (error) {
    printError(io, error);
    return exitCodeFor(error);
  }
  const backend = new LocalBackend(db, { format, timing: false, cwd: process.cwd() });
  const removeHandlers = installShutdownHandlers(db, { onSignal: () => backend.cancel() });
  let server: MetricsServer | null = null;
  let extension: WorkerExtension | null = null;
  try {
    if (settings.metricsPort !== undefined) {
      server = await startMetricsServer(db, { port: settings.metricsPort });
      io.stderr.write(`ombra: metrics on ${server.url}/metrics\n`);
    }
    if (launch.extension) {
      const module = (await import(launch.extension.module)) as { attachWorkerExtension: AttachWorkerExtension };
      const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
      try {
        extension = await module.attachWorkerExtension({ db, note: (text) => io.stderr.write(`ombra: ${text}\n`) }, launch.extension.lineOptions);
      } finally {
        stopProgress();
      }
    }
    return await runLineShell({
      backend,
      format,
      timing: false,
      stdin,
      stdout: io.stdout as OutStream,
      stderr: io.stderr,
      scripts: launch.line?.scripts ?? [],
      bail: launch.line?.bail ?? false,
      interactive: false,
    });
  } catch (error) {
    printError(io, error);
    return exitCodeFor(error) === EXIT.usage ? EXIT.usage : EXIT.failed;
  } finally {
    removeHandlers();
    await extension?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await backend.close().catch((error: unknown) => printError(io, error));
  }
}

/**
 * A prompt (stdin is a terminal, stdout is not or `ombra shell`): the engine in a worker, as
 * for the dashboard, so Ctrl-C cancels even a statement stuck inside one long operator — the
 * key reaches this thread, which sets the shared flag the engine checks.
 */
async function runPromptConsole(launch: ConsoleLaunch, stdin: Readable & { isTTY?: boolean }, settings: ConsoleSettings, format: OutputFormat): Promise<number> {
  const { io } = launch;
  const path = launch.dbPath ?? MEMORY_PATH;
  let backend: WorkerBackend;
  try {
    backend = await startConsoleWorker(launch, settings, { format, timing: true, cwd: process.cwd(), resultsAsText: false }, launch.extension?.lineOptions);
  } catch (error) {
    printError(io, error);
    return exitCodeFor(error);
  }
  const stop = new AbortController();
  let crash: OmbraError | null = null;
  backend.onCrash((error) => {
    crash = error;
    stop.abort();
  });
  backend.onNote((text) => io.stderr.write(`ombra: ${text}\n`));
  for (const note of backend.notes) io.stderr.write(`ombra: ${note}\n`);
  if (path === MEMORY_PATH) io.stderr.write('ombra: in-memory database: nothing is kept after :quit\n');
  // SIGINT is a key here (raw mode); SIGTERM and SIGHUP end the session cleanly.
  let signalled: number | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal === 'SIGHUP' ? 129 : 143;
    backend.cancel();
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    await runLineShell({
      backend,
      format,
      timing: true,
      stdin,
      stdout: io.stdout as OutStream,
      stderr: io.stderr,
      historyFile: historyPath(io.env),
      interactive: true,
      stop: stop.signal,
    });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await backend.close().catch((error: unknown) => printError(io, error));
  }
  if (crash !== null) {
    printError(io, crash);
    return EXIT.failed;
  }
  return signalled ?? EXIT.ok;
}
