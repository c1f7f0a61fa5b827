// Permissions, the built-in roles, and what each statement and job needs.
//
//   permission  allows
//   read        every statement (MATCH, RETURN, SHOW INDEXES ...), verify, fragmentation analysis
//   write       CREATE, MERGE, SET, REMOVE, writing procedures
//   delete      DELETE and DETACH DELETE
//   backup      backup (online, full or incremental)
//   configure   CREATE / DROP INDEX, checkpoint, compact, live settings, maintenance mode,
//               circuit-breaker reset, index builds
//   admin       everything above, plus users and roles, restore on a database's job
//               registry, rekey, repair and salvage
//
// Built-in roles (cannot be changed or dropped): admin = {admin}; user = {read, write,
// delete}; readonly = {read}. Custom roles (access.ts) hold any set of permissions.
//
// Invariants:
//  (P1) A statement needs `read`, plus `write` when it changes anything, plus `delete` when
//       it deletes, plus `configure` for a schema command that changes the schema. A statement
//       the binder marks as writing needs at least `write`, whatever the clauses say, so a
//       new writing clause can never slip through as a read.
//  (P2) `admin` implies every permission.

import type { BoundClause, BoundStatement } from '../cypher/binder/bound.js';
import type { JobKind } from '../ops/job-types.js';

export const PERMISSIONS = ['read', 'write', 'delete', 'backup', 'configure', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** How permissions are written in messages: Read, Write, Delete, Backup, Configure, Admin. */
export function permissionLabel(permission: Permission): string {
  return permission[0]!.toUpperCase() + permission.slice(1);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export const BUILTIN_ROLES: Readonly<Record<string, readonly Permission[]>> = {
  admin: ['admin'],
  user: ['read', 'write', 'delete'],
  readonly: ['read'],
};

export function isBuiltinRole(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILTIN_ROLES, name);
}

/** True when a set of granted permissions covers `needed` (P2). */
export function grants(granted: ReadonlySet<Permission>, needed: Permission): boolean {
  return granted.has('admin') || granted.has(needed);
}

/** What a statement needs (P1) and the audit action it is recorded under. */
export interface StatementNeeds {
  permissions: readonly Permission[];
  /** 'read' | 'write' | 'delete' | 'schema' (audit.ts actions). */
  action: 'read' | 'write' | 'delete' | 'schema';
}

const needsCache = new WeakMap<BoundStatement, StatementNeeds>();

/** The permissions a bound statement needs (P1). Cached per statement: plans are cached too. */
export function statementNeeds(statement: BoundStatement): StatementNeeds {
  let needs = needsCache.get(statement);
  if (needs === undefined) {
    needs = computeNeeds(statement);
    needsCache.set(statement, needs);
  }
  return needs;
}

function computeNeeds(statement: BoundStatement): StatementNeeds {
  if (statement.kind === 'Schema') {
    if (statement.command.kind === 'ShowIndexes') return { permissions: ['read'], action: 'read' };
    return { permissions: ['read', 'configure'], action: 'schema' };
  }
  const found = { write: false, delete: false };
  for (const part of statement.parts) scanClauses(part.clauses, found);
  if (statement.isWrite && !found.write && !found.delete) found.write = true; // P1: never weaker than the binder
  const permissions: Permission[] = ['read'];
  if (found.write) permissions.push('write');
  if (found.delete) permissions.push('delete');
  return { permissions, action: found.delete ? 'delete' : found.write ? 'write' : 'read' };
}

function scanClauses(clauses: readonly BoundClause[], found: { write: boolean; delete: boolean }): void {
  for (const clause of clauses) {
    switch (clause.kind) {
      case 'Create':
      case 'Merge':
      case 'Set':
        found.write = true;
        break;
      case 'Delete':
        found.delete = true;
        break;
      case 'Foreach':
        scanClauses(clause.clauses, found);
        break;
      case 'Call':
        if (clause.procedure.writes) found.write = true;
        break;
      default:
        break;
    }
  }
}

/** The permission each job kind needs (header table). */
export const JOB_PERMISSION: Readonly<Record<JobKind, Permission>> = {
  checkpoint: 'configure',
  compact: 'configure',
  backup: 'backup',
  restore: 'admin',
  verify: 'read',
  repair: 'admin',
  salvage: 'admin',
  'index-build': 'configure',
  import: 'write',
  export: 'read',
  rekey: 'admin',
};
