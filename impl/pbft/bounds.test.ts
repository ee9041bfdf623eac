// What one faulty replica can make an honest one keep or send is bounded: validly signed view
// changes for ever higher views (one is kept per replica, its highest), checkpoints for ever higher
// seqs (in the window, plus L/K + 1 per replica above it), and a stream of fetches (one state reply
// per requester per re-send interval). Each test also checks that the protocol still works after
// the flood: the f+1 rule, the stall timer, a stable checkpoint learned above the window, a fetch.

import { expect, test } from 'vitest';
import type { Effect } from '../Node.js';
import { Driver } from './__test-helpers__/driver.js';
import { signMessage } from './crypto.js';
import type { CheckpointMsg, FetchMsg, PbftMessage, ViewChangeMsg } from './messages.js';
import { PBFT_TIMERS, pbftNode, type PbftState } from './PbftNode.js';

const N4 = ['n1', 'n2', 'n3', 'n4'];
const FLOOD = 10_000;

type Eff = Effect<PbftMessage, unknown>;

function fresh(id = 'n1'): PbftState {
  return pbftNode.init({ id, nodes: N4, params: {} }, undefined).state;
}

const viewChange = (replica: string, view: number): ViewChangeMsg =>
  signMessage<ViewChangeMsg>(0, { type: 'view-change', view, stable: 0, proof: [], prepared: [], replica });

const checkpoint = (replica: string, seq: number, state = 'digest'): CheckpointMsg =>
  signMessage<CheckpointMsg>(0, { type: 'checkpoint', seq, state, replica });

const fetch = (replica: string, seq = 0): FetchMsg =>
  signMessage<FetchMsg>(0, { type: 'fetch', seq, replica });

/** All view-change messages a state holds, however they are indexed. */
function heldViewChanges(s: PbftState): ViewChangeMsg[] {
  return Object.values(s.viewChanges as Record<string, unknown>).flatMap((v) =>
    (v as { type?: unknown }).type === 'view-change'
      ? [v as ViewChangeMsg]
      : Object.values(v as Record<string, ViewChangeMsg>),
  );
}

const sentOfType = (effects: readonly Eff[], type: string): number =>
  effects.filter((e) => (e.kind === 'send' || e.kind === 'broadcast') && e.msg.type === type).length;

test('a faulty replica naming view after view leaves one view change of its at an honest replica', () => {
  let s = fresh();
  for (let v = 1; v <= FLOOD; v++) s = pbftNode.onMessage(s, 'n4', viewChange('n4', v)).state;
  // One entry: n4's highest view change (before the fix: one per view, 10,000).
  expect(heldViewChanges(s).map((m) => [m.replica, m.view])).toEqual([['n4', FLOOD]]);
  expect(Object.keys(s.viewChanges)).toHaveLength(1);
  expect(s.view).toBe(0);
  expect(s.active).toBe(true);
  // An older or repeated view change of n4 is discarded (same state, no effects).
  for (const m of [viewChange('n4', 5), viewChange('n4', FLOOD)]) {
    const step = pbftNode.onMessage(s, 'n4', m);
    expect(step.state).toBe(s);
    expect(step.effects).toEqual([]);
  }
  // The f+1 rule still works: with n2 asking for view 1, n1 joins the smallest view named (1).
  let step = pbftNode.onMessage(s, 'n2', viewChange('n2', 1));
  s = step.state;
  expect(s.view).toBe(1);
  expect(s.active).toBe(false);
  expect(sentOfType(step.effects, 'view-change')).toBe(1);
  expect(heldViewChanges(s).length).toBeLessThanOrEqual(N4.length);
  // n1 waits in view 1 with 2 view changes for it (a stall); its timer then climbs one view.
  expect(s.vcStall).toBe(true);
  step = pbftNode.onTimer(s, PBFT_TIMERS.viewChange);
  expect(step.state.view).toBe(2);
  // The flood again, during the view change: still one entry per replica.
  s = step.state;
  for (let v = FLOOD + 1; v <= FLOOD + 1000; v++) s = pbftNode.onMessage(s, 'n4', viewChange('n4', v)).state;
  expect(
    heldViewChanges(s)
      .filter((m) => m.replica === 'n4')
      .map((m) => m.view),
  ).toEqual([FLOOD + 1000]);
  expect(heldViewChanges(s).length).toBeLessThanOrEqual(N4.length);
  expect(s.view).toBe(2);
});

