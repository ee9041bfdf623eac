// The Paxos safety rules under adaptive quorums: the quorum system in force changes at the slot a
// `reconfig` event names, and under a `classes` system a slot's phase-2 quorum is the one of the
// class its accept names. Hand-written multipaxos-shaped traces, three nodes, lines pinned.
import { describe, expect, it } from 'vitest';
import { protocols } from '../../impl/index.js';
import { simulate } from '../../impl/sim/index.js';
import type { QuorumSystem, TraceEvent, TraceHeader } from '../../traces/index.js';
import { quorumsOf } from '../quorum.js';
import type { InvariantResult } from '../types.js';
import { createPaxosSafety } from './paxos.js';

type Ballot = { round: number; node: string };
const B = (round: number, node: string): Ballot => ({ round, node });

const header = (quorum: QuorumSystem, protocol = 'adaptive'): TraceHeader => ({
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol,
  nodes: ['n1', 'n2', 'n3'],
  quorum,
});
const send = (node: string, to: string, msg: object): TraceEvent =>
  ({ kind: 'send', node, to, msg }) as TraceEvent;
const decide = (node: string, slot: number, value: unknown): TraceEvent => ({
  kind: 'decide',
  node,
  slot,
  value,
  ballot: B(1, 'n1'),
});
const reconfig = (slot: number, quorum: QuorumSystem): TraceEvent => ({
  kind: 'reconfig',
  node: 'n1',
  slot,
  quorum,
});

/** Lines 2-5: n1 prepares ballot (1, n1) and gets promises from n2 and n3 (n1 promises itself). */
const leadWithAll = (): TraceEvent[] => [
  send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1'), fromSlot: 0 }),
  send('n1', 'n3', { type: 'prepare', ballot: B(1, 'n1'), fromSlot: 0 }),
  send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1'), fromSlot: 0 }),
  send('n3', 'n1', { type: 'promise', ballot: B(1, 'n1'), fromSlot: 0 }),
];

/** n1 proposes `value` in `slot` (with an optional class) and the listed acceptors vote for it. */
const slot = (n: number, value: string, voters: string[], cls?: string): TraceEvent[] => [
  send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: n, value, ...(cls ? { class: cls } : {}) }),
  ...voters.map((v) => send(v, 'n1', { type: 'accepted', ballot: B(1, 'n1'), slot: n, value })),
  decide('n1', n, value),
];

function check(h: TraceHeader, events: TraceEvent[]): InvariantResult[] {
  const safety = createPaxosSafety(h, { quorums: quorumsOf(h.quorum, h.nodes) });
  events.forEach((e, i) => safety.event(e, i + 2));
  return safety.finish({ lastTime: 0, events: events.length });
}
const violated = (r: InvariantResult[]): string[] =>
  r.filter((i) => i.status === 'violated').map((i) => i.name);
const get = (r: InvariantResult[], name: string): InvariantResult => r.find((i) => i.name === name)!;

const majority: QuorumSystem = { kind: 'majority' };
const fastWrite: QuorumSystem = { kind: 'threshold', q1: 3, q2: 1 };
const fastLeader: QuorumSystem = { kind: 'threshold', q1: 1, q2: 3 };

