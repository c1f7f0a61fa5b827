// Values in TCK result and parameter cells (FORMAT.md "Values in result and parameter
// cells"), and the matcher that compares an engine's results with them.
//
//   value  := null | true | false | float | int | string | list | map | node | rel | path
//   int    := -?[0-9]+                       → bigint (must fit 64 bits)
//   float  := -?(d+.d+([eE][+-]?d+)? | d+[eE][+-]?d+) | NaN | Inf | -Inf     → number
//   string := '...' with \' and \\ escapes   (other backslashes are literal)
//   list   := [ ] | [ value (, value)* ]
//   map    := { } | { key : value (, key : value)* }     key: identifier or `quoted`
//   node   := ( (:Label)* map? )              no identity: labels as a set, plus properties
//   rel    := [ :TYPE map? ]                   a '[' followed by ':' is a relationship
//   path   := < node ( -rel-> node | <-rel- node )* >
// Gherkin escapes (\|, \n, \\) are undone by the table reader before these rules apply.
//
// Matching (matchValue): INTEGER and FLOAT never match each other; NaN matches NaN; lists
// are ordered unless `listsAsMultisets` ("ignoring element order for lists"); maps match
// by key set and values; nodes by label set and properties; relationships by type and
// properties; paths node by node, relationship by relationship, including each
// relationship's direction. Rows match as a multiset ("in any order") or a sequence ("in
// order"); column names must be exactly the header's (in any column order).

import { formatLiteral, formatName, quoteString } from '../../src/cypher/runtime/format.js';
import { formatFloat } from '../../src/cypher/runtime/format-number.js';
import {
  NodeResult,
  PathResult,
  RelationshipResult,
  isValueMap,
  type ResultMap,
  type ResultValue,
  type Value,
  type ValueMap,
} from '../../src/cypher/runtime/values.js';

export class TckNode {
  constructor(
    readonly labels: string[],
    readonly properties: TckMap,
  ) {}
}
export class TckRelationship {
  constructor(
    readonly type: string,
    readonly properties: TckMap,
  ) {}
}
export interface TckPathStep {
  relationship: TckRelationship;
  /** true for -[r]->: the relationship points from the previous node to the next. */
  forward: boolean;
}
export class TckPath {
  constructor(
    readonly nodes: TckNode[],
    readonly steps: TckPathStep[],
  ) {}
}
export type TckValue = null | boolean | bigint | number | string | TckValue[] | TckMap | TckNode | TckRelationship | TckPath;
export interface TckMap {
  [key: string]: TckValue;
}

