// Variables and names: the two kinds of identifier positions.
//   variable  an unquoted identifier that is not a reserved word, or any quoted name
//   name      any identifier, reserved or not, or any quoted name (labels, types, keys)

import type { Name, Variable } from './ast.js';
import type { Cursor } from './cursor.js';
import { RESERVED_WORDS } from './keywords.js';
import type { Token } from './lexer.js';

export function isVariableToken(token: Token): boolean {
  return token.kind === 'quotedIdentifier' || (token.kind === 'identifier' && !RESERVED_WORDS.has(token.keyword));
}

export function isNameToken(token: Token): boolean {
  return token.kind === 'identifier' || token.kind === 'quotedIdentifier';
}

/** A variable at the current token, else fail noting `what`. */
export function parseVariable(c: Cursor, what = 'a variable name'): Variable {
  const token = c.token;
  if (!isVariableToken(token)) c.fail(what);
  c.advance();
  return { kind: 'Variable', name: token.value, span: { start: token.start, end: token.end } };
}

/** A name (keywords allowed) at the current token, else fail noting `what`. */
export function parseName(c: Cursor, what: string): Name {
  const token = c.token;
  if (!isNameToken(token)) c.fail(what);
  c.advance();
  return { kind: 'Name', name: token.value, span: { start: token.start, end: token.end } };
}

/** `:A:B` — one or more labels; the current token is known to be ':'. */
export function parseLabels(c: Cursor, what = 'a label name'): Name[] {
  const labels: Name[] = [];
  while (c.acceptPunct(':')) labels.push(parseName(c, what));
  return labels;
}

export function isPunct(token: Token, text: string): boolean {
  return token.kind === 'punct' && token.text === text;
}
