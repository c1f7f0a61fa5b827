// Real crashes: a child process commits in a loop and prints every acknowledged id; the test
// kills it with SIGKILL at random moments and reopens the database. Every acknowledged id
// must be there (the counter is at least the highest acknowledged id), recovery must
// succeed every time, and the database must keep working across 20+ kills.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { COUNTER } from '../../src/storage/meta.js';
import { tempDir } from '../support/cli.js';
import { mulberry32, testSeed } from '../support/rng.js';

const fixture = fileURLToPath(new URL('../fixtures/kill-writer.mjs', import.meta.url));
const temp = tempDir('ombra-kill9-');
afterAll(() => temp.cleanup());

function runAndKill(path: string, mode: string, killAfterMs: number): Promise<{ acked: number; started: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, path, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    let killTimer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Start the clock once the child is writing, so every kill lands mid-workload.
      if (killTimer === null && output.includes('start')) killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited by itself (code ${code}): ${errors}`));
      const acks = [...output.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
      const started = Number(/^start (\d+)$/m.exec(output)?.[1] ?? 0);
      resolve({ acked: acks.length === 0 ? 0 : Math.max(...acks), started, output });
    });
  });
}

describe('kill -9 of a committing process', () => {
  it('keeps every acknowledged commit across 24 random kills', async () => {
    const seed = testSeed();
    const rand = mulberry32(seed);
    const path = `${temp.dir}/kill.db`;
    let highestAcked = 0;
    for (let cycle = 0; cycle < 24; cycle++) {
      const mode = cycle % 2 === 0 ? 'sync' : 'group';
      const { acked, started } = await runAndKill(path, mode, 20 + Math.floor(rand() * 180));
      // The child resumed from what survived the previous kill.
      expect(started - 1, `[SEED=${seed}] cycle ${cycle}: the child started below an acknowledged id`).toBeGreaterThanOrEqual(highestAcked);
      highestAcked = Math.max(highestAcked, acked);
      const db = Database.open(path);
      const read = db.pager.beginRead();
      const survived = Number(read.getCounter(COUNTER.FIRST_SPARE));
      read.end();
      expect(survived, `[SEED=${seed}] cycle ${cycle} (${mode}): acknowledged ${acked} but only ${survived} survived`).toBeGreaterThanOrEqual(acked);
      await db.close();
    }
    expect(highestAcked).toBeGreaterThan(0);
  }, 120_000);
});
