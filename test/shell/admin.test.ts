// Every :command of the console (DESIGN.md §7 plus :set, :maintenance, :explain, :profile).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { ADMIN_COMMANDS, commandHelp } from '../../shell/admin/registry.js';
import { editDistance } from '../../shell/edit-distance.js';
import { tempDir } from '../support/cli.js';
import { collect, memoryDb, newSession } from './session-support.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function memorySession(options: Parameters<typeof newSession>[0] = {}) {
  const db = memoryDb();
  cleanups.push(() => db.close());
  return newSession({ ...options, db });
}

/** A session on a real file (backups, compaction), with a little graph. */
async function fileSession() {
  const { dir, cleanup } = tempDir('ombra-admin-');
  const db = Database.open(join(dir, 'g.db'), { logLevel: 'silent', checkpointIntervalMs: 0 });
  cleanups.push(cleanup, () => db.close());
  const s = newSession({ db, cwd: dir });
  await collect(s, 'UNWIND range(1, 300) AS i CREATE (:Item {n: i, text: "item " + toString(i)});');
  await collect(s, 'MATCH (a:Item), (b:Item) WHERE b.n = a.n + 1 CREATE (a)-[:NEXT]->(b);');
  return { s, dir, db };
}

describe('operations commands run the same jobs as the CLI', () => {
  it(':checkpoint in every mode, with progress events and a report', async () => {
    const s = memorySession();
    await collect(s, 'CREATE (:A);');
    for (const mode of ['passive', 'full', 'restart', 'truncate']) {
      const r = await collect(s, `:checkpoint ${mode}`);
      expect(r.outcome.ok).toBe(true);
      expect(r.events.some((e) => e.kind === 'progress')).toBe(true);
      const report = JSON.parse(r.reports[0]!.json);
      expect(report.mode).toBe(mode);
      expect(r.reports[0]!.text).toMatch(new RegExp(`^checkpoint ${mode}: `));
    }
    expect((await collect(s, ':checkpoint')).reports[0]?.title).toBe('checkpoint');
    expect((await collect(s, ':checkpoint sideways')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it(':verify fast and full report ok; a bad level is a usage error', async () => {
    const { s } = await fileSession();
    for (const args of ['', ' fast', ' full']) {
      const r = await collect(s, `:verify${args}`);
      expect(r.outcome.ok).toBe(true);
      expect(JSON.parse(r.reports[0]!.json).ok).toBe(true);
    }
    expect((await collect(s, ':verify deep')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it(':backup DIR then --incremental into the chain; relative paths resolve against the session directory', async () => {
    const { s, dir } = await fileSession();
    const full = await collect(s, ':backup backups');
    expect(full.outcome.ok).toBe(true);
    const report = JSON.parse(full.reports[0]!.json);
    expect(report.kind).toBe('full');
    expect(report.dir).toBe(join(dir, 'backups'));
    await collect(s, 'CREATE (:Later);');
    const inc = await collect(s, `:backup "${join(dir, 'backups')}" --incremental`);
    expect(JSON.parse(inc.reports[0]!.json).kind).toBe('incremental');
    expect((await collect(s, ':backup')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
    expect((await collect(s, ':backup x --sideways')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it(':compact rebuilds the file and :compact --analyze only reports', async () => {
    const { s } = await fileSession();
    await collect(s, 'MATCH (i:Item) WHERE i.n % 2 = 0 DETACH DELETE i;');
    const analysis = await collect(s, ':compact --analyze');
    expect(analysis.reports[0]?.title).toBe('fragmentation');
    const compact = await collect(s, ':compact');
    expect(compact.outcome.ok).toBe(true);
    expect(JSON.parse(compact.reports[0]!.json).pagesAfter).toBeGreaterThan(0);
    expect((await collect(s, 'MATCH (i:Item) RETURN count(i);')).cells).toEqual([['150']]);
  });

  it('a trailing & runs the job in the background; :jobs lists it and :cancel takes an id', async () => {
    const { s } = await fileSession();
    const started = await collect(s, ':verify full &');
    expect(started.outcome.ok).toBe(true);
    expect(started.texts.join('\n')).toMatch(/runs in the background/);
    expect(started.reports).toHaveLength(0);
    await s.db.jobs.idle();
    const jobs = await collect(s, ':jobs');
    const list = JSON.parse(jobs.reports[0]!.json);
    expect(list.recent.some((job: { kind: string; state: string }) => job.kind === 'verify' && job.state === 'succeeded')).toBe(true);
    expect(jobs.reports[0]!.text).toMatch(/succeeded\s+verify/);
    expect((await collect(s, ':cancel')).texts).toContain('no job is running');
    expect((await collect(s, ':cancel 999')).errors[0]?.code).toBe('JOB_NOT_FOUND');
    expect((await collect(s, ':cancel x')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it('Ctrl-C (cancel) stops a foreground job', async () => {
    const { s } = await fileSession();
    let cancelled = false;
    const outcome = await s.run(':verify full', (event) => {
      if (event.kind === 'progress' && !cancelled) {
        cancelled = true;
        s.cancel();
      }
    });
    expect(cancelled).toBe(true);
    expect(outcome.ok).toBe(false);
    expect(s.db.jobs.list().recent[0]?.state).toBe('cancelled');
  });
});

describe('observability commands', () => {
  it(':health, :stats and :metrics in each format', async () => {
    const s = memorySession();
    const health = await collect(s, ':health');
    expect(['healthy', 'degraded', 'unhealthy']).toContain(JSON.parse(health.reports[0]!.json).status);
    expect(health.reports[0]!.text).toMatch(/^health of :memory:: /);
    const stats = await collect(s, ':stats');
    expect(JSON.parse(stats.reports[0]!.json).database.path).toBe(':memory:');
    expect(stats.reports[0]!.text).toMatch(/^database {6}:memory:/);
    expect((await collect(s, ':metrics')).texts[0]).toMatch(/^# HELP ombra_/m);
    expect(JSON.parse((await collect(s, ':metrics json')).texts[0]!)).toHaveProperty('database');
    expect((await collect(s, ':metrics statsd')).texts[0]).toMatch(/^ombra\.[a-z_.]+:[-\d.]+\|[a-z]+/m);
    expect((await collect(s, ':metrics xml')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
    expect((await collect(s, ':health now')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it(':indexes shows SHOW INDEXES', async () => {
    const s = memorySession();
    await collect(s, 'CREATE INDEX FOR (p:Person) ON (p.name);');
    const r = await collect(s, ':indexes');
    expect(r.events.find((e) => e.kind === 'columns')).toEqual({ kind: 'columns', columns: ['id', 'name', 'label', 'property', 'unique'] });
    expect(r.cells[0]?.slice(2)).toEqual(['Person', 'name', 'false']);
  });
});

describe('plans', () => {
  it(':explain shows the plan without running; :profile runs and adds rows and time', async () => {
    const s = memorySession();
    await collect(s, 'CREATE (:P {v: 1}), (:P {v: 2});');
    const explain = await collect(s, ':explain MATCH (p:P) RETURN p.v;');
    expect(explain.reports[0]?.title).toBe('plan');
    expect(explain.reports[0]!.text).toMatch(/^ProduceResults/);
    expect(explain.reports[0]!.text).toContain('└─ ');
    expect(explain.cells).toEqual([]);
    expect(explain.end?.summary).toMatch(/^plan only/);
    const profile = await collect(s, ':profile MATCH (p:P) RETURN p.v ORDER BY p.v;');
    expect(profile.cells).toEqual([['1'], ['2']]);
    expect(profile.reports[0]?.title).toBe('profile');
    expect(profile.reports[0]!.text).toMatch(/\[rows 2, \d+\.\d{3} ms\]/);
    // The same through the statement prefix.
    expect((await collect(s, 'EXPLAIN MATCH (p:P) RETURN p;')).reports[0]?.title).toBe('plan');
    expect((await collect(s, ':explain')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });
});

describe('parameters', () => {
  it(':param evaluates an expression without a graph; statements use it; :params lists and clears', async () => {
    const s = memorySession();
    expect((await collect(s, ':param ids => [1, 2, 3]')).outcome.ok).toBe(true);
    await collect(s, ':param scale => 2.0');
    await collect(s, ':param doubled => [x IN $ids | x * 2]');
    expect((await collect(s, 'UNWIND $doubled AS d RETURN d * $scale AS v;')).cells).toEqual([['4.0'], ['8.0'], ['12.0']]);
    const list = await collect(s, ':params');
    expect(list.reports[0]!.text).toBe('$doubled => [2, 4, 6]\n$ids => [1, 2, 3]\n$scale => 2.0');
    expect(JSON.parse(list.reports[0]!.json)).toEqual({ doubled: [2, 4, 6], ids: [1, 2, 3], scale: 2 });
    expect(list.reports[0]!.json).toContain('"scale":2.0');
    expect((await collect(s, ':param ids')).reports[0]!.text).toBe('$ids => [1, 2, 3]');
    await collect(s, ':params clear');
    expect((await collect(s, 'RETURN $ids;')).errors[0]?.code).toBe('PARAMETER_MISSING');
  });

  it('an error in the expression points into the command line as typed', async () => {
    const s = memorySession();
    const r = await collect(s, ':param x => [1, 2');
    expect(r.errors[0]?.code).toBe('SYNTAX');
    expect(r.errors[0]!.excerpt!.split('\n')[0]).toBe(':param x => [1, 2');
    const caret = r.errors[0]!.excerpt!.split('\n')[1]!;
    expect(caret.indexOf('^')).toBeGreaterThanOrEqual(':param x => [1, 2'.length - 1);
    expect((await collect(s, ':param x')).errors[0]?.code).toBe('PARAMETER_MISSING');
    expect((await collect(s, ':param => 1')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it(':param cannot write, and refuses nodes', async () => {
    const s = memorySession();
    await collect(s, ':param x => 1 UNION CREATE (n) RETURN 1');
    expect(s.db.query('MATCH (n) RETURN count(n)').rows[0]![0]).toBe(0n);
    expect((await collect(s, ':param q => 1 UNION CREATE (n) RETURN 1')).outcome.ok).toBe(false);
  });
});

describe('session settings and live tuning', () => {
  it(':format switches the rows events; :timing switches the summary', async () => {
    const s = memorySession();
    await collect(s, ':format json');
    expect((await collect(s, "RETURN 'a' AS s;")).json).toEqual(['{"s":"a"}']);
    await collect(s, ':format csv');
    expect((await collect(s, "RETURN 'a,b' AS s;")).csv).toEqual(['"a,b"']);
    expect((await collect(s, ':format')).texts).toEqual(['format is csv']);
    expect((await collect(s, ':format xml')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
    await collect(s, ':timing on');
    expect((await collect(s, 'RETURN 1;')).end?.summary).toMatch(/ms\)$/);
    await collect(s, ':timing off');
    expect((await collect(s, 'RETURN 1;')).end?.summary).toBe('1 row');
    expect((await collect(s, ':timing maybe')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
  });

  it(':set changes a live option, lists them alone, and refuses options fixed at open', async () => {
    const s = memorySession();
    expect((await collect(s, ':set cacheSizePages 2000')).texts).toEqual(['cacheSizePages: 5000 -> 2000']);
    expect(s.db.config.cacheSizePages).toBe(2000);
    await collect(s, ':set logLevel=debug');
    expect(s.db.config.logLevel).toBe('debug');
    await collect(s, ':set groupCommitIntervalMs 2');
    expect(s.db.config.groupCommitIntervalMs).toBe(2);
    const list = await collect(s, ':set');
    expect(JSON.parse(list.reports[0]!.json).cacheSizePages).toBe(2000);
    expect((await collect(s, ':set pageSizeBytes 4096')).errors[0]?.code).toBe('CONFIG_INVALID');
    expect((await collect(s, ':set cacheSizePages lots')).errors[0]?.code).toBe('CONFIG_INVALID');
    expect((await collect(s, ':set noSuchKey 1')).errors[0]?.code).toBe('CONFIG_UNKNOWN_KEY');
  });

  it(':maintenance on refuses writes, reads go on; off accepts them again', async () => {
    const s = memorySession();
    await collect(s, ':maintenance on');
    expect((await collect(s, 'CREATE (:X);')).errors[0]?.code).toBe('MAINTENANCE_MODE');
    expect((await collect(s, 'RETURN 1;')).outcome.ok).toBe(true);
    expect((await collect(s, ':maintenance')).texts).toEqual(['maintenance mode is on']);
    await collect(s, ':maintenance off');
    expect((await collect(s, 'CREATE (:X);')).outcome.ok).toBe(true);
  });
});

describe('the console itself', () => {
  it(':source runs a file and names the file and line of a failing statement', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    writeFileSync(join(dir, 'ok.cypher'), '// setup\nCREATE (:S {n: 1});\n:param k => 2\nCREATE (:S {n: $k});\n');
    writeFileSync(join(dir, 'bad.cypher'), 'CREATE (:B);\n\nMATCH (n)\nRETURN nope;\nCREATE (:NotReached);\n');
    writeFileSync(join(dir, 'cut.cypher'), 'CREATE (:C);\nMATCH (n) RETURN n');
    writeFileSync(join(dir, 'loop.cypher'), ':source loop.cypher\n');
    const s = memorySession({ cwd: dir });
    const ok = await collect(s, ':source ok.cypher');
    expect(ok.outcome.ok).toBe(true);
    expect(s.db.query('MATCH (n:S) RETURN sum(n.n)').rows[0]![0]).toBe(3n);
    const bad = await collect(s, `:source ${join(dir, 'bad.cypher')}`);
    expect(bad.outcome.ok).toBe(false);
    expect(bad.errors[0]?.code).toBe('SEMANTIC_UNDEFINED_VARIABLE');
    expect(bad.errors[0]?.message).toContain(`(${join(dir, 'bad.cypher')}, statement at line 3)`);
    expect(s.db.query('MATCH (n:NotReached) RETURN count(n)').rows[0]![0]).toBe(0n);
    const cut = await collect(s, ':source cut.cypher');
    expect(cut.errors[0]?.code).toBe('SHELL_INCOMPLETE_INPUT');
    expect(s.db.query('MATCH (n:C) RETURN count(n)').rows[0]![0]).toBe(0n);
    expect((await collect(s, ':source missing.cypher')).errors[0]?.code).toBe('SHELL_SOURCE');
    expect((await collect(s, ':source loop.cypher')).errors.at(-1)?.code).toBe('SHELL_SOURCE');
  });

  it(':history shows the front end history; :help lists every command; :quit ends the session', async () => {
    const s = memorySession({ history: () => ['RETURN 1;', 'MATCH (n)\nRETURN n;'] });
    expect((await collect(s, ':history')).texts[0]).toBe('1  RETURN 1;\n2  MATCH (n)\n   RETURN n;');
    const help = (await collect(s, ':help')).texts[0]!;
    for (const command of ADMIN_COMMANDS) expect(help).toContain(command.usage);
    expect((await collect(s, ':help checkpoint')).texts[0]).toMatch(/^:checkpoint \[passive\|full\|restart\|truncate\] \[&\]\n {2}copy/);
    const quit = await collect(s, ':quit');
    expect(quit.outcome).toMatchObject({ ok: true, quit: true });
    // Units after :quit in the same input do not run.
    expect((await collect(s, ':quit\nCREATE (:After);')).outcome.quit).toBe(true);
    expect(s.db.query('MATCH (n:After) RETURN count(n)').rows[0]![0]).toBe(0n);
  });

  it('an unknown command is an error with a hint; :readonly points at :maintenance', async () => {
    const s = memorySession();
    const typo = await collect(s, ':chekpoint');
    expect(typo.errors[0]?.code).toBe('SHELL_UNKNOWN_COMMAND');
    expect(typo.errors[0]?.message).toContain('did you mean :checkpoint?');
    expect((await collect(s, ':readonly on')).errors[0]?.message).toContain(':maintenance on');
    expect((await collect(s, ':')).errors[0]?.code).toBe('SHELL_UNKNOWN_COMMAND');
    expect((await collect(s, ':CHECKPOINT')).outcome.ok).toBe(true);
  });

  it('the help list covers DESIGN.md §7', () => {
    const names = new Set(commandHelp().map((c) => c.usage.split(' ')[0]));
    for (const name of [':checkpoint', ':compact', ':backup', ':verify', ':health', ':metrics', ':stats', ':indexes', ':jobs', ':cancel', ':begin', ':commit', ':rollback', ':param', ':params', ':format', ':timing', ':source', ':history', ':help', ':quit']) {
      expect(names.has(name), name).toBe(true);
    }
    expect(editDistance('chekcpoint', 'checkpoint')).toBe(1);
  });

  it('a read-only database refuses writes and :begin opens a read transaction', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'r.db');
    const writer = Database.open(path, { logLevel: 'silent' });
    writer.query('CREATE (:R)');
    await writer.close();
    const db = Database.open(path, { readOnly: true, logLevel: 'silent' });
    cleanups.push(() => db.close());
    const s = newSession({ db });
    expect((await collect(s, 'CREATE (:X);')).errors[0]?.code).toBe('READ_ONLY');
    expect((await collect(s, ':begin')).texts[0]).toMatch(/^read-only transaction/);
    expect((await collect(s, 'MATCH (r:R) RETURN count(r);')).cells).toEqual([['1']]);
    await collect(s, ':rollback');
  });
});
