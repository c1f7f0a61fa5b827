// The audit log: an append-only JSONL file (config auditLogFile, mode 0600), one record per
// mutation statement, admin job, security change and refused action, hash-chained so that a
// removed, reordered or altered line is found by verifyAuditLog (`ombra audit DB --verify`).
//
// RECORD (one line of UTF-8 JSON, fields in this order, then '\n')
//   field    type          meaning
//   seq      integer       position of the record in the file, 1-based: equals its line number
//   time     string        ISO-8601 UTC with milliseconds, when the outcome was known
//   user     string        session user (access.ts; the OS user mapped by config by default)
//   action   string        'write' | 'delete' | 'schema' | 'read' (statements, permissions.ts),
//                          a job kind ('backup', 'compact', ...), 'configure', 'user.create',
//                          'user.drop', 'role.grant', 'role.revoke', 'role.create',
//                          'role.drop', 'audit.torn-tail'
//   target   string        statement text, job description, user or setting names (≤ 4096
//                          characters; a longer one is cut and ends with '…')
//   outcome  string        'ok' | 'denied' | 'failed' | 'cancelled' | 'rolled-back'
//   txn      string|null   LSN of the commit (decimal), null when nothing was committed
//   detail   string|null   missing permission, error code, or other context
//   prev     string        SHA-256 (hex) of the previous line's bytes without its '\n';
//                          64 zeros on the first line
//   hash     string        SHA-256 (hex) of this line with `,"hash":"…"` removed
//                          (catches an edited last line, which has no successor to notice)
//
// WHEN IS THE LOG INTACT (verifyAuditLog): every line parses as a record with the fields
// above, its seq is its line number, its prev is the SHA-256 of the line before, and its
// hash matches. The first line where one fails is reported (AUDIT_TAMPERED). The chain
// proves order and content to anyone holding the newest head hash (printed by --verify):
// cutting the newest lines off the end is only visible against a head recorded elsewhere.
//
// APPEND PROTOCOL (append)
//   1. Take `<log>.lock` (created exclusively, holding pid and host; other appenders wait, up
//      to LOCK_WAIT_MS). A lock whose process is gone (same host, pid not alive), or older than
//      LOCK_STALE_MS, is left over from a crash and is removed.
//   2. Find the head: the last line of the file (re-read only when the size changed since
//      this process last appended). A last line without '\n' is a torn write from a crash:
//      it was never acknowledged, so it is cut off ══ fsync, and an 'audit.torn-tail'
//      record says how many bytes were cut.
//   3. Write the record line at the end ══ fdatasync.            failpoint 'audit.beforeSync'
//      A file this append created: ══ fsync its directory too (its name must survive a crash).
//   4. Remove the lock.
// Durability: a record is on disk when append() returns. The audited action comes first:
// a mutation statement is recorded after its commit is durable, with the commit's LSN, so a
// crash between the two syncs can lose the record of a committed change (never the
// reverse); the LSNs of the surviving records show where.
//
// Invariants:
//  (L1) The file only grows, except for cutting a torn last line (step 2).
//  (L2) Records are appended under the lock, so appends of several processes (the writer
//       and read-only `ombra backup` runs) interleave whole and keep one chain.

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { SecurityError, StorageError } from '../errors.js';
import { failpoint } from '../storage/failpoint.js';
import { fsErrno } from '../storage/fs-errors.js';
import { isProcessAlive } from '../storage/lock.js';
import type { FileHandle, FileSystem } from '../storage/types.js';

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed', 'cancelled', 'rolled-back'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditRecord {
  seq: number;
  time: string;
  user: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  txn: string | null;
  detail: string | null;
  prev: string;
  hash: string;
}

/** What a caller records; seq, prev and hash are the log's business. */
export interface AuditEntry {
  user: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  txn?: bigint | null;
  detail?: string | null;
  /** Default: now. */
  time?: Date;
}

export const TARGET_CHARS_MAX = 4096;
/** The hash before the first record of a chain (an empty log's head). */
export const ZERO_HASH = '0'.repeat(64);
const LOCK_WAIT_MS = 5000;
const LOCK_STALE_MS = 30_000;
const TAIL_CHUNK_BYTES = 16 * 1024;
const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The line (without '\n') for a record whose seq and prev are known. */
export function formatRecord(entry: AuditEntry, seq: number, prev: string): string {
  const target = entry.target.length > TARGET_CHARS_MAX ? `${entry.target.slice(0, TARGET_CHARS_MAX - 1)}…` : entry.target;
  const body = JSON.stringify({
    seq,
    time: (entry.time ?? new Date()).toISOString(),
    user: entry.user,
    action: entry.action,
    target,
    outcome: entry.outcome,
    txn: entry.txn === undefined || entry.txn === null ? null : entry.txn.toString(),
    detail: entry.detail ?? null,
    prev,
  });
  return `${body.slice(0, -1)},"hash":"${sha256Hex(body)}"}`;
}

