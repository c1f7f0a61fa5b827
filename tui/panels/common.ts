// Words, symbols and tones shared by the panels. Status is always a word plus a symbol
// (● Healthy, ▲ Degraded, ✖ Unhealthy) so it reads on a terminal without colour.

import type { HealthReport, HealthStatus } from '../../src/observe/snapshot.js';
import type { JobInfo } from '../../src/ops/job-types.js';
import { seg, type Line } from '../lines.js';
import type { Tone } from '../theme.js';

export type PanelId = 'throughput' | 'latency' | 'wal' | 'cache' | 'storage' | 'health' | 'jobs' | 'alerts';

/** Every panel in selection order (arrow keys walk this list). */
export const PANEL_IDS: readonly PanelId[] = ['throughput', 'latency', 'wal', 'cache', 'storage', 'health', 'jobs', 'alerts'];

export const PANEL_TITLES: Record<PanelId, string> = {
  throughput: 'Throughput',
  latency: 'Latency',
  wal: 'WAL',
  cache: 'Page cache',
  storage: 'Storage',
  health: 'Health',
  jobs: 'Jobs',
  alerts: 'Alerts',
};

export const STATUS_WORD: Record<HealthStatus, string> = { healthy: 'Healthy', degraded: 'Degraded', unhealthy: 'Unhealthy' };
export const STATUS_SYMBOL: Record<HealthStatus, string> = { healthy: '●', degraded: '▲', unhealthy: '✖' };
export const STATUS_TONE: Record<HealthStatus, Tone> = { healthy: 'ok', degraded: 'warn', unhealthy: 'bad' };

/** "● Healthy" as one styled segment. */
export function statusSegment(status: HealthStatus): Line {
  return [seg(`${STATUS_SYMBOL[status]} ${STATUS_WORD[status]}`, STATUS_TONE[status])];
}

/**
 * The status of the engine's named health check, or null when it is not reported. Panels
 * colour a gauge by the engine's own verdict (its thresholds), never by a threshold of their own.
 */
export function checkStatus(health: HealthReport, name: string): HealthStatus | null {
  return health.checks.find((c) => c.name === name)?.status ?? null;
}

export function toneOf(status: HealthStatus | null, fallback: Tone = 'plain'): Tone {
  return status === null ? fallback : STATUS_TONE[status];
}

export const JOB_SYMBOL: Record<JobInfo['state'], string> = { running: '▶', succeeded: '✓', failed: '✖', cancelled: '⊘' };
export const JOB_TONE: Record<JobInfo['state'], Tone> = { running: 'accent', succeeded: 'ok', failed: 'bad', cancelled: 'warn' };

/** A label and a value: "hit 99.2%". */
export function kv(label: string, value: string, tone?: Tone): Line {
  return [seg(`${label} `, 'label'), seg(value, tone)];
}
