// The REPL inside the dashboard, driven through stdin the way a terminal delivers keys:
// one key per write when typed slowly, many keys per write when pasted or typed fast.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleStore } from '../../tui/console-store.js';
import { Dashboard } from '../../tui/Dashboard.js';
import { HistoryFile } from '../../tui/history-file.js';
import { lineText } from '../../tui/lines.js';
import { FakeBackend } from './fake-backend.js';
import { COMMANDS, renderDashboard, tick, waitFor, type Rendered } from './harness.js';

const UP = '\u001b[A';
const DOWN = '\u001b[B';
const LEFT = '\u001b[D';
const HOME = '\u001b[H';
const END = '\u001b[F';
const DELETE = '\u001b[3~';
const BACKSPACE = '\u007f';
const CTRL = (letter: string): string => String.fromCharCode(letter.charCodeAt(0) - 96);

let open: Rendered[] = [];
afterEach(() => {
  for (const r of open) r.cleanup();
  open = [];
});

async function dashboard(options: Parameters<typeof renderDashboard>[0] = {}): Promise<Rendered> {
  const r = await renderDashboard(options);
  open.push(r);
  return r;
}

/** The input line(s) of the frame: the prompt lines just above the status line. */
function inputOf(frame: string): string[] {
  const lines = frame.replace(/\n+$/, '').split('\n').map((l) => l.trimEnd());
  lines.pop(); // status line
  const input: string[] = [];
  while (lines.length > 0) {
    const line = lines.pop()!;
    if (!line.startsWith('ombra>') && !line.startsWith('  ...>')) break;
    input.unshift(line);
    if (line.startsWith('ombra>')) break;
  }
  return input;
}

describe('keys arriving together (ink-testing-library stdin)', () => {
  function mount(backend = new FakeBackend()) {
    const store = new ConsoleStore({ backend });
    const ui = render(<Dashboard store={store} title="ombra" commands={COMMANDS} color={false} />);
    return { store, backend, ...ui };
  }

  it("runs 'RETURN 1;⏎' written as one chunk exactly once, with its text", async () => {
    const { backend, stdin, lastFrame, unmount } = mount();
    await tick(5);
    stdin.write('RETURN 1;\r');
    await waitFor(() => expect(backend.runs).toEqual(['RETURN 1;']));
    await waitFor(() => expect(lastFrame()).toContain('1 row, 0.8 ms'));
    expect(lastFrame()).toContain('ombra> RETURN 1;');
    expect(inputOf(lastFrame() ?? '')).toEqual(['ombra>']);
    unmount();
  });

  it('runs a three-statement paste as three runs, in order, with the right text', async () => {
    const backend = new FakeBackend().on('RETURN 1;', { delayMs: 30, events: [{ kind: 'text', text: 'first-output', stream: 'out' }] });
    const { store, stdin, unmount } = mount(backend);
    await tick(5);
    stdin.write('RETURN 1;\nRETURN 2;\nRETURN 3;\n');
    await waitFor(() => expect(backend.runs).toEqual(['RETURN 1;', 'RETURN 2;', 'RETURN 3;']));
    await waitFor(() => {
      // The whole scrollback, not just the lines on screen: each echo, then its output.
      const frame = store.scrollback.view(100, 1000, 0).lines.map(lineText).join('\n');
      const order = ['ombra> RETURN 1;', 'first-output', 'ombra> RETURN 2;', 'ombra> RETURN 3;'].map((t) => frame.indexOf(t));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });
    unmount();
  });

  it('runs a statement pasted over several lines once, newlines included', async () => {
    const { backend, stdin, unmount } = mount();
    await tick(5);
    stdin.write('MATCH (n:Person)\nWHERE n.age > 30\nRETURN n.name;\n');
    await waitFor(() => expect(backend.runs).toEqual(['MATCH (n:Person)\nWHERE n.age > 30\nRETURN n.name;']));
    unmount();
  });

  it('runs two statements typed on one line as two runs', async () => {
    const { backend, stdin, unmount } = mount();
    await tick(5);
    stdin.write('RETURN 1; RETURN 2;\r');
    await waitFor(() => expect(backend.runs).toEqual(['RETURN 1;', 'RETURN 2;']));
    unmount();
  });

  it('keeps the unfinished end of a paste in the buffer', async () => {
    const { store, backend, stdin, unmount } = mount();
    await tick(5);
    stdin.write('RETURN 1;\nMATCH (n)');
    await waitFor(() => expect(backend.runs).toEqual(['RETURN 1;']));
    expect(store.getState().editor.text).toBe('MATCH (n)');
    stdin.write('\r');
    await tick(5);
    expect(store.getState().editor.text).toBe('MATCH (n)\n');
    stdin.write(' RETURN n;\r');
    await waitFor(() => expect(backend.runs).toEqual(['RETURN 1;', 'MATCH (n)\n RETURN n;']));
    unmount();
  });

  it('handles a paste of commands mixed with statements', async () => {
    const { backend, stdin, unmount } = mount();
    await tick(5);
    stdin.write(':checkpoint truncate\nRETURN 1;\n:verify\n');
    await waitFor(() => expect(backend.runs).toEqual([':checkpoint truncate', 'RETURN 1;', ':verify']));
    unmount();
  });
});

