// Reading the WAL archive (format: wal-archive-format.ts) for point-in-time restore and
// verify --backup: an index of every complete group in LSN order with the problems found,
// then the pages of the groups a restore replays.

import { pageProblem } from '../storage/page.js';
import type { FileSystem } from '../storage/types.js';
import { isDirectory, joinPath } from './files.js';
import { OperationError } from './ops-error.js';
import { RECORD_HEADER_BYTES, decodeRecordHeader, isSegmentFileName, recordBytes, scanSegment, type ArchiveGroup } from './wal-archive-format.js';

export interface ArchiveProblem {
  severity: 'error' | 'warning';
  file: string;
  offset?: number;
  message: string;
}

export interface ArchiveIndex {
  dir: string;
  /** Complete groups of every segment, in LSN order (A1). */
  groups: ArchiveGroup[];
  problems: ArchiveProblem[];
  segments: number;
  bytes: number;
}

/**
 * Scan every segment of the archive in `dir`. Cost: reads the whole archive once. Never
 * throws for bad content (problems say what and where); throws when `dir` is missing.
 */
export function scanArchive(fs: FileSystem, dir: string, expected: { databaseId: string; pageSizeBytes: number }): ArchiveIndex {
  if (!isDirectory(fs, dir)) {
    throw new OperationError('BACKUP_CHAIN', `the WAL archive directory ${dir} does not exist`, { dir });
  }
  const names = fs.readdir(dir).filter(isSegmentFileName);
  const index: ArchiveIndex = { dir, groups: [], problems: [], segments: names.length, bytes: 0 };
  let previous: ArchiveGroup | null = null;
  names.forEach((name, i) => {
    const newest = i === names.length - 1;
    const handle = fs.open(joinPath(dir, name), { readOnly: true });
    try {
      const scan = scanSegment(handle, name, expected.pageSizeBytes);
      index.bytes += scan.fileBytes;
      if (scan.header === null) {
        index.problems.push({ severity: 'error', file: name, offset: 0, message: `segment ${name}: ${scan.headerProblem}` });
        return;
      }
      if (scan.header.databaseId !== expected.databaseId) {
        index.problems.push({ severity: 'error', file: name, offset: 0, message: `segment ${name} belongs to database ${scan.header.databaseId}, not ${expected.databaseId}` });
        return;
      }
      if (scan.tailProblem !== null) {
        index.problems.push({
          severity: newest ? 'warning' : 'error',
          file: name,
          offset: scan.validEnd,
          message: newest ? `${scan.tailProblem} (a torn append; the archiver cuts it off when the database next opens)` : scan.tailProblem,
        });
      }
      for (const group of scan.groups) {
        if (previous !== null) {
          if (group.lsn <= previous.lsn) {
            index.problems.push({ severity: 'error', file: name, offset: group.offset, message: `LSN ${group.lsn} in ${name} does not follow LSN ${previous.lsn} (archive invariant A1)` });
            continue;
          }
          if (group.kind === 'transaction' && group.lsn !== previous.lsn + 1n) {
            index.problems.push({
              severity: 'warning',
              file: name,
              offset: group.offset,
              message: `gap in the archive: LSN ${previous.lsn + 1n}..${group.lsn - 1n} missing before ${name}; point-in-time restore cannot pass it`,
            });
          }
        }
        index.groups.push(group);
        previous = group;
      }
    } finally {
      handle.close();
    }
  });
  return index;
}

/**
 * The pages of one group, each checked again (the archive could have changed since the
 * scan). `onPage` gets a view into a reused buffer.
 */
export function readArchiveGroup(fs: FileSystem, dir: string, group: ArchiveGroup, pageSizeBytes: number, onPage: (pageId: number, image: Uint8Array) => void): void {
  const size = recordBytes(pageSizeBytes);
  const record = new Uint8Array(size);
  const handle = fs.open(joinPath(dir, group.segment), { readOnly: true });
  try {
    for (let i = 0; i < group.records; i++) {
      const offset = group.offset + i * size;
      const read = handle.read(record, 0, size, offset);
      const header = decodeRecordHeader(record);
      const image = record.subarray(RECORD_HEADER_BYTES);
      const problem = read !== size ? 'short read' : header.lsn !== group.lsn ? `record of LSN ${header.lsn}` : pageProblem(image, header.pageNumber);
      if (problem !== null) {
        throw new OperationError('BACKUP_CORRUPT', `WAL archive segment ${joinPath(dir, group.segment)} changed or is damaged at offset ${offset}: ${problem}`, {
          file: joinPath(dir, group.segment),
          offset,
        });
      }
      onPage(header.pageNumber, image);
    }
  } finally {
    handle.close();
  }
}
