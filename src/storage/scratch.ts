// Scratch byte arrays for objects made per transaction (B+trees, readers, writers).
//
// Why: each new ArrayBuffer has a fixed cost far above its size on the VMs this project runs
// on (~0.5 µs for an empty one, ~1.7 µs for 2 KiB, measured), and an autocommit statement
// makes a dozen such objects. A view of an existing ArrayBuffer costs ~0.07 µs. So scratch
// arrays are carved from a shared slab: every caller gets bytes of its own, never handed to
// anyone else, zeroed as fresh memory is; a slab is released to the GC once every view
// of it is gone.

const SLAB_BYTES = 64 * 1024;
/** Larger requests get their own buffer: they are rare and would waste a slab's tail. */
const LARGEST_CARVED = 8 * 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed array of `length` bytes that belongs to the caller alone. */
export function scratchBytes(length: number): Uint8Array {
  if (length > LARGEST_CARVED) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const view = new Uint8Array(slab, used, length);
  used += (length + 7) & ~7; // keep views 8-byte aligned, for DataViews over them
  return view;
}

/** The empty array, shared: it has no bytes to write. */
export const NO_BYTES = new Uint8Array(0);
