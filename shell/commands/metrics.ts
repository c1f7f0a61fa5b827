// ombra metrics DB [--format prometheus|json|statsd] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// The metrics snapshot of the database files (sizes, WAL, pages, counts, health) in one of
// the three export formats. Opens read-only, beside the writer if there is one; rates and
// latencies of a running process come from its own /metrics endpoint.
import type { Command } from 'commander';
import { exportMetrics, METRICS_FORMATS } from '../../src/observe/exporters.js';
import { EXIT, parseFormat, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';

export function registerMetrics(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('metrics')
    .description('print metrics as Prometheus text, JSON or StatsD lines')
    .argument('<db>', 'database file')
    .option('--format <format>', `output format: ${METRICS_FORMATS.join(', ')}`, 'prometheus');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { format: string }) => {
    const format = parseFormat(options.format, METRICS_FORMATS);
    const loaded = loadCliConfig(options, io);
    const db = openForCommand(dbPath, { ...openOptionsFrom(loaded), readOnly: true });
    let text: string;
    try {
      text = await exportMetrics(db.metrics(), format);
    } finally {
      await db.close();
    }
    io.stdout.write(text);
    setExit(EXIT.ok);
  });
}
