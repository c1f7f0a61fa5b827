// :health, :metrics, :stats, :jobs, :cancel — what the dashboard's panels show, as text or
// JSON in the scrollback (and on stdout in the line shell).

import { exportMetrics, METRICS_FORMATS, type MetricsFormat } from '../../src/observe/exporters.js';
import { healthText } from '../commands/health.js';
import { jobsText, snapshotText } from '../report-text.js';
import { splitWords, type AdminCommand } from './types.js';
import { noArguments, usageError } from './usage.js';

const health: AdminCommand = {
  name: 'health',
  usage: ':health',
  summary: 'run the health checks (healthy, degraded, unhealthy) and show each',
  async run(ctx) {
    noArguments(health, ctx.args);
    const report = ctx.db.health();
    await ctx.report('health', report, healthText(ctx.db.path, report).trimEnd());
  },
};

const metrics: AdminCommand = {
  name: 'metrics',
  usage: ':metrics [prometheus|json|statsd]',
  summary: 'the metrics as an exporter would send them (default Prometheus text)',
  complete: (index) => (index === 0 ? METRICS_FORMATS : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length > 1) throw usageError(metrics, 'too many arguments', { args: ctx.args });
    const format = (words[0]?.toLowerCase() ?? 'prometheus') as MetricsFormat;
    if (!METRICS_FORMATS.includes(format)) throw usageError(metrics, `unknown format '${words[0]}'`, { format: words[0] });
    await ctx.text((await exportMetrics(ctx.db.metrics(), format)).trimEnd());
  },
};

const stats: AdminCommand = {
  name: 'stats',
  usage: ':stats',
  summary: 'the metrics snapshot in a screenful: graph, storage, throughput, latency, WAL, cache, health',
  async run(ctx) {
    noArguments(stats, ctx.args);
    const snapshot = ctx.db.metrics();
    await ctx.report('stats', snapshot, snapshotText(snapshot));
  },
};

const jobs: AdminCommand = {
  name: 'jobs',
  usage: ':jobs',
  summary: 'running jobs with their progress, and the recent ones with their outcome',
  async run(ctx) {
    noArguments(jobs, ctx.args);
    const list = ctx.db.jobs.list();
    await ctx.report('jobs', list, jobsText(list));
  },
};

const cancel: AdminCommand = {
  name: 'cancel',
  usage: ':cancel [JOB-ID]',
  summary: 'cancel a background job (all running jobs without an id); Ctrl-C cancels what runs in the foreground',
  complete: (index) => (index === 0 ? [] : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length > 1) throw usageError(cancel, 'give at most one job id', { args: ctx.args });
    if (words.length === 0) {
      const count = ctx.db.jobs.cancel();
      await ctx.text(count === 0 ? 'no job is running' : `asked ${count} running ${count === 1 ? 'job' : 'jobs'} to stop`, 'err');
      return;
    }
    const id = Number(words[0]!.replace(/^#/, ''));
    if (!Number.isSafeInteger(id) || id <= 0) throw usageError(cancel, `'${words[0]}' is not a job id`, { id: words[0] });
    ctx.db.jobs.cancel(id); // JOB_NOT_FOUND when no such job runs
    await ctx.text(`asked job #${id} to stop`, 'err');
  },
};

export const OBSERVE_COMMANDS: readonly AdminCommand[] = [health, metrics, stats, jobs, cancel];
