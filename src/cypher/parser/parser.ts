// The parser entry point, statements and clauses. Recursive descent over the token array
// (lexer.ts) with one token of lookahead plus O(1) shape checks (parse-pattern.ts): linear
// time, no backtracking. Expressions are in parse-expression.ts, patterns in parse-pattern.ts,
// schema commands in parse-schema.ts.
//
//   statement    ['EXPLAIN' | 'PROFILE'] (query | schema command) [';']
//   query        single ('UNION' ['ALL'] single)*        (UNION and UNION ALL not mixed)
//   single       clause+
//   clause       MATCH | OPTIONAL MATCH | UNWIND | WITH | RETURN | CREATE | MERGE | SET
//                | REMOVE | DELETE | DETACH DELETE | CALL | FOREACH
//
// Clause order (openCypher's SinglePartQuery / MultiPartQuery), checked here as syntax:
//  (P1) RETURN is the last clause of its part.
//  (P2) A reading clause (MATCH, UNWIND, CALL) never directly follows an updating clause
//       (CREATE, MERGE, SET, REMOVE, DELETE, FOREACH): a WITH must separate them.
//  (P3) Outside a subquery, a part ends with RETURN, an updating clause, or a CALL without
//       YIELD (a standalone CALL may YIELD).
//  (P4) A CALL that is the whole query is standalone: only it may omit the argument
//       parentheses (else InvalidArgumentPassingMode) or use YIELD * (else UnexpectedSyntax).
//  (P5) Pattern predicates stand only in predicate positions (see ast.ts PatternPredicate).

import type {
  CallClause,
  Clause,
  DeleteClause,
  Expression,
  ForeachClause,
  MatchClause,
  MergeAction,
  MergeClause,
  Projection,
  ProjectionItem,
  Query,
  RemoveClause,
  RemoveItem,
  ReturnClause,
  SetClause,
  SetItem,
  SingleQuery,
  SortItem,
  Statement,
  UnwindClause,
  WithClause,
  YieldClause,
  YieldItem,
} from './ast.js';
import { Cursor } from './cursor.js';
import { isPunct, isVariableToken, parseLabels, parseName, parseVariable } from './names.js';
import { parseExpression, parsePropertyExpression, parseWhereExpression } from './parse-expression.js';
import { parsePattern, parsePatternPart } from './parse-pattern.js';
import { isSchemaCommandAhead, parseSchemaCommand } from './parse-schema.js';
import { syntaxError } from './syntax-error.js';

/**
 * Parse one statement. Throws SyntaxQueryError (code SYNTAX, details { line, column,
 * offset, excerpt, detail }) and nothing else. Cost: O(length of text).
 */
export function parse(text: string): Statement {
  try {
    const c = new Cursor(text);
    const statement = parseStatement(c);
    checkPatternPredicates(c);
    return statement;
  } catch (error) {
    // The depth limit (cursor.ts, C3) should make this unreachable; a smaller stack than
    // planned for must still surface as a syntax error, not a crash.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw syntaxError(text, { offset: 0, line: 1, column: 1 }, 'the query is nested too deeply to parse');
    }
    throw error;
  }
}

function parseStatement(c: Cursor): Statement {
  const start = c.token.start;
  const prefix = c.token.keyword === 'EXPLAIN' || c.token.keyword === 'PROFILE' ? c.advance() : null;
  const mode = prefix === null ? null : prefix.keyword === 'EXPLAIN' ? 'explain' : 'profile';
  let body: Statement['body'];
  if (isSchemaCommandAhead(c)) {
    if (prefix !== null) throw c.errorAt(prefix.start, `${prefix.keyword} applies to queries, not to schema commands`);
    body = parseSchemaCommand(c);
  } else {
    if (c.token.kind === 'eof') throw c.errorAt(c.token.start, 'expected a query but found end of input');
    body = parseQuery(c, false);
  }
  const span = c.spanFrom(start);
  if (isPunct(c.token, ';')) c.advance();
  if (c.token.kind !== 'eof') c.fail('end of input');
  return { kind: 'Statement', source: c.source, mode, body, span };
}