describe('editing', () => {
  it('types, moves and edits like readline', async () => {
    const d = await dashboard();
    for (const ch of 'RETURN 12') await d.type(ch);
    expect(inputOf(d.frame())).toEqual(['ombra> RETURN 12']);
    await d.type(LEFT);
    await d.type(BACKSPACE);
    expect(d.store.getState().editor.text).toBe('RETURN 2');
    await d.type(HOME);
    await d.type(DELETE);
    expect(d.store.getState().editor.text).toBe('ETURN 2');
    await d.type('R');
    await d.type(END);
    await d.type(CTRL('w'));
    expect(d.store.getState().editor.text).toBe('RETURN ');
    await d.type('x');
    await d.type(CTRL('a'));
    await d.type(CTRL('k'));
    expect(d.store.getState().editor.text).toBe('');
    await d.type(CTRL('y'));
    expect(d.store.getState().editor.text).toBe('RETURN x');
    await d.type(CTRL('e'));
    await d.type(CTRL('u'));
    expect(d.store.getState().editor.text).toBe('');
  });

  it('continues an incomplete statement on a new line with a continuation prompt', async () => {
    const d = await dashboard();
    await d.type('MATCH (n)');
    await d.type('\r');
    expect(d.backend.runs).toEqual([]);
    await d.type('RETURN n');
    expect(inputOf(d.frame())).toEqual(['ombra> MATCH (n)', '  ...> RETURN n']);
    await d.type(';');
    await d.type('\r');
    await waitFor(() => expect(d.backend.runs).toEqual(['MATCH (n)\nRETURN n;']));
    expect(inputOf(d.frame())).toEqual(['ombra>']);
  });

  it('ignores Enter on a blank line and clears whitespace', async () => {
    const d = await dashboard();
    await d.type('\r');
    await d.type('   \r');
    expect(d.backend.runs).toEqual([]);
    expect(d.store.getState().editor.text).toBe('');
  });
});

