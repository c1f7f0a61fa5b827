// The lexer: source text → tokens, in one left-to-right pass, O(length).
//
// Rules:
//  (L1) tokenize() never throws. A malformed token becomes a token with an `error`; the
//       parser raises that error when it reaches the token, so the first problem in
//       reading order is the one reported:
//         - kind 'invalid' (stray character, unterminated string / comment / backtick name,
//           `$` without a name, `!=`): raised as soon as the parser meets it;
//         - kind 'integer' | 'float' | 'string' with an error (bad digits, overflowing float,
//           bad escape): raised only where the parser takes the token as a literal, so that
//           `{1B2c3e67: 1}` is reported as an unexpected key (UnexpectedSyntax), not as a
//           bad number.
//  (L2) The last token is always kind 'eof' (text '', start = end = end of source).
//  (L3) Keywords are not a token kind: an unquoted identifier carries `keyword`, its text
//       upper-cased, and the parser decides per position whether a word is a keyword.
//       Backtick-quoted names have keyword '' and are never keywords.
//  (L4) Operators are lexed greedily only for `..` `<>` `<=` `>=` `=~` `+=`; arrows are left
//       as single characters (`<` `-` `>`) so `a<-1` is `a < -1` and the parser composes
//       `<-`, `->`, `--` in patterns.
//  (L5) Integer tokens hold the unsigned magnitude; the parser applies a folded minus and
//       checks the 64-bit range (IntegerOverflow), since only it knows about the sign.
//
// Lexical grammar (openCypher 9 where it has one):
//   whitespace   Unicode white space; comments `// ...` to end of line, `/* ... */`
//   identifier   [A-Za-z_ ID_Start][A-Za-z0-9_ ID_Continue]*  |  `...` with `` for a backtick
//   integer      0 | [1-9][0-9]*  |  0x[0-9A-Fa-f]+  |  0o[0-7]+
//   float        [0-9]* . [0-9]+ ([eE] [+-]? [0-9]+)?  |  [0-9]+ [eE] [+-]? [0-9]+
//                (a number directly followed by a letter, digit or _ is InvalidNumberLiteral;
//                 `1.` is the integer 1 followed by `.`; a leading zero as in 012 is invalid)
//   string       '...' or "..." with escapes \\ \' \" \b \f \n \r \t (letter case-insensitive),
//                \uXXXX (4 hex digits) and \UXXXXXXXX (8 hex digits)
//   parameter    $ followed by a name, a backtick-quoted name or decimal digits

import type { Position } from './ast.js';
import type { SyntaxErrorDetail } from './syntax-error.js';

export type TokenKind =
  | 'identifier'
  | 'quotedIdentifier'
  | 'integer'
  | 'float'
  | 'string'
  | 'parameter'
  | 'punct'
  | 'invalid'
  | 'eof';

/** A problem found while lexing, raised later by the parser (L1). */
export interface LexError {
  readonly position: Position;
  readonly message: string;
  readonly detail: SyntaxErrorDetail;
}

/** One token. All fields are present on every token so the shape stays monomorphic. */
export interface Token {
  readonly kind: TokenKind;
  /** The raw source text of the token ('' for eof). */
  readonly text: string;
  readonly start: Position;
  readonly end: Position;
  /** Upper-cased text of an unquoted identifier, else ''. */
  readonly keyword: string;
  /** Identifier or parameter name, or the unescaped string value; else ''. */
  readonly value: string;
  /** Magnitude of an integer token, value of a float token, else null. */
  readonly number: bigint | number | null;
  readonly error: LexError | null;
}

interface Escape {
  readonly text: string;
  /** Source characters the escape takes, backslash included. */
  readonly length: number;
  readonly error: LexError | null;
}

const TWO_CHAR_PUNCT = new Set(['..', '<>', '<=', '>=', '=~', '+=']);
const ONE_CHAR_PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', '.', ':', '|', '=', '<', '>', '+', '-', '*', '/', '%', '^', ';']);

const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;
const WHITE_SPACE = /\s/u;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isAsciiIdentifierPart(code: number): boolean {
  return isAsciiIdentifierStart(code) || isDigit(code);
}

/** Split `source` into tokens; never throws (L1); the last token is eof (L2). */
export function tokenize(source: string): Token[] {
  return new Lexer(source).run();
}

class Lexer {
  private readonly source: string;
  private readonly tokens: Token[] = [];
  private readonly lineStarts: number[] = [0];
  /** Index into lineStarts of the line holding the last position made (offsets only grow). */
  private lineCursor = 0;
  private index = 0;

