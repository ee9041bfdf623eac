// Multi-Paxos as a node of the reference implementation (impl/Node.ts), with a replicated key-value
// store on top (kv.ts). Twins: the single-decree spec `spec/paxos/paxos.ts` and `tla/Paxos.tla`
// describe one slot of this log; a Multi-Paxos TLA+ twin does not exist yet. The messages are the
// trace format's `multipaxos` messages, plus `x-forward` (a client command passed to the leader).
//
// The algorithm. Every node is an acceptor, a learner and a would-be leader.
//   Election   a follower that hears nothing from a leader for `electionTimeoutMs` (plus random
//              jitter, drawn by the runtime, so candidates rarely collide) picks a ballot above every
//              round it has seen, promises it to itself, and sends `prepare(ballot, fromSlot)` where
//              fromSlot is its commit point (every slot below it is decided and known to it).
//   Promise    an acceptor whose promise is below the ballot raises it (persisted first) and answers
//              with its votes at every slot from max(fromSlot, its own commit point) on. It reports
//              that start as the promise's `fromSlot`: below its commit point it keeps no votes,
//              only the decided log.
//   Leader     with promises from a phase-1 quorum the candidate leads. Let F be the highest
//              `fromSlot` among them. For every slot >= F each quorum member reported its vote, so
//              the leader re-proposes the highest-ballot value reported, and a no-op (empty batch)
//              in gaps below the highest reported slot. Slots below F that it has not decided are
//              decided at some quorum member: it fetches them by catch-up and proposes nothing new
//              until it has them (so it can tell which client commands are already in the log).
//   Phase 2    for each new slot the leader sends `accept(ballot, slot, batch)`; an acceptor whose
//              promise is not above the ballot persists the vote and answers `accepted`; the leader
//              decides with a phase-2 quorum and sends `decide`. Batching: up to `batchSize`
//              commands per slot, a partial batch waits at most `batchDelayMs`. Pipelining: up to
//              `pipeline` undecided slots in flight. Unanswered accepts are re-sent every other
//              heartbeat; a `nack` (a higher promise) makes the leader step down.
//   Heartbeat  the leader sends `heartbeat(ballot, decidedBelow)` every `heartbeatMs`; followers
//              reset their election timers and learn the leader's commit point.
//
// Why one phase 1 covers all slots. A promise is not per slot: it says "I will refuse every ballot
// below b, in every slot", and it reports the acceptor's votes in every slot the leader may still
// propose in. So the single-decree argument (quorum intersection, highest reported vote) holds in
// each slot at once, and while no higher ballot appears the leader goes straight to phase 2 for
// every new slot: one round trip per batch.
//
// Catch-up. The decided log is durable (one variable per slot), so a restarted node keeps what it
// knew. A node that learns of a commit point beyond its own (a heartbeat's `decidedBelow`, or a
// `decide` beyond a gap) sends `catchup(fromSlot)`; any node answers with up to `catchupBatch`
// decided entries (`catchup-reply`), and the lagging node asks again until it has caught up.
//
// Clients. A request to the leader joins its batch queue; a follower that knows the leader
// forwards it (and re-forwards every `retryMs` until the command is applied), and a node that knows
// no leader (or with `forward: false`) answers `ok: false` at once, so the client retries. The node
// the client asked replies once it applies the command. Reads go through the log like writes, so
// the store is linearizable. Exactly once: the store applies an op at its first slot in the log and
// skips later copies, and the client's answer comes from that first slot. Copies are rare but
// cannot be ruled out: a deposed leader's lone vote for a command can be recovered by a later
// leader after the command was retried and chosen elsewhere (Paxos must re-propose the
// highest-ballot value of every slot, as it may have been chosen). A leader never proposes a
// command already in its decided log, its recovered slots or its pipeline.
//
// Durable state: `round`, `promised`, `v.<slot>` (the vote in an undecided slot; null once decided)
// and `d.<slot>` (the decided batch). The mutant `forgetPromise: true` does not persist promises.

import type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from '../Node.js';
import { asBallot, compareBallots, quorumSizes, sameBallot, type Ballot } from '../paxos/ballot.js';
import { resolveParams, type ParamValues } from '../paxos/params.js';
import { IntMap } from './IntMap.js';
import { applyKvMap, KvMap, kvRequestError, type KvCommand, type KvRequest } from './kv.js';
import { OpQueue } from './OpQueue.js';

