// The dashboard at the sizes operators have: wide, 80×24, smaller, tiny; resizing; NO_COLOR.

import { afterEach, describe, expect, it, vi } from 'vitest';

// Make the colour library emit colour even though the test's stdout is not a terminal, so
// the NO_COLOR test can fail if anything styles text. Must run before ink is imported.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
  process.env.TZ = 'UTC';
});

import { computeLayout } from '../../tui/layout.js';
import { displayWidth } from '../../tui/text-width.js';
import { FakeBackend } from './fake-backend.js';
import { degradedSnapshot, jobsSnapshot } from './fixtures.js';
import { renderDashboard, SGR, waitFor, type Rendered } from './harness.js';

let open: Rendered[] = [];
afterEach(() => {
  for (const r of open) r.cleanup();
  open = [];
});

async function at(columns: number, rows: number, options: Parameters<typeof renderDashboard>[0] = {}): Promise<Rendered> {
  const r = await renderDashboard({ columns, rows, ...options });
  open.push(r);
  return r;
}

function checkFits(frame: string, columns: number, rows: number): string[] {
  const lines = frame.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(Math.max(1, rows - 1));
  for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
  return lines;
}

describe('layout', () => {
  it.each([
    [120, 40],
    [80, 24],
    [60, 16],
    [40, 10],
  ])('draws %i×%i within the terminal with the status word and the prompt', async (columns, rows) => {
    const backend = new FakeBackend();
    backend.snapshot = degradedSnapshot();
    const d = await at(columns, rows, { backend });
    const lines = checkFits(d.frame(), columns, rows);
    expect(lines.length).toBe(rows - 1);
    expect(d.frame()).toContain('Degraded');
    expect(d.frame()).toContain('ombra>');
  });

  it('fits the essentials at 80×24: header, throughput, latency, WAL, cache, health, jobs, output, input', async () => {
    const backend = new FakeBackend();
    backend.snapshot = jobsSnapshot();
    const d = await at(80, 24, { backend });
    const frame = d.frame();
    for (const text of ['/var/lib/ombra/graph.db', 'tx/s', 'reads/s', 'writes/s', 'p99', 'WAL', 'Cache', 'Health', '▶ backup', '── output', 'ombra>', 'Tab: panels']) {
      expect(frame).toContain(text);
    }
  });

  it('gives wide terminals framed panels in two columns and wider sparklines', async () => {
    const wide = await at(120, 40);
    const standard = await at(80, 24);
    expect(wide.frame()).toMatch(/╭─ Throughput · last 5m ─+╮╭─ Health ─+╮/);
    expect(wide.frame()).toContain('Alerts');
    const spark = (frame: string): number => Math.max(...frame.split('\n').map((l) => (/[▁▂▃▄▅▆▇█]+/.exec(l)?.[0].length ?? 0)));
    expect(spark(wide.frame())).toBeGreaterThan(spark(standard.frame()));
  });

  it('never throws at tiny sizes and always keeps the input line', async () => {
    for (const [columns, rows] of [
      [20, 3],
      [10, 2],
      [1, 1],
      [79, 24],
      [200, 23],
    ] as const) {
      const d = await at(columns, rows);
      checkFits(d.frame(), columns, rows);
      if (columns >= 10) expect(d.frame()).toContain('ombra');
    }
  });

  it('follows terminal resizes', async () => {
    const d = await at(120, 40);
    expect(d.frame()).toContain('╭─ Throughput');
    d.stdout.resize(60, 16);
    await waitFor(() => expect(d.frame()).toMatch(/^● Healthy · tx\/s 142/));
    checkFits(d.frame(), 60, 16);
    d.stdout.resize(80, 24);
    await waitFor(() => expect(d.frame()).toContain('Health   ● Healthy'));
    checkFits(d.frame(), 80, 24);
  });

  it('keeps layouts inside the screen for every size up to 200×60', () => {
    for (let columns = 1; columns <= 200; columns += 7) {
      for (let rows = 1; rows <= 60; rows += 3) {
        for (const inputLines of [1, 3, 9]) {
          const l = computeLayout({ columns, rows, inputLines, completions: inputLines === 3, failingChecks: 4, runningJobs: 3, alerts: 5 });
          const used = l.header + l.summary + l.panelArea + l.separator + l.scrollback + l.completions + l.input + l.status;
          expect(used, `${columns}×${rows}`).toBeLessThanOrEqual(Math.max(1, rows - 1));
          expect(l.input).toBeGreaterThanOrEqual(1);
          for (const p of l.panels) expect(p.x + p.width).toBeLessThanOrEqual(columns);
        }
      }
    }
  });
});

describe('colour', () => {
  it('uses no colour or style at all under NO_COLOR, and still says what it means', async () => {
    const backend = new FakeBackend();
    backend.snapshot = degradedSnapshot();
    backend.on('BAD;', { events: [{ kind: 'error', code: 'SYNTAX', message: 'bad', excerpt: 'BAD;\n^' }], outcome: { ok: false } });
    const d = await at(120, 40, { backend, color: false });
    await d.type('BAD;\r');
    await waitFor(() => expect(d.frame()).toContain('✖ error SYNTAX: bad'));
    const written = d.stdout.frames.join('');
    expect(written).not.toMatch(SGR);
    expect(d.frame()).toContain('▲ Degraded');
    expect(d.frame()).toContain('ERROR IO_NO_SPACE');
  });

  it('colours status when colour is on (so the NO_COLOR test can fail)', async () => {
    const d = await at(120, 40, { color: true });
    expect(d.stdout.frames.join('')).toMatch(SGR);
  });
});

describe('help overlay', () => {
  it('lists keys and the commands given by the app, and closes with Esc', async () => {
    const d = await at(100, 50);
    await d.type('\u001bOP');
    const frame = d.frame();
    expect(frame).toContain('Help · Esc closes');
    expect(frame).toContain('Ctrl-R');
    expect(frame).toContain('+ / -');
    expect(frame).toContain(':checkpoint [mode]');
    expect(frame).toContain('copy the WAL into the database');
    await d.type('\u001b');
    await waitFor(() => expect(d.frame()).not.toContain('Help · Esc closes'));
  });

  it('scrolls on a small terminal', async () => {
    const d = await at(80, 24);
    await d.type('\t');
    await d.type('?');
    expect(d.frame()).toMatch(/lines 1-\d+ of \d+/);
    for (let i = 0; i < 4; i++) await d.type('\u001b[6~');
    expect(d.frame()).toContain(':quit');
    expect(d.frame()).not.toContain('Anywhere');
    // Scrolling stops at the end, so two pages up are back at the top.
    await d.type('\u001b[5~');
    await d.type('\u001b[5~');
    expect(d.frame()).toContain('Anywhere');
  });
});

describe('panel selection', () => {
  it('selects a panel with the arrows and expands it with Enter', async () => {
    const backend = new FakeBackend();
    backend.snapshot = degradedSnapshot();
    const d = await at(80, 24, { backend });
    await d.type('\t');
    for (let i = 0; i < 8; i++) await d.type('\u001b[B');
    expect(d.store.getState().selectedPanel).toBe('alerts');
    await d.type('\r');
    expect(d.frame()).toMatch(/╭─ ▶ Alerts · 2/);
    expect(d.frame()).toContain('slow commit: 812 ms');
    await d.type('\u001b');
    expect(d.store.getState().expandedPanel).toBeNull();
  });
});
