// The demo: the social graph builds as a job with progress (and again only with fresh), the
// workload reads and writes and can be toggled, and every sample script in demos/*.cypher
// runs without an error against the graph (the README sends people to them).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSocialGraph, startSocialGraphBuild } from '../../demos/social.js';
import { SocialWorkload } from '../../demos/workload.js';
import type { Database } from '../../src/database.js';
import { LocalBackend } from '../../shell/local-backend.js';
import { runLineShell } from '../../shell/line-shell.js';
import { memoryDb } from './session-support.js';

const demos = fileURLToPath(new URL('../../demos/', import.meta.url));
const PEOPLE = 300;
let db: Database;

beforeAll(async () => {
  db = memoryDb();
  const job = startSocialGraphBuild(db, { people: PEOPLE });
  const phases = new Set<string>();
  const unsubscribe = db.jobs.subscribe((info) => {
    if (info.id === job.id && info.state === 'running') phases.add(info.progress.phase.split(' ')[0]!);
  });
  const report = await job.result;
  unsubscribe();
  expect(report).toMatchObject({ built: true, people: PEOPLE, cities: 40, companies: 120 });
  expect([...phases]).toEqual(expect.arrayContaining(['creating', 'people', 'friendships']));
});
afterAll(async () => {
  await db.close();
});

describe('the demo graph', () => {
  it('is built once: a second build finds it and does nothing, fresh builds it again', async () => {
    const count = (): bigint => db.query('MATCH (p:Person) RETURN count(p)').rows[0]![0] as bigint;
    expect(count()).toBe(BigInt(PEOPLE));
    expect(await buildSocialGraph(db, { people: PEOPLE })).toMatchObject({ built: false });
    expect(count()).toBe(BigInt(PEOPLE));
    const threshold = db.config.slowOperationMs;
    expect(await buildSocialGraph(db, { people: PEOPLE, fresh: true })).toMatchObject({ built: true });
    expect(count()).toBe(BigInt(PEOPLE));
    // The build quiets slow-operation warnings only while it runs.
    expect(db.config.slowOperationMs).toBe(threshold);
  });

  it('the workload reads and writes, and stops when asked', async () => {
    const workload = new SocialWorkload(db, { people: PEOPLE, seed: 3 });
    for (let i = 0; i < 60; i++) workload.step();
    // Writes join a group commit: they count once its sync has returned.
    await vi.waitFor(() => {
      expect(workload.counts.reads).toBeGreaterThan(0);
      expect(workload.counts.writes).toBeGreaterThan(0);
    });
    expect(workload.counts.failed).toBe(0);
    workload.start();
    expect(workload.running).toBe(true);
    workload.stop();
    expect(workload.running).toBe(false);
  });
});

describe('demos/*.cypher', () => {
  const scripts = readdirSync(demos).filter((name) => name.endsWith('.cypher'));

  it('there are sample scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of scripts) {
    it(`${name} runs to the end without an error and prints rows`, async () => {
      const backend = new LocalBackend(db, { format: 'json', timing: false });
      let stdout = '';
      let stderr = '';
      const stdin = new PassThrough();
      stdin.end();
      const code = await runLineShell({
        backend,
        format: 'json',
        timing: false,
        stdin,
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        scripts: [{ file: join(demos, name) }],
        bail: true,
        interactive: false,
      });
      expect(stderr).not.toMatch(/ombra: .*[A-Z_]{4,}: /);
      expect(code).toBe(0);
      expect(stdout.trim().split('\n').length).toBeGreaterThan(2);
    });
  }
});
