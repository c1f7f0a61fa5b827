import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.js';
import { cleanupObserveFixtures, cliWithEnv, workDir } from './observe-fixture.js';

afterEach(cleanupObserveFixtures);

interface Shown {
  preset: { name: string; source: string; detail: string } | null;
  file: string | null;
  options: Record<string, { value: unknown; source: string; detail: string; live: boolean }>;
}

describe('ombra config show', () => {
  it('shows the effective configuration with file < env < flags precedence and each source', async () => {
    const file = `${workDir()}/ombra.toml`;
    writeFileSync(file, 'preset = "write-heavy"\ncacheSizePages = 1000\nslowOperationMs = 400\nlogFormat = "text"\n');
    const run = await cliWithEnv(
      { OMBRA_CACHE_SIZE_PAGES: '2000', OMBRA_SLOW_OPERATION_MS: '300' },
      'config', 'show', '--config', file, '--set', 'cacheSizePages=3000', '--format', 'json',
    );
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as Shown;
    expect(shown.file).toBe(file);
    expect(shown.preset).toEqual({ name: 'write-heavy', source: 'file', detail: file });
    expect(shown.options.cacheSizePages).toEqual({ value: 3000, source: 'flag', detail: '--set cacheSizePages', live: true });
    expect(shown.options.slowOperationMs).toMatchObject({ value: 300, source: 'env', detail: 'OMBRA_SLOW_OPERATION_MS' });
    expect(shown.options.logFormat).toMatchObject({ value: 'text', source: 'file', detail: file });
    expect(shown.options.groupCommitMaxTransactions).toMatchObject({ value: 256, source: 'preset', detail: 'preset write-heavy' });
    expect(shown.options.pageSizeBytes).toMatchObject({ value: 8192, source: 'default', live: false });
  });

  it('--preset beats the file; text output is an aligned table', async () => {
    const file = `${workDir()}/ombra.toml`;
    writeFileSync(file, 'preset = "write-heavy"\n');
    const run = await cli('config', 'show', '--config', file, '--preset', 'development');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('preset: development (flag: --preset)');
    expect(lines[1]).toBe(`file:   ${file}`);
    expect(lines[3]).toMatch(/^KEY +VALUE +SOURCE$/);
    expect(run.stdout).toMatch(/^logLevel +"debug" +preset \(preset development\)$/m);
    expect(run.stdout).toMatch(/^pageSizeBytes +8192 +default$/m);
  });

  it('rejects unknown keys and bad values naming the key, the file and the allowed range (exit 3)', async () => {
    const file = `${workDir()}/ombra.toml`;
    writeFileSync(file, 'cacheSizePages = 5\n');
    const bad = await cli('config', 'show', '--config', file);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('CONFIG_INVALID');
    expect(bad.stderr).toContain("'cacheSizePages'");
    expect(bad.stderr).toContain(file);
    expect(bad.stderr).toContain('16..16777216');

    writeFileSync(file, 'chacheSizePages = 5000\n');
    const unknown = await cli('config', 'show', '--config', file);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("CONFIG_UNKNOWN_KEY: unknown configuration key 'chacheSizePages'");

    const env = await cliWithEnv({ OMBRA_CIRCUIT_BREAKER_THRESHOLD: 'zero' }, 'config', 'show');
    expect(env.code).toBe(3);
    expect(env.stderr).toContain('environment OMBRA_CIRCUIT_BREAKER_THRESHOLD');
    expect((await cli('config', 'show', '--set', 'nope=1')).code).toBe(3);
    expect((await cli('config', 'show', '--preset', 'turbo')).code).toBe(3);
    expect((await cli('config', 'show', '--format', 'yaml')).code).toBe(64);
  });
});
