// The hole of a page (free-space.ts) and frames that leave it out (wal-format.ts): every page
// type finds its free space, a sealed page with its hole cleared survives packing and
// unpacking byte for byte with the same running checksum, and a damaged hole field ends a
// walk like any damaged frame.
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLeafCell, initNode, insertCell, LEAF } from '../../src/storage/btree-page.js';
import { clearHole, holeLength, holeStart, pageHole } from '../../src/storage/free-space.js';
import { crcOfZeros } from '../../src/storage/crc.js';
import { computePageChecksum, FLAG_ENCRYPTED, OFFSET_FLAGS, PAGE_HEADER_BYTES, PAGE_TRAILER_BYTES, PAGE_TYPE, sealPage } from '../../src/storage/page.js';
import {
  FRAME_HEADER_BYTES,
  WAL_HEADER_BYTES,
  decodeFrameHeader,
  decodeWalHeader,
  encodeSealedFrame,
  encodeWalHeader,
  frameChecksum,
  frameLength,
  packImage,
  unpackImage,
} from '../../src/storage/wal-format.js';
import { DATA_PAGE, DB, newSimFs, openPager, readStamp, stamp } from '../support/pager-harness.js';
import { SOAK, testSeed } from '../support/rng.js';
import { walFrames, walkerOver } from '../support/wal-frames.js';

const PS = 8192;
const C = PAGE_HEADER_BYTES;
const E = PS - PAGE_TRAILER_BYTES;

function page(type: number): Uint8Array {
  const p = new Uint8Array(PS).fill(0xdb); // stale bytes everywhere, as in a reused buffer
  p[0] = type;
  p[OFFSET_FLAGS] = 0;
  return p;
}

/** A leaf over stale bytes holding up to `cells` cells of a 2-byte key and 2-byte value. */
function leaf(cells: number, stale: number): Uint8Array {
  const p = new Uint8Array(PS).fill(stale);
  p[OFFSET_FLAGS] = 0;
  initNode(p, LEAF, C, E);
  const cell = new Uint8Array(64);
  for (let i = 0; i < cells; i++) {
    const length = buildLeafCell(cell, Uint8Array.of(i >> 8, i & 255), Uint8Array.of(9, 9), 0);
    if (!insertCell(p, C, E, i, cell, 0, length, true)) break;
  }
  return p;
}

function u32(p: Uint8Array, at: number, v: number): void {
  new DataView(p.buffer, p.byteOffset).setUint32(at, v);
}

describe('pageHole', () => {
  it('is the free space of each page type', () => {
    const meta = page(PAGE_TYPE.META);
    expect([holeStart(pageHole(meta)), holeLength(pageHole(meta))]).toEqual([552, E - 552]);

    const trunk = page(PAGE_TYPE.FREELIST_TRUNK);
    u32(trunk, C + 4, 10);
    expect([holeStart(pageHole(trunk)), holeLength(pageHole(trunk))]).toEqual([C + 8 + 40, E - (C + 8 + 40)]);

    const overflow = page(PAGE_TYPE.OVERFLOW);
    u32(overflow, C + 4, 1000);
    expect([holeStart(pageHole(overflow)), holeLength(pageHole(overflow))]).toEqual([C + 8 + 1000, E - (C + 8 + 1000)]);

    const hole = pageHole(leaf(3, 0xdb));
    expect(holeStart(hole)).toBe(C + 12 + 2 * 3);
    expect(holeStart(hole) + holeLength(hole)).toBe(E - 3 * (7 + 2 + 2));
  });

  it('is none for an encrypted page, an unknown type, or header fields that make no sense', () => {
    const encrypted = page(PAGE_TYPE.META);
    encrypted[OFFSET_FLAGS] = FLAG_ENCRYPTED;
    expect(pageHole(encrypted)).toBe(0);
    expect(pageHole(page(0))).toBe(0);
    expect(pageHole(page(77))).toBe(0);
    const overflow = page(PAGE_TYPE.OVERFLOW);
    u32(overflow, C + 4, PS); // more data than a page holds
    expect(pageHole(overflow)).toBe(0);
  });

  it('clearHole zeroes exactly the hole', () => {
    const trunk = page(PAGE_TYPE.FREELIST_TRUNK);
    u32(trunk, C + 4, 2);
    const before = trunk.slice();
    const hole = clearHole(trunk);
    const start = holeStart(hole);
    const end = start + holeLength(hole);
    for (let i = 0; i < PS; i++) expect(trunk[i]).toBe(i >= start && i < end ? 0 : before[i]);
  });
});