/** (P5): every pattern predicate must have been marked allowed where it stood. */
function checkPatternPredicates(c: Cursor): void {
  let misplaced = null;
  for (const predicate of c.patternPredicates) {
    if (c.allowedPatternPredicates.has(predicate)) continue;
    if (misplaced === null || predicate.span.start.offset < misplaced.span.start.offset) misplaced = predicate;
  }
  if (misplaced !== null) {
    throw c.errorAt(
      misplaced.span.start,
      'a relationship pattern can only stand as a predicate (in WHERE, or as exists((a)-->(b))); ' +
        'for a list of matches use a pattern comprehension such as [(a)-->(b) | b]',
    );
  }
}

// ── queries ────────────────────────────────────────────────────────────────────────────

/** A query with its unions. `subquery` relaxes (P3) and disables standalone calls (P4). */
export function parseQuery(c: Cursor, subquery: boolean): Query {
  const start = c.token.start;
  const parts = [parseSingleQuery(c, subquery)];
  let unionAll: boolean | null = null;
  while (c.atKeyword('UNION')) {
    const union = c.advance();
    const all = c.acceptKeyword('ALL') !== null;
    if (unionAll !== null && unionAll !== all) {
      throw c.errorAt(union.start, 'UNION and UNION ALL cannot be mixed in one query', 'InvalidClauseComposition');
    }
    unionAll = all;
    parts.push(parseSingleQuery(c, subquery));
  }
  if (parts.length === 1 && !subquery) {
    const only = parts[0]!;
    const call = only.clauses[0]!;
    if (only.clauses.length === 1 && call.kind === 'Call') {
      parts[0] = { ...only, clauses: [{ ...call, standalone: true }] };
    }
  }
  for (const part of parts) checkCalls(c, part, subquery);
  return { kind: 'Query', parts, unionAll: unionAll ?? false, span: c.spanFrom(start) };
}

/** The body of `EXISTS { ... }`: a pattern with an optional WHERE, or a full query. */
export function parseSubquery(c: Cursor): { form: 'pattern' | 'query'; query: Query } {
  c.enter();
  const token = c.token;
  const patternForm =
    isPunct(token, '(') ||
    (isVariableToken(token) && isPunct(c.peek(1), '=')) ||
    ((token.keyword === 'SHORTESTPATH' || token.keyword === 'ALLSHORTESTPATHS') && isPunct(c.peek(1), '('));
  let result: { form: 'pattern' | 'query'; query: Query };
  if (patternForm) {
    const start = token.start;
    const pattern = parsePattern(c);
    const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
    const span = c.spanFrom(start);
    const match: MatchClause = { kind: 'Match', optional: false, pattern, where, span };
    const single: SingleQuery = { kind: 'SingleQuery', clauses: [match], span };
    result = { form: 'pattern', query: { kind: 'Query', parts: [single], unionAll: false, span } };
  } else {
    result = { form: 'query', query: parseQuery(c, true) };
  }
  c.leave();
  return result;
}

