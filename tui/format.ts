// How numbers read on the dashboard. Values are rounded to what a person takes in at a
// glance (three significant digits, coarse ages), which also keeps the screen still: a
// display that only changes when the rounded value changes writes nothing to the terminal.
// Formatting is fixed to en-US digits so captures and tests do not depend on the locale.

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** An exact count with thousands separators: 1,234,567. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return GROUPED.format(Math.round(value));
}

/** Three significant digits, without exponent: 0.123, 1.23, 12.3, 123. */
function threeDigits(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return trimZeros(value.toFixed(1));
  if (abs >= 1) return trimZeros(value.toFixed(2));
  if (abs >= 0.001) return trimZeros(value.toFixed(3));
  return '<0.001';
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A count or rate in compact form: 950, 1.23k, 45.6M, 7.89G. */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs < 1000) return abs < 10 && abs !== Math.round(abs) ? threeDigits(value) : String(Math.round(value));
  for (const [limit, suffix] of [
    [1e6, 'k'],
    [1e9, 'M'],
    [1e12, 'G'],
  ] as const) {
    if (abs < limit) {
      const scaled = value / (limit / 1000);
      // 999.95k would print as 1000k; move up a unit instead.
      if (Math.abs(Number(threeDigits(scaled))) < 1000) return `${threeDigits(scaled)}${suffix}`;
    }
  }
  return `${threeDigits(value / 1e12)}T`;
}

/** Bytes in binary units: 512 B, 27.0 MiB, 1.20 GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A latency in milliseconds: 0.42 ms, 9.8 ms, 123 ms, 12.3 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${threeDigits(ms / 1000)} s`;
  if (ms >= 1000) return `${formatCount(ms)} ms`;
  return `${threeDigits(ms)} ms`;
}

/** A ratio 0..1 as a percentage with one decimal: 99.2%. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(1)}%`;
}

/** A percentage value (already 0..100) with one decimal, or '—' when unknown. */
export function formatPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return '—';
  return `${percent.toFixed(1)}%`;
}

/**
 * A duration, coarse on purpose: seconds under a minute, then minutes, hours, days
 * (45s, 12m, 3h 12m, 2d 4h). An operator reads "ckpt 4m ago", not "4m 17s".
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** "12s ago" for an instant relative to `nowMs`; "never" when the instant is 0 or unknown. */
export function formatAgo(atMs: number, nowMs: number): string {
  if (!atMs || !Number.isFinite(atMs)) return 'never';
  return `${formatDuration(Math.max(0, nowMs - atMs) / 1000)} ago`;
}

/** Wall-clock time of day, HH:MM:SS in the host's time zone (alerts, results). */
export function formatClock(atMs: number): string {
  const d = new Date(atMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The refresh interval as the header shows it: 250ms, 1s, 2.5s. */
export function formatInterval(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${trimZeros((ms / 1000).toFixed(2))}s`;
}
