// Schema commands (statement level only, never inside a query):
//
//   CREATE [UNIQUE] INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.key [, n.key ...])
//   CREATE INDEX [name] [IF NOT EXISTS] ON :Label(key [, key ...])
//   CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.key IS UNIQUE
//   CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE (n.key, ...) IS UNIQUE
//   CREATE CONSTRAINT [name] [IF NOT EXISTS] ON (n:Label) ASSERT n.key IS UNIQUE
//   DROP INDEX name [IF EXISTS]  |  DROP CONSTRAINT name [IF EXISTS]  |  DROP INDEX ON :Label(key, ...)
//   SHOW INDEXES  |  SHOW INDEX
//
// Constraints are unique indexes (ast.ts CreateIndexCommand). Only node label/property
// indexes exist in ombra (DESIGN.md §3), so a relationship target is a clear error here.

import type { CreateIndexCommand, DropIndexCommand, Name, SchemaCommand, Variable } from './ast.js';
import type { Cursor } from './cursor.js';
import { isNameToken, isPunct, parseName, parseVariable } from './names.js';

/** True when the statement at the cursor is a schema command rather than a query. */
export function isSchemaCommandAhead(c: Cursor): boolean {
  const token = c.token;
  if (token.keyword === 'DROP' || token.keyword === 'SHOW') return true;
  if (token.keyword !== 'CREATE') return false;
  const next = c.peek(1);
  if (next.keyword === 'UNIQUE' || next.keyword === 'CONSTRAINT') return true;
  // `CREATE index = (a)-->(b)` is a CREATE clause with a path variable named index.
  return next.keyword === 'INDEX' && !isPunct(c.peek(2), '=');
}

export function parseSchemaCommand(c: Cursor): SchemaCommand {
  const token = c.token;
  if (token.keyword === 'CREATE') return parseCreate(c);
  if (token.keyword === 'DROP') return parseDrop(c);
  const start = c.advance().start;
  if (c.token.keyword !== 'INDEXES' && c.token.keyword !== 'INDEX') c.fail('INDEXES');
  c.advance();
  return { kind: 'ShowIndexes', span: c.spanFrom(start) };
}

function parseCreate(c: Cursor): CreateIndexCommand {
  const start = c.advance().start;
  if (c.acceptKeyword('CONSTRAINT')) return parseCreateConstraint(c, start);
  const unique = c.acceptKeyword('UNIQUE') !== null;
  c.expectKeyword('INDEX');
  const name = parseOptionalName(c);
  const ifNotExists = parseIf(c, true);
  let label: Name;
  const properties: Name[] = [];
  if (c.acceptKeyword('ON')) {
    c.expectPunct(':');
    label = parseName(c, 'a label name');
    c.expectPunct('(');
    do {
      properties.push(parseName(c, 'a property key'));
    } while (c.acceptPunct(','));
    c.expectPunct(')');
  } else {
    c.expectKeyword('FOR');
    const target = parseNodeTarget(c);
    label = target.label;
    c.expectKeyword('ON');
    c.expectPunct('(');
    do {
      properties.push(parseOwnedProperty(c, target.variable));
    } while (c.acceptPunct(','));
    c.expectPunct(')');
  }
  return { kind: 'CreateIndex', name, unique, ifNotExists, syntax: 'index', label, properties, span: c.spanFrom(start) };
}

function parseCreateConstraint(c: Cursor, start: CreateIndexCommand['span']['start']): CreateIndexCommand {
  const name = parseOptionalName(c);
  const ifNotExists = parseIf(c, true);
  let target: { variable: Variable; label: Name };
  if (c.acceptKeyword('FOR')) {
    target = parseNodeTarget(c);
    c.expectKeyword('REQUIRE');
  } else if (c.acceptKeyword('ON')) {
    target = parseNodeTarget(c);
    c.expectKeyword('ASSERT');
  } else {
    c.fail();
  }
  const properties: Name[] = [];
  if (c.acceptPunct('(')) {
    do {
      properties.push(parseOwnedProperty(c, target.variable));
    } while (c.acceptPunct(','));
    c.expectPunct(')');
  } else {
    properties.push(parseOwnedProperty(c, target.variable));
  }
  c.expectKeyword('IS');
  if (!c.acceptKeyword('UNIQUE')) {
    if (c.token.kind === 'identifier') {
      throw c.errorAt(c.token.start, `only IS UNIQUE constraints are supported, not IS ${c.token.text}`);
    }
    c.fail();
  }
  return {
    kind: 'CreateIndex',
    name,
    unique: true,
    ifNotExists,
    syntax: 'constraint',
    label: target.label,
    properties,
    span: c.spanFrom(start),
  };
}

function parseDrop(c: Cursor): DropIndexCommand {
  const start = c.advance().start;
  let syntax: 'index' | 'constraint';
  if (c.acceptKeyword('INDEX')) syntax = 'index';
  else if (c.acceptKeyword('CONSTRAINT')) syntax = 'constraint';
  else c.fail();
  if (syntax === 'index' && c.acceptKeyword('ON')) {
    c.expectPunct(':');
    const label = parseName(c, 'a label name');
    c.expectPunct('(');
    const properties: Name[] = [];
    do {
      properties.push(parseName(c, 'a property key'));
    } while (c.acceptPunct(','));
    c.expectPunct(')');
    return { kind: 'DropIndex', name: null, ifExists: false, syntax, label, properties, span: c.spanFrom(start) };
  }
  const name = parseName(c, syntax === 'index' ? 'an index name' : 'a constraint name');
  const ifExists = parseIf(c, false);
  return { kind: 'DropIndex', name, ifExists, syntax, label: null, properties: [], span: c.spanFrom(start) };
}

/** An index or constraint name, unless the next words are FOR, ON or IF [NOT] EXISTS. */
function parseOptionalName(c: Cursor): Name | null {
  const token = c.token;
  if (!isNameToken(token)) return null;
  if (token.keyword === 'FOR' || token.keyword === 'ON') return null;
  if (token.keyword === 'IF' && (c.peek(1).keyword === 'NOT' || c.peek(1).keyword === 'EXISTS')) return null;
  return parseName(c, 'a name');
}

/** `IF NOT EXISTS` (when `not`) or `IF EXISTS`; false when absent. */
function parseIf(c: Cursor, not: boolean): boolean {
  if (!c.acceptKeyword('IF')) return false;
  if (not) c.expectKeyword('NOT');
  c.expectKeyword('EXISTS');
  return true;
}

/** `(n:Label)`. */
function parseNodeTarget(c: Cursor): { variable: Variable; label: Name } {
  c.expectPunct('(');
  if (isPunct(c.token, ')')) {
    throw c.errorAt(c.token.start, 'only node indexes are supported: write FOR (n:Label)');
  }
  const variable = parseVariable(c);
  c.expectPunct(':');
  const label = parseName(c, 'a label name');
  c.expectPunct(')');
  return { variable, label };
}

/** `n.key` where n must be the target's variable. */
function parseOwnedProperty(c: Cursor, owner: Variable): Name {
  const variable = parseVariable(c);
  if (variable.name !== owner.name) {
    throw c.errorAt(variable.span.start, `expected a property of '${owner.name}' but found '${variable.name}'`);
  }
  c.expectPunct('.');
  return parseName(c, 'a property key');
}
