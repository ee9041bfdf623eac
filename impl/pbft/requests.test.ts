// Regression tests of the PBFT node against requests a faulty replica relays with a faulty client
// `evil` (a client holds its own key, so together they can issue any request of `evil`'s; a replica
// alone cannot make one up: requests are client-signed): a request of `evil` that reuses a real
// client's op number must neither shadow nor retire the real request, and its replies must not
// answer the real client's op; requests relayed out of order or to the backups only must not make
// the honest replicas change views.

import { describe, expect, test } from 'vitest';
import type { Effect, NodeBehavior } from '../Node.js';
import { simulate } from '../sim/index.js';
import { signMessage, signRequest } from './crypto.js';
import type { PbftMessage, RequestMsg } from './messages.js';
import { pbftNode, type PbftState } from './PbftNode.js';
import { pbftClientRule, pbftSignRequest } from './runtime.js';

const N4 = ['r1', 'r2', 'r3', 'r4'];

/** r4's signed relay of a request its accomplice, client `evil`, signed with op `op`. */
function madeUpRequest(op: number, from = 'r4'): RequestMsg {
  return signMessage<RequestMsg>(0, {
    type: 'request',
    request: signRequest(0, { f: 'write', key: 'evil', value: op, op, client: 'evil' }),
    replica: from,
  });
}

/** Steps of a replica whose effects are collected (decides dropped for the faulty r4). */
type Eff = Effect<unknown, unknown>;

/**
 * A cluster in which r4 runs `attack` every `everyMs` (its honest handlers otherwise, decisions
 * dropped): the effects it returns are r4's extra sends.
 */
function attacking(
  everyMs: number,
  attack: (s: PbftState, now: number) => Eff[],
): NodeBehavior<PbftState, PbftMessage, never, unknown, Record<string, unknown>> {
  const r4 = (s: PbftState, effects: readonly Eff[]): never =>
    (s.id === 'r4' ? effects.filter((e) => e.kind !== 'decide') : effects) as never;
  return {
    protocol: 'pbft',
    init(config, durable, now) {
      const st = pbftNode.init(config, durable, now);
      const extra: Eff[] = config.id === 'r4' ? [{ kind: 'setTimer', name: 'attack', after: 50 }] : [];
      return { state: st.state, effects: [...st.effects, ...extra] as never };
    },
    onMessage: (s, from, msg, now) => {
      const st = pbftNode.onMessage(s, from, msg, now);
      return { state: st.state, effects: r4(st.state, st.effects) };
    },
    onTimer(s, name, now) {
      if (name === 'attack')
        return {
          state: s,
          effects: [...attack(s, now ?? 0), { kind: 'setTimer', name: 'attack', after: everyMs }] as never,
        };
      const st = pbftNode.onTimer(s, name, now);
      return { state: st.state, effects: r4(st.state, st.effects) };
    },
    onRequest: (s, req, now) => {
      const st = pbftNode.onRequest(s, req, now);
      return { state: st.state, effects: r4(st.state, st.effects) };
    },
  };
}

/** The highest view an honest replica reached, and the requests left pending, after 20 s. */
function runAttack(behavior: ReturnType<typeof attacking>, seed: number) {
  const r = simulate({
    behavior,
    nodes: N4,
    params: {},
    seed,
    duration: 20_000,
    network: { latency: { kind: 'uniform', min: 2, max: 20 } },
    workload: { rate: 4, until: 10_000, clients: 4, keys: 3, timeout: 20_000, ...pbftClientRule({}, N4) },
    signRequest: (req) => pbftSignRequest(req, {}),
  });
  const finals = r.finalStates as Record<string, PbftState>;
  const honest = ['r1', 'r2', 'r3'];
  return {
    r,
    view: Math.max(...honest.map((n) => finals[n]!.view)),
    pending: honest.flatMap((n) => Object.keys(finals[n]!.pending)),
  };
}

