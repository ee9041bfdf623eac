// Single-decree Paxos as a node of the reference implementation (impl/Node.ts): every node is a
// proposer, an acceptor and a learner. Its twins are the executable spec `spec/paxos/paxos.ts` and
// the TLA+ module `tla/Paxos.tla`; the messages are the trace format's `paxos` messages.
//
// The algorithm. Ballots are `{ round, node }` pairs, ordered by round then node, so two proposers
// never share one. A value is chosen when a phase-2 quorum of acceptors has accepted it in one ballot.
//
//   Phase 1a  a proposer with a value (a client request or the `propose` parameter) picks a ballot
//             above every round it has seen, persists that round, and sends `prepare` to all.
//   Phase 1b  an acceptor whose promise is below the ballot raises it, persists it, and answers
//             `promise` with its last vote (`accepted`), if any; otherwise it answers `nack`.
//   Phase 2a  with promises from a phase-1 quorum, the proposer sends `accept` for the value of the
//             highest-ballot vote reported, or, if none was, its own value. One `accept` per ballot.
//   Phase 2b  an acceptor whose promise is not above the ballot votes: it persists the vote and
//             sends `accepted` to every learner; otherwise `nack`.
//   Learn     a learner that counts `accepted` from a phase-2 quorum for one ballot decides. The
//             ballot's proposer also sends `decide`; a decided node (still an acceptor) also
//             answers a prepare with `decide`, so a node that missed the vote learns by trying a
//             ballot.
//   Retry     a proposer that is not done after `retryMs` (plus random jitter drawn by the runtime),
//             or that gets a nack, starts over with a higher ballot; delay and jitter double with
//             each failed ballot (up to 16x), so dueling proposers drift apart.
//
// Why it is safe. If v was chosen in ballot c, every phase-1 quorum of a ballot b > c intersects
// c's phase-2 quorum (`phase1Quorum + phase2Quorum > N`; majorities by default). The shared acceptor
// voted in c before it promised b (after promising b it refuses c), and it persisted that vote, so
// b's proposer hears of a vote at a ballot >= c and, by induction on ballots, proposes v. Durable
// writes reach storage before the replies they justify leave the node (the runtime applies
// `persist` first), so a crash and restart cannot take a promise or a vote back.
//
// The mutant `forgetPromise: true` breaks exactly that: its acceptor does not persist promises and,
// after a restart, believes only its last vote. A promise it gave to ballot b (reporting no vote)
// is forgotten, it then votes in a lower ballot, and b's proposer, trusting the promise, can choose
// a second value. The simulator's `--explore` shrinking test and impl/paxos/PaxosNode.test.ts use it.

import type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from '../Node.js';
import { asBallot, ballotKey, compareBallots, quorumSizes, sameBallot, type Ballot } from './ballot.js';
import { resolveParams, type ParamValues } from './params.js';

/** A vote an acceptor has cast. */
export type PaxosVote = { readonly ballot: Ballot; readonly value: unknown };

/** The messages of single-decree Paxos, as the trace schema's `message.paxos` defines them. */
export type PaxosMessage =
  | { readonly type: 'prepare'; readonly ballot: Ballot }
  | { readonly type: 'promise'; readonly ballot: Ballot; readonly accepted?: PaxosVote }
  | { readonly type: 'accept'; readonly ballot: Ballot; readonly value: unknown }
  | { readonly type: 'accepted'; readonly ballot: Ballot; readonly value: unknown }
  | { readonly type: 'nack'; readonly ballot: Ballot; readonly promised?: Ballot }
  | { readonly type: 'decide'; readonly value: unknown; readonly ballot?: Ballot };

/**
 * A client request: propose `value` (a Jepsen-style `{ f: 'write', value }` works too; `{ f: 'read' }`
 * proposes nothing and waits). The reply's result is the decided value.
 */
export type PaxosRequest = { readonly f?: string; readonly value?: unknown };

