// The public API: import { Database } from 'ombra'.
export { Database, MEMORY_PATH, type OpenOptions } from './database.js';
export { defaultConfig, resolveConfig, CONFIG_SPEC, type OmbraConfig, type CheckpointMode } from './config.js';
export { OmbraError, isOmbraError, ERROR_CODES, type ErrorCode } from './errors.js';
export { float, FloatValue, type PropertyValue, type PropertyMap, type PropertyInput } from './graph/value.js';
export type { MetricsSnapshot, HealthReport, HealthCheck, HealthStatus } from './observe/snapshot.js';
export type { JobInfo, JobKind, JobState, JobProgress } from './ops/job-types.js';
export type { CheckpointReport } from './storage/checkpoint.js';
export type { RecoveryReport } from './storage/wal.js';
