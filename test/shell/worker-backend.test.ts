// The dashboard's backend: the engine in a worker thread (needs the compiled worker in dist/,
// which the test global setup builds). The UI thread stays free while a statement computes,
// Ctrl-C reaches a busy statement through the shared flag, rows flow under flow control, and
// a dead worker is reported.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OmbraError } from '../../src/errors.js';
import { commandHelp } from '../../shell/admin/registry.js';
import type { OutputEvent } from '../../shell/protocol.js';
import { WorkerBackend, type WorkerBackendOptions } from '../../shell/worker-backend.js';
import { tempDir } from '../support/cli.js';

const workerUrl = new URL('../../dist/shell/engine-worker.js', import.meta.url);
const built = existsSync(workerUrl);
if (!built) console.warn(`worker backend tests skipped: ${workerUrl.pathname} is missing (run npm run build)`);

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<WorkerBackendOptions> = {}): Promise<WorkerBackend> {
  const backend = await WorkerBackend.start({
    path: ':memory:',
    open: { logLevel: 'silent' },
    session: { timing: false, displayRowCap: 1000 },
    workerUrl,
    ...options,
  });
  cleanups.push(() => backend.close());
  return backend;
}

async function run(backend: WorkerBackend, input: string) {
  const events: OutputEvent[] = [];
  const outcome = await backend.run(input, (event) => {
    events.push(event);
  });
  return { outcome, events };
}

describe.skipIf(!built)('worker backend', () => {
  it('runs statements and :commands; rows arrive in order under flow control', async () => {
    const backend = await start();
    const { outcome, events } = await run(backend, 'UNWIND range(1, 5000) AS i RETURN i;');
    expect(outcome.ok).toBe(true);
    const cells = events.flatMap((e) => (e.kind === 'rows' ? e.cells : []));
    expect(cells).toHaveLength(5000);
    expect(cells.slice(0, 1000).map((row) => row[0])).toEqual(Array.from({ length: 1000 }, (_, i) => String(i + 1)));
    expect(events.at(-1)).toMatchObject({ kind: 'end', rowCount: 5000 });
    const checkpoint = await run(backend, ':checkpoint truncate');
    expect(checkpoint.events.some((e) => e.kind === 'report' && e.title === 'checkpoint')).toBe(true);
  });

  it('json and csv come as text for the dashboard, past the display cap only counted', async () => {
    const backend = await start({ session: { displayRowCap: 3, format: 'json' } });
    const { events } = await run(backend, 'UNWIND range(1, 10) AS i RETURN i;');
    const texts = events.filter((e): e is Extract<OutputEvent, { kind: 'text' }> => e.kind === 'text').map((e) => e.text);
    expect(texts[0]).toBe('{"i":1}\n{"i":2}\n{"i":3}');
    expect(texts.at(-1)).toBe('… 7 more rows not shown');
  });

  it('a failing statement is an error event and the worker goes on', async () => {
    const backend = await start();
    const failed = await run(backend, 'RETURN 1 +;');
    expect(failed.outcome.ok).toBe(false);
    expect(failed.events[0]).toMatchObject({ kind: 'error', code: 'SYNTAX', line: 1, column: 11 });
    expect((await run(backend, 'RETURN 1;')).outcome.ok).toBe(true);
  });

  it('cancel() stops a statement busy inside one operator, while the UI thread keeps ticking', async () => {
    const backend = await start();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const running = run(backend, 'UNWIND range(1, 10000000000) AS i WITH i WHERE i < 0 RETURN count(*);');
    await new Promise((resolve) => setTimeout(resolve, 300));
    backend.cancel();
    const { outcome, events } = await running;
    clearInterval(ticker);
    expect(outcome.ok).toBe(false);
    expect(events.find((e) => e.kind === 'error')).toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(ticks).toBeGreaterThan(10); // the UI thread was never blocked
    // A late cancel does not leak into the next statement (cancel-flag.ts F2).
    backend.cancel();
    expect((await run(backend, 'RETURN 1;')).outcome.ok).toBe(true);
  });

  it('serves completion and metrics snapshots', async () => {
    const backend = await start();
    await run(backend, 'CREATE (:Movie)-[:ACTED_IN]->(:Actor);');
    expect((await backend.complete('MATCH (m:Mo', 11)).items).toEqual(['Movie']);
    const snapshot = await backend.metrics();
    expect(snapshot.database.nodes).toBe(2);
    expect(snapshot.transactions.committedTotal).toBeGreaterThan(0);
  });

  it('hands over the :command help at start, so the UI thread need not load the admin commands', async () => {
    const backend = await start();
    expect(backend.commands).toEqual(commandHelp());
    expect(backend.commands.map((c) => c.usage.split(' ')[0])).toContain(':checkpoint');
  });

  it('an open failure rejects with the open error (exit 3 codes)', async () => {
    // (A database locked by another process: test/e2e/cli-shell.test.ts.)
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'not-a.db');
    writeFileSync(path, 'this is a text file, not a database '.repeat(400));
    const failure = await start({ path }).catch((error: OmbraError) => error);
    expect(failure).toMatchObject({ code: 'NOT_A_DATABASE' });
    expect((failure as OmbraError).exitCode).toBe(3);
  });

  it('a worker that dies is reported once and fails what was pending', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const module = join(dir, 'crash.mjs');
    writeFileSync(module, 'export function attachWorkerExtension() { return { actions: { crash: () => { setTimeout(() => process.exit(7), 10); return "bye"; } }, close: async () => {} }; }\n');
    const backend = await start({ extension: { module: pathToFileURL(module).href, options: null } });
    const crashes: OmbraError[] = [];
    backend.onCrash((error) => crashes.push(error));
    expect(await backend.action('crash')).toBe('bye');
    await vi.waitFor(() => expect(crashes).toHaveLength(1));
    await expect(backend.run('RETURN 1;', () => undefined)).rejects.toMatchObject({ code: 'SHELL_WORKER_CRASHED' });
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.message).toMatch(/exited unexpectedly with code 7/);
    await backend.close(); // closing a dead worker is fine
  });

  it('keeps the notes sent before anyone listens; later ones go to the listeners', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const module = join(dir, 'notes.mjs');
    writeFileSync(
      module,
      'export function attachWorkerExtension(host) { host.note("early"); return { actions: { say: () => { host.note("late"); return "said"; } }, close: async () => {} }; }\n',
    );
    const backend = await start({ extension: { module: pathToFileURL(module).href, options: null } });
    expect(backend.notes).toContain('early'); // sent before 'ready', as a demo graph that already exists does
    const heard: string[] = [];
    backend.onNote((text) => heard.push(text));
    expect(await backend.action('say')).toBe('said');
    await backend.metrics();
    expect(heard).toEqual(['late']);
    expect(backend.notes).not.toContain('late');
  });

  it('close() closes the database; later calls are refused', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'c.db');
    const backend = await start({ path });
    await run(backend, 'CREATE (:Kept);');
    await backend.close();
    await expect(backend.run('RETURN 1;', () => undefined)).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
    // The lock is released: the file opens again, with the data.
    const again = await start({ path });
    expect((await run(again, 'MATCH (k:Kept) RETURN count(k);')).events.find((e) => e.kind === 'rows')).toMatchObject({ cells: [['1']] });
  });
});
