// ombra checkpoint DB [--mode passive|full|restart|truncate] [--format text|json]
import type { Command } from 'commander';
import type { CheckpointMode } from '../../src/config.js';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';

const MODES = ['passive', 'full', 'restart', 'truncate'] as const;

export function registerCheckpoint(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('checkpoint')
    .description('copy the WAL back into the database file')
    .argument('<db>', 'database file')
    .option('--mode <mode>', `checkpoint mode: ${MODES.join(', ')}`, 'passive')
    .option('--format <format>', 'output format: text or json', 'text');
  // The configuration matters here: with walArchiveDir set, retired frames must be archived.
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { mode: string; format: string }) => {
    const mode = parseFormat(options.mode, MODES, '--mode') as CheckpointMode;
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const db = openForCommand(dbPath, openOptionsFrom(loadCliConfig(options, io)));
    try {
      const report = await db.checkpoint(mode);
      if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
      else {
        io.stdout.write(
          `checkpoint ${mode}: ${report.pagesCopied} pages copied, ${report.framesRemaining} frames left in the WAL, ` +
            `WAL now ${report.walSizeBytesAfter} bytes (${report.durationMs.toFixed(1)} ms)\n`,
        );
      }
      setExit(EXIT.ok);
    } finally {
      await db.close();
    }
  });
}
