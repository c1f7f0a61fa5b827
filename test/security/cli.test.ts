// Issue 8 through the CLI, the way operators and scripts use it: a readonly user's writes and
// backup are refused (exit 1) and audited while an admin's succeed and are audited; a tampered
// audit line fails `ombra audit --verify` (exit 2); salvage reads an encrypted (and damaged)
// database with its key and writes an encrypted result; the real process (bin/ombra.js) exits 3
// on a wrong key and leaves every file byte-identical.
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readKeyArea } from '../../src/security/key-area.js';
import { CLI_BUILT, runOmbraProcess, type ProcessRun } from '../support/cli.js';
import { cleanupAll, cliEnv, filesUnder, KEY_A, KEY_B, names, openDb, plaintextIn, readNames, snapshotDir, workDir, writePeople } from './support.js';

afterEach(cleanupAll);

function ombraProcess(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return runOmbraProcess(args, { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
}

function auditLines(log: string): { user: string; action: string; outcome: string; detail: string | null }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('access control and audit through the CLI', () => {
  it("refuses a readonly user's CREATE, SET, DELETE and backup (exit 1, nothing written) and audits them; an admin's are allowed and audited; a tampered line fails --verify", async () => {
    const dir = workDir();
    const path = join(dir, 'ac.db');
    const log = join(dir, 'audit.jsonl');
    const settings = ['--set', 'accessControl=true', '--set', `auditLogFile=${log}`];
    const env = {};
    await openDb(path).close();
    expect((await cliEnv(env, 'user', 'add', path, 'root', '--role', 'admin', '--user', 'root', ...settings)).code).toBe(0);
    expect((await cliEnv(env, 'user', 'add', path, 'reader', '--role', 'readonly', '--user', 'root', ...settings)).code).toBe(0);
    const seed = await cliEnv(env, 'shell', path, '--user', 'root', ...settings, '-c', "CREATE (:Person {name: 'Ada'});");
    expect(seed.code).toBe(0);
    const start = auditLines(log).length;

    const refused = [
      ['shell', path, '--user', 'reader', ...settings, '-c', "CREATE (:Person {name: 'Eve'});"],
      ['shell', path, '--user', 'reader', ...settings, '-c', 'MATCH (p:Person) SET p.age = 36;'],
      ['shell', path, '--user', 'reader', ...settings, '-c', 'MATCH (p:Person) DETACH DELETE p;'],
      ['backup', path, '--out', join(dir, 'b-reader'), '--user', 'reader', ...settings],
    ];
    for (const argv of refused) {
      const run = await cliEnv(env, ...argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 1 });
      expect(run.stderr).toContain('PERMISSION_DENIED');
      expect(run.stderr).toContain("user 'reader' lacks the");
    }
    expect(existsSync(join(dir, 'b-reader'))).toBe(false);
    // (Each CLI run opens and closes the database, which may checkpoint; the API suite checks
    // byte-identity of refusals. Here: the graph is as it was.)
    const reads = await cliEnv(env, 'shell', path, '--user', 'reader', ...settings, '--format', 'json', '-c', 'MATCH (p:Person) RETURN p.name AS name, p.age AS age;');
    expect(reads.stdout.trim()).toBe('{"name":"Ada","age":null}');

    for (const argv of [
      ['shell', path, '--user', 'root', ...settings, '-c', "CREATE (:Person {name: 'Eve'});"],
      ['shell', path, '--user', 'root', ...settings, '-c', "MATCH (p:Person {name: 'Eve'}) SET p.age = 30;"],
      ['shell', path, '--user', 'root', ...settings, '-c', "MATCH (p:Person {name: 'Eve'}) DETACH DELETE p;"],
      ['backup', path, '--out', join(dir, 'b-root'), '--user', 'root', ...settings],
    ]) {
      const run = await cliEnv(env, ...argv);
      expect({ argv, code: run.code, stderr: run.stderr }).toEqual({ argv, code: 0, stderr: '' });
    }

    const records = auditLines(log).slice(start).filter((r) => r.action !== 'read');
    expect(records.map((r) => [r.user, r.action, r.outcome, r.detail])).toEqual([
      ['reader', 'write', 'denied', 'missing Write'],
      ['reader', 'write', 'denied', 'missing Write'],
      ['reader', 'delete', 'denied', 'missing Delete'],
      ['reader', 'backup', 'denied', 'missing Backup'],
      ['root', 'write', 'ok', null],
      ['root', 'write', 'ok', null],
      ['root', 'delete', 'ok', null],
      ['root', 'backup', 'ok', null],
    ]);
    const query = await cliEnv(env, 'audit', path, ...settings, '--user', 'reader', '--outcome', 'denied');
    expect(query.stdout.trim().split('\n')).toHaveLength(4);
    expect((await cliEnv(env, 'audit', path, ...settings, '--verify')).code).toBe(0);

    const lines = readFileSync(log, 'utf8').split('\n');
    const target = lines.findIndex((l) => l.includes('"outcome":"denied"') && l.includes('"action":"backup"'));
    lines[target] = lines[target]!.replace('"outcome":"denied"', '"outcome":"ok"');
    writeFileSync(log, lines.join('\n'));
    const broken = await cliEnv(env, 'audit', path, ...settings, '--verify');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('AUDIT_TAMPERED');
    expect(broken.stderr).toContain(`line ${target + 1}`);
  });
});

describe('salvage of an encrypted database', () => {
  it('reads the pages with the key (CLI), writes an encrypted result with a new lineage, and never touches the source; a wrong key exits 3', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const people = names('Salamander', 300);
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, people);
    await db.checkpoint('truncate');
    await db.close();
    // Damage one page in the middle of the file: salvage must lose it and keep the rest.
    const pageSizeBytes = 4096;
    const pageCount = readFileSync(path).length / pageSizeBytes;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, Math.floor(pageCount / 2) * pageSizeBytes + 1000);
    closeSync(fd);
    const source = snapshotDir(dir);

    const wrong = await cliEnv({ OMBRA_ENCRYPTION_KEY: KEY_B }, 'salvage', path, '--out', join(dir, 'wrong.db'));
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('ENCRYPTION_KEY_WRONG');
    expect(existsSync(join(dir, 'wrong.db'))).toBe(false);

    const out = join(dir, 'salvaged.db');
    const run = await cliEnv({ OMBRA_ENCRYPTION_KEY: KEY_A }, 'salvage', path, '--out', out, '--format', 'json');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout);
    expect(report.pages.lost).toBe(1);
    expect(report.pages.encrypted).toBe(0);
    expect(report.verify).toMatchObject({ level: 'full', ok: true });
    expect(report.nodesSalvaged).toBeGreaterThan(250);
    expect(snapshotDir(dir)).toMatchObject(source); // the source and its WAL are byte-identical

    const needles = [people[10]!, people[290]!, `${people[5]}-secret`, `${people[7]}-note`, 'Salamander', 'Person', 'KNOWS'];
    expect(plaintextIn(out, needles)).toEqual([]);
    expect((statSync(out).mode & 0o777).toString(8)).toBe('600');
    // Without the key the result does not open; with it, it does, and its first writer forks
    // the nonce lineage (encryption.ts N5, N7).
    expect((await cliEnv({}, 'info', out)).code).toBe(3);
    const salvaged = openDb(out, { encryptionKey: KEY_A });
    const found = readNames(salvaged);
    expect(found.length).toBe(report.nodesSalvaged);
    expect(found.every((n) => people.includes(n))).toBe(true);
    const txn = salvaged.pager.beginRead();
    const area = readKeyArea(txn.meta);
    txn.end();
    expect(area.lineage).toBe(salvaged.pager.databaseId);
    expect(area.highWater).toBeGreaterThan(1n << 33n);
    writePeople(salvaged, ['AfterSalvage']);
    await salvaged.close();
    expect(plaintextIn(out, ['AfterSalvage'])).toEqual([]);

    // Without a key: nothing can be read, and salvage says the pages are encrypted.
    const blind = await cliEnv({}, 'salvage', path, '--out', join(dir, 'blind.db'), '--format', 'json');
    expect(blind.code).toBe(0);
    const blindReport = JSON.parse(blind.stdout);
    expect(blindReport.pages.encrypted).toBe(pageCount - 2); // all but page 0 and the damaged one
    expect(blindReport.nodesSalvaged).toBe(0);
    for (const file of filesUnder(dir)) expect({ file, found: plaintextIn(file, needles.slice(0, 4)) }).toEqual({ file, found: [] });
  });
});

describe.skipIf(!CLI_BUILT)('the real process (bin/ombra.js)', () => {
  it('exits 3 on a missing or wrong key and leaves the database, its WAL and everything beside it byte-identical; 0 with the key', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, names('Proc', 20));
    await db.close();
    const before = snapshotDir(dir);
    const refusals: [NodeJS.ProcessEnv, string[], string][] = [
      [{}, ['info', path], 'ENCRYPTION_KEY_MISSING'],
      [{ OMBRA_ENCRYPTION_KEY: KEY_B }, ['shell', path, '-c', 'MATCH (n) RETURN count(n);'], 'ENCRYPTION_KEY_WRONG'],
      [{ OMBRA_ENCRYPTION_KEY: KEY_B }, ['verify', path], 'ENCRYPTION_KEY_WRONG'],
    ];
    for (const [env, args, code] of refusals) {
      const run = await ombraProcess(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: 3 });
      expect(run.stderr).toContain(code);
      expect(snapshotDir(dir)).toEqual(before);
    }
    const ok = await ombraProcess(['info', path, '--format', 'json'], { OMBRA_ENCRYPTION_KEY: KEY_A });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).nodes).toBe(20);
  });
});
