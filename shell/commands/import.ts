// ombra import DB --nodes [LABEL[:LABEL]...=]FILE[,FILE]... --relationships [TYPE=]FILE[,FILE]...
//   [--id-type string|integer|actual] [--delimiter C] [--array-delimiter C] [--quote C]
//   [--verify none|fast|full] [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...
// CSV in neo4j-admin import's format (src/graph/csv-header.ts). A DB that does not exist is
// created by the bulk path and appears only when the import is complete; an existing DB takes
// the import in one write transaction. Either way every file is imported or none.
import type { Command } from 'commander';
import { Database } from '../../src/database.js';
import { UsageError } from '../../src/errors.js';
import { JobRegistry } from '../../src/ops/job.js';
import type { CsvInput, IdType, ImportReport } from '../../src/ops/import.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { formatMs } from './report-format.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `[names=]file[,file...]`: names split at ':' (labels) or taken whole (a type). */
export function parseInputSpec(spec: string, kind: 'nodes' | 'relationships'): CsvInput {
  const eq = spec.indexOf('=');
  const names = eq >= 0 ? spec.slice(0, eq) : '';
  const files = (eq >= 0 ? spec.slice(eq + 1) : spec).split(',').filter((f) => f !== '');
  if (files.length === 0) throw new UsageError(`--${kind} ${spec}: no file given`, { option: `--${kind}`, value: spec });
  if (kind === 'nodes') return names === '' ? { files } : { files, labels: names.split(':').filter((l) => l !== '') };
  return names === '' ? { files } : { files, type: names };
}

export function registerImport(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('import')
    .description('bulk import nodes and relationships from CSV files (neo4j-admin import format)')
    .argument('<db>', 'database file (created when it does not exist)')
    .option('--nodes <[labels=]files>', 'node file(s), e.g. persons.csv or Person:Actor=h.csv,part1.csv (repeatable)', collect)
    .option('--relationships <[type=]files>', 'relationship file(s), e.g. knows.csv or KNOWS=k.csv (repeatable)', collect)
    .option('--id-type <type>', 'string (ids per ID space), integer, or actual (the ids are node ids; what export writes)', 'string')
    .option('--delimiter <char>', "field delimiter ('tab' for tabs)", ',')
    .option('--array-delimiter <char>', 'separator of array items and labels', ';')
    .option('--quote <char>', 'quote character', '"')
    .option('--verify <level>', 'new database only: verify before putting it in place (none, fast, full)', 'none')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(
    async (
      dbPath: string,
      options: ConfigFlags & { nodes?: string[]; relationships?: string[]; idType: string; delimiter: string; arrayDelimiter: string; quote: string; verify: string; format: string },
    ) => {
      const format = parseFormat(options.format, ['text', 'json'] as const);
      const idType = parseFormat(options.idType, ['string', 'integer', 'actual'] as const, '--id-type') as IdType;
      const verify = parseFormat(options.verify, ['none', 'fast', 'full'] as const, '--verify');
      const nodes = (options.nodes ?? []).map((s) => parseInputSpec(s, 'nodes'));
      const relationships = (options.relationships ?? []).map((s) => parseInputSpec(s, 'relationships'));
      if (nodes.length === 0 && relationships.length === 0) throw new UsageError('give at least one --nodes or --relationships file', {});
      const csv = { nodes, relationships, idType, delimiter: options.delimiter, arrayDelimiter: options.arrayDelimiter, quote: options.quote };
      const loaded = loadCliConfig(options, io);
      let report: ImportReport;
      if (!new RealFileSystem().exists(dbPath)) {
        const jobs = new JobRegistry();
        const stopProgress = showProgress(io, (listener) => jobs.subscribe(listener));
        try {
          report = await Database.importCsvToNewDatabase({ ...csv, out: dbPath, pageSizeBytes: loaded.config.pageSizeBytes, verify }, jobs);
        } finally {
          stopProgress();
        }
      } else {
        const db = openForCommand(dbPath, openOptionsFrom(loaded));
        const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
        try {
          report = await db.importCsv(csv);
        } finally {
          stopProgress();
          await db.close();
        }
      }
      if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
      else {
        io.stdout.write(
          `imported ${report.nodes} node(s) and ${report.relationships} relationship(s) into ${report.created ? 'the new database ' : ''}${report.target} ` +
            `(${report.rowsPerSecond} rows/s: nodes ${report.nodesPerSecond}/s, relationships ${report.relationshipsPerSecond}/s; ${formatMs(report.durationMs)})\n`,
        );
        for (const f of report.files) io.stdout.write(`  ${f.kind.padEnd(13)} ${f.file}: ${f.rows} row(s)\n`);
      }
      setExit(EXIT.ok);
    },
  );
}
