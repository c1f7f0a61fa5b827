// ombra user add DB NAME [--role ROLE]...       create a user (default role: user)
// ombra user drop DB NAME
// ombra user grant DB NAME ROLE                  give NAME the role ROLE
// ombra user revoke DB NAME ROLE
// ombra user list DB [--format text|json]        users with roles and permissions; roles
// Every subcommand: [--user SESSION_USER] [--key-file FILE] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
//
// Users and roles live in the database (src/security/access.ts). Changing them needs the
// Admin permission when access control is on; while no user exists, anyone may create the
// first administrator (`ombra user add DB alice --role admin`).
import type { Command } from 'commander';
import type { Database } from '../../src/database.js';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import type { UserInfo } from '../../src/security/access.js';

type Flags = ConfigFlags & { format?: string };

async function withDatabase<T>(io: CliIo, dbPath: string, flags: Flags, readOnly: boolean, body: (db: Database) => T | Promise<T>): Promise<T> {
  const options = openOptionsFrom(loadCliConfig(flags, io));
  const db = openForCommand(dbPath, readOnly ? { ...options, readOnly: true } : options);
  try {
    return await body(db);
  } finally {
    await db.close();
  }
}

function userLine(user: UserInfo): string {
  return `${user.name}: roles ${user.roles.join(', ') || '(none)'}; permissions ${user.permissions.join(', ') || '(none)'}\n`;
}

export function registerUser(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const user = program.command('user').description('manage the users and roles stored in a database');

  const add = user
    .command('add')
    .description('create a user (Admin; anyone may create the first administrator)')
    .argument('<db>', 'database file')
    .argument('<name>', 'user name')
    .option('--role <role>', 'role to give (repeatable; default: user)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(add).action(async (dbPath: string, name: string, flags: Flags & { role?: string[] }) => {
    const format = parseFormat(flags.format ?? 'text', ['text', 'json'] as const);
    const created = await withDatabase(io, dbPath, flags, false, (db) => db.security.createUser(name, flags.role ?? ['user']));
    io.stdout.write(format === 'json' ? `${toJson(created)}\n` : `created ${userLine(created)}`);
    setExit(EXIT.ok);
  });

  const drop = user.command('drop').description('remove a user (Admin)').argument('<db>', 'database file').argument('<name>', 'user name');
  addConfigOptions(drop).action(async (dbPath: string, name: string, flags: Flags) => {
    await withDatabase(io, dbPath, flags, false, (db) => db.security.dropUser(name));
    io.stdout.write(`dropped user ${name}\n`);
    setExit(EXIT.ok);
  });

  for (const [verb, description] of [
    ['grant', 'give a user a role (Admin)'],
    ['revoke', 'take a role from a user (Admin)'],
  ] as const) {
    const command = user
      .command(verb)
      .description(description)
      .argument('<db>', 'database file')
      .argument('<name>', 'user name')
      .argument('<role>', 'role: admin, user, readonly or a custom role')
      .option('--format <format>', 'output format: text or json', 'text');
    addConfigOptions(command).action(async (dbPath: string, name: string, role: string, flags: Flags) => {
      const format = parseFormat(flags.format ?? 'text', ['text', 'json'] as const);
      const changed = await withDatabase(io, dbPath, flags, false, (db) => (verb === 'grant' ? db.security.grant(role, name) : db.security.revoke(role, name)));
      io.stdout.write(format === 'json' ? `${toJson(changed)}\n` : userLine(changed));
      setExit(EXIT.ok);
    });
  }

  const list = user
    .command('list')
    .description('list users (one JSON object per user with --format json) and roles')
    .argument('<db>', 'database file')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(list).action(async (dbPath: string, flags: Flags) => {
    const format = parseFormat(flags.format ?? 'text', ['text', 'json'] as const);
    const { users, roles, status } = await withDatabase(io, dbPath, flags, true, (db) => ({ users: db.security.listUsers(), roles: db.security.listRoles(), status: db.security.status() }));
    if (format === 'json') {
      for (const u of users) io.stdout.write(`${toJson(u)}\n`);
    } else {
      io.stdout.write(`access control is ${status.accessControl ? 'on' : 'off'}; ${users.length} user(s); this session runs as ${status.currentUser}\n`);
      for (const u of users) io.stdout.write(`  ${userLine(u)}`);
      io.stdout.write(`roles: ${roles.map((r) => `${r.name} (${r.permissions.join(', ')})`).join('; ')}\n`);
    }
    setExit(EXIT.ok);
  });
}
