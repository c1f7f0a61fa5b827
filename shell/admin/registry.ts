// Every :command of the console (DESIGN.md §7 plus live tuning, maintenance mode and the
// EXPLAIN/PROFILE shortcuts), one file per family, in the order :help lists them.

import { editDistance } from '../edit-distance.js';
import { ShellError } from '../shell-error.js';
import { CONSOLE_COMMANDS } from './console.js';
import { OBSERVE_COMMANDS } from './observe.js';
import { OPS_COMMANDS } from './ops.js';
import { PARAM_COMMANDS } from './params.js';
import { QUERY_COMMANDS } from './query.js';
import { SECURITY_COMMANDS } from './security.js';
import { SETTINGS_COMMANDS } from './settings.js';
import { TRANSACTION_COMMANDS } from './transaction.js';
import type { AdminCommand } from './types.js';

export { usageError } from './usage.js';

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  ...OPS_COMMANDS,
  ...OBSERVE_COMMANDS,
  ...TRANSACTION_COMMANDS,
  ...QUERY_COMMANDS,
  ...PARAM_COMMANDS,
  ...SETTINGS_COMMANDS,
  ...SECURITY_COMMANDS,
  ...CONSOLE_COMMANDS,
];

/** The list the dashboard's help overlay shows ({ usage, summary } per command). */
export function commandHelp(commands: readonly AdminCommand[] = ADMIN_COMMANDS): { usage: string; summary: string }[] {
  return commands.map(({ usage, summary }) => ({ usage, summary }));
}

/** Names that are not commands but that people try, and what to use instead. */
const INSTEAD: Record<string, string> = {
  readonly: ':maintenance on (read-only is fixed when the database is opened: reopen with --read-only)',
  'read-only': ':maintenance on (read-only is fixed when the database is opened: reopen with --read-only)',
  exit: ':quit',
  q: ':quit',
  h: ':help',
  '?': ':help',
  schema: ':indexes',
};

/** The command named `name` (case-insensitive). Throws SHELL_UNKNOWN_COMMAND with a hint. */
export function findCommand(commands: readonly AdminCommand[], name: string, line: string): AdminCommand {
  const wanted = name.toLowerCase();
  const found = commands.find((command) => command.name === wanted);
  if (found) return found;
  const hint = INSTEAD[wanted] ?? suggestion(commands, wanted);
  const message = name === '' ? 'a ":" must be followed by a command name' : `unknown command :${name}`;
  throw new ShellError('SHELL_UNKNOWN_COMMAND', `${message}${hint ? `; did you mean ${hint}?` : ''} (:help lists the commands)`, {
    command: name,
    line,
    ...(hint ? { suggestion: hint } : {}),
  });
}

/** The closest command names (edit distance ≤ 2, or a unique prefix). */
function suggestion(commands: readonly AdminCommand[], wanted: string): string | null {
  if (wanted === '') return null;
  const prefixed = commands.filter((command) => command.name.startsWith(wanted));
  if (prefixed.length >= 1 && prefixed.length <= 3) return prefixed.map((command) => `:${command.name}`).join(' or ');
  let best: { names: string[]; distance: number } = { names: [], distance: 3 };
  for (const command of commands) {
    const distance = editDistance(wanted, command.name);
    if (distance < best.distance) best = { names: [command.name], distance };
    else if (distance === best.distance) best.names.push(command.name);
  }
  return best.names.length > 0 ? best.names.map((n) => `:${n}`).join(' or ') : null;
}
