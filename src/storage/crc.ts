// CRC-32 arithmetic beyond zlib.crc32: the CRC of a concatenation from the CRCs of its
// parts (zlib's crc32_combine) and the CRC over a run of zeros without reading it. Both
// rest on one fact: feeding the CRC register n zero bytes multiplies it by x^(8n) modulo
// the polynomial, a linear map over GF(2). The WAL derives a frame's checksum from its
// page's (wal-format.ts encodeSealedFrame); sealing a page skips its zeroed hole (page.ts).

/** The reflected CRC-32 polynomial of zlib. */
const CRC_POLY = 0xedb88320;

/** a·b modulo the CRC polynomial (zlib multmodp); `a` is an operator x^n, never 0. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = (b & 1) !== 0 ? (b >>> 1) ^ CRC_POLY : b >>> 1;
  }
  return p >>> 0;
}

/** zlib's byte-wise CRC-32 table. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ CRC_POLY : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** crc32(bytes[from, to), seed) of zlib, for the few bytes where a native call costs more. */
export function crcOfBytes(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let c = ~seed;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Multiplication by a fixed operator is linear over GF(2): op·b is the XOR of op·(each byte
 * of b in place), so four 256-entry tables turn it into four lookups.
 */
export function operatorTable(op: number): Uint32Array {
  const table = new Uint32Array(1024);
  for (let k = 0; k < 4; k++) for (let v = 0; v < 256; v++) table[k * 256 + v] = multModP(op, (v << (8 * k)) >>> 0);
  return table;
}

export function applyOperator(table: Uint32Array, b: number): number {
  return (table[b & 0xff]! ^ table[256 + ((b >>> 8) & 0xff)]! ^ table[512 + ((b >>> 16) & 0xff)]! ^ table[768 + (b >>> 24)]!) >>> 0;
}

/** x^(8·2^k) modulo the polynomial for k = 0..31 (zlib's x2n_table, from x^8). */
const BYTE_SHIFT_POWERS = (() => {
  const table = new Uint32Array(32);
  let p = 0x40000000; // x^1
  for (let k = 0; k < 3; k++) p = multModP(p, p); // x^8
  for (let k = 0; k < 32; k++) {
    table[k] = p;
    p = multModP(p, p);
  }
  return table;
})();

/** x^(8·bytes) modulo the CRC polynomial (zlib x2nmodp(bytes, 3)): one product per set bit. */
export function shiftOperator(bytes: number): number {
  let p = 0x80000000; // x^0
  for (let k = 0, n = bytes; n > 0; k++, n = Math.floor(n / 2)) {
    if (n % 2 === 1) p = multModP(BYTE_SHIFT_POWERS[k]!, p);
  }
  return p;
}

/** operatorTable(BYTE_SHIFT_POWERS[k]), made on first use (a hole needs k up to 15). */
const byteShiftTables: (Uint32Array | undefined)[] = [];

/**
 * crc32(n zero bytes, seed) of zlib, without the bytes: the register times x^(8n), that is
 * times x^(8·2^k) for each bit k set in n, four table lookups each.
 */
export function crcOfZeros(seed: number, n: number): number {
  let register = ~seed >>> 0;
  for (let k = 0; n > 0; k++, n = Math.floor(n / 2)) {
    if (n % 2 === 1) register = applyOperator((byteShiftTables[k] ??= operatorTable(BYTE_SHIFT_POWERS[k]!)), register);
  }
  return ~register >>> 0;
}
