import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_SPEC, defaultConfig, validateOption, type OmbraConfig } from '../../src/config.js';
import { envVarName, loadConfig, parseAssignments, parseOptionText, PRESET_NAMES, PRESETS } from '../../src/observe/config-loader.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ombra-config-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function errorOf(body: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    body();
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected an error');
}

describe('config loader', () => {
  it('defaults when nothing is given, every value sourced as default', () => {
    const loaded = loadConfig({ env: {}, cwd: dirWith({}) });
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.file).toBeNull();
    expect(loaded.preset).toBeNull();
    expect(Object.values(loaded.sources).every((s) => s.kind === 'default')).toBe(true);
    expect(Object.keys(loaded.sources).sort()).toEqual(Object.keys(CONFIG_SPEC).sort());
  });

  it('applies defaults < preset < file < env < flags, remembering each source', () => {
    const dir = dirWith({
      'ombra.toml': [
        'preset = "production"',
        'cacheSizePages = 30000 # file beats preset',
        'slowOperationMs = 400',
        'logFormat = "text"',
        'walSizeBytesMax = "128MiB"',
        'checkpointIntervalMs = "2m"',
      ].join('\n'),
    });
    const loaded = loadConfig({
      cwd: dir,
      env: { OMBRA_SLOW_OPERATION_MS: '300', OMBRA_LOG_LEVEL: 'warn', OMBRA_CACHE_SIZE_PAGES: '40_000', OMBRA_SKIP_BUILD: '1', OMBRA_ENCRYPTION_KEY: 'not ours' },
      flags: { logLevel: 'error', readOnly: 'yes' },
      flagLabels: { readOnly: '--read-only' },
    });
    const file = join(dir, 'ombra.toml');
    expect(loaded.file).toBe(file);
    expect(loaded.preset).toEqual({ name: 'production', from: { kind: 'file', detail: file } });
    const { config, sources } = loaded;
    expect(config.healthCacheHitRateMin).toBe(0.9);
    expect(sources.healthCacheHitRateMin).toEqual({ kind: 'preset', detail: 'preset production' });
    expect(config.logFormat).toBe('text');
    expect(sources.logFormat).toEqual({ kind: 'file', detail: file });
    expect(config.walSizeBytesMax).toBe(128 * 1024 * 1024);
    expect(config.checkpointIntervalMs).toBe(120_000);
    expect(config.slowOperationMs).toBe(300);
    expect(sources.slowOperationMs).toEqual({ kind: 'env', detail: 'OMBRA_SLOW_OPERATION_MS' });
    expect(config.cacheSizePages).toBe(40_000);
    expect(config.logLevel).toBe('error');
    expect(sources.logLevel).toEqual({ kind: 'flag', detail: '--set logLevel' });
    expect(config.readOnly).toBe(true);
    expect(sources.readOnly).toEqual({ kind: 'flag', detail: '--read-only' });
    expect(sources.pageSizeBytes).toEqual({ kind: 'default', detail: 'default' });
  });

  it('selects the preset from --preset over OMBRA_PRESET over the file', () => {
    const dir = dirWith({ 'ombra.toml': 'preset = "production"' });
    expect(loadConfig({ cwd: dir, env: { OMBRA_PRESET: 'development' } }).preset!.name).toBe('development');
    expect(loadConfig({ cwd: dir, env: { OMBRA_PRESET: 'development' }, preset: 'write-heavy' }).preset!.from).toEqual({ kind: 'flag', detail: '--preset' });
    const e = errorOf(() => loadConfig({ cwd: dir, env: {}, preset: 'turbo' }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details).toMatchObject({ key: 'preset', value: 'turbo' });
  });

  it('every preset holds only valid values', () => {
    for (const name of PRESET_NAMES) {
      for (const [key, value] of Object.entries(PRESETS[name])) validateOption(key as keyof OmbraConfig, value, `preset ${name}`);
      expect(loadConfig({ preset: name, env: {}, cwd: dirWith({}) }).preset!.name).toBe(name);
    }
  });

  it('rejects unknown keys and bad values in the file, naming the key, the file and the range', () => {
    const unknown = dirWith({ 'ombra.toml': 'cacheSizePagez = 10' });
    let e = errorOf(() => loadConfig({ cwd: unknown, env: {} }));
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.details.key).toBe('cacheSizePagez');
    expect(e.message).toContain(join(unknown, 'ombra.toml'));

    const bad = dirWith({ 'ombra.toml': 'cacheSizePages = 3' });
    e = errorOf(() => loadConfig({ cwd: bad, env: {} }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details).toMatchObject({ key: 'cacheSizePages', source: join(bad, 'ombra.toml'), allowed: 'a value in 16..16777216' });

    const wrongType = dirWith({ 'ombra.toml': 'readOnly = "maybe"' });
    expect(errorOf(() => loadConfig({ cwd: wrongType, env: {} })).details).toMatchObject({ key: 'readOnly', allowed: 'true or false' });

    const broken = dirWith({ 'ombra.toml': 'cacheSizePages = = 3' });
    e = errorOf(() => loadConfig({ cwd: broken, env: {} }));
    expect(e.code).toBe('CONFIG_FILE');
    expect(e.details).toMatchObject({ line: 1 });

    e = errorOf(() => loadConfig({ configFile: join(broken, 'missing.toml'), env: {} }));
    expect(e.code).toBe('CONFIG_FILE');
  });

  it('rejects bad environment values and unknown flags, naming them', () => {
    let e = errorOf(() => loadConfig({ env: { OMBRA_CACHE_SIZE_PAGES: 'lots' }, cwd: dirWith({}) }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.details).toMatchObject({ key: 'cacheSizePages', source: 'environment OMBRA_CACHE_SIZE_PAGES' });
    e = errorOf(() => loadConfig({ env: {}, flags: { nope: '1' }, cwd: dirWith({}) }));
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.details).toMatchObject({ key: 'nope', source: '--set nope' });
    e = errorOf(() => loadConfig({ env: {}, flags: { logFormat: 'xml' }, cwd: dirWith({}) }));
    expect(e.details).toMatchObject({ key: 'logFormat', allowed: 'one of json, text' });
  });

  it('reads --config, then OMBRA_CONFIG, then ./ombra.toml', () => {
    const a = dirWith({ 'ombra.toml': 'cacheSizePages = 100' });
    const b = dirWith({ 'other.toml': 'cacheSizePages = 200' });
    expect(loadConfig({ cwd: a, env: {} }).config.cacheSizePages).toBe(100);
    expect(loadConfig({ cwd: a, env: { OMBRA_CONFIG: join(b, 'other.toml') } }).config.cacheSizePages).toBe(200);
    expect(loadConfig({ cwd: a, env: {}, configFile: join(b, 'other.toml') }).file).toBe(join(b, 'other.toml'));
  });

  it('parses text values by type, with units where the name says bytes or ms', () => {
    expect(envVarName('cacheSizePages')).toBe('OMBRA_CACHE_SIZE_PAGES');
    expect(envVarName('healthCheckpointAgeMsMax')).toBe('OMBRA_HEALTH_CHECKPOINT_AGE_MS_MAX');
    expect(envVarName('logLevel')).toBe('OMBRA_LOG_LEVEL');
    expect(parseOptionText('walSizeBytesMax', '1GiB', 't')).toBe(1024 ** 3);
    expect(parseOptionText('walSizeBytesMax', '512 KiB', 't')).toBe(512 * 1024);
    expect(parseOptionText('healthDiskFreeBytesMin', '100MB', 't')).toBe(100e6);
    expect(parseOptionText('healthBackupAgeMsMax', '26h', 't')).toBe(26 * 3_600_000);
    expect(parseOptionText('slowOperationMs', '250ms', 't')).toBe(250);
    expect(parseOptionText('healthCacheHitRateMin', '0.95', 't')).toBe(0.95);
    expect(parseOptionText('accessControl', 'off', 't')).toBe(false);
    expect(parseOptionText('logFile', ' /var/log/x.log', 't')).toBe(' /var/log/x.log');
    expect(errorOf(() => parseOptionText('cacheSizePages', '20MiB', 't')).code).toBe('CONFIG_INVALID'); // pages take no size unit
    expect(errorOf(() => parseOptionText('cacheSizePages', '12.5', 't')).details.allowed).toContain('integer');
    expect(parseAssignments(['cacheSizePages=10', 'logFile = /tmp/a=b'])).toEqual({ cacheSizePages: '10', logFile: '/tmp/a=b' });
    expect(errorOf(() => parseAssignments(['cacheSizePages'])).code).toBe('CONFIG_INVALID');
  });
});
