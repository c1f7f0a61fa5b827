// Text formatting shared by the operations commands (backup, restore, verify, compact, info).
// JSON output never goes through here: `--format json` prints the report object as it is.

import type { VerifyReport } from '../../src/ops/verify-types.js';

/** 1536 -> '1.5 KiB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Aligned `key: value` lines (info, backups). */
export function keyValueLines(entries: [string, string | number | bigint | boolean | null][]): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === null ? '-' : String(v)}`).join('\n') + '\n';
}

/** A verify report as text: a summary line, then one line per problem. */
export function verifyReportText(report: VerifyReport): string {
  const c = report.counts;
  const what =
    report.level === 'backup'
      ? `${c.filesChecked ?? 0} file(s), ${c.pagesChecked ?? 0} page(s) checked`
      : `${c.pagesChecked ?? 0} page(s), ${c.framesChecked ?? 0} WAL frame(s) checked${c.trees !== undefined ? `, ${c.trees} tree(s)` : ''}`;
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const verdict = report.ok ? 'ok' : `${errors} problem(s) found`;
  const lines = [`verify ${report.level} ${report.target}: ${verdict}${warnings > 0 ? `, ${warnings} warning(s)` : ''}: ${what} (${formatMs(report.durationMs)})`];
  for (const p of report.problems) {
    const at = [
      p.location.page !== undefined ? `page ${p.location.page}` : null,
      p.location.tree !== undefined ? `tree ${p.location.tree}` : null,
      p.location.key !== undefined ? `key ${p.location.key}` : null,
      p.location.frame !== undefined ? `frame ${p.location.frame}` : null,
      p.location.file !== undefined ? p.location.file : null,
    ].filter((x) => x !== null);
    lines.push(`  ${p.severity}: ${at.length > 0 ? `[${at.join(', ')}] ` : ''}${p.message}`);
  }
  if (report.truncated) lines.push('  (more problems were found than the report keeps)');
  return lines.join('\n') + '\n';
}
