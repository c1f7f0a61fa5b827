// Expressions, by openCypher precedence (lowest first), one function per level:
//
//   expression   or
//   or           xor ('OR' xor)*
//   xor          and ('XOR' and)*
//   and          not ('AND' not)*
//   not          'NOT'* comparison
//   comparison   predicate (('=' | '<>' | '<' | '>' | '<=' | '>=') predicate)*   → one chain node
//   predicate    additive ('STARTS' 'WITH' additive | 'ENDS' 'WITH' additive | 'CONTAINS' additive
//                          | '=~' additive | 'IN' additive | 'IS' ['NOT'] 'NULL')*
//   additive     multiplicative (('+' | '-') multiplicative)*
//   multiplicative power (('*' | '/' | '%') power)*
//   power        unary ('^' unary)*                                   (left-associative)
//   unary        ('+' | '-')* postfix                                  (a '-' before a number folds into it)
//   postfix      atom ('.' name | '[' expression ']' | '[' [expression] '..' [expression] ']')* [(':' name)+]
//   atom         literal | parameter | case | count(*) | list comprehension | pattern comprehension
//                | quantifier | reduce | EXISTS { ... } | pattern predicate | '(' expression ')'
//                | function call | map projection | variable
//
// Every binary level loops instead of recursing, so long chains (a OR b OR ...) cost no
// stack; nesting (parentheses, lists, calls) goes through parseExpression, which counts
// depth (cursor.ts, C3). Operator checks take no expectation notes: after an expression
// the "expected ..." list names what the enclosing clause could take (AS, ',', ...).

import { INT64_MAX, INT64_MIN } from '../../graph/value.js';
import type {
  CaseAlternative,
  ComparisonOperator,
  Expression,
  FunctionCall,
  MapEntry,
  MapLiteral,
  MapProjection,
  MapProjectionItem,
  Position,
  PropertyAccess,
  QualifiedName,
  Variable,
} from './ast.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { isNameToken, isPunct, isVariableToken, parseLabels, parseName, parseVariable } from './names.js';
import { parsePathPattern, relationshipsPatternAhead } from './parse-pattern.js';
import { parseSubquery } from './parser.js';

export function parseExpression(c: Cursor): Expression {
  c.enter();
  const expression = parseOr(c);
  c.leave();
  return expression;
}

/**
 * An expression in a predicate position (a WHERE of any kind): pattern predicates reached
 * from its root through AND, OR, XOR and NOT only are marked allowed (see PatternPredicate).
 */
export function parseWhereExpression(c: Cursor): Expression {
  const expression = parseExpression(c);
  markPredicatePositions(c, expression);
  return expression;
}

function markPredicatePositions(c: Cursor, root: Expression): void {
  const pending: Expression[] = [root];
  while (pending.length > 0) {
    const expression = pending.pop()!;
    if (expression.kind === 'Logical') pending.push(expression.left, expression.right);
    else if (expression.kind === 'Not') pending.push(expression.operand);
    else if (expression.kind === 'PatternPredicate') c.allowedPatternPredicates.add(expression);
  }
}

// ── boolean levels ─────────────────────────────────────────────────────────────────────

function parseOr(c: Cursor): Expression {
  const start = c.token.start;
  let left = parseXor(c);
  while (c.token.keyword === 'OR') {
    c.advance();
    const right = parseXor(c);
    left = { kind: 'Logical', operator: 'OR', left, right, span: c.spanFrom(start) };
  }
  return left;
}

function parseXor(c: Cursor): Expression {
  const start = c.token.start;
  let left = parseAnd(c);
  while (c.token.keyword === 'XOR') {
    c.advance();
    const right = parseAnd(c);
    left = { kind: 'Logical', operator: 'XOR', left, right, span: c.spanFrom(start) };
  }
  return left;
}

function parseAnd(c: Cursor): Expression {
  const start = c.token.start;
  let left = parseNot(c);
  while (c.token.keyword === 'AND') {
    c.advance();
    const right = parseNot(c);
    left = { kind: 'Logical', operator: 'AND', left, right, span: c.spanFrom(start) };
  }
  return left;
}

function parseNot(c: Cursor): Expression {
  const nots: Position[] = [];
  while (c.token.keyword === 'NOT') nots.push(c.advance().start);
  let operand = parseComparison(c);
  for (let i = nots.length - 1; i >= 0; i--) {
    operand = { kind: 'Not', operand, span: c.spanFrom(nots[i]!) };
  }
  return operand;
}

// ── comparison and predicates ──────────────────────────────────────────────────────────

