// lint fixture (positive), JavaScript: a factory from constants whose model mutates its state and
// rolls dice.
import { always } from '../../index.js';

export const constants = { max: { type: 'number', default: 3 } };

export default function counter({ max }) {
  return {
    init: () => [{ n: 0, seen: [] }],
    actions(s, out) {
      if (s.n < max) out.push('inc');
    },
    next(s, a) {
      s.n += 1;
      s.seen.push(a);
      return { n: s.n, seen: s.seen, coin: Math.random() < 0.5 };
    },
    properties: [always('bounded', (s) => s.n <= max)],
  };
}
