// The dashboard draws lines of styled segments. Panels build `Line[]` with the helpers here
// (pure functions of their snapshot slice), and <Lines> renders them. Building text first
// gives exact control over widths (every line is cut to its box, measured in terminal
// cells) and lets <Lines> skip re-rendering when what is shown did not change.

import { memo } from 'react';
import { Box, Text } from 'ink';
import { displayWidth, truncateToWidth, visible } from './text-width.js';
import { useTheme, type Tone } from './theme.js';

export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
}

export type Line = readonly Segment[];

/** A segment; its text is made terminal-safe here (see text-width.ts `visible`). */
export function seg(text: string, tone?: Tone): Segment {
  return tone ? { text: visible(text), tone } : { text: visible(text) };
}

export function lineWidth(line: Line): number {
  let w = 0;
  for (const s of line) w += displayWidth(s.text);
  return w;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** `line` cut to at most `width` cells; an ellipsis marks the cut. */
export function fitLine(line: Line, width: number): Line {
  if (lineWidth(line) <= width) return line;
  const out: Segment[] = [];
  let room = width;
  for (const s of line) {
    const w = displayWidth(s.text);
    if (w < room) {
      out.push(s);
      room -= w;
      continue;
    }
    // This segment reaches the edge while more follows: cut it and mark the cut.
    out.push({ ...s, text: `${truncateToWidth(s.text, room - 1, '')}…` });
    break;
  }
  return out;
}

/** `line` padded with spaces (or cut) to exactly `width` cells. */
export function padLine(line: Line, width: number): Line {
  const fitted = fitLine(line, width);
  const w = lineWidth(fitted);
  return w < width ? [...fitted, { text: ' '.repeat(width - w) }] : fitted;
}

/** A part of a joined line; lower `priority` is kept first when space runs out. */
export interface Part {
  line: Line;
  priority?: number;
}

/**
 * Join `parts` with `separator` in the order given, keeping the most important parts that
 * fit in `width` (by `priority`, then by order); the first kept part is cut if nothing fits.
 */
export function joinParts(parts: readonly (Line | Part)[], width: number, separator: Line = [seg(' · ', 'dim')]): Line {
  const items = parts
    .map((p, index) => ('line' in p ? { line: p.line, priority: p.priority ?? index, index } : { line: p as Line, priority: index, index }))
    .filter((p) => p.line.length > 0 && lineWidth(p.line) > 0);
  const sepWidth = lineWidth(separator);
  const byPriority = [...items].sort((a, b) => a.priority - b.priority || a.index - b.index);
  const kept = new Set<number>();
  let used = 0;
  for (const item of byPriority) {
    const w = lineWidth(item.line) + (kept.size > 0 ? sepWidth : 0);
    if (used + w <= width) {
      kept.add(item.index);
      used += w;
    }
  }
  if (kept.size === 0 && byPriority.length > 0) return fitLine(byPriority[0]!.line, width);
  const out: Segment[] = [];
  for (const item of items) {
    if (!kept.has(item.index)) continue;
    if (out.length > 0) out.push(...separator);
    out.push(...item.line);
  }
  return out;
}

function segmentsEqual(a: Line, b: Line): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.text !== b[i]!.text || a[i]!.tone !== b[i]!.tone) return false;
  return true;
}

export function linesEqual(a: readonly Line[], b: readonly Line[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!segmentsEqual(a[i]!, b[i]!)) return false;
  return true;
}

interface LinesProps {
  lines: readonly Line[];
  width: number;
  /** Rows the block takes; missing lines are blank, extra lines are dropped. */
  height?: number;
}

/** Render lines, each cut to `width`. Memoised on the text shown, not on object identity. */
export const Lines = memo(
  function Lines({ lines, width, height }: LinesProps) {
    const theme = useTheme();
    const rows = height ?? lines.length;
    const shown: Line[] = [];
    for (let i = 0; i < rows; i++) shown.push(fitLine(lines[i] ?? [], width));
    return (
      <Box flexDirection="column" width={width} height={rows} overflow="hidden">
        {shown.map((line, i) => (
          <Text key={i} wrap="truncate-end">
            {line.length === 0 || lineWidth(line) === 0
              ? ' '
              : line.map((s, j) => (
                  <Text key={j} {...theme.style(s.tone)}>
                    {s.text}
                  </Text>
                ))}
          </Text>
        ))}
      </Box>
    );
  },
  (a, b) => a.width === b.width && a.height === b.height && linesEqual(a.lines, b.lines),
);
