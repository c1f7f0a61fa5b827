// Health: the engine's verdict (Healthy / Degraded / Unhealthy, a word and a symbol) and the
// message of every failing check, worst first. Checks that pass are only counted.

import type { HealthCheck, HealthReport } from '../../src/observe/snapshot.js';
import { formatAgo } from '../format.js';
import { fitLine, joinParts, Lines, seg, type Line } from '../lines.js';
import { STATUS_SYMBOL, STATUS_TONE, statusSegment } from './common.js';
import { contentHeight, contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface HealthProps extends PanelGeometry {
  health: HealthReport;
  takenAtMs: number;
}

const SEVERITY = { unhealthy: 0, degraded: 1, healthy: 2 } as const;

/** Failing checks, unhealthy before degraded, otherwise in the engine's order. */
export function failingChecks(health: HealthReport): HealthCheck[] {
  return health.checks
    .map((check, index) => ({ check, index }))
    .filter(({ check }) => check.status !== 'healthy')
    .sort((a, b) => SEVERITY[a.check.status] - SEVERITY[b.check.status] || a.index - b.index)
    .map(({ check }) => check);
}

function checkLine(check: HealthCheck): Line {
  return [seg(`${STATUS_SYMBOL[check.status]} `, STATUS_TONE[check.status]), seg(check.name, 'strong'), seg(': ', 'label'), seg(check.message)];
}

/** Lines for `checks` in `rows` rows; the last row says how many did not fit. */
function checkRows(checks: HealthCheck[], rows: number, width: number, kind: 'failing' | 'passing'): Line[] {
  if (rows <= 0) return [];
  if (checks.length <= rows) return checks.map((c) => fitLine(checkLine(c), width));
  const shown = checks.slice(0, rows - 1).map((c) => fitLine(checkLine(c), width));
  shown.push([seg(`+${checks.length - (rows - 1)} more ${kind} checks`, 'dim')]);
  return shown;
}

export function healthLines(p: HealthProps): Line[] {
  const { health } = p;
  const width = contentWidth(p);
  const rows = contentHeight(p);
  const failing = failingChecks(health);
  const passing = health.checks.length - failing.length;
  const summary: Line =
    health.checks.length === 0
      ? [seg('no checks reported', 'dim')]
      : failing.length === 0
        ? [seg(`all ${health.checks.length} checks pass`, 'dim')]
        : [seg(`${failing.length} failing, ${passing} passing`, 'dim')];
  let content: Line[];
  if (p.variant === 'box') {
    // Failing checks first; rows left over list the passing ones, dimmed.
    const failingRows = checkRows(failing, rows - 1, width, 'failing');
    const passingChecks = health.checks.filter((c) => c.status === 'healthy');
    const room = rows - 1 - failingRows.length;
    const passingRows = room > 0 ? checkRows(passingChecks, room, width, 'passing').map((line) => line.map((s) => (s.tone === 'ok' ? s : { ...s, tone: 'dim' as const }))) : [];
    content = [joinParts([statusSegment(health.status), summary, [seg(`checked ${formatAgo(health.checkedAtMs, p.takenAtMs)}`, 'dim')]], width), ...failingRows, ...passingRows];
  } else if (rows <= 1 || failing.length === 0) {
    // One row: the verdict and the worst check, with a count of the others.
    const first = failing[0];
    const more = failing.length > 1 ? [seg(` (+${failing.length - 1} more)`, 'dim')] : [];
    const tail = first ? [...checkLine(first).slice(1), ...more] : summary;
    content = [fitLine([...statusSegment(health.status), seg(' · ', 'dim'), ...tail], width)];
  } else {
    content = [fitLine([...statusSegment(health.status), seg(' · ', 'dim'), ...summary], width), ...checkRows(failing, rows - 1, width, 'failing')];
  }
  return panelLines(content, 'Health', 'Health', '', p);
}

export function HealthPanel(props: HealthProps) {
  return <Lines lines={healthLines(props)} width={props.width} height={props.height} />;
}
