// Tests of the Paxos safety checker. Properties over simulator traces (run in-process, seeds from
// fast-check): an unmutated run conforms; a changed decision and a broken promise rule are always
// caught, by the invariants stated in each test. Then tiny hand-written traces, one per rule, with
// the exact message and window lines pinned.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { protocols } from '../../impl/index.js';
import { simulate } from '../../impl/sim/index.js';
import type { TraceEvent, TraceHeader } from '../../traces/index.js';
import { quorumsOf } from '../quorum.js';
import type { InvariantResult } from '../types.js';
import { createPaxosSafety, PAXOS_INVARIANTS } from './paxos.js';

type Ballot = { round: number; node: string };
type Trace = { header: TraceHeader; events: TraceEvent[] };

/** Runs the checker over events numbered as in a file (the header is line 1). */
function check(t: Trace): InvariantResult[] {
  const safety = createPaxosSafety(t.header, { quorums: quorumsOf(t.header.quorum, t.header.nodes) });
  t.events.forEach((e, i) => safety.event(e, i + 2));
  return safety.finish({ lastTime: 0, events: t.events.length });
}

const violated = (r: InvariantResult[]): string[] =>
  r.filter((i) => i.status === 'violated').map((i) => i.name);
const result = (r: InvariantResult[], name: string): InvariantResult => r.find((i) => i.name === name)!;

// ---------------------------------------------------------------------------------------------
// Simulator traces.

type Protocol = 'paxos' | 'multipaxos';
const simCache = new Map<string, Trace>();

/** A small conforming run: 3 nodes, 2 s of virtual time, optional loss and duplication. */
function simTrace(protocol: Protocol, seed: number, lossy: boolean): Trace {
  const key = `${protocol}/${seed}/${lossy}`;
  const hit = simCache.get(key);
  if (hit !== undefined) return hit;
  const entry = protocols[protocol];
  const nodes = ['n1', 'n2', 'n3'];
  const params = { ...entry.defaults };
  let header: TraceHeader | undefined;
  const events: TraceEvent[] = [];
  simulate({
    behavior: entry.behavior as typeof protocols.paxos.behavior,
    nodes,
    params: params,
    seed,
    duration: 2000,
    network: lossy ? { loss: 0.05, duplicate: 0.05, reorder: 0.05 } : {},
    workload: { rate: 20 },
    quorum: entry.quorum(params, nodes),
    trace: { header: (h) => (header = h), event: (e) => events.push(e) },
  });
  const t = { header: header!, events };
  simCache.set(key, t);
  return t;
}

const copy = (t: Trace): Trace => ({ header: t.header, events: t.events.map((e) => structuredClone(e)) });
const msgOf = (e: TraceEvent): { type: string; ballot?: Ballot; slot?: number } | undefined =>
  e.kind === 'send' || e.kind === 'recv' ? e.msg : undefined;

const runArb = fc.record({
  protocol: fc.constantFrom<Protocol>('multipaxos', 'paxos'),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  lossy: fc.boolean(),
});
const NEVER_BROKEN_BY_A_DECISION = [
  'integrity',
  'log-prefix',
  'acceptor-accept',
  'acceptor-promise',
  'proposer-value',
] as const;

