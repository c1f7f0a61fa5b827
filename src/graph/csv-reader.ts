// A streaming RFC 4180 CSV reader over bytes, for bulk import (bulk-import.ts).
//
// FORMAT ACCEPTED
//   - Records end with LF, CRLF or a lone CR; the last record may lack one. A line with no
//     bytes at all is skipped (blank line); a line holding only a delimiter is a record.
//   - Fields are separated by the delimiter (one byte, default ','). A field that starts with
//     the quote byte (default '"') is quoted: it runs to the next quote not doubled, and may
//     hold delimiters, CR, LF and doubled quotes (""), which stand for one quote. After the
//     closing quote comes the delimiter or the end of the record.
//   - An unquoted field must not contain the quote byte (RFC 4180 §2.5); such input is refused,
//     as are an unclosed quote and bytes after a closing quote, each naming file, line, column.
//   - A UTF-8 byte order mark at the start of a file is skipped.
//
// Positions: `line` is the 1-based physical line where the record starts; fieldLine[i] is the
// line where field i starts (a quoted field may span lines); columns are 1-based field numbers.
//
// Memory: the file is read in chunks of CHUNK_BYTES (tests pass small chunks to put many
// chunk boundaries inside records); a record longer than the buffer grows it.
// Fields are byte ranges into the buffer, valid until the next call of next().
//
// Invariant:
//  (CR1) Only bytes [pos, end) of the buffer are file content: the rest holds stale bytes of
//        earlier chunks, so every look-ahead (a doubled quote, the LF of a CRLF) checks that
//        it stays below `end` first.

import { GraphError } from '../errors.js';
import type { FileHandle, FileSystem } from '../storage/types.js';
import { decodeUtf8 } from './record.js';

const CHUNK_BYTES = 4 << 20;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvDialect {
  /** Field separator byte (default ','). */
  delimiter: number;
  /** Quote byte (default '"'). */
  quote: number;
}

export const DEFAULT_DIALECT: CsvDialect = { delimiter: 0x2c, quote: 0x22 };

/** IMPORT_CSV error naming the file, line and column (1-based; column 0 = the whole record). */
export function csvError(file: string, line: number, column: number, message: string, extra: Record<string, unknown> = {}): GraphError {
  const at = column > 0 ? `line ${line}, column ${column}` : `line ${line}`;
  return new GraphError('IMPORT_CSV', `${file}: ${at}: ${message}`, { file, line, column, ...extra });
}

/** Field flag: the field was quoted. */
export const FIELD_QUOTED = 1;
/** Field flag: the field holds doubled quotes to unescape. */
export const FIELD_ESCAPES = 2;

export class CsvReader {
  /** The bytes the current record's fields point into. */
  buf: Uint8Array;
  /** Number of fields of the current record. */
  count = 0;
  fieldStart: Int32Array = new Int32Array(64);
  fieldEnd: Int32Array = new Int32Array(64);
  fieldFlags: Uint8Array = new Uint8Array(64);
  fieldLine: Int32Array = new Int32Array(64);
  /** Line where the current record starts. */
  line = 0;
  /** Records returned so far. */
  records = 0;
  /** Bytes of the file consumed so far. */
  bytesRead = 0;

  private end = 0;
  private pos = 0;
  private eof = false;
  private filePosition = 0;
  private nextLine = 1;
  private readonly handle: FileHandle;
  private scratch = new Uint8Array(256);

