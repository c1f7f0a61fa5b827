// ombra repair DB --out DB2 [--force] [--verify full|fast|none] [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// Rebuilds every derived structure from the primary records into a new database (never in
// place: CONVENTIONS §9). Exit 0 when the repaired database was written (the report says what
// was fixed and what was left out), 1 when it could not be, 3 when DB cannot be opened.
import type { Command } from 'commander';
import type { RepairReport } from '../../src/ops/repair.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { formatMs } from './report-format.js';

export function registerRepair(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('repair')
    .description('rebuild indexes, adjacency, degree counts, counters and the free list from the records into a new database')
    .argument('<db>', 'database file to repair (only read)')
    .requiredOption('--out <db2>', 'database file to write')
    .option('--force', 'replace an existing database at --out (its WAL is removed)', false)
    .option('--verify <level>', 'verify the result before putting it in place: full, fast or none', 'full')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { out: string; force: boolean; verify: string; format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const verify = parseFormat(options.verify, ['full', 'fast', 'none'] as const, '--verify');
    // Read-only: repair reads one snapshot and never writes the damaged file.
    const db = openForCommand(dbPath, { ...openOptionsFrom(loadCliConfig(options, io)), readOnly: true });
    const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
    let report: RepairReport;
    try {
      report = await db.repair({ out: options.out, force: options.force, verify });
    } finally {
      stopProgress();
      await db.close();
    }
    io.stdout.write(format === 'json' ? `${toJson(report)}\n` : repairText(report));
    setExit(EXIT.ok);
  });
}

/** The report as text: what was rebuilt, what differed, what was left out. */
export function repairText(r: RepairReport): string {
  const lines = [
    `repaired ${r.source} into ${r.out}: ${r.issuesFixed} issue(s) fixed; ${r.nodes.kept} node(s), ${r.relationships.kept} relationship(s) ` +
      `(${r.nodes.dropped + r.relationships.dropped} record(s) left out); ${r.pagesBefore} -> ${r.pagesAfter} pages; ${r.verify.level === 'none' ? 'not verified' : `${r.verify.level} verify ok`} (${formatMs(r.durationMs)})`,
  ];
  for (const s of r.structures) {
    if (s.missing + s.extra + s.changed === 0 && s.readable) continue;
    lines.push(`  ${s.structure.padEnd(18)} ${String(s.missing).padStart(8)} missing ${String(s.extra).padStart(8)} extra ${String(s.changed).padStart(8)} changed${s.readable ? '' : `  (unreadable: ${s.error})`}`);
    for (const e of s.examples) lines.push(`      ${e}`);
  }
  for (const c of r.counters) lines.push(`  counter ${c.name}: ${c.before} -> ${c.after}`);
  for (const name of r.demotedIndexes) lines.push(`  index ${name}: its records hold duplicate values; rebuilt as a non-unique index`);
  for (const issue of r.issues.slice(0, 50)) lines.push(`  ${issue.action} ${issue.kind}${issue.id !== undefined ? ` ${issue.id}` : ''}: ${issue.reason}`);
  if (r.issues.length > 50 || r.issuesTruncated) lines.push('  (more issues in --format json)');
  return lines.join('\n') + '\n';
}
