// :users, :user, :grant, :revoke, :audit — users, roles and the audit log of the open database
// (src/security/). The engine decides: every command here calls db.security, which checks the
// session user (`--user`, else the OS user mapped by config userMap) and audits refusals, so the
// console grants nothing the API would not.
//
//   :users                           users with roles and permissions, the roles, whether access
//                                    control is on and who this session runs as (Admin)
//   :user                            who this session runs as, and whether access control is on
//   :user add NAME [ROLE]...         create a user (default role: user); while no user exists,
//                                    anyone may create the first administrator (access.ts A3)
//   :user drop NAME                  remove a user (Admin)
//   :grant ROLE TO USER              give USER the role ROLE (Admin)
//   :revoke ROLE FROM USER           take ROLE from USER (Admin)
//   :audit [--since T] [--until T] [--user U] [--action A] [--outcome O] [--last N]
//                                    the newest N (default 50) matching records, oldest first (Admin)
//   :audit verify                    check the hash chain; AUDIT_TAMPERED names the first bad line
// In json format :audit prints one record per line (as stored, like `ombra audit --format
// json`); the other commands print one report object.

import type { Database } from '../../src/database.js';
import { AUDIT_OUTCOMES, assertAuditIntact, type AuditOutcome, type AuditQuery } from '../../src/security/audit.js';
import type { UserInfo } from '../../src/security/access.js';
import { BUILTIN_ROLES } from '../../src/security/permissions.js';
import { recordText } from '../commands/audit.js';
import { splitWords, type AdminCommand } from './types.js';
import { noArguments, usageError } from './usage.js';

const ROLE_NAMES = Object.keys(BUILTIN_ROLES);
const AUDIT_LAST_DEFAULT = 50;

function userLine(user: UserInfo): string {
  return `${user.name}: roles ${user.roles.join(', ') || '(none)'}; permissions ${user.permissions.join(', ') || '(none)'}`;
}

/** The first line of :users and :user: what the engine enforces, and for whom this session acts. */
export function sessionLine(db: Database): string {
  const status = db.security.status();
  const access = status.accessControl
    ? 'access control is on'
    : 'access control is off (every session may read, write, delete, back up and configure; set accessControl = true to enforce users and roles)';
  return `${access}; this session runs as ${status.currentUser}; ${status.users} user(s)`;
}

const users: AdminCommand = {
  name: 'users',
  usage: ':users',
  summary: 'the users with their roles and permissions, the roles, and who this session runs as (Admin)',
  async run(ctx) {
    noArguments(users, ctx.args);
    const list = ctx.db.security.listUsers(); // Admin (a refusal is audited)
    const roles = ctx.db.security.listRoles();
    const status = ctx.db.security.status();
    const lines = [sessionLine(ctx.db), ...list.map((u) => `  ${userLine(u)}`), `roles: ${roles.map((r) => `${r.name} (${r.permissions.join(', ')})`).join('; ')}`];
    await ctx.report('users', { accessControl: status.accessControl, currentUser: status.currentUser, users: list, roles }, lines.join('\n'));
  },
};

const user: AdminCommand = {
  name: 'user',
  usage: ':user [add NAME [ROLE]... | drop NAME]',
  summary: 'alone, who this session runs as; add creates a user (default role: user), drop removes one (Admin)',
  complete: (index, previous) => (index === 0 ? ['add', 'drop'] : index >= 2 && previous[0] === 'add' ? ROLE_NAMES : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length === 0) return ctx.text(sessionLine(ctx.db), 'err');
    const verb = words[0]!.toLowerCase();
    if (verb === 'add') {
      if (words.length < 2) throw usageError(user, 'give the new user a name', { args: ctx.args });
      const roles = words.slice(2);
      const created = ctx.db.security.createUser(words[1]!, roles.length === 0 ? ['user'] : roles);
      return ctx.report('user', created, `created ${userLine(created)}`);
    }
    if (verb === 'drop') {
      if (words.length !== 2) throw usageError(user, 'give one user name', { args: ctx.args });
      ctx.db.security.dropUser(words[1]!);
      return ctx.text(`dropped user ${words[1]}`, 'err');
    }
    throw usageError(user, `unknown subcommand '${words[0]}'`, { subcommand: words[0] });
  },
};

/** `:grant ROLE TO USER` / `:revoke ROLE FROM USER`: the role and the user. */
function roleAndUser(command: AdminCommand, args: string, preposition: 'to' | 'from'): { role: string; user: string } {
  const words = splitWords(args);
  if (words.length !== 3 || words[1]!.toLowerCase() !== preposition) {
    throw usageError(command, `expected ROLE ${preposition.toUpperCase()} USER (got '${args}')`, { args });
  }
  return { role: words[0]!, user: words[2]! };
}

