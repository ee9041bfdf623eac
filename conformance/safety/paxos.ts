// Safety of a Paxos or Multi-Paxos trace, checked in one streaming pass. What a node decides, what
// acceptors promise and vote, and what proposers send in phase 2 are tracked per slot and per
// ballot; each rule below is a named invariant whose first violation keeps the events that show it.
//
// Conventions for traces from other implementations (traces/README.md has the message shapes):
// - an acceptor promises by sending `promise` and votes by sending `accepted` (Multi-Paxos
//   `accepted` may omit the value: the vote is for the value of that ballot's `accept`);
// - the proposer of a ballot promises and votes for itself implicitly when it sends `prepare` and
//   `accept` (a leader does not message itself); a self-addressed `promise`/`accepted` also counts;
// - a proposer "knows" the promises it has received (`recv` events); traces without any `recv`
//   use the promises sent to it instead.
// Values are compared as canonical JSON (keys in any order) by sameJson, a walk that builds nothing.
import type { Ballot, TraceEvent, TraceHeader } from '../../traces/index.js';
import { canonicalJson, commandsIn, opOf, opsIn, sameJson, valueHash } from '../commands.js';
import { QuorumAnswers, namesOf, quorumsOf, type Quorums } from '../quorum.js';
import type { InvariantResult, TraceEnd, TraceObserver, Violation } from '../types.js';
import { SlotSchedule } from '../slotSchedule.js';
import { SettledSlots } from './settledSlots.js';
import { windowOf, type Rec } from './window.js';

/** The invariants this checker owns, in report order, with their one-line descriptions. */
export const PAXOS_INVARIANTS = {
  agreement: 'No two nodes decide different values for the same slot.',
  validity:
    'A decided value was proposed: sent in a phase-2 accept for its slot, carrying only invoked client ops.',
  integrity: 'A node decides a slot at most once between restarts.',
  'log-prefix': "A node's decided log only grows: after a restart it never decides a slot differently.",
  'acceptor-accept':
    'An acceptor never votes (accepted) for a ballot below one it has promised, across restarts.',
  'acceptor-promise':
    'An acceptor never promises a ballot below one it has promised or voted for, across restarts.',
  'proposer-value':
    'A phase-2 value is the highest-ballot vote reported by the phase-1 quorum, sent only after such a quorum.',
  quorum: 'Every decision is backed by votes (accepted) for that value from a phase-2 quorum at one ballot.',
  'client-exactly-once':
    'Every op answered ok is in the decided log, took effect once (at its first slot), and read what the log says.',
} as const;

/** Name of an invariant checked on Paxos-family traces. */
export type PaxosInvariant = keyof typeof PAXOS_INVARIANTS;

/** A phase-2 proposal: the value of ballot b in a slot, and the events of the votes for it. */
interface Proposal {
  round: number;
  node: string;
  value: unknown;
  /** Line of the `accept` that carried the value. */
  at: Rec;
  voters: number; // bitmask of node indexes
  voterRecs: Rec[];
  /** True when a proposer sent it in an `accept`; false when only votes named it. */
  fromAccept: boolean;
  /** The criticality class the accept named (`class` field), under a `classes` quorum system. */
  cls: string | undefined;
  /**
   * The quorum system under which the voters once formed a phase-2 quorum: they only grow, and
   * every quorum system here is monotone (a superset of a quorum is one), so it stays true.
   */
  q2: Quorums | undefined;
}

interface SlotState {
  proposals: Proposal[];
  /**
   * A decided value (the object itself) whose validity checks all passed: a later decision of the
   * same object passes them too (proposals and invoked ops only grow), so they are not repeated.
   * Readers that share parsed values (the trace scanner) hand every node's decision the same object.
   */
  checkedValue: unknown;
  /** Whether the client-op part of those checks ran (it runs once the trace has invoked ops). */
  checkedWithOps: boolean;
  /** Per node index: what that node did in the slot (see NodeSlot). */
  byNode: Array<NodeSlot | undefined>;
  /** Every distinct value proposed in this slot (for validity). */
  proposed: unknown[];
  /** The first decided value, once some node decided the slot (`decidedBy` is then not -1). */
  decidedValue: unknown;
  decidedBy: number; // node index of the first decider, -1 while undecided
  /** Nodes that decided the first decided value, and where. */
  firstMask: number;
  firstBy: Array<{ node: number; at: Rec }>;
  decidedAt: Rec | undefined;
  decidedMask: number;
}

interface Vote {
  round: number;
  node: string;
  value: unknown;
  at: Rec;
}

interface PhaseOne {
  round: number;
  promisers: number; // bitmask
  /** The votes the promises reported, per slot. */
  votes: Map<number, Array<{ voter: number; vote: Vote }>>;
  /** The last phase-1 quorum test: under which quorum system, for which promisers, with what answer. */
  tested: { quorums: Quorums; promisers: number; ok: boolean } | undefined;
  at: Rec[];
}

/** The quorum system in force from `fromSlot` on (the header's, then each `reconfig` event's). */
interface SlotConfig {
  fromSlot: number;
  quorums: Quorums | undefined;
  problem: string | undefined;
  line: number;
  /** The membership from `fromSlot` on (a reconfiguration without `nodes` keeps the one in force). */
  nodes: readonly string[];
  /** Canonical text of the quorum system and membership: tells a repeated report from a conflict. */
  key: string;
}

interface NodeState {
  index: number;
  promised: Vote | undefined; // highest ballot promised (value unused)
  votedBallot: Vote | undefined; // highest ballot voted
  /** Per ballot owned by this node: its phase 1. */
  phaseOne: Map<number, PhaseOne>;
  /** Restarts so far: its incarnation (what a slot's NodeSlot knows of an earlier one is stale). */
  restarts: number;
  restartAt: Rec | undefined;
  restartLine: number;
}

/**
 * What one node did in one slot that is not settled yet. It lives in the slot's state (and goes
 * when the slot settles) rather than in per-node maps keyed by slot: settling a slot is one delete.
 */
