import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, HistoryFile } from '../../tui/history-file.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ombra-hist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('history file', () => {
  it('round-trips entries with newlines and backslashes', () => {
    for (const entry of ['RETURN 1;', 'MATCH (n)\nRETURN n;', "RETURN 'a\\\\nb';", 'x\r\ny', '\\']) {
      const line = encodeEntry(entry);
      expect(line).not.toMatch(/[\r\n]/);
      expect(decodeEntry(line)).toBe(entry);
    }
  });

  it('starts empty when the file is missing and creates it private', async () => {
    const path = join(dir, 'h');
    const file = new HistoryFile(path, 10);
    expect(await file.load()).toEqual([]);
    await file.append('RETURN 1;');
    expect(readFileSync(path, 'utf8')).toBe('RETURN 1;\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keeps the newest entries and compacts the file when it grows past twice the cap', async () => {
    const path = join(dir, 'h');
    writeFileSync(path, Array.from({ length: 5 }, (_, i) => `old ${i}\n`).join(''));
    const file = new HistoryFile(path, 3);
    expect(await file.load()).toEqual(['old 2', 'old 3', 'old 4']);
    await file.append('new 1');
    // Six lines is not yet past twice the cap: appended, not rewritten.
    expect(readFileSync(path, 'utf8').trim().split('\n')).toEqual(['old 0', 'old 1', 'old 2', 'old 3', 'old 4', 'new 1']);
    await file.append('new 2');
    await file.append('new 3');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.slice(-3)).toEqual(['new 1', 'new 2', 'new 3']);
    expect(await new HistoryFile(path, 3).load()).toEqual(['new 1', 'new 2', 'new 3']);
  });

  it('reports a file it cannot write and keeps going', async () => {
    const errors: string[] = [];
    const file = new HistoryFile(join(dir, 'missing-dir', 'h'), 10, (m) => errors.push(m));
    await file.append('RETURN 1;');
    await file.append('RETURN 2;');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('cannot save history');
  });
});
