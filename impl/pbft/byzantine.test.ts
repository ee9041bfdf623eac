import { describe, expect, test } from 'vitest';
import type { Effect } from '../Node.js';
import { Driver } from './__test-helpers__/driver.js';
import {
  BYZANTINE_KINDS,
  breakSafetyScenario,
  byzantineCluster,
  equivocationWithinBoundScenario,
  isAdversarial,
  parseByzantine,
  pbftByzantineNode,
  withByzantine,
  type ByzantineKind,
  type ByzantineState,
  type PbftScenario,
} from './byzantine.js';
import { digestOf, requestText, signMessage, signRequest, signText } from './crypto.js';
import type { PbftMessage, PrePrepareMsg, RequestMsg } from './messages.js';
import { pbftNode, type PbftState } from './PbftNode.js';
import { pbftSignRequest } from './runtime.js';

const N4 = ['n1', 'n2', 'n3', 'n4'];

describe('the --byzantine notation', () => {
  test('replica names or rK (counting from 1)', () => {
    expect(parseByzantine('r1:equivocate,r3:forge', N4)).toEqual({
      n1: { kind: 'equivocate' },
      n3: { kind: 'forge' },
    });
    expect(parseByzantine(' n2:silent ', N4)).toEqual({ n2: { kind: 'silent' } });
  });
  test.each([
    ['r5:forge', /unknown replica "r5" \(replicas: n1, n2, n3, n4 or r1..r4\)/],
    ['r0:forge', /unknown replica "r0"/],
    [
      'r1:lie',
      /unknown behaviour "lie" for r1 \(known: equivocate, forge, replay, wrong-digest, silent, delay, selective, collude\)/,
    ],
    ['r1', /"r1" is not replica:behaviour/],
    ['r1:forge,n1:silent', /replica n1 is named twice/],
    ['', /expected replica:behaviour pairs/],
  ])('%s is an error', (text, message) => {
    expect(() => parseByzantine(text, N4)).toThrow(message);
  });
  test('a bad assignment fails at init', () => {
    expect(() =>
      byzantineCluster(pbftNode, { n9: { kind: 'silent' } }).init(
        { id: 'n1', nodes: N4, params: {} },
        undefined,
      ),
    ).toThrow(/unknown replica n9/);
  });
});

describe('adversarial effects', () => {
  test('forged sends are marked; the honest ones are not; a Byzantine replica decides nothing', () => {
    const d = new Driver({
      behavior: byzantineCluster(pbftNode, { n2: { kind: 'forge' } }),
      seed: 1,
      f: 1,
      byzantine: ['n2'],
    });
    d.request(1, { f: 'write', key: 'x', value: 1 }, 'n1');
    d.runUntil(2000);
    expect(d.log('n2').size).toBe(0);
    expect(d.log('n3').size).toBe(1);
    const b = withByzantine(pbftNode, { kind: 'forge' });
    let st = b.init({ id: 'n2', nodes: N4, params: {} }, undefined).state;
    const req = pbftSignRequest({ op: 1, client: 'c', request: { f: 'read' as const, key: 'x' } }, {});
    st = b.onRequest(st, req).state;
    const n1 = pbftNode.init({ id: 'n1', nodes: N4, params: {} }, undefined).state;
    const pp = pbftNode
      .onRequest(n1, req)
      .effects.find((e) => e.kind === 'broadcast' && e.msg.type === 'pre-prepare') as Effect<unknown> & {
      msg: unknown;
    };
    const effects = b.onMessage(st, 'n1', pp.msg as never).effects;
    const marked = effects.filter(isAdversarial);
    expect(marked.length).toBeGreaterThan(0);
    for (const e of marked) expect(e).toMatchObject({ kind: 'send', adversarial: true });
    expect(effects.filter((e) => !isAdversarial(e)).map((e) => e.kind)).toEqual(['persist', 'broadcast']);
  });

  test('pbftByzantineNode reads the byzantine parameter', () => {
    const d = new Driver({
      behavior: pbftByzantineNode,
      params: { byzantine: 'r1:silent' },
      seed: 1,
      f: 1,
      byzantine: ['n1'],
    });
    d.request(1, { f: 'write', key: 'x', value: 1 }, 'n2');
    d.runUntil(5000);
    expect(d.answers.size).toBe(1);
    expect(d.state<ByzantineState>('n2')!.inner.view).toBe(1);
  });
});

