// Syntax errors: their shape (code, details, excerpt), their TCK detail, their position and
// what their message says was expected. Also what is deliberately left for the binder.

import { describe, expect, it } from 'vitest';
import { QueryError, SyntaxQueryError } from '../../src/errors.js';
import { parse } from '../../src/cypher/parser/index.js';

function syntaxErrorOf(text: string): SyntaxQueryError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxQueryError);
    return error as SyntaxQueryError;
  }
  throw new Error(`expected a syntax error for: ${text}`);
}

function detailOf(text: string): unknown {
  return syntaxErrorOf(text).details.detail;
}

describe('parser errors: shape', () => {
  it('is a SyntaxQueryError with code SYNTAX, position details and a caret excerpt', () => {
    const error = syntaxErrorOf('MATCH (n RETURN n');
    expect(error).toBeInstanceOf(QueryError);
    expect(error.code).toBe('SYNTAX');
    expect(error.message).toBe("expected ')' but found 'RETURN' at line 1, column 10");
    expect(error.details).toEqual({
      line: 1,
      column: 10,
      offset: 9,
      excerpt: 'MATCH (n RETURN n\n         ^',
      detail: 'UnexpectedSyntax',
    });
    expect(error.line).toBe(1);
    expect(error.column).toBe(10);
    expect(error.exitCode).toBe(1);
  });

  it('points at the right line of a multi-line query, keeping tabs under the caret', () => {
    const error = syntaxErrorOf('MATCH (n)\n\tWHERE n.x = \n\tRETURN n');
    expect(error.details).toMatchObject({ line: 3, column: 2, offset: 25, excerpt: '\tRETURN n\n\t^' });
    expect(error.message).toBe("expected an expression but found 'RETURN' at line 3, column 2");
    const crlf = syntaxErrorOf('RETURN 1\r\nRETURN 2');
    expect(crlf.details).toMatchObject({ line: 2, column: 1, excerpt: 'RETURN 2\n^' });
  });

  it('cuts a very long line to a window around the column', () => {
    const text = `RETURN ${'x + '.repeat(100)}) + 1`;
    const error = syntaxErrorOf(text);
    const [line, caret] = (error.details.excerpt as string).split('\n');
    expect(line!.length).toBeLessThanOrEqual(126);
    expect(line!.startsWith('...')).toBe(true);
    expect(line![caret!.length - 1]).toBe(')');
  });

  it('says at end of input when the text stops short', () => {
    const error = syntaxErrorOf('RETURN 1 +');
    expect(error.message).toBe('expected an expression but found end of input at line 1, column 11');
    expect(error.details).toMatchObject({ offset: 10, excerpt: 'RETURN 1 +\n          ^' });
  });

  it('lists what could have come next', () => {
    expect(syntaxErrorOf('RETURN n foo').message).toBe(
      "expected AS, ',', ORDER BY, SKIP, LIMIT, UNION or end of input but found 'foo' at line 1, column 10",
    );
    expect(syntaxErrorOf('MATCH (n) RETRUN n').message).toBe(
      "expected ',', WHERE, a clause, UNION or end of input but found 'RETRUN' at line 1, column 11",
    );
    expect(syntaxErrorOf('MATCH (n)-[r:]->(m) RETURN n').message).toMatch(/^expected a relationship type but found '\]'/);
    expect(syntaxErrorOf('RETURN').message).toMatch(/^expected DISTINCT, '\*' or an expression but found end of input/);
    expect(syntaxErrorOf('RETURN x IS NOT').message).toMatch(/^expected NULL but found end of input/);
    expect(syntaxErrorOf('MATCH (n) RETURN n ORDER n').message).toMatch(/^expected BY but found 'n'/);
    expect(syntaxErrorOf('RETURN 1; RETURN 2').message).toMatch(/^expected end of input but found 'RETURN'/);
    expect(syntaxErrorOf('').message).toBe('expected a query but found end of input at line 1, column 1');
    expect(syntaxErrorOf('  // only a comment\n').details).toMatchObject({ line: 2, column: 1 });
  });
});

