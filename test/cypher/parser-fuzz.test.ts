// Fuzzing the parser (seeded; a failure prints its seed, rerun with SEED=<n>; SOAK=1 runs more):
//  - token soups, mutated TCK queries (characters deleted, inserted, swapped, duplicated)
//    and arbitrary Unicode text never make parse() throw anything but SyntaxQueryError;
//  - every error points inside the text (line >= 1, column >= 1, consistent with offset);
//  - every tree that does come back keeps the span rules (ast.ts A1, A2);
//  - parse time grows linearly on adversarial shapes (no backtracking blow-up).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyntaxQueryError } from '../../src/errors.js';
import { parse, type Statement } from '../../src/cypher/parser/index.js';
import { SOAK, testSeed, withSeed } from '../support/rng.js';
import { checkSpans, findTckDir, loadTckQueries } from './parser-support.js';

const RUNS = SOAK ? 20_000 : 1_500;
// A hang guard, not a benchmark: generous enough for GC pauses on a busy 2-core machine.
const PARSE_MS_MAX = 2_000;

/** Queries to mutate: the TCK when present, else a built-in sample. */
const SEEDS: string[] = (() => {
  const sample = [
    'MATCH (a:Person {name: $name})-[:KNOWS*1..3]->(b) WHERE b.age > 30 RETURN b.name, count(*) AS c',
    "MATCH (n) WHERE n.x STARTS WITH 'a' AND (n)-->() RETURN n {.name, k: [x IN n.l WHERE x > 1 | x * 2]} ORDER BY n.x DESC SKIP 1 LIMIT 2",
    'UNWIND range(1, 10) AS i MERGE (n:N {id: i}) ON CREATE SET n.c = 1 ON MATCH SET n += {m: 2} RETURN n',
    'MATCH p = shortestPath((a)-[*..5]-(b)) WITH p, reduce(s = 0, r IN relationships(p) | s + r.w) AS w RETURN p, w UNION RETURN null AS p, 0 AS w',
    "RETURN CASE WHEN 1 < 2 <= 3 THEN -9223372036854775808 ELSE 0x1F END, '\\u00e9', .5e-3, [(a)-->(b) | b], EXISTS { MATCH (c) RETURN c }",
    'CALL db.labels() YIELD label WHERE label STARTS WITH "A" RETURN label',
    'CREATE CONSTRAINT c IF NOT EXISTS FOR (n:User) REQUIRE n.email IS UNIQUE',
    'MATCH (n) FOREACH (x IN [1, 2] | CREATE (:X {v: x}) SET n.y = x) REMOVE n:Old, n.z DETACH DELETE n',
  ];
  const dir = findTckDir();
  if (dir === null) return sample;
  return [...sample, ...new Set(loadTckQueries(dir).map((q) => q.text))];
})();

const TOKENS = [
  'MATCH', 'OPTIONAL', 'WHERE', 'RETURN', 'WITH', 'UNWIND', 'AS', 'CREATE', 'MERGE', 'ON', 'SET', 'REMOVE',
  'DELETE', 'DETACH', 'CALL', 'YIELD', 'FOREACH', 'UNION', 'ALL', 'ORDER', 'BY', 'DESC', 'SKIP', 'LIMIT',
  'DISTINCT', 'AND', 'OR', 'XOR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'STARTS', 'ENDS', 'CONTAINS', 'CASE',
  'WHEN', 'THEN', 'ELSE', 'END', 'EXISTS', 'count', 'any', 'reduce', 'shortestPath', 'INDEX', 'CONSTRAINT',
  'FOR', 'REQUIRE', 'UNIQUE', 'DROP', 'SHOW', 'INDEXES', 'EXPLAIN', 'IF',
  'n', 'm', 'x', 'p', '`a b`', '`', '$p', '$0', '$', 'a.b', 'Label',
  '(', ')', '[', ']', '{', '}', ',', '.', '..', ':', '|', '=', '<>', '<', '>', '<=', '>=', '=~', '+', '+=',
  '-', '*', '/', '%', '^', ';', '->', '<-', '--', '-->', '<--', '-[', ']->', '*1..3', '*..',
  '0', '1', '42', '-1', '0x1F', '0o7', '0x', '1.5', '.5', '1e10', '1e999', '9223372036854775808', '12ab',
  "'s'", '"d"', "'", '"', "'\\uH'", "'\\n'", '\\', '//', '/*', '*/', '#', '!=', '—', 'é', '😀', '\u0000',
];

const SEPARATORS = [' ', ' ', ' ', '', '\n', '\t', '\r\n'];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(...SEPARATORS)), { maxLength: 40 })
  .map((parts) => parts.map(([token, separator]) => token + separator).join(''));

const EDIT_CHARS = "()[]{}<>-=:,.;|'\"`$*+/%^#!\\ \n\t0123456789aZ_é😀\u2014\u00a0";

type Edit = { op: 'delete' | 'insert' | 'swap' | 'duplicate'; at: number; length: number; char: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('delete', 'insert', 'swap', 'duplicate'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 8 }),
  char: fc.constantFrom(...[...EDIT_CHARS]),
});

