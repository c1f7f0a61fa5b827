// encodeSealedFrame (wal-format.ts) derives a frame's running checksum from the page's own
// sealed checksum instead of a second CRC pass; it must produce exactly encodeFrame's bytes
// and result for every sealed page, page size, frame header and previous checksum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealPage, PAGE_TYPE } from '../../src/storage/page.js';
import { encodeFrame, encodeSealedFrame, FRAME_HEADER_BYTES, frameChecksum } from '../../src/storage/wal-format.js';
import { SOAK, testSeed } from '../support/rng.js';

const PAGE_SIZES = [4096, 8192, 16384, 32768, 65536];

describe('encodeSealedFrame', () => {
  it('matches encodeFrame byte for byte on sealed pages', () => {
    const seed = testSeed();
    fc.assert(
      fc.property(
        fc.constantFrom(...PAGE_SIZES),
        fc.array(fc.tuple(fc.nat(65535), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.record({
          commitPageCount: fc.integer({ min: 0, max: 0xffffffff }),
          lsn: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          commitTimeMs: fc.integer({ min: 0, max: 2 ** 52 }),
          salt1: fc.integer({ min: 1, max: 0xffffffff }),
          salt2: fc.integer({ min: 0, max: 0xffffffff }),
        }),
        (pageSize, edits, pageNumber, pageLsn, previous, header) => {
          const page = new Uint8Array(pageSize);
          page[0] = PAGE_TYPE.BTREE_LEAF;
          for (const [at, value] of edits) page[at % pageSize] = value;
          sealPage(page, pageNumber, pageLsn);
          const frame = { pageNumber, ...header };
          const direct = new Uint8Array(FRAME_HEADER_BYTES + pageSize);
          const derived = new Uint8Array(FRAME_HEADER_BYTES);
          const expected = encodeFrame(direct, frame, page, previous);
          const actual = encodeSealedFrame(derived, frame, page, previous);
          expect(actual).toBe(expected);
          expect(Buffer.from(derived).equals(Buffer.from(direct.subarray(0, FRAME_HEADER_BYTES)))).toBe(true);
          // And it is what recovery recomputes from the frame on disk.
          direct.set(page, FRAME_HEADER_BYTES);
          expect(frameChecksum(direct, page, previous)).toBe(actual);
        },
      ),
      { seed, numRuns: SOAK ? 5000 : 300 },
    );
  });

  it('differs from the direct checksum when the page was changed after sealing (it relies on P2)', () => {
    const page = new Uint8Array(8192);
    page[0] = PAGE_TYPE.BTREE_LEAF;
    sealPage(page, 3, 9n);
    page[100] ^= 1; // no longer sealed
    const frame = { pageNumber: 3, commitPageCount: 0, lsn: 9n, commitTimeMs: 0, salt1: 1, salt2: 2 };
    const direct = encodeFrame(new Uint8Array(FRAME_HEADER_BYTES + 8192), frame, page, 7);
    expect(encodeSealedFrame(new Uint8Array(FRAME_HEADER_BYTES), frame, page, 7)).not.toBe(direct);
  });
});
