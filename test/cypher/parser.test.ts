// Unit tests of the openCypher parser: AST shape per construct, precedence, literals, spans.
// Error behaviour is in parser-errors.test.ts; the TCK corpus in parser-tck.test.ts.

import { describe, expect, it } from 'vitest';
import {
  columnName,
  findAll,
  isExpression,
  opensScope,
  parse,
  walk,
  type AstNode,
  type Clause,
  type Expression,
  type Query,
  type SchemaCommand,
  type Statement,
  type Variable,
} from '../../src/cypher/parser/index.js';
import { checkSpans, render } from './parser-support.js';

function query(text: string): Query {
  const statement = parse(text);
  if (statement.body.kind !== 'Query') throw new Error(`not a query: ${statement.body.kind}`);
  expect(checkSpans(statement)).toBeNull();
  return statement.body;
}

function clauses(text: string): readonly Clause[] {
  return query(text).parts[0]!.clauses;
}

function clause<K extends Clause['kind']>(text: string, kind: K, index = 0): Extract<Clause, { kind: K }> {
  const found = clauses(text).filter((c) => c.kind === kind)[index];
  if (found === undefined) throw new Error(`no ${kind} clause in ${text}`);
  return found as Extract<Clause, { kind: K }>;
}

/** The expression of `RETURN <text>`. */
function expr(text: string): Expression {
  return clause(`RETURN ${text}`, 'Return').projection.items[0]!.expression;
}

function shape(text: string): string {
  return render(expr(text));
}

function schema(text: string): SchemaCommand {
  const statement = parse(text);
  if (statement.body.kind === 'Query') throw new Error('not a schema command');
  return statement.body;
}

