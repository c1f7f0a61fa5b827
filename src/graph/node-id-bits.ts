// Node ids as a set of bitmaps: the graph writer's endpoints known to exist, and the full
// check's ids of the nodes tree.

/**
 * A set of node ids as bitmaps of 1,024 ids (128 bytes) found by id / 1,024: a load touching
 * tens of thousands of nodes per transaction pays a Map lookup in a small map and a bit test
 * per check, where a Set of the ids paid its rehashing as it grew (~3× the time).
 */
export class NodeIdBits {
  private readonly chunks = new Map<number, Uint32Array>();

  has(id: number): boolean {
    const chunk = this.chunks.get(Math.floor(id / 1024));
    if (chunk === undefined) return false;
    const bit = id % 1024;
    return (chunk[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  add(id: number): void {
    const at = Math.floor(id / 1024);
    let chunk = this.chunks.get(at);
    if (chunk === undefined) this.chunks.set(at, (chunk = new Uint32Array(32)));
    const bit = id % 1024;
    chunk[bit >>> 5]! |= 1 << (bit & 31);
  }
}
