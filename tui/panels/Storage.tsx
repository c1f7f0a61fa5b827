// Storage: database size, free pages, fragmentation ('—' until analysed), nodes and
// relationships, and the disk space left when the engine measures it.

import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import { formatBytes, formatCompact, formatCount, formatPercent } from '../format.js';
import { joinParts, Lines, seg, type Line } from '../lines.js';
import { kv } from './common.js';
import { contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface StorageProps extends PanelGeometry {
  database: MetricsSnapshot['database'];
  storage: MetricsSnapshot['storage'];
}

export function storageLines(p: StorageProps): Line[] {
  const { database: db, storage } = p;
  const width = contentWidth(p);
  const size: Line = [seg(formatBytes(db.fileSizeBytes), 'strong')];
  const free: Line = [seg(formatCount(db.freePages)), seg(' free pages', 'label')];
  const frag = kv('frag', formatPercent(db.fragmentationPercent));
  const diskFree: Line = storage.diskFreeBytes === null ? [] : kv('disk free', formatBytes(storage.diskFreeBytes));
  let content: Line[];
  if (p.variant === 'box') {
    content = [
      joinParts([[seg('size ', 'label'), ...size], [seg(`${formatCount(db.pageCount)} pages of ${formatBytes(db.pageSizeBytes)}`, 'dim')], free], width),
      joinParts([kv('fragmentation', formatPercent(db.fragmentationPercent)), diskFree], width),
      joinParts([kv('nodes', formatCount(db.nodes)), kv('relationships', formatCount(db.relationships))], width),
    ];
  } else {
    content = [
      joinParts(
        [
          { line: size, priority: 0 },
          { line: free, priority: 3 },
          { line: frag, priority: 1 },
          { line: [seg(formatCompact(db.nodes)), seg(' nodes', 'label')], priority: 2 },
          { line: [seg(formatCompact(db.relationships)), seg(' rels', 'label')], priority: 2 },
          { line: diskFree, priority: 4 },
        ],
        width,
      ),
    ];
  }
  return panelLines(content, 'Storage', 'Storage', '', p);
}

export function StoragePanel(props: StorageProps) {
  return <Lines lines={storageLines(props)} width={props.width} height={props.height} />;
}
