// The redraw budget: an idle dashboard over SSH must write little. Renders with ink's real
// terminal output (incremental, throttled, colour on) into a fake 80×24 TTY and counts the
// bytes written over ten refreshes of an idle database.

import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // Real terminal output: ink writes nothing but static output when it believes it runs in CI,
  // and colour on makes the measure honest (escape codes are bytes too).
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.FORCE_COLOR = '1';
});

import { render } from 'ink';
import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import { ConsoleStore } from '../../tui/console-store.js';
import { Dashboard } from '../../tui/Dashboard.js';
import { inkStdout } from '../../tui/ink-stdout.js';
import { FakeBackend } from './fake-backend.js';
import { makeSnapshot } from './fixtures.js';
import { COMMANDS, FakeStdin, FakeStdout, tick } from './harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function idleSnapshot(): MetricsSnapshot {
  const s = makeSnapshot();
  s.transactions.committedPerSecond = 0;
  s.transactions.readsPerSecond = 0;
  s.transactions.writesPerSecond = 0;
  s.transactions.history = { committedPerSecond: new Array(300).fill(0), readsPerSecond: new Array(300).fill(0), writesPerSecond: new Array(300).fill(0) };
  return s;
}

/** Advance an idle snapshot by one second: clocks move, nothing else does. */
function nextSecond(s: MetricsSnapshot): void {
  s.takenAtMs += 1000;
  s.uptimeSeconds += 1;
  s.health.checkedAtMs += 1000;
}

async function measure(columns: number, rows: number): Promise<{ initial: number; idle: number; unchanged: number }> {
  const backend = new FakeBackend();
  backend.snapshot = idleSnapshot();
  const stdout = new FakeStdout(columns, rows);
  const store = new ConsoleStore({ backend });
  await store.pollOnce();
  const instance = render(<Dashboard store={store} title="ombra" commands={COMMANDS} color />, {
    stdout: inkStdout(stdout as unknown as NodeJS.WriteStream), // as tui/app.tsx draws
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(80, 24) as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    incrementalRendering: true,
    maxFps: 10,
  });
  cleanups.push(() => {
    instance.unmount();
    instance.cleanup();
  });
  await tick(150);
  const initial = stdout.bytes;
  for (let i = 0; i < 10; i++) {
    nextSecond(backend.snapshot);
    await store.pollOnce();
    await tick(150);
  }
  const idle = stdout.bytes - initial;
  const before = stdout.bytes;
  for (let i = 0; i < 3; i++) {
    await store.pollOnce();
    await tick(150);
  }
  return { initial, idle, unchanged: stdout.bytes - before };
}

describe('terminal cursor', () => {
  it('sits after the typed text on the input row, measured in cells, and hides when the panels have focus', async () => {
    const backend = new FakeBackend();
    const stdout = new FakeStdout(80, 24);
    const stdin = new FakeStdin();
    const store = new ConsoleStore({ backend });
    await store.pollOnce();
    const instance = render(<Dashboard store={store} title="ombra" commands={COMMANDS} color />, {
      stdout: inkStdout(stdout as unknown as NodeJS.WriteStream), // as tui/app.tsx draws
      stdin: stdin as unknown as NodeJS.ReadStream,
      stderr: new FakeStdout(80, 24) as unknown as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
      incrementalRendering: true,
      maxFps: 10,
    });
    cleanups.push(() => {
      instance.unmount();
      instance.cleanup();
    });
    await tick(150);
    // The last write, without the synchronized-output brackets around it.
    const tail = (): string => stdout.frames.slice(-3).join('').replace(/\u001b\[\?2026[hl]/g, '');
    // 23 lines drawn; the input is line 21 (status below it): 2 up from the bottom.
    stdin.write('ab名');
    await tick(150);
    expect(tail()).toMatch(/\u001b\[2A\u001b\[12G\u001b\[\?25h$/); // 'ombra> ' 7 + 'ab' 2 + '名' 2 = column 11
    stdin.write('\u001b[D');
    await tick(150);
    expect(tail()).toMatch(/\u001b\[10G\u001b\[\?25h$/);
    stdin.write('\u0015\u000b'); // Ctrl-U, Ctrl-K: empty line
    stdin.write('\t');
    await tick(150);
    expect(store.getState().focus).toBe('panels');
    expect(tail()).toContain('\u001b[?25l');
  });
});

describe('redraw budget', () => {
  it('writes little while idle at 80×24 and nothing when nothing shown changed', async () => {
    const { initial, idle, unchanged } = await measure(80, 24);
    console.log(`80×24: first frame ${initial} B; 10 idle refreshes ${idle} B (${(idle / 10).toFixed(0)} B/s at 1 s); 3 unchanged refreshes ${unchanged} B`);
    expect(initial).toBeGreaterThan(500);
    expect(idle).toBeLessThan(20_000);
    expect(unchanged).toBe(0);
  });

  it('stays within budget at 120×40', async () => {
    const { initial, idle } = await measure(120, 40);
    console.log(`120×40: first frame ${initial} B; 10 idle refreshes ${idle} B (${(idle / 10).toFixed(0)} B/s at 1 s)`);
    expect(idle).toBeLessThan(20_000);
  });
});
