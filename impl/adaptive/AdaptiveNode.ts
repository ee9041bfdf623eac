// Adaptive Multi-Paxos: the Multi-Paxos node (impl/multipaxos) with a configurable quorum system
// per criticality class, reconfiguration through the log, and timeouts adapted to measured round
// trips. Built on MultiPaxosNode through its hooks, not a copy: every phase is Multi-Paxos's.
// Twins: the executable spec `spec/adaptive/` and `tla/AdaptiveQuorums.tla`. Messages are the
// `multipaxos` ones under protocol `adaptive` (not schema-typed), plus: `accept.class`,
// `promise.configs`, `heartbeat.ts` / `heartbeat.rto`, and `x-heartbeat-ack { ballot, ts }`.
//
// Quorums. A configuration is a quorum system of kind `classes` (quorums/): one system per class,
// `critical` and `routine`. A slot is decided by a phase-2 quorum of its class; a phase-1 quorum
// must be a phase-1 quorum of every class. Defaults for n nodes: routine Q2 = `routineQ2` (2),
// critical Q2 = `criticalQ2` (0: a majority), each class's Q1 = n - Q2 + 1; so with 5 nodes a
// routine write needs 2 votes, a critical one 3, and a leader needs 4 promises.
//
// Criticality. A client request carries `class` (`critical` | `routine`; missing or unknown counts
// as critical). A batch's class is the strictest class among its commands, so a routine command
// never weakens a critical one; a no-op is routine; a reconfiguration (a logged `{ reconfig }`
// without an `op`, so a client command is never one) is critical. The accept
// carries `class`; the leader decides with that class's phase-2 quorum.
//
// Reconfiguration through the log. A command `{ reconfig: <classes system> }` is decided in a slot
// s like any command and takes effect at slot s + alpha. The leader proposes in slot i only when
// every slot <= i - alpha is decided and applied locally, so the configuration of every slot it
// proposes in is known (alpha >= pipeline keeps the pipeline full), and only when its phase-1
// quorum is one of that configuration (below). A node applying it emits a
// `reconfig` effect (trace event `{ kind: 'reconfig', node, slot: s + alpha, quorum }`). With
// `reconfigEveryMs` > 0 the leader proposes one every that many ms, alternating between the
// configuration of `routineQ2` and that of `reconfigRoutineQ2`.
//
// Phase 1 with reconfiguration, and why it is safe. A candidate whose commit point is c must hear
// from a set P that is a phase-1 quorum of every configuration that may be in force at a slot >= c:
// (1) the one in force at c (known: it depends on slots <= c - alpha, all applied), (2) every
// configuration its own log schedules later, (3) every configuration a promiser reports as
// scheduled after c (`promise.configs`: reconfigurations decided below the promiser's commit point
// that take effect later), (4) every configuration named by a reconfiguration command in a reported
// vote. It re-checks as promises arrive and waits for more when a newly learned configuration needs
// them. Safety, by induction over slots j >= c: the configuration of j is fixed by the
// reconfigurations chosen in slots <= j - alpha. Those below the highest promiser commit point F
// are decided and reported by (3) (the promiser with commit point F knows every slot below F);
// one chosen at a slot k >= F was accepted by a phase-2 quorum of k's configuration, which P meets
// by the induction hypothesis, so some promiser reports a vote at k, and its highest vote there is
// the chosen value (Paxos), so (4) names it. Hence P is a phase-1 quorum of the configuration of
// every slot >= F, meets every phase-2 quorum that could have chosen a value there, and the new
// leader re-proposes the highest-ballot vote of each such slot: single-decree Paxos per slot, with
// Flexible Paxos's intersection (any Q1 meets any Q2 of the same configuration).
// That covers every configuration known or reported at the election, not one that the leader's own
// reconfiguration schedules afterwards: its promisers need not be a phase-1 quorum of it, and an
// older leader that learns the reconfiguration could decide another value there with a phase-2
// quorum none of them belongs to. So the leader proposes in slot i only if its promisers are also a
// phase-1 quorum of i's configuration; when they are not, it runs phase 1 again with a higher
// ballot once its slots in flight are settled (its log now schedules that configuration, rule (2)).
//
// Adaptive timeouts (`adaptiveTimeouts`, default true). Handlers read no clock: the runtime's time
// comes in as `now`. The leader measures round trips per peer: accept -> accepted on slots sent
// once (Karn's rule: no sample from a re-sent accept), and heartbeat probes: a heartbeat carries the
// leader's `ts` when no probe to that peer is outstanding, the follower echoes it in
// `x-heartbeat-ack`. Per peer it keeps SRTT and RTTVAR as TCP does (RFC 6298: alpha 1/8, beta 1/4,
// RTO = SRTT + 4 RTTVAR clamped to [rtoMinMs, rtoMaxMs], rtoInitialMs before a sample). Heartbeats go
// to each peer with that link's RTO (`rto`, once measured). A follower's election timeout is
// max(electionTimeoutMs, timeoutFactor x RTO + heartbeatMs), with jitter in proportion, doubled
// after each election it stands in without hearing a leader (capped at electionTimeoutMaxMs).
// Unanswered accepts are re-sent after the smallest RTO of the peers that have not voted. With
// `stickyLeader`, a follower that heard its leader within half its election timeout ignores
// another node's prepare (as Raft's check-quorum / pre-vote do): a far node that times out cannot
// depose a live leader. With `adaptiveTimeouts: false` (and `stickyLeader: false`) the timing is
// Multi-Paxos's fixed one.

