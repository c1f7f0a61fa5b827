// Support for the parser tests:
//  - loadTckQueries(): every query of the openCypher TCK feature files (see
//    ../shared/tck/FORMAT.md); Scenario Outlines are expanded, one query per Examples row,
//    placeholders substituted in the query and in the result header;
//  - checkSpans(): the span rules of ast.ts (A1, A2) over a whole tree;
//  - render(): a compact prefix rendering of expressions, to assert tree shapes readably.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenOf, type AstNode, type Expression, type Position, type Statement } from '../../src/cypher/parser/index.js';

export interface TckError {
  /** SyntaxError, TypeError, ... */
  readonly type: string;
  /** 'compile time' | 'runtime' | 'any time' */
  readonly phase: string;
  /** The detail after the colon ('' when none is given). */
  readonly detail: string;
}

export interface TckQuery {
  /** Feature file, relative to features/. */
  readonly file: string;
  readonly scenario: string;
  /** 'setup' for `And having executed:`, 'control' for a control query, 'query' for the query under test. */
  readonly role: 'setup' | 'query' | 'control';
  readonly text: string;
  /** The error the scenario expects from its query under test, or null. */
  readonly expectedError: TckError | null;
  /** Column names of the expected result table (query role only), or null when there is none. */
  readonly resultColumns: readonly string[] | null;
}

/** The TCK directory: OMBRA_TCK_DIR, else ../shared/tck beside the repository; null when absent. */
export function findTckDir(): string | null {
  const fromEnv = process.env.OMBRA_TCK_DIR;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const candidate = fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(root, '..', 'shared', 'tck');
  return existsSync(join(candidate, 'features')) ? candidate : null;
}

/** Every query of every feature file under `tckDir`/features, plus the named graph scripts. */
export function loadTckQueries(tckDir: string): TckQuery[] {
  const featuresDir = join(tckDir, 'features');
  const out: TckQuery[] = [];
  for (const path of listFiles(featuresDir, '.feature')) {
    out.push(...readFeature(relative(featuresDir, path), readFileSync(path, 'utf8')));
  }
  const graphsDir = join(tckDir, 'graphs');
  if (existsSync(graphsDir)) {
    for (const path of listFiles(graphsDir, '.cypher')) {
      out.push({
        file: relative(tckDir, path),
        scenario: '(named graph)',
        role: 'setup',
        text: readFileSync(path, 'utf8'),
        expectedError: null,
        resultColumns: null,
      });
    }
  }
  return out;
}

function listFiles(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listFiles(path, suffix));
    else if (entry.name.endsWith(suffix)) found.push(path);
  }
  return found.sort();
}

interface Scenario {
  name: string;
  steps: { role: TckQuery['role']; text: string }[];
  error: TckError | null;
  header: string[] | null;
  examples: Record<string, string>[];
  outline: boolean;
}

const QUERY_STEP = /^(When executing query|When executing control query|And having executed):\s*$/;
const ERROR_STEP = /a (\w+) should be raised at (compile time|runtime|any time)(?::\s*(\w+))?/;

function readFeature(file: string, text: string): TckQuery[] {
  const lines = text.split(/\r?\n/);
  const scenarios: Scenario[] = [];
  let current: Scenario | null = null;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed.startsWith('#')) continue;
    const scenario = /^Scenario( Outline)?:\s*(.*)$/.exec(trimmed);
    if (scenario !== null) {
      current = { name: scenario[2]!, steps: [], error: null, header: null, examples: [], outline: scenario[1] !== undefined };
      scenarios.push(current);
      continue;
    }
    if (current === null) continue;
    const step = QUERY_STEP.exec(trimmed);
    if (step !== null) {
      const { body, next } = readDocString(lines, i + 1);
      const role = step[1] === 'And having executed' ? 'setup' : step[1] === 'When executing query' ? 'query' : 'control';
      current.steps.push({ role, text: body });
      i = next - 1;
      continue;
    }
    const error = ERROR_STEP.exec(trimmed);
    if (error !== null) {
      current.error = { type: error[1]!, phase: error[2]!, detail: error[3] ?? '' };
      continue;
    }
    if (trimmed.startsWith('Then the result should be') && !trimmed.endsWith('empty')) {
      const headerLine = lines[i + 1]?.trim() ?? '';
      if (headerLine.startsWith('|') && current.header === null) current.header = tableCells(headerLine);
      continue;
    }
    if (/^Examples:?/.test(trimmed)) {
      const rows: string[][] = [];
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim().startsWith('|')) rows.push(tableCells(lines[j++]!.trim()));
      const [head, ...body] = rows;
      for (const row of body) current.examples.push(Object.fromEntries(head!.map((name, k) => [name, row[k] ?? ''])));
      i = j - 1;
    }
  }
  const out: TckQuery[] = [];
  for (const scenario of scenarios) {
    const rows: Record<string, string>[] = scenario.outline && scenario.examples.length > 0 ? scenario.examples : [{}];
    for (const row of rows) {
      const fill = (s: string): string => s.replace(/<([^<>\s]+)>/g, (whole, name: string) => row[name] ?? whole);
      for (const step of scenario.steps) {
        out.push({
          file,
          scenario: scenario.name,
          role: step.role,
          text: fill(step.text),
          expectedError: step.role === 'query' ? scenario.error : null,
          resultColumns: step.role === 'query' && scenario.header !== null ? scenario.header.map(fill) : null,
        });
      }
    }
  }
  return out;
}