describe('requests relayed by a faulty replica', () => {
  test('an older op relayed after a newer one of its client is not left pending (no endless view changes)', () => {
    // r4 relays evil op 2 to all and evil op 1 to the backups only, once: the primary orders op 2,
    // and op 1 (now obsolete) stayed pending at r2 and r3, whose request timers then changed views
    // forever (view 37 after 20 s).
    let sent = false;
    const behavior = attacking(1_000_000, () => {
      if (sent) return [];
      sent = true;
      return [
        { kind: 'broadcast', msg: madeUpRequest(2) },
        ...['r2', 'r3'].map((to): Eff => ({ kind: 'send', to, msg: madeUpRequest(1) })),
      ];
    });
    for (const seed of [1, 3]) {
      const { r, view, pending } = runAttack(behavior, seed);
      expect(r.ops.every((o) => o.outcome === 'ok')).toBe(true);
      expect(pending).toEqual([]);
      expect(view).toBe(0);
    }
  });

  test('a request shown to the backups only reaches the primary (no view change per request)', () => {
    // Every 3 s r4 relays a new request to the backups of its view, never to the primary: each
    // one cost a view change (view 9 after 20 s) until backups forwarded relayed requests.
    const behavior = attacking(3000, (s, now) =>
      N4.filter((n) => n !== 'r4' && n !== N4[s.view % 4]).map((to): Eff => ({
        kind: 'send',
        to,
        msg: madeUpRequest(Math.floor(now) + 1),
      })),
    );
    const { r, view } = runAttack(behavior, 1);
    expect(r.ops.every((o) => o.outcome === 'ok')).toBe(true);
    expect(view).toBe(0);
  });
});

describe("a faulty client's request with a real client's op number", () => {
  test('does not shadow the real request at a replica (it still relays and watches it)', () => {
    const init = pbftNode.init({ id: 'r2', nodes: N4, params: {} }, undefined, 0);
    const s1 = pbftNode.onMessage(init.state, 'r4', madeUpRequest(5), 0).state;
    const step = pbftNode.onRequest(
      s1,
      pbftSignRequest({ op: 5, client: 1, request: { f: 'write', key: 'k1', value: 5 } }, {}),
      0,
    );
    const relayed = step.effects.filter((e) => e.kind === 'broadcast' && e.msg.type === 'request');
    expect(relayed).toHaveLength(1);
    expect(Object.keys(step.state.pending)).toHaveLength(2);
  });

  test('in the simulator: every write acknowledged ok was executed (one faulty replica of 4)', () => {
    // r4 answers every request it sees with one of client `evil` with the same op number.
    interface S {
      readonly inner: PbftState;
      readonly seen: Readonly<Record<number, true>>;
    }
    type Eff = Effect<unknown, unknown>;
    const evil = (id: string): boolean => id === 'r4';
    const honestEffects = (s: PbftState, effects: readonly Eff[]): Eff[] =>
      evil(s.id) ? effects.filter((e) => e.kind !== 'decide') : [...effects];
    const inject = (s: S, op: number, eff: Eff[]): S => {
      if (!evil(s.inner.id) || s.seen[op] === true) return s;
      eff.push({ kind: 'broadcast', msg: madeUpRequest(op, s.inner.id) });
      return { ...s, seen: { ...s.seen, [op]: true } };
    };
    const behavior: NodeBehavior<S, PbftMessage, never, unknown, Record<string, unknown>> = {
      protocol: 'pbft',
      init(config, durable, now) {
        const st = pbftNode.init(config, durable, now);
        return { state: { inner: st.state, seen: {} }, effects: st.effects };
      },
      onMessage(s, from, msg, now) {
        const st = pbftNode.onMessage(s.inner, from, msg, now);
        const eff = honestEffects(st.state, st.effects);
        let next: S = { ...s, inner: st.state };
        if (msg.type === 'request' && msg.request.client !== 'evil') next = inject(next, msg.request.op, eff);
        return { state: next, effects: eff as never };
      },
      onTimer(s, name, now) {
        const st = pbftNode.onTimer(s.inner, name, now);
        return {
          state: { ...s, inner: st.state },
          effects: honestEffects(st.state, st.effects) as never,
        };
      },
      onRequest(s, req, now) {
        const st = pbftNode.onRequest(s.inner, req, now);
        const eff = honestEffects(st.state, st.effects);
        return { state: inject({ ...s, inner: st.state }, req.op, eff), effects: eff as never };
      },
    };
    // Seeds 7, 9 and 10 acknowledged writes that never executed before the fix.
    for (const seed of [7, 9, 10]) {
      const r = simulate({
        behavior,
        nodes: N4,
        params: {},
        seed,
        duration: 8000,
        network: { latency: { kind: 'uniform', min: 2, max: 20 } },
        workload: { rate: 8, until: 1000, clients: 8, keys: 3, timeout: 8000, ...pbftClientRule({}, N4) },
        signRequest: (req) => pbftSignRequest(req, {}),
      });
      expect(r.status).toBe('ok');
      const executed = new Set<string>();
      for (const [, v] of r.logs['r1']!) {
        const c = v as { client: unknown; op: number } | null;
        if (c !== null) executed.add(`${String(c.client)}:${c.op}`);
      }
      expect(r.ops.length).toBeGreaterThan(0);
      for (const o of r.ops) {
        expect(o.outcome).toBe('ok');
        if (o.f === 'write') expect(executed.has(`${o.process}:${o.op}`)).toBe(true);
      }
    }
  });
});