/** A log entry's value: a batch of client commands (empty: a no-op). */
export type Batch = readonly KvCommand[];

/** A vote in one slot. */
export type SlotVote = { readonly slot: number; readonly ballot: Ballot; readonly value: Batch };

/**
 * The messages of Multi-Paxos, as the trace schema's `message.multipaxos` defines them (arrays are
 * mutable so that the type extends the trace format's; nodes never mutate them).
 */
export type MultiPaxosMessage =
  | { readonly type: 'prepare'; readonly ballot: Ballot; readonly fromSlot: number }
  | {
      readonly type: 'promise';
      readonly ballot: Ballot;
      readonly fromSlot: number;
      readonly accepted?: SlotVote[];
    }
  | { readonly type: 'accept'; readonly ballot: Ballot; readonly slot: number; readonly value: Batch }
  | { readonly type: 'accepted'; readonly ballot: Ballot; readonly slot: number }
  | { readonly type: 'nack'; readonly ballot: Ballot; readonly promised?: Ballot; readonly slot?: number }
  | { readonly type: 'decide'; readonly slot: number; readonly value: Batch; readonly ballot?: Ballot }
  | { readonly type: 'heartbeat'; readonly ballot: Ballot; readonly decidedBelow: number }
  | { readonly type: 'catchup'; readonly fromSlot: number }
  | {
      readonly type: 'catchup-reply';
      readonly entries: { readonly slot: number; readonly value: Batch }[];
      readonly decidedBelow: number;
    }
  /** Implementation-specific: client commands passed on to the leader. */
  | { readonly type: 'x-forward'; readonly cmds: KvCommand[] };

/** The parameters of the Multi-Paxos node. */
export const MULTIPAXOS_PARAMS = {
  batchSize: {
    kind: 'number',
    default: 16,
    min: 1,
    integer: true,
    description: 'Most client commands the leader puts in one log slot.',
  },
  batchDelayMs: {
    kind: 'number',
    default: 0,
    min: 0,
    description: 'How long a partial batch may wait for more commands before it is proposed (0: at once).',
  },
  pipeline: {
    kind: 'number',
    default: 4,
    min: 1,
    integer: true,
    description: 'Most undecided slots the leader has in flight at once.',
  },
  heartbeatMs: {
    kind: 'number',
    default: 50,
    min: 1,
    description:
      'Interval of the leader heartbeats (they also re-send unanswered accepts, every other beat).',
  },
  electionTimeoutMs: {
    kind: 'number',
    default: 300,
    min: 1,
    description: 'A follower that hears no leader for this long (plus jitter) starts an election.',
  },
  electionJitterMs: {
    kind: 'number',
    default: 300,
    min: 0,
    description: 'Random extra election delay in [0, jitter) ms, drawn by the runtime: randomized backoff.',
  },
  forward: {
    kind: 'boolean',
    default: true,
    description:
      'A follower forwards client requests to the leader it knows; false: it answers ok: false with the leader as a hint.',
  },
  retryMs: {
    kind: 'number',
    default: 200,
    min: 1,
    description: 'A node re-forwards the client commands it still waits for every this many ms.',
  },
  catchupBatch: {
    kind: 'number',
    default: 64,
    min: 1,
    integer: true,
    description: 'Most decided entries in one catch-up reply.',
  },
  phase1Quorum: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    description:
      'Promises needed to lead; 0 means a majority. phase1Quorum + phase2Quorum must exceed the node count.',
  },
  phase2Quorum: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    description: 'Votes needed to decide a slot; 0 means a majority.',
  },
  forgetPromise: {
    kind: 'boolean',
    default: false,
    description: 'MUTANT (unsafe): acceptors do not persist their promises and forget them on restart.',
  },
} as const;

/** Resolved parameters of the Multi-Paxos node. */
export type MultiPaxosParams = ParamValues<typeof MULTIPAXOS_PARAMS>;

type Vote = { readonly ballot: Ballot; readonly value: Batch };
type Inflight = { readonly value: Batch; readonly acks: readonly NodeId[]; readonly sentTick: number };

