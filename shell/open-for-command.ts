// Opening the database of a one-shot command (`ombra checkpoint DB`, `ombra backup DB`...) or
// of the line shell: a module of its own, so cli-support stays free of the engine (the
// console's UI thread uses it).

import { Database, type OpenOptions } from '../src/database.js';
import { OmbraError, toOmbraError } from '../src/errors.js';
import { EXIT } from './cli-support.js';

/**
 * Open a database for a command: an existing one unless `options.create` says otherwise (admin
 * commands never create one; the line shell does). Any failure to open exits 3 (DESIGN.md §7);
 * the message names the file and the cause.
 */
export function openForCommand(path: string, options: OpenOptions = {}): Database {
  // A one-shot command's stderr carries problems, not open/checkpoint/close lines: log at
  // warn unless a level was asked for (option or OMBRA_LOG_LEVEL).
  const logLevel = options.logLevel ?? (process.env.OMBRA_LOG_LEVEL ? undefined : 'warn');
  try {
    return Database.open(path, { create: false, ...options, logLevel });
  } catch (error) {
    const e = toOmbraError(error);
    if (e.exitCode === EXIT.cannotOpen) throw e;
    throw new OmbraError('OPEN_FAILED', `cannot open ${path}: ${e.message}`, { file: path, cause: e.code }, { cause: e });
  }
}
