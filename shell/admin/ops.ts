// :checkpoint, :compact, :backup, :verify — the same jobs the CLI subcommands run (DESIGN.md
// §5): progress goes to the Jobs panel and as progress events, Ctrl-C cancels, and a
// trailing `&` leaves the job running in the background (:jobs, :cancel ID).

import { isAbsolute, resolve } from 'node:path';
import type { CheckpointMode } from '../../src/config.js';
import { OmbraError } from '../../src/errors.js';
import { CHECKPOINT_MODES } from '../../src/storage/checkpoint.js';
import { verifyReportText } from '../commands/report-format.js';
import { backupText, checkpointText, compactText, formatBytes } from '../report-text.js';
import { splitBackground, splitWords, type AdminCommand } from './types.js';
import { usageError } from './usage.js';

const checkpoint: AdminCommand = {
  name: 'checkpoint',
  usage: ':checkpoint [passive|full|restart|truncate] [&]',
  summary: 'copy the WAL into the database file (default passive; truncate empties the WAL)',
  complete: (index) => (index === 0 ? CHECKPOINT_MODES : 'none'),
  async run(ctx) {
    const { args, background } = splitBackground(ctx.args);
    const words = splitWords(args);
    if (words.length > 1) throw usageError(checkpoint, 'too many arguments', { args });
    const mode = (words[0]?.toLowerCase() ?? 'passive') as CheckpointMode;
    if (!CHECKPOINT_MODES.includes(mode)) throw usageError(checkpoint, `unknown checkpoint mode '${words[0]}'`, { mode: words[0] });
    const report = await ctx.runJob({ start: () => ctx.db.checkpoint(mode), background });
    if (report) await ctx.report('checkpoint', report, checkpointText(report));
  },
};

const compact: AdminCommand = {
  name: 'compact',
  usage: ':compact [--analyze] [&]',
  summary: 'rebuild the database into a dense file (crash-safe swap); --analyze only reports fragmentation',
  complete: (index) => (index === 0 ? ['--analyze'] : 'none'),
  async run(ctx) {
    const { args, background } = splitBackground(ctx.args);
    const words = splitWords(args);
    const analyze = words.length === 1 && words[0] === '--analyze';
    if (words.length > 0 && !analyze) throw usageError(compact, `unexpected argument '${words[0]}'`, { args });
    if (analyze) {
      const report = await ctx.runJob({ start: () => ctx.db.analyzeFragmentation(), background });
      if (report) {
        const text =
          `fragmentation ${report.fragmentationPercent}%: ${formatBytes(report.reclaimableBytes)} reclaimable of ${formatBytes(report.databaseSizeBytes)} ` +
          `(${report.freePages} free pages, ${formatBytes(report.unusedBytesInPages)} unused inside used pages)`;
        await ctx.report('fragmentation', report, text);
      }
      return;
    }
    const report = await ctx.runJob({ start: () => ctx.db.compact(), background });
    if (report) await ctx.report('compact', report, compactText(report));
  },
};

const backup: AdminCommand = {
  name: 'backup',
  usage: ':backup DIR [--incremental] [&]',
  summary: 'online backup into a chain directory (full into an empty one, --incremental after that)',
  complete: (index, previous) => (index === 0 ? 'files' : previous.includes('--incremental') ? 'none' : ['--incremental']),
  async run(ctx) {
    const { args, background } = splitBackground(ctx.args);
    const words = splitWords(args);
    const incremental = words.includes('--incremental');
    const rest = words.filter((word) => word !== '--incremental');
    const unknown = rest.find((word) => word.startsWith('--'));
    if (unknown !== undefined) throw usageError(backup, `unknown option '${unknown}'`, { option: unknown });
    if (rest.length !== 1) throw usageError(backup, rest.length === 0 ? 'give the backup directory' : 'give one backup directory', { args });
    const dir = isAbsolute(rest[0]!) ? rest[0]! : resolve(ctx.cwd, rest[0]!);
    const report = await ctx.runJob({ start: () => ctx.db.backup({ dir, incremental }), background });
    if (report) await ctx.report('backup', report, backupText(report));
  },
};

const verify: AdminCommand = {
  name: 'verify',
  usage: ':verify [fast|full] [&]',
  summary: 'check page checksums (fast) or every invariant of the graph (full)',
  complete: (index) => (index === 0 ? ['fast', 'full'] : 'none'),
  async run(ctx) {
    const { args, background } = splitBackground(ctx.args);
    const words = splitWords(args);
    if (words.length > 1) throw usageError(verify, 'too many arguments', { args });
    const level = (words[0]?.toLowerCase() ?? 'fast') as 'fast' | 'full';
    if (level !== 'fast' && level !== 'full') throw usageError(verify, `unknown level '${words[0]}'`, { level: words[0] });
    const report = await ctx.runJob({ start: () => ctx.db.verify({ level }), background });
    if (!report) return;
    await ctx.report('verify', report, verifyReportText(report).trimEnd());
    if (!report.ok) {
      // A script that verifies must fail when problems were found (the CLI exits 2 for them).
      const errors = report.problems.filter((p) => p.severity === 'error').length;
      throw new OmbraError('VERIFY_FAILED', `verify ${level} found ${errors} problem(s) in ${report.target}`, { problems: errors, level });
    }
  },
};

export const OPS_COMMANDS: readonly AdminCommand[] = [checkpoint, compact, backup, verify];
