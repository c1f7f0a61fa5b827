// ombra rekey DB --out DB2 [--new-key-file F | --decrypt] (shell/commands/rekey.ts)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, cliEnv, KEY_A, KEY_B, names, openDb, readNames, snapshotDir, workDir, writePeople } from '../../security/support.js';

afterEach(cleanupAll);

describe('ombra rekey', () => {
  it('rewrites into --out under the new key, or decrypted; never in place; usage errors exit 64', async () => {
    const dir = workDir();
    const path = join(dir, 'k.db');
    const db = openDb(path, { encryptionKey: KEY_A });
    writePeople(db, names('r', 25));
    await db.close();
    writeFileSync(join(dir, 'new.key'), KEY_B);
    const before = snapshotDir(dir);
    const env = { OMBRA_ENCRYPTION_KEY: KEY_A };
    const run = await cliEnv(env, 'rekey', path, '--out', join(dir, 'k2.db'), '--new-key-file', join(dir, 'new.key'), '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ encryptedBefore: true, encryptedAfter: true, pagesWritten: expect.any(Number) });
    const viaEnv = await cliEnv({ ...env, OMBRA_NEW_ENCRYPTION_KEY: KEY_B }, 'rekey', path, '--out', join(dir, 'k3.db'));
    expect(viaEnv.stdout).toMatch(/^rekeyed .* \(under the new key\): \d+ pages/);
    const plain = await cliEnv(env, 'rekey', path, '--out', join(dir, 'plain.db'), '--decrypt');
    expect(plain.stdout).toContain('(decrypted)');
    for (const [file, digest] of Object.entries(before)) expect(snapshotDir(dir)[file]).toBe(digest);
    for (const [file, key] of [['k2.db', KEY_B], ['k3.db', KEY_B], ['plain.db', undefined]] as const) {
      const copy = openDb(join(dir, file), key === undefined ? {} : { encryptionKey: key });
      expect(readNames(copy)).toHaveLength(25);
      await copy.close();
    }
    expect((await cliEnv(env, 'rekey', path, '--out', join(dir, 'k4.db'))).code).toBe(64); // no new key, no --decrypt
    expect((await cliEnv(env, 'rekey', path, '--out', join(dir, 'k4.db'), '--decrypt', '--new-key-file', join(dir, 'new.key'))).code).toBe(64);
    expect((await cliEnv({}, 'rekey', path, '--out', join(dir, 'k4.db'), '--decrypt')).code).toBe(3); // the source's key is missing
    const exists = await cliEnv(env, 'rekey', path, '--out', join(dir, 'k2.db'), '--decrypt');
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain('already exists');
  });
});
