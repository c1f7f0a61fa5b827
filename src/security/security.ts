// The security of one open database (db.security): who the session user is, whether an
// action is allowed (access.ts), and what the audit log records (audit.ts).
//
// WHERE ACCESS IS CHECKED (every path that acts on the database; access.ts A1–A5)
//   statements   src/query calls checkStatement() with the prepared statement before it runs
//                (autocommit reads and writes, prepared runs and streams, explicit
//                transactions) and recordStatement() once a writing statement's outcome is
//                known; the permissions come from the bound statement (permissions.ts P1)
//   jobs         the database's JobRegistry asks admitJob() before any job exists (checkpoint,
//                compact, backup, verify, restore on db.jobs, rekey, ...) and reports its end
//   settings     Database.configure, maintenance mode, breaker reset: authorize('configure')
//   users/roles  the management methods below: authorize('admin') (A3 for the first admin)
//
// THE SESSION USER: runAs(user, fn) (and the session views of asUser()) make `user` the current
// user for everything fn starts, awaits included (AsyncLocalStorage); outside, it is the
// database's default user: the `user` open option (the CLI's --user), else the OS user mapped
// through config userMap ("os=db,...", '*' for any other OS user), else the OS user's name
// (characters a user name cannot hold become '_'). Query sessions, transactions and prepared
// statements capture their user when created.
//
// AUDIT: records are written after the outcome is known (audit.ts Durability). An audit record
// that cannot be written never changes the outcome of the action (the change may already be
// durable): it is counted in auditFailures and logged as an error.

import { AsyncLocalStorage } from 'node:async_hooks';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { OmbraConfig } from '../config.js';
import type { PreparedQuery } from '../cypher/engine.js';
import { ConfigError, SecurityError, toOmbraError } from '../errors.js';
import type { JobInfo, JobKind } from '../ops/job-types.js';
import type { Pager, WriteTransaction } from '../storage/pager.js';
import type { FileSystem, Lsn } from '../storage/types.js';
import * as access from './access.js';
import { AuditLog, AuditScope, queryAuditLog, verifyAuditLog, ZERO_HASH, type AuditEntry, type AuditOutcome, type AuditQuery, type AuditRecord, type AuditVerifyReport } from './audit.js';
import { JOB_PERMISSION, permissionLabel, statementNeeds, type Permission } from './permissions.js';

/** How a writing statement ended, for recordStatement. */
export type StatementOutcome = { lsn: Lsn; pagesWritten: number } | { error: unknown } | { rolledBack: true };

/** What src/query needs from security (QueryHost.guard). */
export interface StatementGuard {
  /** Throws (and audits) AUTH_UNKNOWN_USER / PERMISSION_DENIED unless `user` may run `prepared`. Cost: nothing when access control is off. */
  checkStatement(user: string, prepared: PreparedQuery): void;
  /** Audit a writing statement's outcome (reads are not recorded). */
  recordStatement(user: string, prepared: PreparedQuery, outcome: StatementOutcome): void;
}

export interface SecurityOptions {
  pager: Pager;
  /** Where the audit log lives (the database's file system, or the real one for ':memory:'). */
  fs: FileSystem;
  /** The database's live settings (accessControl, auditLogFile, userMap fixed; auditScope live). */
  settings: Readonly<OmbraConfig>;
  /** The `user` open option (CLI --user). */
  user?: string;
  /** Throws unless the database accepts a change now (read-only, maintenance, closed...). */
  assertWritable: () => void;
  /** Errors that have no caller: audit records that could not be written. */
  onError: (error: unknown, what: string) => void;
}

export interface SecurityStatus {
  accessControl: boolean;
  defaultUser: string;
  currentUser: string;
  users: number;
  auditLogFile: string | null;
  auditScope: string | null;
  auditFailures: number;
}

export class Security implements StatementGuard {
  readonly accessControl: boolean;
  readonly defaultUser: string;
  readonly audit: AuditLog | null;
  private readonly context = new AsyncLocalStorage<string>();
  private readonly pager: Pager;

