// Where the frames of a WAL file are: frames differ in length (a page's hole is left out,
// wal-format.ts), so tests that damage or cut a frame find it by walking the log.
import { decodeWalHeader, FRAME_HEADER_BYTES, FrameWalker, frameLength, WAL_HEADER_BYTES } from '../../src/storage/wal-format.js';

export interface WalFrame {
  offset: number;
  length: number;
  pageNumber: number;
  /** Offset of the first stored byte of the page image. */
  imageAt: number;
  /** True for the last frame of a transaction. */
  commit: boolean;
}

/** A FrameWalker over a log held in memory (its bytes, header first). */
export function walkerOver(bytes: Uint8Array): FrameWalker {
  const header = decodeWalHeader(bytes.subarray(0, WAL_HEADER_BYTES));
  if ('problem' in header) throw new Error(`WAL header: ${header.problem}`);
  return new FrameWalker(
    (into, length, position) => {
      const part = bytes.subarray(position, position + length);
      into.set(part);
      return part.length;
    },
    bytes.length,
    header,
  );
}

/** The valid frames of a log (its bytes), in order. */
export function walFrames(bytes: Uint8Array): WalFrame[] {
  const walker = walkerOver(bytes);
  const pageSizeBytes = walker.page.length;
  const frames: WalFrame[] = [];
  while (walker.next()) {
    const h = walker.header!;
    frames.push({
      offset: walker.offset,
      length: frameLength(pageSizeBytes, h.holeLength),
      pageNumber: h.pageNumber,
      imageAt: walker.offset + FRAME_HEADER_BYTES,
      commit: h.commitPageCount !== 0,
    });
  }
  return frames;
}
