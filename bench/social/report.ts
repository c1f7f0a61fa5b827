// The results file (bench/results/latest.json), the machine description and the tables the
// bench commands print: figures side by side with ombra/peer ratios, and the targets of
// BENCHMARKS.md marked met or missed.

import { cpus, loadavg, release, totalmem } from 'node:os';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Figures = Record<string, number | string>;

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memory_gib: number;
  node: string;
  os: string;
  /** 1-minute load average at the start and the end of the run: above the core count, the machine was busy. */
  loadavg_start: number;
  loadavg_end: number;
  command: string;
  workload: string;
}

export interface BenchResults {
  ombra: Figures;
  sqlite?: Figures;
  kuzu?: Figures;
  machine: MachineInfo;
}

/** BENCHMARKS.md's peer figures (middle of the published ranges): for `npm run bench`, which runs no peer. */
export const PUBLISHED: { sqlite: Figures; kuzu: Figures } = {
  sqlite: {
    engine: 'SQLite 3.53.2 (published in BENCHMARKS.md, not this run)',
    load_nodes_per_s: 795_000,
    load_edges_per_s: 141_000,
    point_lookup_per_s: 266_000,
    hop1_count_per_s: 198_000,
    hop2_distinct_per_s: 34_500,
    scan_avg_ms: 3.2,
    durable_commit_p50_us: 117,
  },
  kuzu: {
    engine: 'Kùzu 0.11.3 (published in BENCHMARKS.md, not this run)',
    load_nodes_per_s: 579_000,
    load_edges_per_s: 2_435_000,
    point_lookup_per_s: 1_700,
    hop1_count_per_s: 860,
    hop2_distinct_per_s: 450,
    scan_avg_ms: 2.45,
    durable_commit_p50_us: 357,
  },
};

export function machineInfo(command: string, workload: string, loadStart: number): MachineInfo {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadavg_start: Math.round(loadStart * 100) / 100,
    loadavg_end: Math.round(loadavg()[0]! * 100) / 100,
    command,
    workload,
  };
}

export function currentLoad(): number {
  return loadavg()[0]!;
}

/** Writes the results atomically (a .tmp file renamed into place). */
export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(results, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

interface Target {
  label: string;
  /** ombra's figure over the reference figure. */
  ratio: (r: BenchResults) => number | null;
  /** 'at-least': met when ratio ≥ bound (rates); 'at-most': met when ratio ≤ bound (times). */
  sense: 'at-least' | 'at-most';
  bound: number;
  against: string;
}

function num(f: Figures | undefined, name: string): number | null {
  const v = f?.[name];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

function over(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a / b;
}

export const TARGETS: Target[] = [
  { label: 'point lookup', ratio: (r) => over(num(r.ombra, 'point_lookup_per_s'), num(r.sqlite, 'point_lookup_per_s')), sense: 'at-least', bound: 1.5, against: 'SQLite' },
  { label: '1-hop count', ratio: (r) => over(num(r.ombra, 'hop1_count_per_s'), num(r.sqlite, 'hop1_count_per_s')), sense: 'at-least', bound: 2, against: 'SQLite' },
  { label: '2-hop distinct', ratio: (r) => over(num(r.ombra, 'hop2_distinct_per_s'), num(r.sqlite, 'hop2_distinct_per_s')), sense: 'at-least', bound: 2, against: 'SQLite' },
  { label: 'node load', ratio: (r) => over(num(r.ombra, 'load_nodes_per_s'), num(r.sqlite, 'load_nodes_per_s')), sense: 'at-least', bound: 1, against: 'SQLite' },
  { label: 'relationship load', ratio: (r) => over(num(r.ombra, 'load_edges_per_s'), num(r.sqlite, 'load_edges_per_s')), sense: 'at-least', bound: 2, against: 'SQLite' },
  { label: 'scan avg(age) time', ratio: (r) => over(num(r.ombra, 'scan_avg_ms'), num(r.sqlite, 'scan_avg_ms')), sense: 'at-most', bound: 1, against: 'SQLite' },
  { label: 'import (relationships)', ratio: (r) => over(num(r.ombra, 'import_edges_per_s'), num(r.kuzu, 'load_edges_per_s')), sense: 'at-least', bound: 0.5, against: 'Kùzu COPY' },
  { label: 'durable commit p50', ratio: (r) => over(num(r.ombra, 'durable_commit_p50_us'), num(r.ombra, 'fdatasync_p50_us')), sense: 'at-most', bound: 1.3, against: 'bare fdatasync' },
  { label: 'group commit (8 committers)', ratio: (r) => over(num(r.ombra, 'group_commit_8_per_s'), num(r.ombra, 'single_commit_per_s')), sense: 'at-least', bound: 5, against: 'one sync per commit' },
];

const FIGURE_ROWS: [string, string][] = [
  ['load_nodes_per_s', 'nodes/s'],
  ['load_edges_per_s', 'rels/s'],
  ['point_lookup_per_s', '/s'],
  ['hop1_count_per_s', '/s'],
  ['hop2_distinct_per_s', '/s'],
  ['scan_avg_ms', 'ms'],
  ['durable_commit_p50_us', 'µs'],
  ['durable_commit_p99_us', 'µs'],
];

function fmt(v: number | string | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return String(Math.round(v * 100) / 100);
}

function ratio(a: number | string | undefined, b: number | string | undefined): string {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×` : '—';
}

/** A markdown table of the figures with ombra/peer ratios (for times, a ratio below 1 is ombra faster). */
export function figureTable(r: BenchResults, peersLabel = ''): string {
  const lines = [
    `| figure | ombra | SQLite${peersLabel} | Kùzu${peersLabel} | ombra/SQLite | ombra/Kùzu |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const [name, unit] of FIGURE_ROWS) {
    lines.push(`| ${name} (${unit}) | ${fmt(r.ombra[name])} | ${fmt(r.sqlite?.[name])} | ${fmt(r.kuzu?.[name])} | ${ratio(r.ombra[name], r.sqlite?.[name])} | ${ratio(r.ombra[name], r.kuzu?.[name])} |`);
  }
  const extras = ['import_nodes_per_s', 'import_edges_per_s', 'fdatasync_p50_us', 'fdatasync_p99_us', 'single_commit_per_s', 'group_commit_8_per_s'];
  for (const name of extras) if (r.ombra[name] !== undefined) lines.push(`| ${name} | ${fmt(r.ombra[name])} | | | | |`);
  return lines.join('\n');
}

/** A markdown table of the BENCHMARKS.md targets, each met or missed. */
export function targetTable(r: BenchResults): string {
  const lines = ['| target | ombra / reference | needed | |', '|---|---:|---:|---|'];
  for (const t of TARGETS) {
    const value = t.ratio(r);
    const needed = `${t.sense === 'at-least' ? '≥' : '≤'} ${t.bound}×`;
    const met = value === null ? 'not measured' : (t.sense === 'at-least' ? value >= t.bound : value <= t.bound) ? 'met' : 'MISSED';
    lines.push(`| ${t.label} vs ${t.against} | ${value === null ? '—' : `${value.toFixed(value < 0.1 ? 3 : 2)}×`} | ${needed} | ${met} |`);
  }
  return lines.join('\n');
}

export function machineLine(m: MachineInfo): string {
  const busy = m.loadavg_start > m.cores || m.loadavg_end > m.cores ? ' — the machine was busy (load average above the core count): figures are noisy' : '';
  return `${m.date} · ${m.cpu} · ${m.cores} cores · ${m.memory_gib} GiB · Node ${m.node} · ${m.os} · load average ${m.loadavg_start} → ${m.loadavg_end}${busy}`;
}