  constructor(private readonly options: SecurityOptions) {
    const { settings } = options;
    this.pager = options.pager;
    this.accessControl = settings.accessControl;
    this.defaultUser = options.user !== undefined ? access.checkName(options.user, 'user') : osSessionUser(settings.userMap);
    this.audit = null;
    if (settings.auditLogFile !== '') {
      try {
        new AuditScope(settings.auditScope);
      } catch (error) {
        throw new ConfigError('CONFIG_INVALID', toOmbraError(error).message, { key: 'auditScope', value: settings.auditScope });
      }
      if (!options.fs.exists(dirname(settings.auditLogFile))) {
        throw new ConfigError('CONFIG_INVALID', `the directory of auditLogFile ${settings.auditLogFile} does not exist`, { key: 'auditLogFile', value: settings.auditLogFile });
      }
      this.audit = new AuditLog(options.fs, settings.auditLogFile, settings.auditScope);
    }
  }

  // ── the session user ──────────────────────────────────────────────────────

  /** The user actions run as now (header: THE SESSION USER). */
  currentUser(): string {
    return this.context.getStore() ?? this.defaultUser;
  }

  /** Run `fn` (and everything it starts) as `user`. */
  runAs<T>(user: string, fn: () => T): T {
    access.checkName(user, 'user');
    return this.context.run(user, fn);
  }

  // ── decisions ─────────────────────────────────────────────────────────────

  /** Whether `user` may act with `permission` now (no audit, no throw). */
  can(user: string, permission: Permission): boolean {
    if (!this.accessControl) return true;
    return this.decide(user, permission, false).allowed;
  }

  /**
   * Throw unless the current user may `action` `target` with `permission`; a refusal is
   * audited and changes nothing (A4). Cost: a read snapshot and a B+tree lookup when access
   * control is on; nothing when it is off.
   */
  authorize(permission: Permission, action: string, target: string, options: { bootstrapAdmin?: boolean } = {}): string {
    const user = this.currentUser();
    this.authorizeUser(user, permission, action, target, options.bootstrapAdmin ?? false);
    return user;
  }

  /** Throw (audited) unless `user` holds every permission in `permissions`; one read snapshot for all. */
  private authorizeUser(user: string, permissions: Permission | readonly Permission[], action: string, target: string, bootstrapAdmin = false): void {
    if (!this.accessControl) return;
    const list = typeof permissions === 'string' ? [permissions] : permissions;
    const refused = this.read((txn) => {
      for (const permission of list) {
        const decision = access.decide(txn, user, permission, bootstrapAdmin);
        if (!decision.allowed) return { permission, decision };
      }
      return null;
    });
    if (refused === null) return;
    const { permission, decision } = refused;
    this.record({ user, action, target, outcome: 'denied', detail: `missing ${permissionLabel(permission)}` });
    throw new SecurityError(decision.code, `${action} refused: ${decision.reason}`, { user, permission, action, target: target.slice(0, 200), roles: decision.roles });
  }

  private decide(user: string, permission: Permission, bootstrapAdmin: boolean): access.Decision {
    return this.read((txn) => access.decide(txn, user, permission, bootstrapAdmin));
  }

  // ── statements (StatementGuard) ───────────────────────────────────────────

  checkStatement(user: string, prepared: PreparedQuery): void {
    if (!this.accessControl) return;
    const needs = statementNeeds(prepared.statement);
    this.authorizeUser(user, needs.permissions, needs.action, prepared.text);
  }

  recordStatement(user: string, prepared: PreparedQuery, outcome: StatementOutcome): void {
    if (this.audit === null || !prepared.isWrite) return;
    const action = statementNeeds(prepared.statement).action;
    if ('lsn' in outcome) this.record({ user, action, target: prepared.text, outcome: 'ok', txn: outcome.pagesWritten > 0 ? outcome.lsn : null });
    else if ('error' in outcome) this.record({ user, action, target: prepared.text, outcome: 'failed', detail: toOmbraError(outcome.error).code });
    else this.record({ user, action, target: prepared.text, outcome: 'rolled-back' });
  }

  // ── jobs (ops/job.ts JobGuard) ────────────────────────────────────────────

  /** Refuse a job the current user may not run (audited); else a callback that audits its end. */
  admitJob(spec: { kind: JobKind; description: string }): ((info: JobInfo) => void) | undefined {
    const user = this.currentUser();
    this.authorizeUser(user, JOB_PERMISSION[spec.kind], spec.kind, spec.description);
    if (this.audit === null) return undefined;
    return (info) => {
      const outcome: AuditOutcome = info.state === 'succeeded' ? 'ok' : info.state === 'cancelled' ? 'cancelled' : 'failed';
      this.record({ user, action: spec.kind, target: spec.description, outcome, txn: reportLsn(info.report), detail: info.error?.code ?? null });
    };
  }

