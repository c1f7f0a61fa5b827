// ombra user add|drop|grant|revoke|list DB ... (shell/commands/user.ts)
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, cliEnv, openDb, workDir } from '../../security/support.js';

afterEach(cleanupAll);

describe('ombra user', () => {
  it('bootstraps an administrator, then manages users as that administrator; others are refused (exit 1)', async () => {
    const dir = workDir();
    const path = join(dir, 'u.db');
    await openDb(path).close();
    const on = ['--set', 'accessControl=true'];
    // No user yet: only an administrator may be created (by anyone).
    const first = await cliEnv({}, 'user', 'add', path, 'bob', ...on, '--user', 'bob');
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('PERMISSION_DENIED');
    const admin = await cliEnv({}, 'user', 'add', path, 'root', '--role', 'admin', ...on, '--user', 'root', '--format', 'json');
    expect(admin.code).toBe(0);
    expect(JSON.parse(admin.stdout)).toMatchObject({ name: 'root', roles: ['admin'], permissions: ['admin'] });
    expect((await cliEnv({}, 'user', 'add', path, 'bob', ...on, '--user', 'root')).stdout).toMatch(/^created bob: roles user; permissions read, write, delete/);
    expect((await cliEnv({}, 'user', 'add', path, 'carol', '--role', 'readonly', ...on, '--user', 'root')).code).toBe(0);

    const denied = await cliEnv({}, 'user', 'grant', path, 'bob', 'admin', ...on, '--user', 'bob');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/PERMISSION_DENIED: .*user 'bob' lacks the Admin permission/);
    const granted = await cliEnv({}, 'user', 'grant', path, 'carol', 'user', ...on, '--user', 'root');
    expect(granted.stdout).toBe('carol: roles readonly, user; permissions read, write, delete\n');
    expect((await cliEnv({}, 'user', 'revoke', path, 'carol', 'readonly', ...on, '--user', 'root')).code).toBe(0);
    expect((await cliEnv({}, 'user', 'drop', path, 'bob', ...on, '--user', 'root')).stdout).toBe('dropped user bob\n');

    const list = await cliEnv({}, 'user', 'list', path, ...on, '--user', 'root', '--format', 'json');
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['carol', 'root']);
    const text = await cliEnv({}, 'user', 'list', path, '--user', 'root');
    expect(text.stdout).toMatch(/^access control is off; 2 user\(s\); this session runs as root\n/);
    expect(text.stdout).toContain('roles: admin (admin); user (read, write, delete); readonly (read)');
    expect((await cliEnv({}, 'user', 'list', path, ...on, '--user', 'nobody')).stderr).toContain('AUTH_UNKNOWN_USER');
    expect((await cliEnv({}, 'user', 'add', path))).toMatchObject({ code: 64 });
    expect((await cliEnv({}, 'user', 'add', join(dir, 'missing.db'), 'x')).code).toBe(3);
  });
});
