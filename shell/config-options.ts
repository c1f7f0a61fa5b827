// The configuration flags every command that opens a database can take, and the helper the
// console and the commands call to build the effective configuration (src/observe/
// config-loader.ts: defaults < preset < ombra.toml < OMBRA_* environment < flags).
//
//   --config FILE        configuration file (default: OMBRA_CONFIG, else ./ombra.toml if present)
//   --preset NAME        production, read-heavy, write-heavy, development
//   --set KEY=VALUE      any option of config.ts (repeatable), highest precedence
//   --key-file FILE      key of an encrypted database (config keyFile; else OMBRA_ENCRYPTION_KEY)
//   --user NAME          session user (default: the OS user mapped by config userMap); not added
//                        to a command that already has its own --user (ombra audit filters by it)

import type { Command } from 'commander';
import type { OmbraConfig } from '../src/config.js';
import type { OpenOptions } from '../src/database.js';
import { loadConfig, parseAssignments, PRESET_NAMES, type LoadedConfig } from '../src/observe/config-loader.js';
import type { CliIo } from './cli-support.js';

export interface ConfigFlags {
  config?: string;
  preset?: string;
  set?: string[];
  keyFile?: string;
  user?: string;
}

/** A command's configuration plus what a session needs besides config (the user, the environment for OMBRA_ENCRYPTION_KEY). */
export type CliConfig = LoadedConfig & { session?: { user?: string; env: NodeJS.ProcessEnv } };

/** Add --config, --preset, --set, --key-file and (unless the command has its own) --user to a command. */
export function addConfigOptions(command: Command): Command {
  command
    .option('--config <file>', 'configuration file (TOML; default ./ombra.toml when present)')
    .option('--preset <name>', `configuration preset: ${PRESET_NAMES.join(', ')}`)
    .option('--set <key=value>', 'set a configuration option (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--key-file <file>', 'key file of an encrypted database (default: OMBRA_ENCRYPTION_KEY)');
  if (!command.options.some((option) => option.long === '--user')) {
    command.option('--user <name>', 'run as this database user (default: the OS user, mapped by config userMap)');
  }
  return command;
}

/**
 * The effective configuration for a command: the flags, the command's own option flags
 * (`extra`, e.g. { readOnly: true } from --read-only, labelled for `config show`), io.env.
 * Throws ConfigError (exit 3) naming the bad key and where it came from.
 */
export function loadCliConfig(
  flags: ConfigFlags,
  io: CliIo,
  extra: { values?: Partial<Record<keyof OmbraConfig, unknown>>; labels?: Partial<Record<keyof OmbraConfig, string>> } = {},
): CliConfig {
  const assigned = parseAssignments(flags.set ?? []);
  const values: Partial<Record<string, unknown>> = { ...assigned, ...extra.values };
  const labels: Partial<Record<string, string>> = { ...extra.labels };
  if (flags.keyFile !== undefined) {
    values.keyFile = flags.keyFile;
    labels.keyFile = '--key-file';
  }
  const loaded = loadConfig({
    configFile: flags.config,
    preset: flags.preset,
    env: io.env,
    flags: values,
    flagLabels: labels,
  });
  return { ...loaded, session: { ...(flags.user !== undefined ? { user: flags.user } : {}), env: io.env } };
}

/**
 * Open options from a loaded configuration for a one-shot command: every effective value,
 * and logs at warn unless a log level was configured, so a command's stderr carries
 * problems, not the open/close lines a long-running process wants.
 */
export function openOptionsFrom(loaded: CliConfig): OpenOptions {
  const options: OpenOptions = { ...loaded.config };
  // A one-shot command's stderr carries problems, each once: log at warn, and leave a failed
  // job to the command's own `ombra: CODE: message` line, unless a log level was asked for.
  if (loaded.sources.logLevel.kind === 'default') {
    options.logLevel = 'warn';
    options.logJobOutcomes = false;
  }
  if (loaded.session !== undefined) {
    options.env = loaded.session.env;
    if (loaded.session.user !== undefined) options.user = loaded.session.user;
  }
  return options;
}