describe('parser errors: TCK details raised at parse time', () => {
  it('IntegerOverflow for integers outside 64 bits, after folding a minus', () => {
    for (const text of ['9223372036854775808', '-9223372036854775809', '0x8000000000000000', '-0x8000000000000001', '0o1000000000000000000000', '-0o1000000000000000000001', '-(9223372036854775808)']) {
      expect(detailOf(`RETURN ${text} AS literal`), text).toBe('IntegerOverflow');
    }
    expect(syntaxErrorOf('RETURN 9223372036854775808').details).toMatchObject({ column: 8 });
    expect(syntaxErrorOf('RETURN -9223372036854775809').details).toMatchObject({ column: 8 });
  });

  it('InvalidNumberLiteral for malformed numbers', () => {
    for (const text of ['9223372h54775808', '0x', '0x1A2b3j4D5E6f7', '0x1A2b3c4Z5E6f7', '0o8', '12abc', '1e5x', '012', '1.5e']) {
      expect(detailOf(`RETURN ${text} AS literal`), text).toBe('InvalidNumberLiteral');
    }
  });

  it('FloatingPointOverflow for floats beyond the double range', () => {
    expect(detailOf('RETURN 1.34E999')).toBe('FloatingPointOverflow');
    expect(detailOf('RETURN -1e309')).toBe('FloatingPointOverflow');
  });

  it('InvalidUnicodeLiteral for bad \\u escapes, at the backslash', () => {
    const error = syntaxErrorOf(String.raw`RETURN '\uH'`);
    expect(error.details).toMatchObject({ detail: 'InvalidUnicodeLiteral', column: 9 });
    expect(detailOf(String.raw`RETURN '\u12'`)).toBe('InvalidUnicodeLiteral');
    expect(detailOf(String.raw`RETURN '\U00110000'`)).toBe('InvalidUnicodeLiteral');
    expect(detailOf(String.raw`RETURN 'a\qb'`)).toBe('UnexpectedSyntax');
  });

  it('InvalidUnicodeCharacter for a non-ASCII character outside strings and names, UnexpectedSyntax for ASCII', () => {
    const dash = syntaxErrorOf('RETURN 42 — 41');
    expect(dash.details).toMatchObject({ detail: 'InvalidUnicodeCharacter', column: 11 });
    expect(dash.message).toContain("did you mean '-'?");
    expect(detailOf('RETURN 9223372#54775808 AS literal')).toBe('UnexpectedSyntax');
    expect(detailOf('RETURN {k1#k: 1} AS literal')).toBe('UnexpectedSyntax');
    expect(syntaxErrorOf('RETURN a != b').message).toContain("use '<>'");
  });

  it('UnexpectedSyntax for malformed lists and maps (a number as a map key is not an InvalidNumberLiteral)', () => {
    for (const text of ['[, ]', '[[[]]', "[[','[]',']]", '{1B2c3e67:1}', '{k1.k: 1}', '{, }', '{1}', '{[]}', '{{}}', '{k: {k: {}}', "{'k': 1}"]) {
      expect(detailOf(`RETURN ${text} AS literal`), text).toBe('UnexpectedSyntax');
    }
  });

  it('InvalidRelationshipPattern for a range without * and for negative bounds', () => {
    expect(syntaxErrorOf('MATCH (a)-[:LIKES..]->(c) RETURN c').details).toMatchObject({ detail: 'InvalidRelationshipPattern', column: 18 });
    expect(detailOf('MATCH (a)-[:LIKES*-2]->(c) RETURN c')).toBe('InvalidRelationshipPattern');
    expect(detailOf('MATCH (a)-[:LIKES*1..-2]->(c) RETURN c')).toBe('InvalidRelationshipPattern');
    expect(detailOf('MATCH (a)-[*1.5]->(c) RETURN c')).toBe('InvalidRelationshipPattern');
  });

  it('InvalidClauseComposition for mixed unions and clauses out of order', () => {
    expect(syntaxErrorOf('RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a').details).toMatchObject({
      detail: 'InvalidClauseComposition',
      column: 35,
    });
    expect(detailOf('RETURN 1 AS a UNION ALL RETURN 2 AS a UNION RETURN 3 AS a')).toBe('InvalidClauseComposition');
    const after = syntaxErrorOf('CREATE (a) MATCH (b) RETURN b');
    expect(after.details).toMatchObject({ detail: 'InvalidClauseComposition', column: 12 });
    expect(after.message).toMatch(/^MATCH cannot follow CREATE directly: put a WITH between them/);
    expect(detailOf('MATCH (a) SET a.x = 1 UNWIND [1] AS x RETURN x')).toBe('InvalidClauseComposition');
    for (const text of ['MATCH (n)', 'MATCH (n) WITH n', 'UNWIND [1] AS x', 'MATCH (n) CALL db.labels() YIELD label']) {
      expect(detailOf(text), text).toBe('InvalidClauseComposition');
    }
    expect(syntaxErrorOf('MATCH (n)').message).toMatch(/^a query cannot end with MATCH/);
  });

  it('InvalidArgumentPassingMode and UnexpectedSyntax for standalone-only CALL forms used in a query', () => {
    expect(detailOf('CALL test.my.proc YIELD out RETURN out')).toBe('InvalidArgumentPassingMode');
    expect(detailOf("CALL test.my.proc('Stefan', 1) YIELD * RETURN city")).toBe('UnexpectedSyntax');
    expect(detailOf('CALL p() YIELD * UNION CALL p() YIELD *')).toBe('UnexpectedSyntax');
  });

  it('InvalidDelete for deleting a label test', () => {
    expect(syntaxErrorOf('MATCH (n) DELETE n:Person').details).toMatchObject({ detail: 'InvalidDelete', column: 18 });
    expect(detailOf('MATCH ()-[r:T]-() DELETE r:T')).toBe('InvalidDelete');
  });
});

