// Encryption at rest: key spelling, the page cipher (format, authentication, nonces), and
// encrypted databases on real files (no plaintext on disk; missing / wrong / invalid keys).
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { isOmbraError, type OmbraError } from '../../src/errors.js';
import { DatabaseEncryption } from '../../src/security/encrypted-open.js';
import { NonceSequence, PageCipher, nonceOf } from '../../src/security/encryption.js';
import { deriveKeys, readKeyArea } from '../../src/security/key-area.js';
import { parseKey, readKeyFile, resolveKey } from '../../src/security/key.js';
import { isEncryptedFile } from '../../src/security/encrypted-open.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import * as meta from '../../src/storage/meta.js';
import { FLAG_ENCRYPTED, PAGE_TYPE, pageProblem, sealPage, resealPage } from '../../src/storage/page.js';
import { cleanupAll, KEY_A, KEY_B, names, openDb, plaintextIn, readNames, snapshotDir, workDir, writePeople } from './support.js';

afterEach(cleanupAll);

function thrown(body: () => unknown): OmbraError {
  try {
    body();
  } catch (error) {
    if (isOmbraError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('keys', () => {
  it('accepts 64 hex digits, base64 and base64url of 32 bytes, and 32 raw bytes', () => {
    const bytes = randomBytes(32);
    expect(parseKey(bytes.toString('hex'), 't').bytes.equals(bytes)).toBe(true);
    expect(parseKey(`  ${bytes.toString('hex').toUpperCase()}\n`, 't').bytes.equals(bytes)).toBe(true);
    expect(parseKey(bytes.toString('base64'), 't').bytes.equals(bytes)).toBe(true);
    expect(parseKey(bytes.toString('base64url'), 't').bytes.equals(bytes)).toBe(true);
    expect(parseKey(bytes, 't').bytes.equals(bytes)).toBe(true);
  });

  it('refuses anything else with ENCRYPTION_KEY_INVALID (exit 3) and never echoes the key', () => {
    for (const bad of ['', 'abc', 'a1'.repeat(31), 'a1'.repeat(33), Buffer.alloc(31).toString('base64'), 'not a key at all!', 'zz'.repeat(32)]) {
      const error = thrown(() => parseKey(bad, 'OMBRA_ENCRYPTION_KEY'));
      expect(error.code).toBe('ENCRYPTION_KEY_INVALID');
      expect(error.exitCode).toBe(3);
      if (bad.length > 4) expect(error.message).not.toContain(bad);
      expect(error.message).toContain('OMBRA_ENCRYPTION_KEY');
    }
    expect(thrown(() => parseKey(new Uint8Array(16), 'x')).code).toBe('ENCRYPTION_KEY_INVALID');
  });

  it('reads key files as text or 32 raw bytes; the option wins over the file, the file over the environment', () => {
    const dir = workDir();
    const raw = randomBytes(32);
    writeFileSync(join(dir, 'raw.key'), raw);
    writeFileSync(join(dir, 'hex.key'), `${KEY_A}\n`);
    expect(readKeyFile(join(dir, 'raw.key')).bytes.equals(raw)).toBe(true);
    expect(readKeyFile(join(dir, 'hex.key')).bytes.toString('hex')).toBe(KEY_A);
    expect(thrown(() => readKeyFile(join(dir, 'missing.key'))).code).toBe('ENCRYPTION_KEY_MISSING');
    const env = { OMBRA_ENCRYPTION_KEY: KEY_B };
    expect(resolveKey({ env })!.source).toBe('OMBRA_ENCRYPTION_KEY');
    expect(resolveKey({ env, keyFile: join(dir, 'hex.key') })!.bytes.toString('hex')).toBe(KEY_A);
    expect(resolveKey({ env, keyFile: join(dir, 'hex.key'), encryptionKey: raw })!.bytes.equals(raw)).toBe(true);
    expect(resolveKey({ env: {} })).toBeNull();
  });
});

describe('page cipher', () => {
  const keys = deriveKeys(parseKey(KEY_A, 'test'), randomBytes(16));

  function plainPage(pageId: number, lsn: bigint): Uint8Array {
    const page = new Uint8Array(4096);
    page[0] = PAGE_TYPE.BTREE_LEAF;
    page.set(randomBytes(4096 - 56), 24);
    sealPage(page, pageId, lsn);
    return page;
  }

  it('round-trips exactly, sets the flag, stores page number and counter in the nonce, and keeps a valid checksum', () => {
    const cipher = new PageCipher(keys.pageKey, new NonceSequence(100n, 200n), 'test');
    const page = plainPage(7, 42n);
    const copy = page.slice();
    const stored = cipher.encode(page, 7);
    expect(page).toEqual(copy); // the plain image is never modified (it stays in the cache)
    expect(stored[1]! & FLAG_ENCRYPTED).toBe(FLAG_ENCRYPTED);
    expect(pageProblem(stored, 7)).toBeNull();
    expect(nonceOf(stored)).toEqual({ pageId: 7, counter: 100n });
    expect(Buffer.from(stored.subarray(24, 4096 - 32)).equals(Buffer.from(page.subarray(24, 4096 - 32)))).toBe(false);
    expect(cipher.decode(stored, 7)).toEqual(page);
    expect(nonceOf(cipher.encode(page, 7)).counter).toBe(101n); // a fresh nonce for every encryption
  });

  it('finds altered content, an altered LSN or type (authenticated data), and a page moved elsewhere', () => {
    const cipher = new PageCipher(keys.pageKey, new NonceSequence(0n, 10n), 'test.db');
    const stored = cipher.encode(plainPage(3, 9n), 3);
    const flip = (at: number): Uint8Array => {
      const copy = stored.slice();
      copy[at] = copy[at]! ^ 0x01;
      resealPage(copy); // the checksum passes: only authentication can tell
      return copy;
    };
    for (const at of [100, 4096 - 21, 8, 0, 20]) {
      const error = thrown(() => cipher.decode(flip(at), 3));
      expect(error.code).toBe('CORRUPTION');
      expect(error.details).toMatchObject({ pageNumber: 3, problem: 'authentication failed' });
    }
    const moved = stored.slice();
    new DataView(moved.buffer).setUint32(4, 4);
    resealPage(moved);
    expect(thrown(() => cipher.decode(moved, 4)).details.problem).toBe('nonce names another page');
    const other = new PageCipher(deriveKeys(parseKey(KEY_B, 'b'), randomBytes(16)).pageKey, null, 'test.db');
    expect(thrown(() => other.decode(stored, 3)).details.problem).toBe('authentication failed');
    const plain = plainPage(3, 9n);
    expect(thrown(() => cipher.decode(plain, 3)).details.problem).toBe('not encrypted');
  });

  it("refuses once a writer's block is used up; a reader's codec encrypts from a private random start (N7)", () => {
    const reader = new PageCipher(keys.pageKey, null, 't');
    const first = nonceOf(reader.encode(plainPage(1, 1n), 1)).counter;
    expect(first).toBeGreaterThanOrEqual(1n << 32n);
    expect(nonceOf(reader.encode(plainPage(1, 1n), 1)).counter).toBe(first + 1n);
    expect(nonceOf(new PageCipher(keys.pageKey, null, 't').encode(plainPage(1, 1n), 1)).counter).not.toBe(first);
    expect(thrown(() => new PageCipher(null, null, 't').decode(plainPage(1, 1n), 1)).code).toBe('INTERNAL'); // no key checked yet
    const cipher = new PageCipher(keys.pageKey, new NonceSequence(5n, 7n), 't');
    cipher.encode(plainPage(1, 1n), 1);
    cipher.encode(plainPage(1, 1n), 1);
    expect(thrown(() => cipher.encode(plainPage(1, 1n), 1)).code).toBe('ENCRYPTION_NONCES_EXHAUSTED');
  });
});

describe('an encrypted database on disk', () => {
  const people = names('Zanzibar', 60);

  it('keeps every property string out of the database file and the WAL, and reads back with the key', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, people);
    // Before any checkpoint the data is only in the WAL.
    const needles = [people[0]!, people[59]!, `${people[7]}-secret`, `${people[8]}-note`, 'Person', 'KNOWS'];
    expect(plaintextIn(`${path}-wal`, needles)).toEqual([]);
    expect(readFileSync(`${path}-wal`).length).toBeGreaterThan(4096 * 3);
    await db.checkpoint('full');
    expect(plaintextIn(path, needles)).toEqual([]);
    await db.close();
    expect(plaintextIn(path, needles)).toEqual([]);
    expect(isEncryptedFile(new RealFileSystem(), path)).toBe(true);
    const again = openDb(path, { encryptionKey: KEY_A });
    expect(readNames(again)).toEqual([...people].sort());
    await again.close();

    // The same data in a plain database does show (the test can fail).
    const plainPath = join(dir, 'plain.db');
    const plain = openDb(plainPath);
    writePeople(plain, people);
    await plain.close();
    expect(plaintextIn(plainPath, needles).length).toBeGreaterThan(0);
  });

  it('refuses a missing, wrong or malformed key with exit 3 and leaves every file byte-identical', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, names('p', 20));
    await db.close();
    const before = snapshotDir(dir);
    const cases: [string, Parameters<typeof openDb>[1]][] = [
      ['ENCRYPTION_KEY_MISSING', {}],
      ['ENCRYPTION_KEY_WRONG', { encryptionKey: KEY_B }],
      ['ENCRYPTION_KEY_INVALID', { encryptionKey: 'a1'.repeat(10) }],
      ['ENCRYPTION_KEY_WRONG', { encryptionKey: KEY_B, readOnly: true }],
      ['ENCRYPTION_KEY_MISSING', { readOnly: true }],
    ];
    for (const [code, options] of cases) {
      const error = thrown(() => openDb(path, options));
      expect(error.code).toBe(code);
      expect(error.exitCode).toBe(3);
      expect(snapshotDir(dir)).toEqual(before);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('-lock'))).toEqual([]); // no lock file left behind
  });

  it('refuses a wrong key with the WAL still holding committed frames (a crash image), changing nothing', async () => {
    const dir = workDir();
    const path = join(dir, 'enc.db');
    const db = openDb(path, { encryptionKey: KEY_A, lock: false });
    writePeople(db, names('w', 30));
    // Copy the files while the database is open: the image a crash would leave.
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    copyFileSync(path, join(copy, 'enc.db'));
    copyFileSync(`${path}-wal`, join(copy, 'enc.db-wal'));
    db.pager.abandon();
    const before = snapshotDir(copy);
    expect(thrown(() => openDb(join(copy, 'enc.db'), { encryptionKey: KEY_B })).code).toBe('ENCRYPTION_KEY_WRONG');
    expect(thrown(() => openDb(join(copy, 'enc.db'))).code).toBe('ENCRYPTION_KEY_MISSING');
    expect(snapshotDir(copy)).toEqual(before);
    const recovered = openDb(join(copy, 'enc.db'), { encryptionKey: KEY_A });
    expect(readNames(recovered)).toHaveLength(30);
    await recovered.close();
  });

  it('refuses a key for a plain database (ENCRYPTION_NOT_ENABLED) instead of writing plaintext under a key', async () => {
    const dir = workDir();
    const path = join(dir, 'plain.db');
    await openDb(path).close();
    const error = thrown(() => openDb(path, { encryptionKey: KEY_A }));
    expect(error.code).toBe('ENCRYPTION_NOT_ENABLED');
    expect(error.exitCode).toBe(3);
  });

  it('takes the key from OMBRA_ENCRYPTION_KEY and from keyFile', async () => {
    const dir = workDir();
    const path = join(dir, 'env.db');
    const env = { OMBRA_ENCRYPTION_KEY: KEY_B };
    const db = openDb(path, { env });
    writePeople(db, ['Ada']);
    await db.close();
    expect(thrown(() => openDb(path, { env: {} })).code).toBe('ENCRYPTION_KEY_MISSING');
    writeFileSync(join(dir, 'k'), KEY_B);
    const viaFile = openDb(path, { keyFile: join(dir, 'k'), env: {} });
    expect(readNames(viaFile)).toEqual(['Ada']);
    await viaFile.close();
  });

  it('gives two databases under one master key different salts (hence different page keys)', async () => {
    const dir = workDir();
    const salts: string[] = [];
    for (const name of ['a.db', 'b.db']) {
      const db = openDb(join(dir, name), { encryptionKey: KEY_A });
      const txn = db.pager.beginRead();
      salts.push(readKeyArea(txn.meta).salt.toString('hex'));
      txn.end();
      await db.close();
    }
    expect(salts[0]).not.toBe(salts[1]);
  });

  it('opens read-only with the key, and in memory with a key', async () => {
    const dir = workDir();
    const path = join(dir, 'ro.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, ['Bo', 'Cy']);
    await db.close();
    const ro = openDb(path, { encryptionKey: KEY_A, readOnly: true });
    expect(readNames(ro)).toEqual(['Bo', 'Cy']);
    expect(thrown(() => ro.pager.beginWrite()).code).toBe('READ_ONLY');
    await ro.close();
    const mem = Database.open(':memory:', { encryptionKey: KEY_A, logLevel: 'silent' });
    writePeople(mem, ['Di']);
    expect(readNames(mem)).toEqual(['Di']);
    expect(mem.metrics().database.encrypted).toBe(true);
    await mem.close();
  });

  it('creates the encrypted page 0 directly in the file, so the file alone says it is encrypted (K1)', async () => {
    const fs = new SimulatedFileSystem({ seed: 3 });
    fs.mkdir('/d');
    const db = Database.open('/d/x.db', { fs, encryptionKey: KEY_A, logLevel: 'silent', checkpointIntervalMs: 0 });
    const file = fs.readFile('/d/x.db');
    const page0 = file.subarray(0, db.pager.pageSizeBytes);
    expect(meta.getFlags(page0) & meta.META_FLAG_ENCRYPTED).toBe(meta.META_FLAG_ENCRYPTED);
    expect(readKeyArea(page0).scheme).toBe(1);
    await db.close();
    expect(DatabaseEncryption.blockSize).toBe(1n << 32n);
    expect(existsSync('/d/x.db')).toBe(false); // it lived on the simulated file system only
  });
});
