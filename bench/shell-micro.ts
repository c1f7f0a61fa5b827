// The console's own costs (issue 7 benchmarks), printed, not asserted:
//
//   round trip   one statement through the shell against the engine call alone:
//                  engine      db.query(text)                          (the library API)
//                  line shell  LocalBackend.run -> ShellSession -> JSON lines printed to a sink
//                  dashboard   WorkerBackend.run: the same session in the engine worker, events
//                              posted back across the thread (what the dashboard waits for)
//                target: under 1 ms of overhead per statement (median)
//   idle redraw  bytes per second an idle dashboard writes to its terminal at the default
//                refresh (1 s), rendered by ink exactly as `ombra DB` renders it, over a real
//                idle database; target under 5 KB/s. Frame render time: ink's layout and
//                output per frame (onRender), plus the whole path from a metrics poll to
//                the bytes on the terminal.
//
//   npm run build && node dist/bench/shell-micro.js [--iterations N] [--seconds S]

import { EventEmitter } from 'node:events';
import { Database, MEMORY_PATH } from '../src/database.js';
import { LinePrinter } from '../shell/line-output.js';
import { LocalBackend } from '../shell/local-backend.js';
import type { ConsoleBackend } from '../shell/protocol.js';
import { WorkerBackend } from '../shell/worker-backend.js';
import { commandHelp } from '../shell/admin/registry.js';
import { DEFAULT_REFRESH_MS } from '../tui/types.js';