describe('parser errors: positions and priorities', () => {
  it('reports the first problem in reading order, a bad literal only where it is read', () => {
    expect(syntaxErrorOf(String.raw`MATCH (n RETURN '\uH'`).message).toMatch(/^expected '\)' but found 'RETURN'/);
    expect(syntaxErrorOf(String.raw`RETURN '\uH', 0x`).details).toMatchObject({ detail: 'InvalidUnicodeLiteral' });
    expect(syntaxErrorOf('RETURN 1 + # 2').details).toMatchObject({ column: 12, detail: 'UnexpectedSyntax' });
  });

  it('reports unterminated strings, names, comments and bare $ at their start', () => {
    expect(syntaxErrorOf("RETURN 'abc").details).toMatchObject({ column: 8 });
    expect(syntaxErrorOf("RETURN 'abc").message).toMatch(/unterminated string/);
    expect(syntaxErrorOf('RETURN `abc').message).toMatch(/unterminated quoted name/);
    expect(syntaxErrorOf('RETURN 1 /* never closed').details).toMatchObject({ column: 10 });
    expect(syntaxErrorOf('RETURN $ + 1').message).toMatch(/parameter name after '\$'/);
  });

  it('rejects reserved words as variables unless quoted', () => {
    expect(syntaxErrorOf('RETURN 1 AS match').message).toMatch(/^expected an alias but found 'match'/);
    expect(syntaxErrorOf('MATCH (return) RETURN 1').details).toMatchObject({ column: 8 });
    expect(syntaxErrorOf('UNWIND [1] AS in RETURN 1').message).toMatch(/^expected a variable name/);
    expect(() => parse('UNWIND [1] AS `in` RETURN `in`')).not.toThrow();
  });

  it('accepts a relationship pattern only where a predicate stands', () => {
    for (const text of [
      'MATCH (n) RETURN (n)-[]->()',
      'MATCH (n) WITH (n)-[]->() AS x RETURN x',
      'MATCH (n) SET n.prop = head(nodes(head((n)-[:REL]->()))).foo',
      'MATCH (a) RETURN size((a)-->())',
      'MATCH (a) WHERE size((a)-->()) > 1 RETURN a',
      'MATCH (a) WHERE (a)-->() = true RETURN a',
    ]) {
      const error = syntaxErrorOf(text);
      expect(error.details.detail, text).toBe('UnexpectedSyntax');
      expect(error.message, text).toMatch(/can only stand as a predicate/);
    }
    expect(syntaxErrorOf('MATCH (n) RETURN (n)-[]->()').details).toMatchObject({ column: 18 });
    expect(() => parse('MATCH (a) RETURN exists((a)-->()) AS e')).not.toThrow();
    expect(() => parse('MATCH (a) WITH a WHERE NOT ((a)-->()) RETURN a')).not.toThrow();
    expect(() => parse('MATCH (a) RETURN [x IN [a] WHERE (x)-->() | x] AS l')).not.toThrow();
  });

  it('stops at a nesting depth limit instead of overflowing the stack', () => {
    for (const text of [
      `RETURN ${'('.repeat(1000)}1${')'.repeat(1000)}`,
      `RETURN ${'['.repeat(1000)}${']'.repeat(1000)}`,
      `RETURN ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}`,
      `MATCH ${'((('.repeat(300)}a${')))'.repeat(300)} RETURN 1`,
      `MATCH (n) WHERE ${'EXISTS { MATCH (m) WHERE '.repeat(500)}true${' }'.repeat(500)} RETURN n`,
      `RETURN ${'('.repeat(20000)}`,
    ]) {
      expect(syntaxErrorOf(text).message).toMatch(/nested too deeply/);
    }
    expect(() => parse(`RETURN ${'('.repeat(150)}1${')'.repeat(150)}`)).not.toThrow();
    expect(() => parse(`RETURN ${'-'.repeat(20000)}1, ${'NOT '.repeat(20000)}true`)).not.toThrow();
  });

  it('rejects schema command misuse', () => {
    expect(syntaxErrorOf('EXPLAIN SHOW INDEXES').message).toMatch(/^EXPLAIN applies to queries/);
    expect(syntaxErrorOf('CREATE INDEX FOR (n:L) ON (m.x)').message).toMatch(/^expected a property of 'n' but found 'm'/);
    expect(syntaxErrorOf('CREATE INDEX FOR ()-[r:T]-() ON (r.x)').message).toMatch(/only node indexes/);
    expect(syntaxErrorOf('CREATE CONSTRAINT c FOR (n:L) REQUIRE n.x IS NOT NULL').message).toMatch(/only IS UNIQUE/);
    expect(syntaxErrorOf('DROP TABLE t').message).toMatch(/^expected INDEX or CONSTRAINT but found 'TABLE'/);
    expect(syntaxErrorOf('SHOW TABLES').message).toMatch(/^expected INDEXES but found 'TABLES'/);
  });
});

describe('parser: semantic errors are left to the binder', () => {
  it('parses grammatical queries that the binder must reject', () => {
    for (const text of [
      'CREATE ()-->()',
      'CREATE (a)-[:FOO]-(b)',
      'CREATE (a)<-[:FOO]->(b)',
      'CREATE ()-[:A|:B]->()',
      'CREATE ()-[:FOO*2]->()',
      'MERGE (n $param) RETURN n',
      'MATCH (n $param) RETURN n',
      'MATCH (n) RETURN n SKIP -1',
      'MATCH (n) RETURN n LIMIT -1',
      'MATCH () RETURN foo',
      'RETURN count(count(*))',
      'RETURN 1 AS a, 2 AS a',
      'MATCH (a) WITH a, count(*) RETURN a',
      'RETURN 1 AS a UNION RETURN 2 AS b',
      "MATCH (n) WHERE exists { MATCH (n)-->(m) SET m.prop = 'fail' } RETURN n",
      'MATCH (n) WHERE (n) RETURN n',
      'RETURN NOT 1',
      'MATCH () DELETE 1 + 1',
    ]) {
      expect(() => parse(text), text).not.toThrow();
    }
  });
});
