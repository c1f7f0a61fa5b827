// Users and roles, kept in the database (the B+tree of root slot SECURITY, meta.ts), and the
// access decision.
//
// SECURITY TREE ENTRIES (B+tree keys are bytes, values UTF-8 JSON)
//   key                          value
//   0x01 ‖ UTF-8 user name       {"roles":["user",...],"createdAtMs":1714557600000}
//   0x02 ‖ UTF-8 role name       {"permissions":["read","backup"],"createdAtMs":...}
// Built-in roles (permissions.ts) are not stored; a stored role never has a built-in's name.
//
// Invariants:
//  (A1) Access control off (config accessControl = false, the default): every action is
//       allowed. Users and roles may still be managed, and the audit log still names the
//       session user.
//  (A2) Access control on: an action is allowed iff the session user exists and one of its
//       roles grants the permission (admin grants all). An unknown user gets AUTH_UNKNOWN_USER,
//       a known one without the permission PERMISSION_DENIED naming the user, the missing
//       permission and the user's roles.
//  (A3) Bootstrap: while no user exists, the only action allowed is creating a user with the
//       admin role, so a database with access control on cannot be used before it has an
//       administrator, and whoever opens it first can create that administrator.
//  (A4) A refused action changes nothing: the decision is made before any write begins.
//  (A5) A user's roles all exist: a role that users still hold cannot be dropped.

import { SecurityError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { ROOT_SLOT } from '../storage/meta.js';
import type { PageStore } from '../storage/types.js';
import { BUILTIN_ROLES, grants, isBuiltinRole, isPermission, permissionLabel, PERMISSIONS, type Permission } from './permissions.js';

const KIND_USER = 0x01;
const KIND_ROLE = 0x02;
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;

export interface UserInfo {
  name: string;
  roles: string[];
  /** Every permission the roles grant (admin alone when one of them is admin). */
  permissions: Permission[];
  createdAt: string;
}

export interface RoleInfo {
  name: string;
  permissions: Permission[];
  builtin: boolean;
}

interface StoredUser {
  roles: string[];
  createdAtMs: number;
}

interface StoredRole {
  permissions: Permission[];
  createdAtMs: number;
}

export type Decision =
  | { allowed: true }
  | { allowed: false; code: 'PERMISSION_DENIED' | 'AUTH_UNKNOWN_USER'; reason: string; roles: string[] };

/** Throws INVALID_ARGUMENT unless `name` is a usable user or role name. */
export function checkName(name: unknown, what: 'user' | 'role'): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new SecurityError('INVALID_ARGUMENT', `${JSON.stringify(name)} is not a valid ${what} name: use 1 to 64 letters, digits, '_', '.', '@' or '-', not starting with '.', '@' or '-'`, {
      [what]: name,
    });
  }
  return name;
}

function tree(store: PageStore): BTree {
  return new BTree(store, rootInSlot(store, ROOT_SLOT.SECURITY), { name: 'security' });
}

function keyOf(kind: number, name: string): Uint8Array {
  const text = Buffer.from(name, 'utf8');
  const key = new Uint8Array(1 + text.length);
  key[0] = kind;
  key.set(text, 1);
  return key;
}

function decode<T>(value: Uint8Array): T {
  return JSON.parse(Buffer.from(value).toString('utf8')) as T;
}

