// :source, :history, :help, :quit — the console itself.

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UnitReader } from '../line-input.js';
import { ShellError } from '../shell-error.js';
import { splitWords, type AdminCommand } from './types.js';
import { noArguments, usageError } from './usage.js';

const source: AdminCommand = {
  name: 'source',
  usage: ':source FILE',
  summary: 'run the statements and :commands of a file, stopping at the first that fails',
  complete: (index) => (index === 0 ? 'files' : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length !== 1) throw usageError(source, words.length === 0 ? 'give the file' : 'give one file', { args: ctx.args });
    const path = isAbsolute(words[0]!) ? words[0]! : resolve(ctx.cwd, words[0]!);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ShellError('SHELL_SOURCE', `cannot read ${path}: ${(error as Error).message}`, { file: path, errno: (error as NodeJS.ErrnoException).code });
    }
    const reader = new UnitReader();
    const units = reader.push(text);
    const last = reader.end();
    if (last?.incomplete) {
      // Nothing runs: a script cut short must not run half of its last statement's intent.
      throw new ShellError('SHELL_INCOMPLETE_INPUT', `${path}: the statement at line ${last.line} has no closing ';' (nothing was run)`, { file: path, line: last.line });
    }
    if (last) units.push(last);
    const ok = await ctx.runUnits(units.map((unit) => ({ text: unit.text, origin: { file: path, line: unit.line } })));
    if (ok) await ctx.text(`${path}: ${units.length} ${units.length === 1 ? 'unit' : 'units'} run`, 'err');
  },
};

const history: AdminCommand = {
  name: 'history',
  usage: ':history',
  summary: 'the statements and commands entered before (kept in ~/.ombra_history)',
  async run(ctx) {
    noArguments(history, ctx.args);
    const entries = ctx.history();
    if (entries === null) return ctx.text('this session keeps no history (input is not interactive)', 'err');
    if (entries.length === 0) return ctx.text('(history is empty)');
    const width = String(entries.length).length;
    await ctx.text(entries.map((entry, i) => `${String(i + 1).padStart(width)}  ${entry.replace(/\n/g, '\n' + ' '.repeat(width + 2))}`).join('\n'));
  },
};

const help: AdminCommand = {
  name: 'help',
  usage: ':help [COMMAND]',
  summary: 'this list, or the usage of one command',
  complete: (index) => (index === 0 ? [] : 'none'),
  async run(ctx) {
    const commands = ctx.commands();
    const wanted = ctx.args.replace(/^:/, '').toLowerCase();
    if (wanted !== '') {
      const command = commands.find((c) => c.name === wanted);
      if (!command) throw usageError(help, `no command :${wanted}`, { command: wanted });
      return ctx.text(`${command.usage}\n  ${command.summary}`);
    }
    const width = Math.min(40, Math.max(...commands.map((c) => c.usage.length)));
    const lines = [
      'Statements end with ; and may span lines (EXPLAIN / PROFILE in front show the plan).',
      'Each runs in its own transaction unless :begin opened one. Parameters: $name, set with :param.',
      'A trailing & runs a job command in the background (:jobs, :cancel ID). Ctrl-C cancels what runs.',
      '',
      ...commands.map((c) => `${c.usage.padEnd(width)}  ${c.summary}`),
    ];
    await ctx.text(lines.join('\n'));
  },
};

const quit: AdminCommand = {
  name: 'quit',
  usage: ':quit',
  summary: 'leave the console (an open transaction is rolled back)',
  async run(ctx) {
    noArguments(quit, ctx.args);
    ctx.quit();
  },
};

export const CONSOLE_COMMANDS: readonly AdminCommand[] = [source, history, help, quit];