interface NodeSlot {
  /** This node's latest vote (as an acceptor): its ballot, value and event (`voteAt` undefined: none). */
  voteRound: number;
  voteNode: string;
  voteValue: unknown;
  voteAt: Rec | undefined;
  /** Where it decided the slot, when in incarnation `decidedIn` (its current one: see `decidedAt`). */
  decided: Rec | undefined;
  decidedIn: number;
  /** Its first decision of the slot in any incarnation (for log-prefix). */
  ever: { value: unknown; at: Rec } | undefined;
  /**
   * The ballot and value of the accept it last received, in incarnation `acceptIn` (-1: none), to
   * give value-less `accepted` votes a value.
   */
  acceptRound: number;
  acceptNode: string;
  acceptValue: unknown;
  acceptIn: number;
}

interface InvState {
  checks: number;
  violations: number;
  first: Violation | undefined;
  skipped?: string;
}

const compareBallot = (ar: number, an: string, br: number, bn: string): number =>
  ar !== br ? ar - br : an < bn ? -1 : an > bn ? 1 : 0;

const fmtBallot = (r: number, n: string): string => `(${r}, ${n})`;

/** Options of {@link createPaxosSafety}. */
export interface PaxosSafetyOptions {
  quorums: Quorums | undefined;
  /** Why quorum-based checks cannot run (e.g. an `x-` quorum system). */
  quorumProblem?: string;

  /** Keep the full events of windows (default true); false keeps only line numbers. */
  keepEvents?: boolean;
  /** Pages of settled slots (4,096 each) kept in memory before older ones go to a file (default 32; tests use fewer). */
  residentPages?: number;
}

/**
 * The streaming safety checker for `paxos` and `multipaxos` traces (and any protocol using their
 * message names). Feed it every event; `finish` returns one {@link InvariantResult} per invariant.
 */
