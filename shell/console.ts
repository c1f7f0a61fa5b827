// Starting a console: `ombra [DB]`, `ombra demo`, `ombra shell`.
//
//   stdin and stdout are terminals (and not `ombra shell`)
//       the dashboard (tui/app.tsx) over the worker backend: the engine runs in a worker
//       thread so the panels keep moving while a statement computes
//   otherwise
//       the line shell (line-shell.ts) over the in-process backend: results on stdout,
//       messages on stderr, plain text only; graceful shutdown on SIGTERM / SIGINT
//
// Only what the dashboard needs loads here: the engine runs in its worker, so the line shell's
// in-process engine (line-console.ts) is imported when a line shell runs.
//
// A database that does not exist is created (unless --read-only); without DB the console
// runs on an in-memory database. Exit codes (DESIGN.md §7): 0, 1 a unit failed (or the
// engine worker died), 3 the database cannot be opened, 64 usage.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import type { OpenOptions } from '../src/database.js';
import { OmbraError, toOmbraError, UsageError } from '../src/errors.js';
import { MEMORY_PATH } from '../src/memory-path.js';
import type { DashboardHandle, ExtraKey } from '../tui/app.js';
import { EXIT, exitCodeFor, parseFormat, printError, type CliIo } from './cli-support.js';
import { addConfigOptions, loadCliConfig, type ConfigFlags } from './config-options.js';
import type { ScriptInput } from './line-shell.js';
import { WorkerBackend, type WorkerBackendOptions } from './worker-backend.js';

export interface ConsoleFlags extends ConfigFlags {
  readOnly?: boolean;
  user?: string;
  metricsPort?: string;
  format?: string;
}

/** --read-only, --user, --metrics-port, --format and the configuration flags. */
export function addConsoleOptions(command: Command): Command {
  command
    .option('--read-only', 'open without writing anything (may sit beside a writer process)')
    .option('--user <name>', 'the session user when access control is on (default: the OS user, mapped by userMap)')
    .option('--metrics-port <port>', 'serve /metrics, /health and /ready on 127.0.0.1:PORT while the console runs')
    .option('--format <format>', 'line shell result format: table, json or csv (default: table on a terminal, json otherwise)');
  return addConfigOptions(command);
}

/** Keys a console adds to the dashboard, bound to worker-extension actions. */
export interface ConsoleKey {
  key: string;
  label: string;
  action: string;
}

export interface ConsoleLaunch {
  /** Database file; undefined for an in-memory database. */
  dbPath: string | undefined;
  flags: ConsoleFlags;
  io: CliIo;
  /** First word of the dashboard header. */
  title: string;
  /** 'line' forces the line shell (`ombra shell`); 'auto' picks by the terminals. */
  mode: 'auto' | 'line';
  /** -c and -f of `ombra shell`, in command-line order. */
  line?: { scripts?: readonly ScriptInput[]; bail?: boolean };
  /** Code loaded beside the engine (the demo), with its dashboard keys. */
  extension?: { module: string; dashboardOptions: unknown; lineOptions: unknown; keys?: readonly ConsoleKey[] };
}

/** The effective open options and port, from the flags (ConfigError: exit 3; UsageError: 64). */
export interface ConsoleSettings {
  open: OpenOptions;
  logDefaulted: boolean;
  metricsPort: number | undefined;
}

export function consoleSettings(flags: ConsoleFlags, io: CliIo): ConsoleSettings {
  const loaded = loadCliConfig(flags, io, flags.readOnly ? { values: { readOnly: true }, labels: { readOnly: '--read-only' } } : {});
  const open: OpenOptions = { ...loaded.config, create: !loaded.config.readOnly };
  if (flags.user !== undefined) open.user = flags.user;
  let metricsPort: number | undefined;
  if (flags.metricsPort !== undefined) {
    metricsPort = Number(flags.metricsPort);
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
      throw new UsageError(`--metrics-port must be a port number 0..65535 (got '${flags.metricsPort}')`, { option: '--metrics-port', value: flags.metricsPort });
    }
  }
  return { open, logDefaulted: loaded.sources.logLevel.kind === 'default', metricsPort };
}

/** The history file both REPLs share: OMBRA_HISTORY, else ~/.ombra_history ('' for none). */
export function historyPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OMBRA_HISTORY !== undefined) return env.OMBRA_HISTORY === '' ? undefined : env.OMBRA_HISTORY;
  return join(homedir(), '.ombra_history');
}

/** Run a console to its end; resolves to the exit code. */
export async function runConsole(launch: ConsoleLaunch): Promise<number> {
  const { io } = launch;
  const stdin = (io.stdin ?? Readable.from([])) as Readable & { isTTY?: boolean };
  const dashboard = launch.mode === 'auto' && Boolean(stdin.isTTY) && Boolean(io.stdout.isTTY);
  if (launch.flags.format !== undefined) parseFormat(launch.flags.format, ['table', 'json', 'csv'] as const);
  if (dashboard) return runDashboardConsole(launch);
  const { runLineConsole } = await import('./line-console.js');
  return runLineConsole(launch, stdin);
}

