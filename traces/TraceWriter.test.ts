// The writer: what it writes reads back equal (property-based over every event kind), the same
// events give the same bytes whatever their key order, validation mode catches bad lines, and
// misuse fails fast with a sentence.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, describe, expect, test } from 'vitest';
import { trickyString } from './__test-helpers__/arbitraries.js';
import { readTrace } from './read.js';
import { FAULTS } from './schema.js';
import { millisText, stringifyTraceLine, TraceWriteError, TraceWriter } from './TraceWriter.js';
import type { Ballot, PaxosMessage, TraceEvent, TraceHeader } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), 'synod-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NODES = ['n1', 'n2', 'n3'];
const HEADER: TraceHeader = {
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol: 'paxos',
  nodes: NODES,
  quorum: { kind: 'majority' },
  seed: 42,
  clock: 'virtual',
};

// --- arbitraries: every event kind, with and without its optional fields ---

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** Any JSON value as JSON.parse would give it back (no -0, no forbidden keys). */
const json: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 2 })
  .map(
    (v) => JSON.parse(JSON.stringify(v), (k, x: unknown) => (FORBIDDEN.has(k) ? undefined : x)) as unknown,
  );
const obj = fc.dictionary(
  fc.string({ maxLength: 6 }).filter((k) => !FORBIDDEN.has(k)),
  json,
  { maxKeys: 3 },
);
const node = fc.constantFrom(...NODES);
const nat = fc.nat();
const time = fc.double({ min: 0, max: 1e9, noNaN: true }).map((t) => t + 0);
const ballot: fc.Arbitrary<Ballot> = fc.record({ round: nat, node });
const id = fc.oneof(nat, fc.string({ minLength: 1, maxLength: 4 }));
const envelope = {
  t: time,
  vc: fc.dictionary(node, nat, { maxKeys: 3 }),
  adversarial: fc.boolean(),
  x: obj,
};

const message: fc.Arbitrary<PaxosMessage> = fc.oneof(
  fc.record({ type: fc.constant('prepare' as const), ballot }),
  fc.record(
    { type: fc.constant('promise' as const), ballot, accepted: fc.record({ ballot, value: json }) },
    { requiredKeys: ['type', 'ballot'] },
  ),
  fc.record({ type: fc.constant('accept' as const), ballot, value: json }),
  fc.record(
    { type: fc.constant('accepted' as const), ballot, value: json },
    { requiredKeys: ['type', 'ballot'] },
  ),
  fc.record(
    { type: fc.constant('nack' as const), ballot, promised: ballot },
    { requiredKeys: ['type', 'ballot'] },
  ),
  fc.record(
    { type: fc.constant('decide' as const), value: json, ballot, x: obj },
    { requiredKeys: ['type', 'value'] },
  ),
  fc.record({ type: fc.constant('x-ping' as const), n: nat }),
);

function kind<K extends string, R extends Record<string, fc.Arbitrary<unknown>>>(
  k: K,
  fields: R,
  required: (keyof R & string)[],
): fc.Arbitrary<TraceEvent> {
  return fc.record(
    { kind: fc.constant(k), ...envelope, ...fields },
    {
      requiredKeys: ['kind', ...required],
    },
  ) as unknown as fc.Arbitrary<TraceEvent>;
}

const client = (k: 'invoke' | 'ok' | 'fail' | 'info'): fc.Arbitrary<TraceEvent> =>
  kind(
    k,
    {
      node,
      process: fc.oneof(nat, fc.constantFrom('c1', 'c2')),
      op: nat,
      f: fc.constantFrom('read', 'write', 'cas'),
      key: fc.string(),
      value: json,
      ...(k === 'fail' || k === 'info' ? { error: json } : {}),
    },
    ['process', 'op', 'f'],
  );

