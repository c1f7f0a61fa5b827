// Rendering the dashboard in tests: fake terminal streams of a chosen size (ink-testing-
// library's stdout is fixed at 100 columns with no rows), frames captured per render, and
// helpers to wait for a frame or a condition.

import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import { ConsoleStore, type ConsoleStoreOptions } from '../../tui/console-store.js';
import { Dashboard } from '../../tui/Dashboard.js';
import type { CommandHelp } from '../../tui/types.js';
import { FakeBackend } from './fake-backend.js';

export class FakeStdout extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  bytes = 0;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (chunk: string): boolean => {
    this.frames.push(chunk);
    this.bytes += Buffer.byteLength(chunk);
    return true;
  };
  lastFrame = (): string => this.frames[this.frames.length - 1] ?? '';
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  write = (data: string): void => {
    this.queue.push(data);
    this.emit('readable');
  };
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const COMMANDS: CommandHelp[] = [
  { usage: ':checkpoint [mode]', summary: 'copy the WAL into the database (passive, full, restart, truncate)' },
  { usage: ':verify [full]', summary: 'check checksums, or every invariant' },
  { usage: ':quit', summary: 'leave the console' },
];

export interface Rendered {
  store: ConsoleStore;
  backend: FakeBackend;
  stdout: FakeStdout;
  stdin: FakeStdin;
  instance: Instance;
  /** The last frame, trimmed of trailing blanks on each line. */
  frame(): string;
  /** Write input as the terminal would deliver it, then let the dashboard render. */
  type(data: string): Promise<void>;
  cleanup(): void;
}

export interface RenderOptions extends Partial<Omit<ConsoleStoreOptions, 'backend'>> {
  columns?: number;
  rows?: number;
  backend?: FakeBackend;
  color?: boolean;
  /** debug=true writes every frame whole (easy to read); false measures real terminal bytes. */
  debug?: boolean;
  /** Poll metrics once before the first frame. Default true. */
  withSnapshot?: boolean;
  title?: string;
}

export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function renderDashboard(options: RenderOptions = {}): Promise<Rendered> {
  const backend = options.backend ?? new FakeBackend();
  const stdout = new FakeStdout(options.columns ?? 80, options.rows ?? 24);
  const stdin = new FakeStdin();
  const { columns: _c, rows: _r, backend: _b, color, debug, withSnapshot, title, ...storeOptions } = options;
  const store = new ConsoleStore({ backend, ...storeOptions });
  if (withSnapshot ?? true) await store.pollOnce();
  const instance = render(<Dashboard store={store} title={title ?? 'ombra'} commands={COMMANDS} color={color ?? false} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(80, 24) as unknown as NodeJS.WriteStream,
    debug: debug ?? true,
    exitOnCtrlC: false,
    patchConsole: false,
    incrementalRendering: true,
  });
  await tick(5);
  return {
    store,
    backend,
    stdout,
    stdin,
    instance,
    frame: () => stdout.lastFrame().replace(/[ \t]+$/gm, ''),
    type: async (data: string) => {
      stdin.write(data);
      await tick(5);
    },
    cleanup: () => {
      store.stop();
      instance.unmount();
      instance.cleanup();
    },
  };
}

/** Wait until `check` passes (polling every 5 ms), or fail with its last error. */
export async function waitFor(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await tick(5);
    }
  }
}

/** ESC sequences that set colours or styles. */
export const SGR = /\u001b\[[0-9;]*m/;