import { quorumsOf, type Quorums } from '../../quorums/index.js';
import type { QuorumSystem } from '../../traces/index.js';
import type { NodeBehavior, NodeId } from '../Node.js';
import { compareBallots } from '../paxos/ballot.js';
import { resolveParams, type ParamValues } from '../paxos/params.js';
import type { KvCommand, KvRequest } from '../multipaxos/kv.js';
import {
  copyState,
  MULTIPAXOS_PARAMS,
  multiPaxosVariant,
  proposeNext,
  startElection,
  type Batch,
  type Inflight,
  type MultiPaxosCtx,
  type MultiPaxosMessage,
  type MultiPaxosParams,
  type MultiPaxosState,
} from '../multipaxos/MultiPaxosNode.js';
import { canonicalJson } from '../sim/canonical.js';

/** The criticality classes, strictest first. */
export const CRITICALITY_CLASSES = ['critical', 'routine'] as const;
/** A criticality class. */
export type Criticality = (typeof CRITICALITY_CLASSES)[number];

/** A logged reconfiguration: from `slot + alpha` on, `reconfig` is the quorum system. */
export type ReconfigCommand = { readonly reconfig: QuorumSystem };

/** `o` without the named keys. */
function omit<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Omit<T, K> {
  const out = { ...o } as Record<string, unknown>;
  for (const k of keys) delete out[k as string];
  return out as Omit<T, K>;
}

const FIXED_QUORUM_PARAMS = ['phase1Quorum', 'phase2Quorum', 'forgetPromise'] as const;
const BASE_PARAMS = omit(MULTIPAXOS_PARAMS, FIXED_QUORUM_PARAMS);

