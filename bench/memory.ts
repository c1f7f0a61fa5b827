// npm run bench:memory: the memory figures of BENCHMARKS.md, each the peak resident set size
// (VmHWM) of a whole `ombra` process, as the operator runs it:
//   streaming   `ombra shell DB --format json -c "UNWIND range(1, 2000000) AS i RETURN i"`
//               (rows stream to stdout; limit 150 MB)
//   scan        a full scan of social-50k with cacheSizePages=1000 (8 MB; limit 120 MB)
//   console     the dashboard idling on the demo database (`ombra demo DB --no-workload`,
//               in tmux at 120×40 for --idle seconds; limit 150 MB)
// Each child runs under /usr/bin/time -v (Debian package `time`, as BENCHMARKS.md says), which
// reports its maximum resident set size as it exits; a console in tmux is measured the same way.
// Without /usr/bin/time each child loads peak-rss-preload.js (NODE_OPTIONS=--import) instead,
// which writes its VmHWM as it exits, but that --import itself costs the console ~25 MB (the
// same dashboard: 157.5 MB with it, 131.9 MB with NODE_OPTIONS=--no-warnings), so the table
// says which way it measured. Writes bench/results/memory.json.
//
//   npm run bench:memory [-- --idle SECONDS]   (default 120: V8's first full collection of an idle dashboard comes after ~100 s)

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importNewDatabase } from '../src/ops/import.js';
import { knowsImportCsv, personsImportCsv, socialWorkload } from './social/workload.js';

interface MemoryFigure {
  figure: string;
  command: string;
  peakMb: number | null;
  limitMb: number;
  note?: string;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'ombra.js');
const preload = pathToFileURL(fileURLToPath(new URL('./peak-rss-preload.js', import.meta.url))).href;
const argv = process.argv.slice(2);
const idleAt = argv.indexOf('--idle');
const idleSeconds = idleAt >= 0 ? Number(argv[idleAt + 1]) : 120;
const dir = mkdtempSync(join(tmpdir(), 'ombra-memory-'));
const log = (line: string): void => console.log(line);

const TIME = '/usr/bin/time';
const withTime = existsSync(TIME);
const method = withTime ? '/usr/bin/time -v' : 'VmHWM at exit (preload; adds ~25 MB to the console)';

/** Environment of a measured child: without /usr/bin/time, the preload and the file it reports to. */
function childEnv(peakFile: string): NodeJS.ProcessEnv {
  if (withTime) return process.env;
  const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
  return { ...process.env, NODE_OPTIONS: `${inherited}--import=${preload}`, OMBRA_PEAK_RSS_FILE: peakFile };
}

/** The command line that runs `ombra ARGS` measured, reporting to `peakFile`. */
function measuredArgv(peakFile: string, args: string[]): string[] {
  const command = [process.execPath, bin, ...args];
  return withTime ? [TIME, '-v', '-o', peakFile, ...command] : command;
}

/** The peak RSS in MB from a report (time -v's "Maximum resident set size (kbytes)", or the preload's kB). */
function readPeakMb(peakFile: string): number | null {
  if (!existsSync(peakFile)) return null;
  const text = readFileSync(peakFile, 'utf8');
  const kb = withTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1]) : Number(text.trim());
  return Number.isFinite(kb) && kb > 0 ? Math.round(kb / 102.4) / 10 : null;
}

/** Run `ombra ARGS` to its end with stdout discarded; its peak RSS in MB. */
function measureCommand(args: string[]): number | null {
  const peakFile = join(dir, `peak-${args.length}-${Date.now()}`);
  const [file, ...rest] = measuredArgv(peakFile, args);
  const run = spawnSync(file!, rest, { env: childEnv(peakFile), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ombra ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return readPeakMb(peakFile);
}

function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The dashboard in a detached tmux session, idle for `seconds`, then :quit. */
async function measureConsole(db: string, seconds: number): Promise<number | null> {
  const peakFile = join(dir, 'peak-console');
  const session = `ombra-memory-${process.pid}`;
  const env = childEnv(peakFile);
  const preloadEnv = withTime ? '' : `NODE_OPTIONS='${env.NODE_OPTIONS}' OMBRA_PEAK_RSS_FILE='${peakFile}' `;
  const command = `${preloadEnv}OMBRA_HISTORY='' ${measuredArgv(peakFile, ['demo', db, '--no-workload']).map((a) => `'${a}'`).join(' ')}`;
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', command]);
  try {
    await sleep(seconds * 1000);
    execFileSync('tmux', ['send-keys', '-t', session, ':quit', 'Enter']);
    for (let waited = 0; waited < 10_000 && readPeakMb(peakFile) === null; waited += 100) await sleep(100);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' });
  }
  return readPeakMb(peakFile);
}

const figures: MemoryFigure[] = [];
try {
  const streamDb = join(dir, 'stream.ombra');
  const streamQuery = 'UNWIND range(1, 2000000) AS i RETURN i';
  log('streaming 2M rows as JSON...');
  figures.push({ figure: 'streaming', command: `ombra shell DB --format json -c "${streamQuery}"`, peakMb: measureCommand(['shell', streamDb, '--format', 'json', '-c', streamQuery]), limitMb: 150 });

  log('importing social-50k, then a full scan with a 1,000-page cache...');
  const w = socialWorkload();
  const persons = join(dir, 'persons.csv');
  const knows = join(dir, 'knows.csv');
  writeFileSync(persons, personsImportCsv(w));
  writeFileSync(knows, knowsImportCsv(w));
  const social = join(dir, 'social.ombra');
  await importNewDatabase({ out: social, nodes: [{ files: [persons], labels: ['Person'] }], relationships: [{ files: [knows], type: 'KNOWS' }], idType: 'integer' });
  const scanQuery = 'MATCH (p:Person) RETURN avg(p.age)';
  figures.push({
    figure: 'scan',
    command: `ombra shell social-50k --set cacheSizePages=1000 -c "${scanQuery}"`,
    peakMb: measureCommand(['shell', social, '--set', 'cacheSizePages=1000', '--format', 'json', '-c', scanQuery]),
    limitMb: 120,
  });

  const demoDb = join(dir, 'demo.ombra');
  const consoleCommand = `ombra demo DB --no-workload (tmux 120×40, idle ${idleSeconds} s)`;
  if (hasTmux()) {
    log('building the demo database, then the console idles...');
    measureCommand(['demo', demoDb, '--no-workload']);
    figures.push({ figure: 'console idle', command: consoleCommand, peakMb: await measureConsole(demoDb, idleSeconds), limitMb: 150 });
  } else {
    figures.push({ figure: 'console idle', command: consoleCommand, peakMb: null, limitMb: 150, note: 'tmux not installed' });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

log('');
log(`peak RSS measured by ${method}`);
log('| figure | peak RSS | limit | | command |');
log('|---|---:|---:|---|---|');
for (const f of figures) {
  const verdict = f.peakMb === null ? (f.note ?? 'not measured') : f.peakMb < f.limitMb ? 'met' : 'MISSED';
  log(`| ${f.figure} | ${f.peakMb === null ? '—' : `${f.peakMb} MB`} | < ${f.limitMb} MB | ${verdict} | \`${f.command}\` |`);
}
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'memory.json'), `${JSON.stringify({ at: new Date().toISOString(), method, figures }, null, 2)}\n`);
