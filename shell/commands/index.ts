// Every CLI subcommand, one module each (CONVENTIONS §9). A command registers itself on the
// program and reports its exit code through setExit (errors thrown map to their own codes).
// Each is loaded only when the command line names it (or asks for help): `ombra DB` opens a
// dashboard whose UI thread never loads the engine, and `ombra --version` starts at once.

import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';

export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export interface CommandEntry {
  /** The subcommand's name; 'console' is the program's own action (`ombra [DB]`). */
  name: string;
  load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'console', load: async () => (await import('./console.js')).registerConsole },
  { name: 'shell', load: async () => (await import('./shell.js')).registerShell },
  { name: 'demo', load: async () => (await import('./demo.js')).registerDemo },
  { name: 'checkpoint', load: async () => (await import('./checkpoint.js')).registerCheckpoint },
  { name: 'compact', load: async () => (await import('./compact.js')).registerCompact },
  { name: 'backup', load: async () => (await import('./backup.js')).registerBackup },
  { name: 'backups', load: async () => (await import('./backups.js')).registerBackups },
  { name: 'restore', load: async () => (await import('./restore.js')).registerRestore },
  { name: 'verify', load: async () => (await import('./verify.js')).registerVerify },
  { name: 'repair', load: async () => (await import('./repair.js')).registerRepair },
  { name: 'salvage', load: async () => (await import('./salvage.js')).registerSalvage },
  { name: 'import', load: async () => (await import('./import.js')).registerImport },
  { name: 'export', load: async () => (await import('./export.js')).registerExport },
  { name: 'info', load: async () => (await import('./info.js')).registerInfo },
  { name: 'health', load: async () => (await import('./health.js')).registerHealth },
  { name: 'metrics', load: async () => (await import('./metrics.js')).registerMetrics },
  { name: 'config', load: async () => (await import('./config.js')).registerConfig },
  { name: 'user', load: async () => (await import('./user.js')).registerUser },
  { name: 'audit', load: async () => (await import('./audit.js')).registerAudit },
  { name: 'rekey', load: async () => (await import('./rekey.js')).registerRekey },
];

/** Every subcommand's name (the console is the program itself), for suggestions. */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map((entry) => entry.name).filter((name) => name !== 'console');

/**
 * The commands `argv` needs: the console always (it is the program's own action), every
 * command whose name appears as a word, and all of them for help (`--help`, `-h`, `help`), whose
 * text lists them. A word that only happens to equal a command name (an option's value) loads
 * one module more than needed, nothing worse.
 */
export function commandsFor(argv: readonly string[]): CommandEntry[] {
  if (argv.some((word) => word === '--help' || word === '-h' || word === 'help')) return [...COMMANDS];
  const words = new Set(argv);
  return COMMANDS.filter((entry) => entry.name === 'console' || words.has(entry.name));
}
