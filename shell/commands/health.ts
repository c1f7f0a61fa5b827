// ombra health DB [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// The named health checks against the thresholds of the effective configuration.
// Exit 0 healthy, 1 degraded, 2 unhealthy (3 when the database cannot be opened).
// Opens read-only: it may run beside the writer process and never changes the files; the
// live process's own view (rates, breaker, errors seen) is served by its /health endpoint.
import type { Command } from 'commander';
import type { HealthReport, HealthStatus } from '../../src/observe/snapshot.js';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';

export const HEALTH_EXIT: Record<HealthStatus, number> = { healthy: EXIT.ok, degraded: EXIT.failed, unhealthy: EXIT.problems };

export function registerHealth(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('health')
    .description('run the health checks: exit 0 healthy, 1 degraded, 2 unhealthy')
    .argument('<db>', 'database file')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const loaded = loadCliConfig(options, io);
    const db = openForCommand(dbPath, { ...openOptionsFrom(loaded), readOnly: true });
    let report: HealthReport;
    try {
      report = db.health();
    } finally {
      await db.close();
    }
    io.stdout.write(format === 'json' ? `${toJson(report)}\n` : healthText(dbPath, report));
    setExit(HEALTH_EXIT[report.status]);
  });
}

/** `health of DB: degraded` then one aligned line per check. */
export function healthText(target: string, report: HealthReport): string {
  const nameWidth = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [`health of ${target}: ${report.status}`];
  for (const check of report.checks) lines.push(`  ${check.status.padEnd(9)}  ${check.name.padEnd(nameWidth)}  ${check.message}`);
  return `${lines.join('\n')}\n`;
}
