// Golden bytes: each on-disk structure's layout, pinned byte for byte (CONVENTIONS §1).
// A change here is a file-format change: bump FORMAT_VERSION / WAL_FORMAT_VERSION with it.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clearHole, holeLength, holeStart } from '../../src/storage/free-space.js';
import { pushFreePage, trunkCapacity, type FreeListAccess } from '../../src/storage/freelist.js';
import * as meta from '../../src/storage/meta.js';
import { computePageChecksum, PAGE_HEADER_BYTES, pageProblem, PAGE_TYPE, sealPage, usableBytes, verifyPage } from '../../src/storage/page.js';
import {
  decodeFrameHeader,
  decodeWalHeader,
  encodeFrame,
  encodeSealedFrame,
  encodeWalHeader,
  FRAME_HEADER_BYTES,
  frameLength,
  packImage,
  WAL_HEADER_BYTES,
} from '../../src/storage/wal-format.js';

const hex = (bytes: Uint8Array, from: number, to: number): string => Buffer.from(bytes.subarray(from, to)).toString('hex');

describe('golden bytes', () => {
  it('pins the common page header and checksum', () => {
    const page = new Uint8Array(4096);
    page[0] = PAGE_TYPE.BTREE_LEAF;
    page[24] = 0xab;
    sealPage(page, 7, 0x0102030405060708n);
    expect(hex(page, 0, 24)).toBe('03000000' + '00000007' + '0102030405060708' + hex(page, 16, 20) + '00000000');
    expect(new DataView(page.buffer).getUint32(16)).toBe(computePageChecksum(page));
    expect(hex(page, 16, 20)).toBe('1b33931d');
    expect(usableBytes(4096)).toBe(4096 - 24 - 32);
    expect(pageProblem(page, 7)).toBeNull();
    expect(pageProblem(page, 8)).toBe('page holds the image of page 7');
    page[4000] ^= 1;
    expect(() => verifyPage(page, 7, 'g.db')).toThrowError(expect.objectContaining({ code: 'CORRUPTION', details: expect.objectContaining({ pageNumber: 7, file: 'g.db' }) }));
    expect(pageProblem(new Uint8Array(4096), 3)).toBe('page is all zeros');
  });

  it('pins the meta page', () => {
    const page = meta.initMetaPage(8192, 1_700_000_000_000);
    page.fill(0x11, meta.META_OFFSET.databaseId, meta.META_OFFSET.databaseId + 16); // fixed id for the golden image
    meta.setPageCount(page, 42);
    meta.setFreeList(page, 9, 3);
    meta.setLastLsn(page, 77n);
    meta.setRoot(page, meta.ROOT_SLOT.NODES, 5);
    meta.setCounter(page, meta.COUNTER.NODE_COUNT, 1000n);
    sealPage(page, 0, 77n);
    expect(hex(page, 0, 16)).toBe('01000000' + '00000000' + '000000000000004d'); // type meta, page 0, LSN 77
    expect(hex(page, 24, 104)).toBe(
      '4f4d425241444200' + // magic
        '00000001' + // format version
        '00002000' + // page size 8192
        '0000002a' + // page count 42
        '00000009' + // free list head
        '00000003' + // free page count
        '00000000' + // flags
        '11'.repeat(16) + // database id
        '0000018bcfe56800' + // created at
        '000000000000004d' + // last LSN 77
        '0000000000000000' + // checkpointed at
        '0000000000000000', // checkpoint LSN
    );
    expect(hex(page, meta.META_OFFSET.roots, meta.META_OFFSET.roots + 8)).toBe('0000000000000005');
    expect(hex(page, meta.META_OFFSET.counters + 16, meta.META_OFFSET.counters + 24)).toBe('00000000000003e8');
    const fields = meta.readMeta(page);
    expect(fields).toMatchObject({ formatVersion: 1, pageSizeBytes: 8192, pageCount: 42, freeListHead: 9, freePageCount: 3, lastLsn: 77n, createdAtMs: 1_700_000_000_000 });
    expect(fields.databaseId).toBe('11'.repeat(16));
  });

  it('pins the WAL header and a frame', () => {
    const header = new Uint8Array(WAL_HEADER_BYTES);
    const checksum = encodeWalHeader(header, { pageSizeBytes: 4096, checkpointSequence: 3, salt1: 0xdeadbeef, salt2: 0x01020304, sequenceBase: 1000 });
    expect(hex(header, 0, 44)).toBe('4f4d574c' + '00000002' + '00001000' + '00000003' + 'deadbeef' + '01020304' + '00000000000003e8' + '00'.repeat(12));
    expect(hex(header, 44, 48)).toBe(checksum.toString(16).padStart(8, '0'));
    expect(decodeWalHeader(header)).toMatchObject({ pageSizeBytes: 4096, checkpointSequence: 3, salt1: 0xdeadbeef, salt2: 0x01020304, sequenceBase: 1000 });
    header[10] ^= 1;
    expect(decodeWalHeader(header)).toEqual({ problem: 'header checksum mismatch' });

    const page = new Uint8Array(4096);
    page[0] = PAGE_TYPE.OVERFLOW;
    sealPage(page, 12, 5n);
    const frame = new Uint8Array(FRAME_HEADER_BYTES + 4096);
    frame.set(page, FRAME_HEADER_BYTES);
    const running = encodeFrame(frame, { pageNumber: 12, commitPageCount: 40, lsn: 5n, commitTimeMs: 1_700_000_000_123, salt1: 0xdeadbeef, salt2: 0x01020304 }, page, checksum);
    expect(hex(frame, 0, 32)).toBe('0000000c' + '00000028' + '0000000000000005' + '0000018bcfe5687b' + 'deadbeef' + '01020304');
    expect(hex(frame, 32, 40)).toBe(running.toString(16).padStart(8, '0') + '00000000');
    expect(decodeFrameHeader(frame)).toMatchObject({ pageNumber: 12, commitPageCount: 40, lsn: 5n, commitTimeMs: 1_700_000_000_123, holeStart: 0, holeLength: 0 });

    // The same page as a frame without its hole: an overflow page holding 16 data bytes keeps
    // [0, 48) and the 32-byte trailer; the hole is [48, 4064).
    new DataView(page.buffer).setUint32(PAGE_HEADER_BYTES + 4, 16);
    page.fill(0xab, PAGE_HEADER_BYTES + 8, PAGE_HEADER_BYTES + 24);
    const hole = clearHole(page);
    sealPage(page, 12, 5n);
    expect([holeStart(hole), holeLength(hole)]).toEqual([48, 4016]);
    const holed = new Uint8Array(frameLength(4096, holeLength(hole)));
    expect(holed.length).toBe(40 + 48 + 32);
    packImage(holed, FRAME_HEADER_BYTES, page, holeStart(hole), holeLength(hole));
    const fields = { pageNumber: 12, commitPageCount: 0, lsn: 5n, commitTimeMs: 0, salt1: 0xdeadbeef, salt2: 0x01020304, holeStart: 48, holeLength: 4016 };
    const whole = encodeFrame(new Uint8Array(FRAME_HEADER_BYTES), fields, page, checksum);
    expect(encodeSealedFrame(holed, fields, page, checksum)).toBe(whole);
    expect(hex(holed, 32, 40)).toBe(whole.toString(16).padStart(8, '0') + '0030' + '0fb0');
    expect(hex(holed, 40 + 32, 40 + 48)).toBe('ab'.repeat(16));
    expect(Buffer.from(holed.subarray(40 + 48)).equals(Buffer.from(page.subarray(4064)))).toBe(true);
  });

  it('reads a version 1 log: its frames are version 2 frames without a hole', () => {
    const header = new Uint8Array(WAL_HEADER_BYTES);
    encodeWalHeader(header, { pageSizeBytes: 4096, checkpointSequence: 3, salt1: 0xdeadbeef, salt2: 0x01020304, sequenceBase: 1000 });
    header[7] = 1;
    new DataView(header.buffer).setUint32(44, crc32(header.subarray(0, 44)));
    expect(decodeWalHeader(header)).toMatchObject({ pageSizeBytes: 4096, sequenceBase: 1000 });
    header[7] = 3;
    new DataView(header.buffer).setUint32(44, crc32(header.subarray(0, 44)));
    expect(decodeWalHeader(header)).toEqual({ problem: 'unsupported WAL version 3' });
  });

  it('pins the free-list trunk page', () => {
    const pages = new Map<number, Uint8Array>();
    const metaPage = meta.initMetaPage(4096);
    const access: FreeListAccess = {
      pageSizeBytes: 4096,
      meta: metaPage,
      read: (id) => pages.get(id)!,
      write: (id) => pages.get(id)!,
      fresh: (id) => {
        const p = new Uint8Array(4096);
        pages.set(id, p);
        return p;
      },
    };
    pushFreePage(access, 10); // becomes the trunk
    pushFreePage(access, 11);
    pushFreePage(access, 12);
    const trunk = pages.get(10)!;
    expect(trunk[0]).toBe(PAGE_TYPE.FREELIST_TRUNK);
    expect(hex(trunk, 24, 40)).toBe('00000000' + '00000002' + '0000000b' + '0000000c');
    expect(meta.getFreeList(metaPage)).toEqual({ head: 10, count: 3 });
    expect(trunkCapacity(4096)).toBe((4096 - 32 - 32) / 4);
  });
});