describe('createPaxosSafety on simulator traces', () => {
  test.prop([runArb], { numRuns: 40 })('an unmutated run conforms', ({ protocol, seed, lossy }) => {
    const r = check(simTrace(protocol, seed, lossy));
    expect(violated(r)).toEqual([]);
    expect(r.map((i) => i.name)).toEqual(Object.keys(PAXOS_INVARIANTS));
    // The rules a run always exercises are checked, not skipped.
    for (const name of ['agreement', 'validity', 'integrity', 'quorum', 'acceptor-promise'])
      expect(result(r, name).status, name).toBe('holds');
  });

  test.prop([runArb, fc.nat(), fc.boolean()], { numRuns: 40 })(
    'a decision changed at one node to a value not proposed for its slot is always caught',
    ({ protocol, seed, lossy }, pick, fromOtherSlot) => {
      const t = copy(simTrace(protocol, seed, lossy));
      const decides = t.events.flatMap((e, i) => (e.kind === 'decide' ? [i] : []));
      fc.pre(decides.length > 0);
      const i = decides[pick % decides.length]!;
      const d = t.events[i] as Extract<TraceEvent, { kind: 'decide' }>;
      const other = t.events.find((e) => e.kind === 'decide' && e.slot !== d.slot);
      // A fresh value, or (Multi-Paxos) the value decided for another slot: never proposed for this one.
      d.value = fromOtherSlot && other?.kind === 'decide' ? other.value : ['mutant'];
      const othersDecided = t.events.some(
        (e) => e.kind === 'decide' && e.slot === d.slot && e.node !== d.node,
      );
      const r = violated(check(t));
      // Exactly: agreement fires when another node decided the slot; when none did, the value has
      // neither a phase-2 accept nor votes (validity and quorum). Per-message rules still hold.
      if (othersDecided) expect(r).toContain('agreement');
      else expect(r).toEqual(expect.arrayContaining(['validity', 'quorum']));
      if (!othersDecided) expect(r).not.toContain('agreement');
      for (const name of NEVER_BROKEN_BY_A_DECISION) expect(r).not.toContain(name);
    },
  );

  test.prop([runArb, fc.nat(), fc.nat(), fc.nat(), fc.constantFrom('accepted', 'promise')], { numRuns: 60 })(
    'a vote or a promise below a ballot the acceptor promised is always caught, and only by its rule',
    ({ protocol, seed, lossy }, pickPromise, pickPlace, pickSlot, type) => {
      const t = copy(simTrace(protocol, seed, lossy));
      // Promises sent by an acceptor to another node, with a ballot that has something below it.
      const promises = t.events.flatMap((e, i) =>
        e.kind === 'send' && e.to !== e.node && msgOf(e)?.type === 'promise' ? [i] : [],
      );
      fc.pre(promises.length > 0);
      const pi = promises[pickPromise % promises.length]!;
      const p = t.events[pi] as Extract<TraceEvent, { kind: 'send' }>;
      const b = msgOf(p)!.ballot!;
      // Round 0 is below every ballot the simulator uses, and no proposer ever used it: the
      // stale message changes nothing but the rule it breaks.
      expect(b.round).toBeGreaterThan(0);
      const lower: Ballot = { round: 0, node: b.node };
      const at = pi + 1 + (pickPlace % (t.events.length - pi)); // anywhere after the promise
      const slots = [0, ...t.events.flatMap((e) => (e.kind === 'decide' ? [e.slot] : []))];
      const slot = slots[pickSlot % slots.length]!;
      const msg =
        type === 'accepted' && protocol === 'multipaxos'
          ? { type, ballot: lower, slot }
          : { type, ballot: lower };
      t.events.splice(at, 0, { kind: 'send', t: p.t, node: p.node, to: b.node, msg } as TraceEvent);
      const r = check(t);
      const rule = type === 'accepted' ? 'acceptor-accept' : 'acceptor-promise';
      expect(violated(r)).toEqual([rule]);
      // The window shows the stale message (line at + 2) after a promise of a higher ballot.
      const w = result(r, rule).violation!.window.map((x) => x.line);
      expect(w[w.length - 1]).toBe(at + 2);
      expect(w[0]).toBeLessThan(at + 2);
      expect(result(r, rule).violation!.nodes).toEqual([p.node]);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Hand-written traces: three nodes, single-decree unless said otherwise.

const header = (protocol: 'paxos' | 'multipaxos' = 'paxos'): TraceHeader => ({
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol,
  nodes: ['n1', 'n2', 'n3'],
  quorum: { kind: 'majority' },
});
const B = (round: number, node: string): Ballot => ({ round, node });
const send = (node: string, to: string, msg: object): TraceEvent =>
  ({ kind: 'send', node, to, msg }) as TraceEvent;
const decide = (node: string, value: unknown, ballot?: Ballot, slot = 0): TraceEvent => ({
  kind: 'decide',
  node,
  slot,
  value,
  ...(ballot === undefined ? {} : { ballot }),
});
const crash = (node: string): TraceEvent => ({ kind: 'crash', node });
const restart = (node: string): TraceEvent => ({ kind: 'restart', node });

/** Lines 2-6: n1 runs ballot (1, n1) with n2 (no recv events: sent promises count) and decides "a". */
const chooseA = (): TraceEvent[] => [
  send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1') }), // 2
  send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1') }), // 3
  send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), value: 'a' }), // 4
  send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), value: 'a' }), // 5
  decide('n1', 'a', B(1, 'n1')), // 6
];

