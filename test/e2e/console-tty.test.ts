// The console in a real terminal (tmux provides the pseudo-terminal; .ci/run installs it):
// `ombra DB` opens the dashboard, answers a query with its rows, runs :checkpoint truncate
// and :verify, and :quit exits 0; a 60×16 terminal still answers a query (with CI set, which
// would make ink draw nothing until exit); statements piped in from a terminal session give
// clean JSON rows and the exit codes of DESIGN.md §7.
//
// Without tmux these tests are skipped on a developer machine, but in CI (CI set) they run
// and fail, saying tmux is missing: a terminal test that silently skips proves nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { TmuxServer, tmuxAvailable, waitUntil, type Pane } from './tmux.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/ombra.js');
const built = existsSync(join(root, 'dist/shell/cli.js'));
const hasTmux = tmuxAvailable();
const skip = !built || (!hasTmux && !process.env.CI);

const temp = tempDir('ombra-tty-');
const { CI: _ci, CONTINUOUS_INTEGRATION: _ci2, ...baseEnv } = process.env;
// No slow-operation warnings: their timing depends on the machine's load, not on the console.
const env: NodeJS.ProcessEnv = { ...baseEnv, OMBRA_HISTORY: '', NO_COLOR: '1', TERM: 'xterm-256color', LANG: 'C.UTF-8', OMBRA_SLOW_OPERATION_MS: '600000' };
const server = new TmuxServer(temp.dir, env);
afterAll(() => {
  server.kill();
  temp.cleanup();
});

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** A pane running `ombra ARGS`; its exit code lands in a file when it ends. */
function startConsole(name: string, args: string[], size: { columns: number; rows: number }, extraEnv: NodeJS.ProcessEnv = {}): { pane: Pane; exitCode: () => Promise<number> } {
  const exitFile = join(temp.dir, `${name}.exit`);
  const command = `${quote(process.execPath)} ${quote(bin)} ${args.map(quote).join(' ')}; echo $? > ${quote(exitFile)}`;
  const pane = server.open({ ...size, command, cwd: temp.dir, env: extraEnv });
  const exitCode = (): Promise<number> =>
    waitUntil(() => {
      if (!existsSync(exitFile)) return undefined;
      const text = readFileSync(exitFile, 'utf8');
      return text.endsWith('\n') ? Number(text.trim()) : undefined;
    }, `${name} to exit`);
  return { pane, exitCode };
}

/** The dashboard is up: the prompt shows and the first metrics arrived (health is drawn). */
const ready = (screen: string): boolean => /^ombra> *$/m.test(screen) && /Healthy|Degraded|Unhealthy/.test(screen);