/** The parameters of the adaptive node: Multi-Paxos's (without fixed quorum sizes) and its own. */
export const ADAPTIVE_PARAMS = {
  ...BASE_PARAMS,
  routineQ2: {
    kind: 'number',
    default: 2,
    min: 0,
    integer: true,
    description:
      'Votes that decide a routine slot; 0 means a majority. A leader then needs n - routineQ2 + 1 promises.',
  },
  criticalQ2: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    description: 'Votes that decide a critical slot; 0 means a majority. At least routineQ2.',
  },
  alpha: {
    kind: 'number',
    default: 8,
    min: 1,
    integer: true,
    description: 'A reconfiguration decided in slot s takes effect at slot s + alpha (at least pipeline).',
  },
  reconfigEveryMs: {
    kind: 'number',
    default: 0,
    min: 0,
    description:
      'The leader proposes a reconfiguration every this many ms (0: never), alternating two configurations.',
  },
  reconfigRoutineQ2: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    description:
      'Routine phase-2 quorum of the second configuration that reconfigurations alternate to (0: a majority).',
  },
  adaptiveTimeouts: {
    kind: 'boolean',
    default: true,
    description:
      'Election timeouts and accept re-sends from measured round trips (SRTT, RTTVAR as in TCP); false: fixed.',
  },
  stickyLeader: {
    kind: 'boolean',
    default: true,
    description: 'A follower that heard its leader within half its election timeout ignores other prepares.',
  },
  timeoutFactor: {
    kind: 'number',
    default: 2,
    min: 1,
    description:
      'Election timeout = max(electionTimeoutMs, timeoutFactor x RTO of the leader link + heartbeatMs).',
  },
  rtoInitialMs: {
    kind: 'number',
    default: 1000,
    min: 1,
    description: 'RTO of a link before its first round-trip sample (RFC 6298: 1 s).',
  },
  rtoMinMs: { kind: 'number', default: 100, min: 1, description: 'Smallest RTO.' },
  rtoMaxMs: { kind: 'number', default: 7_200_000, min: 1, description: 'Largest RTO (default 2 h).' },
  electionTimeoutMaxMs: {
    kind: 'number',
    default: 14_400_000,
    min: 1,
    description: 'Largest election timeout after backing off (default 4 h).',
  },
} as const;

/** Resolved parameters of the adaptive node. */
export type AdaptiveParams = ParamValues<typeof ADAPTIVE_PARAMS>;

/** Round-trip estimate of one link (RFC 6298). */
export type RttEstimate = {
  /** Undefined until the first sample (the RTO is then the initial one, backed off). */
  readonly srtt: number | undefined;
  readonly rttvar: number;
  readonly rto: number;
};

/** A configuration and the first slot it governs. */
type Config = { readonly from: number; readonly system: QuorumSystem; readonly key: string };

/** The adaptive node's own state (beside Multi-Paxos's). */
export type AdaptiveExt = {
  readonly params: AdaptiveParams;
  /** The configurations by first slot, ascending; the first governs slot 0 (or the commit point). */
  readonly configs: readonly Config[];
  /** The two configurations reconfigurations alternate between. */
  readonly alternates: readonly [QuorumSystem, QuorumSystem];
  /** Leader: round-trip estimates per peer. */
  readonly rtt: Readonly<Record<NodeId, RttEstimate>>;
  /** Leader: the heartbeat probe outstanding per peer (its `ts`). */
  readonly probes: Readonly<Record<NodeId, number>>;
  /** Follower: the RTO of the link to its leader, as the leader measured it. */
  readonly leaderRto: number | undefined;
  /** Elections stood in a row without hearing a leader (the timeout doubles each time). */
  readonly backoff: number;
  /** When this node last heard a leader's heartbeat. */
  readonly lastLeaderAt: number | undefined;
  /** Leader: when a follower last answered (accepted, heartbeat ack). */
  readonly lastAckAt: number | undefined;
  /** Leader: a reconfiguration is due. */
  readonly reconfigDue: boolean;
  /** A pre-vote under way: its round and who would promise it. */
  readonly prevote: { readonly round: number; readonly oks: readonly NodeId[] } | null;
  /** Leader: the nodes whose promises made it leader (its phase-1 quorum), sorted. */
  readonly phase1: readonly NodeId[] | null;
};

/** The state of an adaptive node. */
export type AdaptiveState = MultiPaxosState<AdaptiveExt>;
type St = MultiPaxosState<unknown>;
const ext = (s: St): AdaptiveExt => s.ext as AdaptiveExt;
const withExt = (s: St, x: Partial<AdaptiveExt>): St => {
  const next = copyState(s);
  next.ext = { ...ext(s), ...x };
  return next;
};

const RECONFIG = 'reconfig';

