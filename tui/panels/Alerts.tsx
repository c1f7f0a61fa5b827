// Alerts: recent warnings and errors, newest first: time, level word, code, message.

import type { AlertEntry } from '../../src/observe/snapshot.js';
import { formatClock } from '../format.js';
import { fitLine, Lines, seg, type Line } from '../lines.js';
import type { Tone } from '../theme.js';
import { contentHeight, contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface AlertsProps extends PanelGeometry {
  alerts: AlertEntry[];
}

const LEVEL: Record<AlertEntry['level'], { word: string; tone: Tone }> = {
  warn: { word: 'WARN ', tone: 'warn' },
  error: { word: 'ERROR', tone: 'bad' },
  fatal: { word: 'FATAL', tone: 'bad' },
};

export function alertLine(alert: AlertEntry, width: number): Line {
  const level = LEVEL[alert.level];
  return fitLine(
    [seg(`${formatClock(alert.atMs)} `, 'dim'), seg(level.word, level.tone), seg(' '), ...(alert.code ? [seg(`${alert.code} `, 'strong')] : []), seg(alert.message)],
    width,
  );
}

export function alertsLines(p: AlertsProps): Line[] {
  const width = contentWidth(p);
  const rows = contentHeight(p);
  const newest = [...p.alerts].sort((a, b) => b.atMs - a.atMs);
  const content: Line[] =
    newest.length === 0 ? [[seg('no recent warnings or errors', 'dim')]] : newest.slice(0, rows).map((a) => alertLine(a, width));
  if (newest.length > rows && rows > 1) content[rows - 1] = [seg(`+${newest.length - rows + 1} older`, 'dim')];
  return panelLines(content, 'Alerts', 'Alerts', newest.length > 0 ? `${newest.length}` : '', p);
}

export function AlertsPanel(props: AlertsProps) {
  return <Lines lines={alertsLines(props)} width={props.width} height={props.height} />;
}