/** The state of one Multi-Paxos node. */
export type MultiPaxosState = {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly params: MultiPaxosParams;
  readonly q1: number;
  readonly q2: number;
  // Durable.
  /** The highest round this node used for its own ballots. */
  readonly round: number;
  /** Acceptor: the highest ballot promised. */
  readonly promised: Ballot | null;
  /** Acceptor: the vote in each slot at or above `commitIndex` where it voted. */
  readonly votes: IntMap<Vote>;
  /** Highest slot with a vote, or -1. */
  readonly maxVoteSlot: number;
  /** Learner: decided batches by slot. */
  readonly log: IntMap<Batch>;
  // Rebuilt from the log on restart.
  /** Every slot below this one is decided and applied. */
  readonly commitIndex: number;
  /** One above the highest decided slot known. */
  readonly decidedTop: number;
  /** The key-value store (persistent: a write copies a few small arrays). */
  readonly kv: KvMap;
  /** op -> slot where it was applied. */
  readonly appliedOps: IntMap<number>;
  // Volatile.
  readonly seenRound: number;
  readonly role: 'follower' | 'candidate' | 'leader';
  /** Own ballot while candidate or leader (then equal to `promised`). */
  readonly ballot: Ballot | null;
  /** The leader this node believes in, if any. */
  readonly leader: NodeId | null;
  /** Candidate: promises received. */
  readonly promises: Readonly<
    Record<NodeId, { readonly fromSlot: number; readonly accepted: readonly SlotVote[] }>
  >;
  /** Leader: next free slot, slots in flight, commands waiting for a slot. */
  readonly nextSlot: number;
  readonly inflight: Readonly<Record<number, Inflight>>;
  readonly queue: OpQueue;
  readonly batchArmed: boolean;
  /** Leader: propose nothing new until the commit index reaches this (slots decided elsewhere). */
  readonly catchupTarget: number;
  readonly catchupFrom: NodeId | null;
  readonly tick: number;
  /** Client commands this node must answer, by op. */
  readonly pending: IntMap<KvCommand>;
  readonly retryArmed: boolean;
};

type Eff = Effect<MultiPaxosMessage, unknown>;
type MStep = Step<MultiPaxosState, MultiPaxosMessage, unknown>;

/** Effects of one step; the durable writes are collected and emitted first. */
class Ctx {
  readonly eff: Eff[] = [];
  vars: Record<string, unknown> | null = null;
  persist(name: string, value: unknown): void {
    (this.vars ??= {})[name] = value;
  }
  send(to: NodeId, msg: MultiPaxosMessage): void {
    this.eff.push({ kind: 'send', to, msg });
  }
  broadcast(msg: MultiPaxosMessage): void {
    this.eff.push({ kind: 'broadcast', msg });
  }
  done(state: MultiPaxosState): MStep {
    return {
      state,
      effects: this.vars === null ? this.eff : [{ kind: 'persist', vars: this.vars }, ...this.eff],
    };
  }
}

const ELECTION = 'election';
const HEARTBEAT = 'heartbeat';
const BATCH = 'batch';
const RETRY = 'retry';

function electionTimer(s: MultiPaxosState, ctx: Ctx): void {
  ctx.eff.push({
    kind: 'setTimer',
    name: ELECTION,
    after: s.params.electionTimeoutMs,
    jitter: s.params.electionJitterMs,
  });
}

function armRetry(s: MultiPaxosState, ctx: Ctx): MultiPaxosState {
  if (s.retryArmed) return s;
  ctx.eff.push({ kind: 'setTimer', name: RETRY, after: s.params.retryMs });
  return { ...s, retryArmed: true };
}

function persistPromise(s: MultiPaxosState, ctx: Ctx, b: Ballot): void {
  if (!s.params.forgetPromise) ctx.persist('promised', b);
}

/** Give up leading or candidacy. */
function stepDown(s: MultiPaxosState, ctx: Ctx, leader: NodeId | null): MultiPaxosState {
  if (s.role === 'leader') {
    ctx.eff.push({ kind: 'cancelTimer', name: HEARTBEAT }, { kind: 'cancelTimer', name: BATCH });
  }
  electionTimer(s, ctx);
  return {
    ...s,
    role: 'follower',
    ballot: null,
    leader,
    promises: {},
    inflight: {},
    queue: OpQueue.empty(),
    batchArmed: false,
    catchupTarget: 0,
    catchupFrom: null,
  };
}

/** Raise the promise to `b` when it is higher; a candidate or leader below it steps down. */
function raisePromise(s: MultiPaxosState, ctx: Ctx, b: Ballot): MultiPaxosState {
  if (compareBallots(b, s.promised) <= 0) return s;
  persistPromise(s, ctx, b);
  const next: MultiPaxosState = { ...s, promised: b, seenRound: Math.max(s.seenRound, b.round) };
  return next.role !== 'follower' && compareBallots(b, next.ballot) > 0 ? stepDown(next, ctx, null) : next;
}