/** The `classes` quorum system for `n` nodes with these phase-2 sizes (0: a majority); throws a RangeError. */
export function classesSystem(n: number, routineQ2: number, criticalQ2: number): QuorumSystem {
  const size = (name: string, q: number): number => {
    const v = q === 0 ? Math.floor(n / 2) + 1 : q;
    if (!Number.isInteger(v) || v < 1 || v > n)
      throw new RangeError(`adaptive: ${name} must be an integer in 1..${n} (0 = majority), got ${q}`);
    return v;
  };
  const r = size('routineQ2', routineQ2);
  const c = size('criticalQ2', criticalQ2);
  if (c < r)
    throw new RangeError(
      `adaptive: criticalQ2 (${c}) must be at least routineQ2 (${r}): a critical slot needs at least the votes of a routine one`,
    );
  return {
    kind: 'classes',
    classes: {
      critical: { kind: 'threshold', q1: n - c + 1, q2: c },
      routine: { kind: 'threshold', q1: n - r + 1, q2: r },
    },
  };
}

/** Resolve and check the adaptive parameters for `n` nodes (a RangeError names what is wrong). */
export function resolveAdaptiveParams(
  given: Readonly<Record<string, unknown>> | undefined,
  n: number,
): AdaptiveParams {
  const p = resolveParams('adaptive', ADAPTIVE_PARAMS, given);
  classesSystem(n, p.routineQ2, p.criticalQ2);
  classesSystem(n, p.reconfigRoutineQ2, p.criticalQ2);
  if (p.alpha < p.pipeline)
    throw new RangeError(`adaptive: alpha (${p.alpha}) must be at least pipeline (${p.pipeline})`);
  if (p.rtoMinMs > p.rtoMaxMs)
    throw new RangeError(`adaptive: rtoMinMs (${p.rtoMinMs}) must not exceed rtoMaxMs (${p.rtoMaxMs})`);
  return p;
}

// Quorum predicates, cached per (nodes, configuration): they run on every ack. A `classes` system
// of thresholds over every node is a count per class (the fast path); anything else asks quorums/.
type Pred = { q1(nodes: readonly NodeId[]): boolean; q2(nodes: readonly NodeId[], cls: string): boolean };
const predicates = new Map<string, Pred>();

function predicate(system: QuorumSystem, key: string, nodes: readonly NodeId[]): Pred {
  const cacheKey = `${nodes.join(',')}|${key}`;
  let p = predicates.get(cacheKey);
  if (p !== undefined) return p;
  const fast = thresholdCounts(system);
  if (fast !== undefined) {
    const need1 = Math.max(...Object.values(fast).map((c) => c.q1));
    const fallback = Math.max(...Object.values(fast).map((c) => c.q2));
    p = {
      q1: (xs) => xs.length >= need1,
      q2: (xs, cls) => xs.length >= (fast[cls]?.q2 ?? fallback),
    };
  } else {
    const q: Quorums = quorumsOf(system, nodes);
    p = {
      q1: (xs) => q.isQ1(xs),
      // An unknown class must meet the strictest rule: a phase-2 quorum of every class.
      q2: (xs, cls) =>
        q.classes?.includes(cls) === true
          ? q.isQ2(xs, cls)
          : (q.classes ?? [cls]).every((c) => q.isQ2(xs, c)),
    };
  }
  if (predicates.size > 256) predicates.clear();
  predicates.set(cacheKey, p);
  return p;
}

function thresholdCounts(system: QuorumSystem): Record<string, { q1: number; q2: number }> | undefined {
  if (system.kind !== 'classes') return undefined;
  const out: Record<string, { q1: number; q2: number }> = {};
  for (const [name, sub] of Object.entries(system.classes)) {
    if (sub.kind !== 'threshold' || sub.members !== undefined) return undefined;
    out[name] = { q1: sub.q1, q2: sub.q2 };
  }
  return out;
}

/**
 * A logged reconfiguration. Only the leader writes one, and never with an `op`: a client command
 * always has one, so a client request with a `reconfig` field stays an ordinary command.
 */
function isReconfig(cmd: unknown): cmd is ReconfigCommand {
  return typeof cmd === 'object' && cmd !== null && 'reconfig' in cmd && !('op' in cmd);
}

/** The class of a batch: critical when any command is (or is a reconfiguration, or has no known class). */
export function batchClass(value: readonly unknown[]): Criticality {
  for (const cmd of value) {
    if (isReconfig(cmd)) return 'critical';
    if ((cmd as { class?: unknown }).class !== 'routine') return 'critical';
  }
  return 'routine';
}

