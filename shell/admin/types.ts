// What a :command sees of the console session, and what it declares about itself. One file
// per command family registers AdminCommands (registry.ts lists them); the session
// (session.ts) parses the line, finds the command and runs it with an AdminContext.

import type { Database } from '../../src/database.js';
import type { Transaction } from '../../src/query/index.js';
import type { ResultValue } from '../../src/cypher/runtime/values.js';
import type { OutputEvent, OutputFormat } from '../protocol.js';

/** A query parameter set with `:param`: the value as the engine takes it, and as it prints. */
export interface ShellParam {
  /** The JavaScript form passed to the engine (bigint INTEGER, FloatValue FLOAT, arrays, maps). */
  input: unknown;
  /** The evaluated value (for `:params`). */
  value: ResultValue;
}

/** The session state commands read and change. */
export interface SessionState {
  format: OutputFormat;
  timing: boolean;
  readonly params: Map<string, ShellParam>;
  /** The explicit transaction opened by `:begin`, until `:commit` / `:rollback`. */
  transaction: Transaction | null;
}

/** Where a unit of input came from (`:source` files name their line). */
export interface UnitOrigin {
  file: string;
  line: number;
}

/** Starting a job from a command: its promise, plus `&` to leave it running in the background. */
export interface JobStart<R> {
  start: () => Promise<R>;
  background: boolean;
}

export interface AdminContext {
  readonly db: Database;
  readonly state: SessionState;
  /** The text after the command name, trimmed. */
  readonly args: string;
  /** The whole command line as typed (for error excerpts). */
  readonly line: string;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
  emit(event: OutputEvent): Promise<void>;
  /** Plain output; `err` for messages (the line shell prints those on stderr). */
  text(text: string, stream?: 'out' | 'err'): Promise<void>;
  /** A report object: JSON in json format, `text` otherwise. */
  report(title: string, value: unknown, text: string): Promise<void>;
  /**
   * Run an operation that starts a job (db.checkpoint, db.backup...): its progress is emitted as
   * progress events and Ctrl-C cancels it. With `background` the command returns at once
   * (the Jobs panel and `:jobs` follow it; `:cancel ID` stops it) and the result is null.
   */
  runJob<R>(job: JobStart<R>): Promise<R | null>;
  /** Run a statement as if typed (`:explain`, `:profile`, `:indexes`). */
  runStatement(text: string): Promise<void>;
  /** Run units of input in order, stopping at the first that fails (`:source`). */
  runUnits(units: readonly { text: string; origin: UnitOrigin }[]): Promise<boolean>;
  /** End the session after this command (`:quit`). */
  quit(): void;
  /** The REPL's history, oldest first, when the front end keeps one. */
  history(): readonly string[] | null;
  /** Every registered command (`:help`). */
  commands(): readonly AdminCommand[];
}

/** What Tab completes for one argument position. */
export type ArgumentCompletion = readonly string[] | 'files' | 'cypher' | 'config-keys' | 'config-values' | 'params' | 'none';

export interface AdminCommand {
  /** Name without the colon, lower case. */
  name: string;
  /** `:checkpoint [passive|full|restart|truncate]` */
  usage: string;
  summary: string;
  /** Completion for argument `index` (0-based) given the arguments typed before it. */
  complete?: (index: number, previous: readonly string[]) => ArgumentCompletion;
  run(ctx: AdminContext): Promise<void>;
}

/** A trailing `&` (background job) split off the arguments. */
export function splitBackground(args: string): { args: string; background: boolean } {
  const trimmed = args.trimEnd();
  if (trimmed === '&' || trimmed.endsWith(' &')) return { args: trimmed.slice(0, -1).trimEnd(), background: true };
  return { args: trimmed, background: false };
}

/** Words of an argument string; single or double quotes keep spaces inside a word. */
export function splitWords(args: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g;
  for (const match of args.matchAll(pattern)) {
    const quoted = match[1] ?? match[2];
    words.push(quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : match[3]!);
  }
  return words;
}