function comparisonOperator(token: Token): ComparisonOperator | null {
  if (token.kind !== 'punct') return null;
  switch (token.text) {
    case '=':
    case '<>':
    case '<':
    case '>':
    case '<=':
    case '>=':
      return token.text;
    default:
      return null;
  }
}

function parseComparison(c: Cursor): Expression {
  const start = c.token.start;
  const first = parsePredicate(c);
  let operator = comparisonOperator(c.token);
  if (operator === null) return first;
  const operands: Expression[] = [first];
  const operators: ComparisonOperator[] = [];
  while (operator !== null) {
    c.advance();
    operators.push(operator);
    operands.push(parsePredicate(c));
    operator = comparisonOperator(c.token);
  }
  return { kind: 'Comparison', operands, operators, span: c.spanFrom(start) };
}

function parsePredicate(c: Cursor): Expression {
  const start = c.token.start;
  let left = parseAdditive(c);
  for (;;) {
    const token = c.token;
    if (token.keyword === 'STARTS' || token.keyword === 'ENDS') {
      c.advance();
      c.expectKeyword('WITH');
      const right = parseAdditive(c);
      const operator = token.keyword === 'STARTS' ? 'STARTS WITH' : 'ENDS WITH';
      left = { kind: 'StringPredicate', operator, left, right, span: c.spanFrom(start) };
    } else if (token.keyword === 'CONTAINS') {
      c.advance();
      const right = parseAdditive(c);
      left = { kind: 'StringPredicate', operator: 'CONTAINS', left, right, span: c.spanFrom(start) };
    } else if (isPunct(token, '=~')) {
      c.advance();
      const right = parseAdditive(c);
      left = { kind: 'StringPredicate', operator: '=~', left, right, span: c.spanFrom(start) };
    } else if (token.keyword === 'IN') {
      c.advance();
      const list = parseAdditive(c);
      left = { kind: 'InList', element: left, list, span: c.spanFrom(start) };
    } else if (token.keyword === 'IS') {
      c.advance();
      const negated = c.acceptKeyword('NOT') !== null;
      c.expectKeyword('NULL');
      left = { kind: 'IsNull', operand: left, negated, span: c.spanFrom(start) };
    } else {
      return left;
    }
  }
}

// ── arithmetic ─────────────────────────────────────────────────────────────────────────

function parseAdditive(c: Cursor): Expression {
  const start = c.token.start;
  let left = parseMultiplicative(c);
  for (;;) {
    const token = c.token;
    if (token.kind !== 'punct' || (token.text !== '+' && token.text !== '-')) return left;
    c.advance();
    const right = parseMultiplicative(c);
    left = { kind: 'Binary', operator: token.text, left, right, span: c.spanFrom(start) };
  }
}