/** Learn that `value` is decided in `slot`; apply the contiguous prefix and answer clients. */
function learn(
  s: MultiPaxosState,
  ctx: Ctx,
  slot: number,
  value: Batch,
  ballot: Ballot | null,
): MultiPaxosState {
  if (slot < s.commitIndex || s.log.has(slot)) return s;
  ctx.persist(`d.${slot}`, value);
  ctx.eff.push(ballot === null ? { kind: 'decide', slot, value } : { kind: 'decide', slot, value, ballot });
  let { commitIndex, kv, appliedOps, votes, pending, inflight } = s;
  const log = s.log.set(slot, value);
  if (inflight[slot] !== undefined) {
    const rest = { ...inflight };
    delete rest[slot];
    inflight = rest;
  }
  while (log.has(commitIndex)) {
    const batch = log.get(commitIndex)!;
    for (const cmd of batch) {
      if (appliedOps.has(cmd.op)) continue; // never twice, even if a command were logged twice
      const applied = applyKvMap(kv, cmd);
      kv = applied.store;
      appliedOps = appliedOps.set(cmd.op, commitIndex);
      if (pending.has(cmd.op)) {
        ctx.eff.push({ kind: 'reply', op: cmd.op, ok: applied.result.ok, result: applied.result.value });
        pending = pending.set(cmd.op, undefined);
      }
    }
    if (votes.has(commitIndex)) {
      votes = votes.set(commitIndex, undefined);
      ctx.persist(`v.${commitIndex}`, null);
    }
    commitIndex++;
  }
  const decidedTop = Math.max(s.decidedTop, slot + 1);
  const nextSlot = s.role === 'leader' ? Math.max(s.nextSlot, decidedTop) : s.nextSlot;
  return { ...s, log, commitIndex, decidedTop, kv, appliedOps, votes, pending, inflight, nextSlot };
}

/** True when `op` is in the log or in flight: proposing it again could log it twice. */
function isLogged(s: MultiPaxosState, op: number): boolean {
  if (s.appliedOps.has(op)) return true;
  for (let slot = s.commitIndex; slot < s.decidedTop; slot++) {
    const b = s.log.get(slot);
    if (b !== undefined && b.some((c) => c.op === op)) return true;
  }
  for (const f of Object.values(s.inflight)) if (f.value.some((c) => c.op === op)) return true;
  return false;
}

function enqueue(s: MultiPaxosState, cmds: readonly KvCommand[]): MultiPaxosState {
  let queue = s.queue;
  for (const c of cmds) {
    if (queue.has(c.op) || isLogged(s, c.op)) continue;
    queue = queue.push(c);
  }
  return queue === s.queue ? s : { ...s, queue };
}

/** Leader: send `accept` for `slot` and vote for it ourselves. */
function propose(s: MultiPaxosState, ctx: Ctx, slot: number, value: Batch): MultiPaxosState {
  const ballot = s.ballot!;
  ctx.broadcast({ type: 'accept', ballot, slot, value });
  ctx.persist(`v.${slot}`, { ballot, value });
  const next: MultiPaxosState = {
    ...s,
    votes: s.votes.set(slot, { ballot, value }),
    maxVoteSlot: Math.max(s.maxVoteSlot, slot),
    inflight: { ...s.inflight, [slot]: { value, acks: [s.id], sentTick: s.tick } },
  };
  return s.q2 <= 1 ? decideAsLeader(next, ctx, slot) : next;
}

function decideAsLeader(s: MultiPaxosState, ctx: Ctx, slot: number): MultiPaxosState {
  const f = s.inflight[slot]!;
  ctx.broadcast({ type: 'decide', slot, value: f.value, ballot: s.ballot! });
  return learn(s, ctx, slot, f.value, s.ballot);
}