/** Why a line is not a well-formed record (own hash included), or null. Chain links are checked by the caller. */
export function lineProblem(line: string): { problem: string } | { record: AuditRecord } {
  const match = HASH_SUFFIX.exec(line);
  if (match === null) return { problem: 'the line does not end with a hash field' };
  const body = `${line.slice(0, line.length - match[0].length)}}`;
  if (sha256Hex(body) !== match[1]) return { problem: 'the line was altered: its hash does not match its content' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { problem: 'the line is not valid JSON' };
  }
  const r = parsed as Partial<AuditRecord>;
  const shapeOk =
    typeof r.seq === 'number' &&
    typeof r.time === 'string' &&
    typeof r.user === 'string' &&
    typeof r.action === 'string' &&
    typeof r.target === 'string' &&
    (AUDIT_OUTCOMES as readonly string[]).includes(r.outcome as string) &&
    (r.txn === null || typeof r.txn === 'string') &&
    (r.detail === null || typeof r.detail === 'string') &&
    typeof r.prev === 'string';
  if (!shapeOk) return { problem: 'the line is not an audit record (a field is missing or has the wrong type)' };
  return { record: r as AuditRecord };
}

// ── scope ───────────────────────────────────────────────────────────────────

/**
 * An audit scope: 'all', or a comma list of actions; 'user.*' matches every action starting
 * with 'user.'; 'denied' matches every refused action whatever its action.
 */
export class AuditScope {
  private readonly all: boolean;
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];
  private readonly denied: boolean;

  constructor(readonly text: string) {
    const tokens = text
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    if (tokens.length === 0) throw new SecurityError('INVALID_ARGUMENT', `auditScope '${text}' names no action (use 'all' or a comma list such as 'write,delete,backup,denied')`, { auditScope: text });
    this.all = tokens.includes('all');
    this.denied = tokens.includes('denied');
    for (const token of tokens) {
      if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*(\.\*)?$/.test(token)) {
        throw new SecurityError('INVALID_ARGUMENT', `auditScope '${text}': '${token}' is not an action name`, { auditScope: text, token });
      }
      if (token.endsWith('.*')) this.prefixes.push(token.slice(0, -1));
      else this.exact.add(token);
    }
  }

  includes(action: string, outcome: AuditOutcome): boolean {
    if (this.all) return true;
    if (outcome === 'denied' && this.denied) return true;
    if (this.exact.has(action)) return true;
    return this.prefixes.some((p) => action.startsWith(p));
  }
}

// ── appending ───────────────────────────────────────────────────────────────

export class AuditLog {
  private head: { sizeBytes: number; seq: number; hash: string } | null = null;
  private scopeCache: AuditScope;
  /** Records that could not be written (reported to onError, counted here). */
  failures = 0;

  constructor(
    private readonly fs: FileSystem,
    readonly path: string,
    scope: string,
  ) {
    this.scopeCache = new AuditScope(scope);
  }

  get scope(): string {
    return this.scopeCache.text;
  }

  /** Change the scope (live config auditScope). Throws INVALID_ARGUMENT for a bad one. */
  setScope(scope: string): void {
    if (scope !== this.scopeCache.text) this.scopeCache = new AuditScope(scope);
  }

  inScope(action: string, outcome: AuditOutcome): boolean {
    return this.scopeCache.includes(action, outcome);
  }

  /**
   * Append one record if its action is in scope (APPEND PROTOCOL). Returns the record
   * written, or null when out of scope. Durable when it returns; throws IO errors.
   */
  append(entry: AuditEntry): AuditRecord | null {
    if (!this.inScope(entry.action, entry.outcome)) return null;
    const release = this.lock();
    try {
      const created = !this.fs.exists(this.path);
      const file = this.fs.open(this.path, { create: true });
      try {
        const cut = this.findHead(file);
        if (cut > 0) this.writeLine(file, { user: 'ombra', action: 'audit.torn-tail', target: this.path, outcome: 'ok', detail: `cut ${cut} byte(s) of an unfinished last line (a crash during an append)` });
        const record = this.writeLine(file, entry);
        if (created) this.fs.syncDirectory(dirname(this.path));
        return record;
      } finally {
        file.close();
      }
    } catch (error) {
      this.head = null;
      throw error;
    } finally {
      release();
    }
  }

  private writeLine(file: FileHandle, entry: AuditEntry): AuditRecord {
    const head = this.head!;
    const line = formatRecord(entry, head.seq + 1, head.hash);
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    file.write(bytes, 0, bytes.length, head.sizeBytes);
    failpoint('audit.beforeSync');
    file.sync();
    this.head = { sizeBytes: head.sizeBytes + bytes.length, seq: head.seq + 1, hash: sha256Hex(line) };
    return JSON.parse(line) as AuditRecord;
  }

