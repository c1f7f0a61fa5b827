import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import { MetricsPoller } from '../../tui/metrics-poller.js';
import type { Clock } from '../../tui/types.js';
import { makeSnapshot } from './fixtures.js';

/** A clock whose time and timers move only when the test says. */
class ManualClock implements Clock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now = (): number => this.time;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  /** Advance time, firing due timers in order, letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
    await flush();
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(fetchDelayMs: number | null) {
  const clock = new ManualClock();
  let inFlight = 0;
  let maxInFlight = 0;
  const starts: number[] = [];
  const events: string[] = [];
  const fetch = (): Promise<MetricsSnapshot> => {
    starts.push(clock.now());
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) => {
      if (fetchDelayMs === null) return; // hangs
      clock.setTimeout(() => {
        inFlight--;
        resolve(makeSnapshot());
      }, fetchDelayMs);
    });
  };
  const poller = new MetricsPoller(fetch, 1000, clock, {
    onSnapshot: () => events.push('snapshot'),
    onError: (m) => events.push(`error ${m}`),
    onStall: (s) => events.push(`stall ${s}`),
  });
  return { clock, poller, starts, events, maxInFlight: () => maxInFlight };
}

describe('metrics poller', () => {
  it('polls every interval, measured from the start of the previous poll', async () => {
    const { clock, poller, starts } = setup(200);
    poller.start();
    await clock.advance(3500);
    expect(starts).toEqual([0, 1000, 2000, 3000]);
  });

  it('never overlaps polls when the engine is slower than the interval', async () => {
    const { clock, poller, starts, maxInFlight } = setup(2500);
    poller.start();
    await clock.advance(9999);
    expect(maxInFlight()).toBe(1);
    expect(starts).toEqual([0, 2500, 5000, 7500]);
  });

  it('stops while paused and polls at once on resume; follows a new interval', async () => {
    const { clock, poller, starts } = setup(10);
    poller.start();
    await clock.advance(1500);
    poller.setPaused(true);
    await clock.advance(5000);
    expect(starts).toEqual([0, 1000]);
    poller.setPaused(false);
    await clock.advance(0);
    expect(starts).toEqual([0, 1000, 6500]);
    poller.setInterval(250);
    await clock.advance(600);
    expect(starts).toEqual([0, 1000, 6500, 6750, 7000]);
  });

  it('reports a poll that hangs as stalled', async () => {
    const { clock, poller, starts, events } = setup(null);
    poller.start();
    await clock.advance(10_000);
    expect(starts).toEqual([0]);
    expect(events).toEqual(['stall true']);
  });

  it('reports errors and keeps polling', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    let n = 0;
    const poller = new MetricsPoller(
      () => (++n === 1 ? Promise.reject(new Error('worker gone')) : Promise.resolve(makeSnapshot())),
      1000,
      clock,
      { onSnapshot: () => events.push('snapshot'), onError: (m) => events.push(`error ${m}`), onStall: () => undefined },
    );
    poller.start();
    await clock.advance(1500);
    expect(events).toEqual(['error worker gone', 'snapshot']);
  });
});