export function createPaxosSafety(
  header: TraceHeader,
  options: PaxosSafetyOptions,
): TraceObserver<InvariantResult[]> {
  if (header.nodes.length > MAX_NODES) {
    // Node sets are 31-bit masks: larger clusters are reported as not checked, never misjudged.
    const reason = `synod's Paxos checks support clusters of up to ${MAX_NODES} nodes; this trace has ${header.nodes.length}`;
    return {
      event: () => undefined,
      finish: () =>
        (Object.keys(PAXOS_INVARIANTS) as PaxosInvariant[]).map((name) => ({
          name,
          description: PAXOS_INVARIANTS[name],
          status: 'skipped',
          checks: 0,
          reason,
        })),
    };
  }
  // The node table: the header's nodes, then the nodes reconfigurations add (bit i of every mask).
  const names: string[] = [];
  const nodeIndex = new Map<string, number>();
  const nodes: NodeState[] = [];
  let allMask = 0;
  const addNode = (name: string): number | undefined => {
    const known = nodeIndex.get(name);
    if (known !== undefined) return known;
    if (names.length >= MAX_NODES) return undefined;
    const index = names.length;
    names.push(name);
    nodeIndex.set(name, index);
    nodes.push({
      index,
      promised: undefined,
      votedBallot: undefined,
      phaseOne: new Map(),
      restarts: 0,
      restartAt: undefined,
      restartLine: 0,
    });
    allMask = (1 << names.length) - 1; // at most MAX_NODES = 30 bits
    return index;
  };
  for (const n of header.nodes) addNode(n);
  const headerQuorums = options.quorums;
  // Nodes that are acceptors under some quorum system of the trace (the header's or a
  // reconfiguration's): a proposer among them promises itself when it prepares.
  let acceptorMask = headerQuorums === undefined ? 0 : maskOf(headerQuorums.members, nodeIndex);
  // The quorum system in force per slot: the header's from slot 0, then each reconfiguration's.
  const configs = new SlotSchedule<SlotConfig>({
    fromSlot: 0,
    quorums: headerQuorums,
    problem: options.quorumProblem,
    line: 1,
    nodes: header.nodes,
    key: '',
  });
  const configAt = (slot: number): SlotConfig => configs.at(slot);
  // Highest slot judged under the schedule; a reconfiguration at or below it came too late.
  let judgedTop = -1;
  const noteJudged = (slot: number): void => {
    if (slot > judgedTop) judgedTop = slot;
  };
  let lateReconfig: string | undefined;
  // Two reconfigurations that give one slot different quorum systems: which one held is unknown.
  let conflictingReconfig: string | undefined;
  // Why some slot was not judged by the quorum rules (its quorum system is unusable).
  let unjudged: string | undefined;
  function onReconfig(ev: Extract<TraceEvent, { kind: 'reconfig' }>, line: number): void {
    const members = ev.nodes ?? configAt(ev.slot).nodes;
    const key = canonicalJson({ quorum: ev.quorum, nodes: members });
    // Every node reports the same reconfiguration: the first report counts. A different system
    // for the same slot is not a report of it: judging under either one would be a guess.
    const earlier = configs.reported(ev.slot);
    if (earlier !== undefined) {
      if (earlier.key !== key && conflictingReconfig === undefined) {
        conflictingReconfig = `the reconfigurations at lines ${earlier.line} and ${line} give slot ${ev.slot} different quorum systems (or memberships), so the system in force there is unknown`;
      }
      return;
    }
    if (ev.slot <= judgedTop && lateReconfig === undefined) {
      lateReconfig = `the reconfiguration at line ${line} takes effect at slot ${ev.slot}, but slot ${judgedTop} had already been judged: a trace must record a reconfig event before any proposal or decision in the slots it governs`;
    }
    let quorums: Quorums | undefined;
    let problem: string | undefined;
    try {
      quorums = quorumsOf(ev.quorum, members);
    } catch (e) {
      problem = `the quorum system of the reconfiguration at line ${line}: ${e instanceof Error ? e.message : String(e)}`;
    }
    // Nodes the header does not list join the checks: their promises and votes count.
    const voters = quorums === undefined ? members : [...members, ...quorums.members];
    for (const name of voters) {
      if (addNode(name) === undefined) {
        quorums = undefined;
        problem = `the reconfiguration at line ${line} brings the cluster to more than ${MAX_NODES} nodes, the most synod's Paxos checks support`;
        break;
      }
    }
    if (quorums !== undefined) acceptorMask |= maskOf(quorums.members, nodeIndex);
    configs.add({ fromSlot: ev.slot, quorums, problem, line, nodes: members, key });
  }
  const keep = options.keepEvents ?? true;
  const answers = new QuorumAnswers();
  // The message rules read Paxos messages; other protocols get the decision and client rules only.
  const messageRules = PAXOS_FAMILY.has(header.protocol);
  const slots = new Map<number, SlotState>();
  // Slots every node has decided (and the client checks have applied) are settled: only a hash of
  // the decided value and two line numbers stay, so memory follows the undecided part of the log.
  const settled = new SettledSlots(options.residentPages);
  const inv = Object.fromEntries(
    Object.keys(PAXOS_INVARIANTS).map((k): [string, InvState] => [
      k,
      { checks: 0, violations: 0, first: undefined },
    ]),
  ) as Record<PaxosInvariant, InvState>;
  // Client level.
  // Ops are forgotten once applied and answered; bit sets remember which were invoked and applied.
  const invoked = new Map<number, Rec & { f: unknown; key: unknown; value: unknown }>();
  const invokedBits = new IdBits();
  const decidedOps = new IdBits(); // ops in some decided slot, applied or not
  const appliedBits = new IdBits();
  let sawInvoke = false;
  let sawOpInLog = false;
  let sawRecv = false;
  const applied = new Map<number, { slot: number; result: { ok: boolean; value: unknown } | undefined }>();
  const pendingOk = new Map<number, Rec>();
  const failed = new Map<number, Rec>();
  const kv = new Map<string, unknown>();
  let appliedUpTo = 0; // global log: every slot below it has been applied

  const rec = (line: number, event: TraceEvent): Rec => ({ line, event: keep ? event : undefined });

  function violate(name: PaxosInvariant, v: Omit<Violation, 'invariant'>): void {
    const s = inv[name];
    s.violations++;
    if (s.first === undefined) s.first = { invariant: name, ...v };
  }

  const win = windowOf;

  function slotOf(slot: number): SlotState {
    let s = slots.get(slot);
    if (s === undefined) {
      s = {
        proposals: [],
        checkedValue: undefined,
        checkedWithOps: false,
        byNode: [],
        proposed: [],
        decidedValue: undefined,
        decidedBy: -1,
        firstMask: 0,
        firstBy: [],
        decidedAt: undefined,
        decidedMask: 0,
      };
      slots.set(slot, s);
    }
    return s;
  }

  /** What node `i` did in slot state `s` (made on first use). */
  function nodeSlot(s: SlotState, i: number): NodeSlot {
    let x = s.byNode[i];
    if (x === undefined) {
      x = {
        voteRound: 0,
        voteNode: '',
        voteValue: undefined,
        voteAt: undefined,
        decided: undefined,
        decidedIn: -1,
        ever: undefined,
        acceptRound: 0,
        acceptNode: '',
        acceptValue: undefined,
        acceptIn: -1,
      };
      s.byNode[i] = x;
    }
    return x;
  }

  /** Where node `n` decided the slot in its current incarnation, if it did. */
  function decidedAt(x: NodeSlot | undefined, n: NodeState): Rec | undefined {
    return x !== undefined && x.decidedIn === n.restarts ? x.decided : undefined;
  }

  /** A vote by `voter` for ballot b in `slot`: counts toward the quorum of that proposal. */
  function countVote(
    voter: number,
    slot: number,
    b: Ballot,
    /** False when the vote names no value and none is known for its ballot. */
    known: boolean,
    value: unknown,
    at: Rec,
  ): void {
    if (settled.has(slot)) return; // a late vote for a decided, compacted slot: nothing to back
    const s = slotOf(slot);
    let p = proposalOf(s, b.round, b.node);
    if (p === undefined) {
      if (!known) return; // a vote for a value we never saw proposed: nothing to count
      p = proposal(b, value, at, false, undefined);
      s.proposals.push(p);
    } else if (known && !sameJson(value, p.value)) {
      return; // a vote naming another value than the ballot's proposal: it backs neither
    }
    if ((p.voters & (1 << voter)) === 0) {
      p.voters |= 1 << voter;
      p.voterRecs.push(at);
    }
    const n = nodes[voter] as NodeState;
    const x = nodeSlot(s, voter);
    x.voteRound = b.round;
    x.voteNode = b.node;
    x.voteValue = p.value;
    x.voteAt = at;
    if (
      n.votedBallot === undefined ||
      compareBallot(b.round, b.node, n.votedBallot.round, n.votedBallot.node) > 0
    ) {
      n.votedBallot = { round: b.round, node: b.node, value: undefined, at };
    }
  }

  function onPromiseSent(acc: NodeState, b: Ballot, at: Rec): void {
    inv['acceptor-promise'].checks++;
    const prev =
      acc.promised !== undefined &&
      (acc.votedBallot === undefined ||
        compareBallot(acc.promised.round, acc.promised.node, acc.votedBallot.round, acc.votedBallot.node) >=
          0)
        ? acc.promised
        : acc.votedBallot;
    if (prev !== undefined && compareBallot(b.round, b.node, prev.round, prev.node) < 0) {
      const what = prev === acc.promised ? 'promised' : 'voted for';
      violate('acceptor-promise', {
        message: `${names[acc.index]} promised ballot ${fmtBallot(b.round, b.node)} after it had ${what} the higher ballot ${fmtBallot(prev.round, prev.node)}${acc.restarts > 0 ? ' (it restarted in between: the promise must be durable)' : ''}.`,
        ballot: b,
        nodes: [names[acc.index] as string],
        window: win(
          prev.at,
          acc.restartAt && acc.restartAt.line > prev.at.line ? acc.restartAt : undefined,
          at,
        ),
      });
    }
    if (
      acc.promised === undefined ||
      compareBallot(b.round, b.node, acc.promised.round, acc.promised.node) > 0
    ) {
      acc.promised = { round: b.round, node: b.node, value: undefined, at };
    }
  }

  function onVoteSent(
    acc: NodeState,
    slot: number,
    b: Ballot,
    explicitValue: unknown,
    hasValue: boolean,
    at: Rec,
  ): void {
    inv['acceptor-accept'].checks++;
    const p = acc.promised;
    if (p !== undefined && compareBallot(b.round, b.node, p.round, p.node) < 0) {
      violate('acceptor-accept', {
        message: `${names[acc.index]} voted for ballot ${fmtBallot(b.round, b.node)} in slot ${slot} after promising the higher ballot ${fmtBallot(p.round, p.node)}${acc.restarts > 0 ? ' (it restarted in between: the promise must be durable)' : ''}.`,
        slot,
        ballot: b,
        nodes: [names[acc.index] as string],
        window: win(p.at, acc.restartAt && acc.restartAt.line > p.at.line ? acc.restartAt : undefined, at),
      });
    }
    let known = hasValue;
    let value: unknown = explicitValue;
    if (!hasValue) {
      const x = slots.get(slot)?.byNode[acc.index];
      if (
        x !== undefined &&
        x.acceptIn === acc.restarts &&
        x.acceptRound === b.round &&
        x.acceptNode === b.node
      ) {
        known = true;
        value = x.acceptValue;
      }
    }
    countVote(acc.index, slot, b, known, value, at);
  }

  function phaseOneOf(owner: NodeState, b: Ballot): PhaseOne {
    let p = owner.phaseOne.get(b.round);
    if (p === undefined || p.round !== b.round) {
      p = { round: b.round, promisers: 0, votes: new Map(), tested: undefined, at: [] };
      owner.phaseOne.set(b.round, p);
    }
    return p;
  }

  function reportVote(p: PhaseOne, voter: number, slot: number, vote: Vote): void {
    if (settled.has(slot)) return;
    const list = p.votes.get(slot);
    if (list === undefined) p.votes.set(slot, [{ voter, vote }]);
    else list.push({ voter, vote });
  }

  /**
   * May a proposer that received these promises send `value` in phase 2? Yes when some phase-1
   * quorum among them reported no vote in the slot (the value is free), or when some quorum's
   * highest vote is for `value`: the promisers minus those reporting a higher vote than a vote for
   * it form a quorum. Waiting for more promises than a quorum needs is allowed.
   */
  function mayPropose(one: PhaseOne, q: Quorums, slot: number, value: unknown): boolean {
    const reported = one.votes.get(slot) ?? [];
    let withVote = 0;
    for (const r of reported) withVote |= 1 << r.voter;
    if (answers.isQ1(q, one.promisers & ~withVote, names)) return true;
    for (const r of reported) {
      if (!sameJson(r.vote.value, value)) continue;
      let higher = 0;
      for (const o of reported) {
        if (compareBallot(o.vote.round, o.vote.node, r.vote.round, r.vote.node) > 0) higher |= 1 << o.voter;
      }
      if (answers.isQ1(q, one.promisers & ~higher, names)) return true;
    }
    return false;
  }

  function addPromiser(
    owner: NodeState,
    b: Ballot,
    from: number,
    votes: Array<{ slot: number; vote: Vote }>,
    at: Rec,
  ): void {
    const p = phaseOneOf(owner, b);
    if ((p.promisers & (1 << from)) !== 0) return;
    p.promisers |= 1 << from;
    p.at.push(at);
    for (const { slot, vote } of votes) reportVote(p, from, slot, vote);
  }

  /** Do the promises of `one` form a phase-1 quorum of `q`? Cached: asked once per new proposal. */
  function isPhaseOneQuorum(one: PhaseOne, q: Quorums): boolean {
    const t = one.tested;
    if (t !== undefined && t.quorums === q && t.promisers === one.promisers) return t.ok;
    const ok = answers.isQ1(q, one.promisers, names);
    one.tested = { quorums: q, promisers: one.promisers, ok };
    return ok;
  }

  function selfPromise(owner: NodeState, b: Ballot, at: Rec): void {
    if ((acceptorMask & (1 << owner.index)) === 0) return;
    // Its own acceptor promises only if it has not promised or voted a higher ballot.
    for (const prev of [owner.promised, owner.votedBallot]) {
      if (prev !== undefined && compareBallot(b.round, b.node, prev.round, prev.node) < 0) return;
    }
    owner.promised = { round: b.round, node: b.node, value: undefined, at };
    const votes: Array<{ slot: number; vote: Vote }> = [];
    for (const [slot, s] of slots) {
      const x = s.byNode[owner.index];
      if (x?.voteAt !== undefined) {
        votes.push({
          slot,
          vote: { round: x.voteRound, node: x.voteNode, value: x.voteValue, at: x.voteAt },
        });
      }
    }
    addPromiser(owner, b, owner.index, votes, at);
  }

  function onProposal(
    owner: NodeState,
    slot: number,
    b: Ballot,
    value: unknown,
    cls: string | undefined,
    at: Rec,
  ): void {
    // A compacted slot's proposals and votes are gone: a late accept for it is not judged (a
    // different value could only be decided against agreement, which is still checked).
    if (settled.has(slot)) return;
    const s = slotOf(slot);
    if (!holdsJson(s.proposed, value)) s.proposed.push(value);
    let p = proposalOf(s, b.round, b.node);
    inv['proposer-value'].checks++;
    if (p !== undefined && !sameJson(p.value, value)) {
      violate('proposer-value', {
        message: `${b.node} sent two different values in slot ${slot} for its ballot ${fmtBallot(b.round, b.node)}.`,
        slot,
        ballot: b,
        nodes: [b.node],
        window: win(p.at, at),
      });
    }
    if (p !== undefined && !p.fromAccept) {
      p.fromAccept = true; // votes arrived before the accept (a reordered trace): this is its proposal
      p.cls = cls;
      p.q2 = undefined; // a quorum found before the class was known may not be one of the class
    } else if (p === undefined) {
      p = proposal(b, value, at, true, cls);
      s.proposals.push(p);
      // The rule of phase 2a, checked once per (ballot, slot), under the quorum system of the slot.
      const config = configAt(slot);
      const q = config.quorums;
      if (q === undefined) unjudged ??= config.problem;
      if (q !== undefined && nodeIndex.get(b.node) === owner.index) {
        noteJudged(slot);
        const one = owner.phaseOne.get(b.round);
        if (one === undefined || !isPhaseOneQuorum(one, q)) {
          violate('proposer-value', {
            message: `${b.node} sent a phase-2 accept for ballot ${fmtBallot(b.round, b.node)} in slot ${slot} without promises from a phase-1 quorum (${one === undefined ? 'none' : `only ${namesOf(one.promisers, names).join(', ')}`}).`,
            slot,
            ballot: b,
            nodes: [b.node],
            window: win(...(one?.at ?? []), at),
          });
        } else if (!mayPropose(one, q, slot, value)) {
          let best: Vote | undefined;
          for (const r of one.votes.get(slot) ?? []) {
            if (best === undefined || compareBallot(r.vote.round, r.vote.node, best.round, best.node) > 0)
              best = r.vote;
          }
          violate('proposer-value', {
            message: `${b.node} proposed a value in slot ${slot} at ballot ${fmtBallot(b.round, b.node)} that is not the highest vote of any phase-1 quorum of the promises it received: they reported a vote at ballot ${fmtBallot(best?.round ?? 0, best?.node ?? '?')} for another value, which it had to propose.`,
            slot,
            ballot: b,
            nodes: [b.node],
            window: win(best?.at, at),
          });
        }
      }
    }
    // The proposer votes for its own value (a leader does not message itself) when it is an
    // acceptor of the slot's quorum system, unless its acceptor has promised a higher ballot since
    // (a stale leader's acceptor rejects its own accept).
    const promised = owner.promised;
    const slotQuorums = configAt(slot).quorums;
    const acceptor =
      slotQuorums === undefined
        ? (acceptorMask & (1 << owner.index)) !== 0
        : slotQuorums.members.includes(names[owner.index] as string);
    if (
      nodeIndex.get(b.node) === owner.index &&
      acceptor &&
      (promised === undefined || compareBallot(b.round, b.node, promised.round, promised.node) >= 0)
    ) {
      countVote(owner.index, slot, b, true, value, at);
    }
  }

  function settle(slot: number, s: SlotState, line: number): void {
    if (s.decidedBy === -1) return;
    let current = 0; // nodes whose decision of this slot is in their current incarnation
    for (const n of nodes) if (decidedAt(s.byNode[n.index], n) !== undefined) current |= 1 << n.index;
    settled.add(
      slot,
      valueHash(s.decidedValue),
      line,
      s.decidedAt?.line ?? 0,
      s.decidedBy,
      current,
      s.decidedMask,
    );
    slots.delete(slot);
    for (const n of nodes) for (const p of n.phaseOne.values()) p.votes.delete(slot);
  }

  /** A decision for a slot every node had already decided. */
  function onSettledDecide(n: NodeState, slot: number, value: unknown, at: Rec): void {
    const name = names[n.index] as string;
    inv.integrity.checks++;
    inv['log-prefix'].checks++;
    inv.agreement.checks++;
    inv.validity.checks++;
    const bit = 1 << n.index;
    const sameIncarnation = (settled.current(slot) & bit) !== 0 && n.restartLine < settled.line(slot);
    if (sameIncarnation) {
      violate('integrity', {
        message: `${name} decided slot ${slot} again without restarting since it first decided it (every node had decided the slot by line ${settled.line(slot)}).`,
        slot,
        nodes: [name],
        window: win(at),
      });
    }
    if (valueHash(value) !== settled.hash(slot)) {
      // Every node decided the settled value: another value disagrees with all of them, and with
      // this node's own earlier decision. (Validity and quorum of the new value are not judged: the
      // slot's proposals and votes were dropped when it settled.)
      const first = settled.by(slot);
      if ((settled.ever(slot) & ~bit) !== 0) {
        violate('agreement', {
          message: `${name} decided a value for slot ${slot} different from the one every node had decided (first ${names[first]}, at line ${settled.firstLine(slot)}).`,
          slot,
          nodes: [names[first] as string, name],
          window: win(at),
        });
      }
      if (!sameIncarnation && (settled.ever(slot) & bit) !== 0) {
        violate('log-prefix', {
          message: `${name} decided slot ${slot} again after restarting, with a different value than the one it (and every node) had decided before.`,
          slot,
          nodes: [name],
          window: win(n.restartAt, at),
        });
      }
    }
    // This decision is now the node's latest of the slot: nodes that restarted since the slot's
    // last recorded decision drop out of "decided in the current incarnation".
    let current = settled.current(slot);
    for (const m of nodes) {
      if ((current & (1 << m.index)) !== 0 && m.restartLine > settled.line(slot)) current &= ~(1 << m.index);
    }
    settled.update(slot, at.line, current | bit, settled.ever(slot) | bit);
  }

  /** Whether the votes for `p` form a phase-2 quorum of `q` (remembered once they do: Proposal.q2). */
  function isPhaseTwoQuorum(p: Proposal, q: Quorums): boolean {
    if (p.q2 === q) return true;
    if (!answers.isQ2(q, p.voters, names, p.cls)) return false;
    p.q2 = q;
    return true;
  }

  /** The validity checks of a decision; when they all pass, the slot remembers the value (SlotState.checkedValue). */
  function checkValidity(s: SlotState, slot: number, value: unknown, at: Rec, name: string): void {
    const proposed =
      holdsJson(s.proposed, value) || s.proposals.some((p) => p.fromAccept && sameJson(p.value, value));
    if (!proposed && sawProposals) {
      violate('validity', {
        message: `${name} decided a value for slot ${slot} that no proposer sent in a phase-2 accept for that slot.`,
        slot,
        nodes: [name],
        window: win(at),
      });
    }
    let opsInvoked = true;
    if (sawInvoke) {
      for (const op of opsIn(value)) {
        sawOpInLog = true;
        decidedOps.add(op);
        if (!invokedBits.has(op)) {
          violate('validity', {
            message: `${name} decided slot ${slot} with a command for client op ${op}, which no client invoked before.`,
            slot,
            nodes: [name],
            window: win(at),
          });
          opsInvoked = false;
          break;
        }
      }
    }
    if (!proposed || !opsInvoked) return;
    s.checkedValue = value;
    s.checkedWithOps = sawInvoke;
  }

  function onDecide(n: NodeState, slot: number, value: unknown, ballot: Ballot | undefined, at: Rec): void {
    if (settled.has(slot)) {
      onSettledDecide(n, slot, value, at);
      return;
    }
    const s = slotOf(slot);
    const name = names[n.index] as string;
    // integrity
    inv.integrity.checks++;
    const x = nodeSlot(s, n.index);
    const before = decidedAt(x, n);
    if (before !== undefined) {
      violate('integrity', {
        message: `${name} decided slot ${slot} twice without restarting in between.`,
        slot,
        nodes: [name],
        window: win(before, at),
      });
    }
    x.decided = at;
    x.decidedIn = n.restarts;
    // log-prefix
    inv['log-prefix'].checks++;
    const ever = x.ever;
    if (ever !== undefined && before === undefined && !sameJson(ever.value, value)) {
      violate('log-prefix', {
        message: `${name} decided slot ${slot} again after restarting, with a different value: its log is no longer an extension of the log it had.`,
        slot,
        nodes: [name],
        window: win(ever.at, n.restartAt, at),
      });
    }
    if (ever === undefined) x.ever = { value, at };
    // agreement
    inv.agreement.checks++;
    if (s.decidedBy === -1) {
      s.decidedValue = value;
      s.decidedBy = n.index;
      s.decidedAt = at;
      s.firstMask = 1 << n.index;
      s.firstBy.push({ node: n.index, at });
    } else if (sameJson(s.decidedValue, value)) {
      if ((s.firstMask & (1 << n.index)) === 0) s.firstBy.push({ node: n.index, at });
      s.firstMask |= 1 << n.index;
    } else if ((s.firstMask & ~(1 << n.index)) !== 0) {
      const other = s.firstBy.find((f) => f.node !== n.index) as { node: number; at: Rec };
      const otherName = names[other.node] as string;
      violate('agreement', {
        message: `${otherName} and ${name} decided different values for slot ${slot}.`,
        slot,
        nodes: [otherName, name],
        window: win(other.at, at),
      });
    }
    s.decidedMask |= 1 << n.index;
    const settles = s.decidedMask === allMask && slot < appliedUpTo;
    // validity
    inv.validity.checks++;
    if (value === undefined || value !== s.checkedValue || (sawInvoke && !s.checkedWithOps))
      checkValidity(s, slot, value, at, name);
    // quorum, under the quorum system in force at the slot (and the class its accept named)
    const config = configAt(slot);
    const quorums = config.quorums;
    if (quorums === undefined) unjudged ??= config.problem;
    if (quorums !== undefined && sawProposals) {
      inv.quorum.checks++;
      noteJudged(slot);
      let ok = false;
      for (const p of s.proposals) {
        if (
          sameJson(p.value, value) &&
          (ballot === undefined || (p.round === ballot.round && p.node === ballot.node)) &&
          isPhaseTwoQuorum(p, quorums)
        ) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        const best = s.proposals
          .filter((p) => sameJson(p.value, value))
          .sort((a, b) => popcount(b.voters) - popcount(a.voters))[0];
        violate('quorum', {
          message:
            best === undefined
              ? `${name} decided slot ${slot} but no acceptor had voted for that value.`
              : `${name} decided slot ${slot} with votes for that value from only ${namesOf(best.voters, names).join(', ')} at ballot ${fmtBallot(best.round, best.node)}: not a phase-2 quorum (${quorums.describe}${classNote(best.cls, quorums.classes)}).`,
          slot,
          ...(ballot === undefined ? {} : { ballot }),
          nodes: [name],
          window: win(best?.at, ...(best?.voterRecs ?? []), at),
        });
      }
    }
    if (settles) settle(slot, s, at.line);
    else applyLog(at.line);
  }

  let sawProposals = false;

  /** The class part of a quorum violation's message. */
  function classNote(cls: string | undefined, classes: readonly string[] | undefined): string {
    if (cls === undefined || classes === undefined) return '';
    if (classes.includes(cls)) return `, class ${cls}`;
    return `; the accept names class ${JSON.stringify(cls)}, which the system does not define, so it needs a phase-2 quorum of every class`;
  }

  /** Applies the global decided log in slot order (client-level checks) and drops settled slots. */
  function applyLog(line: number): void {
    for (;;) {
      const s = slots.get(appliedUpTo);
      if (s === undefined || s.decidedBy === -1) return;
      for (const cmd of commandsIn(s.decidedValue)) {
        const op = opOf(cmd);
        if (op === undefined) continue;
        if (appliedBits.has(op)) continue; // a duplicate: applied once, at its first slot
        appliedBits.add(op);
        applied.set(op, { slot: appliedUpTo, result: applyKv(cmd) });
        const ok = pendingOk.get(op);
        if (ok !== undefined) {
          pendingOk.delete(op);
          checkOk(op, ok);
        }
        const f = failed.get(op);
        if (f !== undefined) {
          failed.delete(op);
          checkFail(op, f);
        }
      }
      appliedUpTo++;
      if (s.decidedMask === allMask) settle(appliedUpTo - 1, s, line);
      // Slots far behind the applied log are compacted even if some node never decided them (a
      // node down for good, a learner outside the header's voters): memory stays bounded.
      const old = appliedUpTo - 1 - COMPACT_LAG;
      const o = old >= 0 ? slots.get(old) : undefined;
      if (o !== undefined && o.decidedBy !== -1) settle(old, o, line);
    }
  }

  function applyKv(cmd: unknown): { ok: boolean; value: unknown } | undefined {
    if (typeof cmd !== 'object' || cmd === null) return undefined;
    const { f, key, value } = cmd as { f?: unknown; key?: unknown; value?: unknown };
    if (typeof key !== 'string') return undefined;
    const current = kv.has(key) ? kv.get(key) : null;
    switch (f) {
      case 'read':
        return { ok: true, value: current };
      case 'write':
        kv.set(key, value);
        return { ok: true, value };
      case 'cas': {
        if (!Array.isArray(value) || value.length !== 2) return undefined;
        if (!sameJson(current, value[0])) return { ok: false, value: current };
        kv.set(key, value[1]);
        return { ok: true, value: value[1] };
      }
      default:
        return undefined;
    }
  }

  function checkOk(op: number, at: Rec): void {
    const a = applied.get(op);
    const inv0 = invoked.get(op);
    applied.delete(op);
    invoked.delete(op);
    if (a === undefined || a.result === undefined || inv0 === undefined) return;
    const ev = at.event as { f?: unknown; value?: unknown } | undefined;
    if (ev === undefined) return;
    if (ev.f === 'read' && !sameJson(ev.value ?? null, a.result.value)) {
      violate('client-exactly-once', {
        message: `Client op ${op} (read ${String(inv0.key)}) returned ${JSON.stringify(ev.value ?? null)}, but at its place in the log (slot ${a.slot}) the key held ${JSON.stringify(a.result.value)}.`,
        slot: a.slot,
        window: win(inv0, at),
      });
    } else if (ev.f === 'cas' && !a.result.ok) {
      violate('client-exactly-once', {
        message: `Client op ${op} (cas ${String(inv0.key)}) was answered ok, but at its place in the log (slot ${a.slot}) the key held ${JSON.stringify(a.result.value)}, so the cas could not succeed.`,
        slot: a.slot,
        window: win(inv0, at),
      });
    }
  }

  function checkFail(op: number, at: Rec): void {
    const a = applied.get(op);
    if (a === undefined) return;
    applied.delete(op);
    if (a.result !== undefined && !a.result.ok) return; // a cas that found another value: a no-op
    const inv0 = invoked.get(op);
    invoked.delete(op);
    violate('client-exactly-once', {
      message: `Client op ${op} was answered fail (it certainly did not take effect), but it is in the decided log at slot ${a.slot}.`,
      slot: a.slot,
      window: win(inv0, at),
    });
  }

  return {
    event(ev: TraceEvent, line: number): void {
      switch (ev.kind) {
        case 'send':
        case 'recv': {
          if (ev.kind === 'recv') sawRecv = true;
          // A forged, equivocating or replayed message is not the sender's own act (the fidelity
          // metric judges those). Nodes no header or reconfiguration listed are outside these rules.
          if (ev.adversarial === true || !messageRules) break;
          const raw = ev.msg as {
            type: string;
            ballot?: unknown;
            slot?: unknown;
            value?: unknown;
            accepted?: unknown;
            class?: unknown;
          };
          // What the rules below read: sent prepares and votes, accepts and promises both ways. The
          // rest (decide, heartbeat, catch-up, extensions) costs no lookups.
          const type = raw.type;
          const judged =
            type === 'accept' ||
            type === 'promise' ||
            ((type === 'accepted' || type === 'prepare') && ev.kind === 'send');
          if (!judged) break;
          const self = nodeIndex.get(ev.node);
          const peerName = ev.kind === 'send' ? ev.to : ev.from;
          const peer = nodeIndex.get(peerName);
          if (self === undefined || peer === undefined) break;
          const n = nodes[self] as NodeState;
          // Untyped protocols may carry anything: only well-shaped ballots and slots are judged.
          const ballot = ballotOf(raw.ballot);
          if (raw.slot !== undefined && !isSlot(raw.slot)) break;
          const slot = raw.slot ?? 0;
          switch (type) {
            case 'prepare':
              if (ev.kind === 'send' && ballot !== undefined && ballot.node === ev.node) {
                const p = n.phaseOne.get(ballot.round);
                if (p === undefined) selfPromise(n, ballot, rec(line, ev));
              }
              break;
            case 'promise': {
              if (ballot === undefined) break;
              const at = rec(line, ev);
              if (ev.kind === 'send') {
                onPromiseSent(n, ballot, at);
                // Without recv events, a sent promise stands for the proposer's knowledge.
                if (!sawRecv && ballot.node === peerName) {
                  addPromiser(nodes[peer] as NodeState, ballot, self, promisedVotes(raw, at), at);
                }
              } else if (ballot.node === ev.node) {
                addPromiser(n, ballot, peer, promisedVotes(raw, at), at);
              }
              break;
            }
            case 'accept': {
              if (ballot === undefined) break;
              if (ev.kind === 'send') {
                sawProposals = true;
                const cls = typeof raw.class === 'string' ? raw.class : undefined;
                onProposal(n, slot, ballot, raw.value, cls, rec(line, ev));
              } else if (!settled.has(slot)) {
                const x = nodeSlot(slotOf(slot), self);
                x.acceptRound = ballot.round;
                x.acceptNode = ballot.node;
                x.acceptValue = raw.value;
                x.acceptIn = n.restarts;
              }
              break;
            }
            case 'accepted':
              if (ev.kind === 'send' && ballot !== undefined) {
                onVoteSent(n, slot, ballot, raw.value, 'value' in raw, rec(line, ev));
              }
              break;
            default:
              break;
          }
          break;
        }
        case 'decide': {
          const i = nodeIndex.get(ev.node);
          if (i === undefined) break; // a node no header or reconfiguration listed
          onDecide(nodes[i] as NodeState, ev.slot, ev.value, ev.ballot, rec(line, ev));
          break;
        }
        case 'restart': {
          const i = nodeIndex.get(ev.node);
          if (i === undefined) break;
          const n = nodes[i] as NodeState;
          n.restarts++;
          n.restartAt = rec(line, ev);
          n.restartLine = line;
          // Its decisions and received accepts of this incarnation are now of an earlier one.
          n.phaseOne = new Map();
          break;
        }
        case 'invoke':
          sawInvoke = true;
          invoked.set(ev.op, { line, event: keep ? ev : undefined, f: ev.f, key: ev.key, value: ev.value });
          invokedBits.add(ev.op);
          break;
        case 'info':
          invoked.delete(ev.op);
          break;
        case 'ok': {
          inv['client-exactly-once'].checks++;
          const at = rec(line, ev);
          if (applied.has(ev.op)) checkOk(ev.op, at);
          else if (!appliedBits.has(ev.op)) pendingOk.set(ev.op, at);
          break;
        }
        case 'fail': {
          const at = rec(line, ev);
          if (applied.has(ev.op)) checkFail(ev.op, at);
          else if (!appliedBits.has(ev.op)) failed.set(ev.op, at);
          break;
        }
        case 'reconfig':
          onReconfig(ev, line);
          break;
        case 'crash':
        case 'state':
        case 'persist':
        case 'timer':
        case 'fault':
        case 'heal':
          break; // nothing a safety rule of Paxos reads (promises are judged from messages)
        default:
          break; // x- extension events
      }
    },

    finish(_end: TraceEnd): InvariantResult[] {
      settled.close();
      if (sawOpInLog) {
        for (const [op, at] of pendingOk) {
          // In a decided slot, but behind a slot no node decided: it cannot be applied in log
          // order, so its result is not judged (and it is not missing).
          if (decidedOps.has(op)) continue;
          const inv0 = invoked.get(op);
          violate('client-exactly-once', {
            message: `Client op ${op} was answered ok, but no node decided a slot holding it by the end of the trace.`,
            window: win(inv0, at),
          });
        }
      } else {
        inv['client-exactly-once'].skipped = sawInvoke
          ? 'decided values carry no client op ids (`op` fields), so ops cannot be matched to the log'
          : 'the trace has no client operations';
      }
      if (headerQuorums === undefined && inv.quorum.checks === 0) {
        // (A reconfiguration to a usable system may have let later slots be judged.)
        inv.quorum.skipped = options.quorumProblem ?? 'the quorum system is unknown';
      }
      if (!sawProposals) {
        inv['proposer-value'].skipped = 'the trace has no phase-2 accept messages';
        inv['acceptor-accept'].skipped ??=
          inv['acceptor-accept'].checks === 0 ? 'the trace has no accepted messages' : undefined;
        if (inv.quorum.skipped === undefined)
          inv.quorum.skipped = 'the trace has no phase-2 messages to count votes from';
      }
      if (!messageRules) {
        const why = `the ${header.protocol} protocol does not use Paxos messages; its own rules are not checked yet`;
        for (const name of ['acceptor-accept', 'acceptor-promise', 'proposer-value', 'quorum'] as const) {
          inv[name].skipped = why;
        }
      }
      const unknownSystem = lateReconfig ?? conflictingReconfig;
      if (unknownSystem !== undefined) {
        // Slots were judged under a quorum system that another event says was not in force.
        for (const name of ['proposer-value', 'quorum'] as const) {
          inv[name] = { checks: 0, violations: 0, first: undefined, skipped: unknownSystem };
        }
      } else {
        // Slots under a reconfiguration whose system is unusable were not judged: that is the
        // reason, rather than "no phase-2 messages" (those of nodes past the limit are not read).
        if (unjudged !== undefined && messageRules) {
          for (const name of ['proposer-value', 'quorum'] as const) {
            if (inv[name].checks === 0 && inv[name].first === undefined) inv[name].skipped = unjudged;
          }
        }
      }
      if (inv['acceptor-promise'].checks === 0)
        inv['acceptor-promise'].skipped ??= 'the trace has no promise messages';
      if (inv['acceptor-accept'].checks === 0)
        inv['acceptor-accept'].skipped ??= 'the trace has no accepted messages';
      return (Object.keys(PAXOS_INVARIANTS) as PaxosInvariant[]).map((name) => {
        const s = inv[name];
        const base = { name, description: PAXOS_INVARIANTS[name], checks: s.checks };
        if (s.first !== undefined)
          return { ...base, status: 'violated', violation: s.first, violations: s.violations };
        if (s.skipped !== undefined) return { ...base, status: 'skipped', reason: s.skipped };
        return { ...base, status: 'holds' };
      });
    },
  };

  function promisedVotes(msg: { accepted?: unknown }, at: Rec): Array<{ slot: number; vote: Vote }> {
    const acc = msg.accepted;
    if (acc === undefined || acc === null) return [];
    const out: Array<{ slot: number; vote: Vote }> = [];
    for (const v of Array.isArray(acc) ? (acc as unknown[]) : [acc]) {
      if (typeof v !== 'object' || v === null) continue; // an untyped protocol's own shape
      const { slot, ballot, value } = v as { slot?: unknown; ballot?: unknown; value?: unknown };
      const b = ballotOf(ballot);
      if (b === undefined || (slot !== undefined && !isSlot(slot))) continue;
      out.push({
        slot: slot ?? 0,
        vote: { round: b.round, node: b.node, value, at },
      });
    }
    return out;
  }
}

