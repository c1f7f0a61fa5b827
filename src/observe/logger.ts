// Structured logging (pino): JSON lines or plain text, levels, a destination that can be
// switched while running, and a tap that copies every warn/error/fatal entry into the alert
// ring whatever the level and destination.
//
// DESTINATIONS (setDestination)
//   'stderr'         the default when no logFile is configured
//   { file: PATH }   append to PATH (created with its directory); 'file' = the configured logFile
//   'memory'         keep the last MEMORY_LINES formatted lines in memory only (recentLines());
//                    the dashboard uses this: logs never write to the terminal it owns
//   'none'           drop the lines (the alert ring still gets warnings and errors)
// Every write is synchronous (a log line is on disk or on stderr when the call returns), so
// a crash right after an error does not lose the line that explains it; no worker threads.
//
// SETTINGS. For a library open, an explicit open option wins, then the environment
// (OMBRA_LOG_LEVEL, OMBRA_LOG_FORMAT, OMBRA_LOG_FILE), then the config default. The CLI
// resolves the environment itself (config-loader.ts) and passes explicit options.
//
// EVENTS. Lifecycle lines carry `event` ('open', 'close', 'checkpoint', 'backup',
// 'compaction', ...) so a log shipper can filter on it; errors carry `code` and `details`.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import pino, { type Logger as PinoLogger } from 'pino';
import { validateOption, type LogLevel, type OmbraConfig } from '../config.js';
import { ConfigError, toOmbraError } from '../errors.js';
import type { AlertRing } from './alerts.js';

export type LogFormat = OmbraConfig['logFormat'];
export type EntryLevel = Exclude<LogLevel, 'silent'>;
export type LogFields = Record<string, unknown>;
export type LogDestination = 'stderr' | 'memory' | 'none' | 'file' | { file: string };

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
  /** '' = stderr. */
  file: string;
}

export const MEMORY_LINES = 500;

const LEVEL_RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

const ENV_KEYS = { level: 'OMBRA_LOG_LEVEL', format: 'OMBRA_LOG_FORMAT', file: 'OMBRA_LOG_FILE' } as const;

/** Log settings for a library open: explicit option > environment > config (see SETTINGS). */
export function resolveLogSettings(
  config: Pick<OmbraConfig, 'logLevel' | 'logFormat' | 'logFile'>,
  explicit: Partial<Pick<OmbraConfig, 'logLevel' | 'logFormat' | 'logFile'>>,
  env: NodeJS.ProcessEnv = process.env,
): LogSettings {
  const fromEnv = <K extends 'logLevel' | 'logFormat' | 'logFile'>(key: K, name: string): OmbraConfig[K] | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    return validateOption(key, raw, `environment ${name}`);
  };
  return {
    level: explicit.logLevel ?? fromEnv('logLevel', ENV_KEYS.level) ?? config.logLevel,
    format: explicit.logFormat ?? fromEnv('logFormat', ENV_KEYS.format) ?? config.logFormat,
    file: explicit.logFile ?? fromEnv('logFile', ENV_KEYS.file) ?? config.logFile,
  };
}

export interface LoggerOptions {
  settings: LogSettings;
  alerts: AlertRing;
  /** Fields on every line (the database path). */
  base?: LogFields;
  /** Where 'stderr' writes (tests capture it). Default process.stderr. */
  stderr?: { write(text: string): unknown };
  /** Initial destination; default: the configured file, else stderr. */
  destination?: LogDestination;
}

export class Logger {
  private readonly pino: PinoLogger;
  private readonly sink: Sink;
  private readonly alerts: AlertRing;

