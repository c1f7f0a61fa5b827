// Tests of the TCK harness itself: Gherkin parsing and counts, cell values, the matcher, the
// error mapping, the runner end to end against a tiny fake engine (defined here only, never
// reachable from the cli), the worker pool's hang protection, and the cli's output.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { OmbraError, RuntimeQueryError, SemanticError, SyntaxQueryError } from '../../src/errors.js';
import { orderCompare } from '../../src/cypher/runtime/compare.js';
import { formatLiteral } from '../../src/cypher/runtime/format.js';
import { callFunction } from '../../src/cypher/runtime/functions.js';
import {
  NodeRef,
  NodeResult,
  PathResult,
  PathValue,
  RelationshipRef,
  RelationshipResult,
  emptyStats,
  materialize,
  type EntityReader,
  type QueryStats,
  type ResultValue,
  type Value,
} from '../../src/cypher/runtime/values.js';
import type { TckDatabase, TckEngine, TckResult } from './engine.js';
import { expandCases, loadFeatures, parseFeature, parseTableRow, type TckCase } from './gherkin.js';
import { findRepoRoot, locateTck, tckCandidates } from './locate.js';
import { runCasesInWorkers } from './pool.js';
import { formatReport, readCoreSubset, summarize } from './report.js';
import { runCase, runCases } from './runner.js';
import { checkError, classifyError, parseErrorStep } from './tck-errors.js';
import {
  TckNode,
  TckPath,
  TckRelationship,
  compareResult,
  matchValue,
  parseExpectedTable,
  parseTckValue,
  toParameterValue,
  type TckValue,
} from './tck-values.js';
import { testSeed } from '../support/rng.js';

