// adjacency.ts pendingKeyOrder: the order in which a flush hands the held entries to
// BTree.mergeSorted. mergeSorted stores keys given in any order correctly (only slower), so a
// wrong order would pass every store test: this checks the order itself against a plain
// comparator sort, over the packed path (node ids below 2^37, runs of one node short and long)
// and the comparator path (larger ids).
import { describe, expect, it } from 'vitest';
import { pendingKeyOrder } from '../../src/graph/adjacency.js';
import { SOAK, mulberry32, testSeed, withSeed } from '../support/rng.js';

interface Held {
  node: Float64Array;
  type: Float64Array;
  other: Float64Array;
  rel: Float64Array;
}

function held(count: number, draw: (i: number) => [number, number, number, number]): Held {
  const h = { node: new Float64Array(count), type: new Float64Array(count), other: new Float64Array(count), rel: new Float64Array(count) };
  for (let i = 0; i < count; i++) [h.node[i], h.type[i], h.other[i], h.rel[i]] = draw(i);
  return h;
}

function plainOrder(h: Held, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out.sort((a, b) => h.node[a]! - h.node[b]! || h.type[a]! - h.type[b]! || h.other[a]! - h.other[b]! || h.rel[a]! - h.rel[b]!);
}

const ROUNDS = SOAK ? 400 : 40;

describe('pendingKeyOrder', () => {
  it('orders by (node, type, other, relationship) like a comparator sort, over random batches', () => {
    withSeed(testSeed(), (seed) => {
      const rnd = mulberry32(seed);
      for (let round = 0; round < ROUNDS; round++) {
        const count = 1 + Math.floor(rnd() * 3000);
        // Few nodes: long runs of one node (hubs past the insertion-sort bound); many: short runs.
        const nodes = rnd() < 0.3 ? 1 + Math.floor(rnd() * 20) : 1 + Math.floor(rnd() * 100_000);
        const big = rnd() < 0.2; // ids past 2^37: the comparator path
        const base = big ? 2 ** 40 : 0;
        const h = held(count, (i) => [
          base + Math.floor(rnd() * rnd() * nodes),
          Math.floor(rnd() * 3),
          Math.floor(rnd() * 50),
          // Relationship ids mostly ascend with position (a load), sometimes not (any caller).
          rnd() < 0.8 ? i * 3 : Math.floor(rnd() * 1e6),
        ]);
        const from = Math.floor(rnd() * Math.min(count, 100));
        expect(Array.from(pendingKeyOrder(h.node, h.type, h.other, h.rel, from, count))).toEqual(plainOrder(h, from, count));
      }
    });
  });

  it('keeps a hub node with thousands of entries in key order', () => {
    const h = held(5000, (i) => [i % 7 === 0 ? 3 : 1, (i * 7) % 2, 5000 - i, i]);
    expect(Array.from(pendingKeyOrder(h.node, h.type, h.other, h.rel, 0, 5000))).toEqual(plainOrder(h, 0, 5000));
  });

  it('takes the largest batch a flush can hold (2^16 positions) and the boundary id 2^37', () => {
    const count = 1 << 16;
    const h = held(count, (i) => [i % 2 === 0 ? 2 ** 37 - 1 : (count - i) % 977, 0, i % 13, i]);
    expect(Array.from(pendingKeyOrder(h.node, h.type, h.other, h.rel, 0, count))).toEqual(plainOrder(h, 0, count));
    h.node[5] = 2 ** 37; // one id at 2^37: the comparator path
    expect(Array.from(pendingKeyOrder(h.node, h.type, h.other, h.rel, 0, count))).toEqual(plainOrder(h, 0, count));
  });
});
