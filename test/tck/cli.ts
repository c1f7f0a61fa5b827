// The openCypher TCK runner for ombra:
//
//   node dist/test/tck/cli.js [--json FILE] [--filter TEXT] [--core] [--timeout MS] [--workers N] [--quiet]
//
//   --json FILE    write every case with its status and failure reason to FILE
//   --filter TEXT  only cases whose id, feature path or scenario name contains TEXT
//   --core         only the feature files listed in CORE_SUBSET.txt
//   --timeout MS   per-case time limit (default 10000); a case still running 5 s later is
//                  killed with its worker thread
//   --workers N    worker threads (default 1); 0 runs in this thread (no hang protection)
//   --quiet        do not list the failing cases
//
// Prints the failing cases, the pass rate per feature folder, and ends with
//   tck core subset: P passed, F failed
//   tck all: P passed, F failed
// Exit status: 0 when the run completed (whatever the pass rate), 1 when the harness itself
// failed (e.g. an unreadable feature file), 64 for a usage error. Without a TCK on this
// machine it prints one line saying so and exits 0.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expandCases, loadFeatures, type TckCase } from './gherkin.js';
import { findRepoRoot, locateTck, tckCandidates } from './locate.js';
import { createOmbraTckEngine } from './ombra-engine.js';
import { runCasesInWorkers } from './pool.js';
import { formatReport, readCoreSubset, summarize, writeJsonReport } from './report.js';
import { DEFAULT_CASE_TIMEOUT_MS, runCases, type CaseResult } from './runner.js';

const USAGE = 'usage: node dist/test/tck/cli.js [--json FILE] [--filter TEXT] [--core] [--timeout MS] [--workers N] [--quiet]';
const KILL_GRACE_MS = 5_000;

interface CliOptions {
  json?: string;
  filter?: string;
  core: boolean;
  timeoutMs: number;
  workers: number;
  quiet: boolean;
}

function usage(message: string): never {
  process.stderr.write(`tck: ${message}\n${USAGE}\n`);
  process.exit(64);
}

function parseOptions(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: 'string' },
        filter: { type: 'string' },
        core: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        workers: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const values = parsed.values;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const timeoutMs = values.timeout === undefined ? DEFAULT_CASE_TIMEOUT_MS : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) usage(`--timeout must be a positive integer, got ${values.timeout}`);
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0) usage(`--workers must be a non-negative integer, got ${values.workers}`);
  const options: CliOptions = { core: values.core === true, timeoutMs, workers, quiet: values.quiet === true };
  if (values.json !== undefined) options.json = values.json;
  if (values.filter !== undefined) options.filter = values.filter;
  return options;
}

function selectCases(all: TckCase[], options: CliOptions, coreFiles: ReadonlySet<string>): TckCase[] {
  return all.filter((tckCase) => {
    if (options.core && !coreFiles.has(tckCase.featurePath)) return false;
    if (options.filter === undefined) return true;
    const f = options.filter;
    return tckCase.id.includes(f) || tckCase.featurePath.includes(f) || tckCase.scenarioName.includes(f);
  });
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const repoRoot = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));
  const tckDir = locateTck(process.env, repoRoot);
  if (tckDir === undefined) {
    const looked = tckCandidates(process.env, repoRoot);
    process.stdout.write(`tck: openCypher TCK not found (looked in ${looked.length > 0 ? looked.join(', ') : 'no place: set OMBRA_TCK_DIR'}); skipped\n`);
    return 0;
  }

  const coreFiles = readCoreSubset(tckDir);
  const cases = selectCases(loadFeatures(join(tckDir, 'features')).flatMap(expandCases), options, coreFiles);
  const engine = createOmbraTckEngine();
  const progress = process.stderr.isTTY === true;
  let finished = 0;
  const onResult = (): void => {
    finished++;
    if (progress && (finished % 25 === 0 || finished === cases.length)) process.stderr.write(`\rtck: ${finished}/${cases.length}`);
  };

  let results: CaseResult[];
  if (options.workers === 0) {
    results = await runCases(engine, cases, { tckDir, timeoutMs: options.timeoutMs, onResult });
  } else {
    results = await runCasesInWorkers(cases, {
      workerScript: new URL('./worker.js', import.meta.url),
      workerData: { tckDir, timeoutMs: options.timeoutMs },
      workers: options.workers,
      hardTimeoutMs: options.timeoutMs + KILL_GRACE_MS,
      onResult,
    });
  }
  if (progress && cases.length > 0) process.stderr.write('\n');

  const summary = summarize(results, coreFiles);
  process.stdout.write(`tck: ${cases.length} case(s) from ${tckDir} against ${engine.name}\n`);
  process.stdout.write(`${formatReport(results, summary, { listFailures: !options.quiet })}\n`);
  if (options.json !== undefined) writeJsonReport(options.json, engine.name, results, summary);
  return 0;
}

// exitCode, not exit(): a piped stdout must drain before the process ends.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tck: the harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