  constructor(source: string) {
    this.source = source;
    for (let i = 0; i < source.length; i++) {
      const code = source.charCodeAt(i);
      if (code === 10) this.lineStarts.push(i + 1);
      else if (code === 13 && source.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }

  run(): Token[] {
    const source = this.source;
    for (;;) {
      this.skipTrivia();
      const start = this.index;
      if (start >= source.length) {
        const end = this.position(start);
        this.tokens.push(makeToken('eof', '', end, end, '', '', null, null));
        return this.tokens;
      }
      const code = source.charCodeAt(start);
      if (isAsciiIdentifierStart(code)) this.identifier(start);
      else if (isDigit(code) || (code === 46 && isDigit(source.charCodeAt(start + 1)))) this.numberLiteral(start);
      else if (code === 39 || code === 34) this.stringLiteral(start, code);
      else if (code === 96) this.quotedIdentifier(start);
      else if (code === 36) this.parameter(start);
      else if (code > 127 && this.isIdentifierStartAt(start)) this.identifier(start);
      else this.punctuation(start);
    }
  }

  // ── positions ──

  /** Position of `offset`; offsets at or after the last one asked for are found in O(1) amortised. */
  private position(offset: number): Position {
    const starts = this.lineStarts;
    let line = this.lineCursor;
    if (offset < starts[line]!) {
      let low = 0;
      let high = line;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (starts[mid]! <= offset) low = mid;
        else high = mid - 1;
      }
      line = low;
    } else {
      while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
      this.lineCursor = line;
    }
    return { offset, line: line + 1, column: offset - starts[line]! + 1 };
  }

  private push(kind: TokenKind, start: number, keyword: string, value: string, number: bigint | number | null, error: LexError | null): void {
    const text = this.source.slice(start, this.index);
    this.tokens.push(makeToken(kind, text, this.position(start), this.position(this.index), keyword, value, number, error));
  }

  private lexError(offset: number, message: string, detail: SyntaxErrorDetail = 'UnexpectedSyntax'): LexError {
    return { position: this.position(offset), message, detail };
  }

  // ── trivia ──

  private skipTrivia(): void {
    const source = this.source;
    while (this.index < source.length) {
      const code = source.charCodeAt(this.index);
      if (code === 32 || (code >= 9 && code <= 13)) {
        this.index++;
      } else if (code === 47 && source.charCodeAt(this.index + 1) === 47) {
        this.index += 2;
        while (this.index < source.length) {
          const c = source.charCodeAt(this.index);
          if (c === 10 || c === 13) break;
          this.index++;
        }
      } else if (code === 47 && source.charCodeAt(this.index + 1) === 42) {
        const close = source.indexOf('*/', this.index + 2);
        if (close < 0) {
          const start = this.index;
          this.index = source.length;
          this.push('invalid', start, '', '', null, this.lexError(start, "unterminated comment: '/*' without a closing '*/'"));
          return;
        }
        this.index = close + 2;
      } else if (code > 127 && WHITE_SPACE.test(source[this.index]!)) {
        this.index++;
      } else {
        return;
      }
    }
  }

  // ── names ──

  private isIdentifierStartAt(offset: number): boolean {
    const codePoint = this.source.codePointAt(offset)!;
    return ID_START.test(String.fromCodePoint(codePoint));
  }

  /** Advance past identifier-continue characters (ASCII fast path, Unicode ID_Continue otherwise). */
  private skipIdentifierPart(): void {
    const source = this.source;
    while (this.index < source.length) {
      const code = source.charCodeAt(this.index);
      if (isAsciiIdentifierPart(code)) {
        this.index++;
        continue;
      }
      if (code <= 127) return;
      const codePoint = source.codePointAt(this.index)!;
      if (!ID_CONTINUE.test(String.fromCodePoint(codePoint))) return;
      this.index += codePoint > 0xffff ? 2 : 1;
    }
  }

  private identifier(start: number): void {
    const codePoint = this.source.codePointAt(start)!;
    this.index = start + (codePoint > 0xffff ? 2 : 1);
    this.skipIdentifierPart();
    const text = this.source.slice(start, this.index);
    this.push('identifier', start, text.toUpperCase(), text, null, null);
  }

  /** `` `name` `` with `` `` `` standing for one backtick. Returns the name, or null if unterminated (index at end). */
  private scanQuotedName(start: number): string | null {
    const source = this.source;
    let value = '';
    let from = start + 1;
    let i = from;
    for (;;) {
      const close = source.indexOf('`', i);
      if (close < 0) {
        this.index = source.length;
        return null;
      }
      if (source.charCodeAt(close + 1) === 96) {
        value += source.slice(from, close + 1);
        i = close + 2;
        from = i;
        continue;
      }
      value += source.slice(from, close);
      this.index = close + 1;
      return value;
    }
  }

  private quotedIdentifier(start: number): void {
    const value = this.scanQuotedName(start);
    if (value === null) {
      this.push('invalid', start, '', '', null, this.lexError(start, 'unterminated quoted name: missing closing backtick'));
      return;
    }
    this.push('quotedIdentifier', start, '', value, null, null);
  }

  private parameter(start: number): void {
    const source = this.source;
    const next = start + 1;
    const code = source.charCodeAt(next);
    if (code === 96) {
      const value = this.scanQuotedName(next);
      if (value === null) {
        this.push('invalid', start, '', '', null, this.lexError(next, 'unterminated quoted parameter name: missing closing backtick'));
        return;
      }
      this.push('parameter', start, '', value, null, null);
      return;
    }
    if (isDigit(code)) {
      this.index = next;
      while (isDigit(source.charCodeAt(this.index))) this.index++;
      this.push('parameter', start, '', source.slice(next, this.index), null, null);
      return;
    }
    if (isAsciiIdentifierStart(code) || (code > 127 && this.isIdentifierStartAt(next))) {
      this.index = next + (source.codePointAt(next)! > 0xffff ? 2 : 1);
      this.skipIdentifierPart();
      this.push('parameter', start, '', source.slice(next, this.index), null, null);
      return;
    }
    this.index = next;
    this.push('invalid', start, '', '', null, this.lexError(start, "expected a parameter name after '$'"));
  }

  // ── numbers ──

  private numberLiteral(start: number): void {
    const source = this.source;
    const second = source.charCodeAt(start + 1);
    if (source.charCodeAt(start) === 48 && (second === 120 || second === 111)) {
      this.radixInteger(start, second === 120 ? 16 : 8);
      return;
    }
    let i = start;
    while (isDigit(source.charCodeAt(i))) i++;
    const integerDigits = i - start;
    let isFloat = false;
    if (source.charCodeAt(i) === 46 && isDigit(source.charCodeAt(i + 1))) {
      isFloat = true;
      i++;
      while (isDigit(source.charCodeAt(i))) i++;
    }
    const e = source.charCodeAt(i);
    if (e === 101 || e === 69) {
      const sign = source.charCodeAt(i + 1);
      const digitAt = sign === 43 || sign === 45 ? i + 2 : i + 1;
      if (isDigit(source.charCodeAt(digitAt))) {
        isFloat = true;
        i = digitAt;
        while (isDigit(source.charCodeAt(i))) i++;
      }
    }
    this.index = i;
    if (this.skipInvalidSuffix()) {
      const text = source.slice(start, this.index);
      this.push('integer', start, '', '', 0n, this.lexError(start, `invalid number literal ${describe(text)}`, 'InvalidNumberLiteral'));
      return;
    }
    const text = source.slice(start, i);
    if (isFloat) {
      const value = Number(text);
      const error = Number.isFinite(value)
        ? null
        : this.lexError(start, `float literal ${text} is too large for a 64-bit float`, 'FloatingPointOverflow');
      this.push('float', start, '', '', error === null ? value : 0, error);
      return;
    }
    if (integerDigits > 1 && source.charCodeAt(start) === 48) {
      this.push(
        'integer',
        start,
        '',
        '',
        0n,
        this.lexError(start, `invalid number literal ${describe(text)}: leading zeros are not allowed (octal is written 0o17)`, 'InvalidNumberLiteral'),
      );
      return;
    }
    this.push('integer', start, '', '', BigInt(text), null);
  }

  /** `0x...` / `0o...`: the digits run over every identifier character, then are checked. */
  private radixInteger(start: number, radix: 16 | 8): void {
    this.index = start + 2;
    this.skipIdentifierPart();
    const digits = this.source.slice(start + 2, this.index);
    const valid = radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/;
    if (!valid.test(digits)) {
      const text = this.source.slice(start, this.index);
      const what = radix === 16 ? 'hexadecimal' : 'octal';
      const message = digits === '' ? `incomplete ${what} literal ${describe(text)}` : `invalid ${what} literal ${describe(text)}`;
      this.push('integer', start, '', '', 0n, this.lexError(start, message, 'InvalidNumberLiteral'));
      return;
    }
    this.push('integer', start, '', '', BigInt(`${radix === 16 ? '0x' : '0o'}${digits}`), null);
  }

  /** After a number: if letters, digits or _ follow directly, skip them all and report true. */
  private skipInvalidSuffix(): boolean {
    const before = this.index;
    this.skipIdentifierPart();
    return this.index > before;
  }

  // ── strings ──

  private stringLiteral(start: number, quote: number): void {
    const source = this.source;
    let value = '';
    let error: LexError | null = null;
    let from = start + 1;
    let i = from;
    for (;;) {
      if (i >= source.length) {
        this.index = source.length;
        this.push('invalid', start, '', '', null, this.lexError(start, 'unterminated string literal: missing closing quote'));
        return;
      }
      const code = source.charCodeAt(i);
      if (code === quote) break;
      if (code !== 92) {
        i++;
        continue;
      }
      value += source.slice(from, i);
      const escape = this.escape(i);
      if (escape.error === null) value += escape.text;
      else error ??= escape.error;
      i += escape.length;
      from = i;
    }
    value += source.slice(from, i);
    this.index = i + 1;
    this.push('string', start, '', error === null ? value : '', null, error);
  }

  /** The escape sequence starting with the backslash at `at`: its decoded text or an error, and the source length it takes. */
  private escape(at: number): Escape {
    const source = this.source;
    const letter = source[at + 1];
    switch (letter) {
      case '\\':
      case "'":
      case '"':
        return { text: letter, length: 2, error: null };
      case 'b':
      case 'B':
        return { text: '\b', length: 2, error: null };
      case 'f':
      case 'F':
        return { text: '\f', length: 2, error: null };
      case 'n':
      case 'N':
        return { text: '\n', length: 2, error: null };
      case 'r':
      case 'R':
        return { text: '\r', length: 2, error: null };
      case 't':
      case 'T':
        return { text: '\t', length: 2, error: null };
      case 'u':
      case 'U': {
        const digits = letter === 'u' ? 4 : 8;
        const hex = source.slice(at + 2, at + 2 + digits);
        if (hex.length !== digits || !/^[0-9A-Fa-f]+$/.test(hex)) {
          let length = 2;
          while (length < digits + 2 && /[0-9A-Fa-f]/.test(source[at + length] ?? '')) length++;
          return {
            text: '',
            length,
            error: this.lexError(at, `invalid Unicode escape '\\${letter}${hex.slice(0, length - 2)}': \\${letter} needs ${digits} hexadecimal digits`, 'InvalidUnicodeLiteral'),
          };
        }
        const codePoint = Number.parseInt(hex, 16);
        if (codePoint > 0x10ffff) {
          return {
            text: '',
            length: digits + 2,
            error: this.lexError(at, `invalid Unicode escape '\\${letter}${hex}': U+${hex.toUpperCase()} is beyond U+10FFFF`, 'InvalidUnicodeLiteral'),
          };
        }
        // \uD83D\uDE00 pairs up naturally: a UTF-16 unit is appended as is.
        return { text: digits === 4 ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint), length: digits + 2, error: null };
      }
      default: {
        const shown = letter === undefined ? '\\' : `\\${letter}`;
        return {
          text: '',
          length: letter === undefined ? 1 : 2,
          error: this.lexError(at, `invalid escape sequence '${shown}' in string literal (allowed: \\\\ \\' \\" \\b \\f \\n \\r \\t \\uXXXX \\UXXXXXXXX)`),
        };
      }
    }
  }