/** Leader: fill the pipeline from the queue (a partial batch waits for the batch timer unless `force`). */
function tryPropose(s: MultiPaxosState, ctx: Ctx, force = false): MultiPaxosState {
  if (s.role !== 'leader' || s.commitIndex < s.catchupTarget) return s;
  let next = s;
  while (
    next.queue.length > 0 &&
    next.role === 'leader' &&
    Object.keys(next.inflight).length < next.params.pipeline
  ) {
    if (next.queue.length < next.params.batchSize && next.params.batchDelayMs > 0 && !force) {
      if (!next.batchArmed) {
        ctx.eff.push({ kind: 'setTimer', name: BATCH, after: next.params.batchDelayMs });
        next = { ...next, batchArmed: true };
      }
      break;
    }
    const batch: KvCommand[] = [];
    let i = 0;
    for (; i < next.queue.length && batch.length < next.params.batchSize; i++) {
      const c = next.queue.at(i);
      if (!isLogged(next, c.op)) batch.push(c);
    }
    next = { ...next, queue: next.queue.drop(i) };
    if (batch.length === 0) continue;
    const slot = next.nextSlot;
    next = propose({ ...next, nextSlot: slot + 1 }, ctx, slot, batch);
  }
  return next;
}

function votesFrom(s: MultiPaxosState, from: number): SlotVote[] {
  const out: SlotVote[] = [];
  for (let slot = from; slot <= s.maxVoteSlot; slot++) {
    const v = s.votes.get(slot);
    if (v !== undefined) out.push({ slot, ballot: v.ballot, value: v.value });
  }
  return out;
}

function startElection(s: MultiPaxosState, ctx: Ctx): MultiPaxosState {
  const round = Math.max(s.round, s.seenRound, s.promised?.round ?? 0) + 1;
  const ballot: Ballot = { round, node: s.id };
  ctx.persist('round', round);
  persistPromise(s, ctx, ballot);
  ctx.broadcast({ type: 'prepare', ballot, fromSlot: s.commitIndex });
  electionTimer(s, ctx);
  if (s.role === 'leader') ctx.eff.push({ kind: 'cancelTimer', name: HEARTBEAT });
  const next: MultiPaxosState = {
    ...s,
    round,
    seenRound: round,
    promised: ballot,
    role: 'candidate',
    ballot,
    leader: null,
    promises: { [s.id]: { fromSlot: s.commitIndex, accepted: votesFrom(s, s.commitIndex) } },
    inflight: {},
    queue: OpQueue.empty(),
  };
  return s.q1 <= 1 ? becomeLeader(next, ctx) : next;
}

/** Phase 1 is done: recover every slot a quorum reported on, fill gaps with no-ops, then lead. */
function becomeLeader(s: MultiPaxosState, ctx: Ctx): MultiPaxosState {
  const promises = Object.entries(s.promises);
  let fMax = 0;
  let catchupFrom: NodeId | null = null;
  for (const [node, p] of promises) {
    if (p.fromSlot > fMax) {
      fMax = p.fromSlot;
      catchupFrom = node;
    }
  }
  const best = new Map<number, Vote>();
  let top = -1;
  for (const [, p] of promises) {
    for (const v of p.accepted) {
      if (v.slot < fMax) continue;
      if (compareBallots(v.ballot, best.get(v.slot)?.ballot) > 0) best.set(v.slot, v);
      top = Math.max(top, v.slot);
    }
  }
  ctx.eff.push({ kind: 'cancelTimer', name: ELECTION });
  let next: MultiPaxosState = {
    ...s,
    role: 'leader',
    leader: s.id,
    promises: {},
    inflight: {},
    tick: 0,
    nextSlot: Math.max(fMax, top + 1, s.decidedTop, s.commitIndex),
    catchupTarget: fMax,
    catchupFrom: fMax > s.commitIndex ? catchupFrom : null,
  };
  for (let slot = Math.max(fMax, s.commitIndex); slot < next.nextSlot; slot++) {
    if (next.log.has(slot)) continue;
    next = propose(next, ctx, slot, best.get(slot)?.value ?? []);
    if (next.role !== 'leader') return next;
  }
  if (next.catchupFrom !== null && next.commitIndex < fMax) {
    ctx.send(next.catchupFrom, { type: 'catchup', fromSlot: next.commitIndex });
  }
  ctx.broadcast({ type: 'heartbeat', ballot: next.ballot!, decidedBelow: next.commitIndex });
  ctx.eff.push({ kind: 'setTimer', name: HEARTBEAT, after: next.params.heartbeatMs });
  // Our own waiting commands go straight into the queue.
  next = enqueue(next, next.pending.values());
  return tryPropose(next, ctx);
}

/** A message from a leader at ballot `b` (heartbeat, accept): follow it if it is current. */
function follow(s: MultiPaxosState, ctx: Ctx, b: Ballot): MultiPaxosState {
  if (b.node === s.id) return s;
  electionTimer(s, ctx);
  return s.leader === b.node ? s : { ...s, leader: b.node };
}