/** The parameters of the Paxos node. */
export const PAXOS_PARAMS = {
  propose: {
    kind: 'enum',
    values: ['all', 'first', 'none'],
    default: 'all',
    description:
      'Which nodes propose at start, each its own value `v-<node>`: all, the first node only, or none (values then come only from client requests).',
  },
  retryMs: {
    kind: 'number',
    default: 100,
    min: 1,
    description:
      'A proposer that has not learned the decision after this many ms retries with a higher ballot.',
  },
  retryJitterMs: {
    kind: 'number',
    default: 100,
    min: 0,
    description:
      'Random extra delay in [0, jitter) ms, drawn by the runtime, added to every retry (and to a retry after a nack).',
  },
  phase1Quorum: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    description:
      'Promises needed to end phase 1; 0 means a majority. phase1Quorum + phase2Quorum must exceed the node count.',
  },
  phase2Quorum: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    description: 'Votes needed to choose a value; 0 means a majority.',
  },
  forgetPromise: {
    kind: 'boolean',
    default: false,
    description:
      'MUTANT (unsafe): acceptors do not persist their promises and forget them on restart. Exists to show that the safety watch catches it.',
  },
} as const;

/** Resolved parameters of the Paxos node. */
export type PaxosParams = ParamValues<typeof PAXOS_PARAMS>;

/** The state of one Paxos node. */
export type PaxosState = {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly params: PaxosParams;
  readonly q1: number;
  readonly q2: number;
  /** Proposer: the highest round this node has used for its own ballots (durable). */
  readonly round: number;
  /** The highest round seen in any message (volatile): the next ballot goes above it. */
  readonly seenRound: number;
  /** Proposer: the value it proposes when free to choose, if it has one. */
  readonly proposal: { readonly value: unknown } | null;
  /** Proposer: the current ballot and how far it got. */
  readonly ballot: Ballot | null;
  readonly phase: 'idle' | 'prepare' | 'accept';
  /** Proposer: ballots started without a decision; the retry delay doubles with each (up to 16x). */
  readonly attempts: number;
  /** Proposer: promises for `ballot`, by acceptor, with the vote each reported. */
  readonly promises: Readonly<Record<NodeId, PaxosVote | null>>;
  /** Acceptor: the highest ballot promised (durable, except in the mutant). */
  readonly promised: Ballot | null;
  /** Acceptor: the last vote cast (durable). */
  readonly accepted: PaxosVote | null;
  /** Learner: `accepted` messages counted, per ballot. */
  readonly votes: Readonly<Record<string, { readonly value: unknown; readonly from: readonly NodeId[] }>>;
  /** Learner: the decision, once known (durable). */
  readonly decided: { readonly value: unknown; readonly ballot: Ballot | null } | null;
  /** Client operations waiting for the decision. */
  readonly waiting: readonly number[];
};

type Eff = Effect<PaxosMessage, unknown>;
type PStep = Step<PaxosState, PaxosMessage, unknown>;

const RETRY = 'retry';

/** The value a request proposes: `{ value }` (JSON has no undefined: absent is null); a read proposes none. */
function requestValue(request: unknown): { value: unknown } | null {
  if (typeof request !== 'object' || request === null) return { value: request ?? null };
  const r = request as { f?: unknown; value?: unknown };
  if (r.f === 'read') return null;
  return { value: r.value ?? null };
}

function asVote(x: unknown): PaxosVote | null {
  if (typeof x !== 'object' || x === null) return null;
  const ballot = asBallot((x as { ballot?: unknown }).ballot);
  return ballot === null ? null : { ballot, value: (x as { value?: unknown }).value };
}

/** Randomized exponential backoff: delay and jitter double with every failed ballot, up to 16x. */
function retryTimer(s: PaxosState, after: number): Eff {
  const k = 2 ** Math.min(s.attempts, 4);
  return { kind: 'setTimer', name: RETRY, after: after * k, jitter: s.params.retryJitterMs * k };
}

/** Phase 1a: a fresh ballot above every round seen; the round is persisted before `prepare` leaves. */
function startBallot(s: PaxosState, effects: Eff[]): PaxosState {
  const round = Math.max(s.round, s.seenRound, s.promised?.round ?? 0, s.accepted?.ballot.round ?? 0) + 1;
  const ballot: Ballot = { round, node: s.id };
  effects.push({ kind: 'persist', vars: { round } });
  effects.push({ kind: 'broadcast', msg: { type: 'prepare', ballot }, self: true });
  const next: PaxosState = {
    ...s,
    round,
    seenRound: Math.max(s.seenRound, round),
    ballot,
    phase: 'prepare',
    promises: {},
    attempts: s.attempts + 1,
  };
  effects.push(retryTimer(next, s.params.retryMs));
  return next;
}

