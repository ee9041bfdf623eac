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
import { IntSet } from './IntSet.js';
import {
  applyKvEdit,
  clientRequestError,
  KvMap,
  type KvCommand,
  type KvRequest,
  type KvResult,
} from './kv.js';
import { OpQueue } from './OpQueue.js';
import { SlotLog } from './SlotLog.js';
import { SlotMap } from './SlotMap.js';

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

/** Leader: a slot in flight (proposed, not yet decided). */
export type Inflight = {
  readonly value: Batch;
  /** Nodes that voted for it (the leader first). */
  readonly acks: readonly NodeId[];
  /** Heartbeat tick of the last (re-)send. */
  readonly sentTick: number;
  /** The runtime's time of the last (re-)send, when the runtime gives one. */
  readonly sentAt: number | undefined;
  /** True once re-sent: its acks then say nothing about the round trip (Karn's rule). */
  readonly resent: boolean;
  /** The slot's criticality class (variants with classes), else undefined. */
  readonly cls: string | undefined;
};

/** A promise as the candidate keeps it. */
export type PromiseRecord = {
  readonly fromSlot: number;
  readonly accepted: readonly SlotVote[];
  /** What a variant's `promiseExtra` hook read from the message (undefined for multipaxos). */
  readonly extra?: unknown;
};

/** The state of one Multi-Paxos node (`X`: the extra state of a variant built with hooks). */
export type MultiPaxosState<X = undefined> = {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly params: MultiPaxosParams;
  /** Fixed phase-1 / phase-2 quorum sizes (the default quorum tests; variants may ignore them). */
  readonly q1: number;
  readonly q2: number;
  /** The variant's hooks (none for multipaxos). */
  readonly hooks: MultiPaxosHooks;
  /** The variant's extra state. */
  readonly ext: X;
  // Durable.
  /** The highest round this node used for its own ballots. */
  readonly round: number;
  /** Acceptor: the highest ballot promised. */
  readonly promised: Ballot | null;
  /**
   * Acceptor: the vote in each slot at or above `commitIndex` where it voted. A few slots (those in
   * flight, about `pipeline`), so a SlotMap: an IntMap copied a path of 16-wide arrays on each of
   * the two changes a slot brings (vote, then decided): 5% of a Multi-Paxos run's allocation.
   */
  readonly votes: SlotMap<Vote>;
  /** Highest slot with a vote, or -1. */
  readonly maxVoteSlot: number;
  /** Learner: decided batches by slot. */
  readonly log: SlotLog<Batch>;
  // Rebuilt from the log on restart.
  /** Every slot below this one is decided and applied. */
  readonly commitIndex: number;
  /** One above the highest decided slot known. */
  readonly decidedTop: number;
  /** The key-value store (persistent: a write copies a few small arrays). */
  readonly kv: KvMap;
  /** The ops applied (a bitset: a lookup is a level shallower than in a map keyed by op). */
  readonly appliedOps: IntSet;
  // Volatile.
  readonly seenRound: number;
  readonly role: 'follower' | 'candidate' | 'leader';
  /** Own ballot while candidate or leader (then equal to `promised`). */
  readonly ballot: Ballot | null;
  /** The leader this node believes in, if any. */
  readonly leader: NodeId | null;
  /** Candidate: promises received. */
  readonly promises: Readonly<Record<NodeId, PromiseRecord>>;
  /** Leader: next free slot, slots in flight, commands waiting for a slot. */
  readonly nextSlot: number;
  readonly inflight: SlotMap<Inflight>;
  readonly queue: OpQueue;
  readonly batchArmed: boolean;
  /** Leader: propose nothing new until the commit index reaches this (slots decided elsewhere). */
  readonly catchupTarget: number;
  readonly catchupFrom: NodeId | null;
  /** Leader: recovered slots not yet re-proposed (a variant's `canPropose` held them back), or null. */
  readonly recovering: { readonly upTo: number; readonly best: ReadonlyMap<number, Batch> } | null;
  readonly tick: number;
  /**
   * The client commands this node took to answer, in arrival order: it must answer those not in
   * `appliedOps` ({@link waitingCommands}). Applying a command is what answers it, so nothing is
   * removed from here when a slot is applied: the queue is only filtered now and then (retry timer).
   * An answered command still here changes no answer: its op is in `appliedOps`, which every test
   * of `pending` either checks first (a request) or implies false (a slot applying the op).
   */
  readonly pending: OpQueue;
  readonly retryArmed: boolean;
};

type Eff = Effect<MultiPaxosMessage, unknown>;
type MStep = Step<MultiPaxosState, MultiPaxosMessage, unknown>;
/** The state as the core sees it, whatever a variant keeps in `ext`. */
type St = MultiPaxosState<unknown>;

/** A state under construction: a fresh copy that one step changes before it returns it. */
export type MultiPaxosDraft<X = unknown> = {
  -readonly [K in keyof MultiPaxosState<X>]: MultiPaxosState<X>[K];
};

/**
 * A fresh copy of `s` for a step to change (in place of `{ ...s, field }`; the state it was given
 * stays as it was). Written out field by field because V8 (Node 20) copies a spread of an object
 * this wide through a slow path, about 0.6 µs against 25 ns for an object literal, and most steps
 * copy the state once or twice. A field added to the state must be added here (the type checker
 * says so).
 */
export function copyState<X>(s: MultiPaxosState<X>): MultiPaxosDraft<X> {
  return {
    id: s.id,
    nodes: s.nodes,
    params: s.params,
    q1: s.q1,
    q2: s.q2,
    hooks: s.hooks,
    ext: s.ext,
    round: s.round,
    promised: s.promised,
    votes: s.votes,
    maxVoteSlot: s.maxVoteSlot,
    log: s.log,
    commitIndex: s.commitIndex,
    decidedTop: s.decidedTop,
    kv: s.kv,
    appliedOps: s.appliedOps,
    seenRound: s.seenRound,
    role: s.role,
    ballot: s.ballot,
    leader: s.leader,
    promises: s.promises,
    nextSlot: s.nextSlot,
    inflight: s.inflight,
    queue: s.queue,
    batchArmed: s.batchArmed,
    catchupTarget: s.catchupTarget,
    catchupFrom: s.catchupFrom,
    recovering: s.recovering,
    tick: s.tick,
    pending: s.pending,
    retryArmed: s.retryArmed,
  };
}

/**
 * Where a variant of Multi-Paxos (impl/adaptive) changes the algorithm. Every hook is optional;
 * without hooks the node is plain Multi-Paxos, message for message. Hooks are pure like handlers:
 * they read the state (and the runtime's time `ctx.now`) and return a new state or a verdict.
 */
