// The job framework (DESIGN.md §5): every long operation — checkpoint, compact, backup,
// restore, verify, repair, salvage, index build, import — runs as a job that reports
// progress, can be cancelled, keeps the process responsive and ends with a report object.
// The same job backs the REPL command, the CLI subcommand and the API call.
//
// A job body is an async function that receives a JobContext. It calls `ctx.progress()`
// as it goes and `await ctx.checkpoint()` between steps: that yields to the event loop when
// the current slice has run long enough (so no step blocks the loop for more than about
// sliceMs) and throws CANCELLED once cancel() was called.
//
// Invariants:
//  (J1) At most one exclusive job runs at a time; a second one is refused with JOB_CONFLICT
//       naming the running job.
//  (J2) A job ends exactly once, in one of succeeded / failed / cancelled, and its listeners
//       hear about every state change in order.
//  (J3) Cancellation is cooperative: a body that never calls checkpoint() cannot be
//       cancelled. Every body in ops/ calls it between steps.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { JobError, OmbraError, toOmbraError } from '../errors.js';
import type { JobInfo, JobKind, JobProgress } from './job-types.js';

export type { JobInfo, JobKind, JobProgress, JobState } from './job-types.js';

/** Longest stretch a job body runs before checkpoint() yields to the event loop. */
const DEFAULT_SLICE_MS = 20;
/** Finished jobs kept for `:jobs` and the dashboard. */
const RECENT_LIMIT = 20;

export interface JobContext {
  /** Report progress; fields not given keep their value. Cheap: call it as often as you like. */
  progress(update: Partial<JobProgress>): void;
  /** Yield to the event loop if this slice ran long enough; throw CANCELLED if cancelled. */
  checkpoint(): Promise<void>;
  /** True once cancellation was requested. */
  readonly cancelled: boolean;
  /** Aborted when the job is cancelled (for I/O that accepts a signal). */
  readonly signal: AbortSignal;
}

export interface JobSpec<R> {
  kind: JobKind;
  description: string;
  exclusive?: boolean;
  body: (ctx: JobContext) => Promise<R>;
}

export type JobListener = (info: JobInfo) => void;

/**
 * Access control and audit of jobs plug in here (src/security/security.ts admitJob): admit()
 * runs before a job exists and throws to refuse it; the function it returns hears the end.
 */
export interface JobGuard {
  admit(spec: { kind: JobKind; description: string }): ((info: JobInfo) => void) | undefined;
}

/** A running or finished job. `result` settles with the report or the error. */
export class Job<R = unknown> {
  readonly result: Promise<R>;
  private readonly controller = new AbortController();
  private info: JobInfo;
  private sliceStarted = performance.now();

  constructor(
    id: number,
    spec: JobSpec<R>,
    private readonly registry: JobRegistry,
    private readonly sliceMs: number,
  ) {
    this.info = {
      id,
      kind: spec.kind,
      description: spec.description,
      state: 'running',
      progress: { phase: 'starting', done: 0, total: 0, bytes: 0 },
      startedAtMs: Date.now(),
      endedAtMs: null,
      error: null,
      report: null,
      exclusive: spec.exclusive ?? false,
    };
    const self = this;
    const ctx: JobContext = {
      progress: (update) => this.setProgress(update),
      checkpoint: () => this.checkpoint(),
      get cancelled() {
        return self.controller.signal.aborted;
      },
      signal: this.controller.signal,
    };
    this.result = this.run(spec, ctx);
    // The registry and listeners observe the outcome; callers who never await the result
    // must not see an unhandled rejection.
    this.result.catch(() => undefined);
  }

  get id(): number {
    return this.info.id;
  }

  /** A copy of the job's current state. */
  snapshot(): JobInfo {
    return { ...this.info, progress: { ...this.info.progress } };
  }

  /** Ask the job to stop at its next checkpoint (J3). */
  cancel(): void {
    if (this.info.state === 'running') this.controller.abort();
  }

  private async run(spec: JobSpec<R>, ctx: JobContext): Promise<R> {
    this.registry.notify(this.snapshot());
    try {
      // Let the caller subscribe before the body's first synchronous stretch runs.
      await yieldToEventLoop();
      if (this.controller.signal.aborted) throw cancelledError(this.info);
      const report = await spec.body(ctx);
      this.finish('succeeded', null, report);
      return report;
    } catch (error) {
      const ombra = toOmbraError(error);
      const cancelled = ombra.code === 'CANCELLED' || this.controller.signal.aborted;
      this.finish(cancelled ? 'cancelled' : 'failed', cancelled ? null : { code: ombra.code, message: ombra.message }, null);
      throw cancelled && ombra.code !== 'CANCELLED' ? cancelledError(this.info) : ombra;
    }
  }

