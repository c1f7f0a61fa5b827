// The real CLI (bin/ombra.js over dist/, built by the test global setup) driven the way
// scripts drive it: piped statements give clean JSON rows on stdout and the exit codes of
// DESIGN.md §7; -c, -f, --bail, --format; a database locked by another process exits 3;
// 2,000,000 rows stream with flat memory; the demo answers piped queries; a failed job is
// reported once.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BUILT, REPO_ROOT, runOmbraProcess, tempDir, type ProcessRun } from '../support/cli.js';

const temp = tempDir('ombra-e2e-shell-');
afterAll(() => temp.cleanup());

function ombra(args: string[], stdin: string | null = null, env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  // A slow-operation warning is a fair line on stderr, but its timing depends on the
  // machine's load: these tests are about which stream carries what, so no warnings.
  return runOmbraProcess(args, { cwd: temp.dir, stdin, env: { ...process.env, OMBRA_HISTORY: '', NO_COLOR: '1', OMBRA_SLOW_OPERATION_MS: '600000', ...env } });
}

const db = (name: string): string => join(temp.dir, name);

describe.skipIf(!CLI_BUILT)('ombra shell and piped ombra DB', () => {
  it('piped statements: JSON rows on stdout, nothing else; exit 0', async () => {
    const run = await ombra(
      [db('a.db')],
      "CREATE (a:Person {name: 'Ann', born: 1990})-[:KNOWS {since: 2010}]->(b:Person {name: 'Bob'});\n" +
        'MATCH (p:Person)\nRETURN p.name AS name, p.born AS born\nORDER BY name;\n' +
        'MATCH p = ()-[k:KNOWS]->() RETURN k, p;\n',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['{"name":"Ann","born":1990}', '{"name":"Bob","born":null}']);
    const row = JSON.parse(lines[2]!);
    expect(row.k).toEqual({ id: 0, type: 'KNOWS', start: 0, end: 1, properties: { since: 2010 } });
    expect(row.p.nodes.map((n: { properties: { name: string } }) => n.properties.name)).toEqual(['Ann', 'Bob']);
  });

  it('a failing statement: exit 1, the code on stderr, the other rows still on stdout', async () => {
    const run = await ombra(['shell', db('b.db')], 'RETURN 1 AS a;\nRETURN nope;\nRETURN 2 AS b;\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{"a":1}\n{"b":2}\n');
    expect(run.stderr).toMatch(/^ombra: <stdin>:2: SEMANTIC_UNDEFINED_VARIABLE: /);
  });

  it('--bail stops at the first failure', async () => {
    const run = await ombra(['shell', db('c.db'), '--bail'], 'RETURN 1 AS a;\nRETURN 1/0;\nRETURN 2 AS b;\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{"a":1}\n');
  });

  it('-c (repeatable) and -f run in command-line order, with --format csv and table', async () => {
    const script = join(temp.dir, 'setup.cypher');
    writeFileSync(script, 'UNWIND range(1, 3) AS i CREATE (:N {i: i});\n');
    const count = 'MATCH (n:N) RETURN count(n) AS n';
    const csv = await ombra(['shell', db('d.db'), '-c', count, '-f', script, '-c', 'MATCH (n:N) RETURN n.i AS i, "x,y" AS s ORDER BY i', '--format', 'csv']);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('n\n0\ni,s\n1,"x,y"\n2,"x,y"\n3,"x,y"\n');
    // No -f this time: the three nodes of the first run, kept in the file.
    const table = await ombra(['shell', db('d.db'), '-c', count, '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('+---+\n| n |\n+---+\n| 3 |\n+---+\n');
  });

  it('a database another process writes: exit 3 naming the holder', async () => {
    const path = db('locked.db');
    const holder = spawn(
      process.execPath,
      ['-e', `import(${JSON.stringify(join(REPO_ROOT, 'dist/src/database.js'))}).then(({ Database }) => { Database.open(${JSON.stringify(path)}, { logLevel: 'silent' }); process.stdout.write('ready\\n'); setInterval(() => {}, 1000); })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const run = await ombra(['shell', path, '-c', 'RETURN 1']);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('LOCKED');
      expect(run.stderr).toContain(String(holder.pid));
      expect(run.stdout).toBe('');
      const piped = await ombra([path], 'RETURN 1;\n');
      expect(piped.code).toBe(3);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('usage errors exit 64', async () => {
    expect((await ombra(['shell', '--format', 'xml', '-c', 'RETURN 1'])).code).toBe(64);
    expect((await ombra(['shell', '--no-such-flag'])).code).toBe(64);
    expect((await ombra(['chekpoint'])).code).toBe(64);
    expect((await ombra(['demo', '--people', 'many'])).code).toBe(64);
    const help = await ombra(['shell', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--bail');
  });

  it('streams 2,000,000 JSON rows with peak RSS under 150 MB', async () => {
    const probe = `import(${JSON.stringify(join(REPO_ROOT, 'dist/shell/cli.js'))}).then(async ({ runCli }) => {
      const code = await runCli(['shell', '--format', 'json', '-c', 'UNWIND range(1, 2000000) AS i RETURN i']);
      process.stderr.write('maxRSS=' + process.resourceUsage().maxRSS + '\\n');
      process.exitCode = code;
    })`;
    const result = await new Promise<{ code: number | null; lines: number; last: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', probe], { cwd: temp.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMBRA_HISTORY: '' } });
      let lines = 0;
      let tail = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
        tail = (tail + chunk).slice(-64);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, lines, last: tail.trim().split('\n').at(-1)!, stderr }));
    });
    expect(result.code).toBe(0);
    expect(result.lines).toBe(2_000_000);
    expect(result.last).toBe('{"i":2000000}');
    const maxRssKb = Number(/maxRSS=(\d+)/.exec(result.stderr)?.[1]);
    console.log(`2,000,000 rows: peak RSS ${(maxRssKb / 1024).toFixed(1)} MB`);
    expect(maxRssKb).toBeLessThan(150 * 1024);
  });

  it('a one-shot command whose job fails says so once on stderr (its own line, no log line beside it)', async () => {
    const path = db('backed.db');
    expect((await ombra(['shell', path, '-c', 'CREATE (:N)'])).code).toBe(0);
    expect((await ombra(['backup', path, '--out', db('chain')])).code).toBe(0);
    const again = await ombra(['backup', path, '--out', db('chain')]);
    expect(again.code).toBe(1);
    const lines = again.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ombra: BACKUP_CHAIN: /);
    // Asked for, the logs carry the job's outcome as before.
    const logged = await ombra(['backup', path, '--out', db('chain')], null, { OMBRA_LOG_LEVEL: 'info' });
    expect(logged.stderr).toContain('"event":"job"');
  });

  it('ombra demo, piped: builds the graph first, then answers', async () => {
    const run = await ombra(['demo', db('demo.db'), '--people', '300'], 'MATCH (p:Person) RETURN count(p) AS people;\nMATCH (c:City) RETURN count(c) AS cities;\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('{"people":300}\n{"cities":40}\n');
    expect(run.stderr).toContain('demo graph built: 300 people');
  });
});
