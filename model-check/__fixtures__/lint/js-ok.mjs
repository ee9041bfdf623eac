// lint fixture (negative), JavaScript: the same factory, building new states.
import { always } from '../../index.js';

export const constants = { max: { type: 'number', default: 3 } };

export default function counter({ max }) {
  return {
    init: () => [{ n: 0, seen: [] }],
    actions(s, out) {
      if (s.n < max) out.push('inc');
    },
    next(s, a) {
      return { n: s.n + 1, seen: [...s.seen, a] };
    },
    properties: [always('bounded', (s) => s.n <= max)],
  };
}
