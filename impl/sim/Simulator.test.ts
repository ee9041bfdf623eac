import { fc, test } from '@fast-check/vitest';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stringifyTraceLine, validateTrace, TraceWriter } from '../../traces/index.js';
import { fixedLeader, selfish, testPaxos, throwing } from './__test-helpers__/protocols.js';
import type { NodeBehavior } from '../Node.js';
import type { Scenario } from './scenario.js';
import { simulate, type SimulationOptions, type SimulationResult } from './Simulator.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptions = SimulationOptions<any, any, any, any, any>;

/** Run and return the result with the trace text. */
async function traced(
  options: Omit<AnyOptions, 'trace'>,
): Promise<{ result: SimulationResult; text: string }> {
  let text = '';
  const w = new TraceWriter({ write: (line) => (text += line) });
  const result = simulate({ ...options, trace: w });
  await w.close();
  return { result, text };
}

const faults: Scenario = {
  faults: [
    { kind: 'crash', at: 300, node: 'n2', end: 900 },
    {
      kind: 'partition',
      at: 1000,
      groups: [
        ['n1', 'n2', 'n3'],
        ['n4', 'n5'],
      ],
      end: 1500,
    },
    { kind: 'pause', at: 1200, node: 'n3', end: 1400 },
    { kind: 'loss', at: 1600, rate: 0.5, end: 1800 },
    { kind: 'latency', at: 0, link: ['n1', 'n5'], latency: { kind: 'exponential', mean: 50 }, end: 1000 },
  ],
};
const small = {
  behavior: fixedLeader,
  nodes: 5,
  params: {},
  duration: 2000,
  network: { loss: 0.05, duplicate: 0.05, reorder: 0.1 },
  scenario: faults,
  workload: { rate: 50, clients: 3, timeout: 500 },
};

describe('simulate', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 15 })(
    'same seed and scenario give a byte-identical trace',
    async (seed) => {
      const a = await traced({ ...small, seed });
      const b = await traced({ ...small, seed });
      expect(a.text.length).toBeGreaterThan(1000);
      expect(b.text).toBe(a.text);
      expect(b.result.stats.messages).toEqual(a.result.stats.messages);
    },
  );

  it('gives different runs for different seeds', async () => {
    const a = await traced({ ...small, seed: 1 });
    const b = await traced({ ...small, seed: 2 });
    expect(a.text).not.toBe(b.text);
  });

  it('writes traces that validate against the traces/ schema, with every event kind it makes', async () => {
    for (const [behavior, params] of [
      [fixedLeader, {}],
      [testPaxos, { forgetPromise: false }],
    ] as const) {
      const { result, text } = await traced({
        ...small,
        behavior: behavior as never,
        params: params as never,
        seed: 3,
      });
      expect(result.status).toBe('ok');
      const v = await validateTrace(Readable.from([text]));
      expect(v.errors).toEqual([]);
      expect(v.ok).toBe(true);
      expect(v.events).toBe(text.split('\n').length - 2);
      if (behavior === fixedLeader) {
        const kinds = new Set(
          text
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { kind: string }).kind),
        );
        for (const k of [
          'header',
          'send',
          'recv',
          'persist',
          'decide',
          'timer',
          'crash',
          'restart',
          'fault',
          'heal',
          'invoke',
          'ok',
        ]) {
          expect(kinds).toContain(k);
        }
      }
    }
  });

  it('records the seed and the protocol in the trace header', async () => {
    const { text } = await traced({ ...small, seed: 99 });
    const header = JSON.parse(text.split('\n')[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({
      kind: 'header',
      format: 'synod-trace',
      protocol: 'test-fixed-leader',
      seed: 99,
      clock: 'virtual',
    });
  });

  it('simulates four hours of interplanetary consensus in seconds (one node 3-22 minutes away)', () => {
    const mars = { kind: 'uniform', min: 180_000, max: 1_320_000 } as const;
    const r = simulate({
      behavior: fixedLeader,
      nodes: 5,
      params: {},
      seed: 11,
      duration: 4 * 3_600_000,
      network: {
        latency: { kind: 'uniform', min: 5, max: 40 },
        links: { 'n1-n5': mars, 'n2-n5': mars, 'n3-n5': mars, 'n4-n5': mars },
      },
      workload: { rate: 1, clients: 4, timeout: 60_000 },
    });
    expect(r.status).toBe('ok');
    expect(r.stats.virtualSeconds).toBe(4 * 3600);
    expect(r.stats.decisions).toBeGreaterThan(10_000);
    // n5 learns decisions too, many minutes late.
    expect(r.logs['n5']!.size).toBeGreaterThan(8_000);
    expect(r.stats.virtualSeconds / r.stats.wallSeconds).toBeGreaterThan(1000);
  });

  it('stops at the first two different decisions for one slot', () => {
    const r = simulate({ behavior: selfish, nodes: 3, params: {}, seed: 1, duration: 1000 });
    expect(r.status).toBe('safety-violation');
    expect(r.violation).toEqual({
      slot: 0,
      first: { node: 'n1', value: 'n1', t: 0 },
      second: { node: 'n2', value: 'n2', t: 0 },
      t: 0,
    });
    expect(r.stats.events).toBe(0);
  });

  it('reports a handler that throws as data', () => {
    const r = simulate({ behavior: throwing, nodes: 3, params: {}, seed: 1, duration: 1000 });
    expect(r.status).toBe('error');
    expect(r.error).toMatchObject({ during: 'onRequest', message: 'boom: onRequest is not implemented' });
  });

  it('keeps persisted state across a crash and loses volatile state', () => {
    const r = simulate({
      behavior: testPaxos,
      nodes: 3,
      params: { forgetPromise: false },
      seed: 5,
      duration: 3000,
      workload: false,
      scenario: { faults: [{ kind: 'crash', at: 1000, node: 'n1', end: 1500 }] },
    });
    expect(r.status).toBe('ok');
    const s = r.finalStates['n1'] as { promised: unknown; vote: unknown; decided: boolean };
    expect(s.promised).not.toBeNull();
    expect(s.vote).not.toBeNull();
    expect(r.decided.size).toBe(1);
  });

  it('ends ops without a reply within the client timeout as info', () => {
    const r = simulate({
      behavior: fixedLeader,
      nodes: 3,
      params: {},
      seed: 1,
      duration: 3000,
      workload: { rate: 20, clients: 2, timeout: 300 },
      scenario: { faults: [{ kind: 'crash', at: 500, node: 'n1', end: 2000 }] },
    });
    expect(r.stats.clientOps.info).toBeGreaterThan(0);
    expect(r.stats.clientOps.ok).toBeGreaterThan(0);
    expect(r.ops.every((o) => o.outcome !== 'pending')).toBe(true);
  });
});