const repoRoot = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));
const tckDir = locateTck(process.env, repoRoot);
const scratch = mkdtempSync(join(tmpdir(), 'ombra-tck-harness-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ── Gherkin ─────────────────────────────────────────────────────────────────

describe('gherkin', () => {
  const text = [
    '#encoding: utf-8',
    'Feature: Demo',
    '  Some description.',
    '',
    '  Background:',
    '    Given an empty graph',
    '',
    '  @ignore',
    '  Scenario: [1] plain',
    '    When executing query:',
    '      """',
    '      RETURN 1',
    '        AS x',
    '      """',
    '    Then the result should be, in any order:',
    "      | x | y\\|z | 'a\\\\b' |",
    '      | 1 | \'\\n\' | x |',
    '',
    '  Scenario Outline: [2] outline <name>',
    '    When executing query:',
    '      """',
    '      RETURN <expr> AS v',
    '      """',
    '    Then the result should be, in any order:',
    '      | v        |',
    '      | <result> |',
    '',
    '    Examples:',
    '      | name | expr  | result |',
    '      | one  | 1     | 1      |',
    '      | two  | 1 + 1 | 2      |',
    '    Examples:',
    '      | name  | expr | result |',
    "      | three | 'x'  | 'x'    |",
  ].join('\n');

  it('parses background, tags, doc strings, tables and escapes', () => {
    const feature = parseFeature(text, 'demo/Demo.feature');
    expect(feature.name).toBe('Demo');
    expect(feature.background.map((step) => step.text)).toEqual(['an empty graph']);
    const [plain, outline] = feature.scenarios;
    expect(plain!.tags).toEqual(['@ignore']);
    expect(plain!.steps[0]!.docString).toBe('RETURN 1\n  AS x');
    expect(plain!.steps[1]!.table).toEqual([
      ['x', 'y|z', "'a\\b'"],
      ['1', "'\n'", 'x'],
    ]);
    expect(outline!.outline).toBe(true);
    expect(outline!.examples.map((e) => e.rows.length)).toEqual([2, 1]);
  });

  it('expands outlines row by row with <name> substituted everywhere', () => {
    const cases = expandCases(parseFeature(text, 'demo/Demo.feature'));
    expect(cases.map((c) => c.id)).toEqual(['demo/Demo.feature:9', 'demo/Demo.feature:19#1', 'demo/Demo.feature:19#2', 'demo/Demo.feature:19#3']);
    const third = cases[3]!;
    expect(third.scenarioName).toBe('[2] outline three');
    expect(third.exampleNumber).toBe(3);
    expect(third.steps[0]!.text).toBe('an empty graph');
    expect(third.steps[1]!.docString).toBe("RETURN 'x' AS v");
    expect(third.steps[2]!.table).toEqual([['v'], ["'x'"]]);
  });

  it('splits table rows with escapes', () => {
    expect(parseTableRow('| a | \\| | \\\\ | \\n | \\x |')).toEqual(['a', '|', '\\', '\n', '\\x']);
    expect(parseTableRow('|  |')).toEqual(['']);
  });

  it('rejects malformed files with the line', () => {
    expect(() => parseFeature('Feature: x\n  Scenario: s\n    Given any graph\n    """\n    RETURN 1\n', 'bad.feature')).toThrow(/bad.feature:4/);
    expect(() => parseFeature('Feature: x\n  | a |\n', 'bad.feature')).toThrow(/bad.feature:2/);
  });
});

describe.skipIf(tckDir === undefined)('the openCypher TCK files', () => {
  const features = tckDir === undefined ? [] : loadFeatures(join(tckDir, 'features'));
  const cases = features.flatMap(expandCases);

  it('yields the counts FORMAT.md states: 220 files, 1,339 scenarios, 276 outlines, 2,558 rows, 3,897 cases', () => {
    let scenarios = 0;
    let outlines = 0;
    let rows = 0;
    for (const feature of features) {
      for (const scenario of feature.scenarios) {
        if (!scenario.outline) scenarios++;
        else {
          outlines++;
          rows += scenario.examples.reduce((n, examples) => n + examples.rows.length, 0);
        }
      }
    }
    expect([features.length, scenarios, outlines, rows, cases.length]).toEqual([220, 1339, 276, 2558, 3897]);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('counts 1,952 cases in the core subset (143 files)', () => {
    const core = readCoreSubset(tckDir!);
    expect(core.size).toBe(143);
    expect(cases.filter((c) => core.has(c.featurePath)).length).toBe(1952);
  });

  it('parses every expected result table and parameter cell', () => {
    const problems: string[] = [];
    let tables = 0;
    for (const tckCase of cases) {
      for (const step of tckCase.steps) {
        try {
          if (step.text.startsWith('the result should be') && step.table !== undefined) {
            tables++;
            parseExpectedTable(step.table);
          }
          if (step.text === 'parameters are:') for (const row of step.table ?? []) toParameterValue(parseTckValue(row[1]!));
        } catch (error) {
          problems.push(`${tckCase.id}: ${(error as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(tables).toBeGreaterThan(3000);
  });

  it('uses only steps the runner knows', () => {
    const known = [
      /^an empty graph$/,
      /^any graph$/,
      /^the \S+ graph$/,
      /^having executed:$/,
      /^parameters are:$/,
      /^there exists a procedure .+:$/,
      /^executing (control )?query:$/,
      /^the result should be/,
      /^an? \w+ should be raised at (compile time|runtime|any time): \S+$/,
      /^the side effects should be:$/,
      /^no side effects$/,
    ];
    const unknown = new Set<string>();
    for (const tckCase of cases) for (const step of tckCase.steps) if (!known.some((re) => re.test(step.text))) unknown.add(step.text);
    expect([...unknown]).toEqual([]);
  });
});

// ── cell values and matching ────────────────────────────────────────────────

describe('cell values', () => {
  it.each<[string, TckValue]>([
    ['null', null],
    ['true', true],
    ['-1', -1n],
    ['9223372036854775807', 9223372036854775807n],
    ['1.0', 1],
    ['-1e-10', -1e-10],
    ['1e308', 1e308],
    ['-1.2635418652381264e305', -1.2635418652381264e305],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ["'it\\'s'", "it's"],
    ["'a\\\\bcn5t\\'\"\\\\//\\\\\"\\''", 'a\\bcn5t\'"\\//\\"\''],
    ["'x\\ny'", 'x\\ny'],
    ["''", ''],
    ['[]', []],
    ["[1, 'a', [2.5, null]]", [1n, 'a', [2.5, null]]],
    ['{}', {}],
    ["{name: 'Mats', nested: {list: [1, {a: true}]}}", { name: 'Mats', nested: { list: [1n, { a: true }] } }],
  ])('%s', (cell, expected) => {
    expect(parseTckValue(cell)).toEqual(expected);
  });

  it('parses NaN, nodes, relationships and paths', () => {
    expect(Number.isNaN(parseTckValue('NaN') as number)).toBe(true);
    expect(parseTckValue('()')).toEqual(new TckNode([], {}));
    expect(parseTckValue("(:A:B {name: 'a'})")).toEqual(new TckNode(['A', 'B'], { name: 'a' }));
    expect(parseTckValue('[:T {num: 1}]')).toEqual(new TckRelationship('T', { num: 1n }));
    expect(parseTckValue('[ :T]')).toEqual(new TckRelationship('T', {}));
    expect(parseTckValue('<(:A)-[:T1]->(:B)<-[:T2]-()>')).toEqual(
      new TckPath(
        [new TckNode(['A'], {}), new TckNode(['B'], {}), new TckNode([], {})],
        [
          { relationship: new TckRelationship('T1', {}), forward: true },
          { relationship: new TckRelationship('T2', {}), forward: false },
        ],
      ),
    );
    expect(parseTckValue('<()>')).toEqual(new TckPath([new TckNode([], {})], []));
    expect(parseTckValue('{node1: (:A), rel: [:T], node2: (:B)}')).toEqual({
      node1: new TckNode(['A'], {}),
      rel: new TckRelationship('T', {}),
      node2: new TckNode(['B'], {}),
    });
  });

  it.each(['', '[1,', "'open", '{a 1}', '1 2', '99999999999999999999', '(:A', '<(:A)-[:T]-(:B)>'])('rejects %j', (cell) => {
    expect(() => parseTckValue(cell)).toThrow();
  });

  it('turns cells into parameters, refusing entities', () => {
    expect(toParameterValue(parseTckValue("{a: [1, 'x']}"))).toEqual({ a: [1n, 'x'] });
    expect(() => toParameterValue(parseTckValue('(:A)'))).toThrow(/node/);
  });
});

describe('matcher', () => {
  const ann = new NodeResult(1, ['A', 'B'], { name: 'a', n: 1n });
  const bob = new NodeResult(2, [], {});
  const t = new RelationshipResult(7, 'T', 1, 2, { num: 1n });

  it('keeps INTEGER and FLOAT apart and matches NaN', () => {
    expect(matchValue(1n, parseTckValue('1'))).toBe(true);
    expect(matchValue(1, parseTckValue('1'))).toBe(false);
    expect(matchValue(1n, parseTckValue('1.0'))).toBe(false);
    expect(matchValue(Number.NaN, parseTckValue('NaN'))).toBe(true);
    expect(matchValue([1n, 1], parseTckValue('[1, 1.0]'))).toBe(true);
    expect(matchValue({ k: 1 }, parseTckValue('{k: 1}'))).toBe(false);
  });

  it('compares lists in order unless told to ignore element order', () => {
    expect(matchValue(['Foo', 'Bar'], parseTckValue("['Bar', 'Foo']"))).toBe(false);
    expect(matchValue(['Foo', 'Bar'], parseTckValue("['Bar', 'Foo']"), true)).toBe(true);
    expect(matchValue(['a', 'a', 'b'], parseTckValue("['a', 'b', 'b']"), true)).toBe(false);
    expect(matchValue([[1n, 2n]], parseTckValue('[[2, 1]]'), true)).toBe(true);
  });

  it('matches nodes by label set and properties, relationships by type, paths with direction', () => {
    expect(matchValue(ann, parseTckValue("(:B:A {n: 1, name: 'a'})"))).toBe(true);
    expect(matchValue(ann, parseTckValue("(:A {n: 1, name: 'a'})"))).toBe(false);
    expect(matchValue(ann, parseTckValue("(:A:B {name: 'a'})"))).toBe(false);
    expect(matchValue(t, parseTckValue('[:T {num: 1}]'))).toBe(true);
    expect(matchValue(t, parseTckValue('[:U {num: 1}]'))).toBe(false);
    expect(matchValue(new PathResult([ann, bob], [t]), parseTckValue("<(:A:B {name: 'a', n: 1})-[:T {num: 1}]->()>"))).toBe(true);
    expect(matchValue(new PathResult([ann, bob], [t]), parseTckValue("<(:A:B {name: 'a', n: 1})<-[:T {num: 1}]-()>"))).toBe(false);
    expect(matchValue(new PathResult([bob, ann], [t]), parseTckValue("<()<-[:T {num: 1}]-(:A:B {name: 'a', n: 1})>"))).toBe(true);
    expect(matchValue({ a: 1n }, parseTckValue('(:A)'))).toBe(false);
  });

  const table = (rows: string[][]) => parseExpectedTable(rows);
  it('compares rows as a multiset or a sequence, columns by name', () => {
    const expected = table([['a', 'b'], ['1', "'x'"], ['2', "'y'"]]);
    const rows: ResultValue[][] = [[2n, 'y'], [1n, 'x']];
    expect(compareResult({ columns: ['a', 'b'], rows }, expected, { ordered: false, listsAsMultisets: false })).toBeNull();
    expect(compareResult({ columns: ['b', 'a'], rows: rows.map((r) => [r[1]!, r[0]!]) }, expected, { ordered: false, listsAsMultisets: false })).toBeNull();
    expect(compareResult({ columns: ['a', 'b'], rows }, expected, { ordered: true, listsAsMultisets: false })).toMatch(/rows differ/);
    expect(compareResult({ columns: ['a', 'c'], rows }, expected, { ordered: false, listsAsMultisets: false })).toMatch(/columns differ/);
    expect(compareResult({ columns: ['a', 'b'], rows: [[1n, 'x'], [1n, 'x']] }, expected, { ordered: false, listsAsMultisets: false })).toMatch(/rows differ/);
    expect(compareResult({ columns: ['a', 'b'], rows: [[1n, 'x']] }, expected, { ordered: false, listsAsMultisets: false })).toMatch(/expected 2 row/);
    expect(compareResult({ columns: ['x'], rows: [] }, table([['x']]), { ordered: true, listsAsMultisets: false })).toBeNull();
  });

  it('reads back what formatLiteral writes (property)', () => {
    const scalar = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.double(),
      fc.string({ maxLength: 6 }),
    );
    const props = fc.dictionary(fc.constantFrom('a', 'b', 'odd key'), scalar, { maxKeys: 3 }).map((p) => ({ ...p }) as Record<string, ResultValue>);
    const node = fc.tuple(fc.nat(9), fc.uniqueArray(fc.constantFrom('A', 'B', 'C'), { maxLength: 2 }), props).map(([id, labels, p]) => new NodeResult(id, labels, p as never));
    const value: fc.Arbitrary<ResultValue> = fc.letrec<{ v: ResultValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        scalar,
        node,
        props.map((p) => new RelationshipResult(1, 'T', 1, 2, p as never)),
        fc.tuple(node, node, fc.boolean()).map(([a, b, forward]) => new PathResult([a, b], [new RelationshipResult(3, 'R', forward ? a.id : b.id, forward ? b.id : a.id, {})])),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('k', 'l'), tie('v'), { maxKeys: 2 }).map((d) => ({ ...d })),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const path = v instanceof PathResult && v.nodes[0]!.id === v.nodes[1]!.id;
        if (!path) expect(matchValue(v, parseTckValue(formatLiteral(v)))).toBe(true);
      }),
      { seed: testSeed(), numRuns: 500 },
    );
  });
});

// ── errors ──────────────────────────────────────────────────────────────────

describe('error mapping', () => {
  it('parses error steps', () => {
    expect(parseErrorStep('a SyntaxError should be raised at compile time: UndefinedVariable')).toEqual({
      type: 'SyntaxError',
      phase: 'compile time',
      detail: 'UndefinedVariable',
    });
    expect(parseErrorStep('a TypeError should be raised at any time: *')?.detail).toBe('*');
    expect(parseErrorStep('the result should be empty')).toBeUndefined();
  });

  it.each<[string, unknown, string, boolean]>([
    ['syntax', new SyntaxQueryError('SYNTAX', 'bad', { detail: 'UnexpectedSyntax' }), 'SyntaxError at compile time: UnexpectedSyntax', true],
    ['syntax without detail defaults to UnexpectedSyntax', new SyntaxQueryError('SYNTAX', 'bad'), 'SyntaxError at compile time: UnexpectedSyntax', true],
    ['semantic code default detail', new SemanticError('SEMANTIC_UNDEFINED_VARIABLE', 'x'), 'SyntaxError at compile time: UndefinedVariable', true],
    ['argument type as SyntaxError', new SemanticError('SEMANTIC_INVALID_ARGUMENT_TYPE', 'x'), 'SyntaxError at compile time: InvalidArgumentType', true],
    ['argument type as TypeError', new SemanticError('SEMANTIC_INVALID_ARGUMENT_TYPE', 'x'), 'TypeError at compile time: InvalidArgumentType', true],
    ['phase must match', new SemanticError('SEMANTIC_UNDEFINED_VARIABLE', 'x'), 'SyntaxError at runtime: UndefinedVariable', false],
    ['detail must match', new SemanticError('SEMANTIC_OTHER', 'x', { detail: 'NoSingleRelationshipType' }), 'SyntaxError at compile time: InvalidDelete', false],
    ['any detail', new SemanticError('SEMANTIC_OTHER', 'x', { detail: 'NoSingleRelationshipType' }), 'SyntaxError at compile time: *', true],
    ['missing parameter', new SemanticError('PARAMETER_MISSING', 'x'), 'ParameterMissing at compile time: MissingParameter', true],
    ['runtime type', new RuntimeQueryError('RUNTIME_TYPE', 'x', { detail: 'InvalidArgumentValue' }), 'TypeError at runtime: InvalidArgumentValue', true],
    ['runtime type at any time', new RuntimeQueryError('RUNTIME_TYPE', 'x', { detail: 'InvalidArgumentType' }), 'TypeError at any time: InvalidArgumentType', true],
    ['runtime type is not compile time', new RuntimeQueryError('RUNTIME_TYPE', 'x', { detail: 'InvalidArgumentType' }), 'TypeError at compile time: InvalidArgumentType', false],
    ['argument error', new RuntimeQueryError('RUNTIME_ARGUMENT', 'x', { detail: 'NumberOutOfRange' }), 'ArgumentError at runtime: NumberOutOfRange', true],
    ['argument error is not a TypeError', new RuntimeQueryError('RUNTIME_ARGUMENT', 'x', { detail: 'InvalidArgumentType' }), 'TypeError at runtime: InvalidArgumentType', false],
    ['deleted entity', new RuntimeQueryError('RUNTIME_DELETED_ENTITY', 'x'), 'EntityNotFound at runtime: DeletedEntityAccess', true],
    ['SKIP from a parameter', new RuntimeQueryError('RUNTIME_CLAUSE_ARGUMENT', 'x', { detail: 'InvalidArgumentType' }), 'SyntaxError at runtime: InvalidArgumentType', true],
    ['negative SKIP', new RuntimeQueryError('RUNTIME_CLAUSE_ARGUMENT', 'x', { detail: 'NegativeIntegerArgument' }), 'SyntaxError at runtime: NegativeIntegerArgument', true],
    ['MERGE null property', new RuntimeQueryError('RUNTIME_CLAUSE_ARGUMENT', 'x', { detail: 'MergeReadOwnWrites' }), 'SemanticError at runtime: MergeReadOwnWrites', true],
    ['delete connected node', new OmbraError('NODE_HAS_RELATIONSHIPS', 'x'), 'ConstraintVerificationFailed at runtime: DeleteConnectedNode', true],
    ['integer overflow', new RuntimeQueryError('RUNTIME_ARITHMETIC', 'x', { detail: 'IntegerOverflow' }), 'ArithmeticError at runtime: IntegerOverflow', true],
    ['not an ombra error', new Error('boom'), 'TypeError at any time: *', false],
    ['internal error', new OmbraError('INTERNAL', 'bug'), 'SyntaxError at any time: *', false],
  ])('%s', (_name, error, step, ok) => {
    const [type, rest] = step.split(' at ');
    const [phase, detail] = rest!.split(': ');
    const reason = checkError(error, { type: type!, phase: phase as 'runtime', detail: detail! });
    if (ok) expect(reason).toBeNull();
    else expect(reason).toMatch(/^expected /);
  });

  it('classifies the runtime library errors by their own codes', () => {
    let error: unknown;
    try {
      callFunction('range', [2n, 8n, 0n], { reader: {} as EntityReader, statementTimeMs: 0, random: Math.random });
    } catch (caught) {
      error = caught;
    }
    expect(classifyError(error)).toMatchObject({ type: 'ArgumentError', phase: 'runtime', detail: 'NumberOutOfRange' });
  });
});

// ── runner, end to end with a fake engine ───────────────────────────────────

/**
 * A tiny in-memory "engine" that knows a handful of fixed queries; used only in this file.
 * It computes answers with the real runtime library, so the harness is exercised on real
 * values, errors and stats.
 */
class FakeDatabase implements TckDatabase {
  readonly nodes = new Map<number, { labels: string[]; properties: Record<string, never> }>();
  readonly rels = new Map<number, { type: string; start: number; end: number }>();
  closed = false;
  private readonly reader: EntityReader = {
    nodeLabels: (id) => this.nodes.get(id)!.labels.slice(),
    nodeHasLabel: (id, label) => this.nodes.get(id)!.labels.includes(label),
    nodeProperty: () => null,
    nodeProperties: () => ({}),
    relationshipProperty: () => null,
    relationshipProperties: () => ({}),
  };

  constructor(private readonly answers: Record<string, (db: FakeDatabase, params: Record<string, Value>) => TckResult | Promise<TckResult>>) {}

  result(columns: string[], rows: Value[][], stats: Partial<QueryStats> = {}): TckResult {
    return { columns, rows: rows.map((row) => row.map((v) => materialize(v, this.reader))), stats: { ...emptyStats(), ...stats } };
  }

  execute(query: string, params: Record<string, Value>): Promise<TckResult> {
    const answer = this.answers[query.trim()];
    if (answer === undefined) return Promise.reject(new OmbraError('INTERNAL', `the fake engine does not know: ${query}`));
    try {
      return Promise.resolve(answer(this, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function fakeEngine(answers: ConstructorParameters<typeof FakeDatabase>[0], opened: FakeDatabase[] = []): TckEngine {
  return {
    name: 'fake',
    openDatabase: () => {
      const db = new FakeDatabase(answers);
      opened.push(db);
      return Promise.resolve(db);
    },
  };
}

const SCENARIOS = `Feature: Handpicked

  Scenario: [15] It is unknown - i.e. null - if a null is equal to a null
    Given any graph
    When executing query:
      """
      RETURN null = null AS value
      """
    Then the result should be, in any order:
      | value |
      | null  |
    And no side effects

  Scenario Outline: [4] Fail on invalid arguments for \`range()\`
    Given any graph
    When executing query:
      """
      RETURN range(<start>, <end>, <step>)
      """
    Then a ArgumentError should be raised at runtime: NumberOutOfRange

    Examples:
      | start | end  | step |
      | 2     | 8    | 0    |

  Scenario: [4] Create two nodes with same label
    Given an empty graph
    When executing query:
      """
      CREATE (:Label), (:Label)
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes  | 2 |
      | +labels | 1 |

  Scenario: [11] ORDER BY should order distinct types in the expected order
    Given an empty graph
    And having executed:
      """
      CREATE (:N)-[:REL]->()
      """
    And parameters are:
      | limit | 10 |
    When executing query:
      """
      MATCH p = (n:N)-[r:REL]->()
      UNWIND [n, r, p, 1.5, ['list'], 'text', null, false, 0.0 / 0.0, {a: 'map'}] AS types
      RETURN types
      ORDER BY types
      """
    Then the result should be, in order:
      | types             |
      | {a: 'map'}        |
      | (:N)              |
      | [:REL]            |
      | ['list']          |
      | <(:N)-[:REL]->()> |
      | 'text'            |
      | false             |
      | 1.5               |
      | NaN               |
      | null              |
    And no side effects
`;

const handpicked = expandCases(parseFeature(SCENARIOS, 'handpicked/Handpicked.feature'));

const answers: ConstructorParameters<typeof FakeDatabase>[0] = {
  'RETURN null = null AS value': (db) => db.result(['value'], [[null]]),
  'RETURN range(2, 8, 0)': (db) => db.result(['range(2, 8, 0)'], [[callFunction('range', [2n, 8n, 0n], { reader: {} as EntityReader, statementTimeMs: 0, random: Math.random })]]),
  'CREATE (:Label), (:Label)': (db) => {
    db.nodes.set(1, { labels: ['Label'], properties: {} });
    db.nodes.set(2, { labels: ['Label'], properties: {} });
    return db.result([], [], { nodesCreated: 2, labelsAdded: 1 });
  },
  'CREATE (:N)-[:REL]->()': (db) => {
    db.nodes.set(0, { labels: ['N'], properties: {} });
    db.nodes.set(1, { labels: [], properties: {} });
    db.rels.set(0, { type: 'REL', start: 0, end: 1 });
    return db.result([], [], { nodesCreated: 2, relationshipsCreated: 1, labelsAdded: 1 });
  },
  [`MATCH p = (n:N)-[r:REL]->()
UNWIND [n, r, p, 1.5, ['list'], 'text', null, false, 0.0 / 0.0, {a: 'map'}] AS types
RETURN types
ORDER BY types`]: (db, params) => {
    expect(params).toEqual({ limit: 10n });
    const n = new NodeRef(0);
    const r = new RelationshipRef(0, 'REL', 0, 1);
    const p = new PathValue([n, new NodeRef(1)], [r]);
    const values: Value[] = [n, r, p, 1.5, ['list'], 'text', null, false, Number.NaN, { a: 'map' }];
    return db.result(['types'], values.sort(orderCompare).map((v) => [v]));
  },
};

describe('runner', () => {
  const options = { tckDir: tckDir ?? scratch, timeoutMs: 2_000 };

  it('passes handpicked scenarios end to end and closes every database', async () => {
    const opened: FakeDatabase[] = [];
    const results = await runCases(fakeEngine(answers, opened), handpicked, options);
    expect(results.map((r) => [r.id, r.status, r.reason])).toEqual(handpicked.map((c) => [c.id, 'passed', undefined]));
    expect(opened.length).toBe(handpicked.length);
    expect(opened.every((db) => db.closed)).toBe(true);
  });

  it('fails a wrong result, wrong side effects, an unexpected error and a missing error, with reasons', async () => {
    const wrong = {
      ...answers,
      'RETURN null = null AS value': (db: FakeDatabase) => db.result(['value'], [[false]]),
      'CREATE (:Label), (:Label)': (db: FakeDatabase) => db.result([], [], { nodesCreated: 2, labelsAdded: 2 }),
      'RETURN range(2, 8, 0)': (db: FakeDatabase) => db.result(['x'], [[1n]]),
      'CREATE (:N)-[:REL]->()': () => {
        throw new RuntimeQueryError('RUNTIME_OTHER', 'nope');
      },
    };
    const results = await runCases(fakeEngine(wrong), handpicked, options);
    expect(results.every((r) => r.status === 'failed')).toBe(true);
    expect(results[0]!.reason).toMatch(/rows differ[\s\S]*\| null \|[\s\S]*\| false \|/);
    expect(results[1]!.reason).toMatch(/expected ArgumentError at runtime: NumberOutOfRange, but the query succeeded/);
    expect(results[2]!.reason).toBe('side effects differ: +labels: expected 1, got 2');
    expect(results[3]!.reason).toMatch(/setup query failed: RUNTIME_OTHER: nope/);
  });

  it('fails unknown steps, an engine that cannot open, and a case past its time limit', async () => {
    const [plain] = handpicked;
    const odd: TckCase = { ...plain!, steps: [...plain!.steps, { keyword: 'And', text: 'the moon is full', line: 99 }] };
    const [unknown] = await runCases(fakeEngine(answers), [odd], options);
    expect(unknown!.reason).toBe('unsupported step: And the moon is full (line 99)');

    const broken: TckEngine = { name: 'broken', openDatabase: () => Promise.reject(new OmbraError('INTERNAL', 'no engine')) };
    expect((await runCase(broken, plain!, options)).reason).toBe('openDatabase failed: INTERNAL: no engine');

    const slow = fakeEngine({ 'RETURN null = null AS value': () => new Promise<TckResult>(() => undefined) });
    const timedOut = await runCase(slow, plain!, { ...options, timeoutMs: 50 });
    expect(timedOut.reason).toBe('timed out after 50 ms');
  });

  it.skipIf(tckDir === undefined)('loads named graphs from graphs/<name>/*.cypher', async () => {
    const queries: string[] = [];
    const engine: TckEngine = {
      name: 'recorder',
      openDatabase: () =>
        Promise.resolve({
          execute: (query: string) => {
            queries.push(query);
            return Promise.resolve({ columns: ['x'], rows: [], stats: emptyStats() });
          },
          close: () => Promise.resolve(),
        }),
    };
    const graphCase: TckCase = {
      ...handpicked[0]!,
      steps: [
        { keyword: 'Given', text: 'the binary-tree-1 graph', line: 1 },
        { keyword: 'When', text: 'executing query:', docString: 'MATCH (n) RETURN n', line: 2 },
        { keyword: 'Then', text: 'the result should be empty', line: 3 },
      ],
    };
    const result = await runCase(engine, graphCase, options);
    expect(result.status).toBe('passed');
    expect(queries[0]).toContain("CREATE (a:A {name: 'a'})");
    expect(queries[1]).toBe('MATCH (n) RETURN n');
  });
});

// ── report ──────────────────────────────────────────────────────────────────

describe('report', () => {
  it('tallies folders, the core subset and all cases, ending with the two summary lines', () => {
    const results = [
      { id: 'a', featurePath: 'clauses/match/Match1.feature', scenarioName: 's1', status: 'passed' as const, durationMs: 1 },
      { id: 'b', featurePath: 'clauses/match/Match1.feature', scenarioName: 's2', status: 'failed' as const, reason: 'rows differ:\n...', durationMs: 1 },
      { id: 'c', featurePath: 'expressions/list/List1.feature', scenarioName: 's3', exampleNumber: 2, status: 'failed' as const, reason: 'x', durationMs: 1 },
    ];
    const summary = summarize(results, new Set(['clauses/match/Match1.feature']));
    expect(summary.folders).toEqual([
      { folder: 'clauses/match', passed: 1, failed: 1 },
      { folder: 'expressions/list', passed: 0, failed: 1 },
    ]);
    const lines = formatReport(results, summary, { listFailures: true }).split('\n');
    expect(lines).toContain('FAIL clauses/match/Match1.feature: s2 — rows differ:');
    expect(lines).toContain('FAIL expressions/list/List1.feature: s3 (example 2) — x');
    expect(lines.slice(-2)).toEqual(['tck core subset: 1 passed, 1 failed', 'tck all: 1 passed, 2 failed']);
    expect(formatReport(results, summary, { listFailures: false }).split('\n').some((l) => l.startsWith('FAIL'))).toBe(false);
  });

  it('finds the TCK through OMBRA_TCK_DIR first, then beside the checkout', () => {
    const dir = join(scratch, 'tck-root');
    mkdirSync(join(dir, 'features'), { recursive: true });
    expect(locateTck({ OMBRA_TCK_DIR: dir }, undefined)).toBe(dir);
    expect(locateTck({ OMBRA_TCK_DIR: join(scratch, 'missing') }, undefined)).toBeUndefined();
    expect(tckCandidates({}, '/x/main')).toEqual(['/x/shared/tck']);
    expect(repoRoot).toBeDefined();
  });
});

// ── worker pool ─────────────────────────────────────────────────────────────

describe('worker pool', () => {
  // A plain-JavaScript worker speaking the pool protocol: it hangs (busy loop) on cases
  // whose id contains "hang", crashes on "crash", passes the rest.
  const workerFile = join(scratch, 'fake-worker.mjs');
  writeFileSync(
    workerFile,
    `import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ tckCase }) => {
  if (tckCase.id.includes('hang')) for (;;) {}
  if (tckCase.id.includes('crash')) throw new Error('crashed on ' + tckCase.id);
  parentPort.postMessage({ type: 'result', result: { id: tckCase.id, featurePath: tckCase.featurePath, scenarioName: tckCase.scenarioName, status: 'passed', durationMs: 0 } });
});
parentPort.postMessage({ type: 'ready' });
`,
  );
  const brokenFile = join(scratch, 'broken-worker.mjs');
  writeFileSync(brokenFile, "throw new Error('cannot start');\n");
  const mk = (id: string): TckCase => ({ id, featurePath: 'x/X.feature', featureName: 'X', scenarioName: id, scenarioLine: 1, tags: [], steps: [] });

  it('kills a hung case, survives a crash, and finishes the rest in order', async () => {
    const cases = ['ok1', 'hang1', 'ok2', 'crash1', 'ok3', 'ok4'].map(mk);
    const seen: string[] = [];
    const results = await runCasesInWorkers(cases, {
      workerScript: pathToFileURL(workerFile),
      workerData: null,
      workers: 2,
      hardTimeoutMs: 300,
      onResult: (r) => seen.push(r.id),
    });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['ok1', 'passed'],
      ['hang1', 'failed'],
      ['ok2', 'passed'],
      ['crash1', 'failed'],
      ['ok3', 'passed'],
      ['ok4', 'passed'],
    ]);
    expect(results[1]!.reason).toMatch(/^hung: no answer within 300 ms/);
    expect(results[3]!.reason).toMatch(/crashed on crash1/);
    expect(seen.sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it('fails every case when the worker cannot start', async () => {
    const results = await runCasesInWorkers(['a', 'b', 'c'].map(mk), {
      workerScript: pathToFileURL(brokenFile),
      workerData: null,
      workers: 1,
      hardTimeoutMs: 1_000,
    });
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(results[0]!.reason).toMatch(/the worker did not start: .*cannot start/);
  });
});

// ── the cli (needs the build that the global setup makes) ───────────────────

const buildStatus = (() => {
  if (repoRoot === undefined) return undefined;
  const file = join(repoRoot, 'tmp', 'build-status.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as { skipped: boolean; status?: number };
})();
const built = buildStatus !== undefined && !buildStatus.skipped && buildStatus.status === 0;

describe.skipIf(!built || tckDir === undefined)('cli (built dist/)', () => {
  it('runs the selected cases against the ombra adapter and reports them', () => {
    const json = join(scratch, 'report.json');
    const run = spawnSync(process.execPath, [join(repoRoot!, 'dist/test/tck/cli.js'), '--filter', 'Comparison1.feature', '--quiet', '--json', json], {
      encoding: 'utf8',
      env: { ...process.env, OMBRA_TCK_DIR: tckDir },
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(-2)).toEqual(['tck core subset: 43 passed, 0 failed', 'tck all: 43 passed, 0 failed']);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { engine: string; cases: { status: string }[] };
    expect(report.engine).toBe('ombra');
    expect(report.cases.length).toBe(43);
    expect(report.cases.every((c) => c.status === 'passed')).toBe(true);
  });
});
