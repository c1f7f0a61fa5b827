// npm run bench: ombra alone. Storage micro-benchmarks (page cache hit and miss paths, B+tree
// insert and get, durable commit latency against a bare fdatasync in the same run, group commit
// with 8 concurrent committers), then the social-50k figures of BENCHMARKS.md through the public
// API, with the published peer figures beside them for scale (`npm run bench:peers` measures
// the peers in the same run). Writes bench/results/ombra-latest.json.
//
//   npm run bench [-- --persons N --rounds R ... | --skip-storage | --skip-social]   (see --help)

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runStorageMicro } from './storage-micro.js';
import { runStoragePaths } from './storage-paths.js';
import { parseSocialOptions, USAGE, workloadLabel } from './social/cli.js';
import { currentLoad, figureTable, machineInfo, machineLine, PUBLISHED, targetTable, writeResults, type BenchResults, type Figures } from './social/report.js';
import { runSocialSuite } from './social/suite.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(`npm run bench -- [options]\n${USAGE}\n  --skip-storage     skip the storage micro-benchmarks\n  --skip-social      skip the social workload`);
  process.exit(0);
}
const options = parseSocialOptions(argv);
const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const out = options.out ?? join(resultsDir, 'ombra-latest.json');
const log = (line: string): void => console.log(line);
const loadStart = currentLoad();

const ombra: Figures = {};
if (!argv.includes('--skip-storage')) {
  log('── storage ──');
  Object.assign(ombra, await runStoragePaths(log));
  const storage = await runStorageMicro(log);
  for (const [name, value] of Object.entries(storage)) ombra[`storage_${name}`] = Math.round(value * 100) / 100;
}
let mismatches = 0;
if (!argv.includes('--skip-social')) {
  log(`── ${workloadLabel(options)} ──`);
  const social = await runSocialSuite(options, [], log);
  Object.assign(ombra, social.ombra);
  mismatches = social.mismatches;
}

const results: BenchResults = { ombra, machine: machineInfo('npm run bench ' + argv.join(' '), workloadLabel(options), loadStart) };
writeResults(out, results);
const withPublished: BenchResults = { ...results, sqlite: PUBLISHED.sqlite, kuzu: PUBLISHED.kuzu };
log('');
log(machineLine(results.machine));
log(figureTable(withPublished, ' (published)'));
log('');
log('targets (peer figures: BENCHMARKS.md, not this run — npm run bench:peers measures them side by side):');
log(targetTable(withPublished));
log(`results written to ${out}`);
if (mismatches > 0) {
  log(`ombra's answers differ from the in-JS model (${mismatches}): see above`);
  process.exitCode = 1;
}
