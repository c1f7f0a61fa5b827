// Page cache: hit rate over the engine's window, resident pages against capacity, dirty
// pages and evictions. The hit rate takes the colour of the engine's cache_hit_rate check.

import type { HealthStatus, MetricsSnapshot } from '../../src/observe/snapshot.js';
import { ratioBar } from '../charts.js';
import { formatCompact, formatCount, formatRatio } from '../format.js';
import { joinParts, Lines, seg, type Line } from '../lines.js';
import { kv, toneOf } from './common.js';
import { contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface CacheProps extends PanelGeometry {
  cache: MetricsSnapshot['cache'];
  /** The engine's verdict on the hit rate (health check 'cache_hit_rate'). */
  status: HealthStatus | null;
}

export function cacheLines(p: CacheProps): Line[] {
  const { cache } = p;
  const width = contentWidth(p);
  const hit = kv('hit', formatRatio(cache.hitRate), toneOf(p.status, 'strong'));
  const resident: Line = [seg(`${formatCount(cache.residentPages)}/${formatCount(cache.capacityPages)}`), seg(' pages', 'label')];
  const dirty: Line = [seg(formatCount(cache.dirtyPages)), seg(' dirty', 'label')];
  const evictions: Line = [seg(formatCount(cache.evictionsTotal)), seg(' evictions', 'label')];
  let content: Line[];
  if (p.variant === 'box') {
    const fill = cache.capacityPages > 0 ? cache.residentPages / cache.capacityPages : 0;
    const head = joinParts([hit, [seg('resident ', 'label'), ...resident]], width);
    content = [
      head,
      joinParts([dirty, evictions, [seg(formatCompact(cache.missesTotal)), seg(' misses', 'label')]], width),
      [seg(ratioBar(fill, Math.max(0, width - 10)), 'accent'), seg(' resident', 'label')],
    ];
  } else {
    content = [
      joinParts(
        [
          { line: hit, priority: 0 },
          { line: resident, priority: 1 },
          { line: dirty, priority: 2 },
          { line: evictions, priority: 3 },
        ],
        width,
      ),
    ];
  }
  return panelLines(content, 'Page cache', 'Cache', '', p);
}

export function CachePanel(props: CacheProps) {
  return <Lines lines={cacheLines(props)} width={props.width} height={props.height} />;
}