/** A cell that does not follow the grammar, with the position of the problem. */
export class TckValueSyntaxError extends Error {
  constructor(
    readonly text: string,
    readonly position: number,
    message: string,
  ) {
    super(`${message} at position ${position} in ${JSON.stringify(text)}`);
    this.name = 'TckValueSyntaxError';
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NUMBER = /^-?(\d+\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;

class CellParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseAll(): TckValue {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the value');
    return value;
  }

  private fail(message: string): never {
    throw new TckValueSyntaxError(this.text, this.pos, message);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  private expect(token: string): void {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) this.fail(`expected '${token}'`);
    this.pos += token.length;
  }

  private tryWord(word: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.text[this.pos + word.length];
    if (after !== undefined && /[A-Za-z0-9_]/.test(after)) return false;
    this.pos += word.length;
    return true;
  }

  private value(): TckValue {
    const ch = this.peek();
    switch (ch) {
      case "'":
        return this.string();
      case '[':
        return this.text[this.pos + 1 + this.spacesAfter(this.pos + 1)] === ':' ? this.relationship() : this.list();
      case '{':
        return this.map();
      case '(':
        return this.node();
      case '<':
        return this.path();
      default:
        break;
    }
    if (this.tryWord('null')) return null;
    if (this.tryWord('true')) return true;
    if (this.tryWord('false')) return false;
    if (this.tryWord('NaN')) return Number.NaN;
    if (this.tryWord('Inf') || this.tryWord('Infinity')) return Number.POSITIVE_INFINITY;
    if (this.tryWord('-Inf') || this.tryWord('-Infinity')) return Number.NEGATIVE_INFINITY;
    return this.number();
  }

  private spacesAfter(index: number): number {
    let n = 0;
    while (/\s/.test(this.text[index + n] ?? '')) n++;
    return n;
  }

  private number(): bigint | number {
    const match = NUMBER.exec(this.text.slice(this.pos));
    if (match === null) this.fail('expected a value');
    this.pos += match[0].length;
    if (/[.eE]/.test(match[0])) return Number(match[0]);
    const value = BigInt(match[0]);
    if (value < INT64_MIN || value > INT64_MAX) this.fail(`integer ${match[0]} is outside the 64-bit range`);
    return value;
  }

  private string(): string {
    this.expect("'");
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === "'") {
        this.pos++;
        return out;
      }
      if (ch === '\\' && (this.text[this.pos + 1] === "'" || this.text[this.pos + 1] === '\\')) {
        out += this.text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      out += ch;
      this.pos++;
    }
    return this.fail('unterminated string');
  }

  private name(): string {
    this.skipSpace();
    if (this.text[this.pos] === '`') {
      const end = this.text.indexOf('`', this.pos + 1);
      if (end < 0) this.fail('unterminated `name`');
      const name = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return name;
    }
    const match = IDENTIFIER.exec(this.text.slice(this.pos));
    if (match === null) this.fail('expected a name');
    this.pos += match[0].length;
    return match[0];
  }

  private list(): TckValue[] {
    this.expect('[');
    const items: TckValue[] = [];
    if (this.peek() === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return items;
    }
  }

  private map(): TckMap {
    this.expect('{');
    const entries: TckMap = {};
    if (this.peek() === '}') {
      this.pos++;
      return entries;
    }
    for (;;) {
      const key = this.name();
      this.expect(':');
      entries[key] = this.value();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return entries;
    }
  }

  private node(): TckNode {
    this.expect('(');
    const labels: string[] = [];
    while (this.peek() === ':') {
      this.pos++;
      labels.push(this.name());
    }
    const properties = this.peek() === '{' ? this.map() : {};
    this.expect(')');
    return new TckNode(labels, properties);
  }

  private relationship(): TckRelationship {
    this.expect('[');
    this.expect(':');
    const type = this.name();
    const properties = this.peek() === '{' ? this.map() : {};
    this.expect(']');
    return new TckRelationship(type, properties);
  }

  private path(): TckPath {
    this.expect('<');
    const nodes = [this.node()];
    const steps: TckPathStep[] = [];
    while (this.peek() !== '>') {
      const backward = this.text.startsWith('<-', this.pos);
      this.expect(backward ? '<-' : '-');
      const relationship = this.relationship();
      this.expect(backward ? '-' : '->');
      steps.push({ relationship, forward: !backward });
      nodes.push(this.node());
    }
    this.expect('>');
    return new TckPath(nodes, steps);
  }
}

/** Parse one cell (after the Gherkin escapes are undone). Throws TckValueSyntaxError. */
export function parseTckValue(text: string): TckValue {
  return new CellParser(text).parseAll();
}

function isPlainMap(value: unknown): value is TckMap {
  return isValueMap(value);
}

/** A parameter value for the engine; nodes, relationships and paths cannot be parameters. */
export function toParameterValue(value: TckValue): Value {
  if (value instanceof TckNode || value instanceof TckRelationship || value instanceof TckPath) {
    throw new Error(`a ${value.constructor.name.slice(3).toLowerCase()} cannot be a query parameter`);
  }
  if (Array.isArray(value)) return value.map(toParameterValue);
  if (isPlainMap(value)) {
    const out: ValueMap = {};
    for (const key of Object.keys(value)) out[key] = toParameterValue(value[key]!);
    return out;
  }
  return value;
}

/** The Cypher-literal text of an expected value (for failure messages). */
export function formatTckValue(value: TckValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return String(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return formatFloat(value);
    case 'string':
      return quoteString(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(formatTckValue).join(', ')}]`;
  if (value instanceof TckNode) return formatTckNode(value);
  if (value instanceof TckRelationship) return formatTckRelationship(value);
  if (value instanceof TckPath) {
    let out = `<${formatTckNode(value.nodes[0]!)}`;
    value.steps.forEach((step, i) => {
      const rel = formatTckRelationship(step.relationship);
      out += `${step.forward ? `-${rel}->` : `<-${rel}-`}${formatTckNode(value.nodes[i + 1]!)}`;
    });
    return `${out}>`;
  }
  return `{${formatTckEntries(value)}}`;
}

function formatTckEntries(map: TckMap): string {
  return Object.keys(map)
    .map((key) => `${formatName(key)}: ${formatTckValue(map[key]!)}`)
    .join(', ');
}

function formatTckNode(node: TckNode): string {
  const labels = node.labels.map((label) => `:${formatName(label)}`).join('');
  const entries = formatTckEntries(node.properties);
  if (entries === '') return `(${labels})`;
  return labels === '' ? `({${entries}})` : `(${labels} {${entries}})`;
}

function formatTckRelationship(rel: TckRelationship): string {
  const entries = formatTckEntries(rel.properties);
  return `[:${formatName(rel.type)}${entries === '' ? '' : ` {${entries}}`}]`;
}

// ── matching ────────────────────────────────────────────────────────────────

function matchMap(actual: Readonly<Record<string, ResultValue>>, expected: TckMap, multisets: boolean): boolean {
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(actual, key)) return false;
    if (!matchValue(actual[key]!, expected[key]!, multisets)) return false;
  }
  return true;
}

function matchNode(actual: NodeResult, expected: TckNode, multisets: boolean): boolean {
  const actualLabels = new Set(actual.labels);
  const expectedLabels = new Set(expected.labels);
  if (actualLabels.size !== expectedLabels.size) return false;
  for (const label of expectedLabels) if (!actualLabels.has(label)) return false;
  return matchMap(actual.properties, expected.properties, multisets);
}

function matchRelationship(actual: RelationshipResult, expected: TckRelationship, multisets: boolean): boolean {
  return actual.type === expected.type && matchMap(actual.properties, expected.properties, multisets);
}

function matchPath(actual: PathResult, expected: TckPath, multisets: boolean): boolean {
  if (actual.nodes.length !== expected.nodes.length || actual.relationships.length !== expected.steps.length) return false;
  for (let i = 0; i < expected.nodes.length; i++) if (!matchNode(actual.nodes[i]!, expected.nodes[i]!, multisets)) return false;
  for (let i = 0; i < expected.steps.length; i++) {
    const rel = actual.relationships[i]!;
    const step = expected.steps[i]!;
    const from = actual.nodes[i]!.id;
    const to = actual.nodes[i + 1]!.id;
    const directionOk = step.forward ? rel.start === from && rel.end === to : rel.start === to && rel.end === from;
    if (!directionOk || !matchRelationship(rel, step.relationship, multisets)) return false;
  }
  return true;
}

/** Match each expected item with a distinct actual item (greedy is exact: matching is an equivalence). */
function matchMultiset<A, E>(actual: readonly A[], expected: readonly E[], match: (a: A, e: E) => boolean): boolean {
  if (actual.length !== expected.length) return false;
  const used = new Array<boolean>(actual.length).fill(false);
  for (const item of expected) {
    const index = actual.findIndex((candidate, i) => !used[i] && match(candidate, item));
    if (index < 0) return false;
    used[index] = true;
  }
  return true;
}

/** Does an engine value match an expected cell value? */
export function matchValue(actual: ResultValue, expected: TckValue, listsAsMultisets = false): boolean {
  if (expected === null) return actual === null;
  switch (typeof expected) {
    case 'boolean':
    case 'bigint':
    case 'string':
      return actual === expected;
    case 'number':
      return typeof actual === 'number' && (actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)));
    default:
      break;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    if (listsAsMultisets) return matchMultiset(actual, expected, (a, e) => matchValue(a, e, true));
    return actual.length === expected.length && expected.every((item, i) => matchValue(actual[i]!, item, false));
  }
  if (expected instanceof TckNode) return actual instanceof NodeResult && matchNode(actual, expected, listsAsMultisets);
  if (expected instanceof TckRelationship) {
    return actual instanceof RelationshipResult && matchRelationship(actual, expected, listsAsMultisets);
  }
  if (expected instanceof TckPath) return actual instanceof PathResult && matchPath(actual, expected, listsAsMultisets);
  return isValueMap(actual) && matchMap(actual as unknown as ResultMap, expected, listsAsMultisets);
}

// ── tables ──────────────────────────────────────────────────────────────────

export interface ExpectedTable {
  columns: string[];
  rows: TckValue[][];
}

/** Parse a result table (first row = header). Throws TckValueSyntaxError for a bad cell. */
export function parseExpectedTable(table: readonly string[][]): ExpectedTable {
  const [header = [], ...rows] = table;
  return {
    columns: header.slice(),
    rows: rows.map((row) => row.map((cell) => parseTckValue(cell))),
  };
}

export interface ActualResult {
  columns: string[];
  rows: ResultValue[][];
}

export interface CompareOptions {
  /** "in order": rows as a sequence. */
  ordered: boolean;
  /** "ignoring element order for lists". */
  listsAsMultisets: boolean;
}

const SHOWN_ROWS = 20;

function showRows(rows: readonly string[][]): string {
  const shown = rows.slice(0, SHOWN_ROWS).map((row) => `  | ${row.join(' | ')} |`);
  if (rows.length > SHOWN_ROWS) shown.push(`  ... ${rows.length - SHOWN_ROWS} more`);
  return shown.length === 0 ? '  (no rows)' : shown.join('\n');
}

/** Compare a result with an expected table: null when they match, else the reason. */
export function compareResult(actual: ActualResult, expected: ExpectedTable, options: CompareOptions): string | null {
  const actualSet = new Set(actual.columns);
  const sameColumns =
    actualSet.size === actual.columns.length &&
    actual.columns.length === expected.columns.length &&
    expected.columns.every((column) => actualSet.has(column));
  if (!sameColumns) {
    return `columns differ: expected [${expected.columns.join(', ')}], got [${actual.columns.join(', ')}]`;
  }
  const order = expected.columns.map((column) => actual.columns.indexOf(column));
  const rows = actual.rows.map((row) => order.map((i) => row[i] ?? null));
  const matchRow = (a: ResultValue[], e: TckValue[]): boolean => e.every((cell, i) => matchValue(a[i]!, cell, options.listsAsMultisets));
  const ok = options.ordered
    ? rows.length === expected.rows.length && expected.rows.every((row, i) => matchRow(rows[i]!, row))
    : matchMultiset(rows, expected.rows, matchRow);
  if (ok) return null;
  return [
    `rows differ (${options.ordered ? 'in order' : 'in any order'}${options.listsAsMultisets ? ', lists unordered' : ''}):`,
    ` expected ${expected.rows.length} row(s) | ${expected.columns.join(' | ')} |`,
    showRows(expected.rows.map((row) => row.map(formatTckValue))),
    ` got ${rows.length} row(s)`,
    showRows(rows.map((row) => row.map((cell) => formatLiteral(cell)))),
  ].join('\n');
}
