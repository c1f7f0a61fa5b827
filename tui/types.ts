// Types the console's entry point, store and help overlay share.

/** One admin command for the help overlay, e.g. { usage: ':checkpoint [mode]', summary: 'copy the WAL into the database' }. */
export interface CommandHelp {
  usage: string;
  summary: string;
}

/**
 * A key an embedding app adds to the panels (the demo's `w` toggles its workload). Bound
 * only while the panels have focus, listed in the help overlay. `key` is one character and
 * must not be one of the dashboard's own panel keys (p q ? + = - _ :).
 */
export interface ExtraKey {
  key: string;
  label: string;
  run: () => void;
}

/** Timers and time, injectable so tests can drive them. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Refresh intervals the + and - keys step through (ms); the default is 1 s. */
export const REFRESH_STEPS_MS = [250, 500, 1000, 2000, 5000, 10_000] as const;
export const DEFAULT_REFRESH_MS = 1000;

/** The nearest allowed interval to `ms` (0.25 s … 10 s). */
export function clampRefreshMs(ms: number): number {
  if (!Number.isFinite(ms)) return DEFAULT_REFRESH_MS;
  return Math.min(REFRESH_STEPS_MS[REFRESH_STEPS_MS.length - 1], Math.max(REFRESH_STEPS_MS[0], Math.round(ms)));
}