function onMessage(s0: MultiPaxosState, from: NodeId, msg: MultiPaxosMessage, ctx: Ctx): MultiPaxosState {
  let s = s0;
  switch (msg.type) {
    case 'prepare': {
      const b = msg.ballot;
      s = { ...s, seenRound: Math.max(s.seenRound, b.round) };
      const cmp = compareBallots(b, s.promised);
      if (cmp < 0) {
        ctx.send(from, { type: 'nack', ballot: b, promised: s.promised! });
        return s;
      }
      if (cmp === 0) return s; // a duplicate: promised once
      s = raisePromise(s, ctx, b);
      const fromSlot = Math.max(msg.fromSlot, s.commitIndex);
      const accepted = votesFrom(s, fromSlot);
      ctx.send(
        from,
        accepted.length === 0
          ? { type: 'promise', ballot: b, fromSlot }
          : { type: 'promise', ballot: b, fromSlot, accepted },
      );
      // Give the candidate time to win before we stand ourselves.
      electionTimer(s, ctx);
      return { ...s, leader: null };
    }
    case 'promise': {
      if (s.role !== 'candidate' || !sameBallot(msg.ballot, s.ballot) || s.promises[from] !== undefined)
        return s;
      s = {
        ...s,
        promises: { ...s.promises, [from]: { fromSlot: msg.fromSlot, accepted: msg.accepted ?? [] } },
      };
      return Object.keys(s.promises).length >= s.q1 ? becomeLeader(s, ctx) : s;
    }
    case 'accept': {
      const b = msg.ballot;
      if (compareBallots(b, s.promised) < 0) {
        ctx.send(from, { type: 'nack', ballot: b, promised: s.promised!, slot: msg.slot });
        return s;
      }
      s = follow(raisePromise(s, ctx, b), ctx, b);
      if (msg.slot < s.commitIndex) {
        ctx.send(from, { type: 'decide', slot: msg.slot, value: s.log.get(msg.slot)! });
        return s;
      }
      ctx.persist(`v.${msg.slot}`, { ballot: b, value: msg.value });
      ctx.send(from, { type: 'accepted', ballot: b, slot: msg.slot });
      return {
        ...s,
        votes: s.votes.set(msg.slot, { ballot: b, value: msg.value }),
        maxVoteSlot: Math.max(s.maxVoteSlot, msg.slot),
      };
    }
    case 'accepted': {
      const f = s.inflight[msg.slot];
      if (
        s.role !== 'leader' ||
        !sameBallot(msg.ballot, s.ballot) ||
        f === undefined ||
        f.acks.includes(from)
      ) {
        return s;
      }
      s = { ...s, inflight: { ...s.inflight, [msg.slot]: { ...f, acks: [...f.acks, from] } } };
      if (f.acks.length + 1 < s.q2) return s;
      return tryPropose(decideAsLeader(s, ctx, msg.slot), ctx);
    }
    case 'nack': {
      const p = msg.promised;
      if (p !== undefined) s = { ...s, seenRound: Math.max(s.seenRound, p.round) };
      if (s.role !== 'follower' && sameBallot(msg.ballot, s.ballot) && compareBallots(p, s.ballot) > 0) {
        return stepDown(s, ctx, null);
      }
      return s;
    }
    case 'decide': {
      // A gap below this decision is filled on the next heartbeat (its `decidedBelow`).
      s = learn(s, ctx, msg.slot, msg.value, msg.ballot ?? null);
      return s.role === 'leader' ? tryPropose(s, ctx) : s;
    }
    case 'heartbeat': {
      const b = msg.ballot;
      if (compareBallots(b, s.promised) < 0) {
        ctx.send(from, { type: 'nack', ballot: b, promised: s.promised! });
        return s;
      }
      if (s.role !== 'follower' && compareBallots(b, s.ballot) > 0) s = stepDown(s, ctx, b.node);
      s = follow(s, ctx, b);
      if (msg.decidedBelow > s.commitIndex) ctx.send(from, { type: 'catchup', fromSlot: s.commitIndex });
      return s;
    }
    case 'catchup': {
      const end = Math.min(s.commitIndex, msg.fromSlot + s.params.catchupBatch);
      if (end <= msg.fromSlot) return s;
      const entries: { slot: number; value: Batch }[] = [];
      for (let slot = msg.fromSlot; slot < end; slot++) entries.push({ slot, value: s.log.get(slot)! });
      ctx.send(from, { type: 'catchup-reply', entries, decidedBelow: s.commitIndex });
      return s;
    }
    case 'catchup-reply': {
      const before = s.commitIndex;
      for (const e of msg.entries) s = learn(s, ctx, e.slot, e.value, null);
      if (msg.decidedBelow > s.commitIndex && s.commitIndex > before) {
        ctx.send(from, { type: 'catchup', fromSlot: s.commitIndex });
      }
      return s.role === 'leader' ? tryPropose(s, ctx) : s;
    }
    case 'x-forward': {
      if (s.role !== 'leader') return s; // the sender re-forwards to whoever leads
      return tryPropose(enqueue(s, msg.cmds), ctx);
    }
    default:
      return s;
  }
}