const event: fc.Arbitrary<TraceEvent> = fc.oneof(
  kind('send', { node, to: node, id, msg: message }, ['node', 'to', 'msg']),
  kind('recv', { node, from: node, id, msg: message }, ['node', 'from', 'msg']),
  kind('state', { node, vars: obj }, ['node', 'vars']),
  kind('persist', { node, vars: obj }, ['node', 'vars']),
  kind('decide', { node, slot: nat, value: json, ballot }, ['node', 'slot', 'value']),
  kind(
    'timer',
    {
      node,
      name: fc.constantFrom('retry', 'election'),
      action: fc.constantFrom('set', 'fire', 'cancel'),
      after: time,
    },
    ['node', 'name', 'action'],
  ),
  kind('crash', { node }, ['node']),
  kind('restart', { node }, ['node']),
  kind(
    'fault',
    {
      node,
      fault: fc.constantFrom(...FAULTS, 'x-custom'),
      id,
      groups: fc.array(fc.uniqueArray(node)),
      nodes: fc.uniqueArray(node),
      links: fc.array(fc.tuple(node, node)),
      rate: fc.double({ min: 0, max: 1, noNaN: true }).map((r) => r + 0),
      delay: time,
    },
    ['fault'],
  ),
  kind('heal', { node, fault: fc.constantFrom(...FAULTS), id }, []),
  kind(
    'reconfig',
    {
      node,
      slot: nat,
      quorum: fc.oneof(
        fc.constant({ kind: 'majority' as const }),
        fc.record({
          kind: fc.constant('threshold' as const),
          q1: fc.integer({ min: 1, max: 3 }),
          q2: fc.constant(2),
        }),
        fc.record({
          kind: fc.constant('explicit' as const),
          q1: fc.array(fc.uniqueArray(node, { minLength: 1 }), { minLength: 1, maxLength: 3 }),
          q2: fc.array(fc.uniqueArray(node, { minLength: 1 }), { minLength: 1, maxLength: 3 }),
        }),
      ),
    },
    ['slot', 'quorum'],
  ),
  client('invoke'),
  client('ok'),
  client('fail'),
  client('info'),
  fc.record(
    { kind: fc.constantFrom('x-note', 'x-leader'), node, t: time, text: fc.string(), data: json },
    { requiredKeys: ['kind'] },
  ) as unknown as fc.Arbitrary<TraceEvent>,
);

/** The trace as text, written through a validating writer (so the arbitraries obey the schema). */
function write(events: TraceEvent[], options = { validate: true }): string {
  let text = '';
  const w = new TraceWriter({ write: (s) => (text += s) }, options);
  w.header(HEADER);
  for (const e of events) w.event(e);
  return text;
}

async function read(text: string): Promise<{ header: TraceHeader | undefined; events: TraceEvent[] }> {
  const reader = readTrace([Buffer.from(text)]);
  const events: TraceEvent[] = [];
  for await (const { event } of reader) events.push(event);
  expect(reader.errors).toEqual([]);
  return { header: reader.header, events };
}

const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;

describe('round trip', () => {
  fcTest.prop([fc.array(event, { maxLength: 30 })], { numRuns: 200 })(
    'write then read gives back the same header and events',
    async (events) => {
      const { header, events: back } = await read(write(events));
      expect(header).toEqual(HEADER);
      expect(back).toEqual(events);
    },
  );

  fcTest.prop([fc.array(event, { maxLength: 30 })])(
    'the same events give the same bytes, whatever the key order of the event objects',
    (events) => {
      const once = write(events);
      expect(write(events)).toBe(once);
      expect(write(events.map(reversed))).toBe(once);
      expect(write(events, { validate: false })).toBe(once);
    },
  );

  test('reuseMessages writes the same bytes', () => {
    const msg: PaxosMessage = { type: 'prepare', ballot: { round: 1, node: 'n1' } };
    const events: TraceEvent[] = NODES.flatMap((to, i) => [
      { kind: 'send', t: i, node: 'n1', to, msg },
      { kind: 'recv', t: i + 1, node: to, from: 'n1', msg },
    ]);
    let text = '';
    const w = new TraceWriter({ write: (s) => (text += s) }, { reuseMessages: true });
    w.header(HEADER);
    events.forEach((e) => w.event(e));
    expect(text).toBe(write(events));
  });
});