const grant: AdminCommand = {
  name: 'grant',
  usage: ':grant ROLE TO USER',
  summary: 'give a user a role: admin, user, readonly or a custom role (Admin)',
  complete: (index) => (index === 0 ? ROLE_NAMES : index === 1 ? ['TO'] : 'none'),
  async run(ctx) {
    const { role, user: name } = roleAndUser(grant, ctx.args, 'to');
    const changed = ctx.db.security.grant(role, name);
    await ctx.report('user', changed, userLine(changed));
  },
};

const revoke: AdminCommand = {
  name: 'revoke',
  usage: ':revoke ROLE FROM USER',
  summary: 'take a role from a user (Admin)',
  complete: (index) => (index === 0 ? ROLE_NAMES : index === 1 ? ['FROM'] : 'none'),
  async run(ctx) {
    const { role, user: name } = roleAndUser(revoke, ctx.args, 'from');
    const changed = ctx.db.security.revoke(role, name);
    await ctx.report('user', changed, userLine(changed));
  },
};

const AUDIT_FLAGS = ['--since', '--until', '--user', '--action', '--outcome', '--last'] as const;

/** The filters and the count of `:audit` arguments. */
function auditArguments(args: string): { query: AuditQuery; last: number } {
  const words = splitWords(args);
  const query: AuditQuery = {};
  let last = AUDIT_LAST_DEFAULT;
  for (let i = 0; i < words.length; i += 2) {
    const flag = words[i]!;
    const value = words[i + 1];
    if (!(AUDIT_FLAGS as readonly string[]).includes(flag)) throw usageError(audit, `unknown option '${flag}'`, { option: flag });
    if (value === undefined) throw usageError(audit, `${flag} needs a value`, { option: flag });
    if ((flag === '--since' || flag === '--until') && Number.isNaN(Date.parse(value))) {
      throw usageError(audit, `${flag} must be an ISO-8601 time such as 2024-05-01T12:00:00Z (got '${value}')`, { option: flag, value });
    }
    if (flag === '--since') query.since = value;
    else if (flag === '--until') query.until = value;
    else if (flag === '--user') query.user = value;
    else if (flag === '--action') query.action = value;
    else if (flag === '--outcome') {
      if (!(AUDIT_OUTCOMES as readonly string[]).includes(value)) throw usageError(audit, `--outcome must be one of ${AUDIT_OUTCOMES.join(', ')} (got '${value}')`, { option: flag, value });
      query.outcome = value as AuditOutcome;
    } else {
      last = Number(value);
      if (!Number.isSafeInteger(last) || last <= 0) throw usageError(audit, `--last must be a positive whole number (got '${value}')`, { option: flag, value });
    }
  }
  return { query, last };
}

const audit: AdminCommand = {
  name: 'audit',
  usage: ':audit [verify | --since T --until T --user U --action A --outcome O --last N]',
  summary: `the newest audit records (default ${AUDIT_LAST_DEFAULT}), filtered; verify checks the hash chain (Admin)`,
  complete: (index, previous) => {
    if (index === 0) return ['verify', ...AUDIT_FLAGS];
    if (previous[0] === 'verify') return 'none';
    if (index % 2 === 0) return AUDIT_FLAGS;
    return previous[index - 1] === '--outcome' ? AUDIT_OUTCOMES : [];
  },
  async run(ctx) {
    if (ctx.args.toLowerCase() === 'verify') {
      const report = ctx.db.security.verifyAudit();
      assertAuditIntact(report); // AUDIT_TAMPERED names the first bad line
      return ctx.report('audit verify', report, `audit log ${report.path}: ${report.records} record(s), chain intact; head ${report.head}`);
    }
    const { query, last } = auditArguments(ctx.args);
    const all = ctx.db.security.auditRecords(query);
    const shown = all.slice(-last);
    // JSON: one record per line, as stored and as `ombra audit --format json` prints them.
    if (ctx.state.format === 'json') {
      if (shown.length > 0) await ctx.text(shown.map((r) => JSON.stringify(r)).join('\n'));
      return;
    }
    const lines = shown.map((r) => recordText(r).trimEnd());
    if (all.length > shown.length) lines.unshift(`(${all.length - shown.length} older matching record(s) not shown: use --last or --since)`);
    if (all.length === 0) lines.push('(no matching audit records)');
    await ctx.report('audit', shown, lines.join('\n'));
  },
};

export const SECURITY_COMMANDS: readonly AdminCommand[] = [users, user, grant, revoke, audit];

