// The configuration flags every command that opens a database can take, and the helper the
// console and the commands call to build the effective configuration (src/observe/
// config-loader.ts: defaults < preset < ombra.toml < OMBRA_* environment < flags).
//
//   --config FILE        configuration file (default: OMBRA_CONFIG, else ./ombra.toml if present)
//   --preset NAME        production, read-heavy, write-heavy, development
//   --set KEY=VALUE      any option of config.ts (repeatable), highest precedence

import type { Command } from 'commander';
import type { OmbraConfig } from '../src/config.js';
import type { OpenOptions } from '../src/database.js';
import { loadConfig, parseAssignments, PRESET_NAMES, type LoadedConfig } from '../src/observe/config-loader.js';
import type { CliIo } from './cli-support.js';

export interface ConfigFlags {
  config?: string;
  preset?: string;
  set?: string[];
}

/** Add --config, --preset and --set to a command. */
export function addConfigOptions(command: Command): Command {
  return command
    .option('--config <file>', 'configuration file (TOML; default ./ombra.toml when present)')
    .option('--preset <name>', `configuration preset: ${PRESET_NAMES.join(', ')}`)
    .option('--set <key=value>', 'set a configuration option (repeatable)', (value: string, previous: string[] = []) => [...previous, value]);
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
): LoadedConfig {
  const assigned = parseAssignments(flags.set ?? []);
  return loadConfig({
    configFile: flags.config,
    preset: flags.preset,
    env: io.env,
    flags: { ...assigned, ...extra.values },
    flagLabels: extra.labels,
  });
}

/**
 * Open options from a loaded configuration for a one-shot command: every effective value,
 * and logs at warn unless a log level was configured, so a command's stderr carries
 * problems, not the open/close lines a long-running process wants.
 */
export function openOptionsFrom(loaded: LoadedConfig): OpenOptions {
  const options: OpenOptions = { ...loaded.config };
  if (loaded.sources.logLevel.kind === 'default') options.logLevel = 'warn';
  return options;
}
