// ombra audit DB [--since ISO] [--until ISO] [--user NAME] [--action A] [--outcome O] [--format text|json]
// ombra audit DB --verify [--format text|json]
// [--log FILE] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
//
// Reads the audit log (src/security/audit.ts) of DB: --log, else the configured auditLogFile.
// --user filters records by user here (it is not the session user). Records print oldest
// first, one per line; --format json prints each record as the JSON line it is stored as.
// --verify checks the hash chain: exit 0 when intact, 2 with AUDIT_TAMPERED naming the first
// bad line otherwise. The database itself is not opened.
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { AUDIT_OUTCOMES, assertAuditIntact, queryAuditLog, verifyAuditLog, type AuditOutcome, type AuditRecord } from '../../src/security/audit.js';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { addConfigOptions, loadCliConfig, type ConfigFlags } from '../config-options.js';

function checkTime(value: string | undefined, option: string): string | undefined {
  if (value !== undefined && Number.isNaN(Date.parse(value))) {
    throw new UsageError(`${option} must be an ISO-8601 time such as 2024-05-01T12:00:00Z (got '${value}')`, { option, value });
  }
  return value;
}

/** One record as a line of text (time user action outcome txn (detail): target). */
export function recordText(r: AuditRecord): string {
  const txn = r.txn === null ? '' : ` txn ${r.txn}`;
  const detail = r.detail === null ? '' : ` (${r.detail})`;
  return `${r.time} ${r.user} ${r.action} ${r.outcome}${txn}${detail}: ${r.target.replace(/\s+/g, ' ')}\n`;
}

export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('audit')
    .description('query the audit log of a database, or --verify its hash chain')
    .argument('<db>', 'database file (its configuration names the audit log)')
    .option('--log <file>', 'audit log file (default: the configured auditLogFile)')
    .option('--since <time>', 'records at or after this ISO-8601 time')
    .option('--until <time>', 'records at or before this ISO-8601 time')
    .option('--user <name>', 'records of this user only')
    .option('--action <action>', 'records of this action only (write, delete, schema, backup, user.create, ...)')
    .option('--outcome <outcome>', `records with this outcome only: ${AUDIT_OUTCOMES.join(', ')}`)
    .option('--verify', 'check the hash chain instead of listing records (exit 2 when broken)', false)
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(
    (
      _dbPath: string,
      options: ConfigFlags & { log?: string; since?: string; until?: string; action?: string; outcome?: string; verify: boolean; format: string },
    ) => {
      const format = parseFormat(options.format, ['text', 'json'] as const);
      const { user: filterUser, ...configFlags } = options;
      const log = options.log ?? loadCliConfig(configFlags, io).config.auditLogFile;
      if (log === '') throw new UsageError('no audit log: pass --log FILE or configure auditLogFile', { option: '--log' });
      const fs = new RealFileSystem();
      if (options.verify) {
        const report = verifyAuditLog(fs, log);
        if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
        else if (report.ok) io.stdout.write(`audit log ${report.path}: ${report.records} record(s), chain intact; head ${report.head}\n`);
        assertAuditIntact(report); // AUDIT_TAMPERED, exit 2, names the first bad line
        setExit(EXIT.ok);
        return;
      }
      const outcome = options.outcome === undefined ? undefined : (parseFormat(options.outcome, AUDIT_OUTCOMES, '--outcome') as AuditOutcome);
      const since = checkTime(options.since, '--since');
      const until = checkTime(options.until, '--until');
      const records = queryAuditLog(fs, log, {
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(filterUser !== undefined ? { user: filterUser } : {}),
        ...(options.action !== undefined ? { action: options.action } : {}),
        ...(outcome !== undefined ? { outcome } : {}),
      });
      for (const r of records) io.stdout.write(format === 'json' ? `${JSON.stringify(r)}\n` : recordText(r));
      setExit(EXIT.ok);
    },
  );
}