const READING = new Set<Clause['kind']>(['Match', 'Unwind', 'Call']);
const UPDATING = new Set<Clause['kind']>(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

function parseSingleQuery(c: Cursor, subquery: boolean): SingleQuery {
  const start = c.token.start;
  const clauses: Clause[] = [];
  let afterUpdate: Clause | null = null;
  for (;;) {
    const clause = parseClause(c);
    if (clause === null) break;
    if (READING.has(clause.kind) && afterUpdate !== null) {
      throw c.errorAt(
        clause.span.start,
        `${clauseName(clause)} cannot follow ${clauseName(afterUpdate)} directly: put a WITH between them`,
        'InvalidClauseComposition',
      );
    }
    if (UPDATING.has(clause.kind)) afterUpdate = clause;
    else if (clause.kind === 'With') afterUpdate = null;
    clauses.push(clause);
    if (clause.kind === 'Return') break; // (P1)
  }
  if (clauses.length === 0) c.fail();
  const end = c.token;
  if (!(end.kind === 'eof' || isPunct(end, ';') || end.keyword === 'UNION' || (subquery && isPunct(end, '}')))) {
    c.note('UNION');
    c.fail(subquery ? "'}'" : 'end of input');
  }
  const last = clauses[clauses.length - 1]!;
  if (!subquery && !canEndQuery(last)) {
    throw c.errorAt(
      end.start,
      `a query cannot end with ${clauseName(last)}: expected a clause (for example RETURN) but found ${describeEnd(c)}`,
      'InvalidClauseComposition',
    );
  }
  return { kind: 'SingleQuery', clauses, span: c.spanFrom(start) };
}

/** (P3). A CALL with YIELD may end the query only when standalone, which parseQuery decides. */
function canEndQuery(clause: Clause): boolean {
  if (clause.kind === 'Return' || UPDATING.has(clause.kind)) return true;
  return clause.kind === 'Call';
}

/** (P3) for calls with YIELD and (P4), once standalone-ness is known. */
function checkCalls(c: Cursor, part: SingleQuery, subquery: boolean): void {
  const last = part.clauses[part.clauses.length - 1]!;
  for (const clause of part.clauses) {
    if (clause.kind !== 'Call' || clause.standalone) continue;
    if (clause.arguments === null) {
      throw c.errorAt(
        clause.procedure.span.end,
        `arguments to ${procedureName(clause)} must be given in parentheses unless the CALL is the whole query`,
        'InvalidArgumentPassingMode',
      );
    }
    if (clause.yield?.star) {
      throw c.errorAt(clause.yield.span.start, 'YIELD * is only allowed when the CALL is the whole query: name the fields to yield');
    }
    if (clause === last && clause.yield !== null && !subquery) {
      throw c.errorAt(clause.yield.span.end, `a query cannot end with CALL ... YIELD: add a RETURN clause`, 'InvalidClauseComposition');
    }
  }
}

function procedureName(clause: CallClause): string {
  return [...clause.procedure.namespace, clause.procedure.name].join('.');
}

function clauseName(clause: Clause): string {
  switch (clause.kind) {
    case 'Match':
      return clause.optional ? 'OPTIONAL MATCH' : 'MATCH';
    case 'Delete':
      return clause.detach ? 'DETACH DELETE' : 'DELETE';
    default:
      return clause.kind.toUpperCase();
  }
}

function describeEnd(c: Cursor): string {
  return c.token.kind === 'eof' ? 'end of input' : `'${c.token.text}'`;
}

/** The clause at the current token, or null (noting 'a clause') when none starts there. */
function parseClause(c: Cursor): Clause | null {
  const token = c.token;
  switch (token.keyword) {
    case 'MATCH':
    case 'OPTIONAL':
      return parseMatch(c);
    case 'UNWIND':
      return parseUnwind(c);
    case 'WITH':
      return parseWith(c);
    case 'RETURN':
      return parseReturn(c);
    case 'CREATE':
      return parseCreate(c);
    case 'MERGE':
      return parseMerge(c);
    case 'SET':
      return parseSet(c);
    case 'REMOVE':
      return parseRemove(c);
    case 'DELETE':
    case 'DETACH':
      return parseDelete(c);
    case 'CALL':
      return parseCall(c);
    case 'FOREACH':
      return parseForeach(c);
    default:
      c.note('a clause');
      return null;
  }
}

// ── reading clauses ────────────────────────────────────────────────────────────────────

function parseMatch(c: Cursor): MatchClause {
  const start = c.token.start;
  const optional = c.acceptKeyword('OPTIONAL') !== null;
  c.expectKeyword('MATCH');
  const pattern = parsePattern(c);
  const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
  return { kind: 'Match', optional, pattern, where, span: c.spanFrom(start) };
}

function parseUnwind(c: Cursor): UnwindClause {
  const start = c.advance().start;
  const expression = parseExpression(c);
  c.expectKeyword('AS');
  const variable = parseVariable(c);
  return { kind: 'Unwind', expression, variable, span: c.spanFrom(start) };
}

function parseCall(c: Cursor): CallClause {
  const start = c.advance().start;
  const nameStart = c.token.start;
  const parts = [parseName(c, 'a procedure name').name];
  while (c.acceptPunct('.')) parts.push(parseName(c, 'a procedure name').name);
  const procedure = {
    kind: 'QualifiedName',
    namespace: parts.slice(0, -1),
    name: parts[parts.length - 1]!,
    span: c.spanFrom(nameStart),
  } as const;
  let args: Expression[] | null = null;
  if (c.acceptPunct('(')) {
    args = [];
    if (!c.acceptPunct(')')) {
      args.push(parseExpression(c));
      while (c.acceptPunct(',')) args.push(parseExpression(c));
      c.expectPunct(')');
    }
  }
  const yieldClause = c.atKeyword('YIELD') ? parseYield(c) : null;
  return { kind: 'Call', procedure, arguments: args, yield: yieldClause, standalone: false, span: c.spanFrom(start) };
}

function parseYield(c: Cursor): YieldClause {
  const start = c.advance().start;
  if (c.acceptPunct('*')) return { kind: 'Yield', star: true, items: [], where: null, span: c.spanFrom(start) };
  const items: YieldItem[] = [];
  do {
    const field = parseName(c, 'a field name');
    const alias = c.acceptKeyword('AS') ? parseVariable(c) : null;
    items.push({ kind: 'YieldItem', field, alias, span: c.spanFrom(field.span.start) });
  } while (c.acceptPunct(','));
  const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
  return { kind: 'Yield', star: false, items, where, span: c.spanFrom(start) };
}

// ── projections ────────────────────────────────────────────────────────────────────────

function parseWith(c: Cursor): WithClause {
  const start = c.advance().start;
  const projection = parseProjection(c);
  const where = c.acceptKeyword('WHERE') ? parseWhereExpression(c) : null;
  return { kind: 'With', projection, where, span: c.spanFrom(start) };
}

function parseReturn(c: Cursor): ReturnClause {
  const start = c.advance().start;
  return { kind: 'Return', projection: parseProjection(c), span: c.spanFrom(start) };
}

function parseProjection(c: Cursor): Projection {
  const start = c.token.start;
  const distinct = c.acceptKeyword('DISTINCT') !== null;
  const items: ProjectionItem[] = [];
  const star = c.acceptPunct('*') !== null;
  if (!star || c.acceptPunct(',')) {
    do {
      items.push(parseProjectionItem(c));
    } while (c.acceptPunct(','));
  }
  let orderBy: SortItem[] | null = null;
  if (c.token.keyword === 'ORDER') {
    c.advance();
    c.expectKeyword('BY');
    orderBy = [];
    do {
      orderBy.push(parseSortItem(c));
    } while (c.acceptPunct(','));
  } else {
    c.note('ORDER BY');
  }
  const skip = c.acceptKeyword('SKIP') ? parseExpression(c) : null;
  const limit = c.acceptKeyword('LIMIT') ? parseExpression(c) : null;
  return { kind: 'Projection', distinct, star, items, orderBy, skip, limit, span: c.spanFrom(start) };
}

function parseProjectionItem(c: Cursor): ProjectionItem {
  const start = c.token.start;
  const expression = parseExpression(c);
  const text = c.source.slice(start.offset, c.lastEnd.offset);
  const alias = c.acceptKeyword('AS') ? parseVariable(c, 'an alias') : null;
  return { kind: 'ProjectionItem', expression, alias, text, span: c.spanFrom(start) };
}

function parseSortItem(c: Cursor): SortItem {
  const start = c.token.start;
  const expression = parseExpression(c);
  const word = c.token.keyword;
  let descending = false;
  if (word === 'ASC' || word === 'ASCENDING') c.advance();
  else if (word === 'DESC' || word === 'DESCENDING') {
    c.advance();
    descending = true;
  } else {
    c.note('ASC');
    c.note('DESC');
  }
  return { kind: 'SortItem', expression, descending, span: c.spanFrom(start) };
}

// ── updating clauses ───────────────────────────────────────────────────────────────────

function parseCreate(c: Cursor): Clause {
  const start = c.advance().start;
  return { kind: 'Create', pattern: parsePattern(c), span: c.spanFrom(start) };
}

function parseMerge(c: Cursor): MergeClause {
  const start = c.advance().start;
  const pattern = parsePatternPart(c);
  const actions: MergeAction[] = [];
  for (;;) {
    if (c.token.keyword !== 'ON') {
      c.note('ON CREATE');
      c.note('ON MATCH');
      break;
    }
    const actionStart = c.advance().start;
    let on: 'create' | 'match';
    if (c.acceptKeyword('CREATE')) on = 'create';
    else if (c.acceptKeyword('MATCH')) on = 'match';
    else c.fail();
    c.expectKeyword('SET');
    const items = parseSetItems(c);
    actions.push({ kind: 'MergeAction', on, items, span: c.spanFrom(actionStart) });
  }
  return { kind: 'Merge', pattern, actions, span: c.spanFrom(start) };
}

function parseSet(c: Cursor): SetClause {
  const start = c.advance().start;
  return { kind: 'Set', items: parseSetItems(c), span: c.spanFrom(start) };
}

function parseSetItems(c: Cursor): SetItem[] {
  const items: SetItem[] = [];
  do {
    items.push(parseSetItem(c));
  } while (c.acceptPunct(','));
  return items;
}

function parseSetItem(c: Cursor): SetItem {
  const start = c.token.start;
  if (isVariableToken(c.token)) {
    const next = c.peek(1);
    if (isPunct(next, '=') || isPunct(next, '+=')) {
      const variable = parseVariable(c);
      const mode = c.advance().text === '=' ? 'replace' : 'merge';
      const value = parseExpression(c);
      return { kind: 'SetAllProperties', variable, mode, value, span: c.spanFrom(start) };
    }
    if (isPunct(next, ':')) {
      const variable = parseVariable(c);
      const labels = parseLabels(c);
      return { kind: 'SetLabels', variable, labels, span: c.spanFrom(start) };
    }
  }
  const property = parsePropertyExpression(c);
  c.expectPunct('=');
  const value = parseExpression(c);
  return { kind: 'SetProperty', property, value, span: c.spanFrom(start) };
}

function parseRemove(c: Cursor): RemoveClause {
  const start = c.advance().start;
  const items: RemoveItem[] = [];
  do {
    const itemStart = c.token.start;
    if (isVariableToken(c.token) && isPunct(c.peek(1), ':')) {
      const variable = parseVariable(c);
      const labels = parseLabels(c);
      items.push({ kind: 'RemoveLabels', variable, labels, span: c.spanFrom(itemStart) });
    } else {
      const property = parsePropertyExpression(c);
      items.push({ kind: 'RemoveProperty', property, span: c.spanFrom(itemStart) });
    }
  } while (c.acceptPunct(','));
  return { kind: 'Remove', items, span: c.spanFrom(start) };
}

function parseDelete(c: Cursor): DeleteClause {
  const start = c.token.start;
  const detach = c.acceptKeyword('DETACH') !== null;
  c.expectKeyword('DELETE');
  const expressions: Expression[] = [];
  do {
    const expression = parseExpression(c);
    if (expression.kind === 'LabelTest') {
      throw c.errorAt(
        expression.span.start,
        'DELETE takes nodes, relationships or paths, not a label test: use REMOVE n:Label to remove a label',
        'InvalidDelete',
      );
    }
    expressions.push(expression);
  } while (c.acceptPunct(','));
  return { kind: 'Delete', detach, expressions, span: c.spanFrom(start) };
}

function parseForeach(c: Cursor): ForeachClause {
  const start = c.advance().start;
  c.expectPunct('(');
  const variable = parseVariable(c);
  c.expectKeyword('IN');
  const list = parseExpression(c);
  c.expectPunct('|');
  c.enter();
  const clauses: Clause[] = [];
  for (;;) {
    const keyword = c.token.keyword;
    const updating =
      keyword === 'CREATE' || keyword === 'MERGE' || keyword === 'SET' || keyword === 'REMOVE' ||
      keyword === 'DELETE' || keyword === 'DETACH' || keyword === 'FOREACH';
    if (!updating) {
      if (clauses.length === 0) c.fail('an updating clause (CREATE, MERGE, SET, REMOVE, DELETE or FOREACH)');
      c.note('an updating clause');
      break;
    }
    clauses.push(parseClause(c)!);
  }
  c.leave();
  c.expectPunct(')');
  return { kind: 'Foreach', variable, list, clauses, span: c.spanFrom(start) };
}

