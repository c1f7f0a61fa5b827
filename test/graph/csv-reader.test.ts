// CsvReader (src/graph/csv-reader.ts): records of random fields — quoted, with delimiters,
// quotes, CR, LF and CRLF inside, multi-byte UTF-8 — read back exactly, across the reader's
// chunk boundaries (chunks from 16 bytes up), with LF, CRLF and lone-CR line ends;
// line numbers count physical lines; header and value parsing (csv-header.ts, csv-value.ts).
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { parseHeader } from '../../src/graph/csv-header.js';
import { CsvReader, DEFAULT_DIALECT } from '../../src/graph/csv-reader.js';
import { formatFloat, formatLiteral, parseLiteral, parseScalar } from '../../src/graph/csv-value.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { mulberry32, testSeed, withSeed } from '../support/rng.js';
import { cleanupDirs, workDir } from '../ops/graph-fixture.js';

afterEach(cleanupDirs);

const ALPHABET = ['a', 'b', 'Z', '0', ' ', ',', '"', '\n', '\r', '\r\n', 'é', '😀', ';', '\t'];

function field(rand: () => number): string {
  const n = Math.floor(rand() * (rand() < 0.02 ? 3000 : 12));
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * (rand() < 0.7 ? 5 : ALPHABET.length))]!;
  return s;
}

function encode(value: string, forceQuote: boolean): string {
  return forceQuote || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function readAll(path: string, chunkBytes?: number): { fields: string[][]; lines: number[] } {
  const reader = new CsvReader(new RealFileSystem(), path, DEFAULT_DIALECT, chunkBytes);
  const fields: string[][] = [];
  const lines: number[] = [];
  try {
    while (reader.next()) {
      fields.push(reader.texts());
      lines.push(reader.line);
    }
  } finally {
    reader.close();
  }
  return { fields, lines };
}

describe('CsvReader', () => {
  it('reads random records back exactly across chunk boundaries, whatever the line ends', () => {
    withSeed(testSeed(), (seed) => {
      const rand = mulberry32(seed);
      const dir = workDir();
      const pool = Array.from({ length: 4000 }, () => field(rand));
      for (const eol of ['\n', '\r\n', '\r']) {
        const records: string[][] = [];
        const expectedLines: number[] = [];
        const parts: string[] = ['\ufeff'];
        let line = 1;
        let size = 0;
        while (size < 300_000) {
          const count = 1 + Math.floor(rand() * 5);
          const record = Array.from({ length: count }, () => pool[Math.floor(rand() * pool.length)]!);
          // A record of one empty field would be a blank line, which is skipped: quote it.
          const encoded = record.map((f, i) => encode(f, record.length === 1 && f === '' && i === 0)).join(',');
          records.push(record);
          expectedLines.push(line);
          line += (encoded.match(/\r\n|\r|\n/g) ?? []).length + 1;
          parts.push(encoded, eol);
          size += encoded.length + eol.length;
          if (rand() < 0.01) {
            parts.push(eol); // a blank line
            line++;
          }
        }
        const path = `${dir}/r.csv`;
        parts.pop(); // the last record without a line end
        writeFileSync(path, parts.join(''));
        // Chunks from tiny (a boundary inside nearly every record, and inside CRLF pairs and
        // doubled quotes) to larger than the file.
        for (const chunkBytes of [16, 17, 61, 1000, 4096 + 3, undefined]) {
          let got: ReturnType<typeof readAll>;
          try {
            got = readAll(path, chunkBytes);
          } catch (error) {
            if (error instanceof Error) error.message = `(line end ${JSON.stringify(eol)}, chunks of ${chunkBytes ?? 'default'} bytes) ${error.message}`;
            throw error;
          }
          expect(got.fields.length).toBe(records.length);
          for (let i = 0; i < records.length; i++) {
            if (got.fields[i]!.join('\u0000') !== records[i]!.join('\u0000')) expect({ i, eol, chunkBytes, got: got.fields[i] }).toEqual({ i, eol, chunkBytes, got: records[i] });
          }
          expect(got.lines).toEqual(expectedLines);
        }
      }
    });
  });

  it('names line and column of malformed input', () => {
    const dir = workDir();
    const cases: [string, number, number][] = [
      ['a,b\n"x\ny",z"\n', 3, 2],
      ['a,b\n"x"y,z\n', 2, 1],
      ['a\n\n\n"never closed\n', 4, 1],
    ];
    for (const [text, line, column] of cases) {
      writeFileSync(`${dir}/bad.csv`, text);
      let error: unknown = null;
      try {
        readAll(`${dir}/bad.csv`);
      } catch (e) {
        error = e;
      }
      expect(isOmbraError(error) && error.code).toBe('IMPORT_CSV');
      expect(isOmbraError(error) && error.details).toMatchObject({ line, column });
    }
  });
});

describe('CSV headers and values', () => {
  it('parses neo4j-admin header fields', () => {
    const columns = parseHeader(['uid:ID(User)', 'name', 'age:INT', 'xs:float[]', ':LABEL', 'skip:IGNORE', 'when:value'], 'nodes', 'f.csv', 1, false);
    expect(columns.map((c) => [c.kind, c.name, c.type, c.array, c.idSpace])).toEqual([
      ['id', 'uid', 'string', false, 'User'],
      ['property', 'name', 'string', false, ''],
      ['property', 'age', 'int', false, ''],
      ['property', 'xs', 'float', true, ''],
      ['label', '', 'string', false, ''],
      ['ignore', '', 'string', false, ''],
      ['property', 'when', 'value', false, ''],
    ]);
    const refuse = (fields: string[], kind: 'nodes' | 'relationships'): unknown => {
      try {
        parseHeader(fields, kind, 'f.csv', 1, false);
        return null;
      } catch (e) {
        return isOmbraError(e) ? [e.code, e.details.column] : e;
      }
    };
    expect(refuse(['a:ID', 'b:ID'], 'nodes')).toEqual(['IMPORT_CSV', 2]);
    expect(refuse(['a', 'a:int'], 'nodes')).toEqual(['IMPORT_CSV', 2]);
    expect(refuse([':START_ID', ':END_ID'], 'relationships')).toEqual(['IMPORT_CSV', 0]);
    expect(refuse([':TYPE'], 'nodes')).toEqual(['IMPORT_CSV', 1]);
    expect(refuse([':START_ID', ':END_ID', ':TYPE', ':LABEL'], 'relationships')).toEqual(['IMPORT_CSV', 4]);
  });

  it('parses and formats values exactly', () => {
    expect(parseScalar(' -9223372036854775808 ', 'int')).toEqual({ value: -(2n ** 63n) });
    expect(parseScalar('9223372036854775808', 'int')).toMatchObject({ problem: expect.stringContaining('outside') });
    expect(parseScalar('1e3', 'float')).toEqual({ value: 1000 });
    expect(parseScalar('TRUE', 'boolean')).toEqual({ value: true });
    for (const v of [0.1, -0, NaN, Infinity, -Infinity, 1e21, 5e-324, 123456789012345680000, 2 ** 53]) {
      const back = parseScalar(formatFloat(v), 'float') as { value: number };
      expect(Object.is(back.value, v)).toBe(true);
    }
    const literal = [1n, 'a \'q\' "d" \\ \n', 2.5, true, -0];
    expect(parseLiteral(formatLiteral(literal))).toEqual({ value: literal });
    expect(parseLiteral('[1, [2]]')).toMatchObject({ problem: expect.stringContaining('list inside a list') });
    expect(parseLiteral("'\\u00e9'")).toEqual({ value: 'é' });
  });
});