function encode(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

// ── reading ───────────────────────────────────────────────────────────────

function readUser(store: PageStore, name: string): StoredUser | null {
  if (store.getRoot(ROOT_SLOT.SECURITY) === 0) return null;
  const value = tree(store).get(keyOf(KIND_USER, name));
  return value === undefined ? null : decode<StoredUser>(value);
}

function readRole(store: PageStore, name: string): StoredRole | null {
  if (store.getRoot(ROOT_SLOT.SECURITY) === 0) return null;
  const value = tree(store).get(keyOf(KIND_ROLE, name));
  return value === undefined ? null : decode<StoredRole>(value);
}

/** Permissions of a role, built-in or stored; null when there is no such role. */
export function rolePermissions(store: PageStore, role: string): Permission[] | null {
  const builtin = BUILTIN_ROLES[role];
  if (builtin !== undefined) return [...builtin];
  return readRole(store, role)?.permissions ?? null;
}

function* entries(store: PageStore, kind: number): Generator<{ name: string; value: Uint8Array }> {
  if (store.getRoot(ROOT_SLOT.SECURITY) === 0) return;
  for (const { key, value } of tree(store).prefix(Uint8Array.of(kind))) {
    yield { name: Buffer.from(key.subarray(1)).toString('utf8'), value };
  }
}

export function userCount(store: PageStore): number {
  let count = 0;
  for (const _ of entries(store, KIND_USER)) count++;
  return count;
}

function effectivePermissions(store: PageStore, roles: readonly string[]): Permission[] {
  const set = new Set<Permission>();
  for (const role of roles) for (const p of rolePermissions(store, role) ?? []) set.add(p);
  if (set.has('admin')) return ['admin'];
  return PERMISSIONS.filter((p) => set.has(p));
}

export function getUser(store: PageStore, name: string): UserInfo | null {
  const user = readUser(store, name);
  return user === null ? null : userInfo(store, name, user);
}

function userInfo(store: PageStore, name: string, user: StoredUser): UserInfo {
  return { name, roles: [...user.roles], permissions: effectivePermissions(store, user.roles), createdAt: new Date(user.createdAtMs).toISOString() };
}

export function listUsers(store: PageStore): UserInfo[] {
  const out: UserInfo[] = [];
  for (const { name, value } of entries(store, KIND_USER)) out.push(userInfo(store, name, decode<StoredUser>(value)));
  return out;
}

export function listRoles(store: PageStore): RoleInfo[] {
  const out: RoleInfo[] = Object.entries(BUILTIN_ROLES).map(([name, permissions]) => ({ name, permissions: [...permissions], builtin: true }));
  for (const { name, value } of entries(store, KIND_ROLE)) out.push({ name, permissions: decode<StoredRole>(value).permissions, builtin: false });
  return out;
}

// ── the decision (A2, A3) ───────────────────────────────────────────────────

/**
 * Whether `user` may act with `permission` as `store` sees the users. `bootstrapAdmin` marks
 * the one action A3 allows while no user exists. Cost: one B+tree lookup per role.
 */
export function decide(store: PageStore, user: string, permission: Permission, bootstrapAdmin = false): Decision {
  const stored = readUser(store, user);
  if (stored === null) {
    if (userCount(store) === 0) {
      if (bootstrapAdmin) return { allowed: true };
      return {
        allowed: false,
        code: 'PERMISSION_DENIED',
        roles: [],
        reason: `access control is on and no user exists yet: only creating the first administrator is allowed (db.security.createUser(name, ['admin']) or \`ombra user add DB NAME --role admin\`)`,
      };
    }
    return { allowed: false, code: 'AUTH_UNKNOWN_USER', roles: [], reason: `there is no user '${user}'` };
  }
  const granted = new Set(effectivePermissions(store, stored.roles));
  if (grants(granted, permission)) return { allowed: true };
  const roles = stored.roles.length === 0 ? 'no roles' : `roles: ${stored.roles.join(', ')}`;
  return { allowed: false, code: 'PERMISSION_DENIED', roles: [...stored.roles], reason: `user '${user}' lacks the ${permissionLabel(permission)} permission (${roles})` };
}

// ── writing (the caller holds the write transaction and has authorised the change) ──

function checkRoles(store: PageStore, roles: readonly string[]): string[] {
  const out: string[] = [];
  for (const role of roles) {
    checkName(role, 'role');
    if (rolePermissions(store, role) === null) throw new SecurityError('INVALID_ARGUMENT', `there is no role '${role}' (roles: ${listRoles(store).map((r) => r.name).join(', ')})`, { role });
    if (!out.includes(role)) out.push(role);
  }
  return out;
}

export function insertUser(store: PageStore, name: string, roles: readonly string[], nowMs: number): UserInfo {
  checkName(name, 'user');
  const checked = checkRoles(store, roles);
  if (readUser(store, name) !== null) throw new SecurityError('INVALID_ARGUMENT', `user '${name}' already exists`, { user: name });
  const user: StoredUser = { roles: checked, createdAtMs: nowMs };
  tree(store).put(keyOf(KIND_USER, name), encode(user));
  return userInfo(store, name, user);
}

export function removeUser(store: PageStore, name: string): void {
  if (!tree(store).delete(keyOf(KIND_USER, name))) throw unknownUser(name);
}

/** Add (`grant`) or remove a role of a user; returns the user as it is afterwards. */
export function changeRoles(store: PageStore, name: string, role: string, grant: boolean): UserInfo {
  const user = readUser(store, name);
  if (user === null) throw unknownUser(name);
  if (grant) {
    checkRoles(store, [role]);
    if (!user.roles.includes(role)) user.roles.push(role);
  } else {
    if (!user.roles.includes(role)) throw new SecurityError('INVALID_ARGUMENT', `user '${name}' does not hold role '${role}' (roles: ${user.roles.join(', ') || 'none'})`, { user: name, role });
    user.roles = user.roles.filter((r) => r !== role);
  }
  tree(store).put(keyOf(KIND_USER, name), encode(user));
  return userInfo(store, name, user);
}

export function insertRole(store: PageStore, name: string, permissions: readonly string[], nowMs: number): RoleInfo {
  checkName(name, 'role');
  if (isBuiltinRole(name) || readRole(store, name) !== null) throw new SecurityError('INVALID_ARGUMENT', `role '${name}' already exists`, { role: name });
  const set = new Set<Permission>();
  for (const p of permissions) {
    if (!isPermission(p)) throw new SecurityError('INVALID_ARGUMENT', `unknown permission '${p}' (expected ${PERMISSIONS.join(', ')})`, { permission: p });
    set.add(p);
  }
  if (set.size === 0) throw new SecurityError('INVALID_ARGUMENT', `role '${name}' needs at least one permission`, { role: name });
  const role: StoredRole = { permissions: PERMISSIONS.filter((p) => set.has(p)), createdAtMs: nowMs };
  tree(store).put(keyOf(KIND_ROLE, name), encode(role));
  return { name, permissions: role.permissions, builtin: false };
}

export function removeRole(store: PageStore, name: string): void {
  if (isBuiltinRole(name)) throw new SecurityError('INVALID_ARGUMENT', `role '${name}' is built in and cannot be dropped`, { role: name });
  if (readRole(store, name) === null) throw new SecurityError('INVALID_ARGUMENT', `there is no role '${name}'`, { role: name });
  const holders = listUsers(store).filter((u) => u.roles.includes(name)).map((u) => u.name);
  if (holders.length > 0) {
    throw new SecurityError('INVALID_ARGUMENT', `role '${name}' is held by ${holders.join(', ')}: revoke it first (invariant A5)`, { role: name, users: holders });
  }
  tree(store).delete(keyOf(KIND_ROLE, name));
}

function unknownUser(name: string): SecurityError {
  return new SecurityError('AUTH_UNKNOWN_USER', `there is no user '${name}'`, { user: name });
}