describe('history', () => {
  it('walks submitted entries with ↑ and ↓', async () => {
    const d = await dashboard();
    await d.type('RETURN 1;\r');
    await d.type('RETURN 2;\r');
    await waitFor(() => expect(d.backend.runs).toHaveLength(2));
    await d.type('draft');
    await d.type(UP);
    expect(inputOf(d.frame())).toEqual(['ombra> RETURN 2;']);
    await d.type(UP);
    expect(inputOf(d.frame())).toEqual(['ombra> RETURN 1;']);
    await d.type(DOWN);
    await d.type(DOWN);
    expect(inputOf(d.frame())).toEqual(['ombra> draft']);
  });

  it('persists history across restarts in the history file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ombra-history-'));
    try {
      const path = join(dir, 'history');
      const first = new HistoryFile(path, 100);
      const d1 = await dashboard({ historyFile: first, initialHistory: await first.load() });
      await d1.type('RETURN 1;\r');
      await d1.type('MATCH (n)\rRETURN n;\r');
      await waitFor(() => expect(d1.backend.runs).toHaveLength(2));
      await first.flush();
      expect(readFileSync(path, 'utf8')).toBe('RETURN 1;\nMATCH (n)\\nRETURN n;\n');

      const second = new HistoryFile(path, 100);
      const d2 = await dashboard({ historyFile: second, initialHistory: await second.load() });
      await d2.type(UP);
      expect(d2.store.getState().editor.text).toBe('MATCH (n)\nRETURN n;');
      // ↑ first moves up inside the two-line entry, then on to the older entry.
      await d2.type(UP);
      await d2.type(UP);
      expect(d2.store.getState().editor.text).toBe('RETURN 1;');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('searches history with Ctrl-R and runs the match on Enter', async () => {
    const d = await dashboard({ initialHistory: ['MATCH (a) RETURN a;', 'RETURN 42;', ':checkpoint'] });
    await d.type(CTRL('r'));
    await d.type('RET');
    expect(d.frame()).toContain("(reverse-i-search)`RET': RETURN 42;");
    await d.type(CTRL('r'));
    expect(d.frame()).toContain("(reverse-i-search)`RET': MATCH (a) RETURN a;");
    await d.type('zz');
    expect(d.frame()).toContain("(failed reverse-i-search)`RETzz'");
    await d.type(BACKSPACE);
    await d.type(BACKSPACE);
    await d.type('\r');
    await waitFor(() => expect(d.backend.runs).toEqual(['RETURN 42;']));
  });

  it('prints the history with :history without calling the engine', async () => {
    const d = await dashboard({ initialHistory: ['RETURN 1;'] });
    await d.type(':history\r');
    await waitFor(() => expect(d.frame()).toMatch(/1 {2}RETURN 1;\n\s*2 {2}:history/));
    expect(d.backend.runs).toEqual([]);
  });
});

describe('completion', () => {
  it('shows candidates when several match, inserts their common prefix, completes a single one', async () => {
    const backend = new FakeBackend();
    backend.completions = (line, cursor) => {
      const word = /[\w:]*$/.exec(line.slice(0, cursor))![0];
      const all = ['MATCH', 'MAX', 'MERGE', ':checkpoint', ':check-later'];
      return { items: all.filter((w) => w.toLowerCase().startsWith(word.toLowerCase())), start: cursor - word.length };
    };
    const d = await dashboard({ backend });
    await d.type('MA');
    await d.type('\t');
    await waitFor(() => expect(d.frame()).toContain('MATCH  MAX'));
    expect(d.store.getState().editor.text).toBe('MA');
    await d.type('T');
    expect(d.frame()).not.toContain('MATCH  MAX');
    await d.type('\t');
    await waitFor(() => expect(d.store.getState().editor.text).toBe('MATCH'));
    await d.type(CTRL('u'));
    await d.type(':ch');
    await d.type('\t');
    await waitFor(() => expect(d.store.getState().editor.text).toBe(':check'));
    expect(backend.completeCalls.at(-1)).toEqual({ line: ':ch', cursor: 3 });
  });

  it('drops a completion that arrives after the buffer changed', async () => {
    const backend = new FakeBackend();
    backend.completions = () => ({ items: ['MATCH'], start: 0 });
    const d = await dashboard({ backend });
    d.stdin.write('MA\t');
    d.stdin.write('X');
    await tick(20);
    expect(d.store.getState().editor.text).toBe('MAX');
  });
});

