// npm run bench:peers: social-50k on ombra, SQLite (better-sqlite3) and Kùzu in one process,
// interleaved (bench/social/harness.ts H1-H4), after bench/peers/install.sh has installed the
// peers into bench/peers/node_modules (never the product's dependencies). Prints the figures
// with ombra/peer ratios and the BENCHMARKS.md targets marked met or missed, and writes
// bench/results/latest.json: {"ombra": {...}, "sqlite": {...}, "kuzu": {...}, "machine": {...}}.
//
//   npm run bench:peers [-- --rounds R --commits C --persons N ... --engines sqlite,kuzu]   (see --help)

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseSocialOptions, USAGE, workloadLabel } from './social/cli.js';
import { currentLoad, figureTable, machineInfo, machineLine, targetTable, writeResults, type BenchResults } from './social/report.js';
import { runSocialSuite, type PeerName } from './social/suite.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(`npm run bench:peers -- [options]\n${USAGE}\n  --engines LIST     peers to run beside ombra (default sqlite,kuzu)`);
  process.exit(0);
}
const options = parseSocialOptions(argv);
const enginesAt = argv.indexOf('--engines');
const peers = (enginesAt >= 0 ? (argv[enginesAt + 1] ?? '') : 'sqlite,kuzu').split(',').filter((p) => p !== '');
for (const p of peers) if (p !== 'sqlite' && p !== 'kuzu') throw new Error(`--engines: unknown peer ${p} (sqlite, kuzu)`);
const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const out = options.out ?? join(resultsDir, 'latest.json');
const log = (line: string): void => console.log(line);
const loadStart = currentLoad();

log(`── ${workloadLabel(options)}: ombra, ${peers.join(', ')} interleaved ──`);
const social = await runSocialSuite(options, peers as PeerName[], log);
// Key order as agreed: ombra, sqlite, kuzu, machine.
const results: BenchResults = {
  ombra: social.ombra,
  ...(social.sqlite !== undefined ? { sqlite: social.sqlite } : {}),
  ...(social.kuzu !== undefined ? { kuzu: social.kuzu } : {}),
  machine: machineInfo('npm run bench:peers ' + argv.join(' '), workloadLabel(options), loadStart),
};
writeResults(out, results);
log('');
log(machineLine(results.machine));
log(figureTable(results));
log('');
log(targetTable(results));
log(`results written to ${out}`);