describe('sealing around the hole', () => {
  it('crcOfZeros is crc32 over that many zeros', () => {
    for (const n of [0, 1, 2, 7, 8, 255, 4096, 8000, 65000]) {
      for (const seed of [0, 1, 0xffffffff, 0x12345678]) expect(crcOfZeros(seed, n)).toBe(crc32(new Uint8Array(n), seed));
    }
  });

  it('gives the checksum computePageChecksum gives, without reading the zeros', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4096, 8192, 65536),
        fc.integer({ min: 24, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 255 }),
        (size, rawStart, rawLength, fill) => {
          const start = Math.min(rawStart, size - 1);
          const length = Math.min(rawLength, size - start);
          const p = new Uint8Array(size).fill(fill);
          p.fill(0, start, start + length);
          const skipped = p.slice();
          sealPage(p, 3, 4n);
          sealPage(skipped, 3, 4n, start, length);
          expect(Buffer.from(skipped).equals(Buffer.from(p))).toBe(true);
          expect(new DataView(p.buffer).getUint32(16)).toBe(computePageChecksum(p));
        },
      ),
      { seed: testSeed(), numRuns: SOAK ? 2000 : 200 },
    );
  });
});

describe('frames without the hole', () => {
  it('pack and unpack a sealed page byte for byte, with the checksum of the whole image', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.tuple(fc.nat(PS - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 30 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (cells, noise, previous) => {
          const p = leaf(cells, 0x5a);
          for (const [at, value] of noise) if (at >= E) p[at] = value; // trailer bytes
          const hole = clearHole(p);
          const start = holeStart(hole);
          const length = holeLength(hole);
          sealPage(p, 5, 3n, start, length); // as the pager seals: around the zeroed hole
          const frame = new Uint8Array(frameLength(PS, length));
          packImage(frame, FRAME_HEADER_BYTES, p, start, length);
          const checksum = encodeSealedFrame(
            frame,
            { pageNumber: 5, commitPageCount: 1, lsn: 3n, commitTimeMs: 0, salt1: 1, salt2: 2, holeStart: start, holeLength: length },
            p,
            previous,
          );
          const header = decodeFrameHeader(frame);
          expect([header.holeStart, header.holeLength]).toEqual([start, length]);
          const back = new Uint8Array(PS).fill(0xee);
          unpackImage(frame, header, back);
          expect(Buffer.from(back).equals(Buffer.from(p))).toBe(true);
          expect(frameChecksum(frame, back, previous)).toBe(checksum);
        },
      ),
      { seed: testSeed(), numRuns: SOAK ? 2000 : 200 },
    );
  });

  /** A log of `pages` (meta pages with growing counters), one frame each, all committed. */
  function log(count: number): { bytes: Uint8Array; starts: number[] } {
    const header = new Uint8Array(WAL_HEADER_BYTES);
    let checksum = encodeWalHeader(header, { pageSizeBytes: PS, checkpointSequence: 1, salt1: 7, salt2: 8, sequenceBase: 0 });
    const parts: Uint8Array[] = [header];
    const starts: number[] = [];
    let at = WAL_HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      const p = page(PAGE_TYPE.META);
      p.fill(i + 1, C, 552);
      const hole = clearHole(p);
      sealPage(p, 0, BigInt(i + 1));
      const frame = new Uint8Array(frameLength(PS, holeLength(hole)));
      packImage(frame, FRAME_HEADER_BYTES, p, holeStart(hole), holeLength(hole));
      checksum = encodeSealedFrame(
        frame,
        { pageNumber: 0, commitPageCount: 1, lsn: BigInt(i + 1), commitTimeMs: 0, salt1: 7, salt2: 8, holeStart: holeStart(hole), holeLength: holeLength(hole) },
        p,
        checksum,
      );
      parts.push(frame);
      starts.push(at);
      at += frame.length;
    }
    return { bytes: new Uint8Array(Buffer.concat(parts)), starts };
  }

  function walk(bytes: Uint8Array): { frames: number; end: string | null; at: number } {
    const walker = walkerOver(bytes);
    let frames = 0;
    while (walker.next()) {
      expect(walker.page[C]).toBe(frames + 1);
      frames++;
    }
    return { frames, end: walker.end, at: walker.offset };
  }

  it('are walked in order, each starting where the last one ended', () => {
    const { bytes, starts } = log(5);
    expect(bytes.length).toBe(WAL_HEADER_BYTES + 5 * (FRAME_HEADER_BYTES + 552 + PAGE_TRAILER_BYTES));
    expect(walk(bytes)).toEqual({ frames: 5, end: 'end-of-file', at: bytes.length });
    expect(starts[1]! - starts[0]!).toBe(FRAME_HEADER_BYTES + 552 + PAGE_TRAILER_BYTES);
  });

  it('end at a damaged hole field, a torn frame or zeros', () => {
    const { bytes, starts } = log(5);
    const longer = bytes.slice();
    longer[starts[2]! + 38] ^= 0x01; // hole length one byte off
    expect(walk(longer)).toEqual({ frames: 2, end: 'checksum-mismatch', at: starts[2] });
    const outside = bytes.slice();
    outside[starts[3]! + 36] = 0xff; // hole start past the page
    expect(walk(outside)).toEqual({ frames: 3, end: 'checksum-mismatch', at: starts[3] });
    expect(walk(bytes.subarray(0, starts[4]! + 100))).toEqual({ frames: 4, end: 'end-of-file', at: starts[4] });
    const zeros = new Uint8Array(Buffer.concat([bytes.subarray(0, starts[3]!), new Uint8Array(3 * PS)]));
    expect(walk(zeros)).toEqual({ frames: 3, end: 'preallocated', at: starts[3] });
  });
});