  // ── settings ──────────────────────────────────────────────────────────────

  /** Validate live changes that concern security (auditScope) before they are applied. */
  validateSettings(changes: Partial<OmbraConfig>): void {
    if (changes.auditScope !== undefined) new AuditScope(changes.auditScope);
  }

  /** Apply live changes (after validateSettings). */
  applySettings(changes: Partial<OmbraConfig>): void {
    if (changes.auditScope !== undefined) this.audit?.setScope(changes.auditScope);
  }

  // ── users and roles (Admin; A3 for the first administrator) ────────────────

  /** Every user with roles and permissions. Needs Admin (a refusal is audited; a listing is not). */
  listUsers(): access.UserInfo[] {
    this.authorize('admin', 'user.list', 'users');
    return this.read((txn) => access.listUsers(txn));
  }

  listRoles(): access.RoleInfo[] {
    return this.read((txn) => access.listRoles(txn));
  }

  getUser(name: string): access.UserInfo | null {
    return this.read((txn) => access.getUser(txn, name));
  }

  /** Create a user with `roles` (default ['user']). Cost: one durable commit. */
  createUser(name: string, roles: readonly string[] = ['user']): access.UserInfo {
    access.checkName(name, 'user');
    return this.change('user.create', `${name} (${roles.join(', ')})`, { bootstrapAdmin: roles.includes('admin') }, (txn) => access.insertUser(txn, name, roles, Date.now()));
  }

  dropUser(name: string): void {
    this.change('user.drop', name, {}, (txn) => access.removeUser(txn, name));
  }

  /** Give `user` the role `role` (`:grant ROLE TO USER`). */
  grant(role: string, user: string): access.UserInfo {
    return this.change('role.grant', `${role} to ${user}`, {}, (txn) => access.changeRoles(txn, user, role, true));
  }

  /** Take `role` from `user` (`:revoke ROLE FROM USER`). */
  revoke(role: string, user: string): access.UserInfo {
    return this.change('role.revoke', `${role} from ${user}`, {}, (txn) => access.changeRoles(txn, user, role, false));
  }

  createRole(name: string, permissions: readonly string[]): access.RoleInfo {
    return this.change('role.create', `${name} (${permissions.join(', ')})`, {}, (txn) => access.insertRole(txn, name, permissions, Date.now()));
  }

  dropRole(name: string): void {
    this.change('role.drop', name, {}, (txn) => access.removeRole(txn, name));
  }

  /** What `:health`, the dashboard and `ombra user list` show. */
  status(): SecurityStatus {
    return {
      accessControl: this.accessControl,
      defaultUser: this.defaultUser,
      currentUser: this.currentUser(),
      users: this.read((txn) => access.userCount(txn)),
      auditLogFile: this.audit?.path ?? null,
      auditScope: this.audit?.scope ?? null,
      auditFailures: this.audit?.failures ?? 0,
    };
  }

  private read<T>(body: (txn: ReturnType<Pager['beginRead']>) => T): T {
    const txn = this.pager.beginRead();
    try {
      return body(txn);
    } finally {
      txn.end();
    }
  }

  /** Authorise, change in one durable commit, audit (ok or failed). */
  private change<T>(action: string, target: string, options: { bootstrapAdmin?: boolean }, body: (txn: WriteTransaction) => T): T {
    const user = this.authorize('admin', action, target, options);
    let result: T;
    let lsn: Lsn | null = null;
    try {
      this.options.assertWritable();
      const txn = this.pager.beginWrite();
      try {
        result = body(txn);
        lsn = txn.commit().lsn;
      } catch (error) {
        if (!txn.isEnded) txn.rollback();
        throw error;
      }
    } catch (error) {
      this.record({ user, action, target, outcome: 'failed', detail: toOmbraError(error).code });
      throw error;
    }
    this.record({ user, action, target, outcome: 'ok', txn: lsn });
    return result;
  }

  // ── the audit log ─────────────────────────────────────────────────────────

