// Turns one statement's result into OutputEvents for the session's format (row-format.ts):
//
//   table  columns, rows { cells }                          the front end lays out the table
//   json   columns, rows { cells: [] per row, json: lines }  cells stay empty: nobody draws them
//   csv    columns, rows { cells: [] per row, csv: lines }
//
// With `resultsAsText` (the dashboard, which only draws tables) json and csv come as text
// events instead: the CSV header, then the lines of each batch.
//
// Past `displayRowCap` rows a front end shows nothing more, only the count, so rows beyond
// it are sent without their text (table: empty cells; text: left out and counted).

import type { ResultValue } from '../src/cypher/runtime/values.js';
import type { OutputEvent, OutputFormat } from './protocol.js';
import { csvHeader, csvRecord, JsonRowWriter, rowCells } from './row-format.js';

export interface ResultEmitterOptions {
  format: OutputFormat;
  resultsAsText: boolean;
  displayRowCap: number;
}

const NO_CELLS: string[] = [];

export class ResultEmitter {
  private json: JsonRowWriter | null = null;
  private columnCount = 0;
  /** Rows emitted so far. */
  rowCount = 0;
  private omittedText = 0;

  constructor(
    private readonly emit: (event: OutputEvent) => Promise<void>,
    private readonly options: ResultEmitterOptions,
  ) {}

  async columns(columns: readonly string[]): Promise<void> {
    this.columnCount = columns.length;
    if (columns.length === 0) return; // a statement without RETURN: only its summary
    const { format, resultsAsText } = this.options;
    if (format === 'json') this.json = new JsonRowWriter(columns);
    if (resultsAsText && format !== 'table') {
      if (format === 'csv') await this.emit({ kind: 'text', text: csvHeader(columns), stream: 'out' });
      return;
    }
    await this.emit({ kind: 'columns', columns: [...columns] });
  }

  /** One batch of rows (the caller keeps batches small: a few hundred rows). */
  async rows(rows: readonly ResultValue[][]): Promise<void> {
    if (rows.length === 0 || this.columnCount === 0) return;
    const { format, resultsAsText, displayRowCap } = this.options;
    const shown = Math.max(0, Math.min(rows.length, displayRowCap - this.rowCount));
    this.rowCount += rows.length;
    if (resultsAsText && format !== 'table') {
      this.omittedText += rows.length - shown;
      if (shown === 0) return;
      const lines = rows.slice(0, shown).map((row) => (format === 'json' ? this.json!.line(row) : csvRecord(row)));
      await this.emit({ kind: 'text', text: lines.join('\n'), stream: 'out' });
      return;
    }
    if (format === 'table') {
      const cells = rows.map((row, i) => (i < shown ? rowCells(row) : NO_CELLS));
      await this.emit({ kind: 'rows', cells });
      return;
    }
    const cells = rows.map(() => NO_CELLS);
    if (format === 'json') await this.emit({ kind: 'rows', cells, json: rows.map((row) => this.json!.line(row)) });
    else await this.emit({ kind: 'rows', cells, csv: rows.map(csvRecord) });
  }

  async end(elapsedMs: number, summary: string): Promise<void> {
    if (this.omittedText > 0) {
      await this.emit({ kind: 'text', text: `… ${this.omittedText} more ${this.omittedText === 1 ? 'row' : 'rows'} not shown`, stream: 'err' });
    }
    await this.emit({ kind: 'end', rowCount: this.rowCount, elapsedMs, summary });
  }
}
