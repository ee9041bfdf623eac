// Hand-built traces with exactly known metric values, one block per metric, and laws of the
// metrics (durations do not move when every time shifts, no lag when nodes decide together).
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { QuorumSystem, TraceEvent, TraceHeader } from '../../traces/index.js';
import type { MetricResult } from '../types.js';
import { METRIC_NAMES, createMetrics } from './index.js';
import type { MetricsOptions } from './index.js';

function header(over: Partial<TraceHeader> = {}): TraceHeader {
  return {
    kind: 'header',
    format: 'synod-trace',
    version: 1,
    protocol: 'multipaxos',
    nodes: ['n1', 'n2', 'n3'],
    quorum: { kind: 'majority' },
    clock: 'virtual',
    ...over,
  };
}

/** Feeds the events (lines 2, 3, ...) and returns the metrics by name. */
function run(
  events: TraceEvent[],
  options: MetricsOptions = {},
  h: TraceHeader = header(),
  lastTime?: number,
): Record<string, MetricResult> {
  const m = createMetrics({ header: h }, options);
  let last = -Infinity;
  events.forEach((ev, i) => {
    m.event(ev, i + 2);
    if (ev.t !== undefined && ev.t > last) last = ev.t;
  });
  const out: Record<string, MetricResult> = {};
  for (const r of m.finish({ lastTime: lastTime ?? (last === -Infinity ? 0 : last), events: events.length }))
    out[r.name] = r;
  return out;
}

const b = { round: 1, node: 'n1' };
const accept = (t: number, node: string, to: string, slot: number, value: unknown): TraceEvent => ({
  kind: 'send',
  t,
  node,
  to,
  msg: { type: 'accept', ballot: b, slot, value },
});
const decide = (t: number, node: string, slot: number, value: unknown = slot): TraceEvent => ({
  kind: 'decide',
  t,
  node,
  slot,
  value,
});
const invoke = (t: number, op: number, value?: unknown, node?: string): TraceEvent => ({
  kind: 'invoke',
  t,
  process: op,
  op,
  f: 'write',
  ...(value === undefined ? {} : { value }),
  ...(node === undefined ? {} : { node }),
});

describe('createMetrics', () => {
  test('reports every metric, in catalog order, with description and unit', () => {
    const r = createMetrics({ header: header() }).finish({ lastTime: 0, events: 0 });
    expect(r.map((m) => m.name)).toEqual(METRIC_NAMES);
    for (const m of r) {
      expect(m.description.length).toBeGreaterThan(10);
      expect(m.stats).toBeUndefined();
    }
  });

  test('rejects bad options with a sentence naming the option', () => {
    expect(() => createMetrics({ header: header() }, { stabilizationMs: -1 })).toThrow(
      'stabilizationMs must be a finite number of ms >= 0, got -1',
    );
    expect(() => createMetrics({ header: header() }, { seriesPoints: 1 })).toThrow(
      'seriesPoints must be an integer of at least 2, got 1',
    );
  });
});

