// The parser's view of the token array: position, lookahead, expectations, errors.
//
// Error reporting works like a PEG parser's: every `at*`/`accept*` check that fails at the
// current token notes what it wanted there; when the parser gives up, `fail()` reports
// "expected A, B or C but found X" from the notes taken at that token. Lookahead that is
// only a decision (peek at offsets > 0, raw `is*` tests) takes no notes.
//
// Rules:
//  (C1) Every error leaves through SyntaxQueryError (syntax-error.ts), at a real position.
//  (C2) An 'invalid' token (lexer.ts, L1) is never consumed: whenever the parser fails at
//       one, the token's own error is reported instead of a generic "expected ...".
//  (C3) Recursion depth is bounded (NESTING_DEPTH_MAX) so hostile input cannot overflow
//       the stack; see enter()/leave().

import type { Span, Position, PatternPredicate } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { describeText, syntaxError, type SyntaxErrorDetail } from './syntax-error.js';

/** Deepest nesting of expressions, patterns and subqueries the parser follows (C3). */
export const NESTING_DEPTH_MAX = 200;

/** How many alternatives a message lists before it says "...". */
const EXPECTED_SHOWN_MAX = 8;

export class Cursor {
  readonly source: string;
  readonly tokens: readonly Token[];
  /** For each opening bracket token, the index of its closing partner; -1 if unmatched or not a bracket. */
  private readonly partner: Int32Array;
  private index = 0;
  private noted: string[] = [];
  private notedAt = -1;
  private depth = 0;
  /** Every PatternPredicate built, and those found in a predicate position (see ast.ts). */
  readonly patternPredicates: PatternPredicate[] = [];
  readonly allowedPatternPredicates = new Set<PatternPredicate>();

  constructor(source: string) {
    this.source = source;
    this.tokens = tokenize(source);
    this.partner = matchBrackets(this.tokens);
  }

  // ── reading ──

  /** The current token. */
  get token(): Token {
    return this.tokens[this.index]!;
  }

  /** The token `ahead` places after the current one (eof when past the end). */
  peek(ahead: number): Token {
    const last = this.tokens.length - 1;
    return this.tokens[Math.min(this.index + ahead, last)]!;
  }

  /** Index of the current token, for lookahead with partnerOf/tokenAt. */
  get position(): number {
    return this.index;
  }

  tokenAt(index: number): Token {
    return this.tokens[Math.min(index, this.tokens.length - 1)]!;
  }

  /** Index of the bracket closing the one at `index`, or -1. O(1). */
  partnerOf(index: number): number {
    return index < this.partner.length ? this.partner[index]! : -1;
  }

  /** Consume and return the current token (eof stays put). */
  advance(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  /** End of the last consumed token: where a node that ends here ends. */
  get lastEnd(): Position {
    return this.index === 0 ? this.tokens[0]!.start : this.tokens[this.index - 1]!.end;
  }

  /** A span from `start` to the end of the last consumed token. */
  spanFrom(start: Position): Span {
    return { start, end: this.lastEnd };
  }

  // ── checks that note what they wanted ──

  /** Note that `what` would have been accepted at the current token. */
  note(what: string): void {
    if (this.notedAt !== this.index) {
      this.notedAt = this.index;
      this.noted.length = 0;
    }
    this.noted.push(what);
  }

  atPunct(text: string): boolean {
    const token = this.tokens[this.index]!;
    if (token.kind === 'punct' && token.text === text) return true;
    this.note(`'${text}'`);
    return false;
  }

  acceptPunct(text: string): Token | null {
    return this.atPunct(text) ? this.advance() : null;
  }

  expectPunct(text: string): Token {
    return this.acceptPunct(text) ?? this.fail();
  }

  atKeyword(word: string): boolean {
    const token = this.tokens[this.index]!;
    if (token.keyword === word) return true;
    this.note(word);
    return false;
  }

  acceptKeyword(word: string): Token | null {
    return this.atKeyword(word) ? this.advance() : null;
  }

  expectKeyword(word: string): Token {
    return this.acceptKeyword(word) ?? this.fail();
  }

  // ── errors ──

  /** Fail at the current token with what the notes say was expected there. */
  fail(expected?: string): never {
    const token = this.tokens[this.index]!;
    if (expected !== undefined) this.note(expected);
    const wanted = this.notedAt === this.index ? [...new Set(this.noted)] : [];
    throw this.unexpected(token, wanted);
  }

  /** The error for meeting `token` where one of `wanted` was expected (C2). */
  unexpected(token: Token, wanted: readonly string[]): Error {
    if (token.kind === 'invalid' && token.error !== null) {
      return syntaxError(this.source, token.error.position, token.error.message, token.error.detail);
    }
    const found = describeText(token.text);
    if (wanted.length === 0) return syntaxError(this.source, token.start, `unexpected ${found}`);
    return syntaxError(this.source, token.start, `expected ${listAlternatives(wanted)} but found ${found}`);
  }

  /** An error with a specific message at `position`. */
  errorAt(position: Position, message: string, detail: SyntaxErrorDetail = 'UnexpectedSyntax'): Error {
    return syntaxError(this.source, position, message, detail);
  }

  /** Raise the lexer's deferred error of a literal token, if it has one (lexer.ts, L1). */
  raiseTokenError(token: Token): void {
    if (token.error !== null) throw syntaxError(this.source, token.error.position, token.error.message, token.error.detail);
  }

  // ── nesting (C3) ──

  enter(): void {
    if (++this.depth > NESTING_DEPTH_MAX) {
      throw this.errorAt(this.token.start, `the query is nested too deeply (more than ${NESTING_DEPTH_MAX} levels)`);
    }
  }

  leave(): void {
    this.depth--;
  }
}

function listAlternatives(wanted: readonly string[]): string {
  const shown = wanted.length > EXPECTED_SHOWN_MAX ? [...wanted.slice(0, EXPECTED_SHOWN_MAX), '...'] : wanted;
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** Pair ( [ { with their closers in one stack pass; mismatches pair with nothing. */
function matchBrackets(tokens: readonly Token[]): Int32Array {
  const partner = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'punct') continue;
    const text = token.text;
    if (text === '(' || text === '[' || text === '{') {
      stack.push(i);
    } else if (text === ')' || text === ']' || text === '}') {
      const open = stack.length > 0 ? stack[stack.length - 1]! : -1;
      if (open >= 0 && closerOf(tokens[open]!.text) === text) {
        stack.pop();
        partner[open] = i;
        partner[i] = open;
      } else {
        // A stray closer: leave everything open unmatched rather than guess.
        stack.length = 0;
      }
    }
  }
  return partner;
}

function closerOf(open: string): string {
  return open === '(' ? ')' : open === '[' ? ']' : '}';
}