describe('reused texts', () => {
  const ballot = { round: 2, node: 'n1' };
  const batch = [
    { f: 'write', key: 'k1', value: 'é"\\', op: 1, client: 0 },
    { f: 'read', key: 'k2', op: 2, client: 1 },
  ];
  const events: TraceEvent[] = [
    { kind: 'persist', t: 1, node: 'n1', vars: { 'v.3': { ballot, value: batch } } },
    {
      kind: 'send',
      t: 1,
      node: 'n1',
      to: 'n2',
      id: 1,
      msg: { type: 'accept', ballot, slot: 3, value: batch },
    },
    { kind: 'persist', t: 2, node: 'n1', vars: { 'd.3': batch, 'v.3': null, skipped: undefined } },
    { kind: 'decide', t: 2, node: 'n1', slot: 3, value: batch, ballot },
    {
      kind: 'send',
      t: 3,
      node: 'n1',
      to: 'n2',
      id: 2,
      msg: { type: 'catchup-reply', entries: [{ slot: 3, value: batch }], decidedBelow: 4 },
    },
  ];

  test('a batch in many lines is written as without reuse', () => {
    let text = '';
    const w = new TraceWriter({ write: (s) => (text += s) }, { reuseMessages: true });
    w.header(HEADER);
    events.forEach((e) => w.event(e));
    expect(text).toBe(write(events, { validate: false }));
  });

  test('the text of an array is made once: mutating it after it was written is not seen (the contract)', () => {
    let text = '';
    const w = new TraceWriter({ write: (s) => (text += s) });
    w.assumeImmutable();
    w.header(HEADER);
    const value = [{ f: 'write', key: 'a-long-enough-key-to-be-kept', value: 'x'.repeat(120), op: 1 }];
    w.decide(1, 'n1', 0, value);
    value.push({ f: 'write', key: 'b', value: 'y', op: 2 });
    w.persist(2, 'n1', { 'd.0': value });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[1]!['value']).toEqual([value[0]]);
    expect(lines[2]!['vars']).toEqual({ 'd.0': [value[0]] });
  });

  fcTest.prop([fc.jsonValue(), fc.jsonValue()])(
    "nested values give JSON.stringify's text, with and without reuse",
    (a, b) => {
      const shared = [a, b, { a, b }];
      const odd = {
        date: new Date(0),
        nested: { keep: a, drop: undefined, f: () => 1, list: [undefined, () => 1, b, NaN, -0] },
        custom: { toJSON: (key: string) => `key:${key}` },
        instance: new (class Point {
          x = 1;
          y = [a];
        })(),
        shared,
        again: shared,
      };
      let text = '';
      const w = new TraceWriter({ write: (s) => (text += s) }, { reuseMessages: true });
      w.header(HEADER);
      w.persist(1, 'n1', { v: odd, w: shared });
      w.decide(2, 'n1', 0, shared);
      w.decide(3, 'n1', 1, [odd]);
      const lines = text.trim().split('\n').slice(1);
      expect(lines[0]).toBe(
        `{"kind":"persist","t":1,"node":"n1","vars":${JSON.stringify({ v: odd, w: shared })}}`,
      );
      expect(lines[1]).toBe(`{"kind":"decide","t":2,"node":"n1","slot":0,"value":${JSON.stringify(shared)}}`);
      expect(lines[2]).toBe(`{"kind":"decide","t":3,"node":"n1","slot":1,"value":${JSON.stringify([odd])}}`);
    },
  );

  fcTest.prop([fc.jsonValue(), fc.jsonValue()])(
    "arrays of records that carry arrays are walked: JSON.stringify's text, with the arrays' texts reused",
    (a, b) => {
      const batch = [{ f: 'write', key: 'k'.repeat(130), value: a }];
      const entries: unknown[] = [{ slot: 1, value: batch }];
      entries.length = 2; // a hole: written as null
      entries.push(
        undefined,
        () => 1,
        [b],
        { slot: 2, value: [] },
        { toJSON: (key: string) => `key:${key}` },
        { slot: 3, value: batch, more: [a, b] },
        b,
        'é\ud800',
      );
      let text = '';
      const w = new TraceWriter({ write: (s) => (text += s) }, { reuseMessages: true });
      w.header(HEADER);
      w.decide(1, 'n1', 0, batch);
      w.send(2, 'n1', 'n2', 1, { type: 'catchup-reply', entries });
      batch.push({ f: 'read', key: 'x', value: null }); // after it was written: not seen (the contract)
      w.persist(3, 'n1', { entries: [entries[0], b] }); // a new array, the same record
      const lines = text.trim().split('\n').slice(1);
      batch.pop();
      expect(lines[1]).toBe(
        `{"kind":"send","t":2,"node":"n1","to":"n2","id":1,"msg":${JSON.stringify({ type: 'catchup-reply', entries })}}`,
      );
      expect(lines[2]).toBe(
        `{"kind":"persist","t":3,"node":"n1","vars":${JSON.stringify({ entries: [entries[0], b] })}}`,
      );
    },
  );

  fcTest.prop([fc.jsonValue(), fc.jsonValue()])(
    "messages, sent and received, and a toJSON whose result has a toJSON of its own: JSON.stringify's text",
    (a, b) => {
      const cmd = { f: 'write', key: 'k'.repeat(130), value: a };
      let deep: Record<string, unknown> = { list: [a, b] };
      for (let i = 0; i < 12; i++) deep = { i, deep };
      const msgs: Record<string, unknown>[] = [
        { type: 'x-forward', cmds: [cmd] },
        { type: 'accepted', ballot: { round: 1, node: 'n1' }, slot: 2, x: a },
        { type: 'one', entries: [{ slot: 1, value: [cmd, cmd] }] },
        { type: 'nested', in: { more: [[a], b] } },
        { type: 'deep', deep },
        {
          type: 'toJSON',
          date: { toJSON: () => new Date(0) }, // the Date's own toJSON is not called: {}
          list: { toJSON: () => Object.assign([1, { toJSON: () => a }], { toJSON: () => 'no' }) },
          self: { toJSON: () => ({ toJSON: () => 'no', x: [a, b] }) },
        },
        { type: 'own toJSON', toJSON: (key: string) => ({ key, cmds: [cmd, cmd] }) },
      ];
      let text = '';
      const w = new TraceWriter({ write: (s) => (text += s) }, { reuseMessages: true });
      w.header(HEADER);
      msgs.forEach((m, i) => {
        w.send(i, 'n1', 'n2', i, m, w.messageText(m));
        w.recv(i, 'n2', 'n1', i, m);
        w.event({ kind: 'send', t: i, node: 'n1', to: 'n2', id: i, msg: m } as TraceEvent);
      });
      const lines = text.trim().split('\n').slice(1);
      msgs.forEach((m, i) => {
        // As JSON.stringify writes the event: a toJSON gets the key "msg".
        const send = { kind: 'send', t: i, node: 'n1', to: 'n2', id: i, msg: m };
        expect(lines[3 * i]).toBe(JSON.stringify(send));
        expect(lines[3 * i + 1]).toBe(
          JSON.stringify({ kind: 'recv', t: i, node: 'n2', from: 'n1', id: i, msg: m }),
        );
        expect(lines[3 * i + 2]).toBe(JSON.stringify(send));
      });
    },
  );

  test('a cycle through an array of records throws as JSON.stringify does', () => {
    const w = new TraceWriter({ write: () => undefined }, { reuseMessages: true });
    w.header(HEADER);
    const o: Record<string, unknown> = {};
    o['entries'] = [{ slot: 1, value: [o] }];
    expect(() => w.persist(1, 'n1', o)).toThrow(TypeError);
  });

  test('a cycle throws as JSON.stringify does', () => {
    const w = new TraceWriter({ write: () => undefined }, { reuseMessages: true });
    w.header(HEADER);
    const o: Record<string, unknown> = {};
    o['self'] = { o };
    expect(() => w.persist(1, 'n1', o)).toThrow(TypeError);
  });

  fcTest.prop([fc.integer({ min: 0, max: 2 ** 50 }), fc.double()])(
    'times in microseconds are written as String(t)',
    (k, x) => {
      expect(millisText(k / 1000)).toBe(String(k / 1000));
      const t = millisText(x);
      if (t !== undefined) expect(t).toBe(String(x));
    },
  );
});

