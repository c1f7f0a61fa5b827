// Helpers of the bulk builder (bulk-build.ts): growable number columns, the relationship
// columns, and the grouping that puts relationships into adjacency key order without building
// a key per comparison.
//
// Adjacency keys are tuples of ordered varints (adjacency.ts), whose byte order is the numeric
// order of the tuple, so sorting the numbers sorts the keys: (node, type, other, relationship
// id). groupAdjacency does it in two steps, each friendly to the memory cache:
//   1. group by node — a counting sort (count per node, prefix sums, one stable scatter of the
//      (type, other, id) triples into the node's slice) when node ids are dense next to n, as
//      in every bulk load; else one comparison sort of an index array, O(n log n);
//   2. sort each node's slice by (type, other); ties keep their order, which is ascending id
//      (relationships arrive by id and the scatter is stable). Slices are short on average
//      (the degree): insertion sort up to SMALL_GROUP entries, a comparison sort above.
// The result is read front to back when the trees are written: sequential memory access,
// where gathering through a permutation would miss the cache on every entry.

/** A growable column of doubles (ids up to 2^53 − 1 are exact). */
export class NumberList {
  data: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  /** The values as a typed array view (valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * The relationships added to a bulk build, as parallel columns. Ids are implicit while they run
 * contiguously from the first one (every import); a gap materialises the id column.
 */
export class RelationshipColumns {
  length = 0;
  starts: Float64Array;
  ends: Float64Array;
  types: Uint32Array;
  /** Explicit ids, or null while ids[i] = firstId + i. */
  ids: Float64Array | null = null;
  firstId = -1;

  constructor(initialCapacity = 4096) {
    this.starts = new Float64Array(initialCapacity);
    this.ends = new Float64Array(initialCapacity);
    this.types = new Uint32Array(initialCapacity);
  }

  push(id: number, typeId: number, start: number, end: number): void {
    const i = this.length;
    if (i === this.starts.length) this.grow();
    if (i === 0) this.firstId = id;
    else if (this.ids === null && id !== this.firstId + i) this.materialiseIds();
    if (this.ids !== null) this.ids[i] = id;
    this.starts[i] = start;
    this.ends[i] = end;
    this.types[i] = typeId;
    this.length = i + 1;
  }

  id(i: number): number {
    return this.ids === null ? this.firstId + i : this.ids[i]!;
  }

