// The TCK ratchet: runs the openCypher TCK core subset (CORE_SUBSET.txt) against ombra in
// worker threads (the compiled harness in dist/, which the global setup builds) and fails when
// fewer core cases pass than the floor recorded in floor.json. Raise the floor when the engine
// passes more; never lower it to make a regression pass.
//
// Without a TCK on this machine (OMBRA_TCK_DIR, or ../shared/tck beside the checkout) the
// suite says so in one line and is skipped.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandCases, loadFeatures } from './gherkin.js';
import { findRepoRoot, locateTck } from './locate.js';
import { runCasesInWorkers } from './pool.js';
import { formatReport, readCoreSubset, summarize } from './report.js';
import { DEFAULT_CASE_TIMEOUT_MS } from './runner.js';

const repoRoot = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)))!;
const tckDir = locateTck(process.env, repoRoot);
if (tckDir === undefined) console.log('tck ratchet: openCypher TCK not found (set OMBRA_TCK_DIR or place it at ../shared/tck); skipped');

const floor = JSON.parse(readFileSync(join(repoRoot, 'test', 'tck', 'floor.json'), 'utf8')) as { core: number };
const workerScript = join(repoRoot, 'dist', 'test', 'tck', 'worker.js');

describe.skipIf(tckDir === undefined)('openCypher TCK ratchet (core subset)', () => {
  it(`passes at least ${floor.core} core cases`, async () => {
    expect(existsSync(workerScript), `${workerScript} is missing: build first (npm run build)`).toBe(true);
    const coreFiles = readCoreSubset(tckDir!);
    const cases = loadFeatures(join(tckDir!, 'features'))
      .flatMap(expandCases)
      .filter((c) => coreFiles.has(c.featurePath));
    const results = await runCasesInWorkers(cases, {
      workerScript: pathToFileURL(workerScript),
      workerData: { tckDir, timeoutMs: DEFAULT_CASE_TIMEOUT_MS },
      workers: 2,
      hardTimeoutMs: DEFAULT_CASE_TIMEOUT_MS + 5_000,
    });
    const summary = summarize(results, coreFiles);
    const report = formatReport(results, summary, { listFailures: false });
    console.log(report);
    if (summary.core.passed < floor.core) {
      const failing = results.filter((r) => r.status === 'failed').map((r) => `${r.featurePath}: ${r.scenarioName} — ${(r.reason ?? '').split('\n')[0]}`);
      console.log(failing.join('\n'));
    }
    expect(summary.core.passed, `core cases passing (floor ${floor.core})`).toBeGreaterThanOrEqual(floor.core);
  }, 180_000);
});
