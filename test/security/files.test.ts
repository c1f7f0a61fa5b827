// Every file ombra creates is private to its owner (mode 0600, fs-real.ts R2): the database,
// its WAL and lock, backups and their manifest, the WAL archive, the audit log, and the files
// restore and rekey write. Checked with fs.statSync on real files.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { cleanupAll, filesUnder, KEY_A, KEY_B, openDb, workDir, writePeople } from './support.js';

afterEach(cleanupAll);

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('file modes', () => {
  it('creates the database, WAL, lock, backups, archive, audit log, restored and rekeyed files with mode 0600', async () => {
    const previous = process.umask(0o022); // a typical umask: files would be 0644 if ombra did not ask for 0600
    try {
      const dir = workDir();
      const path = join(dir, 'm.db');
      const db = openDb(path, { encryptionKey: KEY_A, walArchiveDir: join(dir, 'archive'), auditLogFile: join(dir, 'audit.jsonl') });
      writePeople(db, ['Ann', 'Ben']);
      expect(mode(path)).toBe('600');
      expect(mode(`${path}-wal`)).toBe('600');
      expect(mode(`${path}-lock`)).toBe('600');
      await db.backup({ dir: join(dir, 'backups') });
      await db.checkpoint('truncate');
      db.query("CREATE (:Audited {x: 1})");
      await db.rekey({ out: join(dir, 'rekeyed.db'), newKey: KEY_B });
      await db.close();
      await Database.restore({ dir: join(dir, 'backups'), out: join(dir, 'restored.db'), encryptionKey: KEY_A });
      const files = filesUnder(dir);
      expect(files.filter((f) => f.includes('backups')).length).toBeGreaterThanOrEqual(2);
      expect(files.filter((f) => f.includes('archive')).length).toBeGreaterThanOrEqual(1);
      expect(files).toContain(join(dir, 'audit.jsonl'));
      expect(files).toContain(join(dir, 'restored.db'));
      expect(files).toContain(join(dir, 'rekeyed.db'));
      for (const file of files) expect({ file, mode: mode(file) }).toEqual({ file, mode: '600' });
      for (const sub of ['backups', 'archive']) expect(mode(join(dir, sub))).toBe('700');
    } finally {
      process.umask(previous);
    }
  });
});