export interface MultiPaxosHooks {
  /** Phase 1 is complete with the promises in `s.promises` (default: at least `q1` of them). */
  readonly phase1Done?: (s: St, ctx: MultiPaxosCtx) => boolean;
  /** Slot `slot` of class `cls` is decided with votes from `acks` (default: at least `q2`). */
  readonly phase2Done?: (s: St, slot: number, acks: readonly NodeId[], cls: string | undefined) => boolean;
  /** The criticality class of a batch, sent as the accept's `class` field (default: none). */
  readonly classOf?: (value: Batch) => string | undefined;
  /** May the leader propose in `slot` now (default: yes)? Recovery and new slots wait until it may. */
  readonly canPropose?: (s: St, slot: number) => boolean;
  /** True for a logged command that is not a client command: the store skips it. */
  readonly control?: (cmd: KvCommand) => boolean;
  /** Slots `from` .. `to - 1` were just applied, in order (also on restart, with `ctx` undefined). */
  readonly onCommit?: (s: St, ctx: MultiPaxosCtx | undefined, from: number, to: number) => St;
  /** Extra fields for a promise (acceptor side), and how the candidate reads them back. */
  promiseExtra?: {
    readonly make: (s: St, fromSlot: number) => Readonly<Record<string, unknown>>;
    readonly read: (msg: Readonly<Record<string, unknown>>) => unknown;
  };
  /** The election timer (default: `electionTimeoutMs` plus `electionJitterMs` of jitter). */
  readonly electionTimer?: (s: St, ctx: MultiPaxosCtx) => { after: number; jitter: number };
  /** The election timer fired at a non-leader (default: stand, {@link startElection}). */
  readonly onElectionTimeout?: (s: St, ctx: MultiPaxosCtx) => St;
  /** True to ignore a prepare altogether (e.g. while a live leader is heard). */
  readonly ignorePrepare?: (s: St, from: NodeId, ballot: Ballot, ctx: MultiPaxosCtx) => boolean;
  /** A current leader's heartbeat arrived (before the election timer is reset). */
  readonly onHeartbeat?: (
    s: St,
    from: NodeId,
    msg: Readonly<Record<string, unknown>>,
    ctx: MultiPaxosCtx,
  ) => St;
  /** Leader: send the heartbeats (default: one broadcast). */
  readonly sendHeartbeats?: (s: St, ctx: MultiPaxosCtx) => St;
  /** Leader: re-send the accept of `f` to the nodes that have not voted (default: every other beat). */
  readonly resendDue?: (s: St, f: Inflight, tick: number, ctx: MultiPaxosCtx) => boolean;
  /** Leader: a first vote from `from` for slot `slot` (before the phase-2 test). */
  readonly onAccepted?: (s: St, from: NodeId, f: Inflight, ctx: MultiPaxosCtx) => St;
  /**
   * Phase 1 just completed with promises from `promisers` (before any slot is re-proposed): a
   * variant that must know its phase-1 quorum later (e.g. to check it against a new configuration).
   */
  readonly onElected?: (s: St, promisers: readonly NodeId[]) => St;
  /** This node just became leader (its heartbeat timer is set). */
  readonly onLead?: (s: St, ctx: MultiPaxosCtx) => St;
  /** Leader: before client commands fill the pipeline (e.g. to propose a control command). */
  readonly beforePropose?: (s: St, ctx: MultiPaxosCtx) => St;
  /** Message types the core does not know. */
  readonly onMessage?: (
    s: St,
    from: NodeId,
    msg: Readonly<Record<string, unknown>>,
    ctx: MultiPaxosCtx,
  ) => St;
  /** Timers the core does not know. */
  readonly onTimer?: (s: St, name: string, ctx: MultiPaxosCtx) => St;
}

/** The keys `v.<slot>` and `d.<slot>` of recent slots, built once (direct-mapped by slot). */
const SLOT_KEYS = 1 << 12;
const slotKeySlots = new Float64Array(2 * SLOT_KEYS).fill(-1);
const slotKeyTexts: string[] = new Array<string>(2 * SLOT_KEYS).fill('');

/** `v.<slot>` (`prefix` 0) or `d.<slot>` (1): one string per slot, not a new one per step. */
function slotKey(prefix: 0 | 1, slot: number): string {
  const i = 2 * (slot & (SLOT_KEYS - 1)) + prefix;
  if (slotKeySlots[i] === slot) return slotKeyTexts[i]!;
  const text = (prefix === 0 ? 'v.' : 'd.') + slot;
  slotKeySlots[i] = slot;
  slotKeyTexts[i] = text;
  return text;
}

/** The effects of a step that has none (shared: the runtime only reads a step's effects). */
const NO_EFFECTS: readonly Eff[] = [];

/**
 * Effects of one step; the durable writes are collected and emitted first. The first three effects
 * are kept in fields and the step's array is built at the end as a literal of the exact length:
 * most steps have none or one (a Multi-Paxos bench run: 38k of 83k steps none, 27k one), and an
 * array that starts empty grows to 17 slots on its first push (V8), about 150 bytes a step.
 */
class Ctx {
  /** How many effects so far. */
  #n = 0;
  #e0: Eff | undefined = undefined;
  #e1: Eff | undefined = undefined;
  #e2: Eff | undefined = undefined;
  /** Every effect, once there are more than three. */
  #all: Eff[] | null = null;
  /**
   * The durable writes of this step. A dictionary without prototype: every slot has its own keys,
   * and adding ever new keys to plain objects is slow (a hidden class per key).
   */
  vars: Record<string, unknown> | null = null;
  #now: number | undefined = undefined;

