import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOmbraError } from '../../src/errors.js';
import { runDashboard, type RunDashboardOptions } from '../../tui/app.js';
import { FakeBackend } from './fake-backend.js';
import { COMMANDS, FakeStdin, FakeStdout, tick } from './harness.js';

function start(overrides: Partial<RunDashboardOptions> = {}) {
  const backend = (overrides.backend as FakeBackend | undefined) ?? new FakeBackend();
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(80, 24);
  const stderr = new FakeStdout(80, 24);
  const exits: number[] = [];
  const done = runDashboard({
    backend,
    commands: COMMANDS,
    title: 'ombra',
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { NO_COLOR: '1' },
    handleSignals: false,
    // vitest's console cannot be re-created by ink's console patch.
    patchConsole: false,
    onExit: (code) => exits.push(code),
    ...overrides,
  });
  return { backend, stdin, stdout, stderr, exits, done };
}

describe('runDashboard', () => {
  it('runs until :quit, then closes the backend and resolves 0', async () => {
    const { backend, stdin, stdout, exits, done } = start();
    await tick(30);
    stdin.write('RETURN 1;\r');
    await tick(30);
    stdin.write(':quit\r');
    expect(await done).toBe(0);
    expect(backend.runs).toEqual(['RETURN 1;']);
    expect(backend.closed).toBe(true);
    expect(backend.metricsCalls).toBeGreaterThanOrEqual(1);
    expect(exits).toEqual([0]);
    const written = stdout.frames.join('');
    expect(written.startsWith('\u001b[?1049h')).toBe(true);
    expect(written.endsWith('\u001b[?1049l')).toBe(true);
  });

  it('cancels a running statement on exit before closing', async () => {
    const backend = new FakeBackend().on('SLOW;', { slow: true });
    const { stdin, done } = start({ backend });
    await tick(30);
    stdin.write('SLOW;\r');
    await tick(20);
    stdin.write('\u0004');
    expect(await done).toBe(0);
    expect(backend.cancels).toBe(1);
    expect(backend.closed).toBe(true);
  });

  it('saves history to the file it is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ombra-app-'));
    try {
      const historyFile = join(dir, '.ombra_history');
      const { stdin, done } = start({ historyFile });
      await tick(30);
      stdin.write('RETURN 1;\r');
      await tick(20);
      stdin.write(':quit\r');
      await done;
      expect(readFileSync(historyFile, 'utf8')).toBe('RETURN 1;\n:quit\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns 1 and says why when closing the backend fails', async () => {
    const backend = new FakeBackend();
    backend.close = async () => {
      throw new Error('fsync failed');
    };
    const { stdin, stderr, done } = start({ backend });
    await tick(30);
    stdin.write(':quit\r');
    expect(await done).toBe(1);
    expect(stderr.frames.join('')).toContain('closing the database failed: fsync failed');
  });

  it('refuses to start without a terminal (USAGE)', async () => {
    const stdin = new FakeStdin();
    stdin.isTTY = false;
    const error = await runDashboard({
      backend: new FakeBackend(),
      commands: COMMANDS,
      title: 'ombra',
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: new FakeStdout(80, 24) as unknown as NodeJS.WriteStream,
      handleSignals: false,
    }).catch((e: unknown) => e);
    expect(isOmbraError(error, 'USAGE')).toBe(true);
  });
});
