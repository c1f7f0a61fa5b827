// The console entry: renders the dashboard with ink until the operator exits, then closes
// the backend. The app (`ombra [DB]`, `ombra demo`) builds the backend and calls this; when
// stdin or stdout is not a terminal it must use the line shell instead.
//
// Exit sequence: the store asks to exit (:quit, q, Ctrl-D, double Ctrl-C, SIGHUP/SIGINT/SIGTERM) →
// a running statement is cancelled and given EXIT_GRACE_MS to settle → ink unmounts and the
// alternate screen is left (the shell's screen comes back as it was) → history is flushed →
// backend.close() (the database closes cleanly) → onExit(code) → the promise resolves.

import { render } from 'ink';
import { UsageError } from '../src/errors.js';
import type { ConsoleBackend } from '../shell/protocol.js';
import { ConsoleStore } from './console-store.js';
import { Dashboard } from './Dashboard.js';
import { HistoryFile } from './history-file.js';
import { inkStdout } from './ink-stdout.js';
import { colorFromEnv, type Tone } from './theme.js';
import type { CommandHelp, ExtraKey } from './types.js';

export type { CommandHelp, ExtraKey } from './types.js';

export interface RunDashboardOptions {
  /** The engine side. The dashboard owns it from here on and closes it on exit. */
  backend: ConsoleBackend;
  /** History file path (the app passes ~/.ombra_history); omit for no persistent history. */
  historyFile?: string;
  /** History entries kept. Default 1000. */
  historyMax?: number;
  /** Metrics refresh interval in ms, 250 … 10,000. Default 1000. */
  refreshMs?: number;
  /** The :commands listed by the help overlay. */
  commands: readonly CommandHelp[];
  /** First word of the header: 'ombra', 'ombra demo'. */
  title: string;
  /** Called with the exit code after the backend closed. */
  onExit?: (code: number) => void;
  /** Keys the app adds to the panels (the demo's `w` toggles its workload). */
  extraKeys?: readonly ExtraKey[];
  /** Streams and environment; default the process's. */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** Draw on the terminal's alternate screen (restored on exit). Default true. */
  alternateScreen?: boolean;
  /**
   * Route console.log/error of this thread above the dashboard instead of through it (ink
   * clears, prints, redraws). Default true; off only where console cannot be replaced.
   */
  patchConsole?: boolean;
  /** Exit cleanly on SIGHUP (SSH dropped), SIGINT and SIGTERM. Default true for the process's own stdin. */
  handleSignals?: boolean;
  /**
   * Called once the console is up with a handle the app keeps: print a line into the
   * scrollback (startup notes, the demo's build) or exit (the engine worker died).
   */
  onStart?: (handle: DashboardHandle) => void;
}

/** What an app may do with a running dashboard (RunDashboardOptions.onStart). */
export interface DashboardHandle {
  print(text: string, tone?: Tone): void;
  /** Leave the console with this exit code (the normal exit sequence runs). */
  exit(code: number): void;
}

/** How long a cancelled statement may take to settle on exit before the backend is closed anyway. */
export const EXIT_GRACE_MS = 2000;

/** How the dashboard renders with ink (bench/shell-micro.ts measures with the same). */
export const DASHBOARD_RENDER_OPTIONS = {
  exitOnCtrlC: false,
  // Only the lines that changed are rewritten: an idle dashboard writes a fraction of what
  // whole frames cost (bench/shell-micro.ts). ink 6.8's incremental renderer is off by one
  // line after a frame shorter than the terminal; the stream ink draws through
  // (ink-stdout.ts) corrects it, so render with inkStdout(stdout), never the bare stream.
  incrementalRendering: true,
  // Key echo stays snappy while bursts of output are coalesced into at most 10 frames a second.
  maxFps: 10,
} as const;

const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

/**
 * Run the console until the operator exits; resolves to the process exit code (0 after a
 * normal exit, 1 when the dashboard or closing the backend failed, 128+n after a signal).
 * Throws UsageError (USAGE) when stdin or stdout is not a terminal.
 */
export async function runDashboard(options: RunDashboardOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new UsageError('the console dashboard needs a terminal on stdin and stdout; use `ombra shell` for pipes and scripts', {
      stdinIsTTY: Boolean(stdin.isTTY),
      stdoutIsTTY: Boolean(stdout.isTTY),
    });
  }

  const startupNotes: string[] = [];
  let store: ConsoleStore | null = null;
  const reportHistoryError = (message: string): void => {
    if (store) store.print(message, 'warn');
    else startupNotes.push(message);
  };
  const historyFile = options.historyFile ? new HistoryFile(options.historyFile, options.historyMax ?? 1000, reportHistoryError) : undefined;
  const initialHistory = historyFile ? await historyFile.load() : [];
  const consoleStore = new ConsoleStore({
    backend: options.backend,
    historyFile,
    initialHistory,
    historyMax: options.historyMax,
    refreshMs: options.refreshMs,
    extraKeys: options.extraKeys,
  });
  store = consoleStore;
  for (const note of startupNotes) consoleStore.print(note, 'warn');
  consoleStore.print('Type a statement ending with ; or a :command. F1 for help, :quit to leave.', 'dim');
  options.onStart?.({ print: (text, tone) => consoleStore.print(text, tone), exit: (code) => consoleStore.exit(code) });

  // Raw mode turns Ctrl-C into a key, so SIGINT only comes from `kill -INT`: also a clean exit.
  const signals: [NodeJS.Signals, number][] = [
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ];
  const onSignal = (signal: NodeJS.Signals): void => consoleStore.exit(signals.find(([s]) => s === signal)?.[1] ?? 1);
  const handleSignals = options.handleSignals ?? stdin === process.stdin;
  if (handleSignals) for (const [signal] of signals) process.on(signal, onSignal);

  const alternate = options.alternateScreen ?? true;
  if (alternate) stdout.write(ENTER_ALT_SCREEN);
  const instance = render(<Dashboard store={consoleStore} title={options.title} commands={options.commands} color={colorFromEnv(env)} />, {
    stdin,
    stdout: inkStdout(stdout),
    stderr,
    patchConsole: options.patchConsole ?? true,
    ...DASHBOARD_RENDER_OPTIONS,
  });

  let code: number;
  try {
    consoleStore.start();
    code = await Promise.race([
      consoleStore.whenExit(),
      instance.waitUntilExit().then(
        () => consoleStore.whenExit(),
        (error: unknown) => {
          stderr.write(`ombra: the dashboard failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
          consoleStore.exit(1);
          return 1;
        },
      ),
    ]);
  } finally {
    consoleStore.stop();
    if (handleSignals) for (const [signal] of signals) process.off(signal, onSignal);
  }

  await settleWithin(consoleStore.runSettled(), EXIT_GRACE_MS);
  instance.unmount();
  await instance.waitUntilExit().catch(() => undefined);
  instance.cleanup();
  if (alternate) stdout.write(LEAVE_ALT_SCREEN);
  await historyFile?.flush();
  try {
    await options.backend.close();
  } catch (error) {
    stderr.write(`ombra: closing the database failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (code === 0) code = 1;
  }
  options.onExit?.(code);
  return code;
}

function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