function configAt(s: St, slot: number): Config {
  const cs = ext(s).configs;
  for (let k = cs.length - 1; k > 0; k--) if (cs[k]!.from <= slot) return cs[k]!;
  return cs[0]!;
}

/** Every configuration that may govern a slot at or above the candidate's commit point (see above). */
function configsToMeet(s: St): Map<string, QuorumSystem> {
  const out = new Map<string, QuorumSystem>();
  const add = (system: QuorumSystem): void => {
    const key = canonicalJson(system);
    if (!out.has(key)) out.set(key, system);
  };
  for (const c of ext(s).configs)
    if (c.from > s.commitIndex || c === configAt(s, s.commitIndex)) add(c.system);
  for (const p of Object.values(s.promises)) {
    for (const system of (p.extra as readonly QuorumSystem[] | undefined) ?? []) add(system);
    for (const v of p.accepted) {
      for (const cmd of v.value as readonly unknown[]) if (isReconfig(cmd)) add(cmd.reconfig);
    }
  }
  return out;
}

// RFC 6298.
function sample(s: St, peer: NodeId, r: number): St {
  const x = ext(s);
  const p = x.params;
  const old = x.rtt[peer];
  const rtt = Math.max(0, r);
  const prev = old?.srtt;
  const srtt = prev === undefined ? rtt : prev + (rtt - prev) / 8;
  const rttvar = prev === undefined ? rtt / 2 : (3 * old!.rttvar) / 4 + Math.abs(prev - rtt) / 4;
  const rto = Math.min(p.rtoMaxMs, Math.max(p.rtoMinMs, srtt + Math.max(1, 4 * rttvar)));
  return withExt(s, { rtt: { ...x.rtt, [peer]: { srtt, rttvar, rto } } });
}

/** A probe went unanswered for twice its RTO: back the RTO off (RFC 6298 5.5), keep the samples. */
function backOff(s: St, peer: NodeId): St {
  const x = ext(s);
  const old = x.rtt[peer] ?? { srtt: undefined, rttvar: 0, rto: x.params.rtoInitialMs };
  const rto = Math.min(x.params.rtoMaxMs, 2 * old.rto);
  return withExt(s, { rtt: { ...x.rtt, [peer]: { ...old, rto } } });
}

function rtoOf(s: St, peer: NodeId): number {
  return ext(s).rtt[peer]?.rto ?? ext(s).params.rtoInitialMs;
}

/** The election timeout before backing off. */
function baseTimeout(s: St): number {
  const x = ext(s);
  const p = x.params;
  if (!p.adaptiveTimeouts || x.leaderRto === undefined) return p.electionTimeoutMs;
  return Math.max(p.electionTimeoutMs, p.timeoutFactor * x.leaderRto + p.heartbeatMs);
}

/**
 * With `stickyLeader`: a leader its followers answered within half its election timeout, or a
 * follower that heard its leader within half its election timeout, refuses other candidates.
 */
function sticky(s: St, from: NodeId, ctx: MultiPaxosCtx): boolean {
  const x = ext(s);
  if (!x.params.stickyLeader || ctx.now === undefined) return false;
  if (s.role === 'leader') return x.lastAckAt !== undefined && ctx.now - x.lastAckAt < baseTimeout(s) / 2;
  if (s.role !== 'follower' || s.leader === null || s.leader === from || x.lastLeaderAt === undefined)
    return false;
  return ctx.now - x.lastLeaderAt < baseTimeout(s) / 2;
}

function preVoteWon(s: St): boolean {
  const pv = ext(s).prevote;
  if (pv === null) return false;
  for (const [key, system] of configsToMeet(s)) if (!predicate(system, key, s.nodes).q1(pv.oks)) return false;
  return true;
}

/**
 * True when the leader's phase-1 quorum is a phase-1 quorum of the configuration of `slot`. It is
 * for every configuration known or reported at the election (see above); it may not be for one the
 * leader's own reconfiguration scheduled later, and proposing there with a ballot whose promisers
 * do not form a phase-1 quorum would let an older leader decide another value with a phase-2
 * quorum of that configuration that no promiser belongs to.
 */