describe('running, queueing and cancelling', () => {
  it('queues Enter while a statement runs, keeps the input editable, runs the queue in order', async () => {
    const backend = new FakeBackend().on('SLOW;', { slow: true });
    const d = await dashboard({ backend });
    await d.type('SLOW;\r');
    await d.type('RETURN 2;\r');
    await d.type('RETURN 3');
    await waitFor(() => expect(d.frame()).toContain('1 queued'));
    expect(d.frame()).toMatch(/running 0s/);
    expect(inputOf(d.frame())).toEqual(['ombra> RETURN 3']);
    expect(backend.runs).toEqual(['SLOW;']);
    backend.release();
    await waitFor(() => expect(backend.runs).toEqual(['SLOW;', 'RETURN 2;']));
  });

  it('cancels the running statement on Ctrl-C, says so, and drops the queue', async () => {
    const backend = new FakeBackend().on('SLOW;', { slow: true });
    backend.cancelDelayMs = 50;
    const d = await dashboard({ backend });
    await d.type('SLOW;\r');
    await d.type('RETURN 2;\r');
    await d.type(CTRL('c'));
    expect(backend.cancels).toBe(1);
    await waitFor(() => expect(d.frame()).toContain('cancelling…'));
    expect(d.frame()).toContain('1 queued statement dropped');
    await waitFor(() => expect(d.frame()).toContain('✖ error CANCELLED: the statement was cancelled'));
    await tick(20);
    expect(backend.runs).toEqual(['SLOW;']);
    expect(d.store.getState().exitCode).toBeNull();
  });

  it('keeps refreshing metrics while a statement runs', async () => {
    const backend = new FakeBackend().on('SLOW;', { slow: true });
    const d = await dashboard({ backend, refreshMs: 250 });
    d.store.start();
    await d.type('SLOW;\r');
    const before = backend.metricsCalls;
    backend.snapshot.transactions.committedPerSecond = 987;
    await waitFor(() => expect(d.frame()).toMatch(/tx\/s +987/), 2000);
    await tick(600);
    expect(backend.metricsCalls - before).toBeGreaterThanOrEqual(3);
    expect(backend.busy).toBe(true);
    backend.release();
  });

  it('shows an error with its caret under the offending column', async () => {
    const backend = new FakeBackend().on('MATCH (n) RETRUN n;', {
      events: [{ kind: 'error', code: 'SYNTAX', message: "Invalid input 'RETRUN' at line 1, column 11", line: 1, column: 11, excerpt: 'MATCH (n) RETRUN n;\n          ^' }],
      outcome: { ok: false },
    });
    const d = await dashboard({ backend });
    await d.type('MATCH (n) RETRUN n;\r');
    await waitFor(() => expect(d.frame()).toContain('✖ error SYNTAX'));
    const lines = d.frame().split('\n');
    const source = lines.findIndex((l) => l === '  MATCH (n) RETRUN n;');
    expect(lines[source + 1]!.indexOf('^')).toBe(lines[source]!.indexOf('RETRUN'));
  });

  it('reports a backend failure and goes on with the queue', async () => {
    const backend = new FakeBackend().on('BOOM;', { fail: new Error('worker exited') });
    const d = await dashboard({ backend });
    await d.type('BOOM; RETURN 2;\r');
    await waitFor(() => expect(backend.runs).toEqual(['BOOM;', 'RETURN 2;']));
    await waitFor(() => expect(d.frame()).toContain('✖ error INTERNAL: the engine failed to run this: worker exited'));
  });
});

