// Scratch arrays (src/storage/scratch.ts): each caller's bytes are its own and start zeroed.
import { describe, expect, it } from 'vitest';
import { scratchBytes } from '../../src/storage/scratch.js';

describe('scratch bytes', () => {
  it('hands out zeroed, 8-byte aligned arrays that never share a byte, across slabs', () => {
    const arrays: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const a = scratchBytes(1 + ((i * 977) % 3000));
      expect(a.every((b) => b === 0)).toBe(true);
      expect(a.byteOffset % 8).toBe(0);
      a.fill(i & 0xff || 1);
      arrays.push(a);
    }
    // Every array still holds only what its owner wrote.
    arrays.forEach((a, i) => expect(a.every((b) => b === (i & 0xff || 1))).toBe(true));
    expect(new Set(arrays.map((a) => a.buffer)).size).toBeGreaterThan(1);
  });

  it('gives a large request a buffer of its own', () => {
    const big = scratchBytes(20_000);
    expect(big.length).toBe(20_000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(20_000);
  });
});