function onTimer(s0: MultiPaxosState, name: string, ctx: Ctx): MultiPaxosState {
  let s = s0;
  switch (name) {
    case ELECTION:
      return s.role === 'leader' ? s : startElection(s, ctx);
    case HEARTBEAT: {
      if (s.role !== 'leader') return s;
      const tick = s.tick + 1;
      s = { ...s, tick };
      ctx.broadcast({ type: 'heartbeat', ballot: s.ballot!, decidedBelow: s.commitIndex });
      // Re-send accepts that a quorum has not answered for two beats (messages may be lost).
      const inflight: Record<number, Inflight> = {};
      for (const [k, f] of Object.entries(s.inflight)) {
        const slot = Number(k);
        if (tick - f.sentTick >= 2) {
          for (const to of s.nodes) {
            if (!f.acks.includes(to))
              ctx.send(to, { type: 'accept', ballot: s.ballot!, slot, value: f.value });
          }
          inflight[slot] = { ...f, sentTick: tick };
        } else inflight[slot] = f;
      }
      if (s.catchupFrom !== null && s.commitIndex < s.catchupTarget) {
        // Ask the promiser that knew more, then every other node in turn (it may have crashed).
        const others = s.nodes.filter((n) => n !== s.id);
        const to = tick % 2 === 1 ? s.catchupFrom : others[Math.floor(tick / 2) % others.length]!;
        ctx.send(to, { type: 'catchup', fromSlot: s.commitIndex });
      }
      ctx.eff.push({ kind: 'setTimer', name: HEARTBEAT, after: s.params.heartbeatMs });
      return tryPropose({ ...s, inflight }, ctx);
    }
    case BATCH:
      return tryPropose({ ...s, batchArmed: false }, ctx, true);
    case RETRY: {
      s = { ...s, retryArmed: false };
      const cmds = s.pending.values();
      if (cmds.length === 0) return s;
      if (s.role === 'leader') s = tryPropose(enqueue(s, cmds), ctx);
      else if (s.leader !== null) ctx.send(s.leader, { type: 'x-forward', cmds });
      return armRetry(s, ctx);
    }
    default:
      return s;
  }
}

/** The logged command of a request: its fields, then op and client (a literal when it has only f, key, value). */
function command(req: ClientRequest<KvRequest>): KvCommand {
  const r = req.request as { f: KvRequest['f']; key: string; value?: unknown };
  const keys = Object.keys(r);
  if (keys.length === 2 && keys[0] === 'f' && keys[1] === 'key')
    return { f: r.f, key: r.key, op: req.op, client: req.client } as KvCommand;
  if (keys.length === 3 && keys[0] === 'f' && keys[1] === 'key' && keys[2] === 'value')
    return { f: r.f, key: r.key, value: r.value, op: req.op, client: req.client } as KvCommand;
  return { ...req.request, op: req.op, client: req.client };
}

function onRequest(s0: MultiPaxosState, req: ClientRequest<KvRequest>, ctx: Ctx): MultiPaxosState {
  let s = s0;
  const error =
    !Number.isSafeInteger(req.op) || req.op < 0
      ? 'op must be a non-negative integer'
      : kvRequestError(req.request);
  if (error !== null) {
    ctx.eff.push({ kind: 'reply', op: req.op, ok: false, result: { error } });
    return s;
  }
  if (s.appliedOps.has(req.op) || s.pending.has(req.op)) return s; // already answered or waiting
  const cmd = command(req);
  if (s.role === 'leader') {
    s = { ...s, pending: s.pending.set(req.op, cmd) };
    return armRetry(tryPropose(enqueue(s, [cmd]), ctx), ctx);
  }
  if (s.params.forward && s.leader !== null) {
    ctx.send(s.leader, { type: 'x-forward', cmds: [cmd] });
    return armRetry({ ...s, pending: s.pending.set(req.op, cmd) }, ctx);
  }
  ctx.eff.push({
    kind: 'reply',
    op: req.op,
    ok: false,
    result: { error: 'not the leader', leader: s.leader },
  });
  return s;
}

