// The stream the dashboard draws through (tui/ink-stdout.ts) corrects ink 6.8's incremental
// renderer. Checked on a small virtual terminal that interprets what ink writes (cursor
// moves, erases, text, newlines with the tty's CR LF): after many frames the screen must show
// the last frame, header on the first row, once. The same run on the bare stream tears (the
// control: when ink fixes its renderer, that assertion fails and the correction can go).
// First: ink must load outside CI mode, as in the console (outside-ci.ts).
import { restoreCi } from './outside-ci.js';
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { DASHBOARD_RENDER_OPTIONS } from '../../tui/app.js';
import { ConsoleStore } from '../../tui/console-store.js';
import { Dashboard } from '../../tui/Dashboard.js';
import { correctFrame, endsBelowFrame, inkStdout, isControlOnly } from '../../tui/ink-stdout.js';
import { FakeBackend } from './fake-backend.js';
import { COMMANDS, FakeStdin, tick } from './harness.js';

restoreCi();

/** Enough of a VT100 for what ink writes. */
class VirtualTerminal extends EventEmitter {
  isTTY = true;
  private screen: string[][];
  private row = 0;
  private col = 0;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
    this.screen = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
  }

  write = (chunk: string): boolean => {
    const pattern = /\u001b\[([0-9;?]*)([A-Za-z])|\n|\r|[^\u001b\n\r]/gu;
    for (const match of chunk.matchAll(pattern)) {
      const [token, params, final] = match;
      if (token === '\n') this.lineFeed();
      else if (token === '\r') this.col = 0;
      else if (final !== undefined) this.csi(params ?? '', final);
      else this.put(token);
    }
    return true;
  };

  lines(): string[] {
    return this.screen.map((line) => line.join('').trimEnd());
  }

  private csi(params: string, final: string): void {
    if (params.startsWith('?') || final === 'm') return; // modes, colours
    const n = params === '' ? 1 : Number(params.split(';')[0]);
    switch (final) {
      case 'A':
        this.row = Math.max(0, this.row - Math.max(1, n));
        return;
      case 'B':
        this.row = Math.min(this.rows - 1, this.row + Math.max(1, n));
        return;
      case 'E':
        this.row = Math.min(this.rows - 1, this.row + Math.max(1, n));
        this.col = 0;
        return;
      case 'G':
        this.col = Math.min(this.columns - 1, Math.max(1, n) - 1);
        return;
      case 'H':
        this.row = 0;
        this.col = 0;
        return;
      case 'K': {
        const line = this.screen[this.row]!;
        const from = params === '2' ? 0 : params === '1' ? 0 : this.col;
        const to = params === '1' ? this.col + 1 : this.columns;
        for (let i = from; i < to; i++) line[i] = ' ';
        return;
      }
      case 'J':
        for (const line of this.screen) line.fill(' ');
        return;
      default:
        throw new Error(`the virtual terminal does not know CSI ${params}${final}`);
    }
  }

  private lineFeed(): void {
    // The tty turns '\n' into CR LF (onlcr); at the bottom the screen scrolls.
    this.col = 0;
    if (this.row < this.rows - 1) this.row++;
    else this.screen.push(this.screen.shift()!.fill(' '));
  }

  private put(ch: string): void {
    if (this.col < this.columns) this.screen[this.row]![this.col] = ch;
    this.col++;
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Draw the dashboard for a while (typing, new snapshots) and return the screen. */
async function drawFrames(corrected: boolean): Promise<string[]> {
  const terminal = new VirtualTerminal(80, 24);
  const backend = new FakeBackend();
  const store = new ConsoleStore({ backend });
  await store.pollOnce();
  const stdout = terminal as unknown as NodeJS.WriteStream;
  const instance = render(createElement(Dashboard, { store, title: 'ombra', commands: COMMANDS, color: true }), {
    stdout: corrected ? inkStdout(stdout) : stdout,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    stderr: new VirtualTerminal(80, 24) as unknown as NodeJS.WriteStream,
    patchConsole: false,
    ...DASHBOARD_RENDER_OPTIONS,
  });
  cleanups.push(() => {
    instance.unmount();
    instance.cleanup();
  });
  await tick(150);
  for (let i = 0; i < 6; i++) {
    backend.snapshot.uptimeSeconds += 1;
    backend.snapshot.takenAtMs += 1000;
    backend.snapshot.transactions.committedPerSecond = 10 + i;
    await store.pollOnce();
    await tick(150);
  }
  return terminal.lines();
}

/** A torn screen: the header is not on the first row, or a row label shows on two rows. */
function torn(screen: readonly string[]): boolean {
  if (!/^ombra · /.test(screen[0] ?? '')) return true;
  const labels = screen.map((line) => /^(ombra ·|tx\/s|reads\/s|writes\/s|WAL|Cache|Storage|Health|Jobs|── output|ombra>)/.exec(line)?.[1]).filter(Boolean);
  return new Set(labels).size !== labels.length;
}

describe('the corrected stream', () => {
  it('keeps the frame in place across incremental frames: header on the first row, once', async () => {
    const screen = await drawFrames(true);
    if (torn(screen)) console.error(`torn screen:\n${screen.join('\n')}`);
    expect(torn(screen)).toBe(false);
    expect(screen[0]).toMatch(/^ombra · /);
    expect(screen.filter((line) => /^ombra · /.test(line))).toHaveLength(1);
    expect(screen[21]).toMatch(/^ombra>/); // the input row, above the status line
    expect(screen.join('\n')).toContain('15'); // the last snapshot's tx/s
  });

  it('control: the bare stream tears (ink 6.8 moves one line too few)', async () => {
    expect(torn(await drawFrames(false))).toBe(true);
  });

  it('corrects only the cursor-up of an incremental frame after a frame that ended below itself', () => {
    const frame = '\u001b[?25l\u001b[2B\u001b[1G\u001b[22A\u001b[1Gheader\u001b[K\n\u001b[E\u001b[E';
    expect(correctFrame(frame, true)).toBe('\u001b[?25l\u001b[2B\u001b[1G\u001b[23A\u001b[1Gheader\u001b[K\n\u001b[E\u001b[E');
    expect(correctFrame(frame, false)).toBe(frame);
    // Other branches start by erasing or with text: untouched.
    expect(correctFrame('\u001b[2K\u001b[1A\u001b[2K\u001b[Gtext\n', true)).toBe('\u001b[2K\u001b[1A\u001b[2K\u001b[Gtext\n');
    expect(correctFrame('header\n', true)).toBe('header\n');
  });

  it('knows where a frame leaves the cursor, and which writes draw nothing', () => {
    expect(endsBelowFrame('a\nb\n')).toBe(true);
    expect(endsBelowFrame('a\nb\n\u001b[2A\u001b[8G\u001b[?25h')).toBe(true);
    expect(endsBelowFrame('\u001b[E\u001b[E\u001b[2A\u001b[8G\u001b[?25h')).toBe(true);
    expect(endsBelowFrame('a\nb')).toBe(false);
    expect(isControlOnly('\u001b[?2026h')).toBe(true);
    expect(isControlOnly('\u001b[?25l\u001b[2B\u001b[1G\u001b[2A\u001b[12G\u001b[?25h')).toBe(true);
    expect(isControlOnly('\u001b[E')).toBe(true);
    expect(isControlOnly('x')).toBe(false);
    expect(isControlOnly('\n')).toBe(false);
  });

  it('passes size, TTY-ness and events through', () => {
    const terminal = new VirtualTerminal(100, 30);
    const proxied = inkStdout(terminal as unknown as NodeJS.WriteStream);
    expect(proxied.columns).toBe(100);
    expect(proxied.rows).toBe(30);
    expect(proxied.isTTY).toBe(true);
    let resized = false;
    proxied.on('resize', () => (resized = true));
    terminal.emit('resize');
    expect(resized).toBe(true);
  });
});
