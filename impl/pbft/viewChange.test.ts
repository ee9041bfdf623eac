// Regression tests of the PBFT view change. The stall timer against a faulty replica's view change
// for a huge view: a stalled honest replica used to join the highest view any other replica named,
// so one faulty replica could move the cluster next to Number.MAX_SAFE_INTEGER, where the next view
// change is not well formed (views must be safe integers) and the cluster could never leave a
// faulty primary. And a new primary whose stable checkpoint lags the new view's: it assigned a seq
// before taking O, then assigned the same seq again to another request (an honest equivocation).

import { expect, test } from 'vitest';
import type { Effect, NodeBehavior } from '../Node.js';
import { simulate } from '../sim/index.js';
import { signMessage } from './crypto.js';
import type { CheckpointMsg, PbftMessage, PrePrepareMsg, ViewChangeMsg } from './messages.js';
import { pbftNode, type PbftState } from './PbftNode.js';
import { pbftClientRule, pbftSignRequest } from './runtime.js';

const N4 = ['r1', 'r2', 'r3', 'r4'];
/** The view r4 names: the view after it is the largest safe integer, and r4 is its primary. */
const HUGE = Number.MAX_SAFE_INTEGER - 1;

test('a faulty view change for a huge view does not take the cluster there (views stay small, ops complete)', () => {
  type Eff = Effect<unknown, unknown>;
  // r4 broadcasts a valid view change for HUGE at 50 ms and is otherwise honest (decisions
  // dropped), except that it is silent as the primary of HUGE + 1.
  const faulty = (s: PbftState, effects: readonly Eff[]): never =>
    (s.id !== 'r4' ? effects : s.view > HUGE ? [] : effects.filter((e) => e.kind !== 'decide')) as never;
  const behavior: NodeBehavior<PbftState, PbftMessage, never, unknown, Record<string, unknown>> = {
    protocol: 'pbft',
    init(config, durable, now) {
      const st = pbftNode.init(config, durable, now);
      const extra: Eff[] = config.id === 'r4' ? [{ kind: 'setTimer', name: 'huge', after: 50 }] : [];
      return { state: st.state, effects: [...st.effects, ...extra] as never };
    },
    onMessage: (s, from, msg, now) => {
      const st = pbftNode.onMessage(s, from, msg, now);
      return { state: st.state, effects: faulty(st.state, st.effects) };
    },
    onTimer(s, name, now) {
      if (name === 'huge') {
        const vc = signMessage<ViewChangeMsg>(0, {
          type: 'view-change',
          view: HUGE,
          stable: 0,
          proof: [],
          prepared: [],
          replica: 'r4',
        });
        return { state: s, effects: [{ kind: 'broadcast', msg: vc }] };
      }
      const st = pbftNode.onTimer(s, name, now);
      return { state: st.state, effects: faulty(st.state, st.effects) };
    },
    onRequest: (s, req, now) => {
      const st = pbftNode.onRequest(s, req, now);
      return { state: st.state, effects: faulty(st.state, st.effects) };
    },
  };
  // r2 alone for 3.8 s (it stalls in a view change of its own), later r3 (the primary r2 ended up
  // in) for 3 s; stable from 9 s. Before the fix: every honest replica stuck, inactive, in view
  // 2^53 (a view change no replica accepts), and ops never completed.
  for (const seed of [1, 2]) {
    const r = simulate({
      behavior,
      nodes: N4,
      params: {},
      seed,
      duration: 30_000,
      network: { latency: { kind: 'uniform', min: 2, max: 20 } },
      scenario: {
        faults: [
          { kind: 'partition', at: 200, groups: [['r2'], ['r1', 'r3', 'r4']], end: 4000 },
          { kind: 'partition', at: 6000, groups: [['r3'], ['r1', 'r2', 'r4']], end: 9000 },
        ],
      },
      workload: { rate: 4, until: 15_000, clients: 4, keys: 3, timeout: 30_000, ...pbftClientRule({}, N4) },
      signRequest: (req) => pbftSignRequest(req, {}),
    });
    expect(r.status).toBe('ok');
    const finals = r.finalStates as Record<string, PbftState>;
    for (const n of ['r1', 'r2', 'r3']) {
      expect(finals[n]!.view).toBeLessThan(100);
      expect(finals[n]!.active).toBe(true);
    }
    expect(r.ops.length).toBeGreaterThan(40);
    expect(r.ops.every((o) => o.outcome === 'ok')).toBe(true);
  }
});

