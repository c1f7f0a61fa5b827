// The dashboard's ConsoleBackend: the database and the ShellSession run in a worker thread
// (engine-worker.ts), so the UI thread keeps drawing, taking keys and honouring Ctrl-C while a
// long statement or job runs.
//
//   run()       one unit at a time (the next waits for the previous 'done'); events are
//               acknowledged as they are handed over (flow control, worker-protocol.ts)
//   cancel()    writes the shared cancel flag (seen by the busy statement within a few
//               rows), then posts 'cancel' for jobs
//   metrics()   a snapshot taken by the worker; waits while the worker is inside one long
//               operator (the dashboard then marks its panels stale, it does not freeze)
//   close()     closes the database in the worker, then the worker ends
//
// If the worker dies (a bug, out of memory), every pending call fails with
// SHELL_WORKER_CRASHED and the onCrash listeners hear it once: the console reports it and
// exits with code 1.

import { Worker } from 'node:worker_threads';
import { OmbraError, type ErrorCode } from '../src/errors.js';
import type { MetricsSnapshot } from '../src/observe/snapshot.js';
import { RunCancelFlag } from './cancel-flag.js';
import type { Completion, ConsoleBackend, OutputEvent, RunOutcome } from './protocol.js';
import { ShellError } from './shell-error.js';
import type { EngineWorkerData, FromWorker, SerializedError, ToWorker } from './worker-protocol.js';

export interface WorkerBackendOptions extends Omit<EngineWorkerData, 'cancelBuffer'> {
  /** The worker script; default the compiled engine-worker.js beside this module. */
  workerUrl?: URL;
}

interface PendingRun {
  id: number;
  input: string;
  onEvent: (event: OutputEvent) => void | Promise<void>;
  resolve: (outcome: RunOutcome) => void;
  reject: (error: Error) => void;
}

function revive(error: SerializedError): OmbraError {
  return new OmbraError(error.code as ErrorCode, error.message, error.details);
}

export class WorkerBackend implements ConsoleBackend {
  /** Lines the worker reported at start (metrics URL...), and any sent before onNote was called. */
  readonly notes: string[] = [];
  /** The :command help the worker's session knows (usage, summary), for the help overlay. */
  readonly commands: { usage: string; summary: string }[] = [];
  private readonly flag = RunCancelFlag.create();
  private nextId = 1;
  private running: PendingRun | null = null;
  private readonly queue: PendingRun[] = [];
  private readonly requests = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private crashError: OmbraError | null = null;
  private readonly crashListeners: ((error: OmbraError) => void)[] = [];
  private readonly noteListeners: ((text: string) => void)[] = [];
  private closing: Promise<void> | null = null;
  private stderrTail = '';
  private worker!: Worker;

  private constructor() {}