  private setProgress(update: Partial<JobProgress>): void {
    const p = this.info.progress;
    const phaseChanged = update.phase !== undefined && update.phase !== p.phase;
    if (update.phase !== undefined) p.phase = update.phase;
    if (update.done !== undefined) p.done = update.done;
    if (update.total !== undefined) p.total = update.total;
    if (update.bytes !== undefined) p.bytes = update.bytes;
    this.registry.notifyProgress(this, phaseChanged);
  }

  private async checkpoint(): Promise<void> {
    if (this.controller.signal.aborted) throw cancelledError(this.info);
    if (performance.now() - this.sliceStarted < this.sliceMs) return;
    await yieldToEventLoop();
    this.sliceStarted = performance.now();
    if (this.controller.signal.aborted) throw cancelledError(this.info);
  }

  private finish(state: JobInfo['state'], error: JobInfo['error'], report: unknown): void {
    this.info.state = state;
    this.info.error = error;
    this.info.report = report;
    this.info.endedAtMs = Date.now();
    this.registry.finished(this);
  }
}

function cancelledError(info: JobInfo): OmbraError {
  return new JobError('CANCELLED', `${info.kind} job ${info.id} (${info.description}) was cancelled`, { jobId: info.id, kind: info.kind });
}

/** All jobs of one open database. */
export class JobRegistry {
  private nextId = 1;
  private readonly running = new Map<number, Job>();
  private readonly recent: JobInfo[] = [];
  private readonly listeners = new Set<JobListener>();
  private lastProgressNotify = 0;
  /** Set by the database (security); null for registries of file-level jobs (CLI restore). */
  guard: JobGuard | null = null;
  private readonly endHooks = new Map<number, (info: JobInfo) => void>();

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {}

  /**
   * Start a job. Throws whatever the guard throws to refuse it (PERMISSION_DENIED), and
   * JOB_CONFLICT when it is exclusive and another exclusive job runs (J1).
   */
  start<R>(spec: JobSpec<R>): Job<R> {
    const onEnd = this.guard?.admit(spec);
    if (spec.exclusive) {
      for (const job of this.running.values()) {
        const info = job.snapshot();
        if (info.exclusive) {
          throw new JobError('JOB_CONFLICT', `cannot start ${spec.kind}: ${info.kind} job ${info.id} (${info.description}) is running; wait for it or cancel it`, {
            running: { id: info.id, kind: info.kind },
            requested: spec.kind,
          });
        }
      }
    }
    const job = new Job<R>(this.nextId++, spec, this, this.sliceMs);
    this.running.set(job.id, job as Job);
    if (onEnd !== undefined) this.endHooks.set(job.id, onEnd);
    return job;
  }

  /** Start a job and wait for its report. */
  run<R>(spec: JobSpec<R>): Promise<R> {
    return this.start(spec).result;
  }

  get(id: number): Job | undefined {
    return this.running.get(id);
  }

  /** Cancel one job, or every running job when no id is given. Returns how many were asked. */
  cancel(id?: number): number {
    if (id !== undefined) {
      const job = this.running.get(id);
      if (!job) throw new JobError('JOB_NOT_FOUND', `no running job ${id}`, { jobId: id });
      job.cancel();
      return 1;
    }
    for (const job of this.running.values()) job.cancel();
    return this.running.size;
  }

  list(): { running: JobInfo[]; recent: JobInfo[] } {
    return { running: [...this.running.values()].map((j) => j.snapshot()), recent: this.recent.map((j) => ({ ...j, progress: { ...j.progress } })) };
  }

  /** Wait until no job runs (close). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((j) => j.result));
  }

  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal */
  notify(info: JobInfo): void {
    for (const listener of this.listeners) listener(info);
  }

  /**
   * @internal Progress events are rate-limited (every 100 ms) so chatty jobs stay cheap; a new
   * phase is always told, so a listener sees every phase a job goes through.
   */
  notifyProgress(job: Job, phaseChanged = false): void {
    if (this.listeners.size === 0) return;
    const now = performance.now();
    if (!phaseChanged && now - this.lastProgressNotify < 100) return;
    this.lastProgressNotify = now;
    this.notify(job.snapshot());
  }

  /** @internal */
  finished(job: Job): void {
    this.running.delete(job.id);
    const info = job.snapshot();
    this.recent.unshift(info);
    if (this.recent.length > RECENT_LIMIT) this.recent.length = RECENT_LIMIT;
    this.notify(info);
    const onEnd = this.endHooks.get(job.id);
    if (onEnd !== undefined) {
      this.endHooks.delete(job.id);
      onEnd(info);
    }
  }
}
