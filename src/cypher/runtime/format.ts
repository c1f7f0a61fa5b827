// Text and JSON renderings of values, for the console table, CSV, error messages and
// `--format json` (DESIGN.md §7).
//
// Text (Cypher literal style):
//   null  true  42  1.0  2.5e-7  NaN  Infinity       numbers: FLOAT always shows '.', 'e' or is NaN/Infinity
//   'it\'s'                                           strings quoted (formatLiteral, and nested in formatCell)
//   [1, 'a']  {a: 1, `odd key`: 2}                    lists and maps
//   (:Person {name: 'Ann'})  ()                       nodes: labels and properties, no id
//   [:KNOWS {since: 1999}]                            relationships
//   <(:A)-[:T]->(:B)<-[:T]-(:C)>                      paths, arrows follow each relationship's direction
// formatCell() prints a top-level STRING raw (a table cell or CSV field shows the text
// itself); formatLiteral() always quotes. Unmaterialised runtime values (refs) print by id:
// (#3), [#7:KNOWS], for error messages.
//
// JSON: toJsonValue() builds the shapes of DESIGN.md §7 —
//   node {"id":1,"labels":["Person"],"properties":{...}}
//   relationship {"id":7,"type":"KNOWS","start":1,"end":2,"properties":{...}}
//   path {"nodes":[...],"relationships":[...]}
// and stringifyJson() writes it. In a JsonValue a bigint is an integer and a number a float:
// INTEGERs (also beyond 2^53) are written as exact JSON integers; finite FLOATs with a
// decimal point or exponent ("1.0"), so a reader that keeps the distinction can; NaN and
// ±Infinity, which JSON cannot express as numbers, become the strings "NaN", "Infinity",
// "-Infinity" (a consumer that needs them can recognise the strings; no JSON parser chokes).

import { formatFloat } from './format-number.js';
import {
  NodeRef,
  NodeResult,
  PathResult,
  PathValue,
  RelationshipRef,
  RelationshipResult,
  type ResultValue,
  type Value,
} from './values.js';

export { formatFloat } from './format-number.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name as Cypher would need it written: bare when an identifier, else in backticks. */
export function formatName(name: string): string {
  return IDENTIFIER.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A Cypher single-quoted string literal. */
export function quoteString(text: string): string {
  const body = text.replace(/[\\'\u0000-\u001f\u007f]/g, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${body}'`;
}

/** `a: 1, b: 'x'` — the inside of a map literal. */
function formatEntries(entries: Readonly<Record<string, ResultValue | Value>>): string {
  return Object.keys(entries)
    .map((key) => `${formatName(key)}: ${formatLiteral(entries[key]!)}`)
    .join(', ');
}

function formatNode(node: NodeResult): string {
  const labels = node.labels.map((label) => `:${formatName(label)}`).join('');
  const entries = formatEntries(node.properties);
  if (entries === '') return `(${labels})`;
  return labels === '' ? `({${entries}})` : `(${labels} {${entries}})`;
}

function formatRelationship(rel: RelationshipResult): string {
  const entries = formatEntries(rel.properties);
  return `[:${formatName(rel.type)}${entries === '' ? '' : ` {${entries}}`}]`;
}

function formatPath(path: PathResult): string {
  let out = `<${formatNode(path.nodes[0]!)}`;
  path.relationships.forEach((rel, i) => {
    const from = path.nodes[i]!;
    const forward = rel.start === from.id;
    const text = formatRelationship(rel);
    out += forward ? `-${text}->` : `<-${text}-`;
    out += formatNode(path.nodes[i + 1]!);
  });
  return `${out}>`;
}

function formatRefPath(path: PathValue): string {
  let out = `<(#${path.nodes[0]!.id})`;
  path.relationships.forEach((rel, i) => {
    const forward = rel.startId === path.nodes[i]!.id;
    const text = `[#${rel.id}:${formatName(rel.typeName)}]`;
    out += `${forward ? `-${text}->` : `<-${text}-`}(#${path.nodes[i + 1]!.id})`;
  });
  return `${out}>`;
}

/** The Cypher literal form of a value (strings quoted everywhere). Cost: O(size of value). */
export function formatLiteral(value: ResultValue | Value): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return formatFloat(value);
    case 'string':
      return quoteString(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((item: ResultValue | Value) => formatLiteral(item)).join(', ')}]`;
  if (value instanceof NodeResult) return formatNode(value);
  if (value instanceof RelationshipResult) return formatRelationship(value);
  if (value instanceof PathResult) return formatPath(value);
  if (value instanceof NodeRef) return `(#${value.id})`;
  if (value instanceof RelationshipRef) return `[#${value.id}:${formatName(value.typeName)}]`;
  if (value instanceof PathValue) return formatRefPath(value);
  return `{${formatEntries(value)}}`;
}

/** A table cell or CSV field: like formatLiteral, but a top-level STRING is its raw text. */
export function formatCell(value: ResultValue | Value): string {
  return typeof value === 'string' ? value : formatLiteral(value);
}

// ── JSON ────────────────────────────────────────────────────────────────────

/** JSON-ready data: bigint = integer, number = float (see the header). */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

function jsonProperties(properties: Readonly<Record<string, ResultValue>>): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(properties)) out[key] = toJsonValue(properties[key]!);
  return out;
}

function jsonNode(node: NodeResult): JsonObject {
  return { id: BigInt(node.id), labels: node.labels.slice(), properties: jsonProperties(node.properties) };
}

function jsonRelationship(rel: RelationshipResult): JsonObject {
  return {
    id: BigInt(rel.id),
    type: rel.type,
    start: BigInt(rel.start),
    end: BigInt(rel.end),
    properties: jsonProperties(rel.properties),
  };
}

/** The JSON shape of a result value (DESIGN.md §7). */
export function toJsonValue(value: ResultValue): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'bigint':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : formatFloat(value);
    default:
      break;
  }
  if (Array.isArray(value)) return value.map((item: ResultValue) => toJsonValue(item));
  if (value instanceof NodeResult) return jsonNode(value);
  if (value instanceof RelationshipResult) return jsonRelationship(value);
  if (value instanceof PathResult) {
    return { nodes: value.nodes.map(jsonNode), relationships: value.relationships.map(jsonRelationship) };
  }
  return jsonProperties(value);
}

/** Write a JsonValue compactly: bigints as exact integers, floats with '.0' or an exponent. */
export function stringifyJson(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? formatFloat(value) : JSON.stringify(formatFloat(value));
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
  const parts = Object.keys(value).map((key) => `${JSON.stringify(key)}:${stringifyJson(value[key]!)}`);
  return `{${parts.join(',')}}`;
}
