// The public API: import { Database } from 'ombra'.
export { Database, MEMORY_PATH, type OpenOptions } from './database.js';
export { defaultConfig, resolveConfig, CONFIG_SPEC, type OmbraConfig, type CheckpointMode } from './config.js';
export { OmbraError, isOmbraError, ERROR_CODES, type ErrorCode } from './errors.js';
export { float, FloatValue, type PropertyValue, type PropertyMap, type PropertyInput } from './graph/value.js';
export type { MetricsSnapshot, HealthReport, HealthCheck, HealthStatus } from './observe/snapshot.js';
export type { AlertEntry, LatencySummary, HistogramData } from './observe/snapshot.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './observe/http.js';
export { installShutdownHandlers, type ShutdownOptions } from './observe/shutdown.js';
export { exportMetrics, toPrometheus, toJsonText, StatsdExporter, METRICS_FORMATS, type MetricsFormat } from './observe/exporters.js';
export { loadConfig, PRESETS, PRESET_NAMES, type LoadedConfig, type LoadConfigOptions, type PresetName, type ValueSource } from './observe/config-loader.js';
export type { LogDestination } from './observe/logger.js';
export type { JobInfo, JobKind, JobState, JobProgress } from './ops/job-types.js';
export type { BackupOptions, BackupReport } from './ops/backup.js';
export type { RestoreOptions, RestoreReport } from './ops/restore.js';
export type { CompactOptions, CompactReport } from './ops/compact.js';
export type { FragmentationReport, TreeFragmentation } from './ops/fragmentation.js';
export type { DatabaseInfo } from './ops/info.js';
export type { VerifyOptions } from './ops/verify.js';
export type { VerifyLevel, VerifyProblem, VerifyReport, ProblemLocation, GraphCheck, GraphCheckResult } from './ops/verify-types.js';
export { registerGraphCheck } from './ops/verify-graph.js';
export { verifyBackupChain, type VerifyBackupOptions } from './ops/verify-backup.js';
export type { WalArchiveStatus } from './ops/wal-archive.js';
export type { CheckpointReport } from './storage/checkpoint.js';
export type { RecoveryReport } from './storage/wal.js';
// queries (src/query, src/cypher)
export { toRecords, PreparedStatement, QueryStream, Transaction, type QueryOptions, type QueryResult, type TransactionState } from './query/index.js';
export { CancellationToken, ProcedureRegistry, NodeResult, RelationshipResult, PathResult, type ProcedureDefinition, type PlanDescription, type QueryStats, type ResultValue } from './cypher/index.js';