  /** Start the worker and open the database; rejects with the open error (exit 3 codes). */
  static start(options: WorkerBackendOptions): Promise<WorkerBackend> {
    const backend = new WorkerBackend();
    const { workerUrl, ...rest } = options;
    const data: EngineWorkerData = { ...rest, cancelBuffer: backend.flag.view.buffer as SharedArrayBuffer };
    const worker = new Worker(workerUrl ?? new URL('./engine-worker.js', import.meta.url), { workerData: data, stdout: true, stderr: true });
    backend.worker = worker;
    // The worker's own stdout/stderr must not scribble over the dashboard: keep the tail for a crash report.
    worker.stdout.resume();
    worker.stderr.setEncoding('utf8');
    worker.stderr.on('data', (chunk: string) => {
      backend.stderrTail = (backend.stderrTail + chunk).slice(-4000);
    });
    return new Promise<WorkerBackend>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          started = true;
          backend.notes.push(...message.notes);
          backend.commands.push(...message.commands);
          resolve(backend);
        } else if (message.type === 'open-failed') {
          started = true;
          backend.closing = Promise.resolve();
          reject(revive(message.error));
        } else backend.receive(message);
      });
      worker.on('error', (error) => {
        if (!started) {
          started = true;
          reject(new ShellError('SHELL_WORKER_CRASHED', `the engine worker failed to start: ${error.message}`, {}, { cause: error }));
        } else backend.crash(`the engine worker failed: ${error.stack ?? error.message}`);
      });
      worker.on('exit', (code) => {
        if (!started) {
          started = true;
          reject(new ShellError('SHELL_WORKER_CRASHED', `the engine worker exited with code ${code} before it was ready${backend.stderrTail ? `: ${backend.stderrTail.trim()}` : ''}`, { exitCode: code }));
        } else if (backend.closing === null) backend.crash(`the engine worker exited unexpectedly with code ${code}${backend.stderrTail ? `: ${backend.stderrTail.trim()}` : ''}`);
      });
    });
  }

  /** Called once if the worker dies. */
  onCrash(listener: (error: OmbraError) => void): void {
    if (this.crashError) listener(this.crashError);
    else this.crashListeners.push(listener);
  }

  /** Lines the worker sends while running (the demo's build and workload). */
  onNote(listener: (text: string) => void): void {
    this.noteListeners.push(listener);
  }

  /** Run one unit; a sink that returns a promise holds the acknowledgement (backpressure) until it settles. */
  run(input: string, onEvent: (event: OutputEvent) => void | Promise<void>): Promise<RunOutcome> {
    if (this.crashError) return Promise.reject(this.crashError);
    if (this.closing) return Promise.reject(new OmbraError('DATABASE_CLOSED', 'the console is closing', {}));
    return new Promise<RunOutcome>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, onEvent, resolve, reject });
      this.pump();
    });
  }

  cancel(): void {
    const run = this.running;
    if (!run) return;
    this.flag.request(run.id);
    this.send({ type: 'cancel', id: run.id });
  }

  complete(line: string, cursor: number): Promise<Completion> {
    return this.request<Completion>((id) => ({ type: 'complete', id, line, cursor }));
  }

  metrics(): Promise<MetricsSnapshot> {
    return this.request<MetricsSnapshot>((id) => ({ type: 'metrics', id }));
  }

  /** Call a named action of the worker extension (the demo's workload toggle). */
  action(name: string): Promise<string> {
    return this.request<string>((id) => ({ type: 'extension', id, action: name }));
  }

  /** Close the database in the worker and end the worker. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.cancel();
    for (const run of this.queue.splice(0)) run.reject(new OmbraError('DATABASE_CLOSED', 'the console is closing', {}));
    const closed = this.crashError ? Promise.resolve() : this.request<void>((id) => ({ type: 'close', id }));
    this.closing = closed.finally(async () => {
      // The worker ends by itself once its port closes; make sure it does.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await this.worker.terminate().catch(() => undefined);
    });
    return this.closing;
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const run = this.queue.shift()!;
    this.running = run;
    this.send({ type: 'run', id: run.id, input: run.input });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'event': {
        const run = this.running;
        const ack = (): void => {
          if (message.ack) this.send({ type: 'ack', id: message.runId });
        };
        if (run?.id !== message.runId) return ack();
        let pending: void | Promise<void>;
        try {
          pending = run.onEvent(message.event);
        } catch {
          pending = undefined;
        }
        if (pending) pending.then(ack, ack);
        else ack();
        return;
      }
      case 'done': {
        const run = this.running;
        if (run?.id !== message.runId) return;
        this.running = null;
        run.resolve(message.outcome);
        this.pump();
        return;
      }
      case 'reply': {
        const pending = this.requests.get(message.id);
        if (!pending) return;
        this.requests.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(revive(message.error));
        return;
      }
      case 'note':
        // Before the front end listens (a demo graph that already exists is done at once),
        // keep the line with the start-up notes, which the front end prints first.
        if (this.noteListeners.length === 0) this.notes.push(message.text);
        for (const listener of this.noteListeners) listener(message.text);
        return;
      default:
        return;
    }
  }

  private request<T>(make: (id: number) => ToWorker): Promise<T> {
    if (this.crashError) return Promise.reject(this.crashError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.requests.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send(make(id));
    });
  }

  private send(message: ToWorker): void {
    if (this.crashError) return;
    this.worker.postMessage(message);
  }

  private crash(message: string): void {
    if (this.crashError) return;
    const error = new ShellError('SHELL_WORKER_CRASHED', message, {});
    this.crashError = error;
    this.running?.reject(error);
    this.running = null;
    for (const run of this.queue.splice(0)) run.reject(error);
    for (const pending of this.requests.values()) pending.reject(error);
    this.requests.clear();
    for (const listener of this.crashListeners.splice(0)) listener(error);
  }
}
