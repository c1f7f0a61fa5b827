import { describe, expect, it } from 'vitest';
import { JobRegistry, type JobInfo } from '../../src/ops/job.js';

describe('job framework', () => {
  it('runs a job to its report and records it as recent', async () => {
    const jobs = new JobRegistry();
    const job = jobs.start({
      kind: 'verify',
      description: 'verify test',
      body: async (ctx) => {
        ctx.progress({ phase: 'counting', total: 3 });
        for (let i = 1; i <= 3; i++) {
          await ctx.checkpoint();
          ctx.progress({ done: i });
        }
        return { problems: 0 };
      },
    });
    expect(jobs.list().running.map((j) => j.id)).toEqual([job.id]);
    await expect(job.result).resolves.toEqual({ problems: 0 });
    const { running, recent } = jobs.list();
    expect(running).toEqual([]);
    expect(recent[0]).toMatchObject({ id: job.id, state: 'succeeded', report: { problems: 0 }, progress: { phase: 'counting', done: 3, total: 3 } });
  });

  it('cancels at the next checkpoint and reports CANCELLED', async () => {
    const jobs = new JobRegistry(0);
    let steps = 0;
    const job = jobs.start({
      kind: 'backup',
      description: 'endless',
      body: async (ctx) => {
        for (;;) {
          await ctx.checkpoint();
          steps++;
        }
      },
    });
    // Cancel once the body runs (a fixed sleep raced the job's start on a loaded machine).
    while (steps === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(jobs.cancel()).toBe(1);
    await expect(job.result).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(steps).toBeGreaterThan(0);
    expect(jobs.list().recent[0]!.state).toBe('cancelled');
  });

  it('refuses a second exclusive job with JOB_CONFLICT naming the running one', async () => {
    const jobs = new JobRegistry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = jobs.start({ kind: 'compact', description: 'compact', exclusive: true, body: () => gate });
    expect(() => jobs.start({ kind: 'backup', description: 'backup', exclusive: true, body: async () => 1 })).toThrowError(
      expect.objectContaining({ code: 'JOB_CONFLICT', details: expect.objectContaining({ running: { id: first.id, kind: 'compact' } }) }),
    );
    // Non-exclusive jobs may run beside it.
    await expect(jobs.run({ kind: 'verify', description: 'verify', body: async () => 'ok' })).resolves.toBe('ok');
    release();
    await first.result;
    await expect(jobs.run({ kind: 'backup', description: 'backup', exclusive: true, body: async () => 2 })).resolves.toBe(2);
  });

  it('records a failed job with its error code and tells listeners every state in order', async () => {
    const jobs = new JobRegistry();
    const seen: JobInfo['state'][] = [];
    jobs.subscribe((info) => seen.push(info.state));
    const job = jobs.start({
      kind: 'restore',
      description: 'restore',
      body: async () => {
        throw new Error('boom');
      },
    });
    await expect(job.result).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(seen).toEqual(['running', 'failed']);
    expect(jobs.list().recent[0]!.error).toEqual({ code: 'INTERNAL', message: 'boom' });
  });

  it('keeps the event loop responsive: a long body yields between slices', async () => {
    const jobs = new JobRegistry(10);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await jobs.run({
      kind: 'verify',
      description: 'busy',
      body: async (ctx) => {
        const until = performance.now() + 120;
        while (performance.now() < until) await ctx.checkpoint();
      },
    });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });
});
