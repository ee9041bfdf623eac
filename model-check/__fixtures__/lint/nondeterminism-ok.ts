// lint fixture (negative): nondeterminism. The same counter, deterministic: the "random" choice is
// a seeded generator whose seed is part of the state, and nothing reads the clock or the disk.
import { always, type Model } from '../../index.js';

interface S {
  readonly n: number;
  readonly seed: number;
}
type A = 'inc' | 'reset';

/** A tiny LCG: the next seed is a function of the previous one. */
const random = (seed: number): number => (seed * 1103515245 + 12345) % 2 ** 31;
const epoch = new Date(0).getTime();

const model: Model<S, A> = {
  init: () => [{ n: 0, seed: 42 }],
  actions(s, out) {
    if (s.n < 3) out.push('inc');
    out.push('reset');
  },
  next(s, a) {
    if (a === 'reset') return { n: 0, seed: s.seed };
    const seed = random(s.seed);
    return { n: s.n + 1 + Math.floor(seed / 2 ** 31), seed };
  },
  properties: [always('small', (s) => s.n <= 3 && epoch === 0)],
  boundary: (s) => s.n < 10 && Math.max(s.n, 0) >= 0,
};

export default model;
