// ombra verify DB [--level fast|full] [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// ombra verify --backup DIR [--archive DIR] [--format text|json]
// Exit 0 when sound, 2 when problems were found (DESIGN.md §7).
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import { JobRegistry } from '../../src/ops/job.js';
import { verifyBackupChain } from '../../src/ops/verify-backup.js';
import type { VerifyReport } from '../../src/ops/verify-types.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { verifyReportText } from './report-format.js';

export function registerVerify(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('verify')
    .description('check a database (fast: checksums; full: every invariant) or a backup directory')
    .argument('[db]', 'database file')
    .option('--level <level>', 'fast or full', 'fast')
    .option('--backup <dir>', 'verify a backup directory instead of a database')
    .option('--archive <dir>', 'with --backup: the WAL archive to check (default: the one the chain records)')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string | undefined, options: ConfigFlags & { level: string; backup?: string; archive?: string; format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const level = parseFormat(options.level, ['fast', 'full'] as const, '--level');
    if ((dbPath === undefined) === (options.backup === undefined)) {
      throw new UsageError('give either a database file or --backup DIR', { db: dbPath ?? null, backup: options.backup ?? null });
    }
    let report: VerifyReport;
    if (options.backup !== undefined) {
      const jobs = new JobRegistry();
      const stopProgress = showProgress(io, (listener) => jobs.subscribe(listener));
      try {
        report = await verifyBackupChain({ dir: options.backup, ...(options.archive !== undefined ? { archiveDir: options.archive } : {}) }, jobs);
      } finally {
        stopProgress();
      }
    } else {
      // Read-only: verification never writes and may run beside the writer process.
      const db = openForCommand(dbPath!, { ...openOptionsFrom(loadCliConfig(options, io)), readOnly: true });
      const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
      try {
        report = await db.verify({ level });
      } finally {
        stopProgress();
        await db.close();
      }
    }
    io.stdout.write(format === 'json' ? `${toJson(report)}\n` : verifyReportText(report));
    setExit(report.ok ? EXIT.ok : EXIT.problems);
  });
}
