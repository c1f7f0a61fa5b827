// Property values as text in CSV fields (bulk import and export), as neo4j-admin import writes
// them, plus one ombra extension for values its typed columns cannot hold exactly.
//
// TYPED COLUMNS (header `name:type`, type names case-insensitive)
//   int, long, short, byte   INTEGER: optional sign and decimal digits, exact over −2^63..2^63−1
//   float, double            FLOAT: decimal or exponent notation, NaN, Infinity, -Infinity; -0 kept
//   boolean                  true / false
//   string, char             STRING: the field as is (UTF-8)
//   T[] for each of those    LIST: items separated by the array delimiter (default ';')
//   value (ombra)            any storable value as a Cypher literal: 1, 1.0, 'text', "text",
//                            true, [1, 'a', 2.5]; strings take \\ \' \" \n \r \t \b \f \/ \uXXXX
//
// EMPTY FIELDS
//   An empty unquoted field is an absent property (no value). A quoted empty field ("") is the
//   empty string in a string column and the empty list in an array column, and an error in any
//   other column. Surrounding spaces are trimmed for int, float and boolean (and array items of
//   those types); strings keep them.
//
// What a typed column cannot hold, and export (ops/export.ts) therefore writes as `value`: a list
// mixing item types, a string list with an empty item or an item holding the array delimiter,
// and a key whose values differ in type between the nodes (or relationships) of one file.

import { GraphError } from '../errors.js';
import { checkStorable } from './property-rules.js';
import { INT64_MAX, INT64_MIN, type PropertyValue } from './value.js';

export type CsvBaseType = 'int' | 'float' | 'boolean' | 'string' | 'value';

const TYPE_ALIASES: Record<string, CsvBaseType> = {
  int: 'int',
  long: 'int',
  short: 'int',
  byte: 'int',
  integer: 'int',
  float: 'float',
  double: 'float',
  boolean: 'boolean',
  string: 'string',
  char: 'string',
  value: 'value',
};

/** The base type and list flag of a header type name, or null when unknown. */
export function parseTypeName(name: string): { type: CsvBaseType; array: boolean } | null {
  const lower = name.trim().toLowerCase();
  const array = lower.endsWith('[]');
  const base = TYPE_ALIASES[array ? lower.slice(0, -2) : lower];
  if (base === undefined || (array && base === 'value')) return null;
  return { type: base, array };
}

const FLOAT_PATTERN = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Infinity)$/;

/** Why a text is not a value of the type (null when it parses); the parsed value in `out`. */
export function parseScalar(text: string, type: Exclude<CsvBaseType, 'value'>): { value: PropertyValue } | { problem: string } {
  switch (type) {
    case 'string':
      return { value: text };
    case 'int': {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) return { problem: `${quoteText(text)} is not an integer` };
      const v = BigInt(t);
      if (v < INT64_MIN || v > INT64_MAX) return { problem: `${quoteText(text)} is outside the 64-bit integer range` };
      return { value: v };
    }
    case 'float': {
      const t = text.trim();
      if (t === 'NaN') return { value: NaN };
      if (!FLOAT_PATTERN.test(t)) return { problem: `${quoteText(text)} is not a float` };
      return { value: Number(t) };
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (t === 'true') return { value: true };
      if (t === 'false') return { value: false };
      return { problem: `${quoteText(text)} is not a boolean (true or false)` };
    }
  }
}

