// Errors of the console layer (command language, line shell, engine worker). Codes live in
// the shell section of src/errors.ts; tests assert codes, never message text.

import { OmbraError, type ErrorDetails } from '../src/errors.js';

export type ShellErrorCode = 'SHELL_UNKNOWN_COMMAND' | 'SHELL_COMMAND_USAGE' | 'SHELL_INCOMPLETE_INPUT' | 'SHELL_SOURCE' | 'SHELL_WORKER_CRASHED';

export class ShellError extends OmbraError {
  constructor(code: ShellErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}
