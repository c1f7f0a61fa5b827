// The line shell in-process (runLineShell over the in-process backend): piped input split as
// it arrives, results on stdout only, messages on stderr, exit codes, --bail, -c, -f, and
// stdout backpressure reaching the engine.
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalBackend } from '../../shell/local-backend.js';
import { runLineShell, type LineShellOptions } from '../../shell/line-shell.js';
import { UnitReader } from '../../shell/line-input.js';
import type { OutputFormat } from '../../shell/protocol.js';
import { tempDir } from '../support/cli.js';
import { memoryDb } from './session-support.js';

class FakeOut extends EventEmitter {
  text = '';
  writes = 0;
  /** write() returns false (buffer full) until drain() is called. */
  full = false;
  write(chunk: string): boolean {
    this.text += chunk;
    this.writes++;
    return !this.full;
  }
  drain(): void {
    this.emit('drain');
  }
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
  backend: LocalBackend;
}

async function shell(input: string[] | null, options: Partial<LineShellOptions> & { format?: OutputFormat; timing?: boolean } = {}, backend?: LocalBackend): Promise<ShellRun> {
  const b = backend ?? new LocalBackend(memoryDb(), { format: options.format ?? 'json', timing: options.timing ?? false });
  if (!backend) cleanups.push(() => b.close());
  const stdin = new PassThrough();
  const stdout = new FakeOut();
  let stderr = '';
  const running = runLineShell({
    backend: b,
    format: options.format ?? 'json',
    timing: options.timing ?? false,
    stdin,
    stdout,
    stderr: { write: (text: string) => (stderr += text) },
    interactive: false,
    ...options,
  });
  for (const chunk of input ?? []) stdin.write(chunk);
  stdin.end();
  const code = await running;
  return { code, stdout: stdout.text, stderr, backend: b };
}

describe('piped input', () => {
  it('runs statements as they complete, across chunk boundaries and several per line', async () => {
    const run = await shell(['CREATE (:P {n: 1});\nCREATE (:P {n:', ' 2}); MATCH (p:P)\nRETURN p.n AS n\n', 'ORDER BY n;\n']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('{"n":1}\n{"n":2}\n');
    expect(run.stderr).toBe('');
  });

  it('runs :command lines, prints reports as one JSON object in json format', async () => {
    const run = await shell([':checkpoint\n', 'RETURN 1 AS one;\n']);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!).mode).toBe('passive');
    expect(lines[1]).toBe('{"one":1}');
  });

  it('names the input line of a failing statement, goes on, and exits 1', async () => {
    const run = await shell(['RETURN 1 AS a;\n\nMATCH (n)\nRETURN nope;\nRETURN 2 AS b;\n']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{"a":1}\n{"b":2}\n');
    expect(run.stderr).toBe('ombra: <stdin>:4: SEMANTIC_UNDEFINED_VARIABLE: variable `nope` is not defined at line 2, column 8\nRETURN nope;\n       ^\n');
  });

  it('--bail stops at the first failure', async () => {
    const run = await shell(['RETURN 1 AS a;\nRETURN 1/0;\nRETURN 2 AS b;\n'], { bail: true });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{"a":1}\n');
    expect(run.stderr).toMatch(/^ombra: <stdin>:2: RUNTIME_ARITHMETIC: /);
  });

  it('an input that ends inside a statement runs nothing of it and fails', async () => {
    const run = await shell(['CREATE (:Done);\nMATCH (n) DETACH\n  DELETE n']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ombra: <stdin>:2: SHELL_INCOMPLETE_INPUT: /);
    expect(run.backend.db.query('MATCH (n:Done) RETURN count(n)').rows[0]![0]).toBe(1n);
  });

  it(':quit stops reading; what follows does not run', async () => {
    const run = await shell(['RETURN 1 AS a;\n:quit\nCREATE (:After);\n']);
    expect(run.code).toBe(0);
    expect(run.backend.db.query('MATCH (n:After) RETURN count(n)').rows[0]![0]).toBe(0n);
  });

  it('a trailing :command without its newline still runs', async () => {
    const run = await shell(['CREATE (:X);\n:stats']);
    expect(JSON.parse(run.stdout.trim()).database.nodes).toBe(1);
  });

  it('summaries go to stderr only when timing is on', async () => {
    const quiet = await shell(['RETURN 1 AS x;\n']);
    expect(quiet.stderr).toBe('');
    const timed = await shell([':timing on\nRETURN 1 AS x;\n']);
    expect(timed.stderr).toMatch(/^timing is now on\n1 row \(\d+\.\d ms\)\n$/);
    expect(timed.stdout).toBe('{"x":1}\n');
  });

  it('csv and table formats on stdout', async () => {
    const csv = await shell(["UNWIND [1, 2] AS i RETURN i, 'a,b' AS s;\n"], { format: 'csv' });
    expect(csv.stdout).toBe('i,s\n1,"a,b"\n2,"a,b"\n');
    const table = await shell(['UNWIND [1, 22] AS i RETURN i;\n'], { format: 'table' });
    expect(table.stdout).toBe('+----+\n| i  |\n+----+\n| 1  |\n| 22 |\n+----+\n');
    const switched = await shell([':format csv\nRETURN 1 AS x;\n']);
    expect(switched.stdout).toBe('x\n1\n');
  });
});

