// Regenerates traces/corpus/, the conformance corpus: conforming traces written by the simulator,
// traces with known violations (minimal mutations of those, a run of a deliberately broken node,
// small hand-written ones) and malformed traces, with expected.json and README.md. Deterministic:
// the same code gives byte-identical files. Run: npx tsx scripts/make-corpus.ts [--check]
// (--check regenerates in memory and fails when a file on disk differs).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { protocols, type ProtocolEntry, type ProtocolName } from '../impl/index.js';
import {
  parseLatency,
  parseScenario,
  simulate,
  type Latency,
  type NetworkOptions,
  type WorkloadOptions,
} from '../impl/sim/index.js';
import { quorumsOf } from '../conformance/quorum.js';
import { createPaxosSafety } from '../conformance/safety/paxos.js';
import {
  readTrace,
  stringifyTraceLine,
  TraceWriter,
  type TraceEvent,
  type TraceHeader,
  type TraceLine,
} from '../traces/index.js';

const OUT = fileURLToPath(new URL('../traces/corpus/', import.meta.url));

/** What a corpus file should give. */
export interface Expected {
  verdict: 'conforms' | 'violated' | 'malformed';
  violated: string[];
  description: string;
}

interface CorpusFile extends Expected {
  file: string;
  /** How it was made (README). */
  made: string;
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Simulator runs.

interface Run {
  protocol: ProtocolName;
  nodes: number;
  seed: number;
  durationMs: number;
  params?: Record<string, unknown>;
  latency?: string;
  loss?: number;
  dup?: number;
  reorder?: number;
  rate?: number;
  clientTimeoutMs?: number;
  scenario?: { faults: unknown[] };
}

/** The `synod simulate` command line equivalent to a run (for the README). */
function commandOf(r: Run): string {
  const parts = ['synod simulate', r.protocol, `--nodes ${r.nodes}`, `--seed ${r.seed}`];
  parts.push(`--duration ${r.durationMs}ms`);
  for (const [k, v] of Object.entries(r.params ?? {})) parts.push(`--param ${k}=${JSON.stringify(v)}`);
  if (r.latency !== undefined) parts.push(`--latency ${r.latency}`);
  if (r.loss !== undefined) parts.push(`--loss ${r.loss}`);
  if (r.dup !== undefined) parts.push(`--dup ${r.dup}`);
  if (r.reorder !== undefined) parts.push(`--reorder ${r.reorder}`);
  if (r.rate !== undefined) parts.push(`--rate ${r.rate}/s`);
  if (r.clientTimeoutMs !== undefined) parts.push(`--client-timeout ${r.clientTimeoutMs}ms`);
  if (r.scenario !== undefined) parts.push(`--faults <file: ${JSON.stringify(r.scenario)}>`);
  return parts.join(' ');
}

/** Runs the simulator in-process and returns the trace text. */
function run(r: Run): string {
  const entry: ProtocolEntry = protocols[r.protocol];
  const params: Record<string, unknown> = { ...entry.defaults, ...(r.params ?? {}) };
  const nodes = Array.from({ length: r.nodes }, (_, i) => `n${i + 1}`);
  const network: NetworkOptions = {};
  if (r.latency !== undefined) network.latency = parseLatency(r.latency) as Latency;
  if (r.loss !== undefined) network.loss = r.loss;
  if (r.dup !== undefined) network.duplicate = r.dup;
  if (r.reorder !== undefined) network.reorder = r.reorder;
  const workload: WorkloadOptions = { rate: r.rate ?? 20 };
  if (r.clientTimeoutMs !== undefined) workload.timeout = r.clientTimeoutMs;
  let text = '';
  const w = new TraceWriter({ write: (t: string) => (text += t) });
  simulate({
    behavior: entry.behavior,
    nodes,
    params,
    seed: r.seed,
    duration: r.durationMs,
    network,
    workload,
    quorum: entry.quorum(params, nodes),
    trace: w,
    ...(r.scenario === undefined ? {} : { scenario: parseScenario(r.scenario, nodes) }),
  });
  void w.close();
  return text;
}

// ---------------------------------------------------------------------------------------------
// Checking (the same as conformance/corpus.test.ts does).

export interface Checked {
  verdict: 'conforms' | 'violated' | 'malformed';
  violated: string[];
  messages: string[];
}

export async function check(text: string): Promise<Checked> {
  const reader = readTrace([text]);
  let safety: ReturnType<typeof createPaxosSafety> | undefined;
  let lastTime = 0;
  let events = 0;
  for await (const batch of reader.batches()) {
    if (safety === undefined && reader.header !== undefined) {
      safety = createPaxosSafety(reader.header, {
        quorums: quorumsOf(reader.header.quorum, reader.header.nodes),
      });
    }
    for (const { line, event } of batch) {
      if (event.t !== undefined && event.t > lastTime) lastTime = event.t;
      safety?.event(event, line);
      events++;
    }
  }
  const results = safety?.finish({ lastTime, events }) ?? [];
  const violated = results.filter((r) => r.status === 'violated');
  if (reader.errors.length > 0 || reader.header === undefined) {
    return { verdict: 'malformed', violated: [], messages: reader.errors.map((e) => `${e.line}: ${e.code}`) };
  }
  return {
    verdict: violated.length > 0 ? 'violated' : 'conforms',
    violated: violated.map((r) => r.name),
    messages: violated.map((r) => `${r.name}: ${r.violation?.message ?? ''}`),
  };
}

// ---------------------------------------------------------------------------------------------
// Traces as lists of events, for mutations.

interface Parsed {
  header: TraceHeader;
  events: TraceEvent[];
}

function parse(text: string): Parsed {
  const lines = text.split('\n').filter((l) => l !== '');
  const [first, ...rest] = lines;
  return {
    header: JSON.parse(first as string) as TraceHeader,
    events: rest.map((l) => JSON.parse(l) as TraceEvent),
  };
}

function render(p: Parsed): string {
  return [p.header as TraceLine, ...p.events].map((l) => stringifyTraceLine(l) + '\n').join('');
}

type Ev = TraceEvent;
type SendEv = Extract<TraceEvent, { kind: 'send' }>;
type DecideEv = Extract<TraceEvent, { kind: 'decide' }>;
interface Msg {
  type: string;
  ballot?: { round: number; node: string };
  slot?: number;
  value?: unknown;
}

const msgOf = (e: Ev): Msg | undefined => (e.kind === 'send' || e.kind === 'recv' ? e.msg : undefined);
const isSend = (e: Ev, type: string): e is SendEv => e.kind === 'send' && msgOf(e)?.type === type;
const cmpBallot = (a: { round: number; node: string }, b: { round: number; node: string }): number =>
  a.round !== b.round ? a.round - b.round : a.node < b.node ? -1 : a.node > b.node ? 1 : 0;

function must<T>(x: T | undefined, what: string): T {
  if (x === undefined) throw new Error(`make-corpus: ${what} not found (did the simulator change?)`);
  return x;
}

/** A copy of a trace with the events changed by `f` (which may return a new array). */
function mutate(p: Parsed, f: (events: Ev[]) => Ev[]): Parsed {
  return { header: p.header, events: f(p.events.map((e) => structuredClone(e))) };
}

/** A send without its message id: a copy of a message re-sent (ids are unique per message). */
function resend(e: SendEv, t: number | undefined): SendEv {
  const rest: Partial<SendEv> = { ...e };
  delete rest.id;
  return { ...rest, ...(t === undefined ? {} : { t }) } as SendEv;
}

// ---------------------------------------------------------------------------------------------
// The conforming runs.

const RUNS = {
  'multipaxos-3-clean': {
    protocol: 'multipaxos',
    nodes: 3,
    seed: 1,
    durationMs: 2500,
    params: { heartbeatMs: 100 },
    rate: 15,
  },
  'multipaxos-5-faults': {
    protocol: 'multipaxos',
    nodes: 5,
    seed: 7,
    durationMs: 5000,
    params: { heartbeatMs: 150 },
    rate: 8,
    loss: 0.02,
    dup: 0.02,
    reorder: 0.05,
    scenario: {
      faults: [
        {
          at: '1200ms',
          partition: [
            ['n1', 'n2'],
            ['n3', 'n4', 'n5'],
          ],
          heal: '2000ms',
        },
        { at: '2600ms', crash: 'n4', restart: '3200ms' },
        { at: '3400ms', crash: 'n3', restart: '3900ms' },
      ],
    },
  },
  'paxos-3': { protocol: 'paxos', nodes: 3, seed: 3, durationMs: 2000, rate: 10 },
  'paxos-5-crashes': {
    protocol: 'paxos',
    nodes: 5,
    seed: 5,
    durationMs: 3000,
    rate: 10,
    scenario: {
      faults: [
        { at: '20ms', crash: 'n1', restart: '400ms' },
        { at: '60ms', crash: 'n4', restart: '700ms' },
        { at: '300ms', crash: 'n3', restart: '550ms' },
      ],
    },
  },
  'paxos-3-forget-promise': {
    protocol: 'paxos',
    nodes: 3,
    seed: 1265491267,
    durationMs: 2000,
    params: { forgetPromise: true },
    latency: 'uniform:1ms..100ms',
    rate: 50,
    clientTimeoutMs: 1000,
    scenario: { faults: [{ at: '105ms', crash: 'n1', restart: '151ms' }] },
  },
} satisfies Record<string, Run>;

// ---------------------------------------------------------------------------------------------
// Mutations of conforming traces: each changes as little as it can.

/** One node's decision (the last decide event) changed to another value proposed in that slot. */
function decideOtherValue(p: Parsed): Parsed {
  return mutate(p, (ev) => {
    const last = must(
      [...ev].reverse().find((e): e is DecideEv => e.kind === 'decide'),
      'a decide event',
    );
    const other = must(
      ev
        .filter((e) => isSend(e, 'accept'))
        .find((e) => JSON.stringify(msgOf(e)?.value) !== JSON.stringify(last.value)),
      'an accept of another value',
    );
    last.value = msgOf(other)?.value;
    return ev;
  });
}

/** A node decides a slot a second time (same value, no restart in between). */
function decideTwice(p: Parsed, node: string, slot: number): Parsed {
  return mutate(p, (ev) => {
    const i = ev.findIndex((e) => e.kind === 'decide' && e.node === node && e.slot === slot);
    must(ev[i], `${node}'s decide of slot ${slot}`);
    ev.splice(i + 1, 0, structuredClone(ev[i] as Ev));
    return ev;
  });
}

/** The client op carried by slot `slot` was never invoked: its invoke and completion are removed. */
function dropInvoke(p: Parsed, slot: number): { parsed: Parsed; op: number } {
  const d = must(
    p.events.find((e): e is DecideEv => e.kind === 'decide' && e.slot === slot),
    `a decide of slot ${slot}`,
  );
  const op = must((d.value as Array<{ op: number }>)[0]?.op, `an op in slot ${slot}`);
  const parsed = mutate(p, (ev) =>
    ev.filter(
      (e) => !(['invoke', 'ok', 'fail', 'info'].includes(e.kind) && (e as { op?: number }).op === op),
    ),
  );
  return { parsed, op };
}

/** Every vote (`accepted`, sent and received) for `slot` removed: the leader decides on its own vote. */
function dropVotes(p: Parsed, slot: number): Parsed {
  return mutate(p, (ev) => ev.filter((e) => !(msgOf(e)?.type === 'accepted' && msgOf(e)?.slot === slot)));
}

/** The first read answered ok returns another value. */
function wrongRead(p: Parsed): { parsed: Parsed; op: number } {
  let op = -1;
  const parsed = mutate(p, (ev) => {
    const ok = must(
      ev.find((e): e is Extract<Ev, { kind: 'ok' }> => e.kind === 'ok' && e.f === 'read'),
      'a read answered ok',
    );
    ok.value = 'not-in-the-log';
    op = ok.op;
    return ev;
  });
  return { parsed, op };
}

/** The first write that failed (no leader yet: it never reached the log) is answered ok instead. */
function okNotInLog(p: Parsed): { parsed: Parsed; op: number } {
  let op = -1;
  const parsed = mutate(p, (ev) => {
    const i = ev.findIndex((e) => e.kind === 'fail' && e.f === 'write');
    const f = must(ev[i], 'a failed write') as Extract<Ev, { kind: 'fail' }>;
    const rest: Partial<typeof f> = { ...f };
    delete rest.error;
    ev[i] = { ...rest, kind: 'ok' } as Ev;
    op = f.op;
    return ev;
  });
  return { parsed, op };
}

/**
 * An acceptor re-sends a stale message after a higher promise: its promise (`type` 'promise') or
 * its vote ('accepted') for a lower ballot, copied from earlier in the trace.
 */
function staleResend(p: Parsed, type: 'promise' | 'accepted'): { parsed: Parsed; what: string } {
  let what = '';
  const parsed = mutate(p, (ev) => {
    for (let j = 0; j < ev.length; j++) {
      const later = ev[j] as Ev;
      if (!isSend(later, 'promise')) continue;
      const b2 = msgOf(later)?.ballot;
      if (b2 === undefined || later.to === later.node) continue;
      const old = ev
        .slice(0, j)
        .find(
          (e): e is SendEv =>
            isSend(e, type) &&
            e.node === later.node &&
            e.to !== e.node &&
            msgOf(e)?.ballot !== undefined &&
            cmpBallot(msgOf(e)?.ballot as { round: number; node: string }, b2) < 0,
        );
      if (old === undefined) continue;
      const b1 = msgOf(old)?.ballot as { round: number; node: string };
      what = `${later.node} re-sends its ${type} for ballot (${b1.round}, ${b1.node}) to ${old.to} right after promising (${b2.round}, ${b2.node}) (line ${j + 2})`;
      ev.splice(j + 1, 0, resend(old, later.t));
      return ev;
    }
    throw new Error(`make-corpus: no acceptor that sent a ${type} and later a higher promise`);
  });
  return { parsed, what };
}

/** The leader elected after the first leader's crash sends its first accept before any promise arrives. */
function skipPhaseOne(p: Parsed, leader: string): { parsed: Parsed; what: string } {
  let what = '';
  const parsed = mutate(p, (ev) => {
    const i = ev.findIndex((e) => isSend(e, 'accept') && e.node === leader);
    const accept = must(ev[i], `an accept by ${leader}`) as SendEv;
    const b = msgOf(accept)?.ballot as { round: number; node: string };
    let k = -1;
    for (let j = 0; j < i; j++) {
      const e = ev[j] as Ev;
      if (isSend(e, 'prepare') && e.node === leader && cmpBallot(msgOf(e)?.ballot as typeof b, b) === 0)
        k = j;
    }
    must(ev[k], `${leader}'s prepare of its ballot`);
    ev.splice(i, 1);
    ev.splice(k + 1, 0, { ...accept, t: (ev[k] as Ev).t } as Ev);
    what = `${leader}'s first accept of ballot (${b.round}, ${b.node}) (slot ${String(msgOf(accept)?.slot)}) moved to just after its prepares, before any promise`;
    return ev;
  });
  return { parsed, what };
}

// ---------------------------------------------------------------------------------------------
// Hand-written traces: a dozen events on three nodes.

const b = (round: number, node: string): { round: number; node: string } => ({ round, node });

function handHeader(): TraceHeader {
  return {
    kind: 'header',
    format: 'synod-trace',
    version: 1,
    protocol: 'paxos',
    nodes: ['n1', 'n2', 'n3'],
    quorum: { kind: 'majority' },
    clock: 'virtual',
    producer: { name: 'synod scripts/make-corpus.ts (hand-written)' },
  };
}

/** Message helpers for hand-written single-decree traces (t in ms). */
function send(t: number, node: string, to: string, msg: Record<string, unknown>): Ev {
  return { kind: 'send', t, node, to, msg } as unknown as Ev;
}
function recv(t: number, node: string, from: string, msg: Record<string, unknown>): Ev {
  return { kind: 'recv', t, node, from, msg } as unknown as Ev;
}
function decide(t: number, node: string, value: unknown, ballot: { round: number; node: string }): Ev {
  return { kind: 'decide', t, node, slot: 0, value, ballot } as unknown as Ev;
}

/** n1 runs ballot (1, n1) with n2 and gets value "a" chosen (n1 and n2 vote for it). */
function chooseA(): Ev[] {
  const B = b(1, 'n1');
  return [
    send(0, 'n1', 'n2', { type: 'prepare', ballot: B }),
    recv(5, 'n2', 'n1', { type: 'prepare', ballot: B }),
    send(5, 'n2', 'n1', { type: 'promise', ballot: B }),
    recv(10, 'n1', 'n2', { type: 'promise', ballot: B }),
    send(10, 'n1', 'n2', { type: 'accept', ballot: B, value: 'a' }),
    recv(15, 'n2', 'n1', { type: 'accept', ballot: B, value: 'a' }),
    send(15, 'n2', 'n1', { type: 'accepted', ballot: B, value: 'a' }),
    recv(20, 'n1', 'n2', { type: 'accepted', ballot: B, value: 'a' }),
  ];
}

/**
 * n2 crashes and comes back without its vote (its promise was durable, its vote was not); n3 runs
 * ballot (2, n3) with it, learns of no vote, and gets "b" chosen. `decider` decides "b".
 */
function lostVoteThenB(t0: number, decider: string): Ev[] {
  const B = b(2, 'n3');
  return [
    { kind: 'crash', t: t0, node: 'n2' },
    { kind: 'restart', t: t0 + 5, node: 'n2' },
    send(t0 + 10, 'n3', 'n2', { type: 'prepare', ballot: B }),
    recv(t0 + 15, 'n2', 'n3', { type: 'prepare', ballot: B }),
    send(t0 + 15, 'n2', 'n3', { type: 'promise', ballot: B }),
    recv(t0 + 20, 'n3', 'n2', { type: 'promise', ballot: B }),
    send(t0 + 20, 'n3', 'n2', { type: 'accept', ballot: B, value: 'b' }),
    recv(t0 + 25, 'n2', 'n3', { type: 'accept', ballot: B, value: 'b' }),
    send(t0 + 25, 'n2', 'n3', { type: 'accepted', ballot: B, value: 'b' }),
    recv(t0 + 30, 'n3', 'n2', { type: 'accepted', ballot: B, value: 'b' }),
    ...(decider === 'n3'
      ? [decide(t0 + 30, 'n3', 'b', B)]
      : [
          send(t0 + 30, 'n3', decider, { type: 'decide', value: 'b', ballot: B }),
          recv(t0 + 35, decider, 'n3', { type: 'decide', value: 'b', ballot: B }),
          decide(t0 + 35, decider, 'b', B),
        ]),
  ];
}

function agreementLostVote(): Parsed {
  return {
    header: handHeader(),
    events: [...chooseA(), decide(20, 'n1', 'a', b(1, 'n1')), ...lostVoteThenB(30, 'n3')],
  };
}

function logPrefixLostVote(): Parsed {
  return {
    header: handHeader(),
    events: [
      ...chooseA(),
      decide(20, 'n1', 'a', b(1, 'n1')),
      { kind: 'crash', t: 25, node: 'n1' },
      { kind: 'restart', t: 28, node: 'n1' },
      ...lostVoteThenB(30, 'n1'),
    ],
  };
}

/** n3's phase 1 learns n2's vote for "a" at (1, n1), and n3 proposes "b" anyway. */
function proposerIgnoresVote(): Parsed {
  const B1 = b(1, 'n1');
  const B2 = b(2, 'n3');
  return {
    header: handHeader(),
    events: [
      ...chooseA(),
      send(30, 'n3', 'n2', { type: 'prepare', ballot: B2 }),
      recv(35, 'n2', 'n3', { type: 'prepare', ballot: B2 }),
      send(35, 'n2', 'n3', { type: 'promise', ballot: B2, accepted: { ballot: B1, value: 'a' } }),
      recv(40, 'n3', 'n2', { type: 'promise', ballot: B2, accepted: { ballot: B1, value: 'a' } }),
      send(40, 'n3', 'n2', { type: 'accept', ballot: B2, value: 'b' }),
      recv(45, 'n2', 'n3', { type: 'accept', ballot: B2, value: 'b' }),
      send(45, 'n2', 'n3', { type: 'accepted', ballot: B2, value: 'b' }),
      recv(50, 'n3', 'n2', { type: 'accepted', ballot: B2, value: 'b' }),
      decide(50, 'n3', 'b', B2),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The corpus.

function build(): CorpusFile[] {
  const sim = Object.fromEntries(Object.entries(RUNS).map(([k, r]) => [k, run(r as Run)])) as Record<
    keyof typeof RUNS,
    string
  >;
  const out: CorpusFile[] = [];
  const add = (file: string, e: Omit<CorpusFile, 'file'>): void => {
    out.push({ file, ...e });
  };
  const conforming = (name: keyof typeof RUNS, description: string): void =>
    add(`${name}.ndjson`, {
      verdict: 'conforms',
      violated: [],
      description,
      made: `\`${commandOf(RUNS[name])}\``,
      text: sim[name],
    });
  conforming('multipaxos-3-clean', 'Multi-Paxos, 3 nodes, no faults: one leader (n1) decides every slot.');
  conforming(
    'multipaxos-5-faults',
    'Multi-Paxos, 5 nodes, 2% loss and duplication, 5% reordering; a partition {n1,n2}|{n3,n4,n5} 1.2s-2s, the leader n4 crashes 2.6s-3.2s (n2 takes over), the follower n3 crashes 3.4s-3.9s.',
  );
  conforming(
    'paxos-3',
    'Single-decree Paxos, 3 nodes, every node proposes: duelling proposers, one value chosen.',
  );
  conforming(
    'paxos-5-crashes',
    'Single-decree Paxos, 5 nodes; n1 and n4 crash before the decision (and learn it after restarting), n3 crashes after deciding.',
  );
  add('paxos-3-forget-promise.ndjson', {
    verdict: 'violated',
    violated: ['agreement', 'acceptor-accept'],
    description:
      'A deliberately broken acceptor (forgetPromise: promises are not durable): n1 restarts without its promise, votes for a lower ballot, and two values get chosen.',
    made: `\`${commandOf(RUNS['paxos-3-forget-promise'])}\` (stops at the first safety violation)`,
    text: sim['paxos-3-forget-promise'],
  });

  const mp3 = parse(sim['multipaxos-3-clean']);
  const mp5 = parse(sim['multipaxos-5-faults']);
  const px5 = parse(sim['paxos-5-crashes']);

  add('agreement-decide-value.ndjson', {
    verdict: 'violated',
    violated: ['agreement', 'quorum'],
    description:
      "One node's decision changed to another value proposed in the same slot: the others decided differently, and no quorum voted for that value.",
    made: "paxos-5-crashes.ndjson with the last decide (n4's) changed to the value of the losing ballot's accept",
    text: render(decideOtherValue(px5)),
  });
  add('agreement-lost-vote.ndjson', {
    verdict: 'violated',
    violated: ['agreement'],
    description:
      'n1 and n2 choose "a" at ballot (1, n1) and n1 decides it; n2 restarts without its vote (not durable), promises (2, n3) reporting no vote, and n3 gets "b" chosen and decides it. Every per-message rule holds as reported.',
    made: 'hand-written (scripts/make-corpus.ts: agreementLostVote)',
    text: render(agreementLostVote()),
  });
  const inv = dropInvoke(mp3, 2);
  add('validity-uninvoked-op.ndjson', {
    verdict: 'violated',
    violated: ['validity'],
    description: `Slot 2 holds a command for client op ${inv.op}, which no client invoked.`,
    made: `multipaxos-3-clean.ndjson without the invoke and the completion of op ${inv.op}`,
    text: render(inv.parsed),
  });
  add('integrity-decide-twice.ndjson', {
    verdict: 'violated',
    violated: ['integrity'],
    description: 'n2 decides slot 3 twice (the same value) without restarting.',
    made: "multipaxos-3-clean.ndjson with n2's decide of slot 3 duplicated",
    text: render(decideTwice(mp3, 'n2', 3)),
  });
  add('log-prefix-lost-vote.ndjson', {
    verdict: 'violated',
    violated: ['log-prefix'],
    description:
      'n1 decides "a", crashes and restarts; n2 restarts without its vote, n3 gets "b" chosen and tells only n1, which decides "b" for the same slot. No other node decides the slot.',
    made: 'hand-written (scripts/make-corpus.ts: logPrefixLostVote)',
    text: render(logPrefixLostVote()),
  });
  const acc = staleResend(mp5, 'accepted');
  add('acceptor-accept-stale-vote.ndjson', {
    verdict: 'violated',
    violated: ['acceptor-accept'],
    description: 'An acceptor votes for a ballot below the one it has just promised.',
    made: `multipaxos-5-faults.ndjson where ${acc.what}`,
    text: render(acc.parsed),
  });
  const prom = staleResend(px5, 'promise');
  add('acceptor-promise-stale-promise.ndjson', {
    verdict: 'violated',
    violated: ['acceptor-promise'],
    description: 'An acceptor promises a ballot below one it has already promised.',
    made: `paxos-5-crashes.ndjson where ${prom.what}`,
    text: render(prom.parsed),
  });
  const skip = skipPhaseOne(mp5, 'n2');
  add('proposer-value-skip-phase1.ndjson', {
    verdict: 'violated',
    violated: ['proposer-value'],
    description: 'The new leader sends a phase-2 accept before a phase-1 quorum promised its ballot.',
    made: `multipaxos-5-faults.ndjson with ${skip.what}`,
    text: render(skip.parsed),
  });
  add('proposer-value-ignores-vote.ndjson', {
    verdict: 'violated',
    violated: ['proposer-value'],
    description:
      'n2 reports its vote for "a" at (1, n1) in its promise for (2, n3); n3 proposes "b" instead and decides it (only n3 decides).',
    made: 'hand-written (scripts/make-corpus.ts: proposerIgnoresVote)',
    text: render(proposerIgnoresVote()),
  });
  add('quorum-no-votes.ndjson', {
    verdict: 'violated',
    violated: ['quorum'],
    description: "The leader decides slot 5 on its own vote: the followers' votes for it are gone.",
    made: 'multipaxos-3-clean.ndjson without the `accepted` messages (send and recv) of slot 5',
    text: render(dropVotes(mp3, 5)),
  });
  const rd = wrongRead(mp3);
  add('client-read-wrong-value.ndjson', {
    verdict: 'violated',
    violated: ['client-exactly-once'],
    description: `Client op ${rd.op} (a read) returns a value the key never held at its place in the log.`,
    made: `multipaxos-3-clean.ndjson with the ok of op ${rd.op} returning "not-in-the-log"`,
    text: render(rd.parsed),
  });
  const nl = okNotInLog(mp3);
  add('client-ok-not-in-log.ndjson', {
    verdict: 'violated',
    violated: ['client-exactly-once'],
    description: `Client op ${nl.op} (a write) is answered ok but never enters the log.`,
    made: `multipaxos-3-clean.ndjson with the fail (no leader yet) of op ${nl.op} turned into an ok`,
    text: render(nl.parsed),
  });
  const px3 = sim['paxos-3'];
  const lines = px3.split('\n').filter((l) => l !== '');
  const lastLine = lines[lines.length - 1] as string;
  add('malformed-truncated.ndjson', {
    verdict: 'malformed',
    violated: [],
    description: 'The last line is cut off in the middle (no newline, incomplete JSON).',
    made: 'paxos-3.ndjson with its last line cut in half',
    text: lines.slice(0, -1).join('\n') + '\n' + lastLine.slice(0, Math.floor(lastLine.length / 2)),
  });
  add('malformed-missing-header.ndjson', {
    verdict: 'malformed',
    violated: [],
    description: 'The header line is missing: the first line is an event.',
    made: 'paxos-3.ndjson without its first line',
    text: lines.slice(1).join('\n') + '\n',
  });
  return out.sort((x, y) => (x.file < y.file ? -1 : 1));
}

function readme(files: CorpusFile[]): string {
  const rows = files.map(
    (f) =>
      `- \`${f.file}\`: **${f.verdict}**${f.violated.length > 0 ? ` (${f.violated.join(', ')})` : ''}. ${f.description} Made: ${f.made}.`,
  );
  return `# traces/corpus/

The conformance corpus: traces with known verdicts, checked by \`conformance/corpus.test.ts\`
against \`expected.json\` (the verdict and the exact set of violated invariants). Every invariant of
the Paxos safety checker (\`conformance/safety/paxos.ts\`) has at least one trace that violates it
and nothing else. Conforming traces come from the simulator; violations are minimal mutations of
them, a run of a deliberately broken node, or small hand-written traces; malformed traces get the
verdict \`malformed\` (bad input, not a violation).

Regenerate (deterministic, byte-identical): \`npx tsx scripts/make-corpus.ts\`. Check that the files
on disk are up to date: \`npx tsx scripts/make-corpus.ts --check\`. Both also run the checker on
every file and fail when a verdict differs from \`expected.json\`. Review changes as diffs.
Simulator commands below give \`--faults\` the scenario inline; the CLI takes it as a file.

${rows.join('\n')}
`;
}

async function main(): Promise<void> {
  const checkOnly = process.argv.includes('--check');
  const files = build();
  const style = (await prettier.resolveConfig(join(OUT, 'README.md'))) ?? {};
  const expected: Record<string, Expected> = {};
  for (const f of files)
    expected[f.file] = { verdict: f.verdict, violated: f.violated, description: f.description };
  const outputs = new Map<string, string>(files.map((f) => [f.file, f.text]));
  // Formatted as `prettier --check .` (npm run lint) wants them.
  outputs.set('expected.json', await prettier.format(JSON.stringify(expected), { ...style, parser: 'json' }));
  outputs.set('README.md', await prettier.format(readme(files), { ...style, parser: 'markdown' }));
  let bad = 0;
  for (const f of files) {
    const got = await check(f.text);
    const same =
      got.verdict === f.verdict && [...got.violated].sort().join() === [...f.violated].sort().join();
    if (!same) {
      bad++;
      process.stderr.write(
        `${f.file}: expected ${f.verdict} [${f.violated.join(', ')}], got ${got.verdict} [${got.violated.join(', ')}]\n  ${got.messages.join('\n  ')}\n`,
      );
    }
  }
  if (checkOnly) {
    for (const [name, text] of outputs) {
      let disk: string | undefined;
      try {
        disk = readFileSync(join(OUT, name), 'utf8');
      } catch {
        disk = undefined;
      }
      if (disk !== text) {
        bad++;
        process.stderr.write(`${name}: out of date (run npx tsx scripts/make-corpus.ts)\n`);
      }
    }
    const extra = readdirSync(OUT).filter((n) => !outputs.has(n));
    for (const n of extra) process.stderr.write(`${n}: not made by this script\n`);
    bad += extra.length;
  } else {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const [name, text] of outputs) writeFileSync(join(OUT, name), text);
    const size = [...outputs.values()].reduce((n, t) => n + t.length, 0);
    process.stdout.write(`wrote ${outputs.size} files (${Math.round(size / 1024)} KiB) to ${OUT}\n`);
  }
  if (bad > 0) process.exitCode = 1;
}

await main();
