// Argument errors of :commands, quoting the command's usage line.

import { ShellError } from '../shell-error.js';
import type { AdminCommand } from './types.js';

/** A SHELL_COMMAND_USAGE error for `command`. */
export function usageError(command: AdminCommand, problem: string, details: Record<string, unknown> = {}): ShellError {
  return new ShellError('SHELL_COMMAND_USAGE', `${problem}; usage: ${command.usage}`, { command: command.name, ...details });
}

/** Parse on|off (also true/false, yes/no, 1/0). */
export function parseSwitch(command: AdminCommand, word: string | undefined): boolean {
  const lower = word?.toLowerCase();
  if (lower === 'on' || lower === 'true' || lower === 'yes' || lower === '1') return true;
  if (lower === 'off' || lower === 'false' || lower === 'no' || lower === '0') return false;
  throw usageError(command, word === undefined ? 'say on or off' : `'${word}' is not on or off`, { value: word ?? null });
}

/** Refuse arguments a command does not take. */
export function noArguments(command: AdminCommand, args: string): void {
  if (args.trim() !== '') throw usageError(command, `:${command.name} takes no arguments (got '${args.trim()}')`, { args });
}
