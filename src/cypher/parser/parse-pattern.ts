// Patterns: `p = (a:A {k: 1})-[r:T|U*1..3]->(b), shortestPath((a)-[*]-(c))`.
//
//   pattern       part (',' part)*
//   part          [variable '='] (('shortestPath' | 'allShortestPaths') '(' path ')' | path)
//   path          node (relationship node)*  |  '(' path ')'
//   node          '(' [variable] (':' name)* [map | parameter] ')'
//   relationship  ['<'] '-' ['[' [variable] [':' name ('|' [':'] name)*] [range] [map | parameter] ']'] '-' ['>']
//   range         '*' [integer] ['..' [integer]]
//
// In expressions a `(` may open a parenthesised expression or a pattern predicate;
// relationshipsPatternAhead() decides in O(1) amortised by looking at token shapes (a node
// pattern followed by the start of a relationship and a node), using the bracket-partner
// table to skip a property map, so the parser never backtracks.

import type { MapLiteral, Name, NodePattern, Parameter, PathPattern, PatternPart, RelationshipPattern, Variable, VariableLength } from './ast.js';
import type { Cursor } from './cursor.js';
import { parseMapLiteral } from './parse-expression.js';
import { isNameToken, isPunct, isVariableToken, parseLabels, parseName, parseVariable } from './names.js';

/** Comma-separated pattern parts, at least one. */
export function parsePattern(c: Cursor): PatternPart[] {
  const parts = [parsePatternPart(c)];
  while (c.acceptPunct(',')) parts.push(parsePatternPart(c));
  return parts;
}

export function parsePatternPart(c: Cursor): PatternPart {
  const start = c.token.start;
  let variable: Variable | null = null;
  if (isVariableToken(c.token) && isPunct(c.peek(1), '=')) {
    variable = parseVariable(c);
    c.advance();
  }
  const token = c.token;
  if ((token.keyword === 'SHORTESTPATH' || token.keyword === 'ALLSHORTESTPATHS') && isPunct(c.peek(1), '(')) {
    c.advance();
    c.advance();
    const path = parsePathPattern(c);
    c.expectPunct(')');
    const shortest = token.keyword === 'SHORTESTPATH' ? 'shortest' : 'allShortest';
    return { kind: 'PatternPart', variable, shortest, path, span: c.spanFrom(start) };
  }
  if (!isPunct(token, '(')) c.fail(variable === null ? 'a pattern' : "a pattern after '='");
  return { kind: 'PatternPart', variable, shortest: null, path: parsePathPattern(c), span: c.spanFrom(start) };
}

/** A node, then any number of relationship–node pairs; the current token is '('. */
export function parsePathPattern(c: Cursor): PathPattern {
  c.enter();
  const start = c.token.start;
  if (isPunct(c.token, '(') && isPunct(c.peek(1), '(')) {
    // A parenthesised path: `((a)-->(b))`.
    c.advance();
    const inner = parsePathPattern(c);
    c.expectPunct(')');
    c.leave();
    return inner;
  }
  const nodes = [parseNodePattern(c)];
  const relationships: RelationshipPattern[] = [];
  while (isPunct(c.token, '-') || (isPunct(c.token, '<') && isPunct(c.peek(1), '-'))) {
    relationships.push(parseRelationshipPattern(c));
    nodes.push(parseNodePattern(c));
  }
  c.leave();
  return { kind: 'PathPattern', nodes, relationships, span: c.spanFrom(start) };
}

function parseNodePattern(c: Cursor): NodePattern {
  const start = c.expectPunct('(').start;
  const variable = isVariableToken(c.token) ? parseVariable(c) : null;
  const labels = isPunct(c.token, ':') ? parseLabels(c) : [];
  const properties = parsePatternProperties(c);
  c.expectPunct(')');
  return { kind: 'NodePattern', variable, labels, properties, span: c.spanFrom(start) };
}

function parsePatternProperties(c: Cursor): MapLiteral | Parameter | null {
  const token = c.token;
  if (isPunct(token, '{')) return parseMapLiteral(c);
  if (token.kind === 'parameter') {
    c.advance();
    return { kind: 'Parameter', name: token.value, span: { start: token.start, end: token.end } };
  }
  return null;
}