describe('a recovered version 1 log', () => {
  it('goes on with whole-page frames until it restarts, then leaves holes out', async () => {
    const fs = newSimFs();
    const wal = `${DB}-wal`;
    const pager = openPager(fs);
    const w = pager.beginWrite();
    const id = w.allocate(DATA_PAGE);
    stamp(w, id, 1);
    w.commit();
    pager.abandon();
    // Make it a version 1 log: the header's checksum seeds the frames' chain, so re-chain them.
    const bytes = new Uint8Array(fs.readFile(wal));
    const view = new DataView(bytes.buffer);
    const walker = walkerOver(bytes); // checks the frames against the original header
    view.setUint32(4, 1);
    let checksum = crc32(bytes.subarray(0, 44));
    view.setUint32(44, checksum);
    while (walker.next()) {
      checksum = frameChecksum(bytes.subarray(walker.offset), walker.page, checksum);
      view.setUint32(walker.offset + 32, checksum);
    }
    const handle = fs.open(wal);
    handle.write(bytes, 0, bytes.length, 0);
    handle.sync();
    handle.close();
    expect(decodeWalHeader(bytes.subarray(0, WAL_HEADER_BYTES))).toMatchObject({ version: 1 });

    const again = openPager(fs);
    expect(again.recovery.transactionsRecovered).toBe(1);
    const w2 = again.beginWrite();
    stamp(w2, id, 2);
    w2.commit();
    const frames = walFrames(fs.readFile(wal));
    expect(frames.slice(2).map((f) => f.length)).toEqual([FRAME_HEADER_BYTES + 4096, FRAME_HEADER_BYTES + 4096]);
    await again.checkpoint('restart');
    const w3 = again.beginWrite();
    stamp(w3, id, 3);
    w3.commit();
    const restarted = walFrames(fs.readFile(wal));
    expect(restarted).toHaveLength(2);
    expect(restarted.every((f) => f.length < FRAME_HEADER_BYTES + 4096)).toBe(true);
    const r = again.beginRead();
    expect(readStamp(r, id)).toBe(3);
    r.end();
    await again.close();
  });
});
