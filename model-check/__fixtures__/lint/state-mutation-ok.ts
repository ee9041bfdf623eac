// lint fixture (negative): state-mutation. The same model, building new states: copies are
// changed, never the state or the action passed in.
import { always, type Model } from '../../index.js';

interface Msg {
  from: number;
  val: number;
}
interface S {
  count: number;
  msgs: Msg[];
  votes: Map<number, number>;
  log: { n: number }[];
}
type A = { kind: 'recv'; msg: Msg; hops: number } | { kind: 'reset' };

function sortedByVal(msgs: readonly Msg[]): Msg[] {
  const copy = msgs.slice();
  copy.sort((x, y) => x.val - y.val);
  return copy;
}

export const model: Model<S, A> = {
  init: () => [{ count: 0, msgs: [], votes: new Map(), log: [] }],
  actions(s, out) {
    if (s.count < 2) out.push({ kind: 'recv', msg: { from: 0, val: s.count }, hops: 0 });
    out.push({ kind: 'reset' });
  },
  next(s, a) {
    if (a.kind === 'reset') return { ...s, count: 0 };
    const votes = new Map(s.votes).set(a.msg.from, a.msg.val);
    const msgs = sortedByVal([...s.msgs, a.msg]);
    const log = s.log.slice();
    log[0] = { n: a.msg.val };
    const next = { ...s, votes, msgs, log };
    next.count = s.count + 1;
    const scratch: number[] = [];
    for (const m of s.msgs) scratch.push(m.val);
    scratch.sort();
    return next;
  },
  properties: [always('sorted', (s) => [...s.msgs].reverse().length >= 0)],
};
