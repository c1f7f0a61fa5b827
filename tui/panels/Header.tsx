// The header line: title, the flags an operator must not miss (READ-ONLY, MAINTENANCE,
// ACCESS CONTROL OFF, encrypted), database path, uptime, refresh interval and PAUSED. When
// the line is short, the path is cut from the left and the least important parts go first.

import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import { formatDuration, formatInterval } from '../format.js';
import { joinParts, lineWidth, Lines, seg, type Line, type Part } from '../lines.js';
import { truncateStartToWidth } from '../text-width.js';

export interface HeaderProps {
  title: string;
  /** Null until the first snapshot arrives. */
  database: MetricsSnapshot['database'] | null;
  uptimeSeconds: number | null;
  refreshMs: number;
  paused: boolean;
  /** Why the last metrics poll failed, or null. */
  metricsError: string | null;
  /** Age in seconds of the snapshot when it is overdue, else null. */
  staleSeconds: number | null;
  width: number;
}

export function flagParts(db: MetricsSnapshot['database']): Line[] {
  const flags: Line[] = [];
  if (db.readOnly) flags.push([seg('READ-ONLY', 'warn')]);
  if (db.maintenanceMode) flags.push([seg('MAINTENANCE', 'warn')]);
  if (!db.accessControl) flags.push([seg('ACCESS CONTROL OFF', 'warn')]);
  if (db.encrypted) flags.push([seg('encrypted', 'label')]);
  return flags;
}

export function headerLine(p: HeaderProps): Line {
  const parts: Part[] = [{ line: [seg(p.title, 'strong')], priority: 0 }];
  if (p.paused) parts.push({ line: [seg('PAUSED', 'warn')], priority: 0 });
  if (p.metricsError !== null) parts.push({ line: [seg(`metrics unavailable: ${p.metricsError}`, 'bad')], priority: 1 });
  else if (p.staleSeconds !== null) parts.push({ line: [seg(`metrics ${formatDuration(p.staleSeconds)} old`, 'warn')], priority: 1 });
  if (p.database) for (const flag of flagParts(p.database)) parts.push({ line: flag, priority: 1 });
  else parts.push({ line: [seg('waiting for metrics…', 'dim')], priority: 2 });
  if (p.uptimeSeconds !== null) parts.push({ line: [seg('up ', 'label'), seg(formatDuration(p.uptimeSeconds))], priority: 3 });
  parts.push({ line: [seg('refresh ', 'label'), seg(formatInterval(p.refreshMs))], priority: 4 });
  const withoutPath = joinParts(parts, p.width);
  if (!p.database) return withoutPath;
  // The path takes whatever room is left (at least 12 cells), cut from the left.
  const room = p.width - lineWidth(withoutPath) - 3;
  if (room < 12) return withoutPath;
  const path: Part = { line: [seg(truncateStartToWidth(p.database.path, room))], priority: 0 };
  return joinParts([parts[0]!, path, ...parts.slice(1)], p.width);
}

export function Header(props: HeaderProps) {
  return <Lines lines={[headerLine(props)]} width={props.width} height={1} />;
}
