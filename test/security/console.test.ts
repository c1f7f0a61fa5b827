// The console's security commands (shell/admin/security.ts): :users, :user, :grant, :revoke and
// :audit run through db.security, so a console session is held to the same rules as the API,
// and :health says whether access control is on.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import { collect, newSession } from '../shell/session-support.js';
import { cleanupAll, openDb, workDir } from './support.js';

afterEach(cleanupAll);

function session(db: Database, dir: string) {
  return newSession({ db, cwd: dir, format: 'json' });
}

describe('console security commands', () => {
  it('say when access control is off (:user, :users, :health) and still manage users', async () => {
    const dir = workDir();
    const db = openDb(join(dir, 'off.db'), { user: 'ops' });
    const s = session(db, dir);
    const who = await collect(s, ':user');
    expect(who.texts[0]).toMatch(/^access control is off .*this session runs as ops; 0 user\(s\)$/);
    expect((await collect(s, ':user add alice readonly')).outcome.ok).toBe(true);
    const users = await collect(s, ':users');
    expect(JSON.parse(users.reports[0]!.json)).toMatchObject({ accessControl: false, currentUser: 'ops', users: [{ name: 'alice', roles: ['readonly'] }] });
    const health = await collect(s, ':health');
    const check = JSON.parse(health.reports[0]!.json).checks.find((c: { name: string }) => c.name === 'access_control');
    expect(check.message).toMatch(/^access control is off/);
    await db.close();
  });

  it("bootstraps an admin, grants and revokes; a readonly session's writes, backup and user management are refused and audited; :audit shows and verifies the log", async () => {
    const dir = workDir();
    const path = join(dir, 'ac.db');
    const log = join(dir, 'audit.jsonl');
    const settings = { accessControl: true, auditLogFile: log };

    const admin = openDb(path, { ...settings, user: 'root' });
    let s = session(admin, dir);
    expect((await collect(s, ':users')).errors[0]?.code).toBe('PERMISSION_DENIED'); // A3: only the first admin may be created
    for (const line of [':user add root admin', ':user add reader', ':user add temp', ':grant readonly TO reader', ':revoke user FROM reader', ':user drop temp']) {
      const r = await collect(s, line);
      expect({ line, ok: r.outcome.ok, errors: r.errors }).toEqual({ line, ok: true, errors: [] });
    }
    expect((await collect(s, 'CREATE (:Person {name: "Ada"});')).outcome.ok).toBe(true);
    const listed = JSON.parse((await collect(s, ':users')).reports[0]!.json);
    expect(listed.users.map((u: { name: string; roles: string[] }) => [u.name, u.roles])).toEqual([
      ['reader', ['readonly']],
      ['root', ['admin']],
    ]);
    expect((await collect(s, ':grant readonly reader')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
    expect((await collect(s, ':grant nosuch TO reader')).errors[0]?.code).toBe('INVALID_ARGUMENT');
    expect((await collect(s, ':user rename x')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
    await admin.close();

    const reader = openDb(path, { ...settings, user: 'reader' });
    s = session(reader, dir);
    expect((await collect(s, ':user')).texts[0]).toMatch(/^access control is on; this session runs as reader/);
    for (const line of ['CREATE (:Person {name: "Eve"});', 'MATCH (p:Person) SET p.age = 1;', 'MATCH (p:Person) DETACH DELETE p;', ':backup backups', ':users', ':grant admin TO reader', ':audit']) {
      const r = await collect(s, line);
      expect({ line, code: r.errors[0]?.code }).toEqual({ line, code: 'PERMISSION_DENIED' });
    }
    expect((await collect(s, 'MATCH (p:Person) RETURN p.name AS name;')).json).toEqual(['{"name":"Ada"}']);
    await reader.close();

    const again = openDb(path, { ...settings, user: 'root' });
    s = session(again, dir);
    const denied = await collect(s, ':audit --user reader --outcome denied');
    const records = denied.texts[0]!.split('\n').map((line) => JSON.parse(line)) as { action: string; detail: string }[];
    expect(records.map((r) => [r.action, r.detail])).toEqual([
      ['write', 'missing Write'],
      ['write', 'missing Write'],
      ['delete', 'missing Delete'],
      ['backup', 'missing Backup'],
      ['user.list', 'missing Admin'],
      ['role.grant', 'missing Admin'],
      ['audit.query', 'missing Admin'],
    ]);
    // root's grant (ok), root's grant of an unknown role (failed), the reader's (denied)
    const text = await collect(newSession({ db: again, cwd: dir }), ':audit --action role.grant --last 1');
    expect(text.reports[0]!.text).toMatch(/^\(2 older matching record\(s\) not shown: use --last or --since\)\n\S+ reader role\.grant denied \(missing Admin\): admin to reader$/);
    expect((await collect(s, ':audit --since yesterday')).errors[0]?.code).toBe('SHELL_COMMAND_USAGE');
    expect(JSON.parse((await collect(s, ':audit verify')).reports[0]!.json)).toMatchObject({ ok: true, firstBad: null });
    await again.close();

    // Alter one record: the chain breaks there.
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"outcome":"ok"', '"outcome":"denied"');
    writeFileSync(log, lines.join('\n'));
    const last = openDb(path, { ...settings, user: 'root' });
    const tampered = await collect(session(last, dir), ':audit verify');
    expect(tampered.errors[0]).toMatchObject({ code: 'AUDIT_TAMPERED' });
    expect(tampered.errors[0]!.message).toContain('line 3');
    await last.close();
  });

  it(':audit without an audit log says how to configure one', async () => {
    const dir = workDir();
    const db = openDb(join(dir, 'nolog.db'));
    const r = await collect(session(db, dir), ':audit');
    expect(r.errors[0]?.code).toBe('AUDIT_LOG_OFF');
    expect(r.errors[0]!.message).toContain('auditLogFile');
    await db.close();
  });
});