describe('parser: literals', () => {
  it('reads decimal, hexadecimal and octal integers as bigint and keeps their text', () => {
    expect(expr('42')).toMatchObject({ kind: 'IntegerLiteral', value: 42n, text: '42' });
    expect(expr('0')).toMatchObject({ kind: 'IntegerLiteral', value: 0n });
    expect(expr('0x1A2b3c4D5E6f7')).toMatchObject({ kind: 'IntegerLiteral', value: 0x1a2b3c4d5e6f7n, text: '0x1A2b3c4D5E6f7' });
    expect(expr('0o2613152366')).toMatchObject({ kind: 'IntegerLiteral', value: 0o2613152366n });
    expect(expr('-0o1000000000000000000000')).toMatchObject({ value: -(2n ** 63n) });
  });

  it('accepts the full 64-bit range, folding a leading minus into the literal', () => {
    expect(expr('9223372036854775807')).toMatchObject({ kind: 'IntegerLiteral', value: 2n ** 63n - 1n });
    const min = expr('-9223372036854775808');
    expect(min).toMatchObject({ kind: 'IntegerLiteral', value: -(2n ** 63n), text: '-9223372036854775808' });
    expect(min.span.start.column).toBe(8);
    expect(expr('-0x8000000000000000')).toMatchObject({ kind: 'IntegerLiteral', value: -(2n ** 63n) });
    // Only a minus written right before the number folds: here the operand is in parentheses.
    expect(expr('-(1)')).toMatchObject({ kind: 'Unary', operator: '-', operand: { kind: 'IntegerLiteral', value: 1n } });
    expect(shape('--1')).toBe('(-u -1)');
    expect(shape('+1')).toBe('(+u 1)');
  });

  it('reads floats in every openCypher form as numbers', () => {
    expect(expr('1.5')).toMatchObject({ kind: 'FloatLiteral', value: 1.5 });
    expect(expr('.5')).toMatchObject({ kind: 'FloatLiteral', value: 0.5, text: '.5' });
    expect(expr('1e10')).toMatchObject({ kind: 'FloatLiteral', value: 1e10 });
    expect(expr('2E-01')).toMatchObject({ kind: 'FloatLiteral', value: 0.2 });
    expect(expr('1.5e+3')).toMatchObject({ kind: 'FloatLiteral', value: 1500 });
    expect(expr('-.1e-5')).toMatchObject({ kind: 'FloatLiteral', value: -1e-6, text: '-.1e-5' });
    expect(Object.is((expr('-.0') as { value: number }).value, -0)).toBe(true);
    expect(expr('123456789e300')).toMatchObject({ kind: 'FloatLiteral', value: 1.23456789e308 });
    // `1.` is not a float: it is 1 followed by a property lookup.
    expect(() => parse('RETURN 1.')).toThrow(/expected a property key/);
  });

  it('unescapes single- and double-quoted strings', () => {
    expect(expr(`'it''s'`.replace("''", "\\'"))).toMatchObject({ kind: 'StringLiteral', value: "it's" });
    expect(expr('"say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
    expect(expr(String.raw`'\\ \' \" \b \f \n \r \t'`)).toMatchObject({ value: '\\ \' " \b \f \n \r \t' });
    expect(expr(String.raw`'\N\T'`)).toMatchObject({ value: '\n\t' });
    expect(expr(String.raw`'\u01FF\U0001F600'`)).toMatchObject({ value: '\u01ff\u{1f600}' });
    expect(expr(String.raw`'\uD83D\uDE00'`)).toMatchObject({ value: '😀' });
    expect(expr(`'🧐🍌❖⋙⚐'`)).toMatchObject({ value: '🧐🍌❖⋙⚐' });
    expect(expr(`'a // not a comment /* nor this */'`)).toMatchObject({ value: 'a // not a comment /* nor this */' });
    expect(expr("'line1\nline2'")).toMatchObject({ value: 'line1\nline2' });
  });

  it('reads booleans, null, lists, maps and parameters', () => {
    expect(expr('TRUE')).toMatchObject({ kind: 'BooleanLiteral', value: true });
    expect(expr('false')).toMatchObject({ kind: 'BooleanLiteral', value: false });
    expect(expr('Null')).toMatchObject({ kind: 'NullLiteral' });
    expect(shape('[1, [2, 3], []]')).toBe('[1, [2, 3], []]');
    expect(shape("{a: 1, b: {c: 'x'}, `d e`: [], ``: null}")).toBe('{a: 1, b: {c: "x"}, d e: [], : null}');
    expect(shape('$name + $0 + $`odd name`')).toBe('(+ (+ $name $0) $odd name)');
  });

  it('allows keywords as map keys and property keys', () => {
    expect(shape('{match: 1, return: 2, true: 3, exists: 4, null: 5}')).toBe('{match: 1, return: 2, true: 3, exists: 4, null: 5}');
    expect(shape('n.exists')).toBe('n.exists');
    expect(shape('n.`weird key`.RETURN')).toBe('n.weird key.RETURN');
  });

  it('treats NaN and Infinity as identifiers, not literals', () => {
    expect(expr('NaN')).toMatchObject({ kind: 'Variable', name: 'NaN' });
    expect(expr('Infinity')).toMatchObject({ kind: 'Variable', name: 'Infinity' });
  });
});

describe('parser: operator precedence', () => {
  it('orders OR < XOR < AND < NOT < comparison', () => {
    expect(shape('a OR b XOR c AND NOT d')).toBe('(OR a (XOR b (AND c (not d))))');
    expect(shape('NOT a AND b')).toBe('(AND (not a) b)');
    expect(shape('NOT NOT a = b')).toBe('(not (not (cmp a = b)))');
    expect(shape('a OR b OR c')).toBe('(OR (OR a b) c)');
  });

  it('keeps a comparison chain as one node meaning a pairwise AND', () => {
    expect(shape('a < b <= c')).toBe('(cmp a < b <= c)');
    expect(shape('a = b')).toBe('(cmp a = b)');
    expect(shape('n.prop1 < m.prop1 = n.prop2 <> m.prop2')).toBe('(cmp n.prop1 < m.prop1 = n.prop2 <> m.prop2)');
    const chain = expr('1 < x < 3');
    expect(chain).toMatchObject({ kind: 'Comparison', operators: ['<', '<'] });
    expect(chain.kind === 'Comparison' && chain.operands.length).toBe(3);
  });

  it('binds string, list and null predicates tighter than comparison', () => {
    expect(shape('false = true IS NULL')).toBe('(cmp false = (is-null true))');
    expect(shape('NOT false IS NULL')).toBe('(not (is-null false))');
    expect(shape('a IS NOT NULL AND b')).toBe('(AND (is-not-null a) b)');
    expect(shape('a = b IN c')).toBe('(cmp a = (in b c))');
    expect(shape('[1]+2 IN [3]+4')).toBe('(in (+ [1] 2) (+ [3] 4))');
    expect(shape("'abc' STARTS WITH null OR true")).toBe('(OR (STARTS WITH "abc" null) true)');
    expect(shape("a ENDS WITH 'x' CONTAINS 'y'")).toBe('(CONTAINS (ENDS WITH a "x") "y")');
    expect(shape("a =~ 'x.*' = b")).toBe('(cmp (=~ a "x.*") = b)');
    expect(shape('null IS NOT NULL = null IS NULL')).toBe('(cmp (is-not-null null) = (is-null null))');
  });

  it('orders + - below * / % below ^, all left-associative', () => {
    expect(shape('4 * 2 + 3 * 2')).toBe('(+ (* 4 2) (* 3 2))');
    expect(shape('4 - 2 - 1')).toBe('(- (- 4 2) 1)');
    expect(shape('4 / 2 % 3')).toBe('(% (/ 4 2) 3)');
    expect(shape('4 ^ 3 * 2 ^ 3')).toBe('(* (^ 4 3) (^ 2 3))');
    expect(shape('2 ^ 3 ^ 2')).toBe('(^ (^ 2 3) 2)');
  });

  it('binds unary minus tighter than ^ and looser than postfix operators', () => {
    expect(shape('-3 ^ 2')).toBe('(^ -3 2)');
    expect(shape('-x ^ 2')).toBe('(^ (-u x) 2)');
    expect(shape('-(3 ^ 2)')).toBe('(-u (^ 3 2))');
    expect(shape('-n.x')).toBe('(-u n.x)');
    expect(shape('-[1][0]')).toBe('(-u [1][0])');
    expect(shape('a-1')).toBe('(- a 1)');
    expect(shape('a<-1')).toBe('(cmp a < -1)');
  });

  it('reads property, index, slice and label postfixes left to right', () => {
    expect(shape('n.a.b[0][1..][..2][1..3]')).toBe('n.a.b[0][1.._][_..2][1..3]');
    expect(shape('[5, 6, 7][1..3] + x')).toBe('(+ [5, 6, 7][1..3] x)');
    expect(shape('n:A:B')).toBe('n:A:B');
    expect(shape('n:A AND m:B')).toBe('(AND n:A m:B)');
    expect(shape('(n).x')).toBe('n.x');
    expect(shape('{a: 1}.a')).toBe('{a: 1}.a');
  });

  it('ignores parentheses in the tree but keeps them in the enclosing spans', () => {
    const e = expr('(1 + 2) * 3');
    expect(render(e)).toBe('(* (+ 1 2) 3)');
    expect(e.span.start.offset).toBe(7);
    if (e.kind !== 'Binary') throw new Error('binary expected');
    expect(e.left.span.start.offset).toBe(8);
  });
});

describe('parser: spans and positions', () => {
  it('gives 1-based lines and columns and UTF-16 offsets', () => {
    const text = 'MATCH (n)\nWHERE n.x = 1\r\nRETURN n.x AS x';
    const match = clause(text, 'Match');
    expect(match.where!.span).toEqual({
      start: { offset: 16, line: 2, column: 7 },
      end: { offset: 23, line: 2, column: 14 },
    });
    const ret = clause(text, 'Return');
    expect(ret.span.start).toEqual({ offset: 25, line: 3, column: 1 });
    expect(ret.span.end).toEqual({ offset: text.length, line: 3, column: 16 });
  });

  it('counts columns in UTF-16 code units (an emoji takes two)', () => {
    const item = clause("RETURN '😀', x", 'Return').projection.items[1]!;
    expect(item.expression.span.start).toEqual({ offset: 13, line: 1, column: 14 });
  });

  it('covers the whole statement without a trailing semicolon', () => {
    const statement = parse('  RETURN 1 ;  ');
    expect(statement.span.start.offset).toBe(2);
    expect(statement.span.end.offset).toBe(10);
    expect(statement.source).toBe('  RETURN 1 ;  ');
  });

  it('keeps the text of each projection item exactly as written', () => {
    const ret = clause('MATCH (a) RETURN count(DISTINCT a.name), a.name, a.num + 1 AS x, (a.x),  a.y  // c\n', 'Return');
    expect(ret.projection.items.map((i) => i.text)).toEqual(['count(DISTINCT a.name)', 'a.name', 'a.num + 1', '(a.x)', 'a.y']);
    expect(ret.projection.items.map(columnName)).toEqual(['count(DISTINCT a.name)', 'a.name', 'x', '(a.x)', 'a.y']);
    const multiline = clause('RETURN 1 +\n  2', 'Return').projection.items[0]!;
    expect(multiline.text).toBe('1 +\n  2');
  });
});

describe('parser: clauses', () => {
  it('reads MATCH and OPTIONAL MATCH with WHERE', () => {
    const [match, optional] = clauses('MATCH (a), (b) WHERE a.x = b.x OPTIONAL MATCH (a)-->(c) RETURN c');
    expect(match).toMatchObject({ kind: 'Match', optional: false, pattern: [{ kind: 'PatternPart' }, { kind: 'PatternPart' }] });
    expect(render((match as { where: Expression }).where)).toBe('(cmp a.x = b.x)');
    expect(optional).toMatchObject({ kind: 'Match', optional: true, where: null });
  });

  it('reads UNWIND ... AS', () => {
    const unwind = clause('UNWIND [1, 2] AS x RETURN x', 'Unwind');
    expect(render(unwind.expression)).toBe('[1, 2]');
    expect(unwind.variable.name).toBe('x');
  });

  it('reads WITH and RETURN projections with DISTINCT, *, ORDER BY, SKIP, LIMIT and WHERE', () => {
    const text = 'MATCH (n) WITH DISTINCT *, n.x AS x ORDER BY x DESC, n.y ASCENDING, n.z SKIP 1 LIMIT $l WHERE x > 1 RETURN x';
    const withClause = clause(text, 'With');
    expect(withClause.projection).toMatchObject({ distinct: true, star: true, items: [{ alias: { name: 'x' } }] });
    expect(withClause.projection.orderBy!.map((s) => [render(s.expression), s.descending])).toEqual([
      ['x', true],
      ['n.y', false],
      ['n.z', false],
    ]);
    expect(render(withClause.projection.skip)).toBe('1');
    expect(render(withClause.projection.limit)).toBe('$l');
    expect(render(withClause.where)).toBe('(cmp x > 1)');
    const ret = clause('MATCH (n) RETURN * ORDER BY n.x DESCENDING LIMIT 3', 'Return');
    expect(ret.projection).toMatchObject({ star: true, items: [], distinct: false, skip: null });
  });

  it('reads CREATE with several parts and MERGE with repeated ON CREATE / ON MATCH SET', () => {
    expect(clause('CREATE (a:A {x: 1}), (a)-[:T]->(b)', 'Create').pattern).toHaveLength(2);
    const merge = clause('MERGE (n:N {k: 1}) ON CREATE SET n.c = 1 ON MATCH SET n.m = 1, n.k = 2 ON CREATE SET n:New', 'Merge');
    expect(merge.actions.map((a) => [a.on, a.items.length])).toEqual([
      ['create', 1],
      ['match', 2],
      ['create', 1],
    ]);
  });

  it('reads every SET item form', () => {
    const set = clause('MATCH (n) SET n.p = 1, n = {a: 1}, n += {b: 2}, n:A:B, (n).q = 2, n.a.b = 3', 'Set');
    expect(set.items.map((i) => i.kind)).toEqual(['SetProperty', 'SetAllProperties', 'SetAllProperties', 'SetLabels', 'SetProperty', 'SetProperty']);
    expect(set.items[1]).toMatchObject({ mode: 'replace', variable: { name: 'n' } });
    expect(set.items[2]).toMatchObject({ mode: 'merge' });
    expect(set.items[3]).toMatchObject({ labels: [{ name: 'A' }, { name: 'B' }] });
    expect(set.items[4]).toMatchObject({ property: { object: { kind: 'Variable', name: 'n' }, key: { name: 'q' } } });
  });

  it('reads REMOVE, DELETE and DETACH DELETE', () => {
    const remove = clause('MATCH (n) REMOVE n.p, n:A:B', 'Remove');
    expect(remove.items).toMatchObject([{ kind: 'RemoveProperty', property: { key: { name: 'p' } } }, { kind: 'RemoveLabels', labels: [{ name: 'A' }, { name: 'B' }] }]);
    expect(clause('MATCH (n), (m) DELETE n, m', 'Delete')).toMatchObject({ detach: false, expressions: [{ name: 'n' }, { name: 'm' }] });
    expect(clause('MATCH p = ()-->() DETACH DELETE nodes(p)[0]', 'Delete')).toMatchObject({ detach: true });
  });

  it('reads CALL in its standalone and in-query forms', () => {
    expect(clause('CALL db.labels()', 'Call')).toMatchObject({
      procedure: { namespace: ['db'], name: 'labels' },
      arguments: [],
      yield: null,
      standalone: true,
    });
    expect(clause('CALL test.doNothing', 'Call')).toMatchObject({ arguments: null, standalone: true });
    expect(clause('CALL test.my.proc(1, 2) YIELD *', 'Call')).toMatchObject({
      procedure: { namespace: ['test', 'my'], name: 'proc' },
      yield: { star: true, items: [] },
    });
    const inQuery = clause('MATCH (n) CALL x.y(n) YIELD a, b AS c WHERE c > 1 RETURN a, c', 'Call');
    expect(inQuery.standalone).toBe(false);
    expect(inQuery.yield!.items.map((i) => [i.field.name, i.alias?.name ?? null])).toEqual([
      ['a', null],
      ['b', 'c'],
    ]);
    expect(render(inQuery.yield!.where)).toBe('(cmp c > 1)');
    expect(clause('MATCH (n) CALL test.doNothing() RETURN n', 'Call').standalone).toBe(false);
  });

  it('reads FOREACH with nested updating clauses', () => {
    const foreach = clause('MATCH p = ()-->() FOREACH (n IN nodes(p) | SET n.marked = true FOREACH (m IN [1] | CREATE (:X)))', 'Foreach');
    expect(foreach.variable.name).toBe('n');
    expect(foreach.clauses.map((c) => c.kind)).toEqual(['Set', 'Foreach']);
  });

  it('reads UNION and UNION ALL', () => {
    expect(query('RETURN 1 AS x UNION RETURN 2 AS x UNION RETURN 3 AS x')).toMatchObject({ unionAll: false, parts: [{}, {}, {}] });
    expect(query('RETURN 1 AS x UNION ALL RETURN 2 AS x')).toMatchObject({ unionAll: true });
    expect(query('RETURN 1 AS x')).toMatchObject({ unionAll: false, parts: [{}] });
  });

  it('accepts EXPLAIN / PROFILE, a trailing semicolon, comments and any keyword case', () => {
    expect(parse('EXPLAIN MATCH (n) RETURN n').mode).toBe('explain');
    expect(parse('profile RETURN 1;').mode).toBe('profile');
    expect(parse('RETURN 1').mode).toBeNull();
    const text = '// leading\nmatch (n) /* inline */ where n.x = 1 Return n // trailing';
    expect(clauses(text).map((c) => c.kind)).toEqual(['Match', 'Return']);
    expect(clauses('oPtIoNaL mAtCh (n) rEtUrN DiStInCt n').map((c) => c.kind)).toEqual(['Match', 'Return']);
  });

  it('lets a WITH end an updating part before reading again', () => {
    expect(clauses('CREATE (a) WITH a MATCH (b) RETURN b').map((c) => c.kind)).toEqual(['Create', 'With', 'Match', 'Return']);
    expect(clauses('MATCH (a) DELETE a MERGE (b) RETURN b').map((c) => c.kind)).toEqual(['Match', 'Delete', 'Merge', 'Return']);
    expect(clauses('CREATE (a)').map((c) => c.kind)).toEqual(['Create']);
  });
});

describe('parser: patterns', () => {
  const path = (text: string) => clause(`MATCH ${text} RETURN 1`, 'Match').pattern[0]!;

  it('reads node patterns with variables, labels and property maps or parameters', () => {
    expect(path('()').path.nodes[0]).toMatchObject({ variable: null, labels: [], properties: null });
    expect(path('(n:A:B {k: 1, match: 2})').path.nodes[0]).toMatchObject({
      variable: { name: 'n' },
      labels: [{ name: 'A' }, { name: 'B' }],
      properties: { kind: 'MapLiteral', entries: [{ key: { name: 'k' } }, { key: { name: 'match' } }] },
    });
    expect(path('(n $props)').path.nodes[0]).toMatchObject({ properties: { kind: 'Parameter', name: 'props' } });
    expect(path('(me: Person)').path.nodes[0]).toMatchObject({ labels: [{ name: 'Person' }] });
    expect(path('(:Match:`My Label`)').path.nodes[0]).toMatchObject({ labels: [{ name: 'Match' }, { name: 'My Label' }] });
  });

  it('reads relationship directions, including <-->', () => {
    const directions = path('(a)-->(b)<--(c)--(d)<-->(e)-[r]->(f)<-[s]-(g)-[t]-(h)<-[u]->(i)').path.relationships.map((r) => r.direction);
    expect(directions).toEqual(['outgoing', 'incoming', 'undirected', 'both', 'outgoing', 'incoming', 'undirected', 'both']);
  });

  it('reads relationship types, variable lengths and properties', () => {
    const rel = (text: string) => path(`(a)${text}(b)`).path.relationships[0]!;
    expect(rel('-[r:T|U|:V*1..3 {k: 1}]->')).toMatchObject({
      variable: { name: 'r' },
      types: [{ name: 'T' }, { name: 'U' }, { name: 'V' }],
      length: { min: 1, max: 3 },
      properties: { kind: 'MapLiteral' },
    });
    expect(rel('-[*]-').length).toMatchObject({ min: null, max: null });
    expect(rel('-[*2]-').length).toMatchObject({ min: 2, max: 2 });
    expect(rel('-[*..3]-').length).toMatchObject({ min: null, max: 3 });
    expect(rel('-[*2..]-').length).toMatchObject({ min: 2, max: null });
    expect(rel('-[:T*0..0]-').length).toMatchObject({ min: 0, max: 0 });
    expect(rel('-[]-')).toMatchObject({ variable: null, types: [], length: null, properties: null });
    expect(rel('-[r $p]->').properties).toMatchObject({ kind: 'Parameter', name: 'p' });
  });

  it('reads named paths, shortestPath, allShortestPaths and parenthesised paths', () => {
    expect(path('p = (a)-->(b)')).toMatchObject({ variable: { name: 'p' }, shortest: null });
    expect(path('p = shortestPath((a)-[*]-(b))')).toMatchObject({ variable: { name: 'p' }, shortest: 'shortest' });
    expect(path('allShortestPaths((a)-[*]-(b))')).toMatchObject({ variable: null, shortest: 'allShortest' });
    expect(path('((a)-->(b))').path.relationships).toHaveLength(1);
  });

  it('keeps the node/relationship alternation invariant', () => {
    const chain = path('(a)-->(b)<--(c)-[*]-(d)').path;
    expect(chain.nodes).toHaveLength(chain.relationships.length + 1);
  });
});

describe('parser: expression forms', () => {
  it('reads function calls with namespaces, DISTINCT and count(*)', () => {
    expect(shape('count(*)')).toBe('count(*)');
    expect(shape('COUNT( * )')).toBe('count(*)');
    expect(shape('count(DISTINCT a.name)')).toBe('count(DISTINCT a.name)');
    expect(shape('a.b.c(x, 1)')).toBe('a.b.c(x, 1)');
    expect(expr('db.fn()')).toMatchObject({ kind: 'FunctionCall', name: { namespace: ['db'], name: 'fn' }, arguments: [] });
    expect(shape('`toUpper`(x)')).toBe('toUpper(x)');
    expect(shape('a.b.c')).toBe('a.b.c');
  });

  it('reads simple and generic CASE', () => {
    expect(shape('CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END')).toBe('(case _ [a 1] [b 2] 3)');
    expect(shape('CASE x WHEN 1 THEN "one" END')).toBe('(case x [1 "one"] _)');
  });

  it('reads list comprehensions, quantifiers and reduce', () => {
    expect(shape('[x IN l WHERE x > 1 | x * 2]')).toBe('(list x l (cmp x > 1) (* x 2))');
    expect(shape('[x IN l WHERE x]')).toBe('(list x l x _)');
    expect(shape('[x IN l | x]')).toBe('(list x l _ x)');
    expect(shape('[x IN range(1, 3)]')).toBe('(list x range(1, 3) _ _)');
    for (const q of ['all', 'any', 'none', 'single']) expect(shape(`${q}(x IN l WHERE x.a)`)).toBe(`(${q} x l x.a)`);
    expect(shape('reduce(acc = 0, x IN [1, 2] | acc + x)')).toBe('(reduce acc 0 x [1, 2] (+ acc x))');
  });

  it('reads pattern comprehensions, with and without a path variable', () => {
    expect(expr('[(a)-[:T]->(b) WHERE b.x > 1 | b.name]')).toMatchObject({
      kind: 'PatternComprehension',
      variable: null,
      pattern: { nodes: [{}, {}], relationships: [{ types: [{ name: 'T' }] }] },
      where: { kind: 'Comparison' },
      projection: { kind: 'PropertyAccess' },
    });
    expect(expr('[p = (n)-->() | p]')).toMatchObject({ kind: 'PatternComprehension', variable: { name: 'p' }, where: null });
    // A list whose first element is a comparison against a parenthesised value is still a list.
    expect(shape('[a = (b), (c)]')).toBe('[(cmp a = b), c]');
  });

  it('reads EXISTS subqueries in both forms and exists()', () => {
    const patternForm = expr('exists { (n)-->(m) WHERE n.x = m.x }');
    expect(patternForm).toMatchObject({ kind: 'ExistsSubquery', form: 'pattern' });
    if (patternForm.kind !== 'ExistsSubquery') throw new Error('exists');
    expect(patternForm.query.parts[0]!.clauses[0]).toMatchObject({ kind: 'Match', where: { kind: 'Comparison' } });
    const queryForm = expr('EXISTS { MATCH (n)-->(m) WITH n, count(*) AS c WHERE c = 3 RETURN true }');
    expect(queryForm).toMatchObject({ kind: 'ExistsSubquery', form: 'query' });
    expect(expr('EXISTS { MATCH (n) }')).toMatchObject({ form: 'query' });
    expect(shape('exists(n.prop)')).toBe('exists(n.prop)');
    expect(expr('exists((n)-->())')).toMatchObject({ kind: 'FunctionCall', arguments: [{ kind: 'PatternPredicate' }] });
  });

  it('reads pattern predicates in WHERE, through AND / OR / XOR / NOT', () => {
    const where = clause('MATCH (n) WHERE (n)-[:A]->() AND NOT (n)<-[:B]-(:X) OR (n)--() XOR false RETURN n', 'Match').where!;
    const predicates = findAll(where, (node): node is Extract<AstNode, { kind: 'PatternPredicate' }> => node.kind === 'PatternPredicate');
    expect(predicates).toHaveLength(3);
    expect(predicates[1]!.pattern.relationships[0]!.direction).toBe('incoming');
    expect(clause('MATCH (n) WHERE (n) RETURN n', 'Match').where).toMatchObject({ kind: 'Variable', name: 'n' });
    expect(clause('MATCH (n) WHERE (n:A) RETURN n', 'Match').where).toMatchObject({ kind: 'LabelTest' });
    expect(shape('[x IN l WHERE (x)-->()]')).toBe('(list x l PatternPredicate _)');
    expect(shape('(a) - (b)')).toBe('(- a b)');
  });

  it('reads map projections', () => {
    expect(expr('n {.name, .*, age: n.x + 1, other, .`odd key`}')).toMatchObject({
      kind: 'MapProjection',
      subject: { name: 'n' },
      items: [
        { kind: 'PropertySelector', key: { name: 'name' } },
        { kind: 'AllPropertiesSelector' },
        { kind: 'LiteralEntry', key: { name: 'age' }, value: { kind: 'Binary' } },
        { kind: 'VariableSelector', variable: { name: 'other' } },
        { kind: 'PropertySelector', key: { name: 'odd key' } },
      ],
    });
    expect(expr('n {}')).toMatchObject({ kind: 'MapProjection', items: [] });
  });

  it('accepts backtick-quoted identifiers with `` escapes and Unicode letters', () => {
    expect(expr('`a``b`')).toMatchObject({ kind: 'Variable', name: 'a`b' });
    expect(expr('`RETURN`')).toMatchObject({ kind: 'Variable', name: 'RETURN' });
    expect(expr('ñandú_1')).toMatchObject({ kind: 'Variable', name: 'ñandú_1' });
    expect(expr('名前')).toMatchObject({ kind: 'Variable', name: '名前' });
  });

  it('allows non-reserved words as variables', () => {
    expect(clause('MATCH (a) WITH a.count AS count RETURN count', 'Return').projection.items[0]!.expression).toMatchObject({
      kind: 'Variable',
      name: 'count',
    });
    for (const word of ['type', 'any', 'none', 'single', 'index', 'exists_', 'shortestPath', 'reduce', 'date']) {
      expect(clause(`UNWIND [1] AS ${word} RETURN ${word}`, 'Unwind').variable.name).toBe(word);
    }
  });
});

describe('parser: schema commands', () => {
  it('reads CREATE INDEX in the FOR ... ON and the old ON :Label(prop) forms', () => {
    expect(schema('CREATE INDEX FOR (n:Person) ON (n.name)')).toMatchObject({
      kind: 'CreateIndex',
      name: null,
      unique: false,
      ifNotExists: false,
      syntax: 'index',
      label: { name: 'Person' },
      properties: [{ name: 'name' }],
    });
    expect(schema('CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.first, p.last)')).toMatchObject({
      name: { name: 'person_name' },
      ifNotExists: true,
      properties: [{ name: 'first' }, { name: 'last' }],
    });
    expect(schema('CREATE INDEX IF NOT EXISTS FOR (p:P) ON (p.x)')).toMatchObject({ name: null, ifNotExists: true });
    expect(schema('create index on :Person(name);')).toMatchObject({ kind: 'CreateIndex', label: { name: 'Person' }, properties: [{ name: 'name' }] });
  });

  it('reads unique indexes and uniqueness constraints as unique CreateIndex nodes', () => {
    expect(schema('CREATE UNIQUE INDEX u FOR (n:User) ON (n.email)')).toMatchObject({ unique: true, syntax: 'index', name: { name: 'u' } });
    expect(schema('CREATE CONSTRAINT c IF NOT EXISTS FOR (n:User) REQUIRE n.email IS UNIQUE')).toMatchObject({
      kind: 'CreateIndex',
      unique: true,
      syntax: 'constraint',
      ifNotExists: true,
      label: { name: 'User' },
      properties: [{ name: 'email' }],
    });
    expect(schema('CREATE CONSTRAINT FOR (n:U) REQUIRE (n.a, n.b) IS UNIQUE')).toMatchObject({ properties: [{ name: 'a' }, { name: 'b' }] });
    expect(schema('CREATE CONSTRAINT ON (n:U) ASSERT n.a IS UNIQUE')).toMatchObject({ unique: true, label: { name: 'U' } });
  });

  it('reads DROP INDEX / DROP CONSTRAINT and SHOW INDEXES', () => {
    expect(schema('DROP INDEX person_name IF EXISTS')).toMatchObject({ kind: 'DropIndex', name: { name: 'person_name' }, ifExists: true, label: null });
    expect(schema('DROP INDEX ON :Person(name)')).toMatchObject({ name: null, label: { name: 'Person' }, properties: [{ name: 'name' }] });
    expect(schema('DROP CONSTRAINT c')).toMatchObject({ kind: 'DropIndex', syntax: 'constraint', ifExists: false });
    expect(schema('SHOW INDEXES')).toMatchObject({ kind: 'ShowIndexes' });
    expect(schema('show index;')).toMatchObject({ kind: 'ShowIndexes' });
  });

  it('still reads CREATE with a path variable named index as a clause', () => {
    expect(clauses('CREATE index = (a)-[:T]->(b) RETURN index').map((c) => c.kind)).toEqual(['Create', 'Return']);
  });
});

describe('parser: traversal helpers', () => {
  const statement: Statement = parse(
    'MATCH (a)-[r]->(b) WHERE a.x IN [y IN b.list WHERE y > 0] RETURN count(DISTINCT a) AS c, [(a)-->(z) | z.name], b.name ORDER BY c',
  );

  it('walks every node in source order, enter before leave', () => {
    const entered: string[] = [];
    let depth = 0;
    let deepest = 0;
    walk(statement, {
      enter(node) {
        entered.push(node.kind);
        depth++;
        deepest = Math.max(deepest, depth);
      },
      leave() {
        depth--;
      },
    });
    expect(depth).toBe(0);
    expect(entered[0]).toBe('Statement');
    expect(entered.indexOf('Match')).toBeLessThan(entered.indexOf('Return'));
    expect(deepest).toBeGreaterThan(5);
  });

  it('finds variables, optionally without entering scopes', () => {
    const isVariable = (node: AstNode): node is Variable => node.kind === 'Variable';
    const all = findAll(statement, isVariable).map((v) => v.name);
    expect(all).toEqual(['a', 'r', 'b', 'a', 'y', 'b', 'y', 'a', 'c', 'a', 'z', 'z', 'b', 'c']);
    const outer = findAll(statement, isVariable, (node) => !opensScope(node)).map((v) => v.name);
    expect(outer).toEqual(['a', 'r', 'b', 'a', 'a', 'c', 'b', 'c']);
  });

  it('skips the children of a node when enter returns false', () => {
    const seen: string[] = [];
    walk(statement, {
      enter(node) {
        seen.push(node.kind);
        return node.kind !== 'Match';
      },
    });
    expect(seen).toContain('Match');
    expect(seen).not.toContain('PatternPart');
  });

  it('tells expressions from other nodes', () => {
    expect(isExpression(expr('1 + 2'))).toBe(true);
    expect(isExpression(statement)).toBe(false);
    expect(isExpression(clause('MATCH (n) RETURN n', 'Match'))).toBe(false);
  });

  it('walks a 20,000-term chain without overflowing the stack', () => {
    const long = parse(`RETURN ${Array.from({ length: 20_000 }, (_, i) => `x${i}`).join(' + ')}`);
    let count = 0;
    walk(long, {
      enter() {
        count++;
      },
    });
    expect(count).toBeGreaterThan(40_000);
  });
});