describe('fast paths', () => {
  /** The same events through the per-kind methods, to a line sink or to a file, with and without reuse. */
  const events: TraceEvent[] = [
    {
      kind: 'send',
      t: 1.5,
      node: 'n1',
      to: 'n2',
      id: 1,
      msg: { type: 'prepare', ballot: { round: 1, node: 'n1' } },
    },
    {
      kind: 'recv',
      t: 2.25,
      node: 'n2',
      from: 'n1',
      id: 1,
      msg: { type: 'prepare', ballot: { round: 1, node: 'n1' } },
    },
    { kind: 'timer', t: 2.25, node: 'n2', name: 'election', action: 'set', after: 300.125 },
    { kind: 'timer', t: 3, node: 'n2', name: 'élection "x"', action: 'fire' },
    { kind: 'persist', t: 3, node: 'n2', vars: { promised: { round: 1, node: 'n1' }, 'd.0': ['é', 1] } },
    { kind: 'decide', t: 3, node: 'n2', slot: 0, value: [{ f: 'write', key: 'k', value: 1 }] },
    { kind: 'decide', t: 4, node: 'n3', slot: 0, value: 'v', ballot: { round: 1, node: 'n1' } },
    { kind: 'invoke', t: 4.001, node: 'n1', process: 3, op: 7, f: 'write', key: 'k', value: 7 },
    { kind: 'invoke', t: 4.5, node: 'n1', process: 4, op: 8, f: 'read', key: 'k', class: 'routine' },
    { kind: 'ok', t: 5, node: 'n1', process: 4, op: 8, f: 'read', key: 'k', value: { a: [1] } },
    { kind: 'ok', t: 5, node: 'n1', process: 4, op: 8, f: 'read', key: 'k', value: null },
    {
      kind: 'fail',
      t: 6,
      node: 'n2',
      process: 3,
      op: 7,
      f: 'write',
      key: 'k',
      value: 7,
      class: 'critical',
      error: { error: 'not the leader', leader: null },
    },
    { kind: 'info', t: 6, node: 'n2', process: 5, op: 9, f: 'read', key: 'k', error: 'timeout' },
  ];
  function viaMethods(w: TraceWriter, list: TraceEvent[] = events): void {
    w.header(HEADER);
    for (const e of list) {
      // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- the kinds with a fast path
      switch (e.kind) {
        case 'send':
          w.send(e.t!, e.node, e.to, e.id as number, e.msg, w.messageText(e.msg));
          break;
        case 'recv':
          w.recv(e.t!, e.node, e.from, e.id as number, e.msg);
          break;
        case 'timer':
          w.timer(e.t!, e.node, e.name, e.action, e.after);
          break;
        case 'persist':
          w.persist(e.t!, e.node, e.vars);
          break;
        case 'decide':
          w.decide(e.t!, e.node, e.slot, e.value, e.ballot);
          break;
        case 'invoke':
        case 'ok':
          w.client(e.kind, e.t!, e.node, e.process, e.op, e.f, e.key, e.value, e.class);
          break;
        case 'fail':
        case 'info':
          w.client(e.kind, e.t!, e.node, e.process, e.op, e.f, e.key, e.value, e.class, e.error);
          break;
        default:
          throw new Error(`no fast path for ${e.kind}`);
      }
    }
  }

  test.each([{}, { reuseMessages: true }, { validate: true }])(
    'send, recv, timer, persist, decide and client events write what event() writes (%o)',
    async (options) => {
      let text = '';
      const sink = new TraceWriter({ write: (s) => (text += s) }, options);
      viaMethods(sink);
      expect(text).toBe(write(events));
      const path = join(tmp, 'fast.ndjson');
      const file = new TraceWriter(path, { ...options, bufferSize: 64 });
      viaMethods(file);
      await file.close();
      expect(readFileSync(path, 'utf8')).toBe(text);
    },
  );

  // Strings that take the slow paths: escapes, non-ASCII, astral pairs, lone surrogates, long ones.
  const tricky = trickyString(12);
  const text = fc.oneof(
    { weight: 8, arbitrary: tricky },
    tricky.map((x) => x.repeat(60)),
    fc.constantFrom('é'.repeat(5000), 'x'.repeat(9000)), // longer than any buffer
  );
  const safeKey = text.filter((k) => !FORBIDDEN.has(k));
  // Integers the writer writes digit by digit (below 2^31) and the ones it must not (-0 is 0 in JSON).
  const int = fc.oneof(
    nat,
    fc.maxSafeNat(),
    fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, -0, -1, 1.5, 1e21),
  );
  // Plain objects nested up to 60 deep, some without a prototype: persist writes them in pieces.
  const nested = fc
    .tuple(fc.integer({ min: 1, max: 60 }), fc.boolean(), safeKey, text)
    .map(([depth, bare, key, leaf]) => {
      let v: unknown = leaf;
      for (let i = 0; i < depth; i++) {
        const o = (bare && i % 2 === 0 ? Object.create(null) : {}) as Record<string, unknown>;
        o[key] = v;
        o['n'] = i;
        v = o;
      }
      return v;
    });
  const value: fc.Arbitrary<unknown> = fc.oneof(
    json,
    text,
    int,
    nested,
    fc.array(text, { maxLength: 4 }),
    fc.dictionary(safeKey, fc.oneof(text, fc.array(text, { maxLength: 3 }), int), { maxKeys: 3 }),
  );
  const clientKind = (k: 'invoke' | 'ok' | 'fail' | 'info') =>
    fc.record(
      {
        kind: fc.constant(k),
        t: time,
        node: text,
        process: fc.oneof(int, text),
        op: fc.oneof(int, text),
        f: text,
        key: value,
        value,
        class: text,
        ...(k === 'fail' || k === 'info' ? { error: value } : {}),
      },
      { requiredKeys: ['kind', 't', 'process', 'op', 'f'] },
    );
  const fastEvent = fc.oneof(
    fc.record({ kind: fc.constant('send'), t: time, node: text, to: text, id: int, msg: value }),
    fc.record({ kind: fc.constant('recv'), t: time, node: text, from: text, id: int, msg: value }),
    fc.record(
      {
        kind: fc.constant('timer'),
        t: time,
        node: text,
        name: text,
        action: fc.constantFrom('set', 'fire', 'cancel'),
        after: time,
      },
      { requiredKeys: ['kind', 't', 'node', 'name', 'action'] },
    ),
    fc.record({
      kind: fc.constant('persist'),
      t: time,
      node: text,
      vars: fc.dictionary(safeKey, value, { maxKeys: 3 }),
    }),
    fc.record(
      { kind: fc.constant('decide'), t: time, node: text, slot: int, value, ballot: value },
      { requiredKeys: ['kind', 't', 'node', 'slot', 'value'] },
    ),
    clientKind('invoke'),
    clientKind('ok'),
    clientKind('fail'),
    clientKind('info'),
  ) as unknown as fc.Arbitrary<TraceEvent>;

  fcTest.prop(
    [
      fc.array(fastEvent, { maxLength: 25 }),
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom({}, { reuseMessages: true }),
    ],
    { numRuns: 150 },
  )(
    'written in pieces, to a file with any buffer size or to a line sink, the bytes are those of event()',
    async (list, bufferSize, options) => {
      const expected = write(list, { validate: false });
      let text = '';
      const sink = new TraceWriter({ write: (s) => (text += s) }, options);
      viaMethods(sink, list);
      expect(text).toBe(expected);
      const path = join(tmp, 'pieces.ndjson');
      const file = new TraceWriter(path, { ...options, bufferSize });
      viaMethods(file, list);
      await file.close();
      expect(readFileSync(path).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    },
  );

  test('names past the first 16 a line repeats (kept in maps, not the grid) are written as event() writes them', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `node-${i}`);
    const list: TraceEvent[] = [];
    for (let i = 0; i < 200; i++) {
      const a = names[(i * 7) % 40]!;
      const b = names[(i * 13 + 5) % 40]!;
      list.push(
        { kind: 'send', t: i, node: a, to: b, id: i, msg: { type: 'x-ping', n: i } },
        { kind: 'recv', t: i + 1, node: b, from: a, id: i, msg: { type: 'x-ping', n: i } },
        { kind: 'timer', t: i, node: a, name: names[i % 40]!, action: 'set', after: 1.5 },
        { kind: 'invoke', t: i, node: b, process: i, op: i, f: names[(i * 3) % 40]!, key: 'k', value: i },
      );
    }
    const path = join(tmp, 'grid.ndjson');
    const w = new TraceWriter(path);
    viaMethods(w, list);
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe(write(list, { validate: false }));
  });

  test('a message whose bytes the ring has come round to is written from the message', async () => {
    const path = join(tmp, 'stale.ndjson');
    const w = new TraceWriter(path);
    w.assumeImmutable();
    w.header(HEADER);
    const msg = { type: 'accept', ballot: { round: 1, node: 'n1' }, value: ['a'.repeat(200)] };
    const text = w.messageText(msg);
    expect(typeof text).toBe('number'); // bytes in the ring
    w.send(1, 'n1', 'n2', 1, msg, text);
    // 1.3 MB of persisted variables go through the ring (512 KiB) before the message arrives.
    for (let i = 0; i < 4000; i++) w.persist(1, 'n1', { big: 'x'.repeat(300) + i });
    w.recv(2, 'n2', 'n1', 1, msg, text);
    await w.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[1]!)).toEqual({ kind: 'send', t: 1, node: 'n1', to: 'n2', id: 1, msg });
    expect(JSON.parse(lines.at(-1)!)).toEqual({ kind: 'recv', t: 2, node: 'n2', from: 'n1', id: 1, msg });
  });

  test('a line that throws writes nothing to a file either', async () => {
    const path = join(tmp, 'throws.ndjson');
    const w = new TraceWriter(path, { bufferSize: 16, reuseMessages: true });
    w.header(HEADER);
    expect(() => w.decide(1, 'n1', 0, { a: [1, 10n] })).toThrow();
    expect(() => w.send(1, 'n1', 'n2', NaN, { type: 'x' })).toThrow('field "id": NaN is not a JSON number');
    expect(() => w.persist(1, 'n1', { v: { toJSON: () => 1n } })).toThrow();
    expect(() => w.client('ok', 2, 'n1', 1, 1, 'read', 'k', () => 1)).toThrow();
    w.timer(2, 'n1', 'é', 'fire');
    await w.close();
    expect(w.lines).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe(
      write([{ kind: 'timer', t: 2, node: 'n1', name: 'é', action: 'fire' }]),
    );
  });

  test('a toJSON that writes to the writer while a persist line is built leaves both lines whole', () => {
    for (const reuseMessages of [false, true]) {
      let text = '';
      const w = new TraceWriter({ write: (x) => (text += x) }, { reuseMessages });
      w.header(HEADER);
      const inner = { toJSON: () => (w.persist(2, 'n2', { inner: [1] }), 5) };
      w.persist(1, 'n1', { a: 'x'.repeat(300), b: { c: inner }, d: 'tail' });
      const lines = text.trim().split('\n').slice(1);
      expect(lines).toEqual([
        '{"kind":"persist","t":2,"node":"n2","vars":{"inner":[1]}}',
        `{"kind":"persist","t":1,"node":"n1","vars":{"a":"${'x'.repeat(300)}","b":{"c":5},"d":"tail"}}`,
      ]);
    }
  });

  test('a value that is not JSON writes nothing', () => {
    let text = '';
    const w = new TraceWriter({ write: (s) => (text += s) });
    w.header(HEADER);
    const before = text;
    expect(() => w.decide(1, 'n1', 0, 10n)).toThrow();
    expect(() => w.timer(NaN, 'n1', 'x', 'fire')).toThrow('field "t": NaN is not a JSON number');
    expect(text).toBe(before);
    expect(w.lines).toBe(1);
  });
});

