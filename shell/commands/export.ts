// ombra export DB --out DIR [--force] [--delimiter C] [--array-delimiter C] [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// Writes DIR/nodes.csv and DIR/relationships.csv in the format `ombra import` reads; import them
// with --id-type actual to keep every id.
import type { Command } from 'commander';
import type { ExportReport } from '../../src/ops/export.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { formatBytes, formatMs } from './report-format.js';

export function registerExport(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('export')
    .description('write the graph as CSV files (nodes.csv, relationships.csv) that ombra import reads back')
    .argument('<db>', 'database file')
    .requiredOption('--out <dir>', 'directory to write (created if missing)')
    .option('--force', 'replace existing nodes.csv / relationships.csv', false)
    .option('--delimiter <char>', 'field delimiter', ',')
    .option('--array-delimiter <char>', 'separator of list items and labels', ';')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { out: string; force: boolean; delimiter: string; arrayDelimiter: string; format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const db = openForCommand(dbPath, { ...openOptionsFrom(loadCliConfig(options, io)), readOnly: true });
    const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
    let report: ExportReport;
    try {
      report = await db.exportCsv({ dir: options.out, force: options.force, delimiter: options.delimiter === 'tab' ? '\t' : options.delimiter, arrayDelimiter: options.arrayDelimiter });
    } finally {
      stopProgress();
      await db.close();
    }
    if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
    else {
      const lines = [`exported ${report.nodes} node(s) and ${report.relationships} relationship(s) of ${dbPath} to ${report.dir} (${report.rowsPerSecond} rows/s, ${formatMs(report.durationMs)})`];
      for (const f of report.files) lines.push(`  ${f.file}: ${f.rows} row(s), ${formatBytes(f.bytes)}`);
      if (report.indexes.length > 0) lines.push(`  index definitions are not part of the CSV format: ${report.indexes.map((i) => `${i.unique ? 'unique ' : ''}${i.name} (:${i.label}.${i.key})`).join(', ')}`);
      lines.push(`  to import with every id kept: ${report.importCommand}`);
      io.stdout.write(lines.join('\n') + '\n');
    }
    setExit(EXIT.ok);
  });
}
