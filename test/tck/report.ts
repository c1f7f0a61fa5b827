// Summaries of a TCK run: pass rates per feature folder, the core subset and everything,
// the failing cases, and the --json report.
//
// The text report ends with exactly these two lines (scripts grep them):
//   tck core subset: P passed, F failed
//   tck all: P passed, F failed

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './runner.js';

export interface Tally {
  passed: number;
  failed: number;
}

export interface Summary {
  /** Per folder of features/ (e.g. 'clauses/match'), sorted by folder. */
  folders: { folder: string; passed: number; failed: number }[];
  core: Tally;
  all: Tally;
}

/** The feature files listed in CORE_SUBSET.txt (paths relative to features/). */
export function readCoreSubset(tckDir: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(join(tckDir, 'CORE_SUBSET.txt'), 'utf8');
  } catch {
    return new Set();
  }
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

export function folderOf(featurePath: string): string {
  const slash = featurePath.lastIndexOf('/');
  return slash < 0 ? '.' : featurePath.slice(0, slash);
}

function count(tally: Tally, result: CaseResult): void {
  if (result.status === 'passed') tally.passed++;
  else tally.failed++;
}

export function summarize(results: readonly CaseResult[], coreFiles: ReadonlySet<string>): Summary {
  const folders = new Map<string, Tally>();
  const core: Tally = { passed: 0, failed: 0 };
  const all: Tally = { passed: 0, failed: 0 };
  for (const result of results) {
    const folder = folderOf(result.featurePath);
    let tally = folders.get(folder);
    if (tally === undefined) {
      tally = { passed: 0, failed: 0 };
      folders.set(folder, tally);
    }
    count(tally, result);
    count(all, result);
    if (coreFiles.has(result.featurePath)) count(core, result);
  }
  return {
    folders: [...folders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([folder, t]) => ({ folder, ...t })),
    core,
    all,
  };
}

function percent(tally: Tally): string {
  const total = tally.passed + tally.failed;
  return total === 0 ? '  -  ' : `${((100 * tally.passed) / total).toFixed(1).padStart(5)}%`;
}

function oneLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

export function caseName(result: CaseResult): string {
  const example = result.exampleNumber === undefined ? '' : ` (example ${result.exampleNumber})`;
  return `${result.featurePath}: ${result.scenarioName}${example}`;
}

/** The text report: failing cases (unless quiet), the folder table, the two summary lines. */
export function formatReport(results: readonly CaseResult[], summary: Summary, options: { listFailures: boolean }): string {
  const lines: string[] = [];
  if (options.listFailures) {
    for (const result of results) {
      if (result.status === 'failed') lines.push(`FAIL ${caseName(result)} — ${oneLine(result.reason ?? '')}`);
    }
    if (lines.length > 0) lines.push('');
  }
  const width = Math.max(6, ...summary.folders.map((f) => f.folder.length));
  for (const f of summary.folders) {
    lines.push(`${f.folder.padEnd(width)}  ${String(f.passed).padStart(5)} / ${String(f.passed + f.failed).padEnd(5)} passed ${percent(f)}`);
  }
  lines.push(`tck core subset: ${summary.core.passed} passed, ${summary.core.failed} failed`);
  lines.push(`tck all: ${summary.all.passed} passed, ${summary.all.failed} failed`);
  return lines.join('\n');
}

/** Write every case with its status and failure reason, plus the summary. */
export function writeJsonReport(file: string, engine: string, results: readonly CaseResult[], summary: Summary): void {
  const report = { engine, generatedAt: new Date().toISOString(), summary, cases: results };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
