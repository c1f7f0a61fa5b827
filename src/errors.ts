// Typed, coded errors for every layer of ombra.
//
// Rules (tests assert codes, never message text):
//  (E1) Every error thrown across a module boundary is an OmbraError with a stable `code`
//       from ERROR_CODES below. Codes are never reused or renamed; retire one by leaving it here.
//  (E2) `details` is structured data a program can act on (page number, file, line, column...).
//  (E3) Each code maps to an exit code of the CLI contract (DESIGN.md §7): 1 for a failed
//       statement or command, 3 when the database cannot be opened, 64 for usage errors.
//
// Each layer owns its section of the registry. Add codes only inside your own section.

export type ErrorDetails = Record<string, unknown>;

export const ERROR_CODES = {
  // ── general ──────────────────────────────────────────────────────────────
  INTERNAL: { exit: 1, summary: 'internal error (a bug in ombra)' },
  INVALID_ARGUMENT: { exit: 1, summary: 'an argument to an API call is invalid' },
  CANCELLED: { exit: 1, summary: 'the operation was cancelled' },
  TIMEOUT: { exit: 1, summary: 'the operation ran past its time limit' },
  USAGE: { exit: 64, summary: 'command-line usage error' },

  // ── config ───────────────────────────────────────────────────────────────
  CONFIG_INVALID: { exit: 3, summary: 'a configuration value is invalid' },
  CONFIG_UNKNOWN_KEY: { exit: 3, summary: 'a configuration key is not known' },
  CONFIG_FILE: { exit: 3, summary: 'the configuration file cannot be read or parsed' },

  // ── storage ──────────────────────────────────────────────────────────────
  IO: { exit: 1, summary: 'an I/O operation failed' },
  IO_NO_SPACE: { exit: 1, summary: 'no space left on device' },
  CORRUPTION: { exit: 3, summary: 'a page or frame failed its checksum or structure check' },
  NOT_A_DATABASE: { exit: 3, summary: 'the file is not an ombra database' },
  FORMAT_VERSION: { exit: 3, summary: 'the file was written by an unsupported format version' },
  LOCKED: { exit: 3, summary: 'the database is locked by another process' },
  READ_ONLY: { exit: 1, summary: 'the database is open read-only' },
  DATABASE_CLOSED: { exit: 1, summary: 'the database is closed' },
  TRANSACTION_STATE: { exit: 1, summary: 'the transaction is not in a state that allows this' },
  TRANSACTION_TOO_LARGE: { exit: 1, summary: 'the transaction touched more pages than maxTransactionPages' },
  TRANSACTION_TIMEOUT: { exit: 1, summary: 'the transaction ran past transactionTimeoutMs' },
  WAL_FULL: { exit: 1, summary: 'the WAL reached walSizeBytesMax and cannot be checkpointed' },
  DATABASE_FULL: { exit: 1, summary: 'the database reached maxDatabaseSizeBytes' },
  CHECKPOINT_BUSY: { exit: 1, summary: 'a checkpoint could not complete because readers hold old snapshots' },
  KEY_TOO_LARGE: { exit: 1, summary: 'a B+tree key is larger than the page allows' },
  KEY_EXISTS: { exit: 1, summary: 'a B+tree insert found the key already present' },
  CURSOR_INVALID: { exit: 1, summary: 'a B+tree cursor is not positioned on an entry' },
  SNAPSHOT_EXPIRED: { exit: 1, summary: 'a read-only snapshot was overwritten by the writer process (reopen to see the newest data)' },
  WAL_WITHOUT_DATABASE: { exit: 3, summary: 'a WAL file exists but its database file does not' },
  DATABASE_NOT_FOUND: { exit: 3, summary: 'the database file does not exist' },
  OPEN_FAILED: { exit: 3, summary: 'the database could not be opened' },

  // ── graph ────────────────────────────────────────────────────────────────
  NODE_NOT_FOUND: { exit: 1, summary: 'no node with that id' },
  RELATIONSHIP_NOT_FOUND: { exit: 1, summary: 'no relationship with that id' },
  NODE_HAS_RELATIONSHIPS: { exit: 1, summary: 'a node with relationships cannot be deleted without DETACH' },
  CONSTRAINT_UNIQUE: { exit: 1, summary: 'a unique index already holds this value' },
  INDEX_EXISTS: { exit: 1, summary: 'an index on that label and property already exists' },
  INDEX_NOT_FOUND: { exit: 1, summary: 'no such index' },
  PROPERTY_TYPE: { exit: 1, summary: 'a property value has a type that cannot be stored' },
  IMPORT_CSV: { exit: 1, summary: 'a CSV file for import is malformed' },

  // ── query ────────────────────────────────────────────────────────────────
  SYNTAX: { exit: 1, summary: 'the query has a syntax error' },
  SEMANTIC_UNDEFINED_VARIABLE: { exit: 1, summary: 'a variable is used but not defined' },
  SEMANTIC_VARIABLE_ALREADY_BOUND: { exit: 1, summary: 'a variable is bound twice' },
  SEMANTIC_VARIABLE_TYPE_CONFLICT: { exit: 1, summary: 'a variable is used as two different kinds of thing' },
  SEMANTIC_INVALID_ARGUMENT_TYPE: { exit: 1, summary: 'an argument has a type the function does not accept' },
  SEMANTIC_UNKNOWN_FUNCTION: { exit: 1, summary: 'no function with that name' },
  SEMANTIC_INVALID_AGGREGATION: { exit: 1, summary: 'an aggregation is used where it is not allowed' },
  SEMANTIC_INVALID_CLAUSE: { exit: 1, summary: 'a clause is used where it is not allowed' },
  SEMANTIC_COLUMN_NAME_CONFLICT: { exit: 1, summary: 'two result columns have the same name' },
  SEMANTIC_OTHER: { exit: 1, summary: 'the query is not valid' },
  PARAMETER_MISSING: { exit: 1, summary: 'a parameter the query uses was not given' },
  RUNTIME_TYPE: { exit: 1, summary: 'a value has the wrong type at run time' },
  RUNTIME_ARITHMETIC: { exit: 1, summary: 'integer overflow or division by zero' },
  RUNTIME_DELETED_ENTITY: { exit: 1, summary: 'a deleted node or relationship was accessed' },
  RUNTIME_OTHER: { exit: 1, summary: 'the query failed at run time' },
  RUNTIME_ARGUMENT: { exit: 1, summary: 'a function argument is outside what the function accepts (range step 0, percentile > 1, ...)' },
  RUNTIME_CLAUSE_ARGUMENT: { exit: 1, summary: 'a clause argument known only at run time is invalid (SKIP/LIMIT from a parameter, MERGE with a null property)' },
  RESULT_TOO_LARGE: { exit: 1, summary: 'an intermediate result passed maxIntermediateRows' },

  // ── ops ──────────────────────────────────────────────────────────────────
  JOB_CONFLICT: { exit: 1, summary: 'an exclusive job is already running' },
  JOB_NOT_FOUND: { exit: 1, summary: 'no such job' },
  BACKUP_CHAIN: { exit: 1, summary: 'the backup chain is broken or belongs to another database' },
  BACKUP_CORRUPT: { exit: 2, summary: 'a backup file failed its checksum' },
  RESTORE_TARGET_EXISTS: { exit: 1, summary: 'the restore target exists (use --force)' },
  VERIFY_FAILED: { exit: 2, summary: 'verify found problems' },
  OUTPUT_EXISTS: { exit: 1, summary: 'the output file of repair, salvage or import exists (use --force where offered)' },
  SALVAGE_NOTHING: { exit: 1, summary: 'salvage found no readable page of the database' },

  // ── observe / safety ─────────────────────────────────────────────────────
  MAINTENANCE_MODE: { exit: 1, summary: 'the database is in maintenance mode: writes are refused' },
  CIRCUIT_OPEN: { exit: 1, summary: 'the I/O circuit breaker is open: writes are refused until reset' },
  SHUTTING_DOWN: { exit: 1, summary: 'the database is shutting down' },

  // ── security ─────────────────────────────────────────────────────────────
  PERMISSION_DENIED: { exit: 1, summary: 'the user lacks a permission this action needs' },
  AUTH_UNKNOWN_USER: { exit: 1, summary: 'no such user' },
  ENCRYPTION_KEY_MISSING: { exit: 3, summary: 'the database is encrypted and no key was given' },
  ENCRYPTION_KEY_WRONG: { exit: 3, summary: 'the encryption key does not open this database' },
  ENCRYPTION_KEY_INVALID: { exit: 3, summary: 'the encryption key is not 32 bytes of hex or base64' },
  ENCRYPTION_NOT_ENABLED: { exit: 3, summary: 'a key was given but the database is not encrypted (ombra rekey encrypts a copy)' },
  ENCRYPTION_NONCES_EXHAUSTED: { exit: 1, summary: 'the nonces reserved for page encryption are used up; the write was refused so no nonce repeats' },
  AUDIT_TAMPERED: { exit: 2, summary: 'the audit log hash chain is broken' },
  AUDIT_LOG_OFF: { exit: 1, summary: 'no audit log is configured (auditLogFile)' },

  // ── shell (console command language, line shell, engine worker) ──────────
  SHELL_UNKNOWN_COMMAND: { exit: 1, summary: 'no :command with that name' },
  SHELL_COMMAND_USAGE: { exit: 1, summary: 'a :command was given arguments it does not take' },
  SHELL_INCOMPLETE_INPUT: { exit: 1, summary: 'the input ended inside a statement (no closing ;)' },
  SHELL_SOURCE: { exit: 1, summary: 'a :source or -f file cannot be read, or sources itself' },
  SHELL_WORKER_CRASHED: { exit: 1, summary: 'the console engine worker stopped unexpectedly' },
} as const satisfies Record<string, { exit: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base of every ombra error: a stable code, a message, structured details. */
export class OmbraError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** Process exit code for this error under the CLI contract. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class ConfigError extends OmbraError {}
export class StorageError extends OmbraError {}
/** A page, frame or structure failed a check; `details.pageNumber` / `details.file` say where. */
export class CorruptionError extends StorageError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('CORRUPTION', message, details, options);
  }
}
export class LockedError extends StorageError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('LOCKED', message, details);
  }
}
export class TransactionError extends OmbraError {}
export class GraphError extends OmbraError {}
/** A query error with its source position (1-based line and column) where one is known. */
export class QueryError extends OmbraError {
  get line(): number | undefined {
    return this.details.line as number | undefined;
  }
  get column(): number | undefined {
    return this.details.column as number | undefined;
  }
}
export class SyntaxQueryError extends QueryError {}
export class SemanticError extends QueryError {}
export class RuntimeQueryError extends QueryError {}
export class JobError extends OmbraError {}
export class SecurityError extends OmbraError {}
export class SafetyError extends OmbraError {}
export class UsageError extends OmbraError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('USAGE', message, details);
  }
}

/** True for any ombra error, optionally of one code. */
export function isOmbraError(error: unknown, code?: ErrorCode): error is OmbraError {
  return error instanceof OmbraError && (code === undefined || error.code === code);
}

/** Wrap anything thrown into an OmbraError (INTERNAL unless it already is one). */
export function toOmbraError(error: unknown): OmbraError {
  if (error instanceof OmbraError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OmbraError('INTERNAL', message, {}, { cause: error });
}