/** True when a decided value (canonical JSON) is the null request or a request a client of `d` issued. */
function issued(d: Driver, v: string): boolean {
  const value = JSON.parse(v) as { op?: number; client?: unknown } | null;
  return value === null || (value.op !== undefined && d.clientOf.get(value.op) === value.client);
}

/** Requests, with 10% loss for the first 2 s in odd seeds, then a stable network. */
function run(kind: ByzantineKind, seed: number, at: string): Driver {
  const d = new Driver({
    behavior: byzantineCluster(pbftNode, { [at]: { kind } }),
    seed,
    f: 1,
    byzantine: [at],
    loss: seed % 2 === 1 ? 0.1 : 0,
    params: { checkpointInterval: 4, logWindow: 8 },
  });
  for (let op = 1; op <= 10; op++) d.request(op, { f: 'write', key: `k${op % 3}`, value: op }, N4[op % 4]!);
  d.runUntil(2000);
  d.loss = 0;
  d.runWhile(() => d.answers.size === 10, 60_000);
  return d;
}

describe('one Byzantine replica of 4 (f = 1), 100 seeds each: safety, completion, no reaction to adversarial input', () => {
  const kinds = BYZANTINE_KINDS.filter((k) => k !== 'collude');
  test.each(kinds)('%s', (kind) => {
    let adversarial = 0;
    for (let seed = 1; seed <= 100; seed++) {
      // The primary of view 0 in even seeds, another replica in odd ones.
      const at = seed % 2 === 0 ? 'n1' : N4[seed % 4]!;
      const d = run(kind, seed, at);
      expect(d.violations, `seed ${seed}`).toEqual([]);
      expect(d.answers.size, `seed ${seed}`).toBe(10);
      adversarial += d.adversarialReceived;
      if (kind === 'equivocate') {
        // An honest backup cannot tell an equivocated pre-prepare: a victim accepts and prepares it,
        // but the conflicting request never prepares, so no honest replica executes it.
        for (const r of d.reactions)
          expect(r.effects.every((e) => ['persist', 'broadcast prepare', 'setTimer'].includes(e))).toBe(true);
        // It equivocates with real requests only: every honest decision is one a client issued.
        for (const id of N4)
          if (id !== at) for (const v of d.log(id).values()) expect(issued(d, v)).toBe(true);
      } else {
        expect(d.reactions, `seed ${seed}`).toEqual([]);
      }
    }
    if (['equivocate', 'forge', 'replay', 'wrong-digest'].includes(kind))
      expect(adversarial).toBeGreaterThan(0);
  });

  test('collude alone (an honest primary): its support is genuine, safety and completion hold', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const d = run('collude', seed, N4[1 + (seed % 3)]!);
      expect(d.violations).toEqual([]);
      expect(d.answers.size).toBe(10);
    }
  });
});

function scenario(sc: PbftScenario, seed: number): Driver {
  const d = new Driver({
    nodes: sc.nodes,
    params: sc.params,
    behavior: byzantineCluster(pbftNode, sc.byzantine),
    seed,
    f: 1,
    byzantine: Object.keys(sc.byzantine),
  });
  // Two requests: the primary cannot make one up, so it equivocates with the other real one.
  d.request(1, { f: 'write', key: 'x', value: 1 }, 'n1');
  d.request(2, { f: 'write', key: 'x', value: 2 }, 'n1');
  d.runUntil(5000);
  return d;
}

describe('the bound is tight', () => {
  test('f+1 = 2 colluding replicas: honest n3 and n4 execute different real requests at seq 2 (every seed)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const d = scenario(breakSafetyScenario, seed);
      expect(d.log('n3').get(1)).toContain('"client":"c2"');
      expect(d.log('n4').get(1)).toContain('"client":"c1"');
      for (const id of ['n3', 'n4']) for (const v of d.log(id).values()) expect(issued(d, v)).toBe(true);
      expect(d.violations.length).toBeGreaterThan(0);
    }
  });

  test('the same equivocation with f = 1 faulty replica: safety holds (every seed)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const d = scenario(equivocationWithinBoundScenario, seed);
      expect(d.violations).toEqual([]);
      expect(d.answers.size).toBe(2);
      for (const id of ['n2', 'n3']) {
        expect(d.log(id).get(0)).toContain('"client":"c1"');
        expect(d.log(id).get(1)).toContain('"client":"c2"');
      }
    }
  });

  test('f overridden to 0 on 4 replicas: one equivocating primary is already f+1', () => {
    const d = scenario(
      {
        ...equivocationWithinBoundScenario,
        params: { f: 0 },
        byzantine: { n1: { kind: 'equivocate', victims: ['n4'] } },
      },
      1,
    );
    expect(d.violations.length).toBeGreaterThan(0);
  });
});