  constructor(
    fs: FileSystem,
    readonly file: string,
    readonly dialect: CsvDialect = DEFAULT_DIALECT,
    chunkBytes: number = CHUNK_BYTES,
  ) {
    this.handle = fs.open(file, { readOnly: true });
    this.buf = new Uint8Array(Math.max(16, chunkBytes));
    this.fill();
    if (this.end >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
  }

  close(): void {
    this.handle.close();
  }

  /** Move the unread bytes to the front and read more; false when the file is exhausted. */
  private fill(): boolean {
    if (this.eof) return false;
    const keep = this.end - this.pos;
    if (this.pos > 0 && keep > 0) this.buf.copyWithin(0, this.pos, this.end);
    this.end = keep;
    this.pos = 0;
    if (this.end === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    const n = this.handle.read(this.buf, this.end, this.buf.length - this.end, this.filePosition);
    this.filePosition += n;
    this.end += n;
    if (n === 0) this.eof = true;
    return n > 0;
  }

  private grow(): void {
    const n = this.fieldStart.length * 2;
    const grow32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.fieldStart = grow32(this.fieldStart);
    this.fieldEnd = grow32(this.fieldEnd);
    this.fieldLine = grow32(this.fieldLine);
    const flags = new Uint8Array(n);
    flags.set(this.fieldFlags);
    this.fieldFlags = flags;
  }

  /** Parse the next record; false at the end of the file. Throws IMPORT_CSV on malformed input. */
  next(): boolean {
    for (;;) {
      const r = this.parse();
      if (r === 1) {
        this.records++;
        return true;
      }
      if (r === 0) return false;
      // r === 2: the record runs past the buffered bytes.
      if (!this.fill()) {
        // No more bytes: parse again knowing this is the end of the file.
        this.eof = true;
      }
    }
  }

  /** 1: a record was parsed; 0: end of file; 2: need more bytes (state unchanged). */
  private parse(): number {
    const buf = this.buf;
    const end = this.end;
    const { delimiter, quote } = this.dialect;
    let i = this.pos;
    let line = this.nextLine;
    // Skip blank lines.
    for (;;) {
      if (i >= end) {
        if (!this.eof) return 2;
        this.pos = i;
        this.nextLine = line;
        return 0;
      }
      const b = buf[i]!;
      if (b === LF) {
        i++;
        line++;
      } else if (b === CR) {
        if (i + 1 >= end && !this.eof) return 2;
        i += i + 1 < end && buf[i + 1] === LF ? 2 : 1;
        line++;
      } else break;
    }
    const recordLine = line;
    let f = 0;
    for (;;) {
      if (f === this.fieldStart.length) this.grow();
      this.fieldLine[f] = line;
      if (i < end && buf[i] === quote) {
        const startLine = line;
        let j = i + 1;
        let flags = FIELD_QUOTED;
        for (;;) {
          if (j >= end) {
            if (!this.eof) return 2;
            throw csvError(this.file, startLine, f + 1, 'the quoted field is never closed (the file ends inside it)');
          }
          const b = buf[j]!;
          if (b === quote) {
            if (j + 1 >= end && !this.eof) return 2;
            if (j + 1 < end && buf[j + 1] === quote) {
              flags |= FIELD_ESCAPES;
              j += 2;
              continue;
            }
            break;
          }
          if (b === LF) line++;
          else if (b === CR && (j + 1 >= end || buf[j + 1] !== LF)) line++;
          j++;
        }
        this.fieldStart[f] = i + 1;
        this.fieldEnd[f] = j;
        this.fieldFlags[f] = flags;
        i = j + 1;
        if (i < end) {
          const b = buf[i]!;
          if (b !== delimiter && b !== LF && b !== CR) {
            throw csvError(this.file, line, f + 1, `unexpected ${describeByte(b)} after the closing quote (a quote inside a quoted field is written as two quotes)`);
          }
        } else if (!this.eof) return 2;
      } else {
        const start = i;
        while (i < end) {
          const b = buf[i]!;
          if (b === delimiter || b === LF || b === CR) break;
          if (b === quote) throw csvError(this.file, line, f + 1, 'a quote inside an unquoted field (quote the whole field and double the quote)');
          i++;
        }
        if (i >= end && !this.eof) return 2;
        this.fieldStart[f] = start;
        this.fieldEnd[f] = i;
        this.fieldFlags[f] = 0;
      }
      f++;
      if (i >= end) break;
      const b = buf[i]!;
      if (b === delimiter) {
        i++;
        continue;
      }
      if (b === CR) {
        if (i + 1 >= end && !this.eof) return 2;
        i += i + 1 < end && buf[i + 1] === LF ? 2 : 1;
      } else i++;
      line++;
      break;
    }
    this.count = f;
    this.line = recordLine;
    this.nextLine = line;
    this.bytesRead += i - this.pos;
    this.pos = i;
    return 1;
  }

  /** True when field i is empty and unquoted (an absent value). */
  isAbsent(i: number): boolean {
    return this.fieldStart[i] === this.fieldEnd[i] && this.fieldFlags[i] === 0;
  }

  /**
   * The raw bytes of field i with doubled quotes unescaped: returns [bytes, start, end] where
   * bytes is the buffer or a scratch copy. Valid until the next call.
   */
  fieldBytes(i: number): [Uint8Array, number, number] {
    const start = this.fieldStart[i]!;
    const end = this.fieldEnd[i]!;
    if ((this.fieldFlags[i]! & FIELD_ESCAPES) === 0) return [this.buf, start, end];
    if (this.scratch.length < end - start) this.scratch = new Uint8Array(end - start);
    const q = this.dialect.quote;
    let n = 0;
    for (let k = start; k < end; k++) {
      const b = this.buf[k]!;
      this.scratch[n++] = b;
      if (b === q) k++;
    }
    return [this.scratch, 0, n];
  }

  /** Field i as a string. */
  text(i: number): string {
    const [bytes, start, end] = this.fieldBytes(i);
    return decodeUtf8(bytes, start, end);
  }

  /** Every field of the current record as strings (headers). */
  texts(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.text(i));
    return out;
  }
}

function describeByte(b: number): string {
  if (b >= 0x21 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** A one-byte dialect character from an option ('\t' and 'tab' allowed); INVALID_ARGUMENT otherwise. */
export function dialectByte(value: string, what: string): number {
  const text = value === 'tab' || value === '\\t' ? '\t' : value;
  if (text.length !== 1 || text.charCodeAt(0) > 0x7f || text === '\n' || text === '\r') {
    throw new GraphError('INVALID_ARGUMENT', `the ${what} must be one ASCII character other than CR and LF (got ${JSON.stringify(value)})`, { [what]: value });
  }
  return text.charCodeAt(0);
}