  /** Step 2: set this.head from the file; returns the bytes of a torn last line that were cut. */
  private findHead(file: FileHandle): number {
    const size = file.size();
    if (this.head !== null && this.head.sizeBytes === size) return 0;
    if (size === 0) {
      this.head = { sizeBytes: 0, seq: 0, hash: ZERO_HASH };
      return 0;
    }
    let { lastLine, lastLineStart, endsWithNewline } = readTail(file, size);
    let cut = 0;
    if (!endsWithNewline) {
      // A torn append: cut back to the end of the last complete line (L1).
      cut = size - lastLineStart;
      file.truncate(lastLineStart);
      file.sync();
      if (lastLineStart === 0) {
        this.head = { sizeBytes: 0, seq: 0, hash: ZERO_HASH };
        return cut;
      }
      ({ lastLine, lastLineStart } = readTail(file, lastLineStart));
    }
    const sizeNow = size - cut;
    const parsed = lineProblem(lastLine);
    const seq = 'record' in parsed ? parsed.record.seq : countLines(file, sizeNow);
    this.head = { sizeBytes: sizeNow, seq, hash: sha256Hex(lastLine) };
    return cut;
  }

  /** Step 1: the cross-process lock. Returns its release. */
  private lock(): () => void {
    const lockPath = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = this.fs.open(lockPath, { exclusive: true });
        const note = Buffer.from(`${process.pid}\n${hostname()}\n`, 'utf8');
        handle.write(note, 0, note.length, 0);
        handle.close();
        return () => {
          try {
            this.fs.unlink(lockPath);
          } catch {
            // a lock we cannot remove is taken for stale by the next appender after LOCK_STALE_MS
          }
        };
      } catch (error) {
        if (!isExists(error)) {
          if (!this.fs.exists(dirname(this.path))) {
            throw new StorageError('IO', `the directory of the audit log ${this.path} does not exist`, { file: this.path }, { cause: error });
          }
          throw error;
        }
      }
      const age = this.lockAgeMs(lockPath);
      if ((age !== null && age > LOCK_STALE_MS) || this.lockOwnerGone(lockPath)) {
        try {
          this.fs.unlink(lockPath);
        } catch {
          // another appender removed it first
        }
        continue;
      }
      if (Date.now() >= deadline) {
        throw new StorageError('IO', `the audit log ${this.path} is locked by another process (${lockPath}) for more than ${LOCK_WAIT_MS} ms`, { file: lockPath });
      }
      sleepSync(2);
    }
  }

  /** True when the lock names a process on this host that no longer runs (a crash mid-append). */
  private lockOwnerGone(lockPath: string): boolean {
    try {
      const [pid, host] = Buffer.from(this.fs.readFile(lockPath)).toString('utf8').split('\n');
      const owner = Number(pid);
      return host === hostname() && Number.isInteger(owner) && owner > 0 && owner !== process.pid && !isProcessAlive(owner);
    } catch {
      return false;
    }
  }

  private lockAgeMs(lockPath: string): number | null {
    try {
      return this.fs.modifiedAtMs === undefined ? null : Date.now() - this.fs.modifiedAtMs(lockPath);
    } catch {
      return null;
    }
  }
}

