// WAL: log size against its auto-checkpoint maximum as a bar, frames waiting for a
// checkpoint, the age of the last checkpoint, pending syncs and (when an archive is
// configured) the archive lag. The bar takes the colour of the engine's wal_size check.

import type { HealthStatus, MetricsSnapshot } from '../../src/observe/snapshot.js';
import { ratioBar } from '../charts.js';
import { formatAgo, formatBytes, formatCompact, formatCount, formatMs } from '../format.js';
import { joinParts, Lines, seg, type Line } from '../lines.js';
import { toneOf } from './common.js';
import { contentHeight, contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface WalProps extends PanelGeometry {
  wal: MetricsSnapshot['wal'];
  takenAtMs: number;
  /** The engine's verdict on WAL size (health check 'wal_size'), null when not reported. */
  status: HealthStatus | null;
}

function ratioOf(wal: MetricsSnapshot['wal']): number | null {
  return wal.maxBytes > 0 ? wal.logBytes / wal.maxBytes : null;
}

function barWithPercent(wal: MetricsSnapshot['wal'], status: HealthStatus | null, barWidth: number): Line {
  const ratio = ratioOf(wal);
  const percent = ratio === null ? '  —' : `${String(Math.round(ratio * 100)).padStart(3)}%`;
  return [seg(ratioBar(ratio ?? 0, barWidth), toneOf(status, 'accent')), seg(` ${percent}`, 'strong')];
}

export function walLines(p: WalProps): Line[] {
  const { wal } = p;
  const width = contentWidth(p);
  const rows = contentHeight(p);
  const size: Line = [seg(formatBytes(wal.logBytes)), seg(' of ', 'label'), seg(formatBytes(wal.maxBytes))];
  const framesPending: Line = [seg(formatCount(wal.framesPendingCheckpoint)), seg(' frames pending', 'label')];
  const checkpoint: Line = [seg('checkpoint ', 'label'), seg(formatAgo(wal.lastCheckpointAtMs, p.takenAtMs))];
  const syncs: Line = [seg('pending syncs ', 'label'), seg(formatCount(wal.pendingSyncs), wal.pendingSyncs > 0 ? 'strong' : undefined)];
  const archive: Line = wal.archiveLagFrames === null ? [] : [seg('archive lag ', 'label'), seg(`${formatCount(wal.archiveLagFrames)} frames`)];
  let content: Line[];
  if (p.variant === 'box') {
    const duration = wal.lastCheckpointDurationMs === null ? [] : [seg(` (${formatMs(wal.lastCheckpointDurationMs)})`, 'dim')];
    content = [
      barWithPercent(wal, p.status, Math.max(0, width - 5)),
      joinParts([size, [seg('file ', 'label'), seg(formatBytes(wal.fileBytes))], [seg(formatCount(wal.frames)), seg(' frames', 'label')]], width),
      joinParts(
        [
          { line: [...checkpoint, ...duration], priority: 0 },
          { line: framesPending, priority: 1 },
        ],
        width,
      ),
      joinParts(
        [
          { line: syncs, priority: 0 },
          { line: archive, priority: 1 },
          { line: [seg('syncs ', 'label'), seg(formatCompact(wal.syncsTotal))], priority: 2 },
          { line: [seg('checkpoints since open ', 'label'), seg(formatCompact(wal.checkpointsTotal))], priority: 3 },
        ],
        width,
      ),
    ];
  } else {
    const shortCheckpoint: Line = [seg('last ckpt ', 'label'), seg(formatAgo(wal.lastCheckpointAtMs, p.takenAtMs))];
    const shortSyncs: Line = [seg(formatCount(wal.pendingSyncs), wal.pendingSyncs > 0 ? 'strong' : undefined), seg(' syncs pending', 'label')];
    const shortSize: Line = [seg(`${formatBytes(wal.logBytes)}/${formatBytes(wal.maxBytes)}`)];
    const bar = barWithPercent(wal, p.status, Math.min(16, Math.max(6, Math.floor(width / 6))));
    content =
      rows >= 2
        ? [joinParts([bar, size, [seg('file ', 'label'), seg(formatBytes(wal.fileBytes))]], width), joinParts([shortCheckpoint, framesPending, shortSyncs, archive], width)]
        : [
            joinParts(
              [
                { line: bar, priority: 0 },
                { line: shortSize, priority: 2 },
                { line: framesPending, priority: 3 },
                { line: shortCheckpoint, priority: 1 },
                { line: shortSyncs, priority: 4 },
                { line: archive, priority: 5 },
              ],
              width,
            ),
          ];
  }
  return panelLines(content, 'WAL', 'WAL', '', p);
}

export function WalPanel(props: WalProps) {
  return <Lines lines={walLines(props)} width={props.width} height={props.height} />;
}