test('a faulty replica sending checkpoints for ever higher seqs leaves O(L/K) of them at an honest replica', () => {
  const K = 8; // defaults: checkpointInterval 8, logWindow 32
  let s = fresh();
  for (let i = 1; i <= FLOOD; i++) s = pbftNode.onMessage(s, 'n4', checkpoint('n4', i * K)).state;
  const held = Object.entries(s.checkpoints).flatMap(([seq, byReplica]) =>
    Object.keys(byReplica).map((r) => [r, Number(seq)] as const),
  );
  // In the window (32/8 = 4 seqs) and above it (32/8 + 1 = 5, the highest): 9 at most (before the
  // fix: 10,000).
  expect(held.length).toBeLessThanOrEqual(9);
  expect(Object.keys(s.checkpoints).length).toBeLessThanOrEqual(9);
  expect(held).toContainEqual(['n4', FLOOD * K]);
  expect(held.every(([r]) => r === 'n4')).toBe(true);
  // A far checkpoint below the ones kept is discarded.
  const old = pbftNode.onMessage(s, 'n4', checkpoint('n4', 100 * K));
  expect(old.state).toBe(s);
  expect(old.effects).toEqual([]);
  // A laggard still learns a stable checkpoint far above its window: n2 and n3 agree with n4's.
  s = pbftNode.onMessage(s, 'n2', checkpoint('n2', FLOOD * K)).state;
  expect(s.low).toBe(0);
  const step = pbftNode.onMessage(s, 'n3', checkpoint('n3', FLOOD * K));
  expect(step.state.low).toBe(FLOOD * K);
  expect(step.effects).toContainEqual(
    expect.objectContaining({
      kind: 'broadcast',
      msg: expect.objectContaining({ type: 'fetch', seq: FLOOD * K }),
    }),
  );
  expect(Object.keys(step.state.checkpoints)).toHaveLength(0);
});

test('repeated fetches from one replica within one re-send interval get one state reply', () => {
  // A fresh replica serves the state at its stable checkpoint 0.
  let s = fresh();
  let replies = 0;
  for (let i = 0; i < 1000; i++) {
    const step = pbftNode.onMessage(s, 'n4', fetch('n4'));
    replies += sentOfType(step.effects, 'state');
    s = step.state;
  }
  expect(replies).toBe(1);
  // Another replica's fetch is answered (one faulty replica does not use up a laggard's reply).
  let step = pbftNode.onMessage(s, 'n3', fetch('n3'));
  expect(sentOfType(step.effects, 'state')).toBe(1);
  s = step.state;
  expect(sentOfType(pbftNode.onMessage(s, 'n3', fetch('n3')).effects, 'state')).toBe(0);
  // Serving armed the retry timer; at its tick the interval ends and a fetch is answered again (a
  // laggard whose state reply was lost gets it when it fetches again).
  expect(s.retryArmed).toBe(true);
  s = pbftNode.onTimer(s, PBFT_TIMERS.retry).state;
  step = pbftNode.onMessage(s, 'n4', fetch('n4'));
  expect(sentOfType(step.effects, 'state')).toBe(1);
  expect(sentOfType(pbftNode.onMessage(step.state, 'n4', fetch('n4')).effects, 'state')).toBe(0);
  // A fetch for another seq than the stable checkpoint is not answered at all.
  expect(pbftNode.onMessage(fresh(), 'n4', fetch('n4', 8)).effects).toEqual([]);
});