function parseRelationshipPattern(c: Cursor): RelationshipPattern {
  const start = c.token.start;
  const incoming = c.acceptPunct('<') !== null;
  c.expectPunct('-');
  let variable: Variable | null = null;
  const types: Name[] = [];
  let length: VariableLength | null = null;
  let properties: MapLiteral | Parameter | null = null;
  if (c.acceptPunct('[')) {
    if (isVariableToken(c.token)) variable = parseVariable(c);
    if (c.acceptPunct(':')) {
      types.push(parseName(c, 'a relationship type'));
      while (c.acceptPunct('|')) {
        c.acceptPunct(':');
        types.push(parseName(c, 'a relationship type'));
      }
    }
    if (isPunct(c.token, '*')) length = parseVariableLength(c);
    else if (isPunct(c.token, '..')) {
      throw c.errorAt(c.token.start, "a variable-length relationship needs '*' before its range, as in [:T*1..3]", 'InvalidRelationshipPattern');
    }
    properties = parsePatternProperties(c);
    c.expectPunct(']');
  }
  c.expectPunct('-');
  const outgoing = c.acceptPunct('>') !== null;
  const direction = incoming && outgoing ? 'both' : incoming ? 'incoming' : outgoing ? 'outgoing' : 'undirected';
  return { kind: 'RelationshipPattern', direction, variable, types, length, properties, span: c.spanFrom(start) };
}

function parseVariableLength(c: Cursor): VariableLength {
  const start = c.advance().start;
  const min = parseLengthBound(c);
  const max = c.acceptPunct('..') ? parseLengthBound(c) : min;
  if (isPunct(c.token, '-')) {
    throw c.errorAt(c.token.start, 'a variable-length bound must be a non-negative integer', 'InvalidRelationshipPattern');
  }
  return { kind: 'VariableLength', min, max, span: c.spanFrom(start) };
}

function parseLengthBound(c: Cursor): number | null {
  const token = c.token;
  if (isPunct(token, '-')) {
    throw c.errorAt(token.start, 'a variable-length bound must be a non-negative integer', 'InvalidRelationshipPattern');
  }
  if (token.kind === 'float') {
    throw c.errorAt(token.start, `a variable-length bound must be an integer, not ${token.text}`, 'InvalidRelationshipPattern');
  }
  if (token.kind !== 'integer') return null;
  c.raiseTokenError(token);
  const value = token.number as bigint;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw c.errorAt(token.start, `variable-length bound ${token.text} is too large`, 'IntegerOverflow');
  }
  c.advance();
  return Number(value);
}

// ── lookahead ──────────────────────────────────────────────────────────────────────────

/**
 * True when the tokens at `index` read as a node pattern followed by a relationship and
 * another node's '(' — i.e. a relationship pattern, not a parenthesised expression.
 * O(number of labels) thanks to the bracket-partner table.
 */
export function relationshipsPatternAhead(c: Cursor, index: number): boolean {
  const afterNode = skipNodePattern(c, index);
  return afterNode >= 0 && relationshipAhead(c, afterNode);
}

/** Index after the node pattern at `index`, or -1 when the tokens there are not one. */
function skipNodePattern(c: Cursor, index: number): number {
  if (!isPunct(c.tokenAt(index), '(')) return -1;
  let i = index + 1;
  if (isVariableToken(c.tokenAt(i))) i++;
  while (isPunct(c.tokenAt(i), ':') && isNameToken(c.tokenAt(i + 1))) i += 2;
  const token = c.tokenAt(i);
  if (isPunct(token, '{')) {
    const close = c.partnerOf(i);
    if (close < 0) return -1;
    i = close + 1;
  } else if (token.kind === 'parameter') {
    i++;
  }
  return isPunct(c.tokenAt(i), ')') ? i + 1 : -1;
}

/** A relationship (`--`, `-->`, `<--`, `-[...]-` ...) at `index` followed by '('. */
function relationshipAhead(c: Cursor, index: number): boolean {
  let i = index;
  if (isPunct(c.tokenAt(i), '<')) i++;
  if (!isPunct(c.tokenAt(i), '-')) return false;
  i++;
  const token = c.tokenAt(i);
  if (isPunct(token, '[')) {
    const close = c.partnerOf(i);
    if (close < 0 || !relationshipDetailStart(c, i + 1)) return false;
    i = close + 1;
    if (!isPunct(c.tokenAt(i), '-')) return false;
    i++;
  } else if (isPunct(token, '-')) {
    i++;
  } else {
    return false;
  }
  if (isPunct(c.tokenAt(i), '>')) i++;
  return isPunct(c.tokenAt(i), '(');
}

/** The first token inside `[...]` can start a relationship detail (so `(a)-[1]` stays arithmetic). */
function relationshipDetailStart(c: Cursor, index: number): boolean {
  const token = c.tokenAt(index);
  if (token.kind === 'parameter' || isVariableToken(token)) return true;
  return token.kind === 'punct' && (token.text === ']' || token.text === ':' || token.text === '*' || token.text === '{' || token.text === '..');
}
