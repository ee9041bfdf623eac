// lint fixture (negative): property-ignores-state. Every property reads the state it is given.
import { always, sometimes, type Model, type Property } from '../../index.js';

interface S {
  readonly n: number;
}

const LIMIT = 3;

export function counter(limit: number): Model<S, 'inc'> {
  const literal: Property<S> = {
    kind: 'always',
    name: 'literal',
    holds(s) {
      return s.n <= LIMIT;
    },
  };
  const model: Model<S, 'inc'> = {
    init: () => [{ n: 0 }],
    actions: (s, out) => {
      if (s.n < limit) out.push('inc');
    },
    next: (s) => ({ n: s.n + 1 }),
    properties: [always('bounded', (s) => s.n <= limit), sometimes('top', ({ n }) => n === limit), literal],
  };
  return model;
}