function asBatch(x: unknown): Batch {
  return Array.isArray(x) ? (x as Batch) : [];
}

/** Rebuild a node from its durable variables (see the file comment for their names). */
function restore(
  config: NodeConfig<Record<string, unknown>>,
  durable: Readonly<Record<string, unknown>> | undefined,
): MultiPaxosState {
  const params = resolveParams('multipaxos', MULTIPAXOS_PARAMS, config.params);
  const { q1, q2 } = quorumSizes('multipaxos', config.nodes.length, params.phase1Quorum, params.phase2Quorum);
  let log = IntMap.empty<Batch>();
  let votes = IntMap.empty<Vote>();
  let maxVoteSlot = -1;
  let decidedTop = 0;
  const voteEntries: [number, Vote][] = [];
  for (const [k, v] of Object.entries(durable ?? {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith('d.')) {
      const slot = Number(k.slice(2));
      log = log.set(slot, asBatch(v));
      decidedTop = Math.max(decidedTop, slot + 1);
    } else if (k.startsWith('v.')) {
      const ballot = asBallot((v as { ballot?: unknown }).ballot);
      if (ballot !== null)
        voteEntries.push([Number(k.slice(2)), { ballot, value: asBatch((v as { value?: unknown }).value) }]);
    }
  }
  let commitIndex = 0;
  let kv = KvMap.empty();
  let appliedOps = IntMap.empty<number>();
  while (log.has(commitIndex)) {
    for (const cmd of log.get(commitIndex)!) {
      if (appliedOps.has(cmd.op)) continue;
      kv = applyKvMap(kv, cmd).store;
      appliedOps = appliedOps.set(cmd.op, commitIndex);
    }
    commitIndex++;
  }
  let maxVoteBallot: Ballot | null = null;
  for (const [slot, v] of voteEntries) {
    if (compareBallots(v.ballot, maxVoteBallot) > 0) maxVoteBallot = v.ballot;
    if (slot < commitIndex) continue;
    votes = votes.set(slot, v);
    maxVoteSlot = Math.max(maxVoteSlot, slot);
  }
  // The mutant forgets its promise: only its votes bound what it accepts after a restart.
  const promised = params.forgetPromise ? maxVoteBallot : asBallot(durable?.['promised']);
  const round = typeof durable?.['round'] === 'number' ? durable['round'] : 0;
  return {
    id: config.id,
    nodes: config.nodes,
    params,
    q1,
    q2,
    round,
    promised,
    votes,
    maxVoteSlot,
    log,
    commitIndex,
    decidedTop,
    kv,
    appliedOps,
    seenRound: Math.max(round, promised?.round ?? 0),
    role: 'follower',
    ballot: null,
    leader: null,
    promises: {},
    nextSlot: 0,
    inflight: {},
    queue: OpQueue.empty(),
    batchArmed: false,
    catchupTarget: 0,
    catchupFrom: null,
    tick: 0,
    pending: IntMap.empty(),
    retryArmed: false,
  };
}

/**
 * Multi-Paxos with a key-value store on the node contract. Parameters: {@link MULTIPAXOS_PARAMS};
 * client requests are {@link KvRequest}s, answered with the value read or written (`ok: false`
 * for a failed cas, or when the node knows no leader).
 */
export const multiPaxosNode: NodeBehavior<
  MultiPaxosState,
  MultiPaxosMessage,
  KvRequest,
  unknown,
  Record<string, unknown>
> = {
  protocol: 'multipaxos',
  init(config, durable): MStep {
    const s = restore(config, durable);
    const ctx = new Ctx();
    electionTimer(s, ctx);
    return ctx.done(s);
  },
  onMessage(s, from, msg): MStep {
    const ctx = new Ctx();
    return ctx.done(onMessage(s, from, msg, ctx));
  },
  onTimer(s, name): MStep {
    const ctx = new Ctx();
    return ctx.done(onTimer(s, name, ctx));
  },
  onRequest(s, req): MStep {
    const ctx = new Ctx();
    return ctx.done(onRequest(s, req, ctx));
  },
};