describe('format', () => {
  test('one compact line per event, fields in schema order, undefined fields left out', () => {
    const line = stringifyTraceLine({
      msg: { type: 'prepare', ballot: { round: 1, node: 'n1' } },
      id: undefined,
      to: 'n2',
      node: 'n1',
      t: 0.5,
      kind: 'send',
    });
    expect(line).toBe(
      '{"kind":"send","t":0.5,"node":"n1","to":"n2","msg":{"type":"prepare","ballot":{"round":1,"node":"n1"}}}',
    );
    expect(stringifyTraceLine({ kind: 'state', node: 'n"1\n', vars: { 'a\u2028': '\ud800' } })).toBe(
      String.raw`{"kind":"state","node":"n\"1\n","vars":{"a` + '\u2028' + String.raw`":"\ud800"}}`,
    );
  });

  test('extension events: envelope fields first, then their own fields sorted', () => {
    expect(stringifyTraceLine({ kind: 'x-note', text: 'hi', node: 'n1', b: 1, a: [2] })).toBe(
      '{"kind":"x-note","node":"n1","a":[2],"b":1,"text":"hi"}',
    );
  });
});

describe('files', () => {
  test('a path sink writes the file on close (with fsync), and close is idempotent', async () => {
    const path = join(tmp, 'run.ndjson');
    const w = new TraceWriter(path, { fsync: true, bufferSize: 100 });
    w.header(HEADER);
    for (let i = 0; i < 50; i++) w.event({ kind: 'decide', t: i, node: 'n1', slot: i, value: i });
    expect(w.lines).toBe(51);
    await w.close();
    await w.close();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')).toHaveLength(52);
    expect(text).toBe(
      write(
        Array.from({ length: 50 }, (_, i): TraceEvent => ({
          kind: 'decide',
          t: i,
          node: 'n1',
          slot: i,
          value: i,
        })),
      ),
    );
  });

  test("a sink's close is awaited", async () => {
    let closed = false;
    const w = new TraceWriter({
      write: () => undefined,
      close: async () => {
        await Promise.resolve();
        closed = true;
      },
    });
    await w.close();
    expect(closed).toBe(true);
  });
});

