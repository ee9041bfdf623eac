// lint fixture (positive): property-ignores-state. Properties that cannot tell states apart.
import { always, sometimes, type Model, type Property } from '../../index.js';

interface S {
  readonly n: number;
}

const LIMIT = 3;

export function counter(limit: number): Model<S, 'inc'> {
  const never: Property<S> = { kind: 'always', name: 'literal', holds: (s) => LIMIT > 0 };
  const model: Model<S, 'inc'> = {
    init: () => [{ n: 0 }],
    actions: (s, out) => {
      if (s.n < limit) out.push('inc');
    },
    next: (s) => ({ n: s.n + 1 }),
    properties: [always('trivially true', () => true), sometimes('unused', (_s) => limit > 2), never],
  };
  return model;
}