describe('decision.quorum and decision.all', () => {
  test('from the invoke of each op carried by the value to a quorum of deciders and to every live node', () => {
    const r = run([
      invoke(0, 1),
      accept(5, 'n1', 'n2', 0, [{ op: 1 }]),
      accept(5, 'n1', 'n3', 0, [{ op: 1 }]),
      decide(10, 'n1', 0, [{ op: 1 }]),
      decide(20, 'n2', 0, [{ op: 1 }]), // 2 of 3: quorum at 20
      decide(35, 'n3', 0, [{ op: 1 }]), // all at 35
      invoke(40, 2),
      invoke(41, 3),
      decide(50, 'n1', 1, [{ op: 2 }, { op: 3 }]),
      decide(55, 'n2', 1, [{ op: 2 }, { op: 3 }]), // quorum: 15 and 14
      { kind: 'crash', t: 60, node: 'n3' }, // every live node has decided slot 1: 20 and 19
    ]);
    expect(r['decision.quorum']?.stats).toEqual({
      count: 3,
      p50: 15,
      p95: 20,
      p99: 20,
      max: 20,
      mean: 49 / 3,
    });
    expect(r['decision.quorum']?.detail).toEqual({ start: 'invoke', linkedOps: 3 });
    expect(r['decision.all']?.stats).toEqual({ count: 3, p50: 20, p95: 35, p99: 35, max: 35, mean: 74 / 3 });
  });

  test('without clients, from the first phase-2 accept of the slot', () => {
    const r = run([
      accept(100, 'n1', 'n2', 0, 'a'),
      accept(101, 'n1', 'n3', 0, 'a'),
      accept(150, 'n2', 'n1', 0, 'a'), // a later proposal does not move the start
      decide(110, 'n1', 0, 'a'),
      decide(120, 'n2', 0, 'a'),
      decide(130, 'n3', 0, 'a'),
    ]);
    expect(r['decision.quorum']?.stats).toMatchObject({ count: 1, max: 20 });
    expect(r['decision.quorum']?.detail).toEqual({ start: 'accept' });
    expect(r['decision.all']?.stats).toMatchObject({ count: 1, max: 30 });
  });

  test('values without op ids link the invoke of a canonically equal value', () => {
    const r = run(
      [
        invoke(0, 1, { b: 1, a: 2 }),
        invoke(3, 2, { a: 9 }),
        decide(16, 'n1', 0, { a: 2, b: 1 }),
        decide(20, 'n2', 0, { a: 2, b: 1 }),
      ],
      {},
      header({ protocol: 'paxos' }),
    );
    expect(r['decision.quorum']?.stats).toMatchObject({ count: 1, max: 20 });
    expect(r['decision.quorum']?.detail).toEqual({ start: 'invoke', linkedOps: 1 });
    expect(r['decision.all']?.reason).toBe('no slot holding a client op was decided by every live node');
  });

  test('a restarted node that decides an old slot again does not add samples', () => {
    const r = run([
      invoke(0, 1),
      decide(10, 'n1', 0, [{ op: 1 }]),
      decide(10, 'n2', 0, [{ op: 1 }]),
      decide(10, 'n3', 0, [{ op: 1 }]),
      { kind: 'crash', t: 20, node: 'n3' },
      { kind: 'restart', t: 30, node: 'n3' },
      decide(40, 'n3', 0, [{ op: 1 }]),
    ]);
    expect(r['decision.all']?.stats?.count).toBe(1);
    expect(r['decision.quorum']?.stats?.count).toBe(1);
  });

  test('open slots are bounded: the oldest is given up and counted', () => {
    const events: TraceEvent[] = [];
    for (let s = 0; s < 5; s++) events.push(decide(s, 'n1', s), decide(s, 'n2', s)); // n3 never decides
    const all = run(events, { maxOpenSlots: 2 })['decision.all'];
    expect(all?.stats).toBeUndefined();
    expect(all?.detail).toEqual({ start: 'accept', abandonedSlots: 3 });
  });

  test('an implementation-specific quorum system is a reason, not a number', () => {
    const r = run([decide(1, 'n1', 0), decide(2, 'n2', 0)], {}, header({ quorum: { kind: 'x-mine' } }));
    expect(r['decision.quorum']?.reason).toBe(
      'quorum system "x-mine" is implementation-specific: cannot tell when a quorum decided',
    );
  });

  test('a trace without times gives reasons for every duration', () => {
    const r = run(
      [invoke(0, 1), decide(1, 'n1', 0, [{ op: 1 }]), decide(2, 'n2', 0, [{ op: 1 }])],
      {},
      header({ clock: 'none' }),
    );
    for (const name of [
      'decision.quorum',
      'decision.all',
      'liveness.wait',
      'liveness.undecided',
      'recovery',
    ]) {
      expect(r[name]?.reason).toBe('the trace has no times (clock: none): durations cannot be measured');
      expect(r[name]?.stats).toBeUndefined();
    }
    expect(r['coherence.lag']?.stats?.count).toBe(2);
    expect(r['coherence.lag']?.value).toBeUndefined();
    expect(r['coherence.lag']?.series).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

describe('decision.quorum under reconfigurations', () => {
  const reconfig = (node: string, slot: number, quorum: QuorumSystem): TraceEvent => ({
    kind: 'reconfig',
    t: 0,
    node,
    slot,
    quorum,
  });
  test("a lagging node's late report of an older reconfiguration does not replace a newer one", () => {
    // Slot 1 on: q2 = 1; slot 2 on: majority again. n2 reports the slot-1 change after n1 reported
    // both: slot 2 was judged under q2 = 1 (quorum at the first decide, 10 instead of 20).
    const r = run([
      reconfig('n1', 1, { kind: 'threshold', q1: 3, q2: 1 }),
      reconfig('n1', 2, { kind: 'majority' }),
      reconfig('n2', 1, { kind: 'threshold', q1: 3, q2: 1 }),
      accept(0, 'n1', 'n2', 2, 'v'),
      decide(10, 'n1', 2, 'v'),
      decide(20, 'n2', 2, 'v'),
      decide(30, 'n3', 2, 'v'),
    ]);
    expect(r['decision.quorum']?.stats?.max).toBe(20);
  });
});

describe('liveness', () => {
  const trace: TraceEvent[] = [
    invoke(0, 1),
    decide(50, 'n1', 0, [{ op: 1 }]), // resolved before stabilization: not a sample
    { kind: 'fault', t: 100, fault: 'partition', id: 'p1', groups: [['n1', 'n2'], ['n3']] },
    { kind: 'heal', t: 300, id: 'p1' }, // stabilization at 1300
    invoke(1000, 2),
    decide(1400, 'n1', 1, [{ op: 2 }]), // pending at stabilization: 1400 - 1300 = 100
    invoke(2000, 3),
    { kind: 'ok', t: 2030, process: 3, op: 3, f: 'write' }, // answered ok: 30
    invoke(2100, 4), // never decided
    invoke(2150, 5),
    { kind: 'fail', t: 2160, process: 5, op: 5, f: 'write' },
    invoke(5000, 6), // within the last second: not judged
    { kind: 'info', t: 5500, process: 6, op: 6, f: 'write' },
  ];

  test('waits after stabilization and ops never decided', () => {
    const r = run(trace);
    expect(r['liveness.wait']?.stats).toEqual({ count: 2, p50: 30, p95: 100, p99: 100, max: 100, mean: 65 });
    expect(r['liveness.wait']?.detail).toEqual({
      stabilizedAt: 1300,
      delayMs: 1000,
      longestWaitMs: 3400,
      failedAfterStabilization: 1,
    });
    expect(r['liveness.undecided']?.value).toBe(1);
    expect(r['liveness.undecided']?.items).toEqual([
      { line: 10, text: 'op 4 (write, process 4) invoked at 2100 ms was never decided' },
    ]);
    expect(r['liveness.undecided']?.detail).toMatchObject({
      tooLateToJudge: 1,
      lostInCrash: 0,
      longestPendingMs: 3400,
    });
  });

  test('the stabilization delay is an option', () => {
    const r = run(trace, { stabilizationMs: 0 });
    expect(r['liveness.wait']?.stats).toMatchObject({ count: 2, p50: 30, max: 400 }); // 1400 - 1000
    expect(r['liveness.wait']?.detail).toMatchObject({ stabilizedAt: 300 });
    expect(r['liveness.undecided']?.value).toBe(2); // ops 4 and 6
  });

  test('an op whose node crashed while it was pending is lost, not undecided', () => {
    const r = run([invoke(0, 1, undefined, 'n3'), { kind: 'crash', t: 10, node: 'n3' }], {}, header(), 5000);
    expect(r['liveness.undecided']?.value).toBe(0);
    expect(r['liveness.undecided']?.detail).toMatchObject({ lostInCrash: 1, stabilizedAt: 1010 });
  });

  test('an op sent to a node that is down is lost, not undecided', () => {
    const events: TraceEvent[] = [
      { kind: 'crash', t: 0, node: 'n3' },
      invoke(10, 1, undefined, 'n3'),
      { kind: 'restart', t: 20, node: 'n3' },
    ];
    const r = run(events, {}, header(), 5000);
    expect(r['liveness.undecided']?.value).toBe(0);
    expect(r['liveness.undecided']?.detail).toMatchObject({ lostInCrash: 1, stabilizedAt: 1020 });
  });

  test('a fault never healed, no quorum live, or a trace too short: reasons', () => {
    const unhealed = run(
      [{ kind: 'fault', t: 5, fault: 'partition', groups: [['n1'], ['n2', 'n3']] }],
      {},
      header(),
      9000,
    );
    expect(unhealed['liveness.wait']?.reason).toBe(
      '1 fault is never healed (first: partition at line 2): the run never stabilizes',
    );
    const down = run(
      [
        { kind: 'crash', t: 5, node: 'n1' },
        { kind: 'crash', t: 6, node: 'n2' },
      ],
      {},
      header(),
      9000,
    );
    expect(down['liveness.undecided']?.reason).toBe(
      'only 1 node is live at the end: no quorum, no progress expected',
    );
    const short = run([invoke(0, 1)], {}, header(), 500);
    expect(short['liveness.wait']?.reason).toBe('the trace ends at 500 ms, before stabilization at 1000 ms');
  });
});

describe('convergence and coherence.lag', () => {
  const trace: TraceEvent[] = [
    decide(10, 'n1', 0), // lag 1
    decide(10, 'n2', 0), // lag 1
    decide(10, 'n3', 0), // lag 0
    { kind: 'fault', t: 20, fault: 'partition', id: 1, groups: [['n1', 'n2'], ['n3']] },
    decide(30, 'n1', 1), // 1
    decide(30, 'n2', 1), // 1
    decide(40, 'n1', 2), // 2
    decide(40, 'n2', 2), // 2
    { kind: 'heal', t: 50, fault: 'partition' },
    decide(70, 'n3', 1), // 1
    decide(90, 'n3', 2), // 0: converged 40 ms after the heal
  ];

  test('convergence: from the heal until every live node holds the same prefix', () => {
    const r = run(trace, {}, header(), 100);
    expect(r['convergence']?.stats).toMatchObject({ count: 1, max: 40 });
    expect(r['convergence']?.detail).toEqual({ heals: 1, neverConverged: 0 });
  });

  test('a heal that finds the nodes equal converges in 0; one never followed by equality is counted', () => {
    const r = run(
      [
        { kind: 'fault', t: 1, fault: 'partition', id: 'a', groups: [['n1', 'n2'], ['n3']] },
        { kind: 'heal', t: 2 }, // heals every fault
        { kind: 'fault', t: 3, fault: 'partition', id: 'b', groups: [['n1', 'n2'], ['n3']] },
        decide(4, 'n1', 0),
        { kind: 'heal', t: 5, id: 'b' },
        { kind: 'fault', t: 6, fault: 'loss', rate: 0.5 },
        { kind: 'heal', t: 7, fault: 'loss' }, // not a partition
      ],
      {},
      header(),
      10,
    );
    expect(r['convergence']?.stats).toMatchObject({ count: 1, max: 0 });
    expect(r['convergence']?.detail).toEqual({ heals: 2, neverConverged: 1 });
  });

  test('coherence.lag: stats of the max lag at each decide, value its time-weighted mean', () => {
    const r = run(trace, {}, header(), 100);
    // Samples 1,1,0,1,1,2,2,1,0. Area: 1*10 + 2*30 + 1*20 = 90 over 90 ms.
    expect(r['coherence.lag']?.stats).toEqual({ count: 9, p50: 1, p95: 2, p99: 2, max: 2, mean: 1 });
    expect(r['coherence.lag']?.value).toBe(1);
    expect(r['coherence.lag']?.series).toHaveLength(9);
  });

  test('the series keeps at most seriesPoints points and the largest lag', () => {
    const events: TraceEvent[] = [];
    for (let s = 0; s < 5000; s++) {
      events.push(decide(s, 'n1', s), decide(s, 'n2', s));
      if (s !== 1234) events.push(decide(s, 'n3', s));
    }
    const series = run(events, { seriesPoints: 50 })['coherence.lag']?.series ?? [];
    expect(series.length).toBeLessThanOrEqual(50);
    expect(series.length).toBeGreaterThan(20);
    expect(Math.max(...series.map((p) => p[1]))).toBe(3766);
  });
});

describe('recovery and failover', () => {
  test('recovery: from the restart until the node reaches the longest prefix at the restart', () => {
    const r = run([
      decide(0, 'n1', 0),
      decide(0, 'n2', 0),
      decide(0, 'n3', 0),
      { kind: 'crash', t: 10, node: 'n3' },
      decide(20, 'n1', 1),
      decide(20, 'n2', 1),
      decide(30, 'n1', 2),
      { kind: 'restart', t: 40, node: 'n3' }, // target: prefix 3
      decide(45, 'n2', 2),
      decide(50, 'n1', 3), // beyond the target: not waited for
      decide(60, 'n3', 2), // out of order
      decide(75, 'n3', 1), // prefix 3: recovered in 35
      { kind: 'crash', t: 80, node: 'n2' },
      { kind: 'restart', t: 90, node: 'n2' }, // n2 has prefix 3, max is 4: waits
      { kind: 'crash', t: 95, node: 'n2' }, // interrupted
      { kind: 'crash', t: 96, node: 'n1' },
      { kind: 'restart', t: 97, node: 'n1' }, // already at the max: 0
    ]);
    expect(r['recovery']?.stats).toMatchObject({ count: 2, max: 35, p50: 0 });
    expect(r['recovery']?.detail).toEqual({ neverRecovered: 0, interrupted: 1 });
  });

  test('failover: from the leader crash until a slot is first decided', () => {
    const r = run([
      accept(0, 'n1', 'n2', 0, 'a'),
      decide(5, 'n1', 0, 'a'),
      { kind: 'crash', t: 10, node: 'n2' }, // not the leader
      { kind: 'restart', t: 11, node: 'n2' },
      { kind: 'crash', t: 100, node: 'n1' },
      decide(120, 'n2', 0, 'a'), // an old slot: not a new decision
      accept(200, 'n2', 'n3', 1, 'b'),
      decide(250, 'n2', 1, 'b'),
      { kind: 'crash', t: 300, node: 'n2' }, // the new leader; nothing decided after
    ]);
    expect(r['failover']?.stats).toMatchObject({ count: 1, max: 150 });
    expect(r['failover']?.detail).toEqual({ leaderCrashes: 2, noDecisionAfter: 1 });
  });

  test('reasons when nothing restarted, crashed or healed', () => {
    const r = run([decide(1, 'n1', 0)]);
    expect(r['recovery']?.reason).toBe('no node restarted in this trace');
    expect(r['failover']?.reason).toBe('the leader never crashed in this trace');
    expect(r['convergence']?.reason).toBe('no partition healed in this trace');
  });
});

describe('fidelity', () => {
  const adv = (t: number, node: string, msg: Record<string, unknown>): TraceEvent => ({
    kind: 'recv',
    t,
    node,
    from: 'n3',
    msg: { type: 'accept', ballot: { round: 9, node: 'n3' }, ...msg },
    adversarial: true,
  });

  test('share of adversarial receives rejected and without effect on decisions', () => {
    const r = run([
      accept(1, 'n1', 'n2', 1, 'x1'), // honest proposal of x1 for slot 1
      adv(5, 'n2', { slot: 1, value: 'x1' }), // a replay
      { kind: 'timer', t: 6, node: 'n2', name: 'election', action: 'fire' }, // next input: rejected
      decide(7, 'n1', 1, 'x1'), // honestly proposed too: no effect
      adv(10, 'n3', { slot: 2, value: 'y' }),
      { kind: 'persist', t: 10, node: 'n3', vars: { accepted: 'y' } }, // acted on it
      adv(20, 'n2', { slot: 4, value: 'evil' }),
      { kind: 'recv', t: 25, node: 'n2', from: 'n1', msg: { type: 'heartbeat', ballot: b } }, // rejected
      decide(30, 'n1', 4, 'evil'), // only the adversary carried it: an effect
      adv(40, 'n1', { slot: 5, value: 'z' }),
      { kind: 'send', t: 40, node: 'n1', to: 'n3', msg: { type: 'nack', ballot: b } }, // a refusal
      { kind: 'send', t: 41, node: 'n3', to: 'n1', msg: { type: 'accept', ballot: b }, adversarial: true },
    ]);
    expect(r['fidelity']?.value).toBe(0.5);
    expect(r['fidelity']?.detail).toEqual({
      judged: 4,
      faithful: 2,
      accepted: 1,
      decisionEffects: 1,
      notJudged: 1,
    });
    expect(r['fidelity']?.items).toEqual([
      { line: 6, text: 'adversarial accept from n3 to n3: n3 acted on it (persist at line 7)' },
      {
        line: 8,
        text: 'adversarial accept from n3 to n2: slot 4 decided a value only adversarial messages carried (line 10)',
      },
    ]);
  });

  test('a reaction at a later time does not count', () => {
    const r = run([adv(5, 'n2', {}), { kind: 'state', t: 9, node: 'n2', vars: { x: 1 } }]);
    expect(r['fidelity']?.value).toBe(1);
  });

  test('no adversarial events: a reason', () => {
    expect(run([decide(1, 'n1', 0)])['fidelity']?.reason).toBe('no adversarial events');
  });
});

describe('laws', () => {
  /** A random run: slots decided by random subsets of nodes at increasing integer times, with invokes. */
  const arbTrace = fc
    .array(
      fc.record({
        gap: fc.integer({ min: 0, max: 50 }),
        deciders: fc.shuffledSubarray(['n1', 'n2', 'n3'], { minLength: 1 }),
        gaps: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 }),
        crash: fc.option(fc.constantFrom('n1', 'n2', 'n3'), { freq: 5 }),
      }),
      { minLength: 1, maxLength: 40 },
    )
    .map((slots) => {
      const events: TraceEvent[] = [];
      let t = 0;
      const down = new Set<string>();
      slots.forEach((s, slot) => {
        t += s.gap;
        events.push(invoke(t, slot + 1), accept(t, 'n1', 'n2', slot, [{ op: slot + 1 }]));
        s.deciders.forEach((n, k) => {
          t += s.gaps[k] ?? 0;
          if (!down.has(n)) events.push(decide(t, n, slot, [{ op: slot + 1 }]));
        });
        if (s.crash !== null) {
          const kind = down.has(s.crash) ? 'restart' : 'crash';
          if (kind === 'crash') down.add(s.crash);
          else down.delete(s.crash);
          events.push({ kind, t, node: s.crash });
          if (s.crash === 'n2') events.push({ kind: 'heal', t, fault: 'partition' });
        }
      });
      return events;
    });

  const shift = (events: TraceEvent[], c: number): TraceEvent[] =>
    events.map((e) => (e.t === undefined ? e : { ...e, t: e.t + c }));

  test.prop([arbTrace, fc.integer({ min: -1000, max: 1_000_000 })])(
    'shifting every time by a constant leaves every metric but the stabilization time unchanged',
    (events, c) => {
      const a = run(events, {}, header(), undefined);
      const b2 = run(shift(events, c), {}, header(), undefined);
      for (const name of METRIC_NAMES) {
        const x = a[name] as MetricResult;
        const y = b2[name] as MetricResult;
        expect(y.stats).toEqual(x.stats);
        expect(y.reason?.replace(/-?[\d.]+/g, 'N')).toEqual(x.reason?.replace(/-?[\d.]+/g, 'N'));
        if (x.value === undefined) expect(y.value).toBeUndefined();
        else expect(y.value).toBeCloseTo(x.value, 9);
      }
    },
  );

  test.prop([arbTrace])('quantiles are ordered, and the mean lies between min and max', (events) => {
    for (const m of Object.values(run(events))) {
      const s = m.stats;
      if (s === undefined) continue;
      expect(s.p50).toBeLessThanOrEqual(s.p95);
      expect(s.p95).toBeLessThanOrEqual(s.p99);
      expect(s.p99).toBeLessThanOrEqual(s.max);
      expect(s.mean).toBeLessThanOrEqual(s.max + 1e-9);
      expect(s.mean).toBeGreaterThanOrEqual(0);
    }
  });

  test.prop([
    fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }),
    fc.integer({ min: 1, max: 7 }),
  ])('no lag over time when every node decides each slot at the same instant', (gaps, nodes) => {
    const names = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
    const events: TraceEvent[] = [];
    let t = 0;
    gaps.forEach((g, slot) => {
      t += g;
      for (const n of names) events.push(decide(t, n, slot));
    });
    const lag = run(events, {}, header({ nodes: names }), t + 10)['coherence.lag'] as MetricResult;
    expect(lag.value).toBe(0);
    expect(lag.stats?.max).toBe(nodes === 1 ? 0 : 1);
  });
});