const mutatedQuery = fc
  .tuple(fc.nat({ max: SEEDS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }))
  .map(([index, edits]) => edits.reduce(applyEdit, SEEDS[index]!));

function applyEdit(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % text.length;
  switch (e.op) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.length);
    case 'insert':
      return text.slice(0, at) + e.char + text.slice(at);
    case 'swap':
      return at + 1 < text.length ? text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2) : text;
    case 'duplicate':
      return text.slice(0, at) + text.slice(at, at + e.length) + text.slice(at);
  }
}

/** parse() either returns a well-formed tree or throws a well-placed SyntaxQueryError, quickly. */
function checkParse(text: string): void {
  const started = performance.now();
  let statement: Statement | null = null;
  try {
    statement = parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxQueryError)) {
      throw new Error(`parse threw ${String(error)} for ${JSON.stringify(text)}`, { cause: error });
    }
    const { line, column, offset, excerpt, detail } = error.details as Record<string, unknown>;
    if (typeof offset !== 'number' || offset < 0 || offset > text.length) throw new Error(`offset ${String(offset)} outside ${JSON.stringify(text)}`);
    const before = text.slice(0, offset);
    const expectedLine = before.split(/\r\n|\r|\n/).length;
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
    if (line !== expectedLine || column !== offset - lineStart + 1 || (line as number) < 1 || (column as number) < 1) {
      throw new Error(`position ${String(line)}:${String(column)} does not match offset ${offset} in ${JSON.stringify(text)}`);
    }
    if (typeof excerpt !== 'string' || !excerpt.endsWith('^') || typeof detail !== 'string') {
      throw new Error(`bad details ${JSON.stringify(error.details)} for ${JSON.stringify(text)}`);
    }
    if (!error.message.endsWith(`at line ${line}, column ${column}`)) throw new Error(`message lacks position: ${error.message}`);
  }
  if (statement !== null) {
    const problem = checkSpans(statement);
    if (problem !== null) throw new Error(`${problem} in ${JSON.stringify(text)}`);
  }
  const elapsedMs = performance.now() - started;
  if (elapsedMs > PARSE_MS_MAX) throw new Error(`parse took ${elapsedMs.toFixed(1)} ms for ${JSON.stringify(text)}`);
}

describe('parser fuzz', () => {
  const seed = testSeed();

  it(`survives token soups (seed ${seed})`, () => {
    withSeed(seed, () => fc.assert(fc.property(tokenSoup, checkParse), { seed, numRuns: RUNS }));
  });

  it(`survives mutated queries (seed ${seed})`, () => {
    withSeed(seed, () => fc.assert(fc.property(mutatedQuery, checkParse), { seed: seed + 1, numRuns: RUNS * 2 }));
  });

  it(`survives arbitrary Unicode text (seed ${seed})`, () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }));
    withSeed(seed, () => fc.assert(fc.property(text, checkParse), { seed: seed + 2, numRuns: Math.ceil(RUNS / 2) }));
  });

  it('parses in time linear in the length of adversarial inputs', () => {
    const families: Record<string, (n: number) => string> = {
      'parenthesised variables that look like node patterns': (n) => `RETURN ${Array.from({ length: n }, () => '(a)-(b)').join(' + ')}`,
      'node-like maps that are not patterns': (n) => `RETURN ${Array.from({ length: n }, () => '(a {k: [1, 2]})').join(', ')}`,
      'comprehension-like lists': (n) => `RETURN ${Array.from({ length: n }, () => '[x IN [(a)] | (x)-->()]').join(' + ')}`,
      'long pattern chains': (n) => `MATCH (a)${'-[:T*1..2]->(:L {k: 1})'.repeat(n)} RETURN a`,
      'unclosed brackets': (n) => `RETURN ${'[('.repeat(n)}`,
      'comment and string soup': (n) => `RETURN ${"'a' /* b */ + ".repeat(n)}1`,
    };
    const msPerChar = (text: string): number => {
      let best = Infinity;
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        try {
          parse(text);
        } catch (error) {
          if (!(error instanceof SyntaxQueryError)) throw error;
        }
        best = Math.min(best, performance.now() - started);
      }
      return best / text.length;
    };
    for (const [name, build] of Object.entries(families)) {
      // Sizes stay small enough for the young generation, so the ratio measures the
      // parser's algorithm rather than old-space garbage collection. A quadratic parser
      // would grow ~16x per character here; the best of several attempts filters out the
      // noise of other processes sharing the machine.
      const small = build(60);
      const large = build(960);
      msPerChar(small); // warm up the JIT on this shape
      let ratio = Infinity;
      for (let attempt = 0; attempt < 4 && ratio >= 6; attempt++) {
        ratio = Math.min(ratio, msPerChar(large) / Math.max(msPerChar(small), 1e-7));
      }
      expect(ratio, `${name}: time per character grew ${ratio.toFixed(1)}x for 16x the input`).toBeLessThan(6);
    }
  });
});
