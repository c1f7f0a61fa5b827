// The one shape of a file-system failure, shared by the real and the simulated file system
// so that code above the FileSystem seam (and its tests) sees identical errors from both.
//
//   code     IO_NO_SPACE for ENOSPC / EDQUOT, IO for everything else
//   message  "<operation phrase> failed: <ERRNO> (<description>)", e.g.
//            "write to /x/db-wal failed: ENOSPC (no space left on device)"
//   details  { file, operation, errno } (+ `to` for rename, + `reason` for closed/crashed handles)
//   cause    the original Node error, when there was one

import { StorageError } from '../errors.js';

/** Every operation the FileSystem seam performs, as named in error details and fault specs. */
export type FsOperation =
  | 'open'
  | 'read'
  | 'write'
  | 'sync'
  | 'truncate'
  | 'size'
  | 'close'
  | 'exists'
  | 'unlink'
  | 'rename'
  | 'syncDirectory'
  | 'mkdir'
  | 'readdir'
  | 'stat'
  | 'freeBytes';

const PHRASE: Record<FsOperation, string> = {
  open: 'open of',
  read: 'read from',
  write: 'write to',
  sync: 'sync of',
  truncate: 'truncate of',
  size: 'size of',
  close: 'close of',
  exists: 'existence check of',
  unlink: 'unlink of',
  rename: 'rename of',
  syncDirectory: 'sync of directory',
  mkdir: 'mkdir of',
  readdir: 'readdir of',
  stat: 'stat of',
  freeBytes: 'free-space query for',
};

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EBADF: 'bad file descriptor',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  EFBIG: 'file too large',
  EINVAL: 'invalid argument',
  EXDEV: 'cross-device link',
};

/** errno names that mean "the volume is full": reported as IO_NO_SPACE. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

function describeOperation(operation: FsOperation, file: string, to?: string): string {
  const phrase = `${PHRASE[operation]} ${file}`;
  return to === undefined ? phrase : `${phrase} to ${to}`;
}

/** Error for a failed operation with a known errno (real OS error or injected fault). */
export function fsError(
  operation: FsOperation,
  file: string,
  errno: string,
  options: { to?: string; cause?: unknown; text?: string } = {},
): StorageError {
  const text = options.text ?? ERRNO_TEXT[errno] ?? 'system error';
  const details: Record<string, unknown> = { file, operation, errno };
  if (options.to !== undefined) details.to = options.to;
  return new StorageError(
    NO_SPACE.has(errno) ? 'IO_NO_SPACE' : 'IO',
    `${describeOperation(operation, file, options.to)} failed: ${errno} (${text})`,
    details,
    options.cause === undefined ? undefined : { cause: options.cause },
  );
}

/** Wrap whatever Node threw for `operation` on `file` (errno from `error.code`). */
export function wrapFsError(operation: FsOperation, file: string, error: unknown, to?: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const errno = typeof code === 'string' ? code : 'EUNKNOWN';
  let text = ERRNO_TEXT[errno];
  if (text === undefined && error instanceof Error) {
    // Node messages read "ECODE: description, syscall 'path'"; keep the description.
    const match = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message);
    text = match?.[1] ?? error.message;
  }
  return fsError(operation, file, errno, { to, cause: error, text });
}

/** Use of a handle after close() (or of a handle that a simulated crash killed). */
export function handleGoneError(operation: FsOperation, file: string, reason: 'closed' | 'crashed'): StorageError {
  const why = reason === 'closed' ? 'file is closed' : 'file system crashed';
  return new StorageError('IO', `${describeOperation(operation, file)} failed: ${why}`, {
    file,
    operation,
    errno: 'EBADF',
    reason,
  });
}

/** The errno of a file-system StorageError (undefined for anything else). */
export function fsErrno(error: unknown): string | undefined {
  if (!(error instanceof StorageError)) return undefined;
  const errno = error.details.errno;
  return typeof errno === 'string' ? errno : undefined;
}
