// ombra restore DIR --out DB [--until ISO-TIME] [--force] [--archive DIR] [--verify fast|full] [--key-file FILE] [--format text|json]
// An encrypted chain restores as stored; its key (--key-file, else OMBRA_ENCRYPTION_KEY) gives the result full verification.
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import { JobRegistry } from '../../src/ops/job.js';
import { restoreBackup } from '../../src/ops/restore.js';
import { backupCodec } from '../../src/security/offline-codec.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { formatMs } from './report-format.js';

export function registerRestore(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('restore')
    .description('restore a backup chain into a new database, optionally replaying the WAL archive up to a time')
    .argument('<dir>', 'backup directory')
    .requiredOption('--out <db>', 'database file to create')
    .option('--until <time>', 'restore the state as of this ISO-8601 time (chain + archived commits at or before it)')
    .option('--archive <dir>', 'WAL archive directory (default: the one the chain records)')
    .option('--force', 'replace an existing database at --out (its WAL is removed)', false)
    .option('--verify <level>', 'verify the result before putting it in place: fast or full', 'full')
    .option('--key-file <file>', 'key of an encrypted chain (default: OMBRA_ENCRYPTION_KEY), for full verification of the result')
    .option('--format <format>', 'output format: text or json', 'text')
    .action(async (dir: string, options: { out: string; until?: string; archive?: string; force: boolean; verify: string; keyFile?: string; format: string }) => {
      const format = parseFormat(options.format, ['text', 'json'] as const);
      const verify = parseFormat(options.verify, ['fast', 'full'] as const, '--verify');
      if (options.until !== undefined && Number.isNaN(Date.parse(options.until))) {
        throw new UsageError(`--until must be an ISO-8601 time such as 2024-05-01T12:00:00Z (got '${options.until}')`, { option: '--until', value: options.until });
      }
      const codec = backupCodec(dir, { keyFile: options.keyFile ?? '', env: io.env });
      const jobs = new JobRegistry();
      const stopProgress = showProgress(io, (listener) => jobs.subscribe(listener));
      try {
        const report = await restoreBackup(
          {
            dir,
            out: options.out,
            force: options.force,
            verify,
            ...(options.until !== undefined ? { until: options.until } : {}),
            ...(options.archive !== undefined ? { archiveDir: options.archive } : {}),
            ...(codec !== null ? { codec } : {}),
          },
          jobs,
        );
        stopProgress();
        for (const warning of report.warnings) io.stderr.write(`ombra: warning: ${warning}\n`);
        if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
        else {
          const replay = report.until === null ? '' : `, ${report.transactionsReplayed} archived transaction(s) replayed up to ${report.until}${report.untilReached ? '' : ' (archive ended first)'}`;
          io.stdout.write(
            `restored ${report.backupsApplied.length} backup(s) from ${report.dir} to ${report.out}: ${report.pageCount} pages at LSN ${report.lsn}${replay}; ` +
              `${report.verify.level} verify ok (${formatMs(report.durationMs)})\n`,
          );
        }
        setExit(EXIT.ok);
      } finally {
        stopProgress();
      }
    });
}