/** Start a console's engine worker: its database, the session's settings, the extension with the options for this front end. */
export function startConsoleWorker(launch: ConsoleLaunch, settings: ConsoleSettings, session: WorkerBackendOptions['session'], extensionOptions: unknown): Promise<WorkerBackend> {
  const { fs: _fs, hooks: _hooks, logDestination: _log, ...open } = settings.open;
  return WorkerBackend.start({
    path: launch.dbPath ?? MEMORY_PATH,
    open,
    session,
    ...(settings.metricsPort !== undefined ? { metricsPort: settings.metricsPort } : {}),
    ...(launch.extension ? { extension: { module: launch.extension.module, options: extensionOptions } } : {}),
  });
}

async function runDashboardConsole(launch: ConsoleLaunch): Promise<number> {
  const { io, flags } = launch;
  const settings = consoleSettings(flags, io);
  const path = launch.dbPath ?? MEMORY_PATH;
  let backend: WorkerBackend;
  try {
    backend = await startConsoleWorker(launch, settings, { timing: true, displayRowCap: 1000, cwd: process.cwd() }, launch.extension?.dashboardOptions);
  } catch (error) {
    printError(io, error);
    return exitCodeFor(error);
  }
  // Loaded only here: ink, React and the layout engine cost a line shell ~40 MB it never uses.
  const { runDashboard } = await importDashboard();
  let handle: DashboardHandle | null = null;
  let crash: OmbraError | null = null;
  const extraKeys: ExtraKey[] = (launch.extension?.keys ?? []).map((key) => ({
    key: key.key,
    label: key.label,
    run: () => {
      backend.action(key.action).then(
        (text) => handle?.print(text, 'dim'),
        (error: unknown) => handle?.print(`${key.label}: ${toOmbraError(error).message}`, 'bad'),
      );
    },
  }));
  const code = await runDashboard({
    backend,
    historyFile: historyPath(io.env),
    commands: backend.commands,
    title: launch.title,
    extraKeys,
    env: io.env,
    onStart: (h) => {
      handle = h;
      if (path === MEMORY_PATH) h.print('in-memory database: nothing is kept after :quit (give a file: ombra DB)', 'warn');
      if (flags.readOnly) h.print('read-only: statements that write are refused', 'dim');
      for (const note of backend.notes) h.print(note, 'dim');
      backend.onNote((text) => h.print(text, 'dim'));
      backend.onCrash((error) => {
        crash = error;
        h.exit(EXIT.failed);
      });
    },
  });
  if (crash !== null) {
    printError(io, crash);
    return EXIT.failed;
  }
  return code;
}

/**
 * Load the dashboard with the environment ink and React read once, when they load:
 * - ink decides whether it runs in CI (is-in-ci: CI or CONTINUOUS_INTEGRATION set) and then
 *   draws only the last frame, at exit: a console on a real terminal would look hung. Both
 *   ends are terminals here, so those two variables are hidden.
 * - React picks its build by NODE_ENV. The development build records a performance measure
 *   per render in Node's timeline, which nothing clears, and an owner stack per element: an
 *   idle dashboard grew ~0.2 MB/s and never gave it back. The console always loads the
 *   production build, whatever NODE_ENV the operator's shell has.
 * Each variable is back as it was as soon as the dashboard has loaded.
 *
 * The process also keeps V8's young generation at its first size (--semi-space-growth-factor=1,
 * which V8 reads each time it would grow it): ink redraws every frame into a fresh grid of
 * styled cells, a few MB a second of garbage that dies young, and by default the young
 * generation grew to 2 × 16 MB to hold it. Idle at 120×40 the console's peak RSS was 131–155
 * MB over seven runs against a limit of 150 (npm run bench:memory) and is 130–134 MB with the
 * young generation kept small, with less CPU (3.8–4.3% of a core idle, from ~5%). An earlier
 * stop used --optimize-for-size for the same end; it made large results 2.5× slower to build
 * (a 1M-row UNWIND in the engine worker, which shares the process's flags: 350 → 900 ms),
 * where a small young generation costs ~20% (430 ms). A V8 flag, set while the process runs: it
 * changes collection heuristics, not semantics.
 */
export async function importDashboard(): Promise<typeof import('../tui/app.js')> {
  setFlagsFromString('--semi-space-growth-factor=1');
  const saved = (['CI', 'CONTINUOUS_INTEGRATION', 'NODE_ENV'] as const).map((name) => [name, process.env[name]] as const);
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.NODE_ENV = 'production';
  try {
    return await import('../tui/app.js');
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
