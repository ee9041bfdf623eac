import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { validateTrace } from '../../traces/index.js';
import { Harness } from '../__test-helpers__/harness.js';
import { applyFaults, endFaults, faultSchedule } from '../__test-helpers__/workload.js';
import { compareBallots } from './ballot.js';
import { paxosNode, type PaxosState } from './PaxosNode.js';

/** Liveness bound: once faults end (all nodes up, no loss), every node decides within this (virtual ms). */
const LIVENESS_BOUND_MS = 2_000;

const decidedValues = (h: Harness): unknown[] => h.ids.map((id) => h.decidedBy.get(id)!.get(0));

/** The schedule that breaks the mutant: every 7 ms a random node crashes and restarts 1 ms later. */
function rebootStorm(seed: number, forgetPromise: boolean): Harness {
  const h = new Harness({
    behavior: paxosNode,
    seed,
    nodes: 3,
    latency: [1, 20],
    params: { forgetPromise, retryMs: 20, retryJitterMs: 20 },
  });
  for (let t = 5; t < 400; t += 7) {
    h.at(t, () => {
      const id = h.rng.pick(h.ids);
      h.crash(id);
      h.at(h.now + 1, () => h.restart(id));
    });
  }
  h.runUntil(400);
  return h;
}

describe('paxos', () => {
  test.each([3, 5])('%i nodes that all propose decide one of the proposed values', (n) => {
    const h = new Harness({ behavior: paxosNode, seed: n, nodes: n });
    h.runUntil(1000);
    const values = decidedValues(h);
    expect(new Set(values).size).toBe(1);
    expect(h.ids.map((id) => `v-${id}`)).toContain(values[0]);
    expect(h.violations).toEqual([]);
  });

  test('with one proposer and no faults, its value is decided in two round trips', () => {
    const h = new Harness({ behavior: paxosNode, seed: 1, params: { propose: 'first' }, latency: [5, 5] });
    h.runUntil(1000);
    expect(decidedValues(h)).toEqual(['v-n1', 'v-n1', 'v-n1']);
    // prepare (5) + promise (5) + accept (5) + accepted (5)
    expect(Math.max(...h.decisions.map((d) => d.t))).toBe(20);
  });

  test('client requests propose a value and are answered with the decided one', () => {
    const h = new Harness({ behavior: paxosNode, seed: 2, params: { propose: 'none' } });
    h.runUntil(100);
    expect(h.decisions).toEqual([]);
    h.request('n2', { op: 1, client: 0, request: { value: 'x' } });
    h.request('n3', { op: 2, client: 1, request: { value: 'y' } });
    h.runUntil(2000);
    const v = decidedValues(h)[0];
    expect(['x', 'y']).toContain(v);
    expect(decidedValues(h)).toEqual([v, v, v]);
    h.request('n1', { op: 3, client: 2, request: { f: 'read' } });
    const replies = h.replies.map((r) => [r.op, r.ok, r.result]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(replies).toEqual([
      [1, true, v],
      [2, true, v],
      [3, true, v],
    ]);
  });

  test('durable state is persisted before the replies it justifies', () => {
    const h = new Harness({ behavior: paxosNode, seed: 3, params: { propose: 'first' } });
    h.runUntil(1000);
    for (const id of h.ids) {
      const s = h.state<PaxosState>(id)!;
      const d = h.durable.get(id)!;
      expect(compareBallots(d['promised'] as never, s.promised)).toBe(0);
      expect(d['accepted']).toEqual(s.accepted);
    }
    const step = paxosNode.onMessage(h.state<PaxosState>('n2')!, 'n3', {
      type: 'prepare',
      ballot: { round: 99, node: 'n3' },
    });
    // The promise is persisted, then sent; a decided node adds a `decide` hint.
    expect(step.effects.map((e) => e.kind)).toEqual(['persist', 'send', 'send']);
  });

  test('safety: no two nodes decide differently under reordering, loss, duplication and crash/restart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(3, 5).chain((n) => fc.tuple(fc.constant(n), faultSchedule(n, 1000, 12))),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, [n, faults], loss, dup) => {
          const h = new Harness({
            behavior: paxosNode,
            seed,
            nodes: n,
            loss,
            dup,
            latency: [1, 30],
            params: { retryMs: 30, retryJitterMs: 30 },
          });
          applyFaults(h, faults);
          h.runUntil(1000);
          expect(h.violations).toEqual([]);
          // Liveness once faults end.
          endFaults(h);
          const healedAt = h.now;
          const all = (): boolean => h.ids.every((id) => h.state<PaxosState>(id)?.decided != null);
          expect(h.runUntilTrue(all, healedAt + LIVENESS_BOUND_MS)).toBe(true);
          expect(h.violations).toEqual([]);
          expect(
            new Set(h.ids.map((id) => JSON.stringify(h.state<PaxosState>(id)!.decided!.value))).size,
          ).toBe(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the forgetPromise mutant breaks agreement under crash/restart (pinned: first failing seed 259)', () => {
    let first = 0;
    for (let seed = 1; seed <= 300 && first === 0; seed++)
      if (rebootStorm(seed, true).violations.length > 0) first = seed;
    expect(first).toBe(259);
    expect(rebootStorm(259, true).violations).toEqual([
      'slot 0: n1 decided "v-n2", n2 decided "v-n1" at t=133.6667789919302',
      'slot 0: n1 decided "v-n2", n3 decided "v-n1" at t=137.6667789919302',
    ]);
    // The same schedule against the correct node is safe.
    expect(rebootStorm(259, false).violations).toEqual([]);
  });

  test('the correct node survives the reboot storm on many seeds', () => {
    for (let seed = 1; seed <= 300; seed++) expect(rebootStorm(seed, false).violations).toEqual([]);
  });

  test('flexible quorums: phase-1 quorum of all nodes, phase-2 quorum of one', () => {
    const h = new Harness({ behavior: paxosNode, seed: 4, params: { phase1Quorum: 3, phase2Quorum: 1 } });
    h.runUntil(1000);
    expect(new Set(decidedValues(h)).size).toBe(1);
    expect(
      () => new Harness({ behavior: paxosNode, seed: 4, params: { phase1Quorum: 1, phase2Quorum: 2 } }),
    ).toThrow(/must exceed the number of nodes/);
    expect(() => new Harness({ behavior: paxosNode, seed: 4, params: { retries: 2 } })).toThrow(
      /unknown parameter retries/,
    );
  });

  test('every message matches the trace schema (message.paxos)', async () => {
    const runs: Harness[] = [];
    const types = new Set<string>();
    for (let seed = 1; types.size < 6 && seed < 100; seed++) {
      const h = new Harness({
        behavior: paxosNode,
        seed,
        nodes: 5,
        loss: 0.2,
        latency: [1, 50],
        recordMessages: true,
      });
      h.at(50, () => h.crash('n1'));
      h.at(80, () => h.restart('n1'));
      h.runUntil(2000);
      runs.push(h);
      for (const m of h.messages) types.add((m.msg as { type: string }).type);
    }
    expect([...types].sort()).toEqual(['accept', 'accepted', 'decide', 'nack', 'prepare', 'promise']);
    const h = runs.at(-1)!;
    h.messages.push(...runs.flatMap((r) => r.messages));
    const v = await validateTrace([h.traceText('paxos')]);
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
  });
});
