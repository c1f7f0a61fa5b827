// Runs TCK cases in worker threads so that one case that never yields (an endless loop in
// the engine) cannot stall the run: each case has a hard deadline, after which its worker is
// terminated (V8 stops even a busy loop), the case fails as hung, and a fresh worker
// takes the remaining cases.
//
// Protocol between this pool and a worker script (worker.ts is the real one):
//   worker → pool  { type: 'ready' }                       after start-up, once
//   pool → worker  { type: 'run', tckCase: TckCase }        one case at a time
//   worker → pool  { type: 'result', result: CaseResult }   for that case
// A worker that exits or throws while running a case fails that case with the reason.

import { Worker } from 'node:worker_threads';
import type { TckCase } from './gherkin.js';
import type { CaseResult } from './runner.js';

export interface PoolOptions {
  /** The worker entry module (a file: URL). */
  workerScript: URL;
  /** Passed to every worker as workerData. */
  workerData: unknown;
  /** Number of workers running cases in parallel (at least 1). */
  workers: number;
  /** A case without an answer after this many ms is killed with its worker. */
  hardTimeoutMs: number;
  onResult?: (result: CaseResult) => void;
}

type WorkerMessage = { type: 'ready' } | { type: 'result'; result: CaseResult };

function failed(tckCase: TckCase, reason: string, durationMs: number): CaseResult {
  return {
    id: tckCase.id,
    featurePath: tckCase.featurePath,
    scenarioName: tckCase.scenarioName,
    ...(tckCase.exampleNumber === undefined ? {} : { exampleNumber: tckCase.exampleNumber }),
    status: 'failed',
    reason,
    durationMs,
  };
}

/** Run every case; resolves with results in the order of `cases`. */
export function runCasesInWorkers(cases: readonly TckCase[], options: PoolOptions): Promise<CaseResult[]> {
  const results = new Array<CaseResult | undefined>(cases.length);
  let next = 0;
  let done = 0;
  const slots = Math.max(1, Math.min(options.workers, cases.length));

  return new Promise<CaseResult[]>((resolve) => {
    if (cases.length === 0) {
      resolve([]);
      return;
    }

    const record = (index: number, result: CaseResult): void => {
      if (results[index] !== undefined) return;
      results[index] = result;
      done++;
      options.onResult?.(result);
      if (done === cases.length) resolve(results as CaseResult[]);
    };

    const startWorker = (): void => {
      if (next >= cases.length) return;
      const worker = new Worker(options.workerScript, { workerData: options.workerData });
      let current: { index: number; started: number; timer: NodeJS.Timeout } | undefined;
      let finished = false;

      const retire = (reason: string): void => {
        if (finished) return;
        finished = true;
        if (current !== undefined) {
          clearTimeout(current.timer);
          const { index, started } = current;
          current = undefined;
          record(index, failed(cases[index]!, reason, Math.round(performance.now() - started)));
        } else {
          // It died before taking a case: a start-up failure, which every replacement would
          // repeat. Fail the remaining cases with the reason instead of respawning forever.
          while (next < cases.length) {
            const index = next++;
            record(index, failed(cases[index]!, `the worker did not start: ${reason}`, 0));
          }
        }
        void worker.terminate();
        startWorker();
      };

      const dispatch = (): void => {
        if (next >= cases.length) {
          finished = true;
          void worker.terminate();
          return;
        }
        const index = next++;
        const timer = setTimeout(
          () => retire(`hung: no answer within ${options.hardTimeoutMs} ms; the worker was terminated`),
          options.hardTimeoutMs,
        );
        current = { index, started: performance.now(), timer };
        worker.postMessage({ type: 'run', tckCase: cases[index] });
      };

      worker.on('message', (message: WorkerMessage) => {
        if (finished) return;
        if (message.type === 'result' && current !== undefined) {
          clearTimeout(current.timer);
          const index = current.index;
          current = undefined;
          record(index, message.result);
        }
        dispatch();
      });
      worker.on('error', (error) => retire(`the worker failed: ${error.stack ?? error.message}`));
      worker.on('exit', (code) => retire(`the worker exited with code ${code}`));
    };

    for (let i = 0; i < slots; i++) startWorker();
  });
}