describe('client signatures: a faulty replica cannot make a request up', () => {
  /** A request no client issued: client c1's op number 10^9 (it would starve c1), unsigned or badly signed. */
  const invented = (csig?: string): Record<string, unknown> => ({
    f: 'write',
    key: 'x',
    value: 666,
    op: 1_000_000_000,
    client: 'c1',
    ...(csig === undefined ? {} : { csig }),
  });
  /** Unsigned; signed with the replica's own key; c1's real signature of another request; garbage. */
  const fakes = (id: string): Record<string, unknown>[] => [
    invented(),
    invented(signText(0, id, requestText(invented()))),
    invented(signRequest(0, { f: 'write' as const, key: 'x', value: 1, op: 1, client: 'c1' }).csig),
    invented('A'.repeat(86)),
  ];

  /**
   * `at` runs the honest node and, on every step, also relays the invented requests to every
   * replica and (when primary) pre-prepares them at the next seqs: all marked adversarial.
   */
  function inventing(at: string) {
    const honest = byzantineCluster(pbftNode, {});
    const extra = (s: PbftState): Effect<PbftMessage, unknown>[] => {
      const out: Effect<PbftMessage, unknown>[] = [];
      for (const [i, request] of fakes(s.id).entries()) {
        const relay = signMessage<RequestMsg>(s.params.keySeed, {
          type: 'request',
          request: request as RequestMsg['request'],
          replica: s.id,
        });
        out.push({ kind: 'broadcast', msg: relay, adversarial: true } as Effect<PbftMessage, unknown>);
        if (s.nodes[s.view % s.nodes.length] === s.id) {
          const value = request as PrePrepareMsg['value'];
          const pp = signMessage<PrePrepareMsg>(s.params.keySeed, {
            type: 'pre-prepare',
            view: s.view,
            seq: s.nextSeq + 1 + i,
            digest: digestOf(value),
            value,
            replica: s.id,
          });
          out.push({ kind: 'broadcast', msg: pp, adversarial: true } as Effect<PbftMessage, unknown>);
        }
      }
      return out;
    };
    const wrap = (
      st: ByzantineState,
      step: { state: ByzantineState; effects: readonly Effect<PbftMessage, unknown>[] },
    ) =>
      st.inner.id !== at
        ? step
        : {
            state: step.state,
            effects: [...step.effects.filter((e) => e.kind !== 'decide'), ...extra(step.state.inner)],
          };
    return {
      ...honest,
      init: (config: Parameters<typeof honest.init>[0], durable: Parameters<typeof honest.init>[1]) => {
        const step = honest.init(config, durable);
        return wrap(step.state, step);
      },
      onMessage: (st: ByzantineState, from: string, msg: PbftMessage) =>
        wrap(st, honest.onMessage(st, from, msg)),
      onRequest: (st: ByzantineState, req: Parameters<typeof honest.onRequest>[1]) =>
        wrap(st, honest.onRequest(st, req)),
    } as typeof honest;
  }

  test.each(['n1', 'n3'])(
    'invented requests from %s are ignored by every honest replica and never executed',
    (at) => {
      for (let seed = 1; seed <= 20; seed++) {
        const d = new Driver({ behavior: inventing(at), seed, f: 1, byzantine: [at] });
        for (let op = 1; op <= 4; op++) d.request(op, { f: 'write', key: 'x', value: op }, N4[op % 4]!);
        d.runWhile(() => d.answers.size === 4, 30_000);
        expect(d.answers.size, `seed ${seed}`).toBe(4);
        expect(d.adversarialReceived, `seed ${seed}`).toBeGreaterThan(0);
        expect(d.reactions, `seed ${seed}`).toEqual([]);
        expect(d.violations, `seed ${seed}`).toEqual([]);
        for (const id of N4) {
          if (id === at) continue;
          for (const v of d.log(id).values()) {
            expect(v).not.toContain('666');
            expect(issued(d, v)).toBe(true);
          }
          const pending = Object.values(d.state<ByzantineState>(id)!.inner.pending);
          expect(pending.some((p) => p.cmd.op === 1_000_000_000)).toBe(false);
        }
      }
    },
  );
});