describe('misuse and validation fail fast', () => {
  const sink = { write: (): void => undefined };

  test('order of calls', async () => {
    const w = new TraceWriter(sink);
    expect(() => w.event({ kind: 'crash', node: 'n1' })).toThrow('TraceWriter: event() before header()');
    w.header(HEADER);
    expect(() => w.header(HEADER)).toThrow('TraceWriter: header() called twice');
    await w.close();
    expect(() => w.event({ kind: 'crash', node: 'n1' })).toThrow('TraceWriter: event() after close()');
  });

  test('values that are not JSON, and unknown kinds', () => {
    expect(() => stringifyTraceLine({ kind: 'decide', t: NaN, node: 'n1', slot: 0, value: 1 })).toThrow(
      'field "t": NaN is not a JSON number',
    );
    expect(() => stringifyTraceLine({ kind: 'crash', node: 'n1', x: { f: 1n } })).toThrow(TypeError);
    expect(() => stringifyTraceLine({ kind: 'sned' } as unknown as TraceEvent)).toThrow(
      'unknown event kind "sned"',
    );
    expect(() => new TraceWriter({} as never)).toThrow(/the sink must be/);
  });

  test('validate: true rejects lines that break the schema or name unknown nodes', () => {
    const w = new TraceWriter(sink, { validate: true });
    w.header(HEADER);
    const bad = (e: unknown): TraceWriteError => {
      try {
        w.event(e as TraceEvent);
      } catch (err) {
        if (err instanceof TraceWriteError) return err;
        throw err;
      }
      throw new Error('expected a TraceWriteError');
    };
    expect(
      bad({ kind: 'send', node: 'n1', to: 'n9', msg: { type: 'prepare', ballot: { round: 1, node: 'n1' } } })
        .errors,
    ).toMatchObject([{ code: 'unknown-node', field: '/to' }]);
    expect(bad({ kind: 'send', node: 'n1', to: 'n2', msg: { type: 'prepare', ballot: 1 } }).message).toMatch(
      '/msg/ballot: expected a Ballot object (with round, node), got 1',
    );
    expect(bad({ kind: 'decide', node: 'n1', slot: 1.5, value: 1 }).errors).toMatchObject([
      { code: 'invalid-event', field: '/slot' },
    ]);
    expect(
      bad({ kind: 'state', node: 'n1', vars: JSON.parse('{"__proto__":1}') as object }).errors,
    ).toMatchObject([{ code: 'forbidden-key', field: '/vars/__proto__' }]);
    expect(w.lines).toBe(1);
  });
});
