// IdSet: a set of entity ids (non-negative integers below 2^53) in one open-addressing table
// of doubles, for DISTINCT over nodes and relationships.
//
// Why not Set<number>: a JS Set hashes through a generic path and keeps an ordered entry list
// per insert; count(DISTINCT f) over a 2-hop neighbourhood inserts ~100 ids per query, and the
// Set was ~10% of that query. Here an insert is one multiply-shift hash and a linear probe.
//
// Layout: `table` holds ids, EMPTY (−1) in free slots; capacity is a power of two, kept at
// least twice `size` (load ≤ 1/2, so a probe run stays short and a free slot always exists).

const EMPTY = -1;
const INITIAL_CAPACITY = 32;
/** A cleared table larger than this is dropped for a fresh small one (one large query must not pin memory). */
const KEEP_CAPACITY_MAX = 1 << 14;

function slotOf(id: number, mask: number): number {
  // Low and high 32 bits mixed (ids may exceed 2^32), then a Fibonacci-style scramble.
  const h = Math.imul((id >>> 0) ^ Math.imul((id / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}

export class IdSet {
  private table: Float64Array;
  private mask: number;
  private count = 0;

  constructor(capacity: number = INITIAL_CAPACITY) {
    let size = INITIAL_CAPACITY;
    while (size < capacity * 2) size *= 2;
    this.table = new Float64Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Add `id` (an integer ≥ 0); true when it was not in the set yet. */
  add(id: number): boolean {
    const table = this.table;
    const mask = this.mask;
    let i = slotOf(id, mask);
    for (;;) {
      const v = table[i]!;
      if (v === id) return false;
      if (v === EMPTY) {
        table[i] = id;
        if (++this.count * 2 > mask) this.grow();
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  has(id: number): boolean {
    const table = this.table;
    const mask = this.mask;
    for (let i = slotOf(id, mask); ; i = (i + 1) & mask) {
      const v = table[i]!;
      if (v === id) return true;
      if (v === EMPTY) return false;
    }
  }

  /** Empty the set for reuse. */
  clear(): void {
    if (this.count === 0) return;
    if (this.table.length > KEEP_CAPACITY_MAX) {
      this.table = new Float64Array(INITIAL_CAPACITY).fill(EMPTY);
      this.mask = INITIAL_CAPACITY - 1;
    } else this.table.fill(EMPTY);
    this.count = 0;
  }

  private grow(): void {
    const old = this.table;
    const size = old.length * 2;
    const table = new Float64Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let k = 0; k < old.length; k++) {
      const id = old[k]!;
      if (id === EMPTY) continue;
      let i = slotOf(id, mask);
      while (table[i] !== EMPTY) i = (i + 1) & mask;
      table[i] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}