function parseMultiplicative(c: Cursor): Expression {
  const start = c.token.start;
  let left = parsePower(c);
  for (;;) {
    const token = c.token;
    if (token.kind !== 'punct' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
    c.advance();
    const right = parsePower(c);
    left = { kind: 'Binary', operator: token.text, left, right, span: c.spanFrom(start) };
  }
}

function parsePower(c: Cursor): Expression {
  const start = c.token.start;
  let left = parseUnary(c);
  while (isPunct(c.token, '^')) {
    c.advance();
    const right = parseUnary(c);
    left = { kind: 'Binary', operator: '^', left, right, span: c.spanFrom(start) };
  }
  return left;
}

function parseUnary(c: Cursor): Expression {
  const signs: Token[] = [];
  while (isPunct(c.token, '-') || isPunct(c.token, '+')) signs.push(c.advance());
  let operand: Expression;
  const last = signs[signs.length - 1];
  if (last !== undefined && last.text === '-' && isNumberToken(c.token) && !startsPostfix(c.peek(1))) {
    // (A3): fold the minus into the literal, so -9223372036854775808 is in range.
    operand = parseNumberLiteral(c, last);
    signs.pop();
  } else {
    operand = parsePostfix(c);
  }
  for (let i = signs.length - 1; i >= 0; i--) {
    const sign = signs[i]!;
    operand = { kind: 'Unary', operator: sign.text as '-' | '+', operand, span: c.spanFrom(sign.start) };
  }
  return operand;
}

function isNumberToken(token: Token): boolean {
  return token.kind === 'integer' || token.kind === 'float';
}

function startsPostfix(token: Token): boolean {
  return token.kind === 'punct' && (token.text === '.' || token.text === '[' || token.text === ':');
}

/** An integer or float literal at the current token; `minus` is a folded sign before it. */
function parseNumberLiteral(c: Cursor, minus: Token | null): Expression {
  const token = c.token;
  c.raiseTokenError(token);
  c.advance();
  const start = minus?.start ?? token.start;
  const text = c.source.slice(start.offset, token.end.offset);
  const span = { start, end: token.end };
  if (token.kind === 'float') {
    const magnitude = token.number as number;
    return { kind: 'FloatLiteral', value: minus === null ? magnitude : -magnitude, text, span };
  }
  const magnitude = token.number as bigint;
  const value = minus === null ? magnitude : -magnitude;
  if (value > INT64_MAX || value < INT64_MIN) {
    throw c.errorAt(start, `integer literal ${text} is outside the 64-bit range (${INT64_MIN} to ${INT64_MAX})`, 'IntegerOverflow');
  }
  return { kind: 'IntegerLiteral', value, text, span };
}

// ── postfix ────────────────────────────────────────────────────────────────────────────

function parsePostfix(c: Cursor): Expression {
  const start = c.token.start;
  let expression = parseAtom(c);
  for (;;) {
    const token = c.token;
    if (token.kind !== 'punct') return expression;
    if (token.text === '.') {
      c.advance();
      const key = parseName(c, 'a property key');
      expression = { kind: 'PropertyAccess', object: expression, key, span: c.spanFrom(start) };
    } else if (token.text === '[') {
      c.advance();
      if (c.acceptPunct('..')) {
        const to = isPunct(c.token, ']') ? null : parseExpression(c);
        c.expectPunct(']');
        expression = { kind: 'SliceAccess', object: expression, from: null, to, span: c.spanFrom(start) };
        continue;
      }
      const index = parseExpression(c);
      if (c.acceptPunct('..')) {
        const to = isPunct(c.token, ']') ? null : parseExpression(c);
        c.expectPunct(']');
        expression = { kind: 'SliceAccess', object: expression, from: index, to, span: c.spanFrom(start) };
      } else {
        c.expectPunct(']');
        expression = { kind: 'IndexAccess', object: expression, index, span: c.spanFrom(start) };
      }
    } else if (token.text === ':') {
      // Labels close the postfix chain (openCypher NodeLabels come last).
      const labels = parseLabels(c);
      return { kind: 'LabelTest', subject: expression, labels, span: c.spanFrom(start) };
    } else {
      return expression;
    }
  }
}

/** `atom.key(.key)*`: the target of SET and REMOVE property items. */
export function parsePropertyExpression(c: Cursor): PropertyAccess {
  const start = c.token.start;
  let expression = parseAtom(c);
  while (c.acceptPunct('.')) {
    const key = parseName(c, 'a property key');
    expression = { kind: 'PropertyAccess', object: expression, key, span: c.spanFrom(start) };
  }
  if (expression.kind !== 'PropertyAccess') c.fail();
  return expression;
}

// ── atoms ──────────────────────────────────────────────────────────────────────────────

function parseAtom(c: Cursor): Expression {
  const token = c.token;
  const span = { start: token.start, end: token.end };
  switch (token.kind) {
    case 'integer':
    case 'float':
      return parseNumberLiteral(c, null);
    case 'string':
      c.raiseTokenError(token);
      c.advance();
      return { kind: 'StringLiteral', value: token.value, span };
    case 'parameter':
      c.advance();
      return { kind: 'Parameter', name: token.value, span };
    case 'punct':
      if (token.text === '(') return parseParenthesised(c);
      if (token.text === '[') return parseBracketed(c);
      if (token.text === '{') return parseMapLiteral(c);
      return c.fail('an expression');
    case 'identifier':
      return parseWordAtom(c, token);
    case 'quotedIdentifier':
      if (isPunct(c.peek(1), '(') || isPunct(c.peek(1), '.')) {
        const call = tryParseFunctionCall(c);
        if (call !== null) return call;
      }
      return parseVariableOrProjection(c);
    default:
      return c.fail('an expression');
  }
}

/** An atom starting with an unquoted word: a keyword form, a function call or a variable. */
function parseWordAtom(c: Cursor, token: Token): Expression {
  const span = { start: token.start, end: token.end };
  const next = c.peek(1);
  switch (token.keyword) {
    case 'TRUE':
    case 'FALSE':
      c.advance();
      return { kind: 'BooleanLiteral', value: token.keyword === 'TRUE', span };
    case 'NULL':
      c.advance();
      return { kind: 'NullLiteral', span };
    case 'CASE':
      return parseCase(c);
    case 'COUNT':
      if (isPunct(next, '(') && isPunct(c.peek(2), '*')) {
        for (let i = 0; i < 3; i++) c.advance();
        c.expectPunct(')');
        return { kind: 'CountStar', span: c.spanFrom(token.start) };
      }
      break;
    case 'ALL':
    case 'ANY':
    case 'NONE':
    case 'SINGLE':
      if (isPunct(next, '(') && isVariableToken(c.peek(2)) && c.peek(3).keyword === 'IN') return parseQuantifier(c);
      break;
    case 'REDUCE':
      if (isPunct(next, '(') && isVariableToken(c.peek(2)) && isPunct(c.peek(3), '=')) return parseReduce(c);
      break;
    case 'EXISTS':
      if (isPunct(next, '{')) return parseExistsSubquery(c);
      break;
    default:
      break;
  }
  if (isPunct(next, '(') || isPunct(next, '.')) {
    const call = tryParseFunctionCall(c);
    if (call !== null) return call;
  }
  return parseVariableOrProjection(c);
}

function parseVariableOrProjection(c: Cursor): Expression {
  const variable = parseVariable(c, 'an expression');
  if (isPunct(c.token, '{')) return parseMapProjection(c, variable);
  return variable;
}

/** `(` starts a pattern predicate or a parenthesised expression; decided by lookahead. */
function parseParenthesised(c: Cursor): Expression {
  if (relationshipsPatternAhead(c, c.position)) {
    const pattern = parsePathPattern(c);
    const predicate = { kind: 'PatternPredicate', pattern, span: pattern.span } as const;
    c.patternPredicates.push(predicate);
    return predicate;
  }
  c.advance();
  const inner = parseExpression(c);
  c.expectPunct(')');
  return inner;
}

/** `[` starts a list comprehension, a pattern comprehension or a list literal. */
function parseBracketed(c: Cursor): Expression {
  const open = c.position;
  const first = c.peek(1);
  if (isVariableToken(first) && c.peek(2).keyword === 'IN') return parseListComprehension(c);
  const patternAt = isVariableToken(first) && isPunct(c.peek(2), '=') ? open + 3 : open + 1;
  if (relationshipsPatternAhead(c, patternAt)) return parsePatternComprehension(c);
  const start = c.advance().start;
  const elements: Expression[] = [];
  if (!c.acceptPunct(']')) {
    elements.push(parseExpression(c));
    while (c.acceptPunct(',')) elements.push(parseExpression(c));
    c.expectPunct(']');
  }
  return { kind: 'ListLiteral', elements, span: c.spanFrom(start) };
}

/** `{key: value, ...}`; the current token is '{'. Also used for pattern properties. */
export function parseMapLiteral(c: Cursor): MapLiteral {
  const start = c.expectPunct('{').start;
  const entries: MapEntry[] = [];
  if (!c.acceptPunct('}')) {
    do {
      const key = parseName(c, 'a property key');
      c.expectPunct(':');
      const value = parseExpression(c);
      entries.push({ kind: 'MapEntry', key, value, span: c.spanFrom(key.span.start) });
    } while (c.acceptPunct(','));
    c.expectPunct('}');
  }
  return { kind: 'MapLiteral', entries, span: c.spanFrom(start) };
}

function parseMapProjection(c: Cursor, subject: Variable): MapProjection {
  c.expectPunct('{');
  const items: MapProjectionItem[] = [];
  if (!c.acceptPunct('}')) {
    do {
      items.push(parseMapProjectionItem(c));
    } while (c.acceptPunct(','));
    c.expectPunct('}');
  }
  return { kind: 'MapProjection', subject, items, span: c.spanFrom(subject.span.start) };
}

function parseMapProjectionItem(c: Cursor): MapProjectionItem {
  const start = c.token.start;
  if (c.acceptPunct('.')) {
    if (c.acceptPunct('*')) return { kind: 'AllPropertiesSelector', span: c.spanFrom(start) };
    const key = parseName(c, "a property key or '*'");
    return { kind: 'PropertySelector', key, span: c.spanFrom(start) };
  }
  if (isNameToken(c.token) && isPunct(c.peek(1), ':')) {
    const key = parseName(c, 'a key');
    c.advance();
    const value = parseExpression(c);
    return { kind: 'LiteralEntry', key, value, span: c.spanFrom(start) };
  }
  const variable = parseVariable(c, "'.key', '.*', 'key: value' or a variable");
  return { kind: 'VariableSelector', variable, span: variable.span };
}

// ── keyword forms ──────────────────────────────────────────────────────────────────────

function parseCase(c: Cursor): Expression {
  const start = c.advance().start;
  const test = c.token.keyword === 'WHEN' ? null : parseExpression(c);
  const alternatives: CaseAlternative[] = [];
  while (c.atKeyword('WHEN')) {
    const whenStart = c.advance().start;
    const when = parseExpression(c);
    c.expectKeyword('THEN');
    const then = parseExpression(c);
    alternatives.push({ kind: 'CaseAlternative', when, then, span: c.spanFrom(whenStart) });
  }
  if (alternatives.length === 0) c.fail();
  const otherwise = c.acceptKeyword('ELSE') ? parseExpression(c) : null;
  c.expectKeyword('END');
  return { kind: 'Case', test, alternatives, else: otherwise, span: c.spanFrom(start) };
}

function parseListComprehension(c: Cursor): Expression {
  const start = c.expectPunct('[').start;
  const variable = parseVariable(c);
  c.expectKeyword('IN');
  const list = parseExpression(c);
  const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
  const projection = c.acceptPunct('|') ? parseExpression(c) : null;
  c.expectPunct(']');
  return { kind: 'ListComprehension', variable, list, where, projection, span: c.spanFrom(start) };
}

function parsePatternComprehension(c: Cursor): Expression {
  const start = c.expectPunct('[').start;
  let variable: Variable | null = null;
  if (isVariableToken(c.token) && isPunct(c.peek(1), '=')) {
    variable = parseVariable(c);
    c.advance();
  }
  const pattern = parsePathPattern(c);
  const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
  c.expectPunct('|');
  const projection = parseExpression(c);
  c.expectPunct(']');
  return { kind: 'PatternComprehension', variable, pattern, where, projection, span: c.spanFrom(start) };
}

function parseQuantifier(c: Cursor): Expression {
  const word = c.advance();
  c.expectPunct('(');
  const variable = parseVariable(c);
  c.expectKeyword('IN');
  const list = parseExpression(c);
  const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
  c.expectPunct(')');
  const quantifier = word.keyword.toLowerCase() as 'all' | 'any' | 'none' | 'single';
  return { kind: 'Quantifier', quantifier, variable, list, where, span: c.spanFrom(word.start) };
}

function parseReduce(c: Cursor): Expression {
  const start = c.advance().start;
  c.expectPunct('(');
  const accumulator = parseVariable(c);
  c.expectPunct('=');
  const init = parseExpression(c);
  c.expectPunct(',');
  const variable = parseVariable(c);
  c.expectKeyword('IN');
  const list = parseExpression(c);
  c.expectPunct('|');
  const expression = parseExpression(c);
  c.expectPunct(')');
  return { kind: 'Reduce', accumulator, init, variable, list, expression, span: c.spanFrom(start) };
}

function parseExistsSubquery(c: Cursor): Expression {
  const start = c.advance().start;
  c.expectPunct('{');
  const { form, query } = parseSubquery(c);
  c.expectPunct('}');
  return { kind: 'ExistsSubquery', form, query, span: c.spanFrom(start) };
}

/**
 * `name(...)` or `ns.name(...)` when the dotted chain at the current token ends in '(';
 * null (nothing consumed) when it is a property chain instead.
 */
function tryParseFunctionCall(c: Cursor): FunctionCall | null {
  let ahead = 1;
  while (isPunct(c.peek(ahead), '.') && isNameToken(c.peek(ahead + 1))) ahead += 2;
  if (!isPunct(c.peek(ahead), '(')) return null;
  const first = c.token;
  if (first.kind === 'identifier' && first.keyword !== 'EXISTS' && !isVariableToken(first)) return null;
  const parts: string[] = [];
  for (let i = 0; i < ahead; i += 2) {
    parts.push(c.advance().value);
    if (i + 1 < ahead) c.advance();
  }
  const name: QualifiedName = {
    kind: 'QualifiedName',
    namespace: parts.slice(0, -1),
    name: parts[parts.length - 1]!,
    span: c.spanFrom(first.start),
  };
  c.expectPunct('(');
  const distinct = c.acceptKeyword('DISTINCT') !== null;
  const args: Expression[] = [];
  if (!c.acceptPunct(')')) {
    args.push(parseExpression(c));
    while (c.acceptPunct(',')) args.push(parseExpression(c));
    c.expectPunct(')');
  }
  const arg = args[0];
  if (name.namespace.length === 0 && name.name.toLowerCase() === 'exists' && args.length === 1 && arg?.kind === 'PatternPredicate') {
    c.allowedPatternPredicates.add(arg);
  }
  return { kind: 'FunctionCall', name, distinct, arguments: args, span: c.spanFrom(first.start) };
}
