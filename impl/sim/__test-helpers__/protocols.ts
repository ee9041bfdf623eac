// Small protocols for testing the simulator (not shipped as protocols): a fixed-leader replicated
// log with a key-value store (safe), a protocol where every node decides its own value (broken at
// once), and single-decree Paxos with a `forgetPromise` mutant (broken only by crash/restart).

import type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from '../../Node.js';
import type { KvRequest } from '../Simulator.js';

// ---------------------------------------------------------------------------------------------
// Fixed leader (the first node): it orders client requests into slots, replicates each entry to
// the followers, decides once a majority (itself included) holds it, and answers the client.

type LeaderMsg =
  | { type: 'append'; slot: number; value: KvRequest & { op: number } }
  | { type: 'ack'; slot: number }
  | { type: 'commit'; slot: number; value: KvRequest & { op: number } }
  | { type: 'ping' };

interface LeaderState {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly leader: NodeId;
  readonly next: number;
  readonly acks: ReadonlyMap<number, readonly NodeId[]>;
  readonly entries: ReadonlyMap<number, KvRequest & { op: number }>;
  readonly kv: ReadonlyMap<string, unknown>;
}

/** A fixed-leader replicated KV log: safe under every fault the simulator makes (no leader change). */
export const fixedLeader: NodeBehavior<LeaderState, LeaderMsg, KvRequest, unknown> = {
  protocol: 'test-fixed-leader',
  init(config: NodeConfig, durable): Step<LeaderState, LeaderMsg> {
    const next = typeof durable?.['next'] === 'number' ? durable['next'] : 0;
    return {
      state: {
        id: config.id,
        nodes: config.nodes,
        leader: config.nodes[0]!,
        next,
        acks: new Map(),
        entries: new Map(),
        kv: new Map(),
      },
      effects:
        config.id === config.nodes[0] ? [{ kind: 'setTimer', name: 'ping', after: 50, jitter: 5 }] : [],
    };
  },
  onRequest(s, req: ClientRequest<KvRequest>) {
    if (s.id !== s.leader)
      return { state: s, effects: [{ kind: 'reply', op: req.op, ok: false, result: { leader: s.leader } }] };
    const slot = s.next;
    const value = { ...req.request, op: req.op };
    const entries = new Map(s.entries).set(slot, value);
    return {
      state: { ...s, next: slot + 1, entries, acks: new Map(s.acks).set(slot, [s.id]) },
      effects: [
        { kind: 'persist', vars: { next: slot + 1 } },
        { kind: 'broadcast', msg: { type: 'append', slot, value } },
      ],
    };
  },
  onMessage(s, from, msg) {
    switch (msg.type) {
      case 'append':
        return {
          state: s,
          effects: [
            { kind: 'persist', vars: { [`e${msg.slot}`]: msg.value } },
            { kind: 'send', to: from, msg: { type: 'ack', slot: msg.slot } },
          ],
        };
      case 'ack': {
        const have = s.acks.get(msg.slot) ?? [];
        const value = s.entries.get(msg.slot);
        if (value === undefined || have.includes(from)) return { state: s, effects: [] };
        const acks = new Map(s.acks).set(msg.slot, [...have, from]);
        if (have.length + 1 < Math.floor(s.nodes.length / 2) + 1)
          return { state: { ...s, acks }, effects: [] };
        // Decided: forget the entry, so state stays small however long the run.
        acks.delete(msg.slot);
        const entries = new Map(s.entries);
        entries.delete(msg.slot);
        const kv = value.f === 'write' ? new Map(s.kv).set(value.key, value.value) : s.kv;
        return {
          state: { ...s, acks, entries, kv },
          effects: [
            { kind: 'decide', slot: msg.slot, value },
            { kind: 'broadcast', msg: { type: 'commit', slot: msg.slot, value } },
            {
              kind: 'reply',
              op: value.op,
              ok: true,
              result: value.f === 'read' ? (s.kv.get(value.key) ?? null) : undefined,
            },
          ],
        };
      }
      case 'commit':
        return { state: s, effects: [{ kind: 'decide', slot: msg.slot, value: msg.value }] };
      case 'ping':
        return { state: s, effects: [] };
    }
  },
  onTimer(s) {
    return {
      state: s,
      effects: [
        { kind: 'broadcast', msg: { type: 'ping' } },
        { kind: 'setTimer', name: 'ping', after: 50, jitter: 5 },
      ],
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Broken: every node decides its own name for slot 0 as soon as it starts.

/** Every node decides its own name for slot 0 at start: the safety watch must stop the run at once. */
export const selfish: NodeBehavior<{ id: NodeId }, { type: string }> = {
  protocol: 'test-selfish',
  init: (config) => ({ state: { id: config.id }, effects: [{ kind: 'decide', slot: 0, value: config.id }] }),
  onMessage: (s) => ({ state: s, effects: [] }),
  onTimer: (s) => ({ state: s, effects: [] }),
  onRequest: (s) => ({ state: s, effects: [] }),
};

/** Throws when it gets a client request (for the exit-75 path). */
export const throwing: NodeBehavior<{ id: NodeId }, { type: string }> = {
  protocol: 'test-throwing',
  init: (config) => ({ state: { id: config.id }, effects: [] }),
  onMessage: (s) => ({ state: s, effects: [] }),
  onTimer: (s) => ({ state: s, effects: [] }),
  onRequest: () => {
    throw new Error('boom: onRequest is not implemented');
  },
};

// ---------------------------------------------------------------------------------------------
// Single-decree Paxos, every node a proposer, acceptor and learner. Phase 1: a proposer picks a
// ballot above any it has seen and asks for promises; an acceptor promises if the ballot is above
// its promise and reports its last vote. Phase 2: with a majority of promises the proposer offers
// the value of the highest vote reported (or its own); acceptors vote unless they promised higher.
// A value voted by a majority at one ballot is decided. Any two majorities intersect, so a later
// ballot's phase 1 sees every chosen value, as long as acceptors never forget a promise: with
// `forgetPromise`, an acceptor persists its votes but not its promises, so after a restart it can
// vote in a ballot it promised to ignore, and two values get decided.

interface Ballot {
  readonly round: number;
  readonly node: NodeId;
}
type PaxosMsg =
  | { type: 'prepare'; ballot: Ballot }
  | { type: 'promise'; ballot: Ballot; vote: { ballot: Ballot; value: string } | null }
  | { type: 'nack'; ballot: Ballot; promised: Ballot }
  | { type: 'accept'; ballot: Ballot; value: string }
  | { type: 'accepted'; ballot: Ballot; value: string };

interface PaxosState {
  readonly id: NodeId;
  readonly n: number;
  readonly forget: boolean;
  readonly promised: Ballot | null;
  readonly vote: { ballot: Ballot; value: string } | null;
  readonly round: number;
  readonly ballot: Ballot | null;
  readonly promises: ReadonlyMap<NodeId, { ballot: Ballot; value: string } | null>;
  readonly sentAccept: boolean;
  readonly votes: ReadonlyMap<string, readonly NodeId[]>;
  readonly decided: boolean;
}

const cmp = (a: Ballot, b: Ballot): number =>
  a.round - b.round || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
const key = (b: Ballot): string => `${b.round}.${b.node}`;

/** Single-decree Paxos; params `{ forgetPromise: true }` makes acceptors forget promises on restart. */
export const testPaxos: NodeBehavior<PaxosState, PaxosMsg, unknown, unknown, { forgetPromise?: boolean }> = {
  protocol: 'test-paxos',
  init(config, durable) {
    const forget = config.params.forgetPromise === true;
    const vote = (durable?.['vote'] as PaxosState['vote'] | undefined) ?? null;
    const promised = forget
      ? (vote?.ballot ?? null)
      : ((durable?.['promised'] as Ballot | undefined) ?? null);
    return {
      state: {
        id: config.id,
        n: config.nodes.length,
        forget,
        promised,
        vote,
        round: promised?.round ?? 0,
        ballot: null,
        promises: new Map(),
        sentAccept: false,
        votes: new Map(),
        decided: false,
      },
      effects: [{ kind: 'setTimer', name: 'propose', after: 1, jitter: 40 }],
    };
  },
  onTimer(s) {
    if (s.decided) return { state: s, effects: [] };
    const ballot = { round: s.round + 1, node: s.id };
    return {
      state: { ...s, round: ballot.round, ballot, promises: new Map(), sentAccept: false },
      effects: [
        { kind: 'broadcast', msg: { type: 'prepare', ballot }, self: true },
        { kind: 'setTimer', name: 'propose', after: 80, jitter: 80 },
      ],
    };
  },
  onMessage(s, from, msg): Step<PaxosState, PaxosMsg> {
    const majority = Math.floor(s.n / 2) + 1;
    switch (msg.type) {
      case 'prepare': {
        if (s.promised !== null && cmp(msg.ballot, s.promised) <= 0) {
          return {
            state: s,
            effects: [
              { kind: 'send', to: from, msg: { type: 'nack', ballot: msg.ballot, promised: s.promised } },
            ],
          };
        }
        const effects: Effect<PaxosMsg>[] = s.forget
          ? []
          : [{ kind: 'persist', vars: { promised: msg.ballot } }];
        effects.push({ kind: 'send', to: from, msg: { type: 'promise', ballot: msg.ballot, vote: s.vote } });
        return { state: { ...s, promised: msg.ballot, round: Math.max(s.round, msg.ballot.round) }, effects };
      }
      case 'promise': {
        if (s.ballot === null || cmp(msg.ballot, s.ballot) !== 0 || s.sentAccept)
          return { state: s, effects: [] };
        const promises = new Map(s.promises).set(from, msg.vote);
        if (promises.size < majority) return { state: { ...s, promises }, effects: [] };
        let best: { ballot: Ballot; value: string } | null = null;
        for (const v of promises.values())
          if (v !== null && (best === null || cmp(v.ballot, best.ballot) > 0)) best = v;
        const value = best?.value ?? `v-${s.id}`;
        return {
          state: { ...s, promises, sentAccept: true },
          effects: [{ kind: 'broadcast', msg: { type: 'accept', ballot: s.ballot, value }, self: true }],
        };
      }
      case 'nack':
        return { state: { ...s, round: Math.max(s.round, msg.promised.round) }, effects: [] };
      case 'accept': {
        if (s.promised !== null && cmp(msg.ballot, s.promised) < 0) {
          return {
            state: s,
            effects: [
              { kind: 'send', to: from, msg: { type: 'nack', ballot: msg.ballot, promised: s.promised } },
            ],
          };
        }
        const vote = { ballot: msg.ballot, value: msg.value };
        return {
          state: { ...s, promised: msg.ballot, vote },
          effects: [
            { kind: 'persist', vars: s.forget ? { vote } : { promised: msg.ballot, vote } },
            {
              kind: 'broadcast',
              msg: { type: 'accepted', ballot: msg.ballot, value: msg.value },
              self: true,
            },
          ],
        };
      }
      case 'accepted': {
        if (s.decided) return { state: s, effects: [] };
        const k = key(msg.ballot);
        const voters = s.votes.get(k) ?? [];
        if (voters.includes(from)) return { state: s, effects: [] };
        const votes = new Map(s.votes).set(k, [...voters, from]);
        if (voters.length + 1 < majority) return { state: { ...s, votes }, effects: [] };
        return {
          state: { ...s, votes, decided: true },
          effects: [{ kind: 'decide', slot: 0, value: msg.value, ballot: msg.ballot }],
        };
      }
    }
  },
  onRequest(s, req) {
    return {
      state: s,
      effects: [
        { kind: 'reply', op: req.op, ok: false, result: 'single-decree test protocol: no client requests' },
      ],
    };
  },
};