describe('decision latency by criticality class', () => {
  // routine: one vote decides; critical: a majority. n1 leads; ops carry their `op` in the value.
  const classes = header({
    protocol: 'adaptive',
    quorum: {
      kind: 'classes',
      classes: { routine: { kind: 'threshold', q1: 3, q2: 1 }, critical: { kind: 'majority' } },
    },
  });
  const classed = (t: number, op: number, cls: string): TraceEvent =>
    ({ ...invoke(t, op), class: cls }) as TraceEvent;
  const acceptCls = (t: number, slot: number, value: unknown, cls: string): TraceEvent => ({
    kind: 'send',
    t,
    node: 'n1',
    to: 'n2',
    msg: { type: 'accept', ballot: b, slot, value, class: cls },
  });

  test('each class gets its own decision.quorum and decision.all, with its own phase-2 quorum', () => {
    const r = run(
      [
        classed(0, 1, 'routine'),
        classed(0, 2, 'critical'),
        acceptCls(1, 0, [{ op: 1 }], 'routine'),
        acceptCls(1, 1, [{ op: 2 }], 'critical'),
        decide(5, 'n1', 0, [{ op: 1 }]), // routine: n1 alone is a phase-2 quorum at 5
        decide(5, 'n1', 1, [{ op: 2 }]), // critical: not yet
        decide(9, 'n2', 1, [{ op: 2 }]), // critical: n1 + n2 at 9
        decide(12, 'n2', 0, [{ op: 1 }]),
        decide(20, 'n3', 0, [{ op: 1 }]), // routine: all at 20
        decide(30, 'n3', 1, [{ op: 2 }]), // critical: all at 30
      ],
      {},
      classes,
    );
    expect(r['decision.quorum[routine]']?.stats).toMatchObject({ count: 1, max: 5 });
    expect(r['decision.quorum[critical]']?.stats).toMatchObject({ count: 1, max: 9 });
    expect(r['decision.all[routine]']?.stats).toMatchObject({ count: 1, max: 20 });
    expect(r['decision.all[critical]']?.stats).toMatchObject({ count: 1, max: 30 });
    expect(r['decision.quorum']?.stats).toMatchObject({ count: 2, max: 9 });
    expect(r['decision.quorum[critical]']?.description).toMatch(/\(ops of class critical\)$/);
    expect(r['decision.quorum[critical]']?.detail).toMatchObject({ class: 'critical' });
  });

  test('no class on the ops: no per-class results', () => {
    const r = run([invoke(0, 1), accept(1, 'n1', 'n2', 0, [{ op: 1 }]), decide(5, 'n1', 0, [{ op: 1 }])]);
    expect(Object.keys(r).filter((k) => k.includes('['))).toEqual([]);
  });
});