function covered(s: St, slot: number): boolean {
  const p1 = ext(s).phase1;
  if (p1 === null) return false;
  const c = configAt(s, slot);
  return predicate(c.system, c.key, s.nodes).q1(p1);
}

function canPropose(s: St, slot: number): boolean {
  return slot < s.commitIndex + ext(s).params.alpha && covered(s, slot);
}

const hooks = {
  classOf: (value: Batch) => batchClass(value),
  control: (cmd: KvCommand) => isReconfig(cmd),
  canPropose,
  onElected: (s: St, promisers: readonly NodeId[]): St => withExt(s, { phase1: [...promisers].sort() }),
  phase1Done(s: St): boolean {
    const promisers = Object.keys(s.promises);
    for (const [key, system] of configsToMeet(s)) {
      if (!predicate(system, key, s.nodes).q1(promisers)) return false;
    }
    return true;
  },
  phase2Done(s: St, slot: number, acks: readonly NodeId[], cls: string | undefined): boolean {
    const c = configAt(s, slot);
    return predicate(c.system, c.key, s.nodes).q2(acks, cls ?? 'critical');
  },
  onCommit(s0: St, ctx: MultiPaxosCtx | undefined, from: number, to: number): St {
    let s = s0;
    const x = ext(s);
    let configs = x.configs;
    for (let slot = from; slot < to; slot++) {
      for (const cmd of s.log.get(slot) ?? []) {
        if (!isReconfig(cmd)) continue;
        const at = slot + x.params.alpha;
        configs = [...configs, { from: at, system: cmd.reconfig, key: canonicalJson(cmd.reconfig) }];
        ctx?.effect({ kind: 'reconfig', slot: at, quorum: cmd.reconfig });
      }
    }
    // Forget configurations no slot at or above the commit point can use.
    let first = 0;
    while (first + 1 < configs.length && configs[first + 1]!.from <= s.commitIndex) first++;
    if (first > 0) configs = configs.slice(first);
    if (configs !== x.configs) s = withExt(s, { configs });
    return s;
  },
  promiseExtra: {
    make(s: St, fromSlot: number): Readonly<Record<string, unknown>> {
      const later = ext(s).configs.filter((c) => c.from > fromSlot);
      return later.length === 0 ? {} : { configs: later.map((c) => c.system) };
    },
    read: (msg: Readonly<Record<string, unknown>>): unknown =>
      Array.isArray(msg['configs']) ? msg['configs'] : [],
  },
  electionTimer(s: St): { after: number; jitter: number } {
    const p = ext(s).params;
    if (!p.adaptiveTimeouts) return { after: p.electionTimeoutMs, jitter: p.electionJitterMs };
    const base = baseTimeout(s);
    const after = Math.min(p.electionTimeoutMaxMs, base * 2 ** Math.min(ext(s).backoff, 40));
    return { after, jitter: (p.electionJitterMs * after) / p.electionTimeoutMs };
  },
  onElectionTimeout(s0: St, ctx: MultiPaxosCtx): St {
    const x = ext(s0);
    const s = x.params.adaptiveTimeouts ? withExt(s0, { backoff: x.backoff + 1 }) : s0;
    if (!x.params.stickyLeader) return startElection(s, ctx);
    // Pre-vote: ask first, so that a node nobody would follow never raises its round.
    const round = Math.max(s.round, s.seenRound, s.promised?.round ?? 0) + 1;
    ctx.broadcast({ type: 'x-prevote', round } as never);
    ctx.effect({ kind: 'setTimer', name: 'election', ...hooks.electionTimer(s) });
    const next = withExt(s, { prevote: { round, oks: [s.id] } });
    return preVoteWon(next) ? startElection(withExt(next, { prevote: null }), ctx) : next;
  },
  ignorePrepare(s: St, from: NodeId, _b: unknown, ctx: MultiPaxosCtx): boolean {
    return sticky(s, from, ctx);
  },
  onHeartbeat(s: St, from: NodeId, msg: Readonly<Record<string, unknown>>, ctx: MultiPaxosCtx): St {
    const x = ext(s);
    const rto = typeof msg['rto'] === 'number' ? msg['rto'] : x.leaderRto;
    if (typeof msg['ts'] === 'number')
      ctx.send(from, { type: 'x-heartbeat-ack', ballot: msg['ballot'], ts: msg['ts'] } as never);
    return withExt(s, { leaderRto: rto, backoff: 0, lastLeaderAt: ctx.now ?? x.lastLeaderAt, prevote: null });
  },
  sendHeartbeats(s: St, ctx: MultiPaxosCtx): St {
    const x = ext(s);
    if (!x.params.adaptiveTimeouts || ctx.now === undefined) {
      ctx.broadcast({ type: 'heartbeat', ballot: s.ballot!, decidedBelow: s.commitIndex });
      return s;
    }
    let next = s;
    let probes = x.probes;
    for (const to of s.nodes) {
      if (to === s.id) continue;
      const out = probes[to];
      // One probe per peer in flight; one unanswered for twice the RTO is given up, the RTO backed off.
      let probe = out === undefined;
      if (out !== undefined && ctx.now - out > 2 * rtoOf(next, to)) {
        next = backOff(next, to);
        probe = true;
      }
      if (probe) probes = { ...probes, [to]: ctx.now };
      const est = ext(next).rtt[to];
      const msg: Record<string, unknown> = {
        type: 'heartbeat',
        ballot: s.ballot!,
        decidedBelow: s.commitIndex,
      };
      if (probe) msg['ts'] = ctx.now;
      if (est?.srtt !== undefined) msg['rto'] = est.rto;
      ctx.send(to, msg as MultiPaxosMessage);
    }
    return probes === x.probes && next === s ? s : withExt(next, { probes });
  },
  resendDue(s: St, f: Inflight, tick: number, ctx: MultiPaxosCtx): boolean {
    if (!ext(s).params.adaptiveTimeouts || ctx.now === undefined || f.sentAt === undefined)
      return tick - f.sentTick >= 2;
    let rto = Infinity;
    for (const n of s.nodes) if (!f.acks.includes(n)) rto = Math.min(rto, rtoOf(s, n));
    return ctx.now - f.sentAt >= rto;
  },
  onAccepted(s0: St, from: NodeId, f: Inflight, ctx: MultiPaxosCtx): St {
    if (ctx.now === undefined) return s0;
    const s = withExt(s0, { lastAckAt: ctx.now });
    if (!ext(s).params.adaptiveTimeouts || f.resent || f.sentAt === undefined) return s;
    return sample(s, from, ctx.now - f.sentAt);
  },
  onLead(s: St, ctx: MultiPaxosCtx): St {
    const p = ext(s).params;
    if (p.reconfigEveryMs > 0) ctx.effect({ kind: 'setTimer', name: RECONFIG, after: p.reconfigEveryMs });
    return withExt(s, { backoff: 0, probes: {}, reconfigDue: false, lastAckAt: undefined });
  },
  beforePropose(s: St, ctx: MultiPaxosCtx): St {
    const x = ext(s);
    // The next slot is in a configuration this leader's promisers do not cover: once the slots in
    // flight are settled, run phase 1 again (a higher ballot; the log now schedules that configuration).
    if (
      s.nextSlot < s.commitIndex + x.params.alpha &&
      !covered(s, s.nextSlot) &&
      s.inflight.size === 0 &&
      (s.queue.length > 0 || x.reconfigDue)
    )
      return startElection(s, ctx);
    if (!x.reconfigDue || s.inflight.size >= s.params.pipeline || !canPropose(s, s.nextSlot)) return s;
    // One reconfiguration at a time: wait while one is in flight.
    for (const f of s.inflight.values()) if (f.value.some(isReconfig)) return s;
    const latest = x.configs[x.configs.length - 1]!.key;
    const target = latest === canonicalJson(x.alternates[0]) ? x.alternates[1] : x.alternates[0];
    const cmd: ReconfigCommand = { reconfig: target };
    return proposeNext(withExt(s, { reconfigDue: false }), ctx, [cmd as unknown as KvCommand]);
  },
  onMessage(s: St, from: NodeId, msg: Readonly<Record<string, unknown>>, ctx: MultiPaxosCtx): St {
    if (msg['type'] === 'x-prevote') {
      const round = Number(msg['round']);
      const ok = !sticky(s, from, ctx) && compareBallots({ round, node: from }, s.promised) > 0;
      ctx.send(from, { type: 'x-prevote-reply', round, ok } as never);
      return s;
    }
    if (msg['type'] === 'x-prevote-reply') {
      const pv = ext(s).prevote;
      if (pv === null || msg['round'] !== pv.round || msg['ok'] !== true || pv.oks.includes(from)) return s;
      const next = withExt(s, { prevote: { round: pv.round, oks: [...pv.oks, from] } });
      return preVoteWon(next) && s.role === 'follower'
        ? startElection(withExt(next, { prevote: null }), ctx)
        : next;
    }
    if (msg['type'] !== 'x-heartbeat-ack' || s.role !== 'leader' || ctx.now === undefined) return s;
    const ts = msg['ts'];
    const x = ext(s);
    if (typeof ts !== 'number' || ts > ctx.now) return s;
    // The echoed stamp dates the probe exactly, even one given up (as TCP's timestamps option).
    const rest = omit(x.probes, [from]);
    const next = withExt(s, { lastAckAt: ctx.now, probes: x.probes[from] === ts ? rest : x.probes });
    return sample(next, from, ctx.now - ts);
  },
  onTimer(s: St, name: string, ctx: MultiPaxosCtx): St {
    if (name !== RECONFIG || s.role !== 'leader') return s;
    ctx.effect({ kind: 'setTimer', name: RECONFIG, after: ext(s).params.reconfigEveryMs });
    return withExt(s, { reconfigDue: true });
  },
};

