// ombra backups DIR [--format text|json]: the chain in a backup directory and the reach of
// its WAL archive (how far point-in-time restore can go).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { readManifest } from '../../src/ops/backup-manifest.js';
import { OperationError } from '../../src/ops/ops-error.js';
import { isDirectory, joinPath } from '../../src/ops/files.js';
import { isSegmentFileName, scanSegment } from '../../src/ops/wal-archive-format.js';
import { RealFileSystem } from '../../src/storage/fs-real.js';
import type { FileSystem } from '../../src/storage/types.js';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { formatBytes } from './report-format.js';

export interface ArchiveReach {
  dir: string;
  segments: number;
  /** LSN of the oldest segment's first group. */
  firstLsn: bigint | null;
  /** LSN and commit time of the newest complete group. */
  lastLsn: bigint | null;
  lastCommitAt: string | null;
}

export function registerBackups(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('backups')
    .description('list the backup chain in a directory and the reach of its WAL archive')
    .argument('<dir>', 'backup directory')
    .option('--format <format>', 'output format: text or json', 'text')
    .action(async (dirArg: string, options: { format: string }) => {
      const format = parseFormat(options.format, ['text', 'json'] as const);
      const fs = new RealFileSystem();
      const dir = resolve(dirArg);
      const manifest = readManifest(fs, dir);
      if (manifest === null) throw new OperationError('BACKUP_CHAIN', `${dir} holds no backup manifest`, { dir });
      const archive = manifest.walArchiveDir === null ? null : archiveReach(fs, manifest.walArchiveDir);
      if (format === 'json') {
        io.stdout.write(`${toJson({ dir, databaseId: manifest.databaseId, pageSizeBytes: manifest.pageSizeBytes, source: manifest.source, backups: manifest.backups, walArchive: archive })}\n`);
      } else {
        const lines = [`backup chain ${dir}: database ${manifest.databaseId}, page size ${manifest.pageSizeBytes}, source ${manifest.source}`];
        lines.push(`  ${'#'.padStart(4)}  ${'kind'.padEnd(11)}  ${'file'.padEnd(14)}  ${'LSN'.padEnd(15)}  ${'pages'.padStart(13)}  ${'size'.padStart(10)}  snapshot`);
        for (const b of manifest.backups) {
          lines.push(
            `  ${String(b.sequence).padStart(4)}  ${b.kind.padEnd(11)}  ${b.file.padEnd(14)}  ${`${b.fromLsn}..${b.toLsn}`.padEnd(15)}  ` +
              `${`${b.pagesCopied}/${b.pageCount}`.padStart(13)}  ${formatBytes(b.fileBytes).padStart(10)}  ${b.snapshotAt}`,
          );
        }
        if (archive === null) lines.push('WAL archive: none recorded (point-in-time restore ends at the newest backup)');
        else if (archive.lastLsn === null) lines.push(`WAL archive ${archive.dir}: empty or missing`);
        else lines.push(`WAL archive ${archive.dir}: ${archive.segments} segment(s), LSN ${archive.firstLsn}..${archive.lastLsn}, last commit ${archive.lastCommitAt}`);
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      setExit(EXIT.ok);
    });
}

/** How far the archive reaches. Cost: reads the newest segment only. */
export function archiveReach(fs: FileSystem, dir: string): ArchiveReach {
  const reach: ArchiveReach = { dir, segments: 0, firstLsn: null, lastLsn: null, lastCommitAt: null };
  if (!isDirectory(fs, dir)) return reach;
  const names = fs.readdir(dir).filter(isSegmentFileName);
  reach.segments = names.length;
  if (names.length === 0) return reach;
  reach.firstLsn = BigInt(names[0]!.slice(0, 20));
  for (let i = names.length - 1; i >= 0 && reach.lastLsn === null; i--) {
    const handle = fs.open(joinPath(dir, names[i]!), { readOnly: true });
    try {
      const last = scanSegment(handle, names[i]!, null).groups.at(-1);
      if (last !== undefined) {
        reach.lastLsn = last.lsn;
        reach.lastCommitAt = new Date(last.commitTimeMs).toISOString();
      }
    } finally {
      handle.close();
    }
  }
  return reach;
}
