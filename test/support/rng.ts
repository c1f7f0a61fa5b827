// Seeded randomness for tests. A failing seed reproduces with SEED=<n>.

/** mulberry32: small, fast, deterministic 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run: SEED from the environment, else a fresh random one. */
export function testSeed(): number {
  const fromEnv = process.env.SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0;
  return (Math.random() * 2 ** 32) >>> 0;
}

/** Run `body` with a seed; on failure, rethrow with the seed in the message so it can be reproduced. */
export function withSeed<T>(seed: number, body: (seed: number) => T): T {
  try {
    return body(seed);
  } catch (error) {
    if (error instanceof Error) error.message = `[SEED=${seed}] ${error.message}`;
    throw error;
  }
}

/** Soak runs (npm run test:soak) multiply iteration counts. */
export const SOAK = process.env.SOAK === '1';