describe('exiting', () => {
  it('exits on :quit without sending it to the engine', async () => {
    const d = await dashboard();
    await d.type(':quit\r');
    expect(await d.store.whenExit()).toBe(0);
    expect(d.backend.runs).toEqual([]);
  });

  it('runs what was queued before :quit, then exits', async () => {
    const d = await dashboard();
    await d.type('RETURN 1;\n:quit\n');
    expect(await d.store.whenExit()).toBe(0);
    expect(d.backend.runs).toEqual(['RETURN 1;']);
  });

  it('exits on a second Ctrl-C within 2 s on an empty prompt, after a hint', async () => {
    const d = await dashboard();
    await d.type(CTRL('c'));
    expect(d.frame()).toContain('press Ctrl-C again or type :quit to exit');
    expect(d.store.getState().exitCode).toBeNull();
    await d.type(CTRL('c'));
    expect(d.store.getState().exitCode).toBe(0);
  });

  it('does not exit when the second Ctrl-C comes late, or after another key', async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset, setTimeout: (f: () => void, ms: number) => setTimeout(f, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
    const d = await dashboard({ clock });
    await d.type(CTRL('c'));
    offset = 2500;
    await d.type(CTRL('c'));
    expect(d.store.getState().exitCode).toBeNull();
    await d.type('x');
    await d.type(CTRL('c'));
    expect(d.store.getState().editor.text).toBe('');
    await d.type(CTRL('c'));
    expect(d.store.getState().exitCode).toBeNull();
  });

  it('exits on Ctrl-D on an empty prompt; Ctrl-D elsewhere deletes forward', async () => {
    const d = await dashboard();
    await d.type('ab');
    await d.type(LEFT);
    await d.type(CTRL('d'));
    expect(d.store.getState().editor.text).toBe('a');
    await d.type(CTRL('u'));
    await d.type(CTRL('d'));
    expect(d.store.getState().exitCode).toBe(0);
  });
});

describe('focus and panel keys', () => {
  it('Tab on an empty line gives the panels focus: p, +, - and q are commands there', async () => {
    const d = await dashboard();
    await d.type('\t');
    expect(d.store.getState().focus).toBe('panels');
    expect(d.frame()).toContain('[panels]');
    await d.type('p');
    expect(d.frame()).toContain('PAUSED');
    await d.type('+');
    expect(d.frame()).toContain('refresh 2s');
    await d.type('-');
    await d.type('-');
    expect(d.frame()).toContain('refresh 500ms');
    await d.type('\t');
    expect(d.store.getState().focus).toBe('repl');
    await d.type('p+?q');
    expect(d.store.getState().editor.text).toBe('p+?q');
    expect(d.store.getState().helpOpen).toBe(false);
    await d.type(CTRL('u'));
    await d.type('?'); // on an empty line, the help key
    expect(d.store.getState().helpOpen).toBe(true);
    await d.type('?');
    expect(d.store.getState().helpOpen).toBe(false);
    expect(d.store.getState().editor.text).toBe('');
    await d.type('\t');
    await d.type('q');
    expect(d.store.getState().exitCode).toBe(0);
  });

  it('runs panel keys typed fast in order, but ignores a paste that holds other keys', async () => {
    const d = await dashboard();
    await d.type('\t');
    await d.type('p++');
    expect(d.store.getState().paused).toBe(true);
    expect(d.store.getState().refreshMs).toBe(5000);
    await d.type('MATCH (q) RETURN q;');
    expect(d.store.getState().exitCode).toBeNull();
    expect(d.store.getState().paused).toBe(true);
    expect(d.frame()).toContain('press Tab to type in the REPL');
  });

  it('binds the app extra keys when the panels have focus', async () => {
    let toggles = 0;
    const d = await dashboard({ rows: 60, extraKeys: [{ key: 'w', label: 'toggle the demo workload', run: () => void toggles++ }] });
    await d.type('w');
    expect(toggles).toBe(0);
    await d.type(BACKSPACE);
    await d.type('\t');
    await d.type('w');
    expect(toggles).toBe(1);
    await d.type('?');
    expect(d.frame()).toContain('toggle the demo workload');
  });

  it('pages through output with PgUp and PgDn', async () => {
    const d = await dashboard();
    for (let i = 0; i < 60; i++) d.store.print(`output line ${i}`);
    await tick(5);
    expect(d.frame()).toContain('output line 59');
    await d.type('\u001b[5~');
    expect(d.frame()).not.toContain('output line 59');
    expect(d.frame()).toMatch(/── output · \d+ lines up · PgDn/);
    await d.type('\u001b[6~');
    expect(d.frame()).toContain('output line 59');
  });
});
