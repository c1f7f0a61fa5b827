// The binder on its own: slots, scoping, and the semantic errors with their TCK detail and
// the position of the offending token (line, column, excerpt).

import { describe, expect, it } from 'vitest';
import { bind, EMPTY_CATALOG, type BoundQueryStatement, type BoundStatement } from '../../../src/cypher/binder/index.js';
import { parse } from '../../../src/cypher/parser/index.js';
import { SemanticError } from '../../../src/errors.js';

function bound(text: string): BoundStatement {
  return bind(parse(text), EMPTY_CATALOG);
}

function failure(text: string): SemanticError {
  try {
    bound(text);
  } catch (error) {
    if (error instanceof SemanticError) return error;
    throw error;
  }
  throw new Error(`expected a semantic error for: ${text}`);
}

describe('binding', () => {
  it('gives every binding site its own slot and passes variables through WITH', () => {
    const statement = bound('MATCH (a)-[r]->(b) WITH a, b.x AS x RETURN a, x') as BoundQueryStatement;
    const [match, withClause, ret] = statement.parts[0]!.clauses;
    expect(match!.kind).toBe('Match');
    if (match!.kind !== 'Match' || withClause!.kind !== 'Projection' || ret!.kind !== 'Projection') throw new Error('shape');
    const [aSlot, , bSlot] = [match.parts[0]!.nodes[0]!.slot, match.parts[0]!.relationships[0]!.slot, match.parts[0]!.nodes[1]!.slot];
    expect(withClause.items[0]).toMatchObject({ name: 'a', slot: aSlot, passThrough: true });
    expect(withClause.items[1]!.slot).not.toBe(bSlot);
    expect(statement.columns).toEqual(['a', 'x']);
    expect(statement.isWrite).toBe(false);
  });

  it('records parameters and whether the statement writes', () => {
    const statement = bound('MATCH (n {id: $id}) SET n.x = $x') as BoundQueryStatement;
    expect([...statement.parameters].sort()).toEqual(['id', 'x']);
    expect(statement.isWrite).toBe(true);
  });

  it('separates grouping keys from aggregates', () => {
    const statement = bound('MATCH (n) RETURN n.kind AS kind, count(*) AS c, max(n.x) + 1 AS m') as BoundQueryStatement;
    const ret = statement.parts[0]!.clauses[1]!;
    if (ret.kind !== 'Projection') throw new Error('shape');
    expect(ret.aggregation!.groups).toHaveLength(1);
    expect(ret.aggregation!.aggregates.map((a) => a.name)).toEqual(['count*', 'max']);
  });
});

describe('semantic errors', () => {
  const cases: [string, string, string, number, number][] = [
    ['MATCH (a) RETURN b', 'SEMANTIC_UNDEFINED_VARIABLE', 'UndefinedVariable', 1, 18],
    ['MATCH (a)-[a]->() RETURN a', 'SEMANTIC_VARIABLE_TYPE_CONFLICT', 'VariableTypeConflict', 1, 12],
    ['MATCH (a) MATCH p = (a)-->(b) MATCH p = (b)-->() RETURN p', 'SEMANTIC_VARIABLE_ALREADY_BOUND', 'VariableAlreadyBound', 1, 37],
    ['MATCH (n) WHERE count(n) > 1 RETURN n', 'SEMANTIC_INVALID_AGGREGATION', 'InvalidAggregation', 1, 17],
    ['RETURN count(count(1))', 'SEMANTIC_INVALID_AGGREGATION', 'NestedAggregation', 1, 14],
    ['MATCH (n) RETURN n.x + count(*)', 'SEMANTIC_INVALID_AGGREGATION', 'AmbiguousAggregationExpression', 1, 18],
    ['RETURN 1 AS a, 2 AS a', 'SEMANTIC_COLUMN_NAME_CONFLICT', 'ColumnNameConflict', 1, 16],
    ['RETURN nosuch(1)', 'SEMANTIC_UNKNOWN_FUNCTION', 'UnknownFunction', 1, 8],
    ['RETURN toUpper(1)', 'SEMANTIC_INVALID_ARGUMENT_TYPE', 'InvalidArgumentType', 1, 8],
    ['CREATE (a)-[:R|S]->(b)', 'SEMANTIC_OTHER', 'NoSingleRelationshipType', 1, 11],
    ['CREATE (a)-[:R]-(b)', 'SEMANTIC_OTHER', 'RequiresDirectedRelationship', 1, 11],
    ['MATCH (n) RETURN n SKIP -1', 'SEMANTIC_OTHER', 'NegativeIntegerArgument', 1, 25],
    ['MATCH (n) RETURN n LIMIT n.x', 'SEMANTIC_OTHER', 'NonConstantExpression', 1, 26],
    ['MATCH (n $p) RETURN n', 'SEMANTIC_OTHER', 'InvalidParameterUse', 1, 10],
    ['RETURN 1 AS x UNION RETURN 2 AS y', 'SEMANTIC_OTHER', 'DifferentColumnsInUnion', 1, 21],
    ['CALL no.such.proc()', 'SEMANTIC_OTHER', 'ProcedureNotFound', 1, 6],
  ];
  for (const [text, code, detail, line, column] of cases) {
    it(`${detail}: ${text}`, () => {
      const error = failure(text);
      expect(error.code).toBe(code);
      expect(error.details.detail).toBe(detail);
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.message).toMatch(new RegExp(`at line ${line}, column ${column}$`));
      const excerpt = String(error.details.excerpt).split('\n');
      expect(excerpt[0]).toBe(text);
      expect(excerpt[1]!.indexOf('^')).toBe(column - 1);
    });
  }

  it('reports the position on later lines too', () => {
    const error = failure('MATCH (a)\nWITH a\nRETURN a, missing');
    expect([error.line, error.column]).toEqual([3, 11]);
    expect(String(error.details.excerpt).split('\n')[0]).toBe('RETURN a, missing');
  });
});