describe.skipIf(skip)('the console in a real terminal (tmux)', () => {
  it('tmux is installed (CI must be able to run the terminal tests)', () => {
    expect(hasTmux, 'tmux is not installed: .ci/run installs it (apt-get install tmux)').toBe(true);
  });

  it('opens the dashboard, answers a query with rows, :checkpoint truncate, :verify, :quit exits 0', async () => {
    const db = join(temp.dir, 'console.db');
    const { pane, exitCode } = startConsole('console', [db], { columns: 100, rows: 30 });
    const first = await pane.waitFor(ready, 'the dashboard');
    expect(first).toContain(db); // the header names the database
    pane.typeLine("UNWIND range(1, 3) AS i CREATE (:Person {name: 'person-' + toString(i)});");
    await pane.waitFor(/3 nodes created/, 'the CREATE summary');
    pane.typeLine('MATCH (p:Person) RETURN p.name AS name ORDER BY name;');
    const rows = await pane.waitFor(/^3 rows \(/m, 'the query result');
    expect(rows).toMatch(/^name\s*$/m);
    for (const name of ['person-1', 'person-2', 'person-3']) expect(rows).toMatch(new RegExp(`^${name}\\s*$`, 'm'));
    pane.typeLine(':checkpoint truncate');
    const checkpoint = await pane.waitFor(/checkpoint truncate: .*WAL now 0 B/, 'the checkpoint report');
    expect(checkpoint).not.toMatch(/ombra: [A-Z_]+:/);
    pane.typeLine(':verify');
    const afterVerify = await pane.waitFor(/verify fast .*console\.db: ok/, 'the verify report');
    // Many frames later the dashboard is still in place: header on the first row, once.
    const lines = afterVerify.split('\n');
    expect(lines[0]).toMatch(/^ombra · /);
    expect(lines.filter((line) => /^ombra · /.test(line))).toHaveLength(1);
    pane.typeLine(':quit');
    expect(await exitCode()).toBe(0);
    // The data is on disk: a second process reads it back.
    const again = spawnSync(process.execPath, [bin, 'shell', db, '-c', 'MATCH (p:Person) RETURN count(p) AS people'], { encoding: 'utf8', env });
    expect(again.stdout).toBe('{"people":3}\n');
    expect(again.status).toBe(0);
  });

  it('a 60×16 terminal still answers a query (and CI set does not stop the drawing)', async () => {
    const db = join(temp.dir, 'small.db');
    const { pane, exitCode } = startConsole('small', [db], { columns: 60, rows: 16 }, { CI: 'true' });
    await pane.waitFor(ready, 'the compact dashboard');
    pane.typeLine('RETURN 40 + 2 AS answer;');
    const screen = await pane.waitFor(/^\s*42\s*$/m, 'the answer');
    expect(screen).toContain('answer');
    for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    pane.keys('Tab');
    await pane.waitFor(/\[panels\]/, 'panel focus');
    pane.keys('q');
    expect(await exitCode()).toBe(0);
  });

  it('statements piped in from a terminal session: clean JSON rows on stdout, codes on stderr, exit 1 / 0 / 3', async () => {
    const db = join(temp.dir, 'piped.db');
    const script = join(temp.dir, 'piped.cypher');
    writeFileSync(script, "CREATE (:City {name: 'Lisbon'});\nMATCH (c:City) RETURN c.name AS name, c;\nRETURN nope;\nRETURN 2 AS two;\n");
    const out = join(temp.dir, 'piped.out');
    const err = join(temp.dir, 'piped.err');
    const exitFile = join(temp.dir, 'piped.exit');
    const run = (args: string, suffix: string): string =>
      `${quote(process.execPath)} ${quote(bin)} ${args} < ${quote(script)} > ${quote(out + suffix)} 2> ${quote(err + suffix)}; echo $? >> ${quote(exitFile)}`;
    // A terminal session (stderr, the controlling tty) but stdin a file and stdout a file; then
    // a database that cannot be opened (a directory).
    server.open({ columns: 80, rows: 10, cwd: temp.dir, env: {}, command: `${run(quote(db), '')}; ${run(quote(temp.dir), '.bad')}` });
    const codes = await waitUntil(() => {
      const text = existsSync(exitFile) ? readFileSync(exitFile, 'utf8') : '';
      return text.split('\n').length > 2 ? text.trim().split('\n').map(Number) : undefined;
    }, 'both piped runs');
    expect(codes).toEqual([1, 3]);
    const stdout = readFileSync(out, 'utf8');
    expect(stdout).not.toMatch(/\u001b/);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({ name: 'Lisbon', c: { id: 0, labels: ['City'], properties: { name: 'Lisbon' } } });
    expect(lines[1]).toBe('{"two":2}');
    const stderr = readFileSync(err, 'utf8');
    expect(stderr).not.toMatch(/\u001b/);
    expect(stderr).toMatch(/^ombra: <stdin>:3: SEMANTIC_UNDEFINED_VARIABLE: /m);
    expect(readFileSync(out + '.bad', 'utf8')).toBe('');
    expect(readFileSync(err + '.bad', 'utf8')).toMatch(/^ombra: [A-Z_]+: /);
  });
});