/** n3 runs ballot (2, n3) with n2, which reports `vote` (or nothing), and proposes `value`. */
const ballotTwo = (value: string, vote?: { ballot: Ballot; value: string }): TraceEvent[] => [
  send('n3', 'n2', { type: 'prepare', ballot: B(2, 'n3') }),
  send('n2', 'n3', {
    type: 'promise',
    ballot: B(2, 'n3'),
    ...(vote === undefined ? {} : { accepted: vote }),
  }),
  send('n3', 'n2', { type: 'accept', ballot: B(2, 'n3'), value }),
  send('n2', 'n3', { type: 'accepted', ballot: B(2, 'n3'), value }),
];

/** Checks a trace and returns its only violation (asserting that nothing else is violated). */
function only(name: string, events: TraceEvent[], h = header()): { message: string; lines: number[] } {
  const r = check({ header: h, events });
  expect(violated(r)).toEqual([name]);
  const v = result(r, name).violation!;
  return { message: v.message, lines: v.window.map((w) => w.line) };
}

describe('createPaxosSafety on hand-written traces', () => {
  it('a correct run with a second ballot that re-proposes the chosen value conforms', () => {
    const r = check({
      header: header(),
      events: [
        ...chooseA(),
        ...ballotTwo('a', { ballot: B(1, 'n1'), value: 'a' }),
        decide('n3', 'a', B(2, 'n3')),
      ],
    });
    expect(violated(r)).toEqual([]);
    expect(result(r, 'client-exactly-once')).toMatchObject({
      status: 'skipped',
      reason: 'the trace has no client operations',
    });
  });

  it('agreement: two nodes decide different values', () => {
    // n2 hides its vote for "a" in its promise of (2, n3): every per-message rule holds as reported.
    expect(only('agreement', [...chooseA(), ...ballotTwo('b'), decide('n3', 'b', B(2, 'n3'))])).toEqual({
      message: 'n1 and n3 decided different values for slot 0.',
      lines: [6, 11],
    });
  });

  it('validity: a decided value no proposer sent (and nobody voted for)', () => {
    const r = check({ header: header(), events: [...chooseA().slice(0, 4), decide('n1', 'z', B(1, 'n1'))] });
    expect(violated(r)).toEqual(['validity', 'quorum']);
    expect(result(r, 'validity').violation).toMatchObject({
      message: 'n1 decided a value for slot 0 that no proposer sent in a phase-2 accept for that slot.',
      window: [{ line: 6 }],
    });
  });

  it('validity: a decided command for a client op nobody invoked', () => {
    const cmd = [{ f: 'write', key: 'k', value: 1, op: 7 }];
    const h = header('multipaxos');
    expect(
      only(
        'validity',
        [
          { kind: 'invoke', process: 0, op: 1, f: 'write', key: 'k', value: 0 },
          send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1') }),
          send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1') }),
          send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: 0, value: cmd }),
          send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), slot: 0 }),
          decide('n1', cmd, B(1, 'n1')),
        ],
        h,
      ),
    ).toEqual({
      message: 'n1 decided slot 0 with a command for client op 7, which no client invoked before.',
      lines: [7],
    });
  });

  it('validity is judged for every decision of one shared value object until it passes, and after an invoke that came late', () => {
    // The same array object decided by all three nodes (as a reader that shares values gives it):
    // op 7 was never invoked, so each decision is a violation; then op 7 is invoked and decided in
    // slot 1 with another shared object, after which later deciders of it pass.
    const cmd = [{ f: 'write', key: 'k', value: 1, op: 7 }];
    const late = [{ f: 'write', key: 'k', value: 2, op: 8 }];
    const h = header('multipaxos');
    const events: TraceEvent[] = [
      { kind: 'invoke', process: 0, op: 1, f: 'write', key: 'k', value: 0 },
      send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1') }),
      send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1') }),
      send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: 0, value: cmd }),
      send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), slot: 0 }),
      ...['n1', 'n2', 'n3'].map((n) => decide(n, cmd, B(1, 'n1'))),
      send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: 1, value: late }),
      send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), slot: 1 }),
      decide('n1', late, B(1, 'n1'), 1), // op 8 not invoked yet: a violation
      { kind: 'invoke', process: 1, op: 8, f: 'write', key: 'k', value: 2 },
      decide('n2', late, B(1, 'n1'), 1),
      decide('n3', late, B(1, 'n1'), 1),
    ];
    const r = result(check({ header: h, events }), 'validity');
    expect(r).toMatchObject({ status: 'violated', violations: 4, checks: 6 });
  });

  it('integrity: a node decides a slot twice without restarting', () => {
    expect(only('integrity', [...chooseA(), decide('n1', 'a', B(1, 'n1'))])).toEqual({
      message: 'n1 decided slot 0 twice without restarting in between.',
      lines: [6, 7],
    });
  });

  it('integrity: deciding again after a restart is allowed', () => {
    const r = check({
      header: header(),
      events: [...chooseA(), crash('n1'), restart('n1'), decide('n1', 'a')],
    });
    expect(violated(r)).toEqual([]);
  });

  it('log-prefix: after a restart a node decides a slot differently', () => {
    expect(
      only('log-prefix', [
        ...chooseA(),
        crash('n1'), // 7
        restart('n1'), // 8
        ...ballotTwo('b'), // 9-12
        send('n3', 'n1', { type: 'decide', value: 'b', ballot: B(2, 'n3') }), // 13
        decide('n1', 'b', B(2, 'n3')), // 14
      ]),
    ).toEqual({
      message:
        'n1 decided slot 0 again after restarting, with a different value: its log is no longer an extension of the log it had.',
      lines: [6, 8, 14],
    });
  });

  it('acceptor-accept: a vote below a promised ballot', () => {
    expect(
      only('acceptor-accept', [
        ...chooseA().slice(0, 3), // n1 proposes "a" at (1, n1)
        send('n3', 'n2', { type: 'prepare', ballot: B(2, 'n3') }), // 5
        send('n2', 'n3', { type: 'promise', ballot: B(2, 'n3') }), // 6
        send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), value: 'a' }), // 7
      ]),
    ).toEqual({
      message: 'n2 voted for ballot (1, n1) in slot 0 after promising the higher ballot (2, n3).',
      lines: [6, 7],
    });
  });

  it('acceptor-accept: a promise forgotten in a restart', () => {
    expect(
      only('acceptor-accept', [
        ...chooseA().slice(0, 3),
        send('n2', 'n3', { type: 'promise', ballot: B(2, 'n3') }), // 5
        crash('n2'), // 6
        restart('n2'), // 7
        send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), value: 'a' }), // 8
      ]),
    ).toEqual({
      message:
        'n2 voted for ballot (1, n1) in slot 0 after promising the higher ballot (2, n3) (it restarted in between: the promise must be durable).',
      lines: [5, 7, 8],
    });
  });

  it('acceptor-promise: a promise below a promised ballot, and below a voted one', () => {
    expect(
      only('acceptor-promise', [
        send('n2', 'n3', { type: 'promise', ballot: B(2, 'n3') }), // 2
        send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1') }), // 3
      ]),
    ).toEqual({
      message: 'n2 promised ballot (1, n1) after it had promised the higher ballot (2, n3).',
      lines: [2, 3],
    });
    expect(
      only('acceptor-promise', [
        send('n2', 'n3', { type: 'accepted', ballot: B(2, 'n3'), value: 'b' }), // 2: a vote promises too
        send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1') }), // 3
      ]),
    ).toEqual({
      message: 'n2 promised ballot (1, n1) after it had voted for the higher ballot (2, n3).',
      lines: [2, 3],
    });
  });

  it('proposer-value: phase 2 without a phase-1 quorum', () => {
    expect(
      only('proposer-value', [
        send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1') }), // 2: n1 promises itself
        send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), value: 'a' }), // 3
      ]),
    ).toEqual({
      message:
        'n1 sent a phase-2 accept for ballot (1, n1) in slot 0 without promises from a phase-1 quorum (only n1).',
      lines: [2, 3],
    });
    expect(
      only('proposer-value', [send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), value: 'a' })]),
    ).toEqual({
      message:
        'n1 sent a phase-2 accept for ballot (1, n1) in slot 0 without promises from a phase-1 quorum (none).',
      lines: [2],
    });
  });

  it('proposer-value: a value other than the highest vote its phase-1 quorum reported', () => {
    expect(
      only('proposer-value', [
        ...chooseA().slice(0, 4),
        ...ballotTwo('b', { ballot: B(1, 'n1'), value: 'a' }), // promise on line 7, accept on line 8
      ]),
    ).toEqual({
      message:
        'n3 proposed a value in slot 0 at ballot (2, n3) that is not the highest vote of any phase-1 quorum of the promises it received: they reported a vote at ballot (1, n1) for another value, which it had to propose.',
      lines: [7, 8],
    });
  });

  it('proposer-value: two values for one ballot', () => {
    expect(
      only('proposer-value', [
        ...chooseA().slice(0, 3),
        send('n1', 'n3', { type: 'accept', ballot: B(1, 'n1'), value: 'b' }), // 5
      ]),
    ).toEqual({
      message: 'n1 sent two different values in slot 0 for its ballot (1, n1).',
      lines: [4, 5],
    });
  });

  it('validity compares values canonically, also a second value sent for one ballot', () => {
    // n1 sends two values for its ballot (a proposer-value violation); n3 decides the second one
    // with its keys in another order: it was proposed. A value no accept carried was not.
    const events = (decided: unknown): TraceEvent[] => [
      ...chooseA().slice(0, 3),
      send('n1', 'n3', { type: 'accept', ballot: B(1, 'n1'), value: { c: 3, d: [4] } }), // 5
      decide('n3', decided, B(1, 'n1')), // 6
    ];
    const sent = check({ header: header(), events: events({ d: [4], c: 3 }) });
    expect(violated(sent)).toEqual(['proposer-value', 'quorum']);
    const other = check({ header: header(), events: events({ d: [5], c: 3 }) });
    expect(violated(other)).toEqual(['validity', 'proposer-value', 'quorum']);
  });

  it('quorum: a decision on fewer votes than a phase-2 quorum', () => {
    expect(only('quorum', [...chooseA().slice(0, 3), decide('n1', 'a', B(1, 'n1'))])).toEqual({
      message:
        'n1 decided slot 0 with votes for that value from only n1 at ballot (1, n1): not a phase-2 quorum (majority of 3).',
      lines: [4, 5],
    });
  });

  it('quorum: a value with no vote at all', () => {
    // "b" was proposed at (1, n3) (it is valid) but nobody, not even its proposer, voted for it.
    const r = check({
      header: header(),
      events: [
        ...chooseA().slice(0, 4), // 2-5
        { ...send('n3', 'n1', { type: 'accept', ballot: B(1, 'n3'), value: 'b' }) }, // 6
        decide('n2', 'b'), // 7
      ],
    });
    // n3 also skipped phase 1, which proposer-value reports; the quorum message is the point here.
    expect(violated(r)).toEqual(['proposer-value', 'quorum']);
    expect(result(r, 'quorum').violation).toMatchObject({
      message:
        'n2 decided slot 0 with votes for that value from only n3 at ballot (1, n3): not a phase-2 quorum (majority of 3).',
      window: [{ line: 6 }, { line: 7 }],
    });
  });

  describe('client-exactly-once', () => {
    const w = (op: number, value: number): object => ({ f: 'write', key: 'k', value, op });
    const r = (op: number): object => ({ f: 'read', key: 'k', op });
    /** Multi-Paxos: n1 leads at (1, n1) and decides `values` in slots 0, 1, ... (2 lines, then 3 per slot). */
    const log = (...values: object[][]): TraceEvent[] => [
      send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1') }),
      send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1') }),
      ...values.flatMap((v, slot) => [
        send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot, value: v }),
        send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), slot }),
        decide('n1', v, B(1, 'n1'), slot),
      ]),
    ];
    const client = (kind: string, op: number, f: string, value?: unknown): TraceEvent =>
      ({ kind, process: op, op, f, key: 'k', ...(value === undefined ? {} : { value }) }) as TraceEvent;

    it('a read returns what the log says', () => {
      const events = [
        client('invoke', 1, 'write', 5), // 2
        client('invoke', 2, 'read'), // 3
        ...log([w(1, 5)], [r(2)]), // 4-11
        client('ok', 1, 'write', 5), // 12
        client('ok', 2, 'read', 6), // 13
      ];
      expect(only('client-exactly-once', events, header('multipaxos'))).toEqual({
        message: 'Client op 2 (read k) returned 6, but at its place in the log (slot 1) the key held 5.',
        lines: [3, 13],
      });
      events[events.length - 1] = client('ok', 2, 'read', 5);
      expect(violated(check({ header: header('multipaxos'), events }))).toEqual([]);
    });

    it('an op answered ok is in the log by the end', () => {
      expect(
        only(
          'client-exactly-once',
          [
            client('invoke', 1, 'write', 5), // 2
            client('invoke', 2, 'write', 6), // 3
            ...log([w(1, 5)]), // 4-8
            client('ok', 2, 'write', 6), // 9
          ],
          header('multipaxos'),
        ),
      ).toEqual({
        message:
          'Client op 2 was answered ok, but no node decided a slot holding it by the end of the trace.',
        lines: [3, 9],
      });
    });

    it('an op answered fail is not in the log', () => {
      expect(
        only(
          'client-exactly-once',
          [client('invoke', 1, 'write', 5), ...log([w(1, 5)]), client('fail', 1, 'write', 5)],
          header('multipaxos'),
        ),
      ).toEqual({
        message:
          'Client op 1 was answered fail (it certainly did not take effect), but it is in the decided log at slot 0.',
        lines: [2, 8],
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Known checker bugs, reported to the owner of paxos.ts: each test states the correct verdict and
// is expected to fail until the checker is fixed (then drop `.fails`).

describe('createPaxosSafety: settled slots and corner cases', () => {
  /** Slot 0 decided "a" by all three nodes (settled: every node decided, the log applied it). */
  const settled = (): TraceEvent[] => [
    ...chooseA(),
    decide('n2', 'a', B(1, 'n1')),
    decide('n3', 'a', B(1, 'n1')),
  ];

  it('(twin of the next test) an unsettled slot: a never-proposed decision by n2 after its restart breaks four invariants', () => {
    // n3 has not decided slot 0, so the slot is not settled and every check runs.
    const events = [
      ...chooseA(),
      decide('n2', 'a', B(1, 'n1')),
      crash('n2'),
      restart('n2'),
      decide('n2', 'zz'),
    ];
    expect(violated(check({ header: header(), events }))).toEqual([
      'agreement',
      'validity',
      'log-prefix',
      'quorum',
    ]);
  });

  it('a decision on a settled slot is checked for agreement and log-prefix (validity and quorum are not judged: the proposals were dropped)', () => {
    // The same, after n3 decided too (the slot settles, memory is freed): the verdict is the same,
    // the conflicting value's validity and quorum are not re-judged (docs/conformance.md says so).
    const events = [...settled(), crash('n2'), restart('n2'), decide('n2', 'zz')];
    expect(violated(check({ header: header(), events }))).toEqual(['agreement', 'log-prefix']);
  });

  it('a slot number beyond 2^32 is not mistaken for a settled slot (slot numbers are not wrapped)', () => {
    // Slot 0 settles with "a"; slot 2^32 (0 modulo 2^32) is decided "b" by every node: no conflict.
    const far = 2 ** 32;
    const events = [
      ...settled(),
      send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: far, value: 'b' }),
      send('n2', 'n1', { type: 'accepted', ballot: B(1, 'n1'), slot: far, value: 'b' }),
      ...['n1', 'n2', 'n3'].map((n) => decide(n, 'b', B(1, 'n1'), far)),
    ];
    expect(violated(check({ header: header('multipaxos'), events }))).toEqual([]);
    // Its twin, deciding a value nobody proposed there: caught, so the far slot is judged, not skipped.
    const near = events.map((e) => (e.kind === 'decide' && e.slot === far ? { ...e, value: 'c' } : e));
    expect(violated(check({ header: header('multipaxos'), events: near }))).toEqual(['validity', 'quorum']);
  });

  it('validity: a value only voted for (never sent in an accept) was not proposed', () => {
    // PAXOS_INVARIANTS.validity: "sent in a phase-2 accept for its slot". n2 and n3 vote for "z" at
    // (2, n1), which n1 never proposed (it sent "a" at (1, n1)): votes alone are not a proposal.
    const events = [
      ...chooseA().slice(0, 3),
      send('n2', 'n1', { type: 'accepted', ballot: B(2, 'n1'), value: 'z' }),
      send('n3', 'n1', { type: 'accepted', ballot: B(2, 'n1'), value: 'z' }),
      decide('n1', 'z', B(2, 'n1')),
    ];
    expect(violated(check({ header: header(), events }))).toEqual(['validity']);
  });

  it('a node that restarted after deciding may decide again once the slot has settled', () => {
    const events = [
      ...chooseA(), // n1 decides on line 6
      decide('n3', 'a', B(1, 'n1')), // 7
      crash('n3'), // 8
      restart('n3'), // 9
      decide('n2', 'a', B(1, 'n1')), // 10: every node has decided: the slot settles
      decide('n3', 'a', B(1, 'n1')), // 11: allowed, n3 restarted since its decision on line 7
    ];
    expect(violated(check({ header: header(), events }))).toEqual([]);
  });

  it('agreement compares with every other decider, not only the first one', () => {
    // n1 (the first decider) restarts and decides "b"; n2 had decided "a": two nodes disagree.
    const events = [
      ...chooseA(),
      decide('n2', 'a', B(1, 'n1')), // 7
      crash('n1'),
      restart('n1'),
      ...ballotTwo('b'), // n2 hides its vote in its promise
      decide('n1', 'b', B(2, 'n3')), // 14
    ];
    expect(violated(check({ header: header(), events }))).toContain('agreement');
  });

  it('a proposer may pick the highest vote among more promises than a quorum', () => {
    // n1's phase 1: itself and n2 (a quorum, reporting "x" at (1, n2)), then n3 reporting "y" at
    // (1, n3), higher. Proposing "y", the highest vote among the promises it used, is safe.
    const events = [
      send('n1', 'n2', { type: 'prepare', ballot: B(2, 'n1') }),
      send('n2', 'n1', { type: 'promise', ballot: B(2, 'n1'), accepted: { ballot: B(1, 'n2'), value: 'x' } }),
      send('n3', 'n1', { type: 'promise', ballot: B(2, 'n1'), accepted: { ballot: B(1, 'n3'), value: 'y' } }),
      send('n1', 'n2', { type: 'accept', ballot: B(2, 'n1'), value: 'y' }),
    ];
    expect(violated(check({ header: header(), events }))).toEqual([]);
  });
});