  private materialiseIds(): void {
    const ids = new Float64Array(this.starts.length);
    for (let i = 0; i < this.length; i++) ids[i] = this.firstId + i;
    this.ids = ids;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.starts = grow64(this.starts);
    this.ends = grow64(this.ends);
    const types = new Uint32Array(n);
    types.set(this.types);
    this.types = types;
    if (this.ids !== null) this.ids = grow64(this.ids);
  }
}

/** Relationships grouped by node: nodes[g] owns entries offsets[g]..offsets[g+1]−1. */
export interface AdjacencyGroups {
  /** Distinct nodes, ascending. */
  nodes: Float64Array;
  offsets: Uint32Array;
  /** Per entry, in (node, type, other, id) order. */
  types: Uint32Array;
  others: Float64Array;
  ids: Float64Array;
}

/** A counting sort is used when the largest node id is below this many times n (plus a floor). */
const COUNTING_RANGE_FACTOR = 8;
const COUNTING_RANGE_FLOOR = 1 << 16;
/** Node slices up to this long are insertion-sorted. */
const SMALL_GROUP = 48;
/** Entries handled between two calls of the tick callback (a job yields there: ~10 ms of work). */
const TICK_SPAN = 1 << 16;

/**
 * Group the relationships by `node` (their start for outgoing adjacency, their end for
 * incoming) with `other` the far end, in adjacency key order. `reuse`: groups of the other
 * direction that are no longer needed, whose columns are overwritten. `tick` is awaited every
 * TICK_SPAN entries. Cost: O(n + range of node ids) with dense ids, O(n log n) otherwise, plus
 * the per-node sorts.
 */
export async function groupAdjacency(
  rels: RelationshipColumns,
  node: Float64Array,
  other: Float64Array,
  reuse: AdjacencyGroups | null = null,
  tick: () => Promise<void> | void = () => undefined,
): Promise<AdjacencyGroups> {
  const n = rels.length;
  let max = -1;
  for (let i = 0; i < n; i++) if (node[i]! > max) max = node[i]!;
  // The columns of the previous direction, when given, are overwritten (one allocation for both).
  const types = reuse?.types.length === n ? reuse.types : new Uint32Array(n);
  const others = reuse?.others.length === n ? reuse.others : new Float64Array(n);
  const ids = reuse?.ids.length === n ? reuse.ids : new Float64Array(n);
  let nodes: Float64Array;
  let offsets: Uint32Array;
  if (max < Math.max(COUNTING_RANGE_FLOOR, COUNTING_RANGE_FACTOR * n)) {
    const counts = new Uint32Array(max + 2);
    for (let i = 0; i < n; i++) counts[node[i]! + 1]!++;
    let groups = 0;
    for (let v = 1; v < counts.length; v++) {
      if (counts[v] !== 0) groups++;
      counts[v]! += counts[v - 1]!;
    }
    nodes = new Float64Array(groups);
    offsets = new Uint32Array(groups + 1);
    let g = 0;
    for (let v = 0; v <= max; v++) {
      if (counts[v + 1] !== counts[v]) {
        nodes[g] = v;
        offsets[g++] = counts[v]!;
      }
    }
    offsets[groups] = n;
    // counts[v] is now the next free slot of node v.
    const relTypes = rels.types;
    const relIds = rels.ids;
    const firstId = rels.firstId;
    await tick();
    for (let from = 0; from < n; from += TICK_SPAN) {
      const to = Math.min(n, from + TICK_SPAN);
      for (let i = from; i < to; i++) {
        const at = counts[node[i]!]!++;
        types[at] = relTypes[i]!;
        others[at] = other[i]!;
        ids[at] = relIds === null ? firstId + i : relIds[i]!;
      }
      await tick();
    }
  } else {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => node[a]! - node[b]! || a - b);
    const groupNodes: number[] = [];
    const groupOffsets: number[] = [];
    let last = -1;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const v = node[i]!;
      if (v !== last) {
        groupNodes.push(v);
        groupOffsets.push(k);
        last = v;
      }
      types[k] = rels.types[i]!;
      others[k] = other[i]!;
      ids[k] = rels.id(i);
    }
    groupOffsets.push(n);
    nodes = Float64Array.from(groupNodes);
    offsets = Uint32Array.from(groupOffsets);
  }
  for (let g = 0, done = 0; g < nodes.length; g++) {
    sortGroup(types, others, ids, offsets[g]!, offsets[g + 1]!);
    done += offsets[g + 1]! - offsets[g]!;
    if (done >= TICK_SPAN) {
      done = 0;
      await tick();
    }
  }
  return { nodes, offsets, types, others, ids };
}

/** Sort entries from..to−1 by (type, other), ties kept in their (ascending id) order. */
function sortGroup(types: Uint32Array, others: Float64Array, ids: Float64Array, from: number, to: number): void {
  if (to - from < 2) return;
  if (to - from <= SMALL_GROUP) {
    for (let i = from + 1; i < to; i++) {
      const t = types[i]!;
      const o = others[i]!;
      const id = ids[i]!;
      let j = i - 1;
      while (j >= from && (types[j]! > t || (types[j] === t && others[j]! > o))) {
        types[j + 1] = types[j]!;
        others[j + 1] = others[j]!;
        ids[j + 1] = ids[j]!;
        j--;
      }
      types[j + 1] = t;
      others[j + 1] = o;
      ids[j + 1] = id;
    }
    return;
  }
  const idx = Array.from({ length: to - from }, (_, k) => from + k);
  idx.sort((a, b) => types[a]! - types[b]! || others[a]! - others[b]! || ids[a]! - ids[b]!);
  const t = idx.map((k) => types[k]!);
  const o = idx.map((k) => others[k]!);
  const d = idx.map((k) => ids[k]!);
  types.set(t, from);
  others.set(o, from);
  ids.set(d, from);
}
