// The audit log (audit.ts): format, hash chain, tamper detection (altered, removed, reordered,
// inserted lines), scope, torn tails, several appenders, the stale lock, and `ombra audit`.
import { closeSync, openSync, readFileSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, AuditScope, formatRecord, queryAuditLog, sha256Hex, verifyAuditLog, type AuditEntry } from '../../src/security/audit.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { cleanupAll, workDir } from './support.js';

afterEach(cleanupAll);

const fs = new RealFileSystem();

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return { user: i % 2 === 0 ? 'alice' : 'bob', action: i % 3 === 0 ? 'delete' : 'write', target: `CREATE (:N {i: ${i}})`, outcome: 'ok', txn: BigInt(10 + i), time: new Date(Date.UTC(2030, 0, 1, 0, 0, i)), ...over };
}

function filled(count: number): string {
  const path = join(workDir(), 'audit.jsonl');
  const log = new AuditLog(fs, path, 'all');
  for (let i = 0; i < count; i++) log.append(entry(i));
  return path;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

function rewrite(path: string, edited: string[]): void {
  writeFileSync(path, edited.map((l) => `${l}\n`).join(''));
}

describe('audit log format and chain', () => {
  it('writes one JSON line per record with seq, time, user, action, target, outcome, txn, detail, prev and hash, chained', () => {
    const path = filled(5);
    const text = lines(path);
    expect(text).toHaveLength(5);
    const first = JSON.parse(text[0]!);
    expect(Object.keys(first)).toEqual(['seq', 'time', 'user', 'action', 'target', 'outcome', 'txn', 'detail', 'prev', 'hash']);
    expect(first).toMatchObject({ seq: 1, time: '2030-01-01T00:00:00.000Z', user: 'alice', action: 'delete', outcome: 'ok', txn: '10', detail: null, prev: '0'.repeat(64) });
    for (let i = 1; i < 5; i++) expect(JSON.parse(text[i]!).prev).toBe(sha256Hex(text[i - 1]!));
    // The line is exactly formatRecord's output (a golden check of the layout).
    expect(text[0]).toBe(formatRecord(entry(0), 1, '0'.repeat(64)));
    expect(verifyAuditLog(fs, path)).toMatchObject({ ok: true, records: 5, head: sha256Hex(text[4]!), firstBad: null });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('finds an altered, removed, reordered or inserted line and names the first bad line', () => {
    const path = filled(8);
    const original = lines(path);
    const cases: [string, string[], number][] = [
      ['altered middle line', original.map((l, i) => (i === 3 ? l.replace('"user":"bob"', '"user":"eve"') : l)), 4],
      ['altered last line', original.map((l, i) => (i === 7 ? l.replace('"outcome":"ok"', '"outcome":"failed"') : l)), 8],
      ['altered line with its own hash recomputed', original.map((l, i) => (i === 2 ? reHashed(l.replace('"txn":"12"', '"txn":"99"')) : l)), 4],
      ['removed line', original.filter((_, i) => i !== 5), 6],
      ['removed first line', original.slice(1), 1],
      ['reordered lines', [original[0]!, original[2]!, original[1]!, ...original.slice(3)], 2],
      ['inserted copy', [...original.slice(0, 4), original[3]!, ...original.slice(4)], 5],
      ['garbage line', [...original.slice(0, 6), 'not json', ...original.slice(6)], 7],
    ];
    for (const [what, edited, badLine] of cases) {
      rewrite(path, edited);
      const report = verifyAuditLog(fs, path);
      expect({ what, ok: report.ok, line: report.firstBad?.line }).toEqual({ what, ok: false, line: badLine });
    }
    rewrite(path, original);
    expect(verifyAuditLog(fs, path).ok).toBe(true);
  });

  it('queries by time range, user, action and outcome', () => {
    const path = filled(12);
    expect(queryAuditLog(fs, path, { user: 'alice' })).toHaveLength(6);
    expect(queryAuditLog(fs, path, { since: '2030-01-01T00:00:03Z', until: '2030-01-01T00:00:05Z' }).map((r) => r.seq)).toEqual([4, 5, 6]);
    expect(queryAuditLog(fs, path, { action: 'delete', user: 'bob' }).map((r) => r.seq)).toEqual([4, 10]);
    expect(queryAuditLog(fs, path, { outcome: 'denied' })).toEqual([]);
    expect(() => queryAuditLog(fs, path, { since: 'yesterday' })).toThrow(/not a time/);
  });
});

/** A line whose `hash` is recomputed after an edit (a careful forger): only the chain can tell. */
function reHashed(line: string): string {
  const body = `${line.replace(/,"hash":"[0-9a-f]{64}"\}$/, '')}}`;
  return `${body.slice(0, -1)},"hash":"${sha256Hex(body)}"}`;
}

describe('appending', () => {
  it('records only actions in scope; "denied" takes every refusal; scopes are validated', () => {
    const path = join(workDir(), 'scoped.jsonl');
    const log = new AuditLog(fs, path, 'backup, user.*, denied');
    log.append(entry(1, { action: 'write' }));
    log.append(entry(2, { action: 'backup' }));
    log.append(entry(3, { action: 'user.create' }));
    log.append(entry(4, { action: 'write', outcome: 'denied' }));
    expect(queryAuditLog(fs, path).map((r) => `${r.action}:${r.outcome}`)).toEqual(['backup:ok', 'user.create:ok', 'write:denied']);
    log.setScope('write');
    log.append(entry(5, { action: 'write' }));
    expect(queryAuditLog(fs, path)).toHaveLength(4);
    for (const bad of ['', ' , ', 'Write', 'x y']) expect(() => new AuditScope(bad)).toThrow();
  });

  it('cuts a torn last line (a crash mid-append), says so in the next record, and keeps the chain intact', () => {
    const path = filled(3);
    const fd = openSync(path, 'a');
    writeSync(fd, '{"seq":4,"time":"2030-01-01T00:0');
    closeSync(fd);
    expect(verifyAuditLog(fs, path)).toMatchObject({ ok: false, firstBad: { line: 4 } });
    const log = new AuditLog(fs, path, 'all');
    log.append(entry(9));
    const records = queryAuditLog(fs, path);
    expect(records.map((r) => r.action)).toEqual(['delete', 'write', 'write', 'audit.torn-tail', 'delete']);
    expect(records[3]!.detail).toMatch(/cut 32 byte/);
    expect(verifyAuditLog(fs, path).ok).toBe(true);
  });

  it('keeps one chain when several appenders (processes) share the file, and takes over a stale lock', () => {
    const path = join(workDir(), 'shared.jsonl');
    const a = new AuditLog(fs, path, 'all');
    const b = new AuditLog(fs, path, 'all');
    for (let i = 0; i < 20; i++) (i % 3 === 0 ? b : a).append(entry(i));
    expect(verifyAuditLog(fs, path)).toMatchObject({ ok: true, records: 20 });
    writeFileSync(`${path}.lock`, '12345\n');
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(`${path}.lock`, old, old);
    a.append(entry(21));
    expect(verifyAuditLog(fs, path)).toMatchObject({ ok: true, records: 21 });
  });

  it('goes through the FileSystem seam (a simulated file system holds it) and is durable per record', () => {
    const sim = new SimulatedFileSystem({ seed: 5 });
    sim.mkdir('/logs');
    sim.syncDirectory('/');
    sim.syncDirectory('/logs');
    const log = new AuditLog(sim, '/logs/a.jsonl', 'all');
    for (let i = 0; i < 4; i++) log.append(entry(i));
    sim.crash({ writes: 'drop-all' }); // every unsynced write and directory change is lost
    // Every record was synced when append() returned, and the new file's name with it.
    expect(verifyAuditLog(sim, '/logs/a.jsonl')).toMatchObject({ ok: true, records: 4 });
    // A lock left by a process that died mid-append does not block the next appender.
    sim.writeFile('/logs/a.jsonl.lock', Buffer.from(`999999\n${hostname()}\n`));
    new AuditLog(sim, '/logs/a.jsonl', 'all').append(entry(5));
    expect(verifyAuditLog(sim, '/logs/a.jsonl')).toMatchObject({ ok: true, records: 5 });
  });
});