  /**
   * Records of this database's audit log matching `query`, oldest first (console `:audit`).
   * Needs Admin (a refusal is audited; a reading is not). AUDIT_LOG_OFF when no auditLogFile
   * is configured. Cost: reads the whole log once.
   */
  auditRecords(query: AuditQuery = {}): AuditRecord[] {
    const path = this.auditLogPath('audit.query');
    return this.options.fs.exists(path) ? queryAuditLog(this.options.fs, path, query) : [];
  }

  /** Check the hash chain of this database's audit log (console `:audit verify`). Needs Admin. Cost: reads the log once. */
  verifyAudit(): AuditVerifyReport {
    const path = this.auditLogPath('audit.verify');
    if (!this.options.fs.exists(path)) return { path, ok: true, records: 0, head: ZERO_HASH, firstBad: null };
    return verifyAuditLog(this.options.fs, path);
  }

  private auditLogPath(action: string): string {
    this.authorize('admin', action, this.audit?.path ?? 'audit log');
    if (this.audit === null) {
      throw new SecurityError('AUDIT_LOG_OFF', 'this database keeps no audit log: set auditLogFile (ombra.toml, OMBRA_AUDIT_LOG_FILE or --set auditLogFile=PATH) and reopen it', {});
    }
    return this.audit.path;
  }

  /** Append a record (when the log is on and the action in scope); never throws. */
  record(entry: AuditEntry): void {
    const audit = this.audit;
    if (audit === null) return;
    try {
      audit.append(entry);
    } catch (error) {
      audit.failures++;
      this.options.onError(error, `audit record (${entry.action} by ${entry.user}: ${entry.outcome})`);
    }
  }

  /**
   * A view of `target` whose every method call and getter runs as `user` (runAs); nested
   * objects it hands out as properties (db.security, db.jobs) are views too.
   */
  sessionView<T extends object>(target: T, user: string): T {
    access.checkName(user, 'user');
    const views = new WeakMap<object, object>();
    const wrap = <O extends object>(object: O): O => {
      let view = views.get(object) as O | undefined;
      if (view !== undefined) return view;
      view = new Proxy(object, {
        get: (obj, prop) => {
          const value = this.context.run(user, () => Reflect.get(obj, prop, obj) as unknown);
          if (typeof value === 'function') return (...args: unknown[]) => this.context.run(user, () => (value as (...a: unknown[]) => unknown).apply(obj, args));
          if (isClassInstance(value)) return wrap(value);
          return value;
        },
      });
      views.set(object, view);
      return view;
    };
    return wrap(target);
  }
}

function isClassInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof Promise) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto !== null && proto !== Object.prototype;
}

function reportLsn(report: unknown): bigint | null {
  if (typeof report !== 'object' || report === null) return null;
  const r = report as { lsn?: unknown; toLsn?: unknown };
  if (typeof r.lsn === 'bigint') return r.lsn;
  if (typeof r.toLsn === 'bigint') return r.toLsn;
  return null;
}

/** The OS user's name mapped through config userMap ("os=db,...", '*=db' for any other). */
export function osSessionUser(userMap: string, osUser: string = currentOsUser()): string {
  const map = new Map<string, string>();
  for (const pair of userMap.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [from, to, ...rest] = pair.split('=').map((s) => s.trim());
    if (from === undefined || to === undefined || from === '' || to === '' || rest.length > 0) {
      throw new ConfigError('CONFIG_INVALID', `userMap '${userMap}': '${pair}' is not OS_USER=DB_USER`, { key: 'userMap', value: userMap });
    }
    map.set(from, to);
  }
  const mapped = map.get(osUser) ?? map.get('*');
  if (mapped === undefined) return usableName(osUser);
  try {
    return access.checkName(mapped, 'user');
  } catch {
    throw new ConfigError('CONFIG_INVALID', `userMap '${userMap}' maps OS user '${osUser}' to '${mapped}', which is not a valid user name`, { key: 'userMap', value: userMap });
  }
}

/** An OS user name as a database user name: characters a user name cannot hold become '_'. */
function usableName(osUser: string): string {
  let name = osUser.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 64);
  if (!/^[A-Za-z0-9_]/.test(name)) name = `_${name.slice(0, 63)}`;
  return name;
}

function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (containers): fall back to the environment, then the uid.
    return process.env.USER ?? process.env.LOGNAME ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
