// Rekey (rekey.ts): a new file under a new key, encrypted for the first time, or decrypted;
// the source never changes; the copy is a new database with its own salt and nonce lineage.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isEncryptedFile } from '../../src/security/encrypted-open.js';
import { readKeyArea } from '../../src/security/key-area.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import type { Database } from '../../src/database.js';
import { cleanupAll, KEY_A, KEY_B, names, openDb, plaintextIn, readNames, sharedOf, snapshotDir, workDir, writePeople } from './support.js';
import { GraphWriter } from '../../src/graph/writer.js';

afterEach(cleanupAll);

const real = new RealFileSystem();

function keyArea(db: Database) {
  const txn = db.pager.beginRead();
  try {
    return readKeyArea(txn.meta);
  } finally {
    txn.end();
  }
}

describe('rekey', () => {
  it('rewrites under a new key, encrypts a plain database, decrypts an encrypted one; the source is unchanged', async () => {
    const dir = workDir();
    const people = names('Kestrel', 120);
    const src = join(dir, 'src.db');
    const db = openDb(src, { encryptionKey: KEY_A });
    writePeople(db, people);
    // Free pages in the source: rekey writes them as zeros.
    const txn = db.pager.beginWrite();
    const g = new GraphWriter(txn, sharedOf(db));
    let n = 0;
    for (const id of [...g.nodeIdsByLabel('Person')]) if (n++ < 40) g.deleteNode(id, { detach: true });
    txn.commit();
    await db.close();
    const before = snapshotDir(dir);

    const source = openDb(src, { encryptionKey: KEY_A, readOnly: true });
    const report = await source.rekey({ out: join(dir, 'b.db'), newKey: KEY_B });
    expect(report).toMatchObject({ encryptedBefore: true, encryptedAfter: true });
    await expect(source.rekey({ out: join(dir, 'b.db'), newKey: KEY_B })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' }); // never overwrites
    const plain = await source.rekey({ out: join(dir, 'plain.db'), newKey: null });
    expect(plain.encryptedAfter).toBe(false);
    await expect(source.rekey({ out: join(dir, 'x.db') })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' }); // the new key must be explicit
    const sourceId = source.pager.databaseId;
    await source.close();
    const after = snapshotDir(dir);
    for (const [file, digest] of Object.entries(before)) expect(after[file]).toBe(digest);

    expect(() => openDb(join(dir, 'b.db'), { encryptionKey: KEY_A })).toThrow(expect.objectContaining({ code: 'ENCRYPTION_KEY_WRONG' }));
    const b = openDb(join(dir, 'b.db'), { encryptionKey: KEY_B });
    expect(readNames(b)).toHaveLength(80);
    expect(b.pager.databaseId).not.toBe(sourceId);
    expect(keyArea(b).lineage).toBe(b.pager.databaseId);
    expect((await b.verify({ level: 'full' })).ok).toBe(true);
    await b.close();
    expect(plaintextIn(join(dir, 'b.db'), [people[50]!, 'Person'])).toEqual([]);

    expect(isEncryptedFile(real, join(dir, 'plain.db'))).toBe(false);
    expect(plaintextIn(join(dir, 'plain.db'), [people[50]!]).length).toBe(1);
    const p = openDb(join(dir, 'plain.db'));
    expect(readNames(p)).toHaveLength(80);
    // …and back: a plain database encrypted for the first time.
    const enc = await p.rekey({ out: join(dir, 'again.db'), newKey: KEY_A });
    expect(enc).toMatchObject({ encryptedBefore: false, encryptedAfter: true });
    await p.close();
    const again = openDb(join(dir, 'again.db'), { encryptionKey: KEY_A });
    expect(readNames(again)).toHaveLength(80);
    writePeople(again, ['Newcomer']);
    expect(readNames(again)).toHaveLength(81);
    await again.close();
  });
});
