// ombra compact DB [--analyze] [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
import type { Command } from 'commander';
import type { FragmentationReport } from '../../src/ops/fragmentation.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { formatBytes, formatMs } from './report-format.js';

export function registerCompact(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('compact')
    .description('rebuild the database into a dense file (crash-safe swap); --analyze only reports fragmentation')
    .argument('<db>', 'database file')
    .option('--analyze', 'print the fragmentation analysis and change nothing', false)
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { analyze: boolean; format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    // The configuration matters here: with a WAL archive the compacted file is archived too.
    const opened = openOptionsFrom(loadCliConfig(options, io));
    const db = openForCommand(dbPath, options.analyze ? { ...opened, readOnly: true } : opened);
    const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
    try {
      if (options.analyze) {
        const report = await db.analyzeFragmentation();
        stopProgress();
        io.stdout.write(format === 'json' ? `${toJson(report)}\n` : analysisText(report));
      } else {
        const report = await db.compact();
        stopProgress();
        if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
        else {
          io.stdout.write(
            `compacted ${report.path}: ${report.pagesBefore} -> ${report.pagesAfter} pages, ${formatBytes(report.bytesReclaimed)} reclaimed, ` +
              `fragmentation ${report.fragmentationPercentBefore}% -> ${report.fragmentationPercentAfter}%, ${report.entriesCopied} entries in ${report.trees.length} tree(s), ` +
              `${formatMs(report.durationMs)} (writers held ${formatMs(report.writersHeldMs)}${report.attempts > 1 ? `, ${report.attempts} builds` : ''})\n`,
          );
          for (const warning of report.warnings) io.stderr.write(`ombra: warning: ${warning}\n`);
        }
      }
      setExit(EXIT.ok);
    } finally {
      stopProgress();
      await db.close();
    }
  });
}

function analysisText(report: FragmentationReport): string {
  const lines = [
    `fragmentation ${report.fragmentationPercent}%: ${formatBytes(report.reclaimableBytes)} reclaimable of ${formatBytes(report.databaseSizeBytes)} ` +
      `(${report.freePages} free page(s) = ${formatBytes(report.freePageBytes)}, ${formatBytes(report.unusedBytesInPages)} unused inside used pages)`,
  ];
  for (const t of report.trees) {
    const fill = t.pages === 0 ? 0 : (t.usedBytes / (t.usedBytes + t.freeBytesInPages)) * 100;
    lines.push(`  ${t.name.padEnd(16)} ${String(t.entries).padStart(10)} entries  ${String(t.pages).padStart(8)} pages  depth ${t.depth}  ${fill.toFixed(1)}% full`);
  }
  return lines.join('\n') + '\n';
}