function maskOf(names: readonly string[], index: Map<string, number>): number {
  let m = 0;
  for (const n of names) {
    const i = index.get(n);
    if (i !== undefined) m |= 1 << i;
  }
  return m;
}

/** The number of set bits of a 32-bit mask. */
export function popcount(x: number): number {
  let n = 0;
  while (x !== 0) {
    x &= x - 1;
    n++;
  }
  return n;
}

/** A set of integer ids: a growing bit array for ids in [0, 2^28), a Set for the rest. */
export class IdBits {
  #bits = new Uint8Array(1024);
  readonly #other = new Set<number>();

  has(id: number): boolean {
    if (id >= 0 && id < 1 << 28) {
      const i = id >>> 3;
      return i < this.#bits.length && (this.#bits[i]! & (1 << (id & 7))) !== 0;
    }
    return this.#other.has(id);
  }

  add(id: number): void {
    if (id >= 0 && id < 1 << 28) {
      const i = id >>> 3;
      if (i >= this.#bits.length) {
        const next = new Uint8Array(Math.max(i + 1, this.#bits.length * 2));
        next.set(this.#bits);
        this.#bits = next;
      }
      this.#bits[i]! |= 1 << (id & 7);
      return;
    }
    this.#other.add(id);
  }
}

/** A proposal of ballot `b` with no votes yet. */
function proposal(
  b: Ballot,
  value: unknown,
  at: Rec,
  fromAccept: boolean,
  cls: string | undefined,
): Proposal {
  return {
    round: b.round,
    node: b.node,
    value,
    at,
    voters: 0,
    voterRecs: [],
    fromAccept,
    cls,
    q2: undefined,
  };
}

/** The slot's proposal of ballot (round, node), if any. (Loops, not callbacks: these run per event.) */
function proposalOf(s: SlotState, round: number, node: string): Proposal | undefined {
  for (const p of s.proposals) if (p.round === round && p.node === node) return p;
  return undefined;
}

/** Whether `list` holds a value canonically equal to `value`. */
function holdsJson(list: readonly unknown[], value: unknown): boolean {
  for (const v of list) if (sameJson(v, value)) return true;
  return false;
}

/** Most nodes a trace may have for these checks (node sets are bitmasks). */
const MAX_NODES = 30;

/** Decided slots this far behind the applied log are compacted even when some node has not decided them. */
const COMPACT_LAG = 4096;

/** Protocols whose traces use the Paxos messages of traces/README.md. */
const PAXOS_FAMILY: ReadonlySet<string> = new Set(['paxos', 'multipaxos', 'adaptive']);

/** A ballot `{round, node}` when the value has that shape, else undefined. */
function ballotOf(x: unknown): Ballot | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { round, node } = x as { round?: unknown; node?: unknown };
  return typeof round === 'number' && Number.isFinite(round) && typeof node === 'string'
    ? (x as Ballot)
    : undefined;
}

function isSlot(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