// What a restarted node gets back: every persisted variable merged in order (later writes win,
// key order kept, symbol keys too), and a persist that carries no object (a node breaking the
// contract) is skipped, not a crash of the simulator.
describe('durable state across a restart', () => {
  const tag = Symbol('tag');
  type Seen = { id: string; restored: Record<string | symbol, unknown> | undefined; n: number };
  const seen: Array<Record<string | symbol, unknown> | undefined> = [];
  const recorder: NodeBehavior<Seen, never> = {
    protocol: 'x-durable',
    init: (c, durable) => {
      if (c.id === 'n1') seen.push(durable === undefined ? undefined : { ...durable });
      return {
        state: { id: c.id, restored: durable, n: 0 },
        effects: [{ kind: 'setTimer', name: 'tick', after: 100 }],
      };
    },
    onMessage: (s) => ({ state: s, effects: [] }),
    onTimer: (s) => {
      const n = s.n + 1;
      const vars = n === 1 ? { b: 1, a: 1, 7: 'x' } : n === 2 ? null : { a: n, [tag]: n };
      return {
        state: { ...s, n },
        effects: [
          { kind: 'persist', vars: vars as Record<string, unknown> },
          { kind: 'setTimer', name: 'tick', after: 100 },
        ],
      };
    },
    onRequest: (s) => ({ state: s, effects: [] }),
  };

  it('merges every persist in order and skips the ones without an object', () => {
    seen.length = 0;
    const r = simulate({
      behavior: recorder,
      nodes: 3,
      params: {},
      seed: 1,
      duration: 1000,
      workload: false,
      scenario: { faults: [{ kind: 'crash', at: 350, node: 'n1', end: 400 }] },
    });
    expect(r.status).toBe('ok');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeUndefined();
    const restored = seen[1]!;
    // Persists at 100 ({b, a, 7}), 200 (null: skipped) and 300 ({a: 3, [tag]: 3}).
    expect(Object.keys(restored)).toEqual(['7', 'b', 'a']);
    expect(restored).toEqual({ 7: 'x', b: 1, a: 3, [tag]: 3 });
  });
});

// The shipped protocols (impl/protocols.ts, written alongside): their traces validate (typed
// `paxos` / `multipaxos` messages) and replay byte for byte.
describe('simulate the shipped protocols', () => {
  const faultsFor = {
    faults: [
      { kind: 'crash', at: 1000, node: 'n1', end: 2000 },
      {
        kind: 'partition',
        at: 2500,
        groups: [
          ['n1', 'n2'],
          ['n3', 'n4', 'n5'],
        ],
        end: 3500,
      },
    ],
  } as Scenario;
  it.each(['paxos', 'multipaxos', 'adaptive'])(
    '%s: valid, deterministic traces and no violation under faults',
    async (name) => {
      let registry: Record<string, { behavior: unknown; defaults: Record<string, unknown> }>;
      try {
        registry = ((await import('../protocols.js')) as unknown as { protocols: typeof registry }).protocols;
      } catch {
        return; // not written yet
      }
      const p = registry[name]!;
      const options = {
        behavior: p.behavior as never,
        nodes: 5,
        params: { ...p.defaults } as never,
        seed: 4,
        duration: 5000,
        network: { loss: 0.05, duplicate: 0.05 },
        scenario: faultsFor,
      };
      const a = await traced(options);
      const b = await traced(options);
      expect(a.result.status).toBe('ok');
      expect(a.result.stats.decisions).toBeGreaterThan(0);
      expect(b.text).toBe(a.text);
      // A TraceWriter reuses the texts of messages and values (`assumeImmutable`): the same bytes
      // as writing every event object afresh, as long as no node mutates what it emitted.
      let plain = '';
      simulate({
        ...options,
        trace: {
          header: (h) => (plain += stringifyTraceLine(h) + '\n'),
          event: (e) => (plain += stringifyTraceLine(e) + '\n'),
        },
      });
      expect(plain).toBe(a.text);
      const v = await validateTrace(Readable.from([a.text]));
      expect(v.errors).toEqual([]);
    },
  );
});
