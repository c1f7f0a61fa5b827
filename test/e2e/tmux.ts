// A real terminal for end-to-end tests: a private tmux server (its own socket, no user
// config) whose panes run the CLI. Tests type with send-keys and read the screen with
// capture-pane, polling until the text they wait for appears (never a fixed sleep alone).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** True when a tmux binary answers `tmux -V`. */
export function tmuxAvailable(): boolean {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return probe.status === 0;
}

export interface PaneOptions {
  /** Terminal size of the pane. */
  columns: number;
  rows: number;
  /** The shell command the pane runs (sh -c). */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export class TmuxServer {
  private readonly socket: string;
  private sessions = 0;

  /** A server whose socket lives in `dir` (a short temporary directory). */
  constructor(
    dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.socket = join(dir, 'tmux.sock');
  }

  /** Run tmux on this server; throws with tmux's own words when it fails. */
  tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: this.env });
    if (result.error) throw new Error(`tmux could not run (${result.error.message}); install tmux (.ci/run does)`);
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed (${result.status}): ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** Start a detached session running `command` in a pane of the given size. */
  open(options: PaneOptions): Pane {
    const name = `t${++this.sessions}`;
    const env = Object.entries(options.env).flatMap(([key, value]) => (value === undefined ? [] : ['-e', `${key}=${value}`]));
    this.tmux('new-session', '-d', '-s', name, '-x', String(options.columns), '-y', String(options.rows), '-c', options.cwd, ...env, options.command);
    return new Pane(this, name);
  }

  /** Stop the server and every pane it still runs. */
  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { encoding: 'utf8' });
  }
}

export class Pane {
  constructor(
    private readonly server: TmuxServer,
    readonly name: string,
  ) {}

  /** The visible screen as plain text (capture-pane strips escape codes). */
  screen(): string {
    return this.server.tmux('capture-pane', '-p', '-t', this.name);
  }

  /**
   * Type `text` literally, then Enter. tmux reads a trailing ';' of an argument as its own
   * command separator, so a final ';' is sent escaped.
   */
  typeLine(text: string): void {
    const literal = text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text;
    this.server.tmux('send-keys', '-t', this.name, '-l', literal);
    this.server.tmux('send-keys', '-t', this.name, 'Enter');
  }

  /** Press named keys (tmux names: Tab, Escape, C-c, F1). */
  keys(...names: string[]): void {
    this.server.tmux('send-keys', '-t', this.name, ...names);
  }

  /**
   * Poll the screen until `test` matches it; resolves to that screen. On timeout, fails with
   * what the screen showed, so a failure explains itself.
   */
  async waitFor(test: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 20_000): Promise<string> {
    const matches = typeof test === 'function' ? test : (screen: string) => test.test(screen);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      try {
        screen = this.screen();
      } catch (error) {
        throw new Error(`waiting for ${what}: the pane is gone (${(error as Error).message}); last screen:\n${screen}`);
      }
      if (matches(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`waiting for ${what}: not seen within ${timeoutMs} ms; the screen shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Poll `probe` until it returns a value (not undefined), or fail after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waiting for ${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
