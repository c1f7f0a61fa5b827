// ombra info DB [--format text|json] [--config FILE] [--preset NAME] [--set KEY=VALUE]...: one call that tells a maintenance script whether to
// checkpoint or compact (DESIGN.md §7). Text: aligned `key: value` lines.
import type { Command } from 'commander';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { keyValueLines } from './report-format.js';

export function registerInfo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('info')
    .description('database facts: sizes, WAL, free pages, fragmentation, counts, last checkpoint')
    .argument('<db>', 'database file')
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    // Read-only: info may run beside the writer process and never changes the files.
    const db = openForCommand(dbPath, { ...openOptionsFrom(loadCliConfig(options, io)), readOnly: true });
    try {
      const info = await db.info();
      if (format === 'json') io.stdout.write(`${toJson(info)}\n`);
      else {
        const { walArchive, ...rest } = info;
        const entries = Object.entries(rest) as [string, string | number | bigint | boolean | null][];
        if (walArchive !== null) entries.push(['walArchive', `${walArchive.dir} (LSN ${walArchive.archivedLsn}, ${walArchive.lagFrames} frame(s) waiting)`]);
        io.stdout.write(keyValueLines(entries));
      }
      setExit(EXIT.ok);
    } finally {
      await db.close();
    }
  });
}
