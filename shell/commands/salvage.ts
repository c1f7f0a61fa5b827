// ombra salvage DB --out DB2 [--force] [--verify full|fast|none] [--key-file FILE] [--format text|json]
// An encrypted DB is read with its key (--key-file, else OMBRA_ENCRYPTION_KEY); the result is encrypted under it too.
// For a database too damaged to open or repair: scans every page (and the WAL's valid frames)
// for readable records and writes them into a new database. Never touches DB or its WAL.
// Exit 0 when the new database was written (the report says what was lost), 1 otherwise.
import type { Command } from 'commander';
import { JobRegistry } from '../../src/ops/job.js';
import { salvageDatabase, type SalvageReport } from '../../src/ops/salvage.js';
import { databaseFileCodec } from '../../src/security/offline-codec.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { formatMs } from './report-format.js';

export function registerSalvage(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('salvage')
    .description('scan every page of a damaged database for readable records and write them into a new database')
    .argument('<db>', 'damaged database file (only read, with its -wal)')
    .requiredOption('--out <db2>', 'database file to write')
    .option('--force', 'replace an existing database at --out (its WAL is removed)', false)
    .option('--verify <level>', 'verify the result before putting it in place: full, fast or none', 'full')
    .option('--key-file <file>', 'key of an encrypted database (default: OMBRA_ENCRYPTION_KEY)')
    .option('--format <format>', 'output format: text or json', 'text')
    .action(async (dbPath: string, options: { out: string; force: boolean; verify: string; keyFile?: string; format: string }) => {
      const format = parseFormat(options.format, ['text', 'json'] as const);
      const verify = parseFormat(options.verify, ['full', 'fast', 'none'] as const, '--verify');
      const codec = databaseFileCodec(dbPath, { keyFile: options.keyFile ?? '', env: io.env });
      const jobs = new JobRegistry();
      const stopProgress = showProgress(io, (listener) => jobs.subscribe(listener));
      let report: SalvageReport;
      try {
        report = await salvageDatabase({ source: dbPath, out: options.out, force: options.force, verify, ...(codec !== null ? { codec } : {}) }, jobs);
      } finally {
        stopProgress();
      }
      io.stdout.write(format === 'json' ? `${toJson(report)}\n` : salvageText(report));
      setExit(EXIT.ok);
    });
}

export function salvageText(r: SalvageReport): string {
  const p = r.pages;
  const lines = [
    `salvaged ${r.source} into ${r.out}: ${r.nodesSalvaged} node(s), ${r.relationshipsSalvaged} relationship(s); ` +
      `${p.lost} of ${p.scanned} page(s) lost, ${p.free} free; ${r.verify.level === 'none' ? 'not verified' : `${r.verify.level} verify ok`} (${formatMs(r.durationMs)})`,
    `  page size ${r.pageSizeBytes} (from the ${r.pageSizeSource === 'probe' ? 'page checksums' : r.pageSizeSource === 'wal' ? 'WAL header' : 'meta page'}), meta page ${r.metaPage}, free list from ${r.freeList === 'meta' ? 'the meta page' : 'a scan of its trunk pages'}, WAL: ${r.wal.present ? `${r.wal.framesUsed} frame(s) used (${r.wal.endReason})` : 'none'}`,
    `  leaves: ${Object.entries(r.leaves)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}${r.entriesUnattributed > 0 ? ` (${r.entriesUnattributed} unattributed entries not salvaged)` : ''}`,
    `  found ${r.nodesFound} node and ${r.relationshipsFound} relationship record(s); ${r.valuesLost} value(s) lost with their overflow pages; ${r.olderVersionsSkipped} older version(s) skipped`,
  ];
  if (p.lostPages.length > 0) lines.push(`  lost pages: ${p.lostPages.slice(0, 40).join(', ')}${p.lost > 40 ? ', ...' : ''}`);
  if (p.encrypted > 0) lines.push(`  ${p.encrypted} encrypted page(s) could not be read without the key`);
  for (const issue of r.issues.slice(0, 50)) lines.push(`  ${issue.action} ${issue.kind}${issue.id !== undefined ? ` ${issue.id}` : ''}: ${issue.reason}`);
  if (r.issues.length > 50 || r.issuesTruncated) lines.push('  (more issues in --format json)');
  return lines.join('\n') + '\n';
}