function decide(s: PaxosState, value: unknown, ballot: Ballot | null, effects: Eff[]): PaxosState {
  if (s.decided !== null) return s;
  const decided = { value, ballot };
  effects.push({ kind: 'persist', vars: { decided } });
  effects.push(
    ballot === null ? { kind: 'decide', slot: 0, value } : { kind: 'decide', slot: 0, value, ballot },
  );
  if (ballot !== null && ballot.node === s.id) {
    effects.push({ kind: 'broadcast', msg: { type: 'decide', value, ballot } });
  }
  for (const op of s.waiting) effects.push({ kind: 'reply', op, ok: true, result: value });
  effects.push({ kind: 'cancelTimer', name: RETRY });
  return { ...s, decided, waiting: [], phase: 'idle', promises: {}, votes: {} };
}

function decideMessage(s: PaxosState): PaxosMessage {
  const d = s.decided!;
  return d.ballot === null
    ? { type: 'decide', value: d.value }
    : { type: 'decide', value: d.value, ballot: d.ballot };
}

function onPrepare(s: PaxosState, from: NodeId, ballot: Ballot, effects: Eff[]): PaxosState {
  let next = s;
  const cmp = compareBallots(ballot, s.promised);
  if (cmp > 0) {
    if (!s.params.forgetPromise) effects.push({ kind: 'persist', vars: { promised: ballot } });
    const msg: PaxosMessage =
      s.accepted === null ? { type: 'promise', ballot } : { type: 'promise', ballot, accepted: s.accepted };
    effects.push({ kind: 'send', to: from, msg });
    next = { ...s, promised: ballot };
  } else if (cmp < 0) {
    effects.push({ kind: 'send', to: from, msg: { type: 'nack', ballot, promised: s.promised! } });
  }
  // cmp === 0: a duplicate prepare; the promise was sent once (TLA+ Phase1b needs b > maxBal).
  // A decided node still acts as an acceptor (as in the spec) and also tells the proposer.
  if (s.decided !== null) effects.push({ kind: 'send', to: from, msg: decideMessage(s) });
  return next;
}

function onPromise(
  s: PaxosState,
  from: NodeId,
  ballot: Ballot,
  accepted: PaxosVote | null,
  effects: Eff[],
): PaxosState {
  if (s.phase !== 'prepare' || !sameBallot(ballot, s.ballot) || from in s.promises) return s;
  const promises = { ...s.promises, [from]: accepted };
  const reports = Object.values(promises);
  if (reports.length < s.q1) return { ...s, promises };
  // Phase 2a: the value of the highest-ballot vote reported, else our own.
  let best: PaxosVote | null = null;
  for (const v of reports) if (v !== null && compareBallots(v.ballot, best?.ballot) > 0) best = v;
  const value = best !== null ? best.value : s.proposal?.value;
  if (best === null && s.proposal === null) {
    // Nothing to propose: this ballot only served to learn; the retry timer stays set.
    return { ...s, promises, phase: 'idle' };
  }
  effects.push({ kind: 'broadcast', msg: { type: 'accept', ballot: s.ballot!, value }, self: true });
  return { ...s, promises, phase: 'accept' };
}

function onAccept(s: PaxosState, from: NodeId, ballot: Ballot, value: unknown, effects: Eff[]): PaxosState {
  if (compareBallots(ballot, s.promised) < 0) {
    effects.push({ kind: 'send', to: from, msg: { type: 'nack', ballot, promised: s.promised! } });
    return s;
  }
  const accepted: PaxosVote = { ballot, value };
  effects.push({
    kind: 'persist',
    vars: s.params.forgetPromise ? { accepted } : { promised: ballot, accepted },
  });
  effects.push({ kind: 'broadcast', msg: { type: 'accepted', ballot, value }, self: true });
  return { ...s, promised: ballot, accepted };
}

function onAccepted(s: PaxosState, from: NodeId, ballot: Ballot, value: unknown, effects: Eff[]): PaxosState {
  if (s.decided !== null) return s;
  const key = ballotKey(ballot);
  const prev = s.votes[key];
  if (prev?.from.includes(from) === true) return s;
  const entry = { value, from: [...(prev?.from ?? []), from] };
  const next = { ...s, votes: { ...s.votes, [key]: entry } };
  return entry.from.length >= s.q2 ? decide(next, value, ballot, effects) : next;
}

function onNack(s: PaxosState, ballot: Ballot, promised: Ballot | null, effects: Eff[]): PaxosState {
  const seenRound = Math.max(s.seenRound, promised?.round ?? 0);
  if (s.phase === 'idle' || !sameBallot(ballot, s.ballot) || s.decided !== null) return { ...s, seenRound };
  // Preempted: back off a random delay, then retry above the ballot that beat us.
  effects.push(retryTimer(s, 0));
  return { ...s, seenRound, phase: 'idle', promises: {} };
}