  constructor(options: LoggerOptions) {
    const { settings } = options;
    this.alerts = options.alerts;
    this.sink = new Sink(settings.format, settings.file, options.stderr ?? process.stderr);
    this.pino = pino(
      {
        level: settings.level,
        base: { pid: process.pid, hostname: hostname(), ...options.base },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      this.sink,
    );
    this.sink.setDestination(options.destination ?? (settings.file !== '' ? 'file' : 'stderr'));
  }

  get level(): LogLevel {
    return this.pino.level as LogLevel;
  }

  /** Live level change (`configure({ logLevel })`). */
  set level(level: LogLevel) {
    this.pino.level = level;
  }

  /** True when entries of this level are written (skip building costly fields otherwise). */
  isEnabled(level: EntryLevel): boolean {
    return LEVEL_RANK[level] >= LEVEL_RANK[this.level];
  }

  trace(message: string, fields?: LogFields): void {
    this.log('trace', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.log('fatal', message, fields);
  }

  /**
   * A lifecycle event ('open', 'close', 'checkpoint', 'backup', 'compaction', 'restore',
   * 'repair', 'shutdown'...): the line carries `event` for filtering. Backup and compaction
   * log theirs through here (db.logger.event('backup', 'backup finished', {...})).
   */
  event(event: string, message: string, fields: LogFields = {}, level: EntryLevel = 'info'): void {
    this.log(level, message, { event, ...fields });
  }

  /** An error with its code and details (level error unless given). */
  errorFrom(error: unknown, context?: string, fields: LogFields = {}, level: EntryLevel = 'error'): void {
    const e = toOmbraError(error);
    this.log(level, context ? `${context}: ${e.message}` : e.message, { code: e.code, details: e.details, ...fields });
  }

  setDestination(destination: LogDestination): void {
    this.sink.setDestination(destination);
  }

  get destination(): 'stderr' | 'memory' | 'none' | 'file' {
    return this.sink.kind;
  }

  /** Lines kept by the 'memory' destination, oldest first. */
  recentLines(limit = MEMORY_LINES): string[] {
    return this.sink.memory.slice(Math.max(0, this.sink.memory.length - limit));
  }

  /** Close the log file, if one is open (later lines go nowhere); other destinations stay. */
  close(): void {
    if (this.sink.kind === 'file') this.sink.setDestination('none');
  }

  private log(level: EntryLevel, message: string, fields: LogFields | undefined): void {
    if (LEVEL_RANK[level] >= LEVEL_RANK.warn) {
      const code = fields?.code;
      this.alerts.push({ atMs: Date.now(), level: level as 'warn' | 'error' | 'fatal', code: typeof code === 'string' ? code : null, message });
    }
    if (fields === undefined) this.pino[level](message);
    else this.pino[level](fields, message);
  }
}

/** pino's destination stream: formats (json/text) and routes each line, synchronously. */
class Sink {
  kind: 'stderr' | 'memory' | 'none' | 'file' = 'none';
  readonly memory: string[] = [];
  private fd: number | null = null;

  constructor(
    private readonly format: LogFormat,
    private readonly configuredFile: string,
    private readonly stderr: { write(text: string): unknown },
  ) {}

  write(line: string): void {
    if (this.kind === 'none') return;
    const text = this.format === 'text' ? formatText(line) : line;
    switch (this.kind) {
      case 'stderr':
        this.stderr.write(text);
        break;
      case 'file':
        writeSync(this.fd!, text);
        break;
      case 'memory':
        this.memory.push(text.endsWith('\n') ? text.slice(0, -1) : text);
        if (this.memory.length > MEMORY_LINES) this.memory.splice(0, this.memory.length - MEMORY_LINES);
        break;
    }
  }

  setDestination(destination: LogDestination): void {
    let file: string | null = null;
    if (destination === 'file') {
      if (this.configuredFile === '') {
        throw new ConfigError('CONFIG_INVALID', "log destination 'file' needs logFile to be configured", { key: 'logFile' });
      }
      file = this.configuredFile;
    } else if (typeof destination === 'object') {
      file = destination.file;
    }
    // Open the new file before closing the old one: a bad path leaves logging as it was.
    const fd = file !== null ? openLogFile(file) : null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = fd;
    this.kind = file !== null ? 'file' : (destination as 'stderr' | 'memory' | 'none');
  }
}

function openLogFile(file: string): number {
  try {
    mkdirSync(dirname(file), { recursive: true });
    return openSync(file, 'a', 0o600);
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `cannot open log file ${file}: ${(error as Error).message}`, { key: 'logFile', file });
  }
}

/** `2025-01-02T03:04:05.678Z WARN  slow commit (152.3 ms) code=... latencyMs=152.3` */
export function formatText(jsonLine: string): string {
  let entry: LogFields;
  try {
    entry = JSON.parse(jsonLine) as LogFields;
  } catch {
    return jsonLine;
  }
  const { level, time, msg, pid: _pid, hostname: _host, ...rest } = entry;
  const parts = [String(time ?? ''), String(level ?? '').toUpperCase().padEnd(5), String(msg ?? '')];
  for (const [key, value] of Object.entries(rest)) {
    parts.push(`${key}=${typeof value === 'string' ? (/\s|"/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value)}`);
  }
  return `${parts.join(' ')}\n`;
}
