// ombra's security layer: access control (access.ts, permissions.ts), the audit log
// (audit.ts), encryption at rest (key.ts, key-area.ts, encryption.ts, encrypted-open.ts,
// rekey.ts, offline-codec.ts) and the per-database facade tying them together (security.ts).

export { Security, osSessionUser, type SecurityStatus, type StatementGuard, type StatementOutcome } from './security.js';
export { PERMISSIONS, BUILTIN_ROLES, JOB_PERMISSION, permissionLabel, statementNeeds, type Permission, type StatementNeeds } from './permissions.js';
export type { UserInfo, RoleInfo } from './access.js';
export { AuditLog, AuditScope, queryAuditLog, verifyAuditLog, assertAuditIntact, type AuditRecord, type AuditEntry, type AuditOutcome, type AuditQuery, type AuditVerifyReport } from './audit.js';
export { parseKey, readKeyFile, resolveKey, KEY_ENV, type MasterKey, type KeySources } from './key.js';
export { PageCipher, NonceSequence, NONCE_BLOCK, nonceOf } from './encryption.js';
export { DatabaseEncryption, isEncryptedFile } from './encrypted-open.js';
export { rekeyDatabase, type RekeyOptions, type RekeyReport } from './rekey.js';
export { backupCodec, databaseFileCodec } from './offline-codec.js';
