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
import { pbftNode } from './PbftNode.js';

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
    st = b.onRequest(st, { op: 1, client: 'c', request: { f: 'read', key: 'x' } }).state;
    const n1 = pbftNode.init({ id: 'n1', nodes: N4, params: {} }, undefined).state;
    const pp = pbftNode
      .onRequest(n1, { op: 1, client: 'c', request: { f: 'read', key: 'x' } })
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
        for (const id of N4)
          if (id !== at) for (const v of d.log(id).values()) expect(v).not.toContain('byzantine:');
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
  d.request(1, { f: 'write', key: 'x', value: 1 }, 'n1');
  d.runUntil(5000);
  return d;
}

describe('the bound is tight', () => {
  test('f+1 = 2 colluding replicas: honest n3 and n4 execute different requests at seq 1 (every seed)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const d = scenario(breakSafetyScenario, seed);
      expect(d.log('n3').get(0)).toContain('"client":"c1"');
      expect(d.log('n4').get(0)).toContain('"client":"byzantine:n1"');
      expect(d.violations.length).toBeGreaterThan(0);
    }
  });

  test('the same equivocation with f = 1 faulty replica: safety holds (every seed)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const d = scenario(equivocationWithinBoundScenario, seed);
      expect(d.violations).toEqual([]);
      expect(d.answers.size).toBe(1);
      for (const id of ['n2', 'n3']) expect(d.log(id).get(0)).toContain('"client":"c1"');
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
