import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertRing } from '../../src/observe/alerts.js';
import { formatText, Logger, resolveLogSettings, type LogSettings } from '../../src/observe/logger.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function capture(settings: Partial<LogSettings> = {}, destination?: Parameters<Logger['setDestination']>[0]) {
  let stderr = '';
  const alerts = new AlertRing();
  const logger = new Logger({
    settings: { level: 'info', format: 'json', file: '', ...settings },
    alerts,
    base: { db: '/data/g.db' },
    stderr: { write: (text: string) => (stderr += text) },
    destination,
  });
  return { logger, alerts, stderr: () => stderr };
}

describe('logger', () => {
  it('writes one JSON object per line with level label, time, message, fields and base', () => {
    const { logger, stderr } = capture();
    logger.info('opened', { event: 'open', lsn: 5n });
    logger.debug('not shown');
    const lines = stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', msg: 'opened', event: 'open', lsn: 5, db: '/data/g.db', pid: process.pid });
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  });

  it('writes text lines when logFormat is text', () => {
    const { logger, stderr } = capture({ format: 'text' });
    logger.warn('slow commit', { durationMs: 152.5, operation: 'commit', note: 'two words' });
    expect(stderr()).toMatch(/^\d{4}-\d\d-\d\dT\S+Z WARN  slow commit db=\/data\/g\.db durationMs=152\.5 operation=commit note="two words"\n$/);
    expect(formatText('not json\n')).toBe('not json\n');
  });

  it('changes level live and copies warn/error/fatal into the alert ring whatever the level', () => {
    const { logger, alerts, stderr } = capture({ level: 'error' });
    logger.warn('disk almost full');
    logger.errorFrom(Object.assign(new Error('x'), {}), 'plain error');
    expect(stderr().trim().split('\n')).toHaveLength(1); // the warning is below the level
    expect(alerts.recent().map((a) => [a.level, a.code])).toEqual([
      ['warn', null],
      ['error', 'INTERNAL'],
    ]);
    logger.level = 'debug';
    expect(logger.isEnabled('debug')).toBe(true);
    logger.debug('now visible');
    expect(stderr()).toContain('now visible');
  });

  it('routes to memory only (the dashboard) and never to stderr', () => {
    const { logger, stderr } = capture({}, 'memory');
    logger.info('one');
    logger.error('two', { code: 'IO' });
    expect(stderr()).toBe('');
    expect(logger.recentLines().map((l) => JSON.parse(l).msg)).toEqual(['one', 'two']);
    logger.setDestination('none');
    logger.info('three');
    expect(logger.recentLines()).toHaveLength(2);
    expect(stderr()).toBe('');
  });

  it('appends to a file synchronously and switches destinations live', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ombra-log-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'sub', 'ombra.log');
    const { logger, stderr } = capture({ file });
    expect(logger.destination).toBe('file');
    logger.info('to the file');
    expect(readFileSync(file, 'utf8')).toContain('to the file'); // synchronous: there already
    logger.setDestination('stderr');
    logger.info('to stderr');
    logger.close();
    expect(readFileSync(file, 'utf8')).not.toContain('to stderr');
    expect(stderr()).toContain('to stderr');
    // A path under a regular file cannot be created.
    expect(() => logger.setDestination({ file: join(file, 'below-a-file', 'x.log') })).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(logger.destination).toBe('stderr');
  });

  it('bounds the alert ring', () => {
    const ring = new AlertRing(3);
    for (let i = 0; i < 5; i++) ring.push({ atMs: i, level: 'warn', code: null, message: `m${i}` });
    expect(ring.recent().map((a) => a.message)).toEqual(['m2', 'm3', 'm4']);
    expect(ring.recent(1).map((a) => a.message)).toEqual(['m4']);
    expect(ring.total).toBe(5);
  });

  it('settings: explicit option > OMBRA_LOG_* environment > config; bad environment values are named', () => {
    const config = { logLevel: 'info', logFormat: 'json', logFile: '' } as const;
    const env = { OMBRA_LOG_LEVEL: 'debug', OMBRA_LOG_FORMAT: 'text', OMBRA_LOG_FILE: '/var/log/ombra.log' };
    expect(resolveLogSettings(config, {}, env)).toEqual({ level: 'debug', format: 'text', file: '/var/log/ombra.log' });
    expect(resolveLogSettings(config, { logLevel: 'warn' }, env).level).toBe('warn');
    expect(resolveLogSettings(config, {}, {})).toEqual({ level: 'info', format: 'json', file: '' });
    expect(() => resolveLogSettings(config, {}, { OMBRA_LOG_LEVEL: 'loud' })).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID', details: expect.objectContaining({ key: 'logLevel', source: 'environment OMBRA_LOG_LEVEL' }) }),
    );
  });
});