describe('-c and -f', () => {
  it('-c runs each argument (the last ; optional) and does not read stdin', async () => {
    const run = await shell(['CREATE (:FromStdin);\n'], { scripts: [{ command: 'CREATE (:C)' }, { command: 'MATCH (c:C) RETURN count(c) AS n' }] });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('{"n":1}\n');
    expect(run.backend.db.query('MATCH (n:FromStdin) RETURN count(n)').rows[0]![0]).toBe(0n);
  });

  it('-f runs files in order and names file and line of a failure', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    writeFileSync(join(dir, 'a.cypher'), 'CREATE (:F {n: 1});\n');
    writeFileSync(join(dir, 'b.cypher'), '// b\n\nRETURN oops;\nMATCH (f:F) RETURN f.n AS n;\n');
    const run = await shell(null, { scripts: [{ file: join(dir, 'a.cypher') }, { file: join(dir, 'b.cypher') }] });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('{"n":1}\n');
    expect(run.stderr).toContain(`ombra: ${join(dir, 'b.cypher')}:3: SEMANTIC_UNDEFINED_VARIABLE`);
    const missing = await shell(null, { scripts: [{ file: join(dir, 'missing.cypher') }] });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SHELL_SOURCE: cannot read .*missing\.cypher/);
  });

  it('-c and -f run in the order given, not -c first', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    writeFileSync(join(dir, 'setup.cypher'), 'UNWIND range(1, 3) AS i CREATE (:N {i: i});\n');
    const count = { command: 'MATCH (n:N) RETURN count(n) AS n' };
    const run = await shell(null, { scripts: [count, { file: join(dir, 'setup.cypher') }, count] });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('{"n":0}\n{"n":3}\n');
  });

  it("-f - reads stdin", async () => {
    const run = await shell(['RETURN 7 AS seven;\n'], { scripts: [{ file: '-' }] });
    expect(run.stdout).toBe('{"seven":7}\n');
  });
});

describe('stdout', () => {
  it('backpressure: no more rows are pulled until stdout drains', async () => {
    const backend = new LocalBackend(memoryDb(), { format: 'json', rowsPerBatch: 100 });
    cleanups.push(() => backend.close());
    const stdout = new FakeOut();
    stdout.full = true;
    const stdin = new PassThrough();
    stdin.end('UNWIND range(1, 1000) AS i RETURN i;\n');
    const done = runLineShell({ backend, format: 'json', timing: false, stdin, stdout, stderr: { write: () => true }, interactive: false });
    await vi.waitFor(() => expect(stdout.writes).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stdout.writes).toBe(1); // one batch written, then waiting for 'drain'
    stdout.full = false;
    stdout.drain();
    expect(await done).toBe(0);
    expect(stdout.text.trim().split('\n')).toHaveLength(1000);
  });

  it('a reader that goes away (EPIPE) stops the shell quietly', async () => {
    const backend = new LocalBackend(memoryDb(), { format: 'json', rowsPerBatch: 10 });
    cleanups.push(() => backend.close());
    const stdout = new FakeOut();
    stdout.full = true;
    const stdin = new PassThrough();
    stdin.end('UNWIND range(1, 100000) AS i RETURN i;\nCREATE (:Never);\n');
    let stderr = '';
    const done = runLineShell({ backend, format: 'json', timing: false, stdin, stdout, stderr: { write: (t: string) => (stderr += t) }, interactive: false });
    await vi.waitFor(() => expect(stdout.writes).toBeGreaterThan(0));
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    stdout.emit('close');
    expect(await done).toBe(0);
    expect(stderr).toBe('');
    expect(backend.db.query('MATCH (n:Never) RETURN count(n)').rows[0]![0]).toBe(0n);
  });
});

describe('UnitReader', () => {
  it('tracks the line each unit starts on, across pieces', () => {
    const reader = new UnitReader();
    // A comment before a statement belongs to no unit: the statement starts on its own line.
    expect(reader.push('// header\nRETURN 1;')).toEqual([{ text: 'RETURN 1;', line: 2 }]);
    expect(reader.push(' RETURN\n2;\n\n:stats\nMATCH')).toEqual([
      { text: 'RETURN\n2;', line: 2 },
      { text: ':stats', line: 5 },
    ]);
    expect(reader.hasPending).toBe(true);
    expect(reader.push(' (n)\n RETURN n;')).toEqual([{ text: 'MATCH (n)\n RETURN n;', line: 6 }]);
    expect(reader.end()).toBeNull();
    reader.push('\n\n  :quit');
    expect(reader.end()).toEqual({ text: ':quit', line: 9, incomplete: false });
  });
});
