// lint fixture (positive): nondeterminism. Randomness, the clock, a timer and I/O inside the
// model's functions (one through a helper), and console output (a warning).
import { readFileSync } from 'node:fs';
import { always, type Model } from '../../index.js';

interface S {
  readonly n: number;
  readonly id: number;
}
type A = 'inc' | 'reset';

const jitter = (): number => Math.random();

const model: Model<S, A> = {
  init: () => [{ n: 0, id: Date.now() }],
  actions(s, out) {
    if (s.n < 3) out.push('inc');
    console.log('actions of', s.n);
    out.push('reset');
  },
  next(s, a) {
    if (a === 'reset') return { n: 0, id: s.id };
    setTimeout(() => undefined, 0);
    return { n: s.n + 1 + Math.floor(jitter()), id: s.id };
  },
  properties: [always('small', (s) => s.n <= 3 && readFileSync('/dev/null').length === 0)],
  boundary: (s) => s.n < 10 && new Date().getFullYear() > 2000 && process.env['LIMIT'] === undefined,
};

export default model;
