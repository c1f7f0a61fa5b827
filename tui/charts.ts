// Text charts: sparklines (▁▂▃▄▅▆▇█) and ratio bars (█ filled, ░ empty). Every glyph is one
// cell wide, so a chart of width w is exactly w cells; both read without colour.

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface SparklineOptions {
  /**
   * The second (Unix time, seconds) of the last sample. When the history is longer than
   * the width, samples are grouped into buckets aligned to absolute time, so only the
   * newest cell changes from one refresh to the next and the line shifts once per bucket
   * (a still chart writes nothing to the terminal).
   */
  endSecond?: number;
}

/**
 * A sparkline of `values` (one sample per second, oldest first) in exactly `width` cells.
 * When there are more samples than cells, each cell shows the maximum of its bucket (spikes
 * stay visible). Heights are scaled to the largest value shown; all-zero data draws the
 * lowest bar; missing history on the left is blank.
 */
export function sparkline(values: readonly number[], width: number, options: SparklineOptions = {}): string {
  if (width <= 0) return '';
  const cells = bucketMax(values, width, options.endSecond);
  const max = cells.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  let out = ' '.repeat(width - cells.length);
  for (const v of cells) {
    if (v === null) out += ' ';
    else if (max <= 0 || v <= 0) out += LEVELS[0];
    else out += LEVELS[Math.min(LEVELS.length - 1, Math.max(0, Math.ceil((v / max) * LEVELS.length) - 1))];
  }
  return out;
}

/** The samples grouped into at most `width` cells, newest last. */
function bucketMax(values: readonly number[], width: number, endSecond?: number): (number | null)[] {
  const clean = values.map((v) => (Number.isFinite(v) ? v : 0));
  if (clean.length <= width) return clean;
  const perCell = Math.ceil(clean.length / width);
  if (perCell === 1) return clean.slice(clean.length - width);
  const end = endSecond ?? clean.length - 1;
  const lastBucket = Math.floor(end / perCell);
  const cells: (number | null)[] = new Array(width).fill(null);
  for (let i = 0; i < clean.length; i++) {
    const second = end - (clean.length - 1 - i);
    const cell = width - 1 - (lastBucket - Math.floor(second / perCell));
    if (cell < 0) continue;
    const current = cells[cell];
    cells[cell] = current === null || current === undefined ? clean[i]! : Math.max(current, clean[i]!);
  }
  // Leading cells with no sample at all are history we do not have.
  const first = cells.findIndex((c) => c !== null);
  return first <= 0 ? cells : cells.slice(first);
}

/** A bar of exactly `width` cells filled to `ratio` (clamped to 0..1). */
export function ratioBar(ratio: number, width: number): string {
  if (width <= 0) return '';
  const r = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  const filled = Math.round(r * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
