// The effective configuration of a process, from every place a value can come from, each
// value remembering its source (`ombra config show`):
//
//   defaults (config.ts)  <  preset  <  ombra.toml  <  environment OMBRA_*  <  command-line flags
//
// PRESET: `--preset NAME`, else OMBRA_PRESET, else `preset = "NAME"` in the file. Presets:
//   production   cacheSizePages 20000 (≈160 MiB of 8 KiB pages), transactionTimeoutMs 60 s,
//                queryTimeoutMs 5 min, slowOperationMs 250, JSON logs at info; health:
//                cache hit rate ≥ 0.90, ≥ 1 GiB free disk, a checkpoint within 1 h while the
//                WAL has frames, a backup within 26 h (daily backups plus slack)
//   read-heavy   cacheSizePages 65536 (512 MiB), walSizeBytesMax 32 MiB and checkpoints
//                every 60 s (readers search a short WAL index), queryTimeoutMs 60 s, health:
//                cache hit rate ≥ 0.95
//   write-heavy  group commit: wait up to 2 ms for up to 256 commits per sync;
//                walSizeBytesMax 256 MiB and checkpoints every 10 min (fewer, larger
//                checkpoints), cacheSizePages 20000; health: a checkpoint within 30 min
//   development  cacheSizePages 2000, walSizeBytesMax 16 MiB, checkpoints every 30 s,
//                slowOperationMs 50, text logs at debug, health: ≥ 16 MiB free disk
//
// FILE: `--config FILE` (must exist), else OMBRA_CONFIG, else `./ombra.toml` when present.
// TOML, flat, keys are the option names of config.ts (`cacheSizePages = 20000`), plus the
// `preset` key. Unknown keys and bad values are a ConfigError naming the key, the file and
// the allowed range; a file that does not parse is CONFIG_FILE with line and column.
//
// ENVIRONMENT: OMBRA_<UPPER_SNAKE> of each option (cacheSizePages → OMBRA_CACHE_SIZE_PAGES).
// Other OMBRA_* variables belong to other parts (OMBRA_ENCRYPTION_KEY...) and are ignored
// here; an empty variable counts as unset.
//
// TEXT VALUES (environment, flags, and TOML strings for numeric options) are parsed by the
// option's type: integers and numbers (`20000`, `20_000`), sizes for *Bytes* options
// (`64MiB`, `1GiB`, `512KiB`, `100MB`), durations for *Ms* options (`250ms`, `30s`, `5m`,
// `1h`, `1d`), booleans (`true/false`, `1/0`, `yes/no`, `on/off`), enums and strings as is.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { CONFIG_SPEC, defaultConfig, validateOption, type OmbraConfig, type OptionSpec } from '../config.js';
import { ConfigError } from '../errors.js';

export type ConfigKey = keyof OmbraConfig;
export type PresetName = 'production' | 'read-heavy' | 'write-heavy' | 'development';
export type ConfigSourceKind = 'default' | 'preset' | 'file' | 'env' | 'flag';