/** The docstring opening at or after `from`; its lines lose the opening quotes' indentation. */
function readDocString(lines: string[], from: number): { body: string; next: number } {
  let open = from;
  while (lines[open]!.trim() !== '"""') open++;
  const indent = lines[open]!.indexOf('"""');
  const body: string[] = [];
  let i = open + 1;
  while (lines[i]!.trim() !== '"""') {
    const line = lines[i]!;
    let cut = 0;
    while (cut < indent && cut < line.length && (line[cut] === ' ' || line[cut] === '\t')) cut++;
    body.push(line.slice(cut));
    i++;
  }
  return { body: body.join('\n'), next: i + 1 };
}

/** Cells of a Gherkin table row, `\|` and `\\` unescaped. */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < row.length; i++) {
    const char = row[i]!;
    if (char === '\\' && (row[i + 1] === '|' || row[i + 1] === '\\')) {
      cell += row[++i];
    } else if (char === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += char;
    }
  }
  return cells;
}

/** First violation of (A1)/(A2) in the tree, or null. */
export function checkSpans(statement: Statement): string | null {
  const text = statement.source;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) lineStarts.push(i + 1);
  }
  const positionOk = (p: Position): boolean => {
    if (p.offset < 0 || p.offset > text.length || p.line < 1 || p.line > lineStarts.length) return false;
    return lineStarts[p.line - 1]! <= p.offset && p.offset - lineStarts[p.line - 1]! + 1 === p.column &&
      (p.line === lineStarts.length || p.offset < lineStarts[p.line]!);
  };
  const stack: { node: AstNode; parent: AstNode | null }[] = [{ node: statement, parent: null }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    const { start, end } = node.span;
    if (!positionOk(start) || !positionOk(end)) return `${node.kind}: bad position ${JSON.stringify(node.span)}`;
    if (start.offset > end.offset) return `${node.kind}: span ends before it starts`;
    if (parent !== null && (start.offset < parent.span.start.offset || end.offset > parent.span.end.offset)) {
      return `${node.kind} [${start.offset}, ${end.offset}) lies outside its parent ${parent.kind} [${parent.span.start.offset}, ${parent.span.end.offset})`;
    }
    for (const child of childrenOf(node)) stack.push({ node: child, parent: node });
  }
  return null;
}

/**
 * A prefix rendering: literals as written, `(op left right)` for operators, `(cmp a < b)`
 * for comparison chains, `(not x)`, `(-u x)`, `f(args)`, `x.key`, `x[i]`, `x[a..b]`, `x:L`.
 * Other forms render as their kind followed by their parts.
 */
export function render(e: Expression | null): string {
  if (e === null) return '_';
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return e.text;
    case 'StringLiteral':
      return JSON.stringify(e.value);
    case 'BooleanLiteral':
      return String(e.value);
    case 'NullLiteral':
      return 'null';
    case 'Variable':
      return e.name;
    case 'Parameter':
      return `$${e.name}`;
    case 'PropertyAccess':
      return `${render(e.object)}.${e.key.name}`;
    case 'IndexAccess':
      return `${render(e.object)}[${render(e.index)}]`;
    case 'SliceAccess':
      return `${render(e.object)}[${render(e.from)}..${render(e.to)}]`;
    case 'LabelTest':
      return `${render(e.subject)}${e.labels.map((l) => `:${l.name}`).join('')}`;
    case 'Binary':
    case 'Logical':
    case 'StringPredicate':
      return `(${e.operator} ${render(e.left)} ${render(e.right)})`;
    case 'Comparison':
      return `(cmp ${e.operands.map((o, i) => `${render(o)}${i < e.operators.length ? ` ${e.operators[i]}` : ''}`).join(' ')})`;
    case 'Not':
      return `(not ${render(e.operand)})`;
    case 'Unary':
      return `(${e.operator}u ${render(e.operand)})`;
    case 'InList':
      return `(in ${render(e.element)} ${render(e.list)})`;
    case 'IsNull':
      return `(${e.negated ? 'is-not-null' : 'is-null'} ${render(e.operand)})`;
    case 'FunctionCall':
      return `${[...e.name.namespace, e.name.name].join('.')}(${e.distinct ? 'DISTINCT ' : ''}${e.arguments.map(render).join(', ')})`;
    case 'CountStar':
      return 'count(*)';
    case 'ListLiteral':
      return `[${e.elements.map(render).join(', ')}]`;
    case 'MapLiteral':
      return `{${e.entries.map((entry) => `${entry.key.name}: ${render(entry.value)}`).join(', ')}}`;
    case 'Case':
      return `(case ${render(e.test)} ${e.alternatives.map((a) => `[${render(a.when)} ${render(a.then)}]`).join(' ')} ${render(e.else)})`;
    case 'ListComprehension':
      return `(list ${e.variable.name} ${render(e.list)} ${render(e.where)} ${render(e.projection)})`;
    case 'Quantifier':
      return `(${e.quantifier} ${e.variable.name} ${render(e.list)} ${render(e.where)})`;
    case 'Reduce':
      return `(reduce ${e.accumulator.name} ${render(e.init)} ${e.variable.name} ${render(e.list)} ${render(e.expression)})`;
    default:
      return e.kind;
  }
}