/**
 * Adaptive Multi-Paxos (protocol `adaptive`): per-class phase-2 quorums, reconfiguration through
 * the log, and timeouts from measured round trips. Parameters: {@link ADAPTIVE_PARAMS}; client
 * requests are {@link KvRequest}s with an optional `class` (`critical` | `routine`).
 */
export const adaptiveNode: NodeBehavior<
  AdaptiveState,
  MultiPaxosMessage,
  KvRequest,
  unknown,
  Record<string, unknown>
> = multiPaxosVariant<AdaptiveExt>({
  protocol: 'adaptive',
  resolve(config) {
    const n = config.nodes.length;
    const p = resolveAdaptiveParams(config.params, n);
    const params = { ...p, phase1Quorum: 0, phase2Quorum: 0, forgetPromise: false } as MultiPaxosParams;
    const system = classesSystem(n, p.routineQ2, p.criticalQ2);
    const counts = thresholdCounts(system)!;
    return { params, q1: Math.max(counts['critical']!.q1, counts['routine']!.q1), q2: counts['routine']!.q2 };
  },
  hooks,
  initExt(s): AdaptiveExt {
    const given = omit(s.params, FIXED_QUORUM_PARAMS);
    const p = resolveAdaptiveParams(given, s.nodes.length);
    const first = classesSystem(s.nodes.length, p.routineQ2, p.criticalQ2);
    const second = classesSystem(s.nodes.length, p.reconfigRoutineQ2, p.criticalQ2);
    return {
      params: p,
      configs: [{ from: 0, system: first, key: canonicalJson(first) }],
      alternates: [first, second],
      rtt: {},
      probes: {},
      leaderRto: undefined,
      backoff: 0,
      lastLeaderAt: undefined,
      lastAckAt: undefined,
      reconfigDue: false,
      prevote: null,
      phase1: null,
    };
  },
});

/** The quorum system of a trace header for these parameters and nodes (the initial configuration). */
export function adaptiveQuorum(
  params: Readonly<Record<string, unknown>>,
  nodes: readonly string[],
): QuorumSystem {
  const p = resolveAdaptiveParams(params, nodes.length);
  return classesSystem(nodes.length, p.routineQ2, p.criticalQ2);
}