export interface ValueSource {
  kind: ConfigSourceKind;
  /** Where exactly: 'preset production', the file path, 'OMBRA_CACHE_SIZE_PAGES', '--set cacheSizePages'. */
  detail: string;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const PRESETS: Record<PresetName, Partial<OmbraConfig>> = {
  production: {
    cacheSizePages: 20_000,
    transactionTimeoutMs: MINUTE_MS,
    queryTimeoutMs: 5 * MINUTE_MS,
    slowOperationMs: 250,
    logLevel: 'info',
    logFormat: 'json',
    healthCacheHitRateMin: 0.9,
    healthDiskFreeBytesMin: GIB,
    healthCheckpointAgeMsMax: HOUR_MS,
    healthBackupAgeMsMax: 26 * HOUR_MS,
  },
  'read-heavy': {
    cacheSizePages: 65_536,
    walSizeBytesMax: 32 * MIB,
    checkpointIntervalMs: MINUTE_MS,
    queryTimeoutMs: MINUTE_MS,
    healthCacheHitRateMin: 0.95,
  },
  'write-heavy': {
    groupCommitIntervalMs: 2,
    groupCommitMaxTransactions: 256,
    walSizeBytesMax: 256 * MIB,
    checkpointIntervalMs: 10 * MINUTE_MS,
    cacheSizePages: 20_000,
    healthCheckpointAgeMsMax: 30 * MINUTE_MS,
  },
  development: {
    cacheSizePages: 2_000,
    walSizeBytesMax: 16 * MIB,
    checkpointIntervalMs: 30_000,
    slowOperationMs: 50,
    logLevel: 'debug',
    logFormat: 'text',
    healthDiskFreeBytesMin: 16 * MIB,
  },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export interface LoadConfigOptions {
  /** `--config FILE`: must exist. */
  configFile?: string;
  /** `--preset NAME`. */
  preset?: string;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Command-line values by option name; strings are parsed as TEXT VALUES. */
  flags?: Partial<Record<string, unknown>>;
  /** How each flag was spelled, for sources and errors (default `--set KEY`). */
  flagLabels?: Partial<Record<string, string>>;
  /** Where `./ombra.toml` is looked for (default process.cwd()). */
  cwd?: string;
}

export interface LoadedConfig {
  config: OmbraConfig;
  sources: Record<ConfigKey, ValueSource>;
  preset: { name: PresetName; from: ValueSource } | null;
  /** The configuration file read, or null. */
  file: string | null;
}

/** Build the effective configuration (see the header for the order). Throws ConfigError. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const sources = {} as Record<ConfigKey, ValueSource>;
  for (const key of configKeys()) sources[key] = { kind: 'default', detail: 'default' };
  const set = (key: ConfigKey, value: unknown, source: ValueSource): void => {
    config[key] = value;
    sources[key] = source;
  };

  const file = locateFile(options, env);
  const table = file !== null ? readToml(file) : null;

  const preset = choosePreset(options, env, table, file);
  if (preset !== null) {
    for (const [key, value] of Object.entries(PRESETS[preset.name])) set(key as ConfigKey, value, { kind: 'preset', detail: `preset ${preset.name}` });
  }

  if (table !== null && file !== null) {
    for (const [key, raw] of Object.entries(table)) {
      if (key === 'preset') continue;
      const kind = specOf(key, file).rule.kind;
      // A string for a numeric option may carry a unit ("64MiB", "5m").
      const numeric = kind === 'int' || kind === 'number';
      const value = typeof raw === 'string' && numeric ? parseOptionText(key as ConfigKey, raw, file) : validateOption(key as ConfigKey, raw, file);
      set(key as ConfigKey, value, { kind: 'file', detail: file });
    }
  }

  for (const key of configKeys()) {
    const name = envVarName(key);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    set(key, parseOptionText(key, raw, `environment ${name}`), { kind: 'env', detail: name });
  }

  for (const [key, raw] of Object.entries(options.flags ?? {})) {
    if (raw === undefined) continue;
    const label = options.flagLabels?.[key] ?? `--set ${key}`;
    specOf(key, label);
    const value = typeof raw === 'string' ? parseOptionText(key as ConfigKey, raw, label) : validateOption(key as ConfigKey, raw, label);
    set(key as ConfigKey, value, { kind: 'flag', detail: label });
  }

  return { config: config as unknown as OmbraConfig, sources, preset, file };
}

/** cacheSizePages → OMBRA_CACHE_SIZE_PAGES */
export function envVarName(key: string): string {
  return `OMBRA_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** `key=value` assignments (from repeated `--set`), by option name. */
export function parseAssignments(assignments: readonly string[], flag = '--set'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError('CONFIG_INVALID', `${flag} expects KEY=VALUE, got '${assignment}'`, { source: flag, value: assignment });
    }
    out[assignment.slice(0, eq).trim()] = assignment.slice(eq + 1).trim();
  }
  return out;
}

/** Parse a text value by the option's type (TEXT VALUES) and validate it. */
export function parseOptionText<K extends ConfigKey>(key: K, text: string, source: string): OmbraConfig[K] {
  const spec = specOf(key, source);
  const trimmed = text.trim();
  let value: unknown = trimmed;
  switch (spec.rule.kind) {
    case 'int':
    case 'number':
      value = parseNumberText(key, trimmed);
      break;
    case 'bool': {
      const lower = trimmed.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) value = true;
      else if (['false', '0', 'no', 'off'].includes(lower)) value = false;
      break;
    }
    default:
      value = text;
  }
  return validateOption(key, value, source);
}

const SIZE_UNITS: Record<string, number> = { b: 1, kib: 1024, mib: MIB, gib: GIB, tib: 1024 * GIB, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, k: 1024, m: MIB, g: GIB };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE_MS, min: MINUTE_MS, h: HOUR_MS, d: 24 * HOUR_MS };

/** A number, or NaN-like text left as is so validateOption reports it with the allowed range. */
function parseNumberText(key: string, text: string): unknown {
  const match = /^(-?[0-9][0-9_]*(?:\.[0-9_]+)?(?:e[+-]?[0-9]+)?)\s*([a-z]*)$/i.exec(text);
  if (!match) return text;
  const n = Number(match[1]!.replace(/_/g, ''));
  const unit = match[2]!.toLowerCase();
  if (unit === '') return n;
  const units = /Bytes/.test(key) ? SIZE_UNITS : /Ms(Max)?$/.test(key) ? DURATION_UNITS : null;
  const factor = units?.[unit];
  return factor === undefined ? text : Math.round(n * factor);
}

function configKeys(): ConfigKey[] {
  return Object.keys(CONFIG_SPEC) as ConfigKey[];
}

function specOf(key: string, source: string): OptionSpec {
  const spec = (CONFIG_SPEC as Record<string, OptionSpec>)[key];
  if (!spec) {
    throw new ConfigError('CONFIG_UNKNOWN_KEY', `unknown configuration key '${key}' (from ${source}); known keys: ${configKeys().join(', ')}`, { key, source });
  }
  return spec;
}

function locateFile(options: LoadConfigOptions, env: NodeJS.ProcessEnv): string | null {
  const explicit = options.configFile ?? (env.OMBRA_CONFIG ? env.OMBRA_CONFIG : undefined);
  if (explicit !== undefined) {
    const path = resolve(options.cwd ?? process.cwd(), explicit);
    if (!existsSync(path)) throw new ConfigError('CONFIG_FILE', `configuration file ${path} does not exist`, { file: path });
    return path;
  }
  const fallback = resolve(options.cwd ?? process.cwd(), 'ombra.toml');
  return existsSync(fallback) ? fallback : null;
}

function readToml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_FILE', `cannot read configuration file ${file}: ${(error as Error).message}`, { file });
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError('CONFIG_FILE', `${file}:${error.line}:${error.column}: ${error.message.split('\n')[0]}`, { file, line: error.line, column: error.column });
    }
    throw new ConfigError('CONFIG_FILE', `cannot parse configuration file ${file}: ${(error as Error).message}`, { file });
  }
}

function choosePreset(
  options: LoadConfigOptions,
  env: NodeJS.ProcessEnv,
  table: Record<string, unknown> | null,
  file: string | null,
): { name: PresetName; from: ValueSource } | null {
  let name: unknown;
  let from: ValueSource;
  if (options.preset !== undefined) {
    name = options.preset;
    from = { kind: 'flag', detail: '--preset' };
  } else if (env.OMBRA_PRESET) {
    name = env.OMBRA_PRESET;
    from = { kind: 'env', detail: 'OMBRA_PRESET' };
  } else if (table !== null && table.preset !== undefined) {
    name = table.preset;
    from = { kind: 'file', detail: file! };
  } else {
    return null;
  }
  if (typeof name !== 'string' || !(PRESET_NAMES as string[]).includes(name)) {
    throw new ConfigError('CONFIG_INVALID', `unknown preset ${JSON.stringify(name)} (from ${from.detail}): expected one of ${PRESET_NAMES.join(', ')}`, {
      key: 'preset',
      value: name,
      allowed: PRESET_NAMES.join(', '),
      source: from.detail,
    });
  }
  return { name: name as PresetName, from };
}