  /** The collector, empty, for a step at `now`. */
  static at(now: number | undefined): Ctx {
    const ctx = STEP_CTX;
    ctx.#n = 0;
    ctx.#all = null;
    ctx.vars = null;
    ctx.#now = now;
    return ctx;
  }
  /** The runtime's time of this step, when it gives one. */
  get now(): number | undefined {
    return this.#now;
  }
  /** Add an effect (after those added before). */
  effect(e: Eff): void {
    const n = this.#n++;
    if (n === 0) this.#e0 = e;
    else if (n === 1) this.#e1 = e;
    else if (n === 2) this.#e2 = e;
    else if (n === 3) this.#all = [this.#e0!, this.#e1!, this.#e2!, e];
    else this.#all!.push(e);
  }
  persist(name: string, value: unknown): void {
    (this.vars ??= Object.create(null) as Record<string, unknown>)[name] = value;
  }
  send(to: NodeId, msg: MultiPaxosMessage): void {
    this.effect({ kind: 'send', to, msg });
  }
  broadcast(msg: MultiPaxosMessage): void {
    this.effect({ kind: 'broadcast', msg });
  }
  done(state: St): MStep {
    const step = { state, effects: this.#effects() } as MStep;
    // Let go of what the step returned (the collector lives on).
    this.#e0 = this.#e1 = this.#e2 = undefined;
    this.#all = null;
    this.vars = null;
    return step;
  }
  #effects(): readonly Eff[] {
    const n = this.#n;
    if (this.vars === null) {
      if (n === 0) return NO_EFFECTS;
      if (n === 1) return [this.#e0!];
      if (n === 2) return [this.#e0!, this.#e1!];
      if (n === 3) return [this.#e0!, this.#e1!, this.#e2!];
      return this.#all!;
    }
    const p: Eff = { kind: 'persist', vars: this.vars };
    if (n === 0) return [p];
    if (n === 1) return [p, this.#e0!];
    if (n === 2) return [p, this.#e0!, this.#e1!];
    if (n === 3) return [p, this.#e0!, this.#e1!, this.#e2!];
    return [p, ...this.#all!];
  }
}

/**
 * The one collector every step uses in turn ({@link Ctx.at}): a step runs to its end before the
 * next begins, and a collector per step was some 80k objects of garbage a Multi-Paxos bench run.
 */
const STEP_CTX = new Ctx();

/**
 * The effects collector a hook gets (persist, send, broadcast, `effect` for any other effect, and
 * `now`). It serves the step it is given to only: the next step reuses it.
 */
export type MultiPaxosCtx = Ctx;

const ELECTION = 'election';
const HEARTBEAT = 'heartbeat';
const BATCH = 'batch';
const RETRY = 'retry';

function electionTimer(s: St, ctx: Ctx): void {
  const t = s.hooks.electionTimer?.(s, ctx);
  ctx.effect({
    kind: 'setTimer',
    name: ELECTION,
    after: t === undefined ? s.params.electionTimeoutMs : t.after,
    jitter: t === undefined ? s.params.electionJitterMs : t.jitter,
  });
}

function armRetry(s: St, ctx: Ctx): St {
  if (s.retryArmed) return s;
  ctx.effect({ kind: 'setTimer', name: RETRY, after: s.params.retryMs });
  const next = copyState(s);
  next.retryArmed = true;
  return next;
}

function persistPromise(s: St, ctx: Ctx, b: Ballot): void {
  if (!s.params.forgetPromise) ctx.persist('promised', b);
}

/** Give up leading or candidacy. */
function stepDown(s: St, ctx: Ctx, leader: NodeId | null): St {
  if (s.role === 'leader') {
    ctx.effect({ kind: 'cancelTimer', name: HEARTBEAT });
    ctx.effect({ kind: 'cancelTimer', name: BATCH });
  }
  electionTimer(s, ctx);
  const next = copyState(s);
  next.role = 'follower';
  next.ballot = null;
  next.leader = leader;
  next.promises = {};
  next.inflight = SlotMap.empty();
  next.queue = OpQueue.empty();
  next.batchArmed = false;
  next.catchupTarget = 0;
  next.catchupFrom = null;
  next.recovering = null;
  return next;
}

/** Raise the promise to `b` when it is higher; a candidate or leader below it steps down. */
function raisePromise(s: St, ctx: Ctx, b: Ballot): St {
  if (compareBallots(b, s.promised) <= 0) return s;
  persistPromise(s, ctx, b);
  const next = copyState(s);
  next.promised = b;
  next.seenRound = Math.max(s.seenRound, b.round);
  return next.role !== 'follower' && compareBallots(b, next.ballot) > 0 ? stepDown(next, ctx, null) : next;
}

/** The store and applied ops after one decided slot, and each command's result (none if skipped). */
interface SlotApplied {
  readonly kvIn: KvMap;
  readonly opsIn: IntSet;
  readonly slot: number;
  readonly batch: Batch;
  readonly control: ((cmd: KvCommand) => boolean) | undefined;
  readonly kv: KvMap;
  readonly ops: IntSet;
  readonly results: readonly (KvResult | undefined)[];
}

/**
 * The applications of recent slots, by slot number modulo {@link RECENT_SLOTS}. Applying is a pure
 * function of (store, applied ops, slot, batch, control hook), and in a simulation every node
 * applies the same decided batch to a store it got from the same sequence of applications, so the
 * nodes after the first one take the result (the same immutable objects) instead of computing it
 * again: one application per slot instead of one per node. Up to {@link FORKS} applications per
 * slot (nodes on different stores apply the same slot).
 *
 * Bounded: only the last {@link memoWindow} slots are kept (the first application of a slot lets
 * go of the slot that many below it). A node further behind (or on a store of its own, rebuilt
 * after a restart) computes its own, and nothing here keeps a chain of old stores alive. The window
 * is short on purpose: every store version kept here outlives a young-generation collection or two
 * and is copied and promoted to the old generation (measured: with all 256 slots kept, each
 * scavenge of a Multi-Paxos run took half again as long, 2.9 against 1.9 ms, and the run was about
 * 10% slower).
 */
const RECENT_SLOTS = 256;
const FORKS = 4;
const recentlyApplied: (SlotApplied[] | undefined)[] = new Array<SlotApplied[] | undefined>(RECENT_SLOTS);

/**
 * How many recent slots the memo keeps for a leader with `pipeline` slots in flight: the followers
 * learn a slot about a round trip after the leader, when it may have decided up to `pipeline` more,
 * so they apply it within about that many slots of the first node. Twice that and 16 more leave
 * room for slow links and re-sent accepts (the test with a deep pipeline fails with a window of 4).
 */
function memoWindow(pipeline: number): number {
  return Math.min(RECENT_SLOTS, 2 * pipeline + 16);
}

function applySlot(
  kv: KvMap,
  ops: IntSet,
  slot: number,
  batch: Batch,
  control: ((cmd: KvCommand) => boolean) | undefined,
  window: number,
): SlotApplied {
  const at = slot & (RECENT_SLOTS - 1);
  let memo = recentlyApplied[at];
  if (memo !== undefined && memo[0]!.slot === slot) {
    for (let i = memo.length - 1; i >= 0; i--) {
      const m = memo[i]!;
      if (m.kvIn === kv && m.opsIn === ops && m.batch === batch && m.control === control) return m;
    }
  } else {
    recentlyApplied[at] = memo = [];
    // Let go of the slot `window` below (not of a later one that shares its place in the ring).
    const old = (slot - window) & (RECENT_SLOTS - 1);
    if ((recentlyApplied[old]?.[0]?.slot ?? Infinity) <= slot - window) recentlyApplied[old] = undefined;
  }
  const store = kv.edit();
  const opsEdit = ops.edit();
  const results: (KvResult | undefined)[] = [];
  for (const cmd of batch) {
    // Never twice, even if a command were logged twice.
    if ((control !== undefined && control(cmd)) || opsEdit.has(cmd.op)) results.push(undefined);
    else {
      results.push(applyKvEdit(store, cmd));
      opsEdit.add(cmd.op);
    }
  }
  const applied: SlotApplied = {
    kvIn: kv,
    opsIn: ops,
    slot,
    batch,
    control,
    kv: store.done(),
    ops: opsEdit.done(),
    results,
  };
  if (memo.length === FORKS) memo.shift();
  memo.push(applied);
  return applied;
}

/** Learn that `value` is decided in `slot`; apply the contiguous prefix and answer clients. */
function learn(s: St, ctx: Ctx, slot: number, value: Batch, ballot: Ballot | null): St {
  if (slot < s.commitIndex || s.log.has(slot)) return s;
  const control = s.hooks.control;
  ctx.persist(slotKey(1, slot), value);
  ctx.effect(ballot === null ? { kind: 'decide', slot, value } : { kind: 'decide', slot, value, ballot });
  let { commitIndex, kv, appliedOps, votes } = s;
  const window = memoWindow(s.params.pipeline);
  const log = s.log.set(slot, value);
  const inflight = s.inflight.set(slot, undefined);
  while (log.has(commitIndex)) {
    const batch = log.get(commitIndex)!;
    const applied = applySlot(kv, appliedOps, commitIndex, batch, control, window);
    kv = applied.kv;
    appliedOps = applied.ops;
    for (let i = 0; i < batch.length; i++) {
      const result = applied.results[i];
      const op = batch[i]!.op;
      // Applied here (a result) and taken by this node: not applied before, so it was waiting.
      if (result !== undefined && s.pending.has(op))
        ctx.effect({ kind: 'reply', op, ok: result.ok, result: result.value });
    }
    if (votes.has(commitIndex)) {
      votes = votes.set(commitIndex, undefined);
      ctx.persist(slotKey(0, commitIndex), null);
    }
    commitIndex++;
  }
  const next = copyState(s);
  next.log = log;
  next.commitIndex = commitIndex;
  next.decidedTop = Math.max(s.decidedTop, slot + 1);
  next.kv = kv;
  next.appliedOps = appliedOps;
  next.votes = votes;
  next.inflight = inflight;
  if (s.role === 'leader') next.nextSlot = Math.max(s.nextSlot, next.decidedTop);
  const onCommit = s.hooks.onCommit;
  return onCommit === undefined || commitIndex === s.commitIndex
    ? next
    : onCommit(next, ctx, s.commitIndex, commitIndex);
}

/**
 * The non-empty batches of `s` that are logged but not applied (decided above the commit point)
 * or in flight: with the applied ops, where a command may already be (see {@link isLogged}).
 */
function unappliedBatches(s: St): Batch[] {
  const out: Batch[] = [];
  for (let slot = s.commitIndex; slot < s.decidedTop; slot++) {
    const b = s.log.get(slot);
    if (b !== undefined && b.length > 0) out.push(b);
  }
  s.inflight.forEach((f) => {
    if (f.value.length > 0) out.push(f.value);
  });
  return out;
}

/**
 * The last {@link unappliedBatches} list built, and the ops of each of its batches as a set. The
 * leader checks every command it queues or proposes against these batches, and they change far
 * less often than it checks (a run of the Multi-Paxos bench: 68k checks against 3.7k changes of
 * the list, of about 60 commands each), so their ops are gathered once per batch, not once per
 * list: a batch stays in the list from its proposal to its application, and the list changes by a
 * batch at a time (gathering the ops of the whole list anew on each change, about 3% of a run).
 * Keyed by the batches themselves: batches are values, never changed once built (the node
 * contract; the trace writer caches their text on the same assumption), so a batch has the same
 * ops whichever node or state version it comes from.
 */
let unappliedList: readonly Batch[] = [];
let unappliedSets: readonly OpSet[] = [];
let unappliedOpSets: OpSets | undefined;

/**
 * A set of ops that is never changed once built (the ops of one batch). A batch's ops are client
 * ops a few hundred apart at most (ops are numbered as clients invoke them), so the set is a
 * bitset over that span, one membership test a bit test instead of a scan of the ops (the scans
 * were some 2% of a Multi-Paxos run); ops that are not all int32 or span too widely (re-proposed
 * old commands) are scanned.
 */
class OpSet {
  /** The lowest and highest op in the set (Infinity and -Infinity when it is empty). */
  readonly lo: number = Infinity;
  readonly hi: number = -Infinity;
  /** Bit `d & 15` of `bits[d >> 4]` is set when op `base + d` is in the set; null: scan `ops`. */
  readonly #bits: number[] | null;
  readonly #base: number;
  readonly #span: number;
  readonly #ops: readonly number[];

  constructor(ops: readonly number[]) {
    this.#ops = ops;
    let lo = 0;
    let hi = -1;
    let ints = true;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if ((op | 0) !== op) ints = false;
      if (i === 0 || op < lo) lo = op;
      if (i === 0 || op > hi) hi = op;
    }
    if (ops.length > 0) {
      this.lo = lo;
      this.hi = hi;
    }
    const span = hi - lo + 1;
    if (!ints || span > 32 * ops.length + 256) {
      this.#bits = null;
      this.#base = 0;
      this.#span = 0;
      return;
    }
    // 16 bits a word: the words stay small integers.
    const bits = new Array<number>((span + 15) >> 4).fill(0);
    for (let i = 0; i < ops.length; i++) {
      const d = ops[i]! - lo;
      bits[d >> 4]! |= 1 << (d & 15);
    }
    this.#bits = bits;
    this.#base = lo;
    this.#span = span;
  }

  has(op: number): boolean {
    const bits = this.#bits;
    if (bits === null) {
      const ops = this.#ops;
      for (let i = 0; i < ops.length; i++) if (ops[i] === op) return true;
      return false;
    }
    // Every op in the set is an int32: an op that is not an integer in the span is not in it.
    const d = op - this.#base;
    if (!(d >= 0 && d < this.#span) || (d | 0) !== d) return false;
    return (bits[d >> 4]! & (1 << (d & 15))) !== 0;
  }
}

/** The union of a few {@link OpSet}s (those of the unapplied batches), never changed once built. */
class OpSets {
  readonly #sets: readonly OpSet[];
  readonly #lo: number = Infinity;
  readonly #hi: number = -Infinity;

  constructor(sets: readonly OpSet[]) {
    this.#sets = sets;
    for (const set of sets) {
      if (set.lo < this.#lo) this.#lo = set.lo;
      if (set.hi > this.#hi) this.#hi = set.hi;
    }
  }

  has(op: number): boolean {
    // Most ops checked are newer than every batch in flight: one range test.
    if (!(op >= this.#lo && op <= this.#hi)) return false;
    const sets = this.#sets;
    for (let i = 0; i < sets.length; i++) if (sets[i]!.has(op)) return true;
    return false;
  }
}

/**
 * The log, commit point, decided top and slots in flight the last {@link unappliedOps} answered
 * for. They are all the list depends on, and the log and the slots in flight are persistent maps:
 * a state with these same four has the same list, known without walking its slots (the leader
 * checks a few commands per step, mostly between two changes of its log: the walks were about 1%
 * of a Multi-Paxos run).
 */
let unappliedLog: SlotLog<Batch> | undefined;
let unappliedFrom = 0;
let unappliedTop = 0;
let unappliedInflight: SlotMap<Inflight> | undefined;

/** The ops of the commands in {@link unappliedBatches} of `s`. */
function unappliedOps(s: St): OpSets {
  if (
    s.log === unappliedLog &&
    s.inflight === unappliedInflight &&
    s.commitIndex === unappliedFrom &&
    s.decidedTop === unappliedTop &&
    unappliedOpSets !== undefined
  )
    return unappliedOpSets;
  unappliedLog = s.log;
  unappliedInflight = s.inflight;
  unappliedFrom = s.commitIndex;
  unappliedTop = s.decidedTop;
  // The same walk as unappliedBatches, comparing with the last list instead of building one.
  const list = unappliedList;
  let n = 0;
  let same = true;
  for (let slot = s.commitIndex; slot < s.decidedTop; slot++) {
    const b = s.log.get(slot);
    if (b !== undefined && b.length > 0 && list[n++] !== b) same = false;
  }
  const inflight = s.inflight;
  for (let i = 0; i < inflight.size; i++) {
    const b = inflight.valueAt(i).value;
    if (b.length > 0 && list[n++] !== b) same = false;
  }
  if (same && n === list.length && unappliedOpSets !== undefined) return unappliedOpSets;
  const batches = unappliedBatches(s);
  const sets = new Array<OpSet>(batches.length);
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    // A batch of the last list keeps its set (the list is short: a few slots in flight).
    const j = list.indexOf(b);
    if (j >= 0) sets[i] = unappliedSets[j]!;
    else {
      const ops = new Array<number>(b.length);
      for (let k = 0; k < b.length; k++) ops[k] = b[k]!.op;
      sets[i] = new OpSet(ops);
    }
  }
  unappliedList = batches;
  unappliedSets = sets;
  unappliedOpSets = new OpSets(sets);
  return unappliedOpSets;
}

/**
 * True when `op` is in the log or in flight (applied, or in {@link unappliedBatches} of `s`: their
 * ops, gathered when first needed and kept in `batches`): proposing it again could log it twice.
 */
function isLogged(s: St, batches: { ops?: OpSets }, op: number): boolean {
  if (s.appliedOps.has(op)) return true;
  return (batches.ops ??= unappliedOps(s)).has(op);
}

/** The client commands this node must still answer (taken, not applied), in ascending op order. */
export function waitingCommands(s: MultiPaxosState<unknown>): KvCommand[] {
  return sortedByOp(unanswered(s));
}

/** The position in `s.pending` of its first command not applied yet (its length when none is). */
function firstUnanswered(s: St): number {
  const pending = s.pending;
  let i = 0;
  while (i < pending.length && s.appliedOps.has(pending.at(i).op)) i++;
  return i;
}

/** The commands of `s.pending` from position `from` on not applied yet, in arrival order (a fresh array). */
function unanswered(s: St, from = 0): KvCommand[] {
  const cmds: KvCommand[] = [];
  const pending = s.pending;
  for (let i = from; i < pending.length; i++) {
    const c = pending.at(i);
    if (!s.appliedOps.has(c.op)) cmds.push(c);
  }
  return cmds;
}

/**
 * @internal `cmds` sorted by op, in place, stable: what `cmds.sort((a, b) => a.op - b.op)` gives.
 * By insertion: commands arrive nearly in op order (ops are numbered as clients invoke them, and
 * arrive a network delay later), so this moves few of them, where a sort calls its comparator some
 * n log n times (measured: the sort was half the retry timer's time). Input far from sorted (more
 * than a few moves per command) goes to the library sort, from where insertion stopped: both are
 * stable, so the result is the same.
 */
export function sortedByOp(cmds: KvCommand[]): KvCommand[] {
  let budget = 8 * cmds.length + 64;
  for (let i = 1; i < cmds.length; i++) {
    const c = cmds[i]!;
    let j = i - 1;
    if (cmds[j]!.op <= c.op) continue;
    while (j >= 0 && cmds[j]!.op > c.op) {
      cmds[j + 1] = cmds[j]!;
      j--;
    }
    cmds[j + 1] = c;
    budget -= i - 1 - j;
    if (budget < 0) return cmds.sort((a, b) => a.op - b.op);
  }
  return cmds;
}

/** Leader: queue the commands of `cmds` that are neither queued nor logged (each op once). */
function enqueue(s: St, cmds: readonly KvCommand[]): St {
  const queue = s.queue;
  const batches = {};
  let q = queue;
  for (let i = 0; i < cmds.length; i++) {
    const c = cmds[i]!;
    // `q` has the commands queued before this one: twice in `cmds`, queued once (no list or set
    // of the added ones to build: the queue's own index answers).
    if (!q.has(c.op) && !isLogged(s, batches, c.op)) q = q.push(c);
  }
  if (q === queue) return s;
  const next = copyState(s);
  next.queue = q;
  return next;
}

/** Leader: send `accept` for `slot` and vote for it ourselves. */
function propose(s: St, ctx: Ctx, slot: number, value: Batch): St {
  const ballot = s.ballot!;
  const cls = s.hooks.classOf?.(value);
  ctx.broadcast(acceptMessage(ballot, slot, value, cls));
  ctx.persist(slotKey(0, slot), { ballot, value });
  const f: Inflight = { value, acks: [s.id], sentTick: s.tick, sentAt: ctx.now, resent: false, cls };
  const next = copyState(s);
  next.votes = s.votes.set(slot, { ballot, value });
  next.maxVoteSlot = Math.max(s.maxVoteSlot, slot);
  next.inflight = s.inflight.set(slot, f);
  return phase2Done(next, slot, f.acks, cls) ? decideAsLeader(next, ctx, slot) : next;
}

/** The accept of a slot; a variant with classes adds the slot's `class`. */
function acceptMessage(
  ballot: Ballot,
  slot: number,
  value: Batch,
  cls: string | undefined,
): MultiPaxosMessage {
  return cls === undefined
    ? { type: 'accept', ballot, slot, value }
    : ({ type: 'accept', ballot, slot, value, class: cls } as MultiPaxosMessage);
}

function phase2Done(s: St, slot: number, acks: readonly NodeId[], cls: string | undefined): boolean {
  const hook = s.hooks.phase2Done;
  return hook === undefined ? acks.length >= s.q2 : hook(s, slot, acks, cls);
}

function phase1Done(s: St, ctx: Ctx): boolean {
  const hook = s.hooks.phase1Done;
  return hook === undefined ? Object.keys(s.promises).length >= s.q1 : hook(s, ctx);
}

/**
 * Leader: propose `value` in the next free slot (for a variant's hooks, e.g. a control command).
 * The caller checks the pipeline and `canPropose`.
 */
export function proposeNext(s: St, ctx: MultiPaxosCtx, value: Batch): St {
  const slot = s.nextSlot;
  const next = copyState(s);
  next.nextSlot = slot + 1;
  return propose(next, ctx, slot, value);
}

function decideAsLeader(s: St, ctx: Ctx, slot: number): St {
  const f = s.inflight.get(slot)!;
  ctx.broadcast({ type: 'decide', slot, value: f.value, ballot: s.ballot! });
  return learn(s, ctx, slot, f.value, s.ballot);
}

/** Leader: fill the pipeline from the queue (a partial batch waits for the batch timer unless `force`). */
function tryPropose(s: St, ctx: Ctx, force = false): St {
  if (s.role !== 'leader' || s.commitIndex < s.catchupTarget) return s;
  let next = s;
  const canPropose = s.hooks.canPropose;
  if (canPropose !== undefined) {
    if (next.recovering !== null) {
      next = recover(next, ctx);
      if (next.recovering !== null || next.role !== 'leader') return next;
    }
    if (next.hooks.beforePropose !== undefined) next = next.hooks.beforePropose(next, ctx);
  }
  while (
    next.queue.length > 0 &&
    next.role === 'leader' &&
    next.inflight.size < next.params.pipeline &&
    (canPropose === undefined || canPropose(next, next.nextSlot))
  ) {
    if (next.queue.length < next.params.batchSize && next.params.batchDelayMs > 0 && !force) {
      if (!next.batchArmed) {
        ctx.effect({ kind: 'setTimer', name: BATCH, after: next.params.batchDelayMs });
        const armed = copyState(next);
        armed.batchArmed = true;
        next = armed;
      }
      break;
    }
    const batch: KvCommand[] = [];
    const logged = {};
    let i = 0;
    for (; i < next.queue.length && batch.length < next.params.batchSize; i++) {
      const c = next.queue.at(i);
      if (!isLogged(next, logged, c.op)) batch.push(c);
    }
    const taken = copyState(next);
    taken.queue = next.queue.drop(i);
    if (batch.length === 0) {
      next = taken;
      continue;
    }
    const slot = next.nextSlot;
    taken.nextSlot = slot + 1;
    next = propose(taken, ctx, slot, batch);
  }
  return next;
}

function votesFrom(s: St, from: number): SlotVote[] {
  const out: SlotVote[] = [];
  for (let slot = from; slot <= s.maxVoteSlot; slot++) {
    const v = s.votes.get(slot);
    if (v !== undefined) out.push({ slot, ballot: v.ballot, value: v.value });
  }
  return out;
}

/** Stand for leader: a ballot above every round seen, a promise to itself, and `prepare` to all. */
export function startElection(s: St, ctx: MultiPaxosCtx): St {
  const round = Math.max(s.round, s.seenRound, s.promised?.round ?? 0) + 1;
  const ballot: Ballot = { round, node: s.id };
  ctx.persist('round', round);
  persistPromise(s, ctx, ballot);
  ctx.broadcast({ type: 'prepare', ballot, fromSlot: s.commitIndex });
  electionTimer(s, ctx);
  if (s.role === 'leader') ctx.effect({ kind: 'cancelTimer', name: HEARTBEAT });
  const next = copyState(s);
  next.round = round;
  next.seenRound = round;
  next.promised = ballot;
  next.role = 'candidate';
  next.ballot = ballot;
  next.leader = null;
  next.promises = { [s.id]: ownPromise(s) };
  next.inflight = SlotMap.empty();
  next.queue = OpQueue.empty();
  next.recovering = null;
  return phase1Done(next, ctx) ? becomeLeader(next, ctx) : next;
}

function ownPromise(s: St): PromiseRecord {
  const p = { fromSlot: s.commitIndex, accepted: votesFrom(s, s.commitIndex) };
  const x = s.hooks.promiseExtra;
  return x === undefined ? p : { ...p, extra: x.read(x.make(s, s.commitIndex)) };
}

/** Phase 1 is done: recover every slot a quorum reported on, fill gaps with no-ops, then lead. */
function becomeLeader(s: St, ctx: Ctx): St {
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
  ctx.effect({ kind: 'cancelTimer', name: ELECTION });
  const leading = copyState(s);
  leading.role = 'leader';
  leading.leader = s.id;
  leading.promises = {};
  leading.inflight = SlotMap.empty();
  leading.tick = 0;
  leading.nextSlot = Math.max(fMax, top + 1, s.decidedTop, s.commitIndex);
  leading.catchupTarget = fMax;
  leading.catchupFrom = fMax > s.commitIndex ? catchupFrom : null;
  leading.recovering = null;
  let next: St = leading;
  if (next.hooks.onElected !== undefined) next = next.hooks.onElected(next, Object.keys(s.promises));
  if (next.hooks.canPropose !== undefined) {
    const values = new Map<number, Batch>();
    for (const [slot, v] of best) values.set(slot, v.value);
    const toRecover = copyState(next);
    toRecover.recovering = { upTo: next.nextSlot, best: values };
    next = recover(toRecover, ctx, Math.max(fMax, s.commitIndex));
    if (next.role !== 'leader') return next;
  } else {
    for (let slot = Math.max(fMax, s.commitIndex); slot < next.nextSlot; slot++) {
      if (next.log.has(slot)) continue;
      next = propose(next, ctx, slot, best.get(slot)?.value ?? []);
      if (next.role !== 'leader') return next;
    }
  }
  if (next.catchupFrom !== null && next.commitIndex < fMax) {
    ctx.send(next.catchupFrom, { type: 'catchup', fromSlot: next.commitIndex });
  }
  next = heartbeats(next, ctx);
  ctx.effect({ kind: 'setTimer', name: HEARTBEAT, after: next.params.heartbeatMs });
  if (next.hooks.onLead !== undefined) next = next.hooks.onLead(next, ctx);
  // Our own waiting commands go straight into the queue.
  next = enqueue(next, waitingCommands(next));
  return tryPropose(next, ctx);
}

function heartbeats(s: St, ctx: Ctx): St {
  if (s.hooks.sendHeartbeats !== undefined) return s.hooks.sendHeartbeats(s, ctx);
  ctx.broadcast({ type: 'heartbeat', ballot: s.ballot!, decidedBelow: s.commitIndex });
  return s;
}

/**
 * Leader with a variant's `canPropose`: re-propose the recovered slots from `from` (default: the
 * commit index) while it may, in order; keep the rest for later.
 */
function recover(s: St, ctx: Ctx, from = s.commitIndex): St {
  const r = s.recovering!;
  let next = s;
  for (let slot = Math.max(from, s.commitIndex); slot < r.upTo; slot++) {
    if (next.log.has(slot) || next.inflight.has(slot)) continue;
    if (!next.hooks.canPropose!(next, slot)) return next;
    next = propose(next, ctx, slot, r.best.get(slot) ?? []);
    if (next.role !== 'leader') return next;
  }
  const done = copyState(next);
  done.recovering = null;
  return done;
}

/** A message from a leader at ballot `b` (heartbeat, accept): follow it if it is current. */
function follow(s: St, ctx: Ctx, b: Ballot): St {
  if (b.node === s.id) return s;
  electionTimer(s, ctx);
  if (s.leader === b.node) return s;
  const next = copyState(s);
  next.leader = b.node;
  return next;
}

function onMessage(s0: St, from: NodeId, msg: MultiPaxosMessage, ctx: Ctx): St {
  let s = s0;
  switch (msg.type) {
    case 'prepare': {
      const b = msg.ballot;
      if (s.hooks.ignorePrepare?.(s, from, b, ctx) === true) return s;
      const seen = copyState(s);
      seen.seenRound = Math.max(s.seenRound, b.round);
      s = seen;
      const cmp = compareBallots(b, s.promised);
      if (cmp < 0) {
        ctx.send(from, { type: 'nack', ballot: b, promised: s.promised! });
        return s;
      }
      if (cmp === 0) return s; // a duplicate: promised once
      s = raisePromise(s, ctx, b);
      const fromSlot = Math.max(msg.fromSlot, s.commitIndex);
      const accepted = votesFrom(s, fromSlot);
      const extra = s.hooks.promiseExtra?.make(s, msg.fromSlot);
      const promise: MultiPaxosMessage =
        accepted.length === 0
          ? { type: 'promise', ballot: b, fromSlot }
          : { type: 'promise', ballot: b, fromSlot, accepted };
      ctx.send(from, extra === undefined ? promise : { ...promise, ...extra });
      // Give the candidate time to win before we stand ourselves.
      electionTimer(s, ctx);
      const next = copyState(s);
      next.leader = null;
      return next;
    }
    case 'promise': {
      if (s.role !== 'candidate' || !sameBallot(msg.ballot, s.ballot) || s.promises[from] !== undefined)
        return s;
      const x = s.hooks.promiseExtra;
      const record: PromiseRecord =
        x === undefined
          ? { fromSlot: msg.fromSlot, accepted: msg.accepted ?? [] }
          : { fromSlot: msg.fromSlot, accepted: msg.accepted ?? [], extra: x.read(msg) };
      const next = copyState(s);
      next.promises = { ...s.promises, [from]: record };
      s = next;
      return phase1Done(s, ctx) ? becomeLeader(s, ctx) : s;
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
      ctx.persist(slotKey(0, msg.slot), { ballot: b, value: msg.value });
      ctx.send(from, { type: 'accepted', ballot: b, slot: msg.slot });
      const next = copyState(s);
      next.votes = s.votes.set(msg.slot, { ballot: b, value: msg.value });
      next.maxVoteSlot = Math.max(s.maxVoteSlot, msg.slot);
      return next;
    }
    case 'accepted': {
      const f = s.inflight.get(msg.slot);
      if (
        s.role !== 'leader' ||
        !sameBallot(msg.ballot, s.ballot) ||
        f === undefined ||
        f.acks.includes(from)
      ) {
        return s;
      }
      if (s.hooks.onAccepted !== undefined) s = s.hooks.onAccepted(s, from, f, ctx);
      const acks = [...f.acks, from];
      const next = copyState(s);
      // A literal, not `{ ...f, acks }`: faster to copy (see copyState).
      next.inflight = s.inflight.set(msg.slot, {
        value: f.value,
        acks,
        sentTick: f.sentTick,
        sentAt: f.sentAt,
        resent: f.resent,
        cls: f.cls,
      });
      s = next;
      if (!phase2Done(s, msg.slot, acks, f.cls)) return s;
      return tryPropose(decideAsLeader(s, ctx, msg.slot), ctx);
    }
    case 'nack': {
      const p = msg.promised;
      if (p !== undefined) {
        const seen = copyState(s);
        seen.seenRound = Math.max(s.seenRound, p.round);
        s = seen;
      }
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
      if (s.hooks.onHeartbeat !== undefined && b.node !== s.id) s = s.hooks.onHeartbeat(s, from, msg, ctx);
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
      return s.hooks.onMessage === undefined ? s : s.hooks.onMessage(s, from, msg, ctx);
  }
}

function onTimer(s0: St, name: string, ctx: Ctx): St {
  let s = s0;
  switch (name) {
    case ELECTION:
      if (s.role === 'leader') return s;
      return s.hooks.onElectionTimeout === undefined
        ? startElection(s, ctx)
        : s.hooks.onElectionTimeout(s, ctx);
    case HEARTBEAT: {
      if (s.role !== 'leader') return s;
      const tick = s.tick + 1;
      const ticked = copyState(s);
      ticked.tick = tick;
      s = heartbeats(ticked, ctx);
      // Re-send accepts that a quorum has not answered for two beats (messages may be lost).
      let inflight = s.inflight;
      const resendDue = s.hooks.resendDue;
      s.inflight.forEach((f, slot) => {
        if (resendDue === undefined ? tick - f.sentTick >= 2 : resendDue(s, f, tick, ctx)) {
          for (const to of s.nodes) {
            if (!f.acks.includes(to)) ctx.send(to, acceptMessage(s.ballot!, slot, f.value, f.cls));
          }
          inflight = inflight.set(slot, { ...f, sentTick: tick, sentAt: ctx.now, resent: true });
        }
      });
      if (s.catchupFrom !== null && s.commitIndex < s.catchupTarget) {
        // Ask the promiser that knew more, then every other node in turn (it may have crashed).
        const others = s.nodes.filter((n) => n !== s.id);
        const to = tick % 2 === 1 ? s.catchupFrom : others[Math.floor(tick / 2) % others.length]!;
        ctx.send(to, { type: 'catchup', fromSlot: s.commitIndex });
      }
      ctx.effect({ kind: 'setTimer', name: HEARTBEAT, after: s.params.heartbeatMs });
      const next = copyState(s);
      next.inflight = inflight;
      return tryPropose(next, ctx);
    }
    case BATCH: {
      const next = copyState(s);
      next.batchArmed = false;
      return tryPropose(next, ctx, true);
    }
    case RETRY: {
      // One pass over the waiting commands: they are what stays pending (the answered ones are let
      // go once they are most of the queue) and, sorted by op, what is sent again. An answered
      // command left in the queue answers no question differently (its op is applied: see
      // `pending`), and rebuilding the queue's index on every retry cost more than scanning a few
      // answered commands again. The answered ones before the first waiting one go at once (a
      // drop copies nothing): commands are mostly answered in arrival order, and scanning them
      // again on every retry was half of the scan.
      const first = firstUnanswered(s);
      const pending = s.pending.drop(first);
      const waiting = unanswered(s, first);
      const next = copyState(s);
      next.retryArmed = false;
      next.pending =
        waiting.length === 0
          ? OpQueue.empty()
          : 2 * waiting.length + 64 >= pending.length
            ? pending
            : OpQueue.of(waiting.slice());
      const cmds = sortedByOp(waiting);
      s = next;
      if (cmds.length === 0) return s;
      if (s.role === 'leader') s = tryPropose(enqueue(s, cmds), ctx);
      else if (s.leader !== null) ctx.send(s.leader, { type: 'x-forward', cmds });
      return armRetry(s, ctx);
    }
    default:
      return s.hooks.onTimer === undefined ? s : s.hooks.onTimer(s, name, ctx);
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

function onRequest(s: St, req: ClientRequest<KvRequest>, ctx: Ctx): St {
  const error = clientRequestError(req);
  if (error !== null) {
    ctx.effect({ kind: 'reply', op: req.op, ok: false, result: { error } });
    return s;
  }
  if (s.appliedOps.has(req.op) || s.pending.has(req.op)) return s; // already answered or waiting
  const cmd = command(req);
  if (s.role === 'leader') {
    // What `enqueue(next, [cmd])` does, on the same copy: one state copy less per request the
    // leader takes (8k of the 88k copies of a Multi-Paxos bench run).
    const next = copyState(s);
    next.pending = s.pending.push(cmd);
    if (!s.queue.has(cmd.op) && !isLogged(s, {}, cmd.op)) next.queue = s.queue.push(cmd);
    return armRetry(tryPropose(next, ctx), ctx);
  }
  if (s.params.forward && s.leader !== null) {
    ctx.send(s.leader, { type: 'x-forward', cmds: [cmd] });
    const next = copyState(s);
    next.pending = s.pending.push(cmd);
    return armRetry(next, ctx);
  }
  ctx.effect({
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
  variant: MultiPaxosVariant<unknown>,
  config: NodeConfig<Record<string, unknown>>,
  durable: Readonly<Record<string, unknown>> | undefined,
): St {
  const { params, q1, q2 } = variant.resolve(config);
  const control = variant.hooks.control;
  let log = SlotLog.empty<Batch>();
  let votes = SlotMap.empty<Vote>();
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
  let appliedOps = IntSet.empty();
  const window = memoWindow(params.pipeline);
  while (log.has(commitIndex)) {
    // The same application as a running node's (learn): same skips, same store.
    const applied = applySlot(kv, appliedOps, commitIndex, log.get(commitIndex)!, control, window);
    kv = applied.kv;
    appliedOps = applied.ops;
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
  const s: MultiPaxosState<undefined> = {
    id: config.id,
    nodes: config.nodes,
    params,
    q1,
    q2,
    hooks: variant.hooks,
    ext: undefined,
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
    inflight: SlotMap.empty(),
    queue: OpQueue.empty(),
    batchArmed: false,
    catchupTarget: 0,
    catchupFrom: null,
    recovering: null,
    tick: 0,
    pending: OpQueue.empty(),
    retryArmed: false,
  };
  const withExt = copyState<unknown>(s);
  withExt.ext = variant.initExt(s);
  return variant.hooks.onCommit === undefined || commitIndex === 0
    ? withExt
    : variant.hooks.onCommit(withExt, undefined, 0, commitIndex);
}

/** A variant of Multi-Paxos built on this node: its name, parameters, hooks and extra state. */
export interface MultiPaxosVariant<X> {
  readonly protocol: string;
  /** Resolve and check the parameters (throws a RangeError naming the parameter). */
  resolve(config: NodeConfig<Record<string, unknown>>): {
    params: MultiPaxosParams;
    q1: number;
    q2: number;
  };
  readonly hooks: MultiPaxosHooks;
  /** The extra state of a (re)started node, from its restored core state. */
  initExt(s: MultiPaxosState<undefined>): X;
}

/** Build a node behaviour for a variant (the runtime's `now` reaches the hooks as `ctx.now`). */
export function multiPaxosVariant<X>(
  variant: MultiPaxosVariant<X>,
): NodeBehavior<MultiPaxosState<X>, MultiPaxosMessage, KvRequest, unknown, Record<string, unknown>> {
  const v = variant as MultiPaxosVariant<unknown>;
  type SX = MultiPaxosState<X>;
  type SStep = Step<SX, MultiPaxosMessage, unknown>;
  return {
    protocol: variant.protocol,
    init(config, durable, now): SStep {
      const s = restore(v, config, durable);
      const ctx = Ctx.at(now);
      electionTimer(s, ctx);
      return ctx.done(s) as SStep;
    },
    onMessage(s, from, msg, now): SStep {
      const ctx = Ctx.at(now);
      return ctx.done(onMessage(s, from, msg, ctx)) as SStep;
    },
    onTimer(s, name, now): SStep {
      const ctx = Ctx.at(now);
      return ctx.done(onTimer(s, name, ctx)) as SStep;
    },
    onRequest(s, req, now): SStep {
      const ctx = Ctx.at(now);
      return ctx.done(onRequest(s, req, ctx)) as SStep;
    },
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
> = multiPaxosVariant<undefined>({
  protocol: 'multipaxos',
  resolve(config) {
    const params = resolveParams('multipaxos', MULTIPAXOS_PARAMS, config.params);
    const { q1, q2 } = quorumSizes(
      'multipaxos',
      config.nodes.length,
      params.phase1Quorum,
      params.phase2Quorum,
    );
    return { params, q1, q2 };
  },
  hooks: {},
  initExt: () => undefined,
});
