// Building SyntaxQueryError (code SYNTAX) with the position details every query error carries.
//
// details: { line, column, offset, excerpt, detail }
//   excerpt  the offending source line, then a caret line under the column, e.g.
//              MATCH (n RETURN n
//                       ^
//            Tabs in the line are repeated in the caret line so the caret lines up.
//            Lines longer than EXCERPT_WIDTH_MAX are cut to a window around the column.
//   detail   the openCypher TCK error detail: UnexpectedSyntax unless a more precise one
//            applies (IntegerOverflow, InvalidNumberLiteral, InvalidUnicodeLiteral, ...).
// The message ends with "at line L, column C" so it reads well without the details.

import { SyntaxQueryError } from '../../errors.js';
import type { Position } from './ast.js';

/** openCypher TCK error details the parser raises. */
export type SyntaxErrorDetail =
  | 'UnexpectedSyntax'
  | 'IntegerOverflow'
  | 'FloatingPointOverflow'
  | 'InvalidNumberLiteral'
  | 'InvalidUnicodeLiteral'
  | 'InvalidUnicodeCharacter'
  | 'InvalidRelationshipPattern'
  | 'InvalidClauseComposition'
  | 'InvalidArgumentPassingMode'
  | 'InvalidDelete';

const EXCERPT_WIDTH_MAX = 120;

/** A SyntaxQueryError at `position` of `source`; `message` should say what was expected where. */
export function syntaxError(
  source: string,
  position: Position,
  message: string,
  detail: SyntaxErrorDetail = 'UnexpectedSyntax',
): SyntaxQueryError {
  return new SyntaxQueryError('SYNTAX', `${message} at line ${position.line}, column ${position.column}`, {
    line: position.line,
    column: position.column,
    offset: position.offset,
    excerpt: excerptAt(source, position),
    detail,
  });
}

/**
 * The line of `source` holding `position` and a caret line under its column. Exported so
 * later stages (binder) can report their errors in the same shape. Cost: O(line length).
 */
export function excerptAt(source: string, position: Position): string {
  const lineStart = position.offset - (position.column - 1);
  let lineEnd = lineStart;
  while (lineEnd < source.length && source[lineEnd] !== '\n' && source[lineEnd] !== '\r') lineEnd++;
  let from = lineStart;
  let to = lineEnd;
  if (to - from > EXCERPT_WIDTH_MAX) {
    from = Math.max(lineStart, position.offset - EXCERPT_WIDTH_MAX / 2);
    to = Math.min(lineEnd, from + EXCERPT_WIDTH_MAX);
  }
  const line = source.slice(from, to);
  let caret = '';
  for (let i = from; i < position.offset; i++) caret += source[i] === '\t' ? '\t' : ' ';
  const prefix = from > lineStart ? '...' : '';
  const suffix = to < lineEnd ? '...' : '';
  return `${prefix}${line}${suffix}\n${' '.repeat(prefix.length)}${caret}^`;
}

/** How a token or character is named in a message: `'RETURN'`, `end of input`. */
export function describeText(text: string): string {
  if (text === '') return 'end of input';
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${shown.replace(/\r\n|\r|\n/g, '\\n')}'`;
}
