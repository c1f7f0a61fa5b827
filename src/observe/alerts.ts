// The alert ring: the most recent warn / error / fatal log entries, for the dashboard's
// alert panel and the metrics snapshot. Bounded, so a flood of errors costs a fixed amount
// of memory; the oldest entries fall out first.

import type { AlertEntry } from './snapshot.js';

export const ALERT_RING_CAPACITY = 200;
/** Entries a snapshot carries (the newest). */
export const ALERTS_IN_SNAPSHOT = 50;

export class AlertRing {
  private readonly entries: AlertEntry[] = [];
  /** Entries ever pushed (the dashboard can tell new ones from old). */
  total = 0;

  constructor(private readonly capacity = ALERT_RING_CAPACITY) {}

  push(entry: AlertEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    this.total++;
  }

  /** The newest `limit` entries, oldest first (copies). */
  recent(limit = ALERTS_IN_SNAPSHOT): AlertEntry[] {
    return this.entries.slice(Math.max(0, this.entries.length - limit)).map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries.length = 0;
  }
}
