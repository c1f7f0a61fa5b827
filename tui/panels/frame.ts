// The two ways a panel is drawn: inside a rounded frame with its title in the top border
// (wide terminals), or as compact rows behind a fixed-width label (80 columns). A selected
// panel is marked with '▶' so the selection reads without colour too.

import { lineWidth, padLine, seg, type Line } from '../lines.js';
import { padEndToWidth, truncateToWidth } from '../text-width.js';
import type { Tone } from '../theme.js';

export type PanelVariant = 'box' | 'row';

/** Where a panel is drawn and how. `height` counts every row, borders included. */
export interface PanelGeometry {
  width: number;
  height: number;
  variant: PanelVariant;
  selected?: boolean;
}

/** Width of the label column of row panels ("writes/s " fits). */
export const ROW_LABEL_WIDTH = 9;

/** Content width inside a panel of this geometry. */
export function contentWidth(g: PanelGeometry): number {
  return g.variant === 'box' ? Math.max(0, g.width - 4) : Math.max(0, g.width - ROW_LABEL_WIDTH);
}

/** Content rows inside a panel of this geometry. */
export function contentHeight(g: PanelGeometry): number {
  return g.variant === 'box' ? Math.max(0, g.height - 2) : Math.max(0, g.height);
}

/**
 * A frame of exactly `width` × `height` cells around `content`:
 *   ╭─ Title · note ──╮
 *   │ content         │
 *   ╰─────────────────╯
 * Content lines beyond the inner height are dropped; missing ones are blank.
 */
export function framed(content: readonly Line[], title: string, note: string, g: PanelGeometry): Line[] {
  const { width, height } = g;
  if (width < 4 || height < 2) return content.slice(0, Math.max(0, height)).map((l) => l);
  const border: Tone = g.selected ? 'accent' : 'dim';
  const inner = width - 2;
  const head = `${g.selected ? '▶ ' : ''}${title}`;
  const label = truncateToWidth(note ? `${head} · ${note}` : head, Math.max(0, inner - 3));
  const top: Line = label
    ? [seg('╭─ ', border), seg(label, g.selected ? 'selected' : 'strong'), seg(` ${'─'.repeat(Math.max(0, inner - 3 - lineWidth([seg(label)])))}╮`, border)]
    : [seg(`╭${'─'.repeat(inner)}╮`, border)];
  const lines: Line[] = [top];
  for (let i = 0; i < height - 2; i++) {
    lines.push([seg('│ ', border), ...padLine(content[i] ?? [], width - 4), seg(' │', border)]);
  }
  lines.push([seg(`╰${'─'.repeat(inner)}╯`, border)]);
  return lines;
}

/**
 * Compact rows: a label column, content beside it. One label goes on the first row (the
 * others stay blank); an array gives each row its own label.
 */
export function labelled(content: readonly Line[], label: string | readonly string[], g: PanelGeometry): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i < g.height; i++) {
    const text = typeof label === 'string' ? (i === 0 ? label : '') : (label[i] ?? '');
    const marked = g.selected && i === 0 ? `▶${text}` : text;
    const head = seg(`${padEndToWidth(marked, ROW_LABEL_WIDTH - 1)} `, g.selected && i === 0 ? 'selected' : 'label');
    lines.push([head, ...(content[i] ?? [])]);
  }
  return lines;
}

/** Draw `content` for a panel in either variant. */
export function panelLines(content: readonly Line[], title: string, rowLabel: string | readonly string[], note: string, g: PanelGeometry): Line[] {
  return g.variant === 'box' ? framed(content, title, note, g) : labelled(content, rowLabel, g);
}
