// lint fixture (negative): unordered-iteration. The same model, iterating in sorted order; loops
// that only count, and order-free uses (size, Math.max, a new Set), are fine.
import { always, type Model } from '../../index.js';

interface S {
  readonly pending: ReadonlySet<number>;
  readonly acks: ReadonlyMap<number, number>;
}
type A = { readonly kind: 'deliver' | 'ack' | 'drop' | 'retry'; readonly m: number };

const byNumber = (x: number, y: number): number => x - y;

export default {
  init: () => [{ pending: new Set([1, 2]), acks: new Map<number, number>() }],
  actions(s, out) {
    for (const m of [...s.pending].sort(byNumber)) out.push({ kind: 'deliver', m });
    for (const k of Array.from(s.acks.keys()).sort(byNumber)) out.push({ kind: 'ack', m: k });
    let big = 0;
    for (const m of s.pending) if (m > 1) big++;
    if (big > 0 && s.acks.size < 2) out.push({ kind: 'drop', m: Math.max(...s.pending) });
    if (new Set([...s.pending]).has(1)) out.push({ kind: 'retry', m: 1 });
  },
  next(s, a) {
    const pending = new Set(s.pending);
    pending.delete(a.m);
    return { pending, acks: new Map(s.acks).set(a.m, 1) };
  },
  properties: [always('bounded', (s) => s.pending.size <= 2)],
} satisfies Model<S, A>;
