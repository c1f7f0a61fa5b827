// The parser against every query of the openCypher TCK (OMBRA_TCK_DIR or ../shared/tck).
//  - every query not expected to fail at compile time with a SyntaxError parses;
//  - scenarios whose expected detail is the parser's to raise are rejected with that detail;
//  - each projection's column name (alias or text as written) matches the expected result
//    table's header;
//  - every parsed tree keeps the span rules of ast.ts (A1, A2).
// The compile-time SyntaxError scenarios the parser already rejects are printed, for information.

import { describe, expect, it } from 'vitest';
import { SyntaxQueryError } from '../../src/errors.js';
import { columnName, parse, type Statement } from '../../src/cypher/parser/index.js';
import { checkSpans, findTckDir, loadTckQueries, type TckQuery } from './parser-support.js';

/** Details that belong to the parser: a scenario expecting one must be rejected by parse(). */
const PARSER_DETAILS = new Set([
  'UnexpectedSyntax',
  'IntegerOverflow',
  'FloatingPointOverflow',
  'InvalidNumberLiteral',
  'InvalidUnicodeLiteral',
  'InvalidUnicodeCharacter',
  'InvalidRelationshipPattern',
  'InvalidArgumentPassingMode',
  'InvalidDelete',
]);

const tckDir = findTckDir();
if (tckDir === null) {
  console.warn('parser TCK corpus: no TCK found (set OMBRA_TCK_DIR or place it at ../shared/tck); skipped');
}

function expectsCompileSyntaxError(query: TckQuery): boolean {
  return query.expectedError?.type === 'SyntaxError' && query.expectedError.phase === 'compile time';
}

function where(query: TckQuery): string {
  return `${query.file} — ${query.scenario}\n${query.text}`;
}

describe.skipIf(tckDir === null)('parser: openCypher TCK corpus', () => {
  const queries = tckDir === null ? [] : loadTckQueries(tckDir);

  it('finds the corpus', () => {
    expect(queries.length).toBeGreaterThan(3000);
  });

  it('parses every query that is not expected to raise a compile-time SyntaxError', () => {
    const failures: string[] = [];
    for (const query of queries) {
      if (query.role === 'query' && expectsCompileSyntaxError(query)) continue;
      try {
        parse(query.text);
      } catch (error) {
        failures.push(`${where(query)}\n  → ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('rejects the scenarios whose expected error detail is a syntax-level one, with that detail', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const query of queries) {
      if (query.role !== 'query' || !expectsCompileSyntaxError(query)) continue;
      const detail = query.expectedError!.detail;
      if (!PARSER_DETAILS.has(detail)) continue;
      checked++;
      try {
        parse(query.text);
        failures.push(`${where(query)}\n  → parsed, expected ${detail}`);
      } catch (error) {
        if (!(error instanceof SyntaxQueryError)) throw error;
        if (error.details.detail !== detail) failures.push(`${where(query)}\n  → ${String(error.details.detail)}: ${error.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('names unaliased columns by their expression text exactly as the TCK result headers do', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const query of queries) {
      if (query.role !== 'query' || query.resultColumns === null) continue;
      const statement = parse(query.text);
      const columns = returnColumns(statement);
      if (columns === null) continue;
      checked++;
      if (JSON.stringify(columns) !== JSON.stringify(query.resultColumns)) {
        failures.push(`${where(query)}\n  → ${JSON.stringify(columns)} vs ${JSON.stringify(query.resultColumns)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('keeps every span inside its parent and every position consistent with its offset', () => {
    const failures: string[] = [];
    for (const query of queries) {
      let statement: Statement;
      try {
        statement = parse(query.text);
      } catch {
        continue;
      }
      const problem = checkSpans(statement);
      if (problem !== null) failures.push(`${where(query)}\n  → ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it('reports which compile-time SyntaxError scenarios the parser already rejects (information only)', () => {
    const byDetail = new Map<string, { rejected: string[]; left: string[] }>();
    for (const query of queries) {
      if (query.role !== 'query' || !expectsCompileSyntaxError(query)) continue;
      const detail = query.expectedError!.detail || '*';
      const entry = byDetail.get(detail) ?? { rejected: [], left: [] };
      byDetail.set(detail, entry);
      const name = `${query.file}: ${query.scenario}`;
      try {
        parse(query.text);
        if (!entry.left.includes(name)) entry.left.push(name);
      } catch (error) {
        if (!(error instanceof SyntaxQueryError)) throw error;
        if (!entry.rejected.includes(name)) entry.rejected.push(name);
      }
    }
    const lines = ['compile-time SyntaxError scenarios (rejected by the parser / left for the binder):'];
    for (const [detail, { rejected, left }] of [...byDetail].sort()) {
      lines.push(`  ${detail}: ${rejected.length} rejected, ${left.length} left for the binder`);
      for (const name of rejected) lines.push(`    rejected: ${name}`);
    }
    console.log(lines.join('\n'));
    expect(byDetail.size).toBeGreaterThan(0);
  });
});

/** Column names of the statement's final RETURN (first union part), or null when not determinable. */
function returnColumns(statement: Statement): string[] | null {
  if (statement.body.kind !== 'Query') return null;
  const clauses = statement.body.parts[0]!.clauses;
  const last = clauses[clauses.length - 1]!;
  if (last.kind === 'Return') return last.projection.star ? null : last.projection.items.map(columnName);
  if (last.kind === 'Call' && last.yield !== null && !last.yield.star) {
    return last.yield.items.map((item) => (item.alias ?? item.field).name);
  }
  return null;
}