  // ── punctuation and stray characters ──

  private punctuation(start: number): void {
    const source = this.source;
    const two = source.slice(start, start + 2);
    if (TWO_CHAR_PUNCT.has(two)) {
      this.index = start + 2;
      this.push('punct', start, '', '', null, null);
      return;
    }
    const one = source[start]!;
    if (ONE_CHAR_PUNCT.has(one)) {
      this.index = start + 1;
      this.push('punct', start, '', '', null, null);
      return;
    }
    if (two === '!=') {
      this.index = start + 2;
      this.push('invalid', start, '', '', null, this.lexError(start, "'!=' is not a Cypher operator: use '<>'"));
      return;
    }
    const codePoint = source.codePointAt(start)!;
    this.index = start + (codePoint > 0xffff ? 2 : 1);
    const char = String.fromCodePoint(codePoint);
    const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
    const error =
      codePoint > 127
        ? this.lexError(start, `unexpected character '${char}' (U+${hex})${lookalikeHint(codePoint)}`, 'InvalidUnicodeCharacter')
        : this.lexError(start, `unexpected character ${codePoint < 32 || codePoint === 127 ? `U+${hex}` : `'${char}'`}`);
    this.push('invalid', start, '', '', null, error);
  }
}

function makeToken(
  kind: TokenKind,
  text: string,
  start: Position,
  end: Position,
  keyword: string,
  value: string,
  number: bigint | number | null,
  error: LexError | null,
): Token {
  return { kind, text, start, end, keyword, value, number, error };
}

function describe(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}

/** A hint for Unicode look-alikes of ASCII operators (dashes, quotes). */
function lookalikeHint(codePoint: number): string {
  if ((codePoint >= 0x2010 && codePoint <= 0x2015) || codePoint === 0x2212 || codePoint === 0xfe58 || codePoint === 0xfe63 || codePoint === 0xff0d) {
    return "; did you mean '-'?";
  }
  if (codePoint === 0x2018 || codePoint === 0x2019) return "; did you mean '?";
  if (codePoint === 0x201c || codePoint === 0x201d) return '; did you mean "?';
  return '';
}
