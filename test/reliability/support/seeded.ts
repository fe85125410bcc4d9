import { randomInt } from 'node:crypto';

/**
 * Randomness a failure can replay: the seed comes from `env` when set, else from the clock, and is
 * printed by the suite so the same run can be asked for again.
 */
export function seedFrom(envName: string): number {
  const given = process.env[envName];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`${envName} must be an integer, got ${given}`);
    return seed;
  }
  return randomInt(2 ** 31);
}

/** mulberry32: a small, fast PRNG with a 32-bit state; `next()` is uniform in [0, 1). */
export function seededRandom(seed: number): { next(): number; int(maxExclusive: number): number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (maxExclusive) => Math.floor(next() * maxExclusive) };
}
