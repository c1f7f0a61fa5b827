// The error class of the operations layer (backup, restore, verify, compact, WAL archive).
// Codes live in the ops section of src/errors.ts: BACKUP_CHAIN, BACKUP_CORRUPT,
// RESTORE_TARGET_EXISTS, VERIFY_FAILED (JOB_* belong to the job framework's JobError).

import { OmbraError } from '../errors.js';

export class OperationError extends OmbraError {}
