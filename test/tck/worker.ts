// Worker-thread entry for pool.ts: runs TCK cases against the ombra engine, one at a time,
// following the protocol described in pool.ts. workerData: { tckDir, timeoutMs }.

import { parentPort, workerData } from 'node:worker_threads';
import type { TckCase } from './gherkin.js';
import { createOmbraTckEngine } from './ombra-engine.js';
import { runCase } from './runner.js';

interface WorkerOptions {
  tckDir: string;
  timeoutMs: number;
}

const port = parentPort;
if (port === null) {
  process.stderr.write('test/tck/worker.js runs inside a worker thread started by the TCK cli\n');
  process.exit(64);
} else {
  const options = workerData as WorkerOptions;
  const engine = createOmbraTckEngine();
  port.on('message', (message: { type: 'run'; tckCase: TckCase }) => {
    void runCase(engine, message.tckCase, options).then((result) => port.postMessage({ type: 'result', result }));
  });
  port.postMessage({ type: 'ready' });
}
