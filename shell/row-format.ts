// Result rows in the three output formats of the CLI contract (DESIGN.md §7).
//
//   json   one object per row, keyed by column name, one per line:
//            {"n":{"id":1,"labels":["Person"],"properties":{"name":"Ann"}},"since":1999}
//          nodes, relationships and paths in the shapes of cypher/runtime/format.ts;
//          INTEGERs exact (also beyond 2^53), FLOATs with '.0' or an exponent.
//   csv    RFC 4180 records: a header of column names, then one record per row; a field is
//          quoted when it holds a comma, a quote, CR, LF or leading/trailing space; null is
//          an empty field, the string "" an empty quoted field (""), so the two stay apart;
//          records end with "\n".
//   table  display strings (formatCell: strings raw, everything else as a Cypher literal);
//          the front end lays them out.

import { formatCell, formatLiteral, stringifyJson, toJsonValue } from '../src/cypher/runtime/format.js';
import type { ResultValue } from '../src/cypher/runtime/values.js';

/** Table cells of one row. */
export function rowCells(row: readonly ResultValue[]): string[] {
  const out = new Array<string>(row.length);
  for (let i = 0; i < row.length; i++) out[i] = formatCell(row[i]!);
  return out;
}

/** Writes rows of one result as JSON lines; the column keys are encoded once. */
export class JsonRowWriter {
  private readonly keys: string[];

  constructor(columns: readonly string[]) {
    this.keys = columns.map((column, i) => `${i === 0 ? '{' : ','}${JSON.stringify(column)}:`);
  }

  /** One row as one line of JSON (no newline). */
  line(row: readonly ResultValue[]): string {
    if (this.keys.length === 0) return '{}';
    let out = '';
    for (let i = 0; i < this.keys.length; i++) out += this.keys[i]! + stringifyJson(toJsonValue(row[i] ?? null));
    return `${out}}`;
  }
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field from text (null: the empty unquoted field). */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (text === '' || NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

/** One value as a CSV field: strings raw, null empty, everything else as a Cypher literal. */
export function csvValue(value: ResultValue): string {
  if (value === null) return '';
  return csvField(typeof value === 'string' ? value : formatLiteral(value));
}

/** One CSV record (no line ending). */
export function csvRecord(row: readonly ResultValue[]): string {
  let out = '';
  for (let i = 0; i < row.length; i++) out += (i === 0 ? '' : ',') + csvValue(row[i]!);
  return out;
}

/** The CSV header record for `columns`. */
export function csvHeader(columns: readonly string[]): string {
  return columns.map((column) => csvField(column)).join(',');
}
