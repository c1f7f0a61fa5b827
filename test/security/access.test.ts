// Access control (access.ts A1–A5, permissions.ts P1–P2): statements, jobs, settings and user
// management are checked in the engine against the session user's roles; a refusal names the
// user and the missing permission, changes nothing and is audited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { isOmbraError, type OmbraError } from '../../src/errors.js';
import { statementNeeds } from '../../src/security/permissions.js';
import { QueryEngine } from '../../src/cypher/engine.js';
import { GraphReader } from '../../src/graph/reader.js';
import { GraphShared } from '../../src/graph/shared.js';
import { queryAuditLog, verifyAuditLog, type AuditRecord } from '../../src/security/audit.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { cleanupAll, openDb, snapshotDir, workDir } from './support.js';

afterEach(cleanupAll);

async function refusal(body: () => unknown): Promise<OmbraError> {
  try {
    await body();
  } catch (error) {
    if (isOmbraError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function audit(path: string): AuditRecord[] {
  return queryAuditLog(new RealFileSystem(), path);
}

/** A database with access control on, an admin 'root', a 'reader' (readonly) and a 'writer' (user). */
async function secured(dir: string, extra: Parameters<typeof openDb>[1] = {}): Promise<{ db: Database; path: string; log: string }> {
  const path = join(dir, 'ac.db');
  const log = join(dir, 'audit.jsonl');
  const db = openDb(path, { accessControl: true, auditLogFile: log, user: 'root', ...extra });
  db.security.createUser('root', ['admin']); // bootstrap (A3)
  db.security.createUser('reader', ['readonly']);
  db.security.createUser('writer', ['user']);
  db.query("CREATE (:Person {name: 'Ada'})-[:KNOWS]->(:Person {name: 'Bob'})");
  return { db, path, log };
}

describe('permissions of statements (P1)', () => {
  it('reads need Read; CREATE/MERGE/SET/REMOVE need Write; DELETE needs Delete; index changes need Configure', async () => {
    const db = Database.open(':memory:', { logLevel: 'silent' });
    const engine = new QueryEngine();
    const txn = db.pager.beginRead();
    const graph = new GraphReader(txn, new GraphShared());
    const needs = (text: string) => statementNeeds(engine.prepare(text, graph).statement);
    expect(needs('MATCH (n) RETURN n')).toEqual({ permissions: ['read'], action: 'read' });
    expect(needs('CREATE (n:A)')).toEqual({ permissions: ['read', 'write'], action: 'write' });
    expect(needs('MERGE (n:A {k: 1})')).toMatchObject({ permissions: ['read', 'write'] });
    expect(needs('MATCH (n) SET n.x = 1')).toMatchObject({ permissions: ['read', 'write'] });
    expect(needs('MATCH (n) REMOVE n.x')).toMatchObject({ permissions: ['read', 'write'] });
    expect(needs('MATCH (n) DETACH DELETE n')).toEqual({ permissions: ['read', 'delete'], action: 'delete' });
    expect(needs('MATCH (n) SET n.x = 1 DELETE n')).toEqual({ permissions: ['read', 'write', 'delete'], action: 'delete' });
    expect(needs('UNWIND [1] AS x FOREACH (y IN [x] | CREATE (:B))')).toMatchObject({ permissions: ['read', 'write'] });
    expect(needs('CREATE INDEX FOR (p:Person) ON (p.name)')).toEqual({ permissions: ['read', 'configure'], action: 'schema' });
    expect(needs('SHOW INDEXES')).toEqual({ permissions: ['read'], action: 'read' });
    txn.end();
    await db.close();
  });
});

describe('access control', () => {
  it('is off by default: every session may do everything, users can still be managed, health says so', async () => {
    const dir = workDir();
    const db = openDb(join(dir, 'open.db'), { user: 'nobody' });
    expect(db.security.accessControl).toBe(false);
    db.query("CREATE (:T {v: 1})");
    db.query('MATCH (t:T) DETACH DELETE t');
    await db.backup({ dir: join(dir, 'b') });
    db.security.createUser('alice', ['readonly']);
    expect(db.asUser('alice').query("CREATE (:T {v: 2})").stats.nodesCreated).toBe(1); // A1: not enforced
    const check = db.health().checks.find((c) => c.name === 'access_control')!;
    expect(check.message).toMatch(/^access control is off .*every session may/);
    expect(check.status).toBe('healthy');
    await db.close();
  });

  it('bootstrap (A3): with no user yet only creating an administrator is allowed', async () => {
    const dir = workDir();
    const db = openDb(join(dir, 'boot.db'), { accessControl: true, user: 'ops' });
    expect((await refusal(() => db.query('MATCH (n) RETURN n'))).code).toBe('PERMISSION_DENIED');
    expect((await refusal(() => db.security.createUser('bob', ['user']))).code).toBe('PERMISSION_DENIED');
    expect((await refusal(() => db.checkpoint())).code).toBe('PERMISSION_DENIED');
    db.security.createUser('ops', ['admin']);
    expect(db.query('MATCH (n) RETURN count(n) AS c').rows).toEqual([[0n]]);
    expect((await refusal(() => db.asUser('stranger').query('RETURN 1'))).code).toBe('AUTH_UNKNOWN_USER');
    expect(db.health().checks.find((c) => c.name === 'access_control')!.message).toMatch(/^access control is on/);
    await db.close();
  });

  it("refuses a readonly user's CREATE, SET, DELETE, index change, backup, checkpoint, compaction and settings; changes nothing; audits each refusal", async () => {
    const dir = workDir();
    const { db, path, log } = await secured(dir);
    await db.checkpoint('truncate');
    const reader = db.asUser('reader');
    const before = snapshotDir(dir);
    const auditBefore = audit(log).length;
    const statements = [
      ["CREATE (:Person {name: 'Eve'})", 'write', 'Write'],
      ["MATCH (p:Person {name: 'Ada'}) SET p.age = 36", 'write', 'Write'],
      ["MATCH (p:Person {name: 'Ada'}) DETACH DELETE p", 'delete', 'Delete'],
      ['CREATE INDEX FOR (p:Person) ON (p.name)', 'schema', 'Configure'],
    ] as const;
    for (const [text, action, missing] of statements) {
      const error = await refusal(() => reader.query(text));
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toContain("user 'reader'");
      expect(error.message).toContain(`lacks the ${missing} permission`);
      expect(error.details).toMatchObject({ user: 'reader', permission: missing.toLowerCase(), action });
    }
    for (const job of [() => reader.backup({ dir: join(dir, 'b') }), () => reader.checkpoint(), () => reader.compact(), () => reader.configure({ slowOperationMs: 5 })]) {
      expect((await refusal(job)).code).toBe('PERMISSION_DENIED');
    }
    const tx = reader.begin();
    expect((await refusal(() => tx.query("CREATE (:Person {name: 'Tx'})"))).code).toBe('PERMISSION_DENIED');
    tx.rollback();
    expect(reader.query('MATCH (p:Person) RETURN p.name AS n ORDER BY n').rows).toEqual([['Ada'], ['Bob']]); // reads are allowed
    expect(snapshotDir(dir)).toEqual({ ...before, [log]: snapshotDir(dir)[log]! }); // only the audit log changed
    const denied = audit(log).slice(auditBefore);
    expect(denied.map((r) => [r.user, r.action, r.outcome])).toEqual([
      ['reader', 'write', 'denied'],
      ['reader', 'write', 'denied'],
      ['reader', 'delete', 'denied'],
      ['reader', 'schema', 'denied'],
      ['reader', 'backup', 'denied'],
      ['reader', 'checkpoint', 'denied'],
      ['reader', 'compact', 'denied'],
      ['reader', 'configure', 'denied'],
      ['reader', 'write', 'denied'],
    ]);
    expect(denied[0]!.detail).toBe('missing Write');
    expect(denied[2]!.detail).toBe('missing Delete');
    expect(denied[4]!.target).toContain('backup to');
    expect(verifyAuditLog(new RealFileSystem(), log).ok).toBe(true);
    await db.close();
  });

  it("allows an admin's CREATE, SET, DELETE, index change, backup, checkpoint and compaction, and audits each with its outcome and LSN", async () => {
    const dir = workDir();
    const { db, log } = await secured(dir);
    const start = audit(log).length;
    db.query("CREATE (:Person {name: 'Eve'})");
    db.query("MATCH (p:Person {name: 'Eve'}) SET p.age = 30");
    db.query("MATCH (p:Person {name: 'Eve'}) DETACH DELETE p");
    db.query('CREATE INDEX FOR (p:Person) ON (p.name)');
    db.query("MATCH (p:Person {name: 'Nobody'}) SET p.x = 1"); // writes nothing: no LSN
    await db.backup({ dir: join(dir, 'b') });
    await db.checkpoint('full');
    await db.compact();
    const records = audit(log).slice(start);
    expect(records.map((r) => [r.user, r.action, r.outcome])).toEqual([
      ['root', 'write', 'ok'],
      ['root', 'write', 'ok'],
      ['root', 'delete', 'ok'],
      ['root', 'schema', 'ok'],
      ['root', 'write', 'ok'],
      ['root', 'backup', 'ok'],
      ['root', 'checkpoint', 'ok'],
      ['root', 'compact', 'ok'],
    ]);
    const lsns = records.slice(0, 4).map((r) => BigInt(r.txn!));
    expect(lsns).toEqual([...lsns].sort((a, b) => (a < b ? -1 : 1)));
    expect(records[4]!.txn).toBeNull();
    expect(records[0]!.target).toBe("CREATE (:Person {name: 'Eve'})");
    expect(records[5]!.txn).not.toBeNull(); // the backup's snapshot LSN
    expect(records[7]!.txn).not.toBeNull(); // the compaction's LSN
    await db.close();
  });

  it('the user role writes and deletes but may not back up or change the schema; grants and revokes take effect at once', async () => {
    const dir = workDir();
    const { db } = await secured(dir);
    const writer = db.asUser('writer');
    writer.query("CREATE (:Person {name: 'Wu'})");
    writer.query("MATCH (p:Person {name: 'Wu'}) DETACH DELETE p");
    expect((await refusal(() => writer.backup({ dir: join(dir, 'b') }))).details.permission).toBe('backup');
    expect((await refusal(() => writer.query('CREATE INDEX FOR (p:Person) ON (p.name)'))).details.permission).toBe('configure');
    expect((await refusal(() => writer.security.grant('admin', 'writer'))).code).toBe('PERMISSION_DENIED'); // only Admin manages users
    db.security.createRole('operator', ['read', 'backup']);
    db.security.grant('operator', 'writer');
    expect((await writer.backup({ dir: join(dir, 'b') })).kind).toBe('full');
    db.security.revoke('user', 'writer');
    expect((await refusal(() => writer.query("CREATE (:Person {name: 'No'})"))).details.permission).toBe('write');
    expect(db.security.getUser('writer')).toMatchObject({ roles: ['operator'], permissions: ['read', 'backup'] });
    expect((await refusal(() => db.security.dropRole('operator'))).message).toContain('held by writer');
    db.security.dropUser('writer');
    expect((await refusal(() => writer.query('RETURN 1'))).code).toBe('AUTH_UNKNOWN_USER');
    db.security.dropRole('operator');
    expect(db.security.listRoles().map((r) => r.name)).toEqual(['admin', 'user', 'readonly']);
    expect((await refusal(() => db.security.dropRole('admin'))).code).toBe('INVALID_ARGUMENT');
    expect((await refusal(() => db.security.createUser('bad name!'))).code).toBe('INVALID_ARGUMENT');
    expect((await refusal(() => db.security.createUser('x', ['nosuchrole']))).code).toBe('INVALID_ARGUMENT');
    expect((await refusal(() => db.asUser('reader').security.listUsers())).code).toBe('PERMISSION_DENIED');
    expect(db.security.listUsers().map((u) => u.name)).toEqual(['reader', 'root']);
    await db.close();
  });

  it('explicit transactions, prepared statements and streams run as the user that made them, even after the call returns', async () => {
    const dir = workDir();
    const { db, log } = await secured(dir);
    const start = audit(log).length;
    const reader = db.asUser('reader');
    const insert = reader.prepare("CREATE (:Person {name: 'Prep'})");
    expect((await refusal(() => insert.run())).details.user).toBe('reader');
    const stream = reader.prepare('MATCH (p:Person) RETURN p.name AS n').stream();
    expect([...stream]).toHaveLength(2);

    const tx = db.asUser('writer').begin();
    tx.query("CREATE (:Person {name: 'T1'})");
    tx.query("MATCH (p:Person {name: 'T1'}) SET p.v = 1");
    const commit = tx.commit()!;
    const rolled = db.asUser('writer').begin();
    rolled.query("CREATE (:Person {name: 'T2'})");
    rolled.rollback();
    await db.security.runAs('writer', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      db.query("CREATE (:Person {name: 'Later'})"); // AsyncLocalStorage carries the user across awaits
    });
    const records = audit(log).slice(start);
    expect(records.map((r) => [r.user, r.action, r.outcome, r.txn])).toEqual([
      ['reader', 'write', 'denied', null],
      ['writer', 'write', 'ok', String(commit.lsn)],
      ['writer', 'write', 'ok', String(commit.lsn)],
      ['writer', 'write', 'rolled-back', null],
      ['writer', 'write', 'ok', String(commit.lsn + 1n)],
    ]);
    expect(db.query("MATCH (p:Person {name: 'T2'}) RETURN p").rows).toEqual([]);
    await db.close();
  });

  it('restore run on a database job registry needs Admin; settings, maintenance mode and breaker reset need Configure', async () => {
    const dir = workDir();
    const { db, log } = await secured(dir);
    await db.backup({ dir: join(dir, 'b') });
    const reader = db.asUser('reader');
    await expect(db.security.runAs('writer', () => Database.restore({ dir: join(dir, 'b'), out: join(dir, 'r.db') }, db.jobs))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const report = await Database.restore({ dir: join(dir, 'b'), out: join(dir, 'r.db') }, db.jobs);
    expect(report.verify.ok).toBe(true);
    expect((await refusal(() => reader.setMaintenanceMode(true))).code).toBe('PERMISSION_DENIED');
    expect(db.maintenanceMode).toBe(false);
    db.setMaintenanceMode(true);
    db.setMaintenanceMode(false);
    db.configure({ auditScope: 'all' });
    const actions = audit(log).map((r) => `${r.user}:${r.action}:${r.outcome}`);
    expect(actions).toContain('writer:restore:denied');
    expect(actions).toContain('root:restore:ok');
    expect(actions.filter((a) => a === 'root:configure:ok')).toHaveLength(3);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).length).toBe(actions.length);
    await db.close();
  });
});
