// ombra backup DB --out DIR [--incremental] [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
import type { Command } from 'commander';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { formatBytes, formatMs } from './report-format.js';

export function registerBackup(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('backup')
    .description('online backup into a chain directory: full into an empty directory, --incremental after that')
    .argument('<db>', 'database file')
    .requiredOption('--out <dir>', 'backup directory (created when missing)')
    .option('--incremental', 'append only the pages changed since the newest backup of the chain', false)
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { out: string; incremental: boolean; format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const loaded = loadCliConfig(options, io);
    // Read-only: the backup reads one snapshot and may run beside the process that writes the
    // database. The configuration names the WAL archive the manifest records.
    const db = openForCommand(dbPath, { ...openOptionsFrom(loaded), readOnly: true });
    const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
    try {
      const report = await db.backup({ dir: options.out, incremental: options.incremental });
      stopProgress();
      if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
      else {
        io.stdout.write(
          `backup ${report.kind} #${report.sequence} to ${report.dir}/${report.file}: ${report.pagesCopied} of ${report.pageCount} pages ` +
            `(LSN ${report.fromLsn}..${report.toLsn}), ${formatBytes(report.fileBytes)} in ${formatMs(report.durationMs)} ` +
            `(${formatBytes(report.bytesPerSecond)}/s), crc32 ${report.checksum.value}; chain of ${report.chainLength}\n`,
        );
      }
      setExit(EXIT.ok);
    } finally {
      stopProgress();
      await db.close();
    }
  });
}
