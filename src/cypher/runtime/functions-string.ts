// String functions: toUpper, toLower, trim, ltrim, rtrim, substring, replace, split, left, right.
// (size and reverse take strings too; they live with the list functions.)
//
//  - Positions and lengths count Unicode code points, as Neo4j does.
//  - null as the string argument → null. For substring/left/right a null or non-INTEGER
//    position/length raises RUNTIME_TYPE InvalidArgumentValue and a negative one raises
//    RUNTIME_ARGUMENT NumberOutOfRange (Neo4j raises for these too). replace and split return
//    null when any argument is null.
//  - split(s, delimiter) keeps empty pieces ('a,,b' → ['a', '', 'b']); an empty delimiter
//    splits into code points; the delimiter may also be a list of strings (any of them splits).

import { codePointLength, codePointSlice, fn, integerArg, stringArg, type ScalarFunction } from './function-types.js';
import { functionArgumentError, numberOutOfRange } from './runtime-errors.js';
import type { Value } from './values.js';

function text(name: string, body: (s: string) => string): ScalarFunction {
  return fn(name, [['STRING']], 'STRING', (args) => (args[0] === null ? null : body(stringArg(name, args, 0))));
}

function nonNegative(name: string, args: readonly Value[], index: number, what: string): number {
  const value = integerArg(name, args, index);
  if (value < 0n) throw numberOutOfRange(name, `${what} must not be negative, got ${value}`, value);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

function substring(args: readonly Value[]): Value {
  if (args[0] === null) return null;
  const s = stringArg('substring', args, 0);
  const start = nonNegative('substring', args, 1, 'the start');
  const length = args.length > 2 ? nonNegative('substring', args, 2, 'the length') : undefined;
  return codePointSlice(s, start, length);
}

function left(args: readonly Value[]): Value {
  if (args[0] === null) return null;
  const s = stringArg('left', args, 0);
  return codePointSlice(s, 0, nonNegative('left', args, 1, 'the length'));
}

function right(args: readonly Value[]): Value {
  if (args[0] === null) return null;
  const s = stringArg('right', args, 0);
  const length = nonNegative('right', args, 1, 'the length');
  const total = codePointLength(s);
  return length >= total ? s : codePointSlice(s, total - length);
}

function replace(args: readonly Value[]): Value {
  if (args.some((arg) => arg === null)) return null;
  const replacement = stringArg('replace', args, 2);
  // A function replacer: a replacement string would give `$&` and friends a special meaning.
  return stringArg('replace', args, 0).replaceAll(stringArg('replace', args, 1), () => replacement);
}

function splitBy(s: string, delimiters: readonly string[]): string[] {
  if (delimiters.length === 1) {
    const d = delimiters[0]!;
    return d === '' ? Array.from(s) : s.split(d);
  }
  const pieces: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const hit = delimiters.find((d) => d !== '' && s.startsWith(d, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    pieces.push(s.slice(start, i));
    i += hit.length;
    start = i;
  }
  pieces.push(s.slice(start));
  return pieces;
}

function split(args: readonly Value[]): Value {
  if (args[0] === null || args[1] === null) return null;
  const s = stringArg('split', args, 0);
  const delimiter = args[1]!;
  if (typeof delimiter === 'string') return splitBy(s, [delimiter]);
  if (Array.isArray(delimiter)) {
    if (delimiter.some((d) => d === null)) return null;
    if (!delimiter.every((d): d is string => typeof d === 'string')) {
      throw functionArgumentError('split', 1, delimiter, 'a STRING or a LIST of STRINGs');
    }
    return delimiter.length === 0 ? [s] : splitBy(s, delimiter);
  }
  throw functionArgumentError('split', 1, delimiter, 'a STRING or a LIST of STRINGs');
}

export const STRING_FUNCTIONS: readonly ScalarFunction[] = [
  text('toUpper', (s) => s.toUpperCase()),
  text('toLower', (s) => s.toLowerCase()),
  text('trim', (s) => s.trim()),
  text('ltrim', (s) => s.trimStart()),
  text('rtrim', (s) => s.trimEnd()),
  fn('substring', [['STRING'], ['INTEGER'], ['INTEGER']], 'STRING', substring, { minArgs: 2 }),
  fn('left', [['STRING'], ['INTEGER']], 'STRING', left),
  fn('right', [['STRING'], ['INTEGER']], 'STRING', right),
  fn('replace', [['STRING'], ['STRING'], ['STRING']], 'STRING', replace),
  fn('split', [['STRING'], ['STRING', 'LIST']], 'LIST', split),
];