function activeSeen(s: PaxosState): boolean {
  return s.proposal !== null || s.seenRound > 0 || s.accepted !== null || s.promised !== null;
}

/**
 * Single-decree Paxos on the node contract. Parameters: {@link PAXOS_PARAMS}; client requests
 * `{ value }` propose a value and are answered with the decided value.
 */
export const paxosNode: NodeBehavior<
  PaxosState,
  PaxosMessage,
  PaxosRequest,
  unknown,
  Record<string, unknown>
> = {
  protocol: 'paxos',

  init(config: NodeConfig<Record<string, unknown>>, durable): PStep {
    const params = resolveParams('paxos', PAXOS_PARAMS, config.params);
    const { q1, q2 } = quorumSizes('paxos', config.nodes.length, params.phase1Quorum, params.phase2Quorum);
    const accepted = asVote(durable?.['accepted']);
    // The mutant forgets its promise on restart: only its last vote bounds what it accepts.
    const promised = params.forgetPromise ? (accepted?.ballot ?? null) : asBallot(durable?.['promised']);
    const round = typeof durable?.['round'] === 'number' ? durable['round'] : 0;
    const d = durable?.['decided'] as { value?: unknown; ballot?: unknown } | undefined;
    const decided = d !== undefined && d !== null ? { value: d.value, ballot: asBallot(d.ballot) } : null;
    const proposes =
      params.propose === 'all' || (params.propose === 'first' && config.nodes[0] === config.id);
    const state: PaxosState = {
      id: config.id,
      nodes: config.nodes,
      params,
      q1,
      q2,
      round,
      seenRound: Math.max(round, promised?.round ?? 0),
      proposal: proposes ? { value: `v-${config.id}` } : null,
      ballot: null,
      phase: 'idle',
      attempts: 0,
      promises: {},
      promised,
      accepted,
      votes: {},
      decided,
      waiting: [],
    };
    const effects: Eff[] = [];
    if (decided === null && activeSeen(state)) {
      // Start after a random delay (0 for the only proposer) so that proposers rarely collide.
      effects.push(
        params.propose === 'first' && proposes
          ? { kind: 'setTimer', name: RETRY, after: 0 }
          : retryTimer(state, durable === undefined ? 0 : params.retryMs),
      );
    }
    return { state, effects };
  },

  onMessage(s, from, msg): PStep {
    const effects: Eff[] = [];
    const seen = (b: Ballot | undefined | null): PaxosState =>
      b != null && b.round > s.seenRound ? { ...s, seenRound: b.round } : s;
    let next: PaxosState;
    switch (msg.type) {
      case 'prepare':
        next = onPrepare(seen(msg.ballot), from, msg.ballot, effects);
        break;
      case 'promise':
        next = onPromise(s, from, msg.ballot, msg.accepted ?? null, effects);
        break;
      case 'accept':
        next = onAccept(seen(msg.ballot), from, msg.ballot, msg.value, effects);
        break;
      case 'accepted':
        next = onAccepted(seen(msg.ballot), from, msg.ballot, msg.value, effects);
        break;
      case 'nack':
        next = onNack(s, msg.ballot, msg.promised ?? null, effects);
        break;
      case 'decide':
        next = decide(s, msg.value, msg.ballot ?? null, effects);
        break;
      default:
        return { state: s, effects: [] };
    }
    // A node without a value of its own that hears of a ballot keeps a retry timer so it learns.
    if (
      s.decided === null &&
      next.decided === null &&
      s.proposal === null &&
      !activeSeen(s) &&
      activeSeen(next)
    ) {
      effects.push(retryTimer(next, next.params.retryMs));
    }
    return { state: next, effects };
  },

  onTimer(s, name): PStep {
    if (name !== RETRY || s.decided !== null) return { state: s, effects: [] };
    const effects: Eff[] = [];
    return { state: startBallot(s, effects), effects };
  },

  onRequest(s, req: ClientRequest<PaxosRequest>): PStep {
    if (s.decided !== null) {
      return { state: s, effects: [{ kind: 'reply', op: req.op, ok: true, result: s.decided.value }] };
    }
    const effects: Eff[] = [];
    let next: PaxosState = { ...s, waiting: [...s.waiting, req.op] };
    if (next.proposal === null) next = { ...next, proposal: requestValue(req.request) };
    if (next.phase === 'idle') next = startBallot(next, effects);
    return { state: next, effects };
  },
};
