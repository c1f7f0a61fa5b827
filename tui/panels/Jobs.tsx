// Jobs: running jobs with a progress bar (phase, done/total, percent), then recent results,
// newest first, one line each (✓ succeeded, ✖ failed with its error code, ⊘ cancelled).

import type { JobInfo } from '../../src/ops/job-types.js';
import { ratioBar } from '../charts.js';
import { formatAgo, formatCount, formatDuration } from '../format.js';
import { fitLine, joinParts, Lines, seg, type Line } from '../lines.js';
import { JOB_SYMBOL, JOB_TONE } from './common.js';
import { contentHeight, contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface JobsProps extends PanelGeometry {
  jobs: { running: JobInfo[]; recent: JobInfo[] };
  takenAtMs: number;
}

/** "backup  copying pages  ██████░░░░  61%  6,100/10,000  12s" */
export function runningJobLine(job: JobInfo, width: number, nowMs: number): Line {
  const { phase, done, total } = job.progress;
  const known = total > 0;
  const ratio = known ? Math.min(1, done / total) : 0;
  const barWidth = Math.max(4, Math.min(20, Math.floor(width / 5)));
  return joinParts(
    [
      { line: [seg(`${JOB_SYMBOL.running} `, 'accent'), seg(job.kind, 'strong')], priority: 0 },
      { line: [seg(phase || 'starting', 'label')], priority: 4 },
      { line: known ? [seg(ratioBar(ratio, barWidth), 'accent')] : [], priority: 2 },
      { line: known ? [seg(`${Math.floor(ratio * 100)}%`, 'strong')] : [], priority: 1 },
      { line: [seg(known ? `${formatCount(done)}/${formatCount(total)}` : `${formatCount(done)} done`)], priority: 3 },
      { line: [seg(formatDuration(Math.max(0, nowMs - job.startedAtMs) / 1000), 'dim')], priority: 5 },
    ],
    width,
    [seg('  ')],
  );
}

/** "✓ verify succeeded 2m ago (4s)" / "✖ backup failed 5m ago: IO_NO_SPACE no space left" */
export function recentJobLine(job: JobInfo, width: number, nowMs: number): Line {
  const ended = job.endedAtMs ?? nowMs;
  const line: Line = [
    seg(`${JOB_SYMBOL[job.state]} `, JOB_TONE[job.state]),
    seg(job.kind, 'strong'),
    seg(` ${job.state}`, JOB_TONE[job.state]),
    seg(` ${formatAgo(ended, nowMs)}`, 'dim'),
    seg(` (${formatDuration(Math.max(0, ended - job.startedAtMs) / 1000)})`, 'dim'),
    ...(job.state === 'failed' && job.error ? [seg(': ', 'label'), seg(job.error.code, 'bad'), seg(` ${job.error.message}`)] : []),
  ];
  return fitLine(line, width);
}

export function newestFirst(jobs: readonly JobInfo[]): JobInfo[] {
  return [...jobs].sort((a, b) => (b.endedAtMs ?? b.startedAtMs) - (a.endedAtMs ?? a.startedAtMs) || b.id - a.id);
}

export function jobsLines(p: JobsProps): Line[] {
  const width = contentWidth(p);
  const rows = contentHeight(p);
  const running = p.jobs.running;
  const recent = newestFirst(p.jobs.recent);
  const content: Line[] = [];
  if (running.length === 0) {
    const last = recent[0];
    if (rows <= 1 && last) content.push(fitLine([seg('none running · last: ', 'dim'), ...recentJobLine(last, width, p.takenAtMs)], width));
    else content.push([seg('none running', 'dim')]);
    for (const job of recent.slice(rows <= 1 ? 1 : 0, Math.max(0, rows - 1))) content.push(recentJobLine(job, width, p.takenAtMs));
  } else {
    const runningRows = recent.length > 0 && rows > running.length ? rows - 1 : rows;
    if (running.length <= runningRows) for (const job of running) content.push(runningJobLine(job, width, p.takenAtMs));
    else {
      for (const job of running.slice(0, runningRows - 1)) content.push(runningJobLine(job, width, p.takenAtMs));
      content.push([seg(`+${running.length - (runningRows - 1)} more running`, 'dim')]);
    }
    for (const job of recent.slice(0, rows - content.length)) content.push(recentJobLine(job, width, p.takenAtMs));
  }
  const note = running.length > 0 ? `${running.length} running` : '';
  return panelLines(content, 'Jobs', 'Jobs', note, p);
}

export function JobsPanel(props: JobsProps) {
  return <Lines lines={jobsLines(props)} width={props.width} height={props.height} />;
}
