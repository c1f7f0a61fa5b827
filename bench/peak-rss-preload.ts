// Loaded into a measured `ombra` process by bench/memory.ts (NODE_OPTIONS=--import): as the
// process exits, write its peak resident set size (VmHWM, kB, Linux /proc) to
// OMBRA_PEAK_RSS_FILE. Worker threads share the process and its VmHWM: only the main thread writes.

import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.OMBRA_PEAK_RSS_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb !== undefined) writeFileSync(file, kb);
  });
}