test('7 replicas, one flooding: state stays bounded, every op completes, a laggard catches up by checkpoints', () => {
  type AnyStep = { state: PbftState; effects: readonly Eff[] };
  // n7 runs the honest code (decisions not judged) and every 10 ms also broadcasts a view change
  // for the next of ever higher views, a checkpoint for the next far seq, and a fetch of the state
  // at its stable checkpoint. The honest replicas count the state replies they send it. n6 misses
  // 20 requests (crashed), then catches up from 2f+1 = 5 honest checkpoints far above its window:
  // n7's flood takes n7's own checkpoint slots, not the honest replicas'.
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
  const honest = nodes.slice(0, 6);
  const FLOOD_MS = 10;
  let flood = 0;
  const statesToFaulty = new Map<string, number>();
  const withFlood = (id: string, step: AnyStep, name?: string): AnyStep => {
    const effects = [...step.effects];
    if (id === 'n7' && name === 'flood') {
      flood++;
      effects.push(
        { kind: 'broadcast', msg: viewChange('n7', 1000 + flood) },
        { kind: 'broadcast', msg: checkpoint('n7', 4 * (1000 + flood)) },
        { kind: 'broadcast', msg: fetch('n7', step.state.low) },
        { kind: 'setTimer', name: 'flood', after: FLOOD_MS },
      );
    }
    if (id !== 'n7')
      for (const e of effects)
        if (e.kind === 'send' && e.to === 'n7' && e.msg.type === 'state')
          statesToFaulty.set(id, (statesToFaulty.get(id) ?? 0) + 1);
    return { state: step.state, effects };
  };
  const behavior = {
    protocol: 'pbft',
    init(config: { id: string; nodes: readonly string[]; params: Record<string, unknown> }, durable: never) {
      const st = pbftNode.init(config, durable) as AnyStep;
      const extra: Eff[] = config.id === 'n7' ? [{ kind: 'setTimer', name: 'flood', after: FLOOD_MS }] : [];
      return { state: st.state, effects: [...st.effects, ...extra] };
    },
    onMessage: (s: PbftState, from: string, msg: PbftMessage) =>
      withFlood(s.id, pbftNode.onMessage(s, from, msg)),
    onTimer: (s: PbftState, name: string) =>
      name === 'flood'
        ? withFlood(s.id, { state: s, effects: [] }, name)
        : withFlood(s.id, pbftNode.onTimer(s, name)),
    onRequest: (s: PbftState, req: never) => withFlood(s.id, pbftNode.onRequest(s, req)),
  };
  const params = { checkpointInterval: 4, logWindow: 8 };
  const d = new Driver({ nodes, behavior: behavior as never, seed: 5, f: 2, params, byzantine: ['n7'] });
  let maxVcs = 0;
  let maxCheckpoints = 0;
  const watch = (until: number): void => {
    for (let t = d.now; t <= until; t += 50) {
      d.runUntil(t);
      for (const id of honest) {
        const s = d.state<PbftState>(id);
        if (s === undefined) continue;
        maxVcs = Math.max(maxVcs, heldViewChanges(s).length);
        const held = Object.values(s.checkpoints).reduce(
          (n, byReplica) => n + Object.keys(byReplica).length,
          0,
        );
        maxCheckpoints = Math.max(maxCheckpoints, held);
      }
    }
  };
  const write = (op: number, to: string): void =>
    d.request(op, { f: 'write', key: `k${op % 3}`, value: op }, to);
  for (let op = 1; op <= 10; op++) write(op, 'n1');
  watch(2000);
  d.crash('n6');
  for (let op = 11; op <= 30; op++) write(op, 'n1');
  watch(5000);
  d.restart('n6'); // 20 seqs behind, more than the window (8)
  for (let op = 31; op <= 36; op++) write(op, 'n2');
  watch(15_000);
  expect(d.violations).toEqual([]);
  expect(d.answers.size).toBe(36);
  expect(flood).toBeGreaterThan(1000);
  for (const id of honest) {
    const s = d.state<PbftState>(id)!;
    expect(s.view).toBe(0); // no view change: n6 caught up from checkpoints, not from a new view
    expect(s.lastExec).toBe(36);
    expect(s.kv.toObject()).toEqual(d.state<PbftState>('n1')!.kv.toObject());
  }
  // n view changes at most; checkpoints: per replica L/K (2) in the window, L/K + 1 (3) above it.
  expect(maxVcs).toBeLessThanOrEqual(nodes.length);
  expect(maxCheckpoints).toBeLessThanOrEqual(nodes.length * (2 + 3));
  // One state reply per re-send interval (200 ms) at most, not one per fetch (every 10 ms).
  for (const id of honest) expect(statesToFaulty.get(id) ?? 0).toBeLessThanOrEqual(15_000 / 200 + 1);
});
