// Settled slots in pages, the older ones written to a file: every answer equals a plain model
// whatever the number of pages kept in memory, and the Paxos checker's verdicts on late decisions
// of written-out slots are the ones it gives with everything in memory.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { TraceEvent, TraceHeader } from '../../traces/index.js';
import { quorumsOf } from '../quorum.js';
import type { InvariantResult } from '../types.js';
import { createPaxosSafety } from './paxos.js';
import { SettledSlots } from './settledSlots.js';

type Row = { hash: number; line: number; first: number; by: number; current: number; ever: number };

const op = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    slot: fc.oneof(fc.nat({ max: 12 * 4096 }), fc.constantFrom(2 ** 32, 2 ** 32 + 4095, 2 ** 53 - 1)),
    hash: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    line: fc.nat(),
    first: fc.nat(),
    by: fc.nat({ max: 29 }),
    current: fc.nat({ max: 2 ** 30 }),
    ever: fc.nat({ max: 2 ** 30 }),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    line: fc.nat(),
    current: fc.nat(),
    ever: fc.nat(),
  }),
  fc.record({ kind: fc.constant('read' as const), slot: fc.nat({ max: 12 * 4096 }) }),
);

describe('SettledSlots', () => {
  test.prop([fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 4 })], { numRuns: 60 })(
    'answers as a Map does, with few pages in memory',
    (ops, resident) => {
      const s = new SettledSlots(resident);
      const model = new Map<number, Row>();
      const same = (slot: number): void => {
        const m = model.get(slot);
        expect(s.has(slot)).toBe(m !== undefined);
        expect([
          s.hash(slot),
          s.line(slot),
          s.firstLine(slot),
          s.by(slot),
          s.current(slot),
          s.ever(slot),
        ]).toEqual(m === undefined ? [0, 0, 0, 0, 0, 0] : [m.hash, m.line, m.first, m.by, m.current, m.ever]);
      };
      try {
        for (const o of ops) {
          if (o.kind === 'add') {
            s.add(o.slot, o.hash, o.line, o.first, o.by, o.current, o.ever);
            model.set(o.slot, {
              hash: o.hash,
              line: o.line,
              first: o.first,
              by: o.by,
              current: o.current,
              ever: o.ever,
            });
          } else if (o.kind === 'update') {
            const slots = [...model.keys()];
            if (slots.length === 0) continue;
            const slot = slots[o.pick % slots.length]!;
            s.update(slot, o.line, o.current, o.ever);
            Object.assign(model.get(slot)!, { line: o.line, current: o.current, ever: o.ever });
          } else same(o.slot);
        }
        for (const slot of model.keys()) same(slot);
        const pages = new Set([...model.keys()].map((k) => Math.floor(k / 4096))).size;
        if (pages > resident) expect(s.spilledPages).toBeGreaterThan(0);
      } finally {
        s.close();
      }
    },
  );

  it('slot numbers are not wrapped: far slots (2^32 and beyond) are their own, in pages of their own', () => {
    const s = new SettledSlots(1);
    s.add(0, 7, 1, 1, 0, 1, 1);
    for (const slot of [-1, 2 ** 32, 2 ** 40, 2 ** 53 - 1]) expect(s.has(slot)).toBe(false);
    s.add(2 ** 40, 9, 2, 2, 1, 2, 2);
    expect([s.has(0), s.hash(0), s.has(2 ** 40), s.hash(2 ** 40), s.has(2 ** 40 + 1)]).toEqual([
      true,
      7,
      true,
      9,
      false,
    ]);
    expect(s.spilledPages).toBe(1);
    s.close();
  });
});

describe('the Paxos checker with settled slots written out', () => {
  const nodes = ['n1', 'n2', 'n3'];
  const header: TraceHeader = {
    kind: 'header',
    format: 'synod-trace',
    version: 1,
    protocol: 'multipaxos',
    nodes,
    quorum: { kind: 'majority' },
  };
  const ballot = { round: 1, node: 'n1' };
  /** `slots` slots chosen by n1 with n2's vote and decided by every node; then `tail`. */
  function trace(slots: number, tail: TraceEvent[]): TraceEvent[] {
    const out: TraceEvent[] = [
      { kind: 'send', node: 'n1', to: 'n2', id: 0, msg: { type: 'prepare', ballot, fromSlot: 0 } },
      { kind: 'send', node: 'n2', to: 'n1', id: 0, msg: { type: 'promise', ballot, fromSlot: 0 } },
    ] as TraceEvent[];
    for (let slot = 0; slot < slots; slot++) {
      const value = [{ f: 'write', key: `k${slot % 7}`, value: slot }];
      out.push({
        kind: 'send',
        node: 'n1',
        to: 'n2',
        id: 0,
        msg: { type: 'accept', ballot, slot, value },
      });
      out.push({
        kind: 'send',
        node: 'n2',
        to: 'n1',
        id: 0,
        msg: { type: 'accepted', ballot, slot },
      });
      for (const node of nodes) out.push({ kind: 'decide', node, slot, value, ballot });
    }
    return [...out, ...tail];
  }
  const run = (events: TraceEvent[], residentPages?: number): InvariantResult[] => {
    const s = createPaxosSafety(header, {
      quorums: quorumsOf(header.quorum, nodes),
      ...(residentPages === undefined ? {} : { residentPages }),
    });
    events.forEach((e, i) => s.event(e, i + 2));
    return s.finish({ lastTime: 0, events: events.length });
  };
  const late = (slot: number, value: unknown): TraceEvent[] => [
    { kind: 'crash', node: 'n2' },
    { kind: 'restart', node: 'n2' },
    { kind: 'decide', node: 'n2', slot, value, ballot },
  ];

  it('a restarted node deciding an old slot differently is caught, as with every page in memory', () => {
    const slots = 5 * 4096;
    const wrong = run(trace(slots, late(17, [{ f: 'write', key: 'k3', value: -1 }])), 1);
    const violated = wrong.filter((r) => r.status === 'violated').map((r) => r.name);
    expect(violated).toEqual(['agreement', 'log-prefix']);
    expect(wrong).toEqual(run(trace(slots, late(17, [{ f: 'write', key: 'k3', value: -1 }]))));
    // The same value again after the restart is allowed.
    const right = run(trace(slots, late(17, [{ f: 'write', key: 'k3', value: 17 }])), 1);
    expect(right.filter((r) => r.status === 'violated')).toEqual([]);
  });
});
