// The timeline collector: rows for the README's example trace, fault intervals and heals, index
// clocks, late nodes, the cap, and a cost per event small enough for traces of millions of events.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { TraceEvent, TraceHeader } from '../traces/index.js';
import { conform } from './conform.js';
import { createTimeline } from './timeline.js';

const HEADER: TraceHeader = {
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol: 'paxos',
  nodes: ['n1', 'n2', 'n3'],
  quorum: { kind: 'majority' },
  clock: 'virtual',
};

function run(header: TraceHeader, events: TraceEvent[], maxEvents?: number) {
  const tl = createTimeline({ header }, maxEvents === undefined ? {} : { maxEvents });
  let lastTime = 0;
  events.forEach((e, i) => {
    if (e.t !== undefined && e.t > lastTime) lastTime = e.t;
    tl.event(e, i + 2);
  });
  return tl.finish({ lastTime, events: events.length });
}

describe('createTimeline', () => {
  test('the example trace of traces/README.md', () => {
    const lines = readFileSync(new URL('../traces/__fixtures__/paxos-3.ndjson', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TraceEvent | TraceHeader);
    const [header, ...events] = lines as [TraceHeader, ...TraceEvent[]];
    const tl = run(header, events);
    expect(tl.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(tl.clock).toBe('time');
    expect(tl.truncated).toBe(false);
    expect(tl.events).toEqual([
      [0, 0, 'i', -1, 2, 'invoke write op1'],
      [0, 0, 'p', -1, 3, 'persist promised'],
      [0, 0, 't', -1, 4, 'timer retry set'],
      [0, 0, 's', 1, 5, 'prepare b1.n1'],
      [0, 0, 's', 2, 6, 'prepare b1.n1'],
      [4, 1, 'r', 0, 7, 'prepare b1.n1'],
      [4, 1, 'p', -1, 8, 'persist promised'],
      [4, 1, 's', 0, 9, 'promise b1.n1'],
      [8, 0, 'r', 1, 11, 'promise b1.n1'],
      [8, 0, 'p', -1, 12, 'persist accepted'],
      [8, 0, 's', 1, 13, 'accept b1.n1'],
      [12, 1, 'r', 0, 14, 'accept b1.n1'],
      [12, 1, 'p', -1, 15, 'persist accepted'],
      [12, 1, 's', 0, 16, 'accepted b1.n1'],
      [16, 0, 'r', 1, 17, 'accepted b1.n1'],
      [16, 0, 'd', -1, 18, 'decide s0 "x"'],
      [16, 0, 't', -1, 19, 'timer retry cancel'],
      [16, 0, 'o', -1, 20, 'ok write op1'],
    ]);
    expect(tl.faults).toEqual([[5, 30, 'partition n1 n2 | n3', [0, 1, 2]]]);
  });

  test('faults: heal by id, by name, all; never healed ends at the last time', () => {
    const tl = run(HEADER, [
      { kind: 'fault', t: 1, fault: 'pause', id: 'a', nodes: ['n2'] },
      { kind: 'fault', t: 2, fault: 'loss', rate: 0.1 },
      { kind: 'fault', t: 3, fault: 'loss', rate: 0.2 },
      { kind: 'fault', t: 4, fault: 'delay', delay: 50, links: [['n1', 'n3']] },
      { kind: 'heal', t: 5, id: 'a' },
      { kind: 'heal', t: 6, fault: 'loss' },
      { kind: 'crash', t: 7, node: 'n3' },
      { kind: 'fault', t: 8, fault: 'byzantine', node: 'n1' },
      { kind: 'heal', t: 9 },
      { kind: 'fault', t: 10, fault: 'x-gremlin' },
      { kind: 'restart', t: 12, node: 'n3' },
    ]);
    expect(tl.faults).toEqual([
      [1, 5, 'pause n2', [1]],
      [2, 6, 'loss 0.1', []],
      [3, 6, 'loss 0.2', []],
      [4, 9, 'delay n1→n3 +50ms', [0, 2]],
      [8, 9, 'byzantine n1', [0]],
      [10, 12, 'x-gremlin', []],
    ]);
    expect(tl.events).toEqual([
      [7, 2, 'c', -1, 8, 'crash'],
      [12, 2, 'R', -1, 12, 'restart'],
    ]);
  });

  test('no times (or a local clock): rows by event index; leading untimed events take the first time', () => {
    const events: TraceEvent[] = [
      { kind: 'send', node: 'n1', to: 'n2', msg: { type: 'prepare', ballot: { round: 2, node: 'n1' } } },
      { kind: 'fault', fault: 'partition', groups: [['n1'], ['n2', 'n3']] },
      { kind: 'recv', node: 'n2', from: 'n1', msg: { type: 'prepare', ballot: { round: 2, node: 'n1' } } },
    ];
    const byIndex = run({ ...HEADER, clock: 'none' }, events);
    expect(byIndex.clock).toBe('index');
    expect(byIndex.events.map((r) => r[0])).toEqual([0, 2]);
    expect(byIndex.faults).toEqual([[1, 3, 'partition n1 | n2 n3', [0, 1, 2]]]);
    const local = run(
      { ...HEADER, clock: 'local' },
      events.map((e, i) => ({ ...e, t: 100 - i })),
    );
    expect(local.clock).toBe('index');
    const late = run(HEADER, [...events, { kind: 'decide', t: 40, node: 'n2', slot: 0, value: 1 }]);
    expect(late.clock).toBe('time');
    expect(late.events.map((r) => r[0])).toEqual([40, 40, 40]);
    expect(late.faults).toEqual([[40, 40, 'partition n1 | n2 n3', [0, 1, 2]]]);
  });

  test('multipaxos labels, nodes that join later, client events without a node', () => {
    const tl = run(HEADER, [
      {
        kind: 'send',
        t: 1,
        node: 'n1',
        to: 'n4',
        msg: { type: 'accept', ballot: { round: 1, node: 'n3' }, slot: 4, value: 'v' },
      },
      { kind: 'invoke', t: 2, process: 0, op: 1, f: 'write' },
      { kind: 'x-leader', t: 3, node: 'n4' },
      { kind: 'reconfig', t: 4, node: 'n1', slot: 9, quorum: { kind: 'majority' } },
    ]);
    expect(tl.nodes).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(tl.events).toEqual([
      [1, 0, 's', 3, 2, 'accept b1.n3 s4'],
      [3, 3, 'x-leader', -1, 4, 'x-leader'],
      [4, 0, 'g', -1, 5, 'reconfig s9 majority'],
    ]);
  });

  test('past maxEvents rows are dropped and truncated is set; faults still end', () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 10; i++) events.push({ kind: 'crash', t: i, node: 'n1' });
    events.push({ kind: 'fault', t: 20, fault: 'pause', nodes: ['n2'] }, { kind: 'heal', t: 25 });
    const tl = run(HEADER, events, 4);
    expect(tl.events.length).toBe(4);
    expect(tl.truncated).toBe(true);
    expect(tl.faults).toEqual([[20, 25, 'pause n2', [1]]]);
    expect(run(HEADER, events.slice(0, 4), 4).truncated).toBe(false);
    expect(() => createTimeline({ header: HEADER }, { maxEvents: -1 })).toThrow(/maxEvents/);
  });

  test('cheap per event: two million events in well under a few seconds, memory capped', () => {
    const send: TraceEvent = {
      kind: 'send',
      t: 0,
      node: 'n1',
      to: 'n2',
      msg: { type: 'accept', ballot: { round: 1, node: 'n1' }, slot: 3, value: 1 },
    };
    const recv: TraceEvent = {
      kind: 'recv',
      t: 0,
      node: 'n2',
      from: 'n1',
      msg: { type: 'accept', ballot: { round: 1, node: 'n1' }, slot: 3, value: 1 },
    };
    const tl = createTimeline({ header: HEADER }, { maxEvents: 200_000 });
    const t0 = performance.now();
    for (let i = 0; i < 2_000_000; i++) {
      const e = i % 2 === 0 ? send : recv;
      e.t = i;
      tl.event(e, i + 2);
    }
    const r = tl.finish({ lastTime: 2_000_000, events: 2_000_000 });
    const ms = performance.now() - t0;
    expect(r.events.length).toBe(200_000);
    expect(r.truncated).toBe(true);
    expect(ms).toBeLessThan(5000);
  });

  test('through conform, persisted variables are named (the reader leaves them out only without a timeline)', async () => {
    const file = new URL('../traces/corpus/multipaxos-3-clean.ndjson', import.meta.url).pathname;
    const r = await conform(file, { timeline: true, deterministic: true });
    const labels = r.traces[0]!.timeline!.events.filter((e) => e[2] === 'p').map((e) => e[5]);
    expect(labels.length).toBeGreaterThan(100);
    expect(labels).toContain('persist round,promised');
    expect(labels.some((l) => /^persist v\.\d+$/.test(l))).toBe(true);
  });
});