// Colour on, as on an operator's terminal (escape codes are bytes too): chalk decides when it
// loads, so ink and the dashboard are imported only after this (idleDashboard).
process.env.FORCE_COLOR = '1';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number`);
    process.exit(64);
  }
  return value;
}

const ITERATIONS = option('--iterations', 2000);
const SECONDS = option('--seconds', 10);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

const us = (ms: number): string => `${(ms * 1000).toFixed(1).padStart(8)} µs`;

// ── round trip ────────────────────────────────────────────────────────────────────────────

const SETUP = [
  'CREATE INDEX p_id IF NOT EXISTS FOR (p:P) ON (p.id)',
  "UNWIND range(0, 999) AS i CREATE (:P {id: i, name: 'person ' + toString(i), age: i % 80})",
];

const QUERIES: [string, string][] = [
  ['RETURN 1 (no graph)', 'RETURN 1 AS x'],
  ['index lookup, 1 row', 'MATCH (p:P {id: 500}) RETURN p.name AS name, p.age AS age'],
  ['scan, 100 rows', 'MATCH (p:P) WHERE p.id < 100 RETURN p.id AS id, p.name AS name'],
];

/** Discards output like /dev/null but through the line shell's printer (JSON lines). */
function nullPrinter(): LinePrinter {
  const sink = { write: () => true };
  return new LinePrinter(sink, sink, { format: () => 'json', summaries: () => false, progress: false });
}

async function timeEach(iterations: number, call: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

async function roundTrip(): Promise<void> {
  console.log(`── query round trip (${ITERATIONS} statements each, median and p95) ──`);
  const db = Database.open(MEMORY_PATH, { logLevel: 'silent', checkpointIntervalMs: 0 });
  for (const statement of SETUP) db.query(statement);
  const local = new LocalBackend(db, { format: 'json', timing: false, closeDatabase: false });
  const worker = await WorkerBackend.start({ path: MEMORY_PATH, open: { logLevel: 'silent', checkpointIntervalMs: 0 }, session: { format: 'json', timing: false, resultsAsText: false } });
  const printer = nullPrinter();
  for (const statement of SETUP) await worker.run(`${statement};`, () => undefined);
  const through = (backend: ConsoleBackend, text: string) => async (): Promise<void> => {
    const outcome = await backend.run(`${text};`, printer.sink(null));
    if (!outcome.ok) throw new Error(`${text} failed in the shell`);
  };
  let worst = 0;
  for (const [label, text] of QUERIES) {
    const modes: [string, () => unknown][] = [
      ['engine', () => db.query(text)],
      ['line shell', through(local, text)],
      ['dashboard', through(worker, text)],
    ];
    for (const [, call] of modes) await timeEach(Math.min(200, ITERATIONS), call); // warm up
    // Interleaved rounds, so drift in machine load falls on every mode alike.
    const samples = new Map<string, number[]>(modes.map(([name]) => [name, []]));
    const rounds = 10;
    for (let r = 0; r < rounds; r++) {
      for (const [name, call] of modes) samples.get(name)!.push(...(await timeEach(Math.ceil(ITERATIONS / rounds), call)));
    }
    const stats = new Map([...samples].map(([name, times]) => [name, times.sort((a, b) => a - b)]));
    const engine = percentile(stats.get('engine')!, 0.5);
    console.log(label);
    for (const [name, times] of stats) {
      const median = percentile(times, 0.5);
      const overhead = name === 'engine' ? '' : `   overhead ${us(median - engine)}`;
      if (name !== 'engine') worst = Math.max(worst, median - engine);
      console.log(`  ${name.padEnd(11)} median ${us(median)}  p95 ${us(percentile(times, 0.95))}${overhead}`);
    }
  }
  console.log(`worst median overhead ${us(worst).trim()} (target < 1000 µs): ${worst < 1 ? 'met' : 'NOT met'}`);
  await worker.close();
  await local.close();
  await db.close();
}

// ── idle dashboard ────────────────────────────────────────────────────────────────────────

/** A terminal for ink: counts bytes and the time of each write. */
class CountingTerminal extends EventEmitter {
  isTTY = true;
  bytes = 0;
  writes = 0;
  lastWriteAt = 0;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (chunk: string): boolean => {
    this.bytes += Buffer.byteLength(chunk);
    this.writes++;
    this.lastWriteAt = performance.now();
    return true;
  };
}

/** Keys nobody types: ink only needs a raw-mode capable stream. */
class SilentKeyboard extends EventEmitter {
  isTTY = true;
  read = (): null => null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

async function idleDashboard(columns: number, rows: number): Promise<void> {
  const { render } = await import('ink');
  const { createElement } = await import('react');
  const { DASHBOARD_RENDER_OPTIONS } = await import('../tui/app.js');
  const { inkStdout } = await import('../tui/ink-stdout.js');
  const { ConsoleStore } = await import('../tui/console-store.js');
  const { Dashboard } = await import('../tui/Dashboard.js');
  const db = Database.open(MEMORY_PATH, { logLevel: 'silent' });
  db.query("UNWIND range(1, 100) AS i CREATE (:P {id: i})");
  const backend = new LocalBackend(db, { timing: true });
  const store = new ConsoleStore({ backend, refreshMs: DEFAULT_REFRESH_MS });
  const terminal = new CountingTerminal(columns, rows);
  const renderTimes: number[] = [];
  const instance = render(createElement(Dashboard, { store, title: 'ombra', commands: commandHelp(), color: true }), {
    stdout: inkStdout(terminal as unknown as NodeJS.WriteStream),
    stdin: new SilentKeyboard() as unknown as NodeJS.ReadStream,
    stderr: new CountingTerminal(columns, rows) as unknown as NodeJS.WriteStream,
    patchConsole: false,
    ...DASHBOARD_RENDER_OPTIONS,
    onRender: ({ renderTime }) => renderTimes.push(renderTime),
  });
  store.start();
  // Let the first snapshot arrive and the first full frames settle.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const bytes0 = terminal.bytes;
  const writes0 = terminal.writes;
  renderTimes.length = 0;
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const bytes = terminal.bytes - bytes0;
  const frames = terminal.writes - writes0;
  store.stop();

  // Poll-to-terminal: a metrics poll that changes what is shown, until its bytes are written.
  const pollToWrite: number[] = [];
  for (let i = 0; i < 20; i++) {
    db.query('CREATE (:Q)'); // the node count changes, so the frame does
    const before = terminal.writes;
    const started = performance.now();
    await store.pollOnce();
    while (terminal.writes === before) await new Promise((resolve) => setTimeout(resolve, 1));
    pollToWrite.push(terminal.lastWriteAt - started);
    await new Promise((resolve) => setTimeout(resolve, 120)); // past ink's frame throttle
  }
  instance.unmount();
  instance.cleanup();
  await backend.close();

  const rate = bytes / SECONDS;
  const sortedRender = renderTimes.sort((a, b) => a - b);
  const sortedPoll = pollToWrite.sort((a, b) => a - b);
  console.log(`${columns}×${rows}: ${(rate / 1024).toFixed(2)} KB/s idle (${bytes} B in ${SECONDS} s, ${frames} writes; target < 5 KB/s: ${rate < 5 * 1024 ? 'met' : 'NOT met'})`);
  if (sortedRender.length > 0) {
    console.log(`  frame render (ink layout + output): median ${us(percentile(sortedRender, 0.5)).trim()}, p95 ${us(percentile(sortedRender, 0.95)).trim()} over ${sortedRender.length} frames`);
  }
  console.log(`  metrics poll to bytes on the terminal: median ${us(percentile(sortedPoll, 0.5)).trim()}, p95 ${us(percentile(sortedPoll, 0.95)).trim()}`);
}

await roundTrip();
console.log(`── idle dashboard (refresh ${DEFAULT_REFRESH_MS} ms, colour on, ${SECONDS} s each) ──`);
await idleDashboard(80, 24);
await idleDashboard(120, 40);
