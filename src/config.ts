// Configuration: every option with its default, unit and allowed range, in one table.
//
// Loading from ombra.toml / OMBRA_* environment / flags, presets and `ombra config show`
// live in src/observe/config-loader.ts; this module is the schema and validation only,
// so the storage layer can depend on it without pulling in file parsing.

import { ConfigError } from './errors.js';

export type CheckpointMode = 'passive' | 'full' | 'restart' | 'truncate';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface OmbraConfig {
  /** Page size of a new database, fixed at creation. Power of two, 4096..65536. */
  pageSizeBytes: number;
  /** Page cache budget in pages (default 5,000 × 8 KiB ≈ 40 MiB). Live-resizable. */
  cacheSizePages: number;
  /** How long an async commit may wait to share a sync with others (0 = sync as soon as possible). */
  groupCommitIntervalMs: number;
  /** Sync as soon as this many async commits are waiting. */
  groupCommitMaxTransactions: number;
  /** Auto-checkpoint (PASSIVE) once the WAL grows past this many bytes; writes fail with WAL_FULL at 4× this. */
  walSizeBytesMax: number;
  /** Auto-checkpoint at least this often while the WAL is not empty (0 = off). */
  checkpointIntervalMs: number;
  /** Refuse writes that would grow the database file past this size (0 = no limit). */
  maxDatabaseSizeBytes: number;
  /** Refuse a transaction that dirties more pages than this (0 = no limit). */
  maxTransactionPages: number;
  /** Abort a write transaction open longer than this (0 = no limit). */
  transactionTimeoutMs: number;
  /** Cancel a query running longer than this (0 = no limit). */
  queryTimeoutMs: number;
  /** Refuse a query whose intermediate result (sort, aggregation, collect) passes this many rows. */
  maxIntermediateRows: number;
  /** Operations slower than this are logged as warnings. */
  slowOperationMs: number;
  /** Open without writing anything (may sit beside a writer process). */
  readOnly: boolean;
  /** Log level for the structured logger. */
  logLevel: LogLevel;
  /** Log format. */
  logFormat: 'json' | 'text';
  /** Log destination file ('' = stderr, or nowhere while the dashboard owns the terminal). */
  logFile: string;
  /** Directory that receives WAL frames retired by checkpoints, for point-in-time restore ('' = off). */
  walArchiveDir: string;
  /** Consecutive I/O failures after which writes are refused until reset. */
  circuitBreakerThreshold: number;
  /** Health: a cache hit rate below this (0..1) degrades health (0 = check off). */
  healthCacheHitRateMin: number;
  /** Health: free disk space below this many bytes degrades health. */
  healthDiskFreeBytesMin: number;
  /** Health: no checkpoint for this long degrades health (0 = check off). */
  healthCheckpointAgeMsMax: number;
  /** Health: no backup for this long degrades health (0 = no backup schedule, check reports only). */
  healthBackupAgeMsMax: number;
  /** Access control on: statements and jobs check the session user's permissions. */
  accessControl: boolean;
  /** Append-only audit log (JSONL) path ('' = off). */
  auditLogFile: string;
  /** Audit scope: 'all' or a comma-separated list of actions. */
  auditScope: string;
  /** Key file for encryption at rest ('' = use OMBRA_ENCRYPTION_KEY or no encryption). */
  keyFile: string;
  /** Session user of an OS user: "os=db,...", '*=db' for any other ('' = the OS user's name). */
  userMap: string;
}

type Rule =
  | { kind: 'int'; min: number; max: number; powerOfTwo?: boolean }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] };

export interface OptionSpec {
  default: OmbraConfig[keyof OmbraConfig];
  rule: Rule;
  /** Can be changed on a running database (console `:set`). */
  live: boolean;
  doc: string;
}

const DAY_MS = 86_400_000;
const TIB = 1024 ** 4;