test("a new primary behind the new view's stable checkpoint never assigns one seq twice", () => {
  // K = 2. r1, r3, r4 execute two requests and make checkpoint 2 stable; r2 executes them too but
  // gets no checkpoint of the others (low 0). r2 holds a request of its own (client c), then gets
  // view changes for view 1 (its view) from r1 and r3 with stable checkpoint 2: it joins, leads.
  const params = { checkpointInterval: 2, logWindow: 4 };
  const states: Record<string, PbftState> = {};
  const queue: { from: string; to: string; msg: PbftMessage }[] = [];
  const checkpoints: CheckpointMsg[] = [];
  const prePreparesOfR2: PrePrepareMsg[] = [];
  const apply = (
    id: string,
    step: { state: PbftState; effects: readonly Effect<PbftMessage, unknown>[] },
  ) => {
    states[id] = step.state;
    for (const e of step.effects) {
      if (e.kind === 'broadcast')
        for (const to of N4) if (to !== id) queue.push({ from: id, to, msg: e.msg });
      if (e.kind === 'send') queue.push({ from: id, to: e.to, msg: e.msg });
      if ((e.kind === 'broadcast' || e.kind === 'send') && id === 'r2' && e.msg.type === 'pre-prepare')
        prePreparesOfR2.push(e.msg);
    }
  };
  for (const id of N4) apply(id, pbftNode.init({ id, nodes: N4, params }, undefined, 0));
  for (const [op, client] of [
    [1, 'a'],
    [2, 'b'],
  ] as const)
    apply(
      'r1',
      pbftNode.onRequest(
        states['r1']!,
        pbftSignRequest({ op, client, request: { f: 'write', key: 'k', value: op } }, params),
        0,
      ),
    );
  while (queue.length > 0) {
    const m = queue.shift()!;
    if (m.msg.type === 'checkpoint' && m.msg.replica !== 'r2') checkpoints.push(m.msg);
    if (m.msg.type === 'checkpoint' && m.to === 'r2') continue;
    apply(m.to, pbftNode.onMessage(states[m.to]!, m.from, m.msg, 0));
  }
  expect([states['r2']!.lastExec, states['r2']!.low, states['r1']!.low]).toEqual([2, 0, 2]);
  apply(
    'r2',
    pbftNode.onRequest(
      states['r2']!,
      pbftSignRequest({ op: 3, client: 'c', request: { f: 'write', key: 'k', value: 3 } }, params),
      0,
    ),
  );
  queue.length = 0;
  const proof = ['r1', 'r3', 'r4'].map((r) => checkpoints.find((c) => c.replica === r && c.seq === 2)!);
  for (const r of ['r1', 'r3'])
    apply(
      'r2',
      pbftNode.onMessage(
        states['r2']!,
        r,
        signMessage<ViewChangeMsg>(0, {
          type: 'view-change',
          view: 1,
          stable: 2,
          proof,
          prepared: [],
          replica: r,
        }),
        0,
      ),
    );
  expect(states['r2']!.view).toBe(1);
  expect(states['r2']!.active).toBe(true);
  // A later request: before the fix r2 pre-prepared it at (1, 3) too, where c already was.
  apply(
    'r2',
    pbftNode.onRequest(
      states['r2']!,
      pbftSignRequest({ op: 4, client: 'd', request: { f: 'write', key: 'k', value: 4 } }, params),
      0,
    ),
  );
  const bySeq = new Map<string, string>();
  for (const pp of prePreparesOfR2) {
    const key = `${pp.view}:${pp.seq}`;
    expect(bySeq.get(key) ?? pp.digest).toBe(pp.digest);
    bySeq.set(key, pp.digest);
  }
  expect(prePreparesOfR2.map((pp) => `${pp.view}:${pp.seq}:${String(pp.value?.client)}`)).toEqual([
    '1:3:c',
    '1:4:d',
  ]);
});