function quoteText(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

// ── Cypher literals (the `value` type) ─────────────────────────────────────────

/** Parse a Cypher literal (the `value` type): a storable value, else { problem }. */
export function parseLiteral(text: string): { value: PropertyValue } | { problem: string } {
  const p = new LiteralParser(text);
  try {
    p.skipSpace();
    const value = p.value(0);
    p.skipSpace();
    if (p.at < text.length) return { problem: `unexpected ${quoteText(text.slice(p.at, p.at + 10))} after the value at character ${p.at + 1}` };
    checkStorable(value, 'value');
    return { value };
  } catch (error) {
    if (error instanceof LiteralProblem) return { problem: error.message };
    if (error instanceof GraphError) return { problem: error.message };
    throw error;
  }
}

class LiteralProblem extends Error {}

class LiteralParser {
  at = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  fail(what: string): never {
    throw new LiteralProblem(`${what} at character ${this.at + 1} of ${quoteText(this.text)}`);
  }

  value(depth: number): PropertyValue {
    const t = this.text;
    const c = t[this.at];
    if (c === undefined) this.fail('a value is missing');
    if (c === '[') {
      if (depth > 0) this.fail('a list inside a list cannot be stored');
      this.at++;
      const items: PropertyValue[] = [];
      this.skipSpace();
      if (t[this.at] === ']') {
        this.at++;
        return items;
      }
      for (;;) {
        this.skipSpace();
        items.push(this.value(depth + 1));
        this.skipSpace();
        const d = t[this.at];
        if (d === ',') {
          this.at++;
          continue;
        }
        if (d === ']') {
          this.at++;
          return items;
        }
        this.fail("expected ',' or ']'");
      }
    }
    if (c === "'" || c === '"') return this.string(c);
    const word = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Infinity)|NaN|true|false|TRUE|FALSE|True|False)/.exec(t.slice(this.at));
    if (word === null) this.fail('expected a number, string, boolean or list');
    const w = word[0];
    this.at += w.length;
    const lower = w.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (w === 'NaN') return NaN;
    if (/^[+-]?\d+$/.test(w)) {
      const v = BigInt(w);
      if (v < INT64_MIN || v > INT64_MAX) this.fail(`integer ${w} is outside the 64-bit range`);
      return v;
    }
    return Number(w);
  }

  string(q: string): string {
    const t = this.text;
    this.at++;
    let out = '';
    for (;;) {
      const c = t[this.at];
      if (c === undefined) this.fail('the string is never closed');
      this.at++;
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.at++];
      switch (e) {
        case '\\':
        case "'":
        case '"':
        case '/':
          out += e;
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          const hex = t.slice(this.at, this.at + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u needs four hex digits');
          out += String.fromCharCode(parseInt(hex, 16));
          this.at += 4;
          break;
        }
        default:
          this.fail(`unknown escape \\${e ?? ''}`);
      }
    }
  }
}

// ── formatting (export) ─────────────────────────────────────────────────────────

/** A FLOAT as text that parses back to the same bits (−0 and NaN included). */
export function formatFloat(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value)) return `${value}.0`.replace('e+', 'e').replace(/e(-?\d+)\.0$/, 'e$1');
  return String(value);
}

/** A value as a Cypher literal (the `value` type); FLOATs always show as floats. */
export function formatLiteral(value: PropertyValue): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return formatFloat(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    default:
      if (Array.isArray(value)) return `[${value.map(formatLiteral).join(', ')}]`;
      throw new GraphError('PROPERTY_TYPE', `a ${value === null ? 'null' : 'map'} cannot be written as a property value`, {});
  }
}

/** The CSV type of one stored value (scalar base type and list flag), or 'value' when no typed column holds it exactly. */
export function csvTypeOf(value: PropertyValue, arrayDelimiter: string): { type: CsvBaseType; array: boolean } {
  if (!Array.isArray(value)) return { type: scalarType(value), array: false };
  if (value.length === 0) return { type: 'value', array: false };
  const first = scalarType(value[0]!);
  for (const item of value) {
    if (scalarType(item) !== first) return { type: 'value', array: false };
    if (typeof item === 'string' && (item.length === 0 || item.includes(arrayDelimiter))) return { type: 'value', array: false };
  }
  return { type: first, array: true };
}

function scalarType(value: PropertyValue): CsvBaseType {
  switch (typeof value) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      return 'value';
  }
}

/** Text of a value in a column of the given type (the caller quotes it for CSV). */
export function formatTyped(value: PropertyValue, type: CsvBaseType, array: boolean, arrayDelimiter: string): string {
  if (type === 'value') return formatLiteral(value);
  if (array) return (value as PropertyValue[]).map((item) => formatScalar(item)).join(arrayDelimiter);
  return formatScalar(value);
}

function formatScalar(value: PropertyValue): string {
  if (typeof value === 'number') return formatFloat(value);
  return String(value);
}