export const CONFIG_SPEC: { [K in keyof OmbraConfig]: OptionSpec & { default: OmbraConfig[K] } } = {
  pageSizeBytes: { default: 8192, rule: { kind: 'int', min: 4096, max: 65536, powerOfTwo: true }, live: false, doc: 'page size of a new database' },
  cacheSizePages: { default: 5000, rule: { kind: 'int', min: 16, max: 16_777_216 }, live: true, doc: 'page cache budget (pages)' },
  groupCommitIntervalMs: { default: 0, rule: { kind: 'number', min: 0, max: 1000 }, live: true, doc: 'max wait to share a sync' },
  groupCommitMaxTransactions: { default: 64, rule: { kind: 'int', min: 1, max: 100_000 }, live: true, doc: 'sync when this many commits wait' },
  walSizeBytesMax: { default: 64 * 1024 * 1024, rule: { kind: 'int', min: 64 * 1024, max: TIB }, live: true, doc: 'auto-checkpoint threshold (bytes)' },
  checkpointIntervalMs: { default: 300_000, rule: { kind: 'int', min: 0, max: DAY_MS }, live: true, doc: 'auto-checkpoint interval' },
  maxDatabaseSizeBytes: { default: 0, rule: { kind: 'int', min: 0, max: 64 * TIB }, live: true, doc: 'database size limit (0 = none)' },
  maxTransactionPages: { default: 0, rule: { kind: 'int', min: 0, max: 1e9 }, live: true, doc: 'pages one transaction may dirty (0 = none)' },
  transactionTimeoutMs: { default: 0, rule: { kind: 'int', min: 0, max: DAY_MS }, live: true, doc: 'write transaction time limit (0 = none)' },
  queryTimeoutMs: { default: 0, rule: { kind: 'int', min: 0, max: DAY_MS }, live: true, doc: 'query time limit (0 = none)' },
  maxIntermediateRows: { default: 10_000_000, rule: { kind: 'int', min: 1, max: 1e12 }, live: true, doc: 'rows a sort/aggregation may hold' },
  slowOperationMs: { default: 100, rule: { kind: 'int', min: 0, max: DAY_MS }, live: true, doc: 'slow-operation warning threshold' },
  readOnly: { default: false, rule: { kind: 'bool' }, live: false, doc: 'open read-only' },
  logLevel: { default: 'info', rule: { kind: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] }, live: true, doc: 'log level' },
  logFormat: { default: 'json', rule: { kind: 'enum', values: ['json', 'text'] }, live: false, doc: 'log format' },
  logFile: { default: '', rule: { kind: 'string' }, live: false, doc: 'log file' },
  walArchiveDir: { default: '', rule: { kind: 'string' }, live: false, doc: 'WAL archive directory' },
  circuitBreakerThreshold: { default: 5, rule: { kind: 'int', min: 1, max: 1_000_000 }, live: true, doc: 'I/O failures before writes are refused' },
  healthCacheHitRateMin: { default: 0, rule: { kind: 'number', min: 0, max: 1 }, live: true, doc: 'min cache hit rate for Healthy' },
  healthDiskFreeBytesMin: { default: 100 * 1024 * 1024, rule: { kind: 'int', min: 0, max: 64 * TIB }, live: true, doc: 'min free disk for Healthy' },
  healthCheckpointAgeMsMax: { default: 0, rule: { kind: 'int', min: 0, max: 365 * DAY_MS }, live: true, doc: 'max checkpoint age for Healthy' },
  healthBackupAgeMsMax: { default: 0, rule: { kind: 'int', min: 0, max: 365 * DAY_MS }, live: true, doc: 'max backup age for Healthy' },
  accessControl: { default: false, rule: { kind: 'bool' }, live: false, doc: 'enforce users and roles' },
  auditLogFile: { default: '', rule: { kind: 'string' }, live: false, doc: 'audit log path' },
  auditScope: { default: 'all', rule: { kind: 'string' }, live: true, doc: 'audited actions' },
  keyFile: { default: '', rule: { kind: 'string' }, live: false, doc: 'encryption key file' },
  userMap: { default: '', rule: { kind: 'string' }, live: false, doc: 'OS user to database user (os=db,...)' },
};

export function defaultConfig(): OmbraConfig {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_SPEC)) out[key] = spec.default;
  return out as unknown as OmbraConfig;
}

/** Check one value against its rule; throws ConfigError naming the key and the allowed range. */
export function validateOption<K extends keyof OmbraConfig>(key: K, value: unknown, source = 'options'): OmbraConfig[K] {
  const spec = (CONFIG_SPEC as Record<string, OptionSpec>)[key as string];
  if (!spec) {
    throw new ConfigError('CONFIG_UNKNOWN_KEY', `unknown configuration key '${String(key)}' (from ${source})`, { key, source });
  }
  const rule = spec.rule;
  const fail = (allowed: string): never => {
    throw new ConfigError('CONFIG_INVALID', `invalid value ${JSON.stringify(value)} for '${String(key)}' (from ${source}): expected ${allowed}`, {
      key,
      value,
      allowed,
      source,
    });
  };
  switch (rule.kind) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`a number in ${rule.min}..${rule.max}`);
      const n = value as number;
      if (rule.kind === 'int' && !Number.isInteger(n)) fail(`an integer in ${rule.min}..${rule.max}`);
      if (n < rule.min || n > rule.max) fail(`a value in ${rule.min}..${rule.max}`);
      if (rule.kind === 'int' && rule.powerOfTwo && (n & (n - 1)) !== 0) fail(`a power of two in ${rule.min}..${rule.max}`);
      break;
    }
    case 'bool':
      if (typeof value !== 'boolean') fail('true or false');
      break;
    case 'string':
      if (typeof value !== 'string') fail('a string');
      break;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) fail(`one of ${rule.values.join(', ')}`);
      break;
  }
  return value as OmbraConfig[K];
}

/** Defaults overlaid with `overrides`, every key validated. */
export function resolveConfig(overrides: Partial<OmbraConfig> = {}, source = 'options'): OmbraConfig {
  const config = defaultConfig();
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    (config as unknown as Record<string, unknown>)[key] = validateOption(key as keyof OmbraConfig, value, source);
  }
  return config;
}
