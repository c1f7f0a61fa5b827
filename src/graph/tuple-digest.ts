// An order-independent digest of a multiset of relationship tuples (start, type, end, id): the
// full check compares the relationships tree with each adjacency tree by scanning each once,
// in its own order, instead of one random B+tree lookup per relationship per tree.
//
// Each tuple is hashed to 64 bits (two 32-bit murmur3-style lanes over the tuple's eight
// 32-bit words) and the hashes are summed lane by lane modulo 2^32, with a count beside them.
// Equal multisets always give equal digests. Different ones collide with probability ~2^-64
// per comparison: the check then reports "ok" for a damaged database. Unequal digests do not
// name the culprit: the check then runs its exact per-entry comparison (check.ts).

const TWO_32 = 2 ** 32;

export class TupleDigest {
  private laneA = 0;
  private laneB = 0;
  /** Tuples added. */
  count = 0;

  add(start: number, typeId: number, end: number, id: number): void {
    this.laneA = (this.laneA + tupleHash(0x9747b28c, start, typeId, end, id)) >>> 0;
    this.laneB = (this.laneB + tupleHash(0x5bd1e995, start, typeId, end, id)) >>> 0;
    this.count++;
  }

  equals(other: TupleDigest): boolean {
    return this.count === other.count && this.laneA === other.laneA && this.laneB === other.laneB;
  }
}

/** murmur3 (x86, 32-bit) of the tuple's eight 32-bit words under `seed` (32: its length in bytes). */
function tupleHash(seed: number, start: number, typeId: number, end: number, id: number): number {
  return finalMix(mixValue(mixValue(mixValue(mixValue(seed, start), typeId), end), id) ^ 32);
}

/** A safe integer as its low and high 32-bit words. */
function mixValue(hash: number, value: number): number {
  return mixWord(mixWord(hash, value >>> 0), Math.floor(value / TWO_32) >>> 0);
}

/** One murmur3 block step: the word mixed into the running hash. */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function finalMix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
