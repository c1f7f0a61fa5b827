// How the line shell prints OutputEvents. Results go to stdout and nothing else does, so a
// script can parse them: JSON lines, CSV records or table text. Messages, summaries, timing,
// progress and errors go to stderr. A progress line is drawn only when stderr is a terminal.
//
// Backpressure: when stdout's buffer is full (write() returned false) the sink returns a
// promise that settles on 'drain', and the session pulls no more rows until then (session.ts
// SS4), so a 2,000,000-row result never sits in memory. When the reader of stdout goes away
// (EPIPE, `| head`), the printer marks itself closed and the sink fails the run; the shell
// then stops quietly.

import { OmbraError } from '../src/errors.js';
import type { OutputEvent, OutputFormat } from './protocol.js';
import type { EventSink } from './session.js';
import { csvHeader } from './row-format.js';
import { TextTable } from './text-table.js';

export interface OutStream {
  write(text: string): unknown;
  /** Present on real streams: backpressure waits for 'drain' (without it, writes never wait). */
  once?(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  off?(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  isTTY?: boolean;
}

export interface ErrStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface LinePrinterOptions {
  /** The session's current format (it changes with :format). */
  format: () => OutputFormat;
  /** Print the line under each result (rows, changes, timing) on stderr. */
  summaries: () => boolean;
  /** Draw a progress line for jobs (only when stderr is a terminal). */
  progress: boolean;
}

/** Where a unit came from, for error messages of scripts: `<stdin>:12`. */
export interface UnitLocation {
  name: string;
  line: number;
}

export class LinePrinter {
  /** The reader of stdout went away. */
  stdoutClosed = false;
  private table: TextTable | null = null;
  private progressShown = false;

  constructor(
    private readonly stdout: OutStream,
    private readonly stderr: ErrStream,
    private readonly options: LinePrinterOptions,
  ) {
    stdout.on?.('error', (error: Error) => {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') this.stdoutClosed = true;
    });
  }

  /** The event sink for one unit of input. */
  sink(location: UnitLocation | null): EventSink {
    return (event) => this.print(event, location);
  }

  /** Write to stderr (clears a progress line first). */
  message(text: string): void {
    this.clearProgress();
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  print(event: OutputEvent, location: UnitLocation | null): void | Promise<void> {
    if (this.stdoutClosed) return; // the reader left (`| head`): nothing more to say
    if (event.kind !== 'progress') this.clearProgress();
    switch (event.kind) {
      case 'columns':
        this.table = null;
        if (this.options.format() === 'table') this.table = new TextTable(event.columns);
        else if (this.options.format() === 'csv') return this.out(`${csvHeader(event.columns)}\n`);
        return;
      case 'rows':
        if (event.json) return this.out(`${event.json.join('\n')}\n`);
        if (event.csv) return this.out(`${event.csv.join('\n')}\n`);
        if (this.table) {
          const text = this.table.add(event.cells);
          return text === '' ? undefined : this.out(text);
        }
        return;
      case 'end': {
        const table = this.table;
        this.table = null;
        const pending = table ? this.out(table.finish()) : undefined;
        if (this.options.summaries()) this.stderr.write(`${event.summary}\n`);
        return pending;
      }
      case 'text':
        if (event.stream === 'err') {
          this.stderr.write(`${event.text}\n`);
          return;
        }
        return this.out(`${event.text}\n`);
      case 'report':
        return this.out(this.options.format() === 'json' ? `${event.json}\n` : `${event.text}\n`);
      case 'error': {
        this.table = null;
        const where = location ? `${location.name}:${location.line + (event.line ?? 1) - 1}: ` : '';
        const excerpt = event.excerpt ? `\n${event.excerpt}` : '';
        this.stderr.write(`ombra: ${where}${event.code}: ${event.message}${excerpt}\n`);
        return;
      }
      case 'progress':
        this.drawProgress(event);
        return;
    }
  }

  /** Write a result; a promise when stdout asks to wait (backpressure). */
  private out(text: string): void | Promise<void> {
    if (this.stdoutClosed) throw new OmbraError('IO', 'stdout was closed by its reader', { stream: 'stdout' });
    if (this.stdout.write(text) !== false || !this.stdout.once) return;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.stdout.off?.('drain', done);
        this.stdout.off?.('close', closed);
        resolve();
      };
      const closed = (): void => {
        this.stdoutClosed = true;
        done();
      };
      this.stdout.once!('drain', done);
      this.stdout.once!('close', closed);
    });
  }

  private drawProgress(event: Extract<OutputEvent, { kind: 'progress' }>): void {
    if (!this.options.progress || !this.stderr.isTTY) return;
    const width = Math.max(10, Math.min(40, (this.stderr.columns ?? 80) - 50));
    const ratio = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
    const bar = event.total > 0 ? ` [${'#'.repeat(Math.round(ratio * width)).padEnd(width, '.')}] ${(ratio * 100).toFixed(0).padStart(3)}%` : '';
    this.stderr.write(`\r\u001b[2K${event.phase}${bar}`);
    this.progressShown = true;
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.progressShown = false;
    this.stderr.write('\r\u001b[2K');
  }
}
