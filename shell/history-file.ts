// The REPL history file, shared by the dashboard and the line shell (the apps pass ~/.ombra_history).
//
// Format: UTF-8, one entry per line, oldest first. Inside an entry a backslash is written
// "\\", a newline "\n" and a carriage return "\r", so a multi-line statement stays one line.
// The file is created with mode 0600 (statements can hold secrets) and kept short: when it
// grows past twice the entry cap it is rewritten with the newest entries (temp file, then
// rename, so a crash never leaves half a history).
//
// Writes are appended in submit order through one promise chain; a failure never reaches
// the REPL as an exception, it is reported once through `onError` and writing goes on.

import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';

export function encodeEntry(entry: string): string {
  return entry.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function decodeEntry(line: string): string {
  return line.replace(/\\(\\|n|r)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

export class HistoryFile {
  private chain: Promise<void> = Promise.resolve();
  private linesInFile = 0;
  private entries: string[] = [];

  /**
   * @param path the file; missing is fine (created on the first append).
   * @param maxEntries entries kept (oldest dropped first).
   * @param onError told (once per failure) when the file cannot be read or written.
   */
  constructor(
    readonly path: string,
    readonly maxEntries: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** The saved entries, oldest first, at most maxEntries. A missing file is an empty history. */
  async load(): Promise<string[]> {
    try {
      const text = await readFile(this.path, 'utf8');
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      this.linesInFile = lines.length;
      this.entries = lines.map(decodeEntry).slice(-this.maxEntries);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(`cannot read history ${this.path}: ${(error as Error).message}`);
      this.entries = [];
    }
    return [...this.entries];
  }

  /** Append one entry (in call order); compacts the file when it has grown too long. */
  append(entry: string): Promise<void> {
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    const snapshot = [...this.entries];
    this.chain = this.chain.then(async () => {
      try {
        if (this.linesInFile + 1 > this.maxEntries * 2) {
          const tmp = `${this.path}.${process.pid}.tmp`;
          await writeFile(tmp, snapshot.map((e) => `${encodeEntry(e)}\n`).join(''), { mode: 0o600 });
          await rename(tmp, this.path);
          this.linesInFile = snapshot.length;
        } else {
          await appendFile(this.path, `${encodeEntry(entry)}\n`, { mode: 0o600 });
          this.linesInFile++;
        }
      } catch (error) {
        this.onError(`cannot save history to ${this.path}: ${(error as Error).message}`);
      }
    });
    return this.chain;
  }

  /** Resolves when every append so far has reached the file (or failed). */
  flush(): Promise<void> {
    return this.chain;
  }
}
