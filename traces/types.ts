// Generated from traces/schema.ts by traces/scripts/generate.ts: do not edit by hand.
// Run `npx tsx traces/scripts/generate.ts` after changing the schema; a test checks this file is current.

/** One line of a synod-trace file (format version 1): the header on line 1, then one event per line. Message bodies of typed protocols are checked against `#/$defs/message.<protocol>` (see traces/README.md). */
export type TraceLine = TraceHeader | TraceEvent;

/** Line 1 of every trace: what ran, on which nodes, under which quorum system. */
export type TraceHeader = {
  kind: 'header';
  /** Always `synod-trace`. */
  format: 'synod-trace';
  /** Format version; this schema is version 1. */
  version: 1;
  /** `paxos`, `multipaxos`, `pbft`, `adaptive` or any other name. Message bodies are typed for `paxos` and `multipaxos`. */
  protocol: string;
  /** Every node that sends, receives or records events, in a fixed order. */
  nodes: NodeId[];
  /** The quorum system the nodes were configured with. */
  quorum: QuorumSystem;
  /** Protocol and harness parameters, free-form (timeouts, batch size, loss rate...). */
  params?: Record<string, unknown>;
  /** The seed of a simulated run; use a string for seeds beyond 2^53 - 1. */
  seed?: number | string;
  /** What `t` means: `virtual` (ms since the simulation began), `wall` (ms since the Unix epoch, UTC), `local` (ms on the recording node's own clock, not comparable across nodes) or `none` (no times). */
  clock?: 'virtual' | 'wall' | 'local' | 'none';
  /** The program that wrote the trace. */
  producer?: Producer;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Any event line. */
export type TraceEvent =
  | SendEvent
  | RecvEvent
  | StateEvent
  | PersistEvent
  | DecideEvent
  | TimerEvent
  | CrashEvent
  | RestartEvent
  | FaultEvent
  | HealEvent
  | ReconfigEvent
  | InvokeEvent
  | OkEvent
  | FailEvent
  | InfoEvent
  | ExtensionEvent;

/** `node` sends `msg` to `to` (a broadcast is one send per receiver). */
export type SendEvent = {
  kind: 'send';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** The receiver. */
  to: NodeId;
  /** Links a `recv` to its `send`; unique per sent message. */
  id?: number | string;
  /** The protocol message. */
  msg: Message;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** `node` receives `msg` from `from` (a duplicated message is received twice). */
export type RecvEvent = {
  kind: 'recv';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** The sender. */
  from: NodeId;
  /** Links a `recv` to its `send`; unique per sent message. */
  id?: number | string;
  /** The protocol message, as received. */
  msg: Message;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Volatile state variables of `node` changed; `vars` holds the new values of the changed ones. */
export type StateEvent = {
  kind: 'state';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** Variable name -> value (any JSON). */
  vars: Record<string, unknown>;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Durable variables of `node` reached stable storage (they survive a crash). */
export type PersistEvent = {
  kind: 'persist';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** Variable name -> value (any JSON). */
  vars: Record<string, unknown>;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** `node` learns that `value` is chosen for `slot`. */
export type DecideEvent = {
  kind: 'decide';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** The log slot; 0 for single-decree Paxos. */
  slot: number;
  /** The chosen value. */
  value: unknown;
  /** The ballot that chose it, when known. */
  ballot?: Ballot;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A timer of `node` is set, fires or is cancelled. */
export type TimerEvent = {
  kind: 'timer';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** The timer's name (e.g. `election`, `retry`). */
  name: string;
  /** What happened to the timer. */
  action: 'set' | 'fire' | 'cancel';
  /** With `set`: the delay in ms. */
  after?: number;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** `node` stops; its volatile state is lost, its persisted variables are kept. */
export type CrashEvent = {
  kind: 'crash';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** `node` starts again from its persisted variables. */
export type RestartEvent = {
  kind: 'restart';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node that recorded the event. */
  node: NodeId;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A harness starts a fault; it lasts until a `heal` with the same `id` (or the same `fault`). */
export type FaultEvent = {
  kind: 'fault';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** The fault: one of the known names or an `x-` name. */
  fault:
    | 'partition'
    | 'pause'
    | 'loss'
    | 'duplicate'
    | 'delay'
    | 'reorder'
    | 'clock-skew'
    | 'byzantine'
    | 'disk'
    | `x-${string}`;
  /** Links a `heal` to its `fault`. */
  id?: number | string;
  /** For `partition`: nodes talk only within their group. */
  groups?: NodeId[][];
  /** The nodes affected (paused, byzantine, with a failing disk, ...). */
  nodes?: NodeId[];
  /** Directed links `[from, to]` affected (for one-way faults). */
  links?: NodeId[][];
  /** For `loss`/`duplicate`: probability. */
  rate?: number;
  /** For `delay`: added latency in ms. */
  delay?: number;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A fault ends: the one with `id`, else every fault named `fault`, else every fault. */
export type HealEvent = {
  kind: 'heal';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** The kind of fault healed. */
  fault?:
    | 'partition'
    | 'pause'
    | 'loss'
    | 'duplicate'
    | 'delay'
    | 'reorder'
    | 'clock-skew'
    | 'byzantine'
    | 'disk'
    | `x-${string}`;
  /** Links a `heal` to its `fault`. */
  id?: number | string;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** From `slot` on, the cluster uses `quorum` (and `nodes`, when membership changes). */
export type ReconfigEvent = {
  kind: 'reconfig';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** First slot decided under the new configuration. */
  slot: number;
  /** The new quorum system. */
  quorum: QuorumSystem;
  /** The new membership; new nodes may appear in later events. */
  nodes?: NodeId[];
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A client process starts operation `op`. */
export type InvokeEvent = {
  kind: 'invoke';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** The client process (Jepsen's `process`); one process runs one operation at a time. */
  process: number | string;
  /** Operation id: links an `invoke` to its completion (`ok`, `fail` or `info`); unique per trace. */
  op: number;
  /** The operation: `read`, `write`, `cas` (value `[expected, new]`) or any other name. */
  f: string;
  /** The key, for keyed workloads. */
  key?: string;
  /** The operation's value: the argument on `invoke`, the result on `ok` (absent reads as null). */
  value?: unknown;
  /** The criticality class of the operation (e.g. `critical`, `routine`); metrics are split by it. */
  class?: string;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Operation `op` completed and took effect. */
export type OkEvent = {
  kind: 'ok';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** The client process (Jepsen's `process`); one process runs one operation at a time. */
  process: number | string;
  /** Operation id: links an `invoke` to its completion (`ok`, `fail` or `info`); unique per trace. */
  op: number;
  /** The operation: `read`, `write`, `cas` (value `[expected, new]`) or any other name. */
  f: string;
  /** The key, for keyed workloads. */
  key?: string;
  /** The operation's value: the argument on `invoke`, the result on `ok` (absent reads as null). */
  value?: unknown;
  /** The criticality class of the operation (e.g. `critical`, `routine`); metrics are split by it. */
  class?: string;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Operation `op` completed and certainly did not take effect. */
export type FailEvent = {
  kind: 'fail';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** The client process (Jepsen's `process`); one process runs one operation at a time. */
  process: number | string;
  /** Operation id: links an `invoke` to its completion (`ok`, `fail` or `info`); unique per trace. */
  op: number;
  /** The operation: `read`, `write`, `cas` (value `[expected, new]`) or any other name. */
  f: string;
  /** The key, for keyed workloads. */
  key?: string;
  /** The operation's value: the argument on `invoke`, the result on `ok` (absent reads as null). */
  value?: unknown;
  /** The criticality class of the operation (e.g. `critical`, `routine`); metrics are split by it. */
  class?: string;
  /** Why it failed, or why the outcome is unknown. */
  error?: unknown;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Operation `op` ended with an unknown outcome (e.g. a timeout): it may or may not take effect. */
export type InfoEvent = {
  kind: 'info';
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** The node involved, when there is one. */
  node?: NodeId;
  /** The client process (Jepsen's `process`); one process runs one operation at a time. */
  process: number | string;
  /** Operation id: links an `invoke` to its completion (`ok`, `fail` or `info`); unique per trace. */
  op: number;
  /** The operation: `read`, `write`, `cas` (value `[expected, new]`) or any other name. */
  f: string;
  /** The key, for keyed workloads. */
  key?: string;
  /** The operation's value: the argument on `invoke`, the result on `ok` (absent reads as null). */
  value?: unknown;
  /** The criticality class of the operation (e.g. `critical`, `routine`); metrics are split by it. */
  class?: string;
  /** Why it failed, or why the outcome is unknown. */
  error?: unknown;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** An implementation-specific event: its `kind` starts with `x-`; readers may skip it. */
export type ExtensionEvent = {
  /** `x-` followed by a name. */
  kind: `x-${string}`;
  /** Time of the event in milliseconds; its meaning is the header's `clock`. */
  t?: number;
  /** A node's name, as listed in the header. */
  node?: NodeId;
  /** A vector clock: node -> count of events at that node known to this one. */
  vc?: VectorClock;
  /** True when the event was forged, equivocating or replayed by a Byzantine actor or the harness. */
  adversarial?: boolean;
  [field: string]: unknown;
};

/** A quorum system as data. Phase-1 quorums (q1) must intersect every phase-2 quorum (q2). */
export type QuorumSystem =
  | MajorityQuorum
  | ThresholdQuorum
  | ExplicitQuorum
  | WeightedQuorum
  | GridQuorum
  | ClassesQuorum
  | ExtensionQuorum;

/** Any strict majority of `members` is a quorum in both phases. */
export type MajorityQuorum = {
  kind: 'majority';
  /** The voting nodes (acceptors); default: every node of the header. */
  members?: NodeId[];
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Any `q1` of `members` form a phase-1 quorum, any `q2` a phase-2 quorum (e.g. PBFT: 2f+1 of 3f+1). */
export type ThresholdQuorum = {
  kind: 'threshold';
  /** Size of a phase-1 quorum. */
  q1: number;
  /** Size of a phase-2 quorum. */
  q2: number;
  /** The voting nodes (acceptors); default: every node of the header. */
  members?: NodeId[];
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** The minimal quorums listed one by one; any superset of a listed set is a quorum too. */
export type ExplicitQuorum = {
  kind: 'explicit';
  /** Phase-1 quorums. */
  q1: NodeId[][];
  /** Phase-2 quorums. */
  q2: NodeId[][];
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A set is a phase-1 (phase-2) quorum when its members' weights sum to at least `q1` (`q2`). */
export type WeightedQuorum = {
  kind: 'weighted';
  /** Weight of each voting node. */
  weights: Record<string, number>;
  /** Weight of a phase-1 quorum. */
  q1: number;
  /** Weight of a phase-2 quorum. */
  q2: number;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** `members` laid out row by row in a `rows` x `cols` grid: a full row is a phase-1 quorum, a full column a phase-2 quorum. */
export type GridQuorum = {
  kind: 'grid';
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
  /** The nodes in row-major order; default: every node of the header. */
  members?: NodeId[];
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Adaptive quorums by criticality class: a phase-1 quorum must be a phase-1 quorum of every class (so it meets every phase-2 quorum any slot could have used); a slot of class C is decided by a phase-2 quorum of C. A slot whose accept names no class is accepted with a phase-2 quorum of any class; one naming a class the system does not define needs a phase-2 quorum of every class. */
export type ClassesQuorum = {
  kind: 'classes';
  /** The quorum system of each class, by class name. */
  classes: Record<string, QuorumSystem>;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** An implementation-specific quorum system: its `kind` starts with `x-`. */
export type ExtensionQuorum = {
  /** `x-` followed by a name. */
  kind: `x-${string}`;
  [field: string]: unknown;
};

/** A protocol message: an object with a string `type`. Under `paxos` and `multipaxos` it must also match `message.paxos` or `message.multipaxos`. */
export type Message = {
  /** The message type. */
  type: string;
  [field: string]: unknown;
};

/** An implementation-specific message under a typed protocol: its `type` starts with `x-`. */
export type ExtensionMessage = {
  /** `x-` followed by a name. */
  type: `x-${string}`;
  [field: string]: unknown;
};

/** Phase 1a: a proposer asks the acceptors to promise `ballot`. */
export type PaxosPrepare = {
  type: 'prepare';
  /** The ballot to promise. */
  ballot: Ballot;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Phase 1b: an acceptor promises `ballot` and reports its vote, if it has cast one. */
export type PaxosPromise = {
  type: 'promise';
  /** The ballot promised. */
  ballot: Ballot;
  /** The highest-ballot vote this acceptor has cast; absent when none. */
  accepted?: Vote;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Phase 2a: a proposer asks the acceptors to vote for `value` at `ballot`. */
export type PaxosAccept = {
  type: 'accept';
  /** The ballot of the proposal. */
  ballot: Ballot;
  /** The proposed value. */
  value: unknown;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Phase 2b: an acceptor has voted for the proposal at `ballot`. */
export type PaxosAccepted = {
  type: 'accepted';
  /** The ballot voted for. */
  ballot: Ballot;
  /** The value voted for (optional). */
  value?: unknown;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** An acceptor refuses `ballot` because it has promised a higher one. */
export type PaxosNack = {
  type: 'nack';
  /** The refused ballot. */
  ballot: Ballot;
  /** The higher ballot the acceptor has promised, when it says. */
  promised?: Ballot;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A learner or proposer announces the chosen value (also called commit). */
export type PaxosDecide = {
  type: 'decide';
  /** The chosen value. */
  value: unknown;
  /** The ballot that chose it, when known. */
  ballot?: Ballot;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A single-decree Paxos message (protocol `paxos`). */
export type PaxosMessage =
  PaxosPrepare | PaxosPromise | PaxosAccept | PaxosAccepted | PaxosNack | PaxosDecide | ExtensionMessage;

/** Phase 1a for every slot from `fromSlot` on: a would-be leader asks for promises on `ballot`. */
export type MultiPaxosPrepare = {
  type: 'prepare';
  /** The ballot to promise. */
  ballot: Ballot;
  /** First slot the prepare covers (default 0). */
  fromSlot?: number;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Phase 1b: an acceptor promises `ballot` and reports its votes at the slots the prepare covers. */
export type MultiPaxosPromise = {
  type: 'promise';
  /** The ballot promised. */
  ballot: Ballot;
  /** First slot the promise covers (default 0). */
  fromSlot?: number;
  /** For each covered slot where this acceptor voted, its highest-ballot vote. */
  accepted?: SlotVote[];
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Phase 2a: the leader asks the acceptors to vote for `value` in `slot` at `ballot`. */
export type MultiPaxosAccept = {
  type: 'accept';
  /** The leader's ballot. */
  ballot: Ballot;
  /** The log slot. */
  slot: number;
  /** The proposed value (a command or a batch). */
  value: unknown;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Phase 2b: an acceptor has voted in `slot` at `ballot`. */
export type MultiPaxosAccepted = {
  type: 'accepted';
  /** The ballot voted for. */
  ballot: Ballot;
  /** The log slot. */
  slot: number;
  /** The value voted for (optional). */
  value?: unknown;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** An acceptor refuses `ballot` because it has promised a higher one. */
export type MultiPaxosNack = {
  type: 'nack';
  /** The refused ballot. */
  ballot: Ballot;
  /** The higher ballot the acceptor has promised, when it says. */
  promised?: Ballot;
  /** The slot of the refused accept, for phase 2 refusals. */
  slot?: number;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** The value of `slot` is chosen (also called commit). */
export type MultiPaxosDecide = {
  type: 'decide';
  /** The log slot. */
  slot: number;
  /** The chosen value. */
  value: unknown;
  /** The ballot that chose it, when known. */
  ballot?: Ballot;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** The leader is alive; followers reset their election timers. */
export type MultiPaxosHeartbeat = {
  type: 'heartbeat';
  /** The leader's ballot. */
  ballot: Ballot;
  /** Every slot below this one is decided at the leader. */
  decidedBelow?: number;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A lagging or restarted node asks for the decided entries from `fromSlot` on. */
export type MultiPaxosCatchup = {
  type: 'catchup';
  /** First slot wanted. */
  fromSlot: number;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** Decided entries sent to a lagging node. */
export type MultiPaxosCatchupReply = {
  type: 'catchup-reply';
  /** Decided entries, in slot order. */
  entries: LogEntry[];
  /** Every slot below this one is decided at the sender. */
  decidedBelow?: number;
  /** Implementation-specific data; readers ignore it. */
  x?: Record<string, unknown>;
};

/** A Multi-Paxos message (protocol `multipaxos`). */
export type MultiPaxosMessage =
  | MultiPaxosPrepare
  | MultiPaxosPromise
  | MultiPaxosAccept
  | MultiPaxosAccepted
  | MultiPaxosNack
  | MultiPaxosDecide
  | MultiPaxosHeartbeat
  | MultiPaxosCatchup
  | MultiPaxosCatchupReply
  | ExtensionMessage;

/** A ballot (proposal number): ordered by `round`, then by `node` (string order). The node makes ballots of different proposers distinct. */
export type Ballot = {
  /** The round number. */
  round: number;
  /** The proposer that owns the ballot. */
  node: NodeId;
};

/** A vote an acceptor has cast: `value` at `ballot`. */
export type Vote = {
  /** A ballot (proposal number): ordered by `round`, then by `node` (string order). The node makes ballots of different proposers distinct. */
  ballot: Ballot;
  /** The value voted for. */
  value: unknown;
};

/** A vote an acceptor has cast in one slot. */
export type SlotVote = {
  /** A log slot (0-based). */
  slot: number;
  /** A ballot (proposal number): ordered by `round`, then by `node` (string order). The node makes ballots of different proposers distinct. */
  ballot: Ballot;
  /** The value voted for. */
  value: unknown;
};

/** A decided log entry. */
export type LogEntry = {
  /** A log slot (0-based). */
  slot: number;
  /** The decided value. */
  value: unknown;
};

/** The program that wrote the trace. */
export type Producer = {
  /** Its name. */
  name: string;
  /** Its version. */
  version?: string;
};

/** A node's name, as listed in the header. */
export type NodeId = string;

/** A vector clock: node -> count of events at that node known to this one. */
export type VectorClock = Record<string, number>;