describe('reconfiguration: each slot is judged under the quorum system in force there', () => {
  it('a slot decided by one vote conforms once a reconfiguration to q2 = 1 governs it', () => {
    // Slot 0 under the majority (n1 + n2), slot 1 under threshold q1=3 q2=1 (n1's own vote).
    const r = check(header(majority), [
      ...leadWithAll(),
      ...slot(0, 'a', ['n2']),
      reconfig(1, fastWrite),
      ...slot(1, 'b', []),
    ]);
    expect(violated(r)).toEqual([]);
    expect(get(r, 'quorum')).toMatchObject({ status: 'holds', checks: 2 });
    expect(get(r, 'proposer-value').status).toBe('holds');
  });

  it('the same one-vote decision without the reconfiguration breaks the quorum rule', () => {
    const r = check(header(majority), [...leadWithAll(), ...slot(0, 'a', ['n2']), ...slot(1, 'b', [])]);
    expect(violated(r)).toEqual(['quorum']);
    expect(get(r, 'quorum').violation).toMatchObject({
      slot: 1,
      message:
        'n1 decided slot 1 with votes for that value from only n1 at ballot (1, n1): not a phase-2 quorum (majority of 3).',
    });
  });

  it('a stricter system takes effect at its slot: two votes are not enough under q2 = 3', () => {
    const r = check(header(majority), [
      ...leadWithAll(),
      ...slot(0, 'a', ['n2']), // lines 6-8: fine under the majority
      reconfig(1, fastLeader), // line 9
      ...slot(1, 'b', ['n2']), // lines 10-12
    ]);
    expect(violated(r)).toEqual(['quorum']);
    const v = get(r, 'quorum').violation!;
    expect(v.slot).toBe(1);
    expect(v.message).toContain('not a phase-2 quorum (threshold q1=1 q2=3 of 3)');
    expect(v.window.map((w) => w.line)).toEqual([10, 11, 12]);
  });

  it('the phase-1 rule follows the slot too: two promises do not lead a slot that needs three', () => {
    const events: TraceEvent[] = [
      send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1'), fromSlot: 0 }), // 2
      send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1'), fromSlot: 0 }), // 3: n1 + n2
      reconfig(0, fastWrite), // 4: phase 1 now needs all three
      ...slot(0, 'a', []), // 5-6
    ];
    const r = check(header(majority), events);
    expect(violated(r)).toEqual(['proposer-value']);
    expect(get(r, 'proposer-value').violation!.message).toBe(
      'n1 sent a phase-2 accept for ballot (1, n1) in slot 0 without promises from a phase-1 quorum (only n1, n2).',
    );
  });

  it('a reconfiguration recorded after the slots it governs were judged: those rules are skipped, with the reason', () => {
    const r = check(header(majority), [
      ...leadWithAll(),
      ...slot(0, 'a', ['n2']),
      ...slot(1, 'b', ['n2']), // lines 9-11
      reconfig(1, fastWrite), // line 12: too late
    ]);
    expect(violated(r)).toEqual([]);
    for (const name of ['quorum', 'proposer-value']) {
      expect(get(r, name)).toMatchObject({
        status: 'skipped',
        reason:
          'the reconfiguration at line 12 takes effect at slot 1, but slot 1 had already been judged: a trace must record a reconfig event before any proposal or decision in the slots it governs',
      });
    }
  });

  it('every node may report the same reconfiguration; an unusable system is reported, not guessed', () => {
    const twice = check(header(majority), [
      ...leadWithAll(),
      reconfig(1, fastWrite),
      { kind: 'reconfig', node: 'n2', slot: 1, quorum: fastWrite },
      ...slot(1, 'b', []),
    ]);
    expect(violated(twice)).toEqual([]);
    const bad = check(header(majority), [
      ...leadWithAll(),
      reconfig(0, { kind: 'x-mine' }),
      ...slot(0, 'a', []),
    ]);
    expect(violated(bad)).toEqual([]);
    expect(get(bad, 'quorum').status).toBe('skipped');
    expect(get(bad, 'quorum').reason).toContain('the quorum system of the reconfiguration at line 6');
  });
});

