// lint fixture (positive): unordered-iteration. `actions` enumerates in Set/Map insertion order.
import { always, type Model } from '../../index.js';

interface S {
  readonly pending: ReadonlySet<number>;
  readonly acks: ReadonlyMap<number, number>;
}
type A = { readonly kind: 'deliver' | 'ack' | 'drop' | 'retry'; readonly m: number };

function retries(s: S, out: A[]): void {
  for (const m of Array.from(s.pending)) out.push({ kind: 'retry', m });
}

export default {
  init: () => [{ pending: new Set([1, 2]), acks: new Map<number, number>() }],
  actions(s, out) {
    for (const m of s.pending) out.push({ kind: 'deliver', m });
    s.acks.forEach((_v, k) => out.push({ kind: 'ack', m: k }));
    out.push(...[...s.acks.keys()].map((m): A => ({ kind: 'drop', m })));
    retries(s, out);
  },
  next(s, a) {
    const pending = new Set(s.pending);
    pending.delete(a.m);
    return { pending, acks: new Map(s.acks).set(a.m, 1) };
  },
  properties: [always('bounded', (s) => s.pending.size <= 2)],
} satisfies Model<S, A>;
