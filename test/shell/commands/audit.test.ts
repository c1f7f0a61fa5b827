// ombra audit DB [--since] [--until] [--user] [--action] [--outcome] [--format] | --verify
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, cliEnv, openDb, workDir } from '../../security/support.js';

afterEach(cleanupAll);

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

function rewrite(path: string, edited: string[]): void {
  writeFileSync(path, edited.map((l) => `${l}\n`).join(''));
}

describe('ombra audit', () => {
  it('lists records (text and JSON, filtered) and --verify exits 0, or 2 with AUDIT_TAMPERED naming the line', async () => {
    const dir = workDir();
    const path = join(dir, 'db.ombra');
    const log = join(dir, 'audit.jsonl');
    const db = openDb(path, { auditLogFile: log, user: 'alice' });
    db.query("CREATE (:City {name: 'Oslo'})");
    db.query("MATCH (c:City) DETACH DELETE c");
    await db.close();
    const all = await cliEnv({}, 'audit', path, '--log', log);
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split('\n')).toHaveLength(2);
    expect(all.stdout).toMatch(/alice write ok txn \d+: CREATE \(:City \{name: 'Oslo'\}\)/);
    const json = await cliEnv({}, 'audit', path, '--set', `auditLogFile=${log}`, '--action', 'delete', '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ seq: 2, user: 'alice', action: 'delete', outcome: 'ok' });
    expect((await cliEnv({}, 'audit', path, '--log', log, '--user', 'bob')).stdout).toBe('');
    expect((await cliEnv({}, 'audit', path, '--log', log, '--since', 'soon')).code).toBe(64);
    expect((await cliEnv({}, 'audit', path)).code).toBe(64);

    const ok = await cliEnv({}, 'audit', path, '--log', log, '--verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/2 record\(s\), chain intact; head [0-9a-f]{64}/);
    const text = lines(log);
    rewrite(log, [text[0]!.replace('Oslo', 'Rome'), text[1]!]);
    const broken = await cliEnv({}, 'audit', path, '--log', log, '--verify');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('AUDIT_TAMPERED');
    expect(broken.stderr).toContain('line 1');
    rewrite(log, [text[1]!]);
    const removed = await cliEnv({}, 'audit', path, '--log', log, '--verify', '--format', 'json');
    expect(removed.code).toBe(2);
    expect(JSON.parse(removed.stdout)).toMatchObject({ ok: false, firstBad: { line: 1 } });
  });
});
