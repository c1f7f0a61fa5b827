// Where everything goes for a terminal size. The dashboard is exactly `rows - 1` lines tall
// (ink redraws the whole screen when its output reaches the last row, so one row is left
// free) and every region has a fixed height, so the input line's row is known (the
// terminal cursor is placed there) and nothing can push a line off screen.
//
//   mode      when                           panels
//   wide      ≥ 110 columns and ≥ 32 rows    framed panels in two columns, jobs | alerts below
//   standard  ≥ 80×24                        one compact row (or a few) per panel
//   compact   smaller                        one or two summary lines
//
// Top to bottom: header · panels · output separator · scrollback · completions · input ·
// status. The input keeps its line at every size (a 1-row terminal shows only the input).

import type { PanelId } from './panels/common.js';

export type LayoutMode = 'wide' | 'standard' | 'compact';

export interface PanelSlot {
  id: PanelId;
  /** Column (cells) and row (lines) of the top-left corner, relative to the panel area. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  mode: LayoutMode;
  width: number;
  /** Lines the dashboard draws (rows - 1, at least 1). */
  height: number;
  header: number;
  /** Summary lines (compact mode). */
  summary: number;
  /** Panel area lines, and the panels in it (standard/wide). */
  panelArea: number;
  panels: PanelSlot[];
  separator: number;
  scrollback: number;
  completions: number;
  input: number;
  status: number;
}

export interface LayoutInput {
  columns: number;
  rows: number;
  /** Lines of the input buffer (1 for a one-line statement). */
  inputLines: number;
  completions: boolean;
  /** Failing health checks, running jobs and alerts: standard mode gives them rows when it can. */
  failingChecks: number;
  runningJobs: number;
  alerts: number;
}

const SCROLLBACK_MIN = 6;

export function computeLayout(input: LayoutInput): Layout {
  const width = Math.max(1, Math.floor(input.columns) || 80);
  const height = Math.max(1, (Math.floor(input.rows) || 24) - 1);
  const mode: LayoutMode = width < 80 || height < 23 ? 'compact' : width >= 110 && height >= 31 ? 'wide' : 'standard';
  const base: Layout = { mode, width, height, header: 0, summary: 0, panelArea: 0, panels: [], separator: 0, scrollback: 0, completions: 0, input: 1, status: 0 };

  if (mode === 'compact') {
    // Priority: input, first summary line, status, second summary line, then output.
    let left = height - 1;
    const maxInput = height >= 8 ? 2 : 1;
    const extraInput = Math.min(Math.max(0, input.inputLines - 1), maxInput - 1, Math.max(0, left - 2));
    base.input += extraInput;
    left -= extraInput;
    if (left > 0) {
      base.summary = 1;
      left--;
    }
    if (left > 0) {
      base.status = 1;
      left--;
    }
    if (left >= 4) {
      base.summary = 2;
      left--;
    }
    if (input.completions && left >= 2) {
      base.completions = 1;
      left--;
    }
    base.scrollback = left;
    return base;
  }

  base.header = 1;
  base.status = 1;
  base.separator = 1;
  const maxInput = mode === 'wide' ? 6 : 4;
  base.input = Math.min(Math.max(1, input.inputLines), maxInput);
  base.completions = input.completions ? 1 : 0;
  const fixed = base.header + base.status + base.separator + base.input + base.completions;
  const budget = height - fixed - SCROLLBACK_MIN;

  if (mode === 'wide') {
    const left = Math.floor(width / 2);
    const right = width - left;
    const lowerRow = budget >= 23 ? 6 : 4;
    base.panels = [
      { id: 'throughput', x: 0, y: 0, width: left, height: 6 },
      { id: 'latency', x: 0, y: 6, width: left, height: 5 },
      { id: 'wal', x: 0, y: 11, width: left, height: 6 },
      { id: 'health', x: left, y: 0, width: right, height: 7 },
      { id: 'cache', x: left, y: 7, width: right, height: 5 },
      { id: 'storage', x: left, y: 12, width: right, height: 5 },
      { id: 'jobs', x: 0, y: 17, width: left, height: lowerRow },
      { id: 'alerts', x: left, y: 17, width: right, height: lowerRow },
    ];
    base.panelArea = 17 + lowerRow;
  } else {
    // Rows beyond the essentials go, in order, to failing checks, running jobs, WAL detail, alerts.
    let spare = Math.max(0, budget - 8);
    const take = (wanted: number): number => {
      const got = Math.max(0, Math.min(wanted, spare));
      spare -= got;
      return got;
    };
    const latencyWidth = Math.min(56, Math.max(43, Math.floor(width * 0.45)));
    const throughputWidth = width - latencyWidth - 1;
    const health = 1 + take(Math.min(2, input.failingChecks - 1));
    const jobs = 1 + take(Math.min(2, input.runningJobs - 1));
    const wal = 1 + take(1);
    const alerts = input.alerts > 0 ? take(2) : 0;
    let y = 0;
    const slot = (id: PanelId, h: number, x = 0, w = width): PanelSlot => {
      const s = { id, x, y, width: w, height: h };
      y += h;
      return s;
    };
    base.panels = [
      { id: 'throughput', x: 0, y: 0, width: throughputWidth, height: 3 },
      { id: 'latency', x: throughputWidth + 1, y: 0, width: latencyWidth, height: 3 },
    ];
    y = 3;
    base.panels.push(slot('wal', wal), slot('cache', 1), slot('storage', 1), slot('health', health), slot('jobs', jobs));
    if (alerts > 0) base.panels.push(slot('alerts', alerts));
    base.panelArea = y;
  }
  // Standard: panelArea ≤ budget by construction, so at least SCROLLBACK_MIN lines remain.
  // Wide: at the smallest wide size with a 6-line input and completions, 0 remain.
  base.scrollback = Math.max(0, height - fixed - base.panelArea);
  return base;
}