function isExists(error: unknown): boolean {
  return fsErrno(error) === 'EEXIST';
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** The last line of the first `size` bytes (without its '\n') and where it starts. */
function readTail(file: FileHandle, size: number): { lastLine: string; lastLineStart: number; endsWithNewline: boolean } {
  let chunk = Math.min(size, TAIL_CHUNK_BYTES);
  for (;;) {
    const start = size - chunk;
    const bytes = new Uint8Array(chunk);
    file.read(bytes, 0, chunk, start);
    const endsWithNewline = bytes[chunk - 1] === 0x0a;
    const searchEnd = endsWithNewline ? chunk - 1 : chunk;
    const newline = bytes.subarray(0, searchEnd).lastIndexOf(0x0a);
    if (newline >= 0 || start === 0) {
      const from = newline + 1;
      return { lastLine: Buffer.from(bytes.subarray(from, searchEnd)).toString('utf8'), lastLineStart: start + from, endsWithNewline };
    }
    chunk = Math.min(size, chunk * 4);
  }
}

function countLines(file: FileHandle, size: number): number {
  let count = 0;
  for (const _ of lines(file, size)) count++;
  return count;
}

/** Complete lines of a file (a last line without '\n' included), read in chunks. */
function* lines(file: FileHandle, size: number): Generator<string> {
  const chunkBytes = 1 << 20;
  let carry: Buffer = Buffer.alloc(0);
  for (let position = 0; position < size; position += chunkBytes) {
    const length = Math.min(chunkBytes, size - position);
    const bytes = Buffer.alloc(length);
    file.read(bytes, 0, length, position);
    let data = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
    let from = 0;
    for (let nl = data.indexOf(0x0a, from); nl >= 0; nl = data.indexOf(0x0a, from)) {
      yield data.subarray(from, nl).toString('utf8');
      from = nl + 1;
    }
    carry = Buffer.from(data.subarray(from));
    data = Buffer.alloc(0);
  }
  if (carry.length > 0) yield carry.toString('utf8');
}

// ── reading and verifying ────────────────────────────────────────────────────

export interface AuditQuery {
  /** Records at or after this time. */
  since?: Date | number | string;
  /** Records at or before this time. */
  until?: Date | number | string;
  user?: string;
  action?: string;
  outcome?: AuditOutcome;
}

function toMs(value: Date | number | string, what: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new SecurityError('INVALID_ARGUMENT', `${what} ${String(value)} is not a time (use ISO 8601, e.g. 2024-05-01T12:00:00Z)`, { [what]: String(value) });
  return ms;
}

/**
 * Records matching `query`, oldest first. Lines that are not records are skipped (verify
 * reports them). Cost: reads the whole file once.
 */
export function queryAuditLog(fs: FileSystem, path: string, query: AuditQuery = {}): AuditRecord[] {
  const since = query.since === undefined ? -Infinity : toMs(query.since, 'since');
  const until = query.until === undefined ? Infinity : toMs(query.until, 'until');
  const out: AuditRecord[] = [];
  forEachLine(fs, path, (line) => {
    const parsed = lineProblem(line);
    if (!('record' in parsed)) return;
    const r = parsed.record;
    const at = Date.parse(r.time);
    if (at < since || at > until) return;
    if (query.user !== undefined && r.user !== query.user) return;
    if (query.action !== undefined && r.action !== query.action) return;
    if (query.outcome !== undefined && r.outcome !== query.outcome) return;
    out.push(r);
  });
  return out;
}

export interface AuditVerifyReport {
  path: string;
  ok: boolean;
  /** Lines read. */
  records: number;
  /** SHA-256 of the last line: record it elsewhere to detect a cut-off end later. */
  head: string;
  /** The first line that breaks the chain (1-based), with why. */
  firstBad: { line: number; problem: string } | null;
}

/** Check the whole chain (WHEN IS THE LOG INTACT). Cost: reads the file once. */
export function verifyAuditLog(fs: FileSystem, path: string): AuditVerifyReport {
  let lineNo = 0;
  let prevHash = ZERO_HASH;
  let firstBad: AuditVerifyReport['firstBad'] = null;
  let endsWithNewline = true;
  forEachLine(
    fs,
    path,
    (line) => {
      lineNo++;
      if (firstBad === null) {
        const parsed = lineProblem(line);
        if ('problem' in parsed) firstBad = { line: lineNo, problem: parsed.problem };
        else if (parsed.record.seq !== lineNo) {
          firstBad = { line: lineNo, problem: `the record says seq ${parsed.record.seq} on line ${lineNo}: lines were removed, inserted or reordered` };
        } else if (parsed.record.prev !== prevHash) {
          firstBad = { line: lineNo, problem: 'the chain is broken: prev is not the hash of the line before (a line before it was removed, altered or reordered)' };
        }
      }
      prevHash = sha256Hex(line);
    },
    (newline) => (endsWithNewline = newline),
  );
  if (firstBad === null && !endsWithNewline) firstBad = { line: lineNo, problem: 'the last line is unfinished (no newline): a torn append' };
  return { path, ok: firstBad === null, records: lineNo, head: prevHash, firstBad };
}

function forEachLine(fs: FileSystem, path: string, onLine: (line: string) => void, onEnd?: (endsWithNewline: boolean) => void): void {
  if (!fs.exists(path)) throw new StorageError('IO', `the audit log ${path} does not exist`, { file: path });
  const file = fs.open(path, { readOnly: true });
  try {
    const size = file.size();
    for (const line of lines(file, size)) onLine(line);
    if (onEnd !== undefined) {
      const last = new Uint8Array(1);
      if (size > 0) file.read(last, 0, 1, size - 1);
      onEnd(size === 0 || last[0] === 0x0a);
    }
  } finally {
    file.close();
  }
}

/** Throw AUDIT_TAMPERED naming the first bad line unless the report is clean. */
export function assertAuditIntact(report: AuditVerifyReport): void {
  if (report.ok) return;
  const bad = report.firstBad!;
  throw new SecurityError('AUDIT_TAMPERED', `the audit log ${report.path} is broken at line ${bad.line}: ${bad.problem}`, { file: report.path, line: bad.line, problem: bad.problem });
}
