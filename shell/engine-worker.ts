// The console's engine worker: the database and the ShellSession live here, so the dashboard
// on the UI thread keeps drawing while a statement computes. (Cooperative yielding cannot do
// that: one aggregation over millions of rows runs inside a single operator call, and making
// every operator async to yield mid-way would slow every query.)
//
// Started by worker-backend.ts with EngineWorkerData; speaks worker-protocol.ts. A failing
// statement is an error event and the worker goes on (session.ts SS3); anything that escapes
// (a bug) ends the worker, and the UI thread reports the crash.

import { parentPort, workerData } from 'node:worker_threads';
import { Database } from '../src/database.js';
import { toOmbraError } from '../src/errors.js';
import { startMetricsServer, type MetricsServer } from '../src/observe/http.js';
import { commandHelp } from './admin/registry.js';
import { RunCancelFlag } from './cancel-flag.js';
import { toJson } from './cli-support.js';
import type { OutputEvent } from './protocol.js';
import { ShellSession } from './session.js';
import type { AttachWorkerExtension, WorkerExtension } from './worker-extension.js';
import { EVENTS_IN_FLIGHT_MAX, type EngineWorkerData, type FromWorker, type SerializedError, type ToWorker } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('engine-worker.ts runs only as a worker thread (shell/worker-backend.ts starts it)');
const data = workerData as EngineWorkerData;

function serialize(error: unknown): SerializedError {
  const e = toOmbraError(error);
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(toJson(e.details)) as Record<string, unknown>;
  } catch {
    details = {};
  }
  return { code: e.code, message: e.message, details };
}

function post(message: FromWorker): void {
  try {
    port!.postMessage(message);
  } catch {
    // A value that cannot be cloned (a report holding a function): send its JSON form.
    port!.postMessage(JSON.parse(toJson(message)) as FromWorker);
  }
}

async function main(): Promise<void> {
  let db: Database;
  try {
    db = Database.open(data.path, { ...data.open, logDestination: 'memory' });
  } catch (error) {
    post({ type: 'open-failed', error: serialize(error) });
    port!.close();
    return;
  }
  const flag = new RunCancelFlag(new Int32Array(data.cancelBuffer));
  const session = new ShellSession({ db, ...data.session, resultsAsText: data.session.resultsAsText ?? true, cancelFlag: flag });
  const notes: string[] = [];
  let server: MetricsServer | null = null;
  let extension: WorkerExtension | null = null;
  try {
    if (data.metricsPort !== undefined) {
      server = await startMetricsServer(db, { port: data.metricsPort });
      notes.push(`metrics on ${server.url}/metrics (also /health, /ready)`);
    }
    if (data.extension) {
      const module = (await import(data.extension.module)) as { attachWorkerExtension?: AttachWorkerExtension };
      if (typeof module.attachWorkerExtension !== 'function') throw new Error(`${data.extension.module} does not export attachWorkerExtension`);
      extension = await module.attachWorkerExtension({ db, note: (text) => post({ type: 'note', text }) }, data.extension.options);
    }
  } catch (error) {
    await server?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    post({ type: 'open-failed', error: serialize(error) });
    port!.close();
    return;
  }

  // Flow control of the run in flight (worker-protocol.ts).
  let inFlight = 0;
  let wake: (() => void) | null = null;

  const sinkFor =
    (runId: number) =>
    (event: OutputEvent): void | Promise<void> => {
      const ack = event.kind === 'rows' || event.kind === 'text';
      post({ type: 'event', runId, event, ack });
      if (!ack) return;
      inFlight++;
      if (inFlight < EVENTS_IN_FLIGHT_MAX) return;
      return new Promise<void>((resolve) => {
        wake = resolve;
      });
    };

  const reply = async (id: number, work: () => unknown): Promise<void> => {
    try {
      post({ type: 'reply', id, ok: true, value: await work() });
    } catch (error) {
      post({ type: 'reply', id, ok: false, error: serialize(error) });
    }
  };

  port!.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'run':
        void session.run(message.input, sinkFor(message.id), { cancelId: message.id }).then((outcome) => {
          inFlight = 0;
          post({ type: 'done', runId: message.id, outcome });
        });
        return;
      case 'ack':
        inFlight = Math.max(0, inFlight - 1);
        if (wake && inFlight < EVENTS_IN_FLIGHT_MAX) {
          const resolve = wake;
          wake = null;
          resolve();
        }
        return;
      case 'cancel':
        session.cancel();
        if (wake) {
          // A cancelled run must not wait for acknowledgements that may never come.
          const resolve = wake;
          wake = null;
          inFlight = 0;
          resolve();
        }
        return;
      case 'complete':
        void reply(message.id, () => session.complete(message.line, message.cursor));
        return;
      case 'metrics':
        void reply(message.id, () => db.metrics());
        return;
      case 'extension':
        void reply(message.id, () => {
          const action = extension?.actions[message.action];
          if (!action) throw new Error(`no action '${message.action}' in this console`);
          return action();
        });
        return;
      case 'close':
        void reply(message.id, async () => {
          try {
            await extension?.close();
          } finally {
            try {
              await session.close();
            } finally {
              await server?.close().catch(() => undefined);
              await db.close();
            }
          }
        }).then(() => port!.close());
        return;
    }
  });
  post({ type: 'ready', notes, commands: commandHelp() });
}

void main();
