// lint fixture (positive): state-mutation. `next` changes the state and the action it is given
// (directly, through an alias, through a shallow copy, in a helper), and a property sorts in place.
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

function record(st: S, m: Msg): void {
  st.msgs.sort((x, y) => x.val - y.val);
  st.log[0] = { n: m.val };
}

export const model: Model<S, A> = {
  init: () => [{ count: 0, msgs: [], votes: new Map(), log: [] }],
  actions(s, out) {
    if (s.count < 2) out.push({ kind: 'recv', msg: { from: 0, val: s.count }, hops: 0 });
    out.push({ kind: 'reset' });
  },
  next(s, a) {
    if (a.kind === 'reset') {
      Object.assign(s, { count: 0 });
      return s;
    }
    s.count++;
    s.msgs.push(a.msg);
    const votes = s.votes;
    votes.set(a.msg.from, a.msg.val);
    a.hops += 1;
    const copy = { ...s };
    copy.count = 5;
    copy.log.push({ n: 1 });
    record(s, a.msg);
    delete (s as Partial<S>).log;
    return copy;
  },
  properties: [always('sorted', (s) => s.msgs.reverse().length >= 0)],
};