describe('criticality classes: a slot is decided by a phase-2 quorum of its class', () => {
  // routine: any one vote decides (so phase 1 needs all three); critical: a majority.
  const classes: QuorumSystem = { kind: 'classes', classes: { routine: fastWrite, critical: majority } };

  it('a routine slot decided by one vote and a critical slot by two conform', () => {
    const r = check(header(classes), [
      ...leadWithAll(),
      ...slot(0, 'a', [], 'routine'),
      ...slot(1, 'b', ['n2'], 'critical'),
    ]);
    expect(violated(r)).toEqual([]);
    expect(get(r, 'quorum')).toMatchObject({ status: 'holds', checks: 2 });
  });

  it('a critical slot decided by one vote breaks the quorum rule, naming the class', () => {
    const r = check(header(classes), [...leadWithAll(), ...slot(0, 'a', [], 'critical')]);
    expect(violated(r)).toEqual(['quorum']);
    expect(get(r, 'quorum').violation!.message).toBe(
      'n1 decided slot 0 with votes for that value from only n1 at ballot (1, n1): not a phase-2 quorum (classes critical, routine, class critical).',
    );
  });

  it('phase 1 must be a phase-1 quorum of every class: a majority of promises cannot lead', () => {
    const r = check(header(classes), [
      send('n1', 'n2', { type: 'prepare', ballot: B(1, 'n1'), fromSlot: 0 }),
      send('n2', 'n1', { type: 'promise', ballot: B(1, 'n1'), fromSlot: 0 }),
      ...slot(0, 'a', ['n2'], 'critical'),
    ]);
    expect(violated(r)).toEqual(['proposer-value']);
  });

  it('votes that formed a quorum before a reordered accept named the class are judged again under the class', () => {
    // n1's vote is a routine quorum (q2 = 1) while the slot's class is unknown; once the accept
    // names "critical", one vote is not a majority: n2's decision breaks the quorum rule.
    const r = check(header(classes), [
      ...leadWithAll(),
      send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: 5, value: 'z', class: 'routine' }),
      send('n1', 'n2', { type: 'accepted', ballot: B(1, 'n1'), slot: 0, value: 'a' }),
      decide('n1', 0, 'a'),
      send('n1', 'n2', { type: 'accept', ballot: B(1, 'n1'), slot: 0, value: 'a', class: 'critical' }),
      decide('n2', 0, 'a'),
    ]);
    // (n1's decision came before any accept of slot 0: a validity violation, as before the change.)
    expect(violated(r)).toEqual(['validity', 'quorum']);
    expect(get(r, 'quorum')).toMatchObject({ violations: 1, violation: { nodes: ['n2'], slot: 0 } });
  });

  it('a slot whose accept names no class is accepted with a phase-2 quorum of any class', () => {
    const r = check(header(classes), [...leadWithAll(), ...slot(0, 'a', [])]);
    expect(violated(r)).toEqual([]);
  });

  it('a class the system does not define needs a phase-2 quorum of every class (a typo hides nothing)', () => {
    const typo = check(header(classes), [...leadWithAll(), ...slot(0, 'a', [], 'critcal')]);
    expect(violated(typo)).toEqual(['quorum']);
    expect(get(typo, 'quorum').violation!.message).toBe(
      'n1 decided slot 0 with votes for that value from only n1 at ballot (1, n1): not a phase-2 quorum (classes critical, routine; the accept names class "critcal", which the system does not define, so it needs a phase-2 quorum of every class).',
    );
    // Two votes of three are a phase-2 quorum of both classes.
    const r = check(header(classes), [...leadWithAll(), ...slot(0, 'a', ['n2'], 'critcal')]);
    expect(violated(r)).toEqual([]);
  });
});

describe('adaptive simulator traces (reconfigurations every 200 ms, 10% critical ops)', () => {
  const run = (seed: number): { header: TraceHeader; events: TraceEvent[] } => {
    const entry = protocols.adaptive;
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const params = { ...entry.defaults, reconfigEveryMs: 200 };
    let h: TraceHeader | undefined;
    const events: TraceEvent[] = [];
    simulate({
      behavior: entry.behavior,
      nodes,
      params,
      seed,
      duration: 3000,
      network: { loss: 0.02 },
      workload: { rate: 100, classes: { critical: 0.1, routine: 0.9 } },
      quorum: entry.quorum(params, nodes),
      trace: { header: (x) => (h = x), event: (e) => events.push(e) },
    });
    return { header: h!, events };
  };

  it.each([1, 2, 3])('seed %i conforms, with the quorum rules judged under every reconfiguration', (seed) => {
    const t = run(seed);
    expect(t.events.some((e) => e.kind === 'reconfig')).toBe(true);
    const r = check(t.header, t.events);
    expect(violated(r)).toEqual([]);
    for (const name of ['quorum', 'proposer-value']) expect(get(r, name).status, name).toBe('holds');
  });

  it('dropping the votes of one critical slot (its leader decides on its own vote) breaks the quorum rule only', () => {
    const t = run(1);
    const critical = t.events.find(
      (e) => e.kind === 'send' && (e.msg as { type: string; class?: string }).class === 'critical',
    ) as Extract<TraceEvent, { kind: 'send' }>;
    const slotOf = (e: TraceEvent): number | undefined =>
      e.kind === 'send' ? (e.msg as { slot?: number }).slot : undefined;
    const target = slotOf(critical)!;
    const events = t.events.filter(
      (e) => !(e.kind === 'send' && (e.msg as { type: string }).type === 'accepted' && slotOf(e) === target),
    );
    const r = check(t.header, events);
    expect(violated(r)).toEqual(['quorum']);
    expect(get(r, 'quorum').violation!.slot).toBe(target);
    expect(get(r, 'quorum').violation!.message).toContain('class critical');
  });
});
