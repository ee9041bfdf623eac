// The deterministic simulator: runs NodeBehaviors in virtual time over a modelled network (latency
// distributions, per-link overrides, loss, duplication, reordering), applies a fault scenario and a
// client workload, watches safety (one value per slot), writes every event to a trace, and returns
// the run as data. One seeded PRNG drives every random choice; events are ordered by (time, seq).

import {
  TraceWriter,
  type MessageText,
  type QuorumSystem,
  type TraceEvent,
  type TraceHeader,
} from '../../traces/index.js';
import type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from '../Node.js';
import { ReplyCollector } from '../pbft/client.js';
import { canonicalJson } from './canonical.js';
import { EventQueue } from './EventQueue.js';
import { formatLatency, sampleLatency, type Latency } from './latency.js';
import { Prng } from './prng.js';
import type { Fault, Scenario } from './scenario.js';

/** Where trace lines go: a `TraceWriter` from traces/ (the caller closes it). */
export interface TraceSink {
  header(header: TraceHeader): void;
  event(event: TraceEvent): void;
}

/** The network model, as data. */
export interface NetworkOptions {
  /** One-way latency of every link without an override (default `uniform:5ms..40ms`). */
  latency?: Latency;
  /** Per-link overrides, both directions: key `n1-n2`. */
  links?: Readonly<Record<string, Latency>>;
  /** Probability that a message is lost (default 0). */
  loss?: number;
  /** Probability that a message is delivered twice (default 0). */
  duplicate?: number;
  /** Probability that a message gets an extra random delay (up to twice its latency), overtaking later ones (default 0). */
  reorder?: number;
}

/** The client workload: Jepsen-style processes issuing reads and writes on a few keys. */
export interface WorkloadOptions {
  /** Operations started per second of virtual time (an op is skipped when every client is busy). */
  rate: number;
  /** Fraction of reads (default 0.5). */
  readRatio?: number;
  /** Number of keys `k0`..`k{n-1}` (default 10). */
  keys?: number;
  /** Number of client processes; each runs one operation at a time (default 5). */
  clients?: number;
  /** An op with no reply after this many virtual ms ends as `info` (default 5000). */
  timeout?: number;
  /** Latency between a client and a node (default: the network's default latency). */
  latency?: Latency;
  /**
   * Criticality classes and their weights, e.g. `{ critical: 0.1, routine: 0.9 }`: each operation
   * draws its class, which its request (`class`) and its client events carry. Default: no classes
   * (requests and traces as without this option).
   */
  classes?: Readonly<Record<string, number>>;
  /**
   * Matching replies from distinct nodes that complete an operation (default 1: the first reply).
   * PBFT clients take f+1: at least one of them comes from an honest replica. Replies are matched
   * on `ok` and `result` (canonical JSON).
   */
  replies?: number;
  /**
   * An operation still unanswered this many virtual ms after it was invoked is re-sent to every
   * node, and again after each further interval (default: never; the op waits for its timeout).
   */
  retry?: number;
  /** No operation starts after this virtual time (ms; default: until the end of the run). */
  until?: number;
}

/** The workload fields that have no default (left out of the trace header unless given). */
type OptionalWorkload = 'latency' | 'classes' | 'replies' | 'retry' | 'until';

/** The request a workload hands to `onRequest`: a read or a write of one key (writes carry unique values). */
export interface KvRequest {
  readonly f: 'read' | 'write';
  readonly key: string;
  readonly value?: number;
  /** The operation's criticality class, when the workload has classes. */
  readonly class?: string;
}

/** A progress report (the CLI renders it). */
export interface SimulationProgress {
  virtualMs: number;
  durationMs: number;
  decisions: number;
  sent: number;
  delivered: number;
  dropped: number;
  faultsApplied: number;
  clientOk: number;
  events: number;
  wallSeconds: number;
}

/** Hooks through which a run reports while it goes (the simulator never prints). */
export interface SimulationHooks {
  progress?(p: SimulationProgress): void;
}

/** Options of {@link simulate}. */
export interface SimulationOptions<
  S = unknown,
  M = unknown,
  Req = unknown,
  Rep = unknown,
  P = Record<string, unknown>,
> {
  behavior: NodeBehavior<S, M, Req, Rep, P>;
  /** Node names, or a count (names `n1`..`nN`). */
  nodes: number | readonly NodeId[];
  /** Protocol parameters handed to every node. */
  params: P;
  /** Seed of the PRNG (a safe integer). */
  seed: number;
  /** Virtual ms to simulate. */
  duration: number;
  network?: NetworkOptions;
  scenario?: Scenario;
  /** The client workload; `false` for none (default: 100 ops/s, 5 clients). */
  workload?: WorkloadOptions | false;
  /**
   * Where the trace goes. A `TraceWriter` is switched to reuse texts (`assumeImmutable`): the nodes'
   * messages and values must not be mutated after they are emitted, as the node contract says.
   */
  trace?: TraceSink;
  hooks?: SimulationHooks;
  /** Wall ms between progress reports (default 250). */
  progressIntervalMs?: number;
  /** Stop after this many events (default: no limit). */
  maxEvents?: number;
  /** The quorum system written in the trace header (default majority). */
  quorum?: QuorumSystem;
  /**
   * The trace header's `params` (default: `params`). A protocol may write more than its nodes
   * read, e.g. PBFT's public keys (impl/protocols.ts `headerParams`).
   */
  headerParams?: Readonly<Record<string, unknown>>;
  /**
   * What a client does to each request it issues before a node gets it (default: nothing), e.g.
   * PBFT clients sign it (impl/protocols.ts `signRequest`). Applied where a request is handed to
   * `onRequest`, retries included; the trace's client events do not change.
   */
  signRequest?: (req: ClientRequest<Req>) => ClientRequest<Req>;
  /** Extra fields for the trace header's `x.simulator` (e.g. the command line). */
  traceInfo?: Readonly<Record<string, unknown>>;
}

/** Two different values decided for one slot. */
export interface SafetyViolation {
  slot: number;
  first: { node: NodeId; value: unknown; t: number };
  second: { node: NodeId; value: unknown; t: number };
  /** Virtual ms of the second decision. */
  t: number;
}

/** A node handler threw. */
export interface HandlerError {
  node: NodeId;
  during: 'init' | 'onMessage' | 'onTimer' | 'onRequest';
  /** What was thrown (unknown: user code). */
  error: unknown;
  message: string;
  t: number;
}

/** One client operation and how it ended. */
export interface ClientOp {
  op: number;
  process: number;
  f: 'read' | 'write';
  key: string;
  /** The written value, or the value read. */
  value: unknown;
  node: NodeId;
  invokedAt: number;
  outcome: 'pending' | 'ok' | 'fail' | 'info';
  completedAt: number | undefined;
  /** The criticality class, when the workload has classes. */
  class?: string;
}

/** Counters and figures of a run. */
export interface SimulationStats {
  /** Distinct slots decided. */
  decisions: number;
  /** Decide effects (one per node per slot learned). */
  decideEvents: number;
  messages: {
    sent: number;
    delivered: number;
    dropped: number;
    duplicated: number;
    /** Sends marked adversarial by a Byzantine node (present only when there were any). */
    adversarial?: number;
  };
  faultsApplied: number;
  clientOps: { invoked: number; ok: number; fail: number; info: number; skipped: number };
  /** Client invoke -> ok, virtual ms. */
  latency: { samples: number; p50: number; p95: number; p99: number; mean: number };
  /** Per criticality class (when the workload has classes): client ops and their invoke -> ok latency. */
  byClass?: Record<
    string,
    {
      invoked: number;
      ok: number;
      latency: { samples: number; p50: number; p95: number; p99: number; mean: number };
    }
  >;
  messagesPerDecision: number;
  /** Queue events processed (deliveries, timers, client and fault events). */
  events: number;
  wallSeconds: number;
  virtualSeconds: number;
  eventsPerWallSecond: number;
}

/** What {@link simulate} returns. */
export interface SimulationResult {
  status: 'ok' | 'safety-violation' | 'error';
  protocol: string;
  seed: number;
  nodes: NodeId[];
  violation: SafetyViolation | undefined;
  error: HandlerError | undefined;
  stats: SimulationStats;
  /** Slot -> the value first decided for it. */
  decided: Map<number, unknown>;
  /** Per node: slot -> the value it decided. */
  logs: Record<NodeId, Map<number, unknown>>;
  /** Each node's state at the end (undefined when crashed). */
  finalStates: Record<NodeId, unknown>;
  /** Client invoke -> ok latencies, virtual ms, in completion order. */
  latencySamples: number[];
  ops: ClientOp[];
}

/** The default latency of a link. */
export const DEFAULT_LATENCY: Latency = { kind: 'uniform', min: 5, max: 40 };
/** The default workload. */
export const DEFAULT_WORKLOAD: Required<Omit<WorkloadOptions, OptionalWorkload>> = {
  rate: 100,
  readRatio: 0.5,
  keys: 10,
  clients: 5,
  timeout: 5000,
};

/** Keys whose names are made once (see `#keyName`). */
const KEY_NAMES = 1 << 12;

// Event kinds in the queue.
const DELIVER = 1;
const TIMER = 2;
const TICK = 3;
const ARRIVE = 4;
const REPLY = 5;
const TIMEOUT = 6;
const FAULT = 7;
const FAULT_END = 8;
const RETRY = 9;

/** Node names of `nodes` (a count gives n1..nN). */
export function nodeNames(nodes: number | readonly NodeId[]): NodeId[] {
  if (typeof nodes !== 'number') return [...nodes];
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new RangeError(`simulate: nodes must be a positive integer, got ${nodes}`);
  return Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
}

function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Latencies `xs` in ascending order, as `[...xs].sort((a, b) => a - b)` gives them: a typed array
 * sorts numbers natively, without a call of the comparator per comparison (sorting the 100k
 * latencies of a Multi-Paxos bench run so took about 8% of its `simulate`, after its events). The
 * same order: latencies are differences of virtual times, finite and never -0.
 */
function sortedLatencies(xs: readonly number[]): Float64Array {
  return new Float64Array(xs).sort();
}

/** Latency figures of `xs` (virtual ms). */
function summary(xs: number[]): { samples: number; p50: number; p95: number; p99: number; mean: number } {
  const sorted = sortedLatencies(xs);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    mean: sorted.length === 0 ? 0 : sum / sorted.length,
  };
}

/** Run one simulation to its end (or to a safety violation or a handler error) and return it as data. */
export function simulate<S, M, Req, Rep, P>(options: SimulationOptions<S, M, Req, Rep, P>): SimulationResult {
  return new Simulation(options).run();
}

class Simulation<S, M, Req, Rep, P> {
  readonly #o: SimulationOptions<S, M, Req, Rep, P>;
  readonly #b: NodeBehavior<S, M, Req, Rep, P>;
  readonly #signRequest: ((req: ClientRequest<Req>) => ClientRequest<Req>) | undefined;
  readonly #names: NodeId[];
  readonly #index = new Map<NodeId, number>();
  readonly #n: number;
  readonly #prng: Prng;
  readonly #q = new EventQueue(4096);
  readonly #trace: TraceSink | undefined;
  /** The trace when it is a TraceWriter: its per-kind methods write the same lines without event objects. */
  readonly #writer: TraceWriter | undefined;
  readonly #configs: NodeConfig<P>[];

  // Per node.
  readonly #state: (S | undefined)[];
  readonly #up: Uint8Array;
  readonly #paused: Uint8Array;
  readonly #held: number[][];
  /**
   * What each node persisted, merged. A Map: every slot of a log adds keys (`v.7`, `d.7`), and
   * adding ever new keys to an object (Object.assign) is several times slower.
   */
  readonly #durable: (Map<string | symbol, unknown> | undefined)[];
  /** Only a restart reads the durable store: without crash faults it is not kept. */
  readonly #keepDurable: boolean;
  readonly #timers: Map<string, number>[];
  readonly #logs: Map<number, unknown>[];

  // Network.
  readonly #linkLatency: Latency[];
  readonly #group: Int32Array;
  #partitionId = -1;
  #loss: number;
  #dup: number;
  readonly #reorder: number;
  readonly #bursts: { kind: 'loss' | 'duplicate'; rate: number; id: number }[] = [];
  readonly #savedLatency = new Map<number, Latency[]>();

  // Workload.
  readonly #w: (Required<Omit<WorkloadOptions, OptionalWorkload>> & WorkloadOptions) | undefined;
  /** With `workload.replies` > 1: the replies collected per op. */
  readonly #collector: ReplyCollector | undefined;
  /** Class names and cumulative weights (normalized), when the workload has classes. */
  readonly #classNames: string[] = [];
  readonly #classCumulative: number[] = [];
  readonly #clientLatency: Latency;
  readonly #clientBusy: Uint8Array;
  readonly #clientProcess: Int32Array;
  readonly #clientTarget: Int32Array;
  #clientCursor = 0;
  /** Clients with an operation open (when all are, a tick skips without a scan). */
  #busyClients = 0;
  /** Idle clients as a bitset (bit c of word c >> 5). */
  readonly #idle: Int32Array;
  readonly #ops: ClientOp[] = [];
  /**
   * Per op number: 1 while the op is pending. Replies, timeouts and arrivals test it here rather
   * than on the op object, which by then is mostly out of the cache (a timeout comes 5 s after
   * its op, nearly always answered; measured: about 3% of a Multi-Paxos bench run).
   */
  #pending = new Uint8Array(1024);
  readonly #latencySamples: number[] = [];
  readonly #keyNames: string[] = [];

  // Counters.
  #now = 0;
  #events = 0;
  #sent = 0;
  #delivered = 0;
  #dropped = 0;
  #duplicated = 0;
  #faultsApplied = 0;
  #decideEvents = 0;
  #skipped = 0;
  #okCount = 0;
  #failCount = 0;
  #infoCount = 0;
  #nextMsgId = 0;
  /** Ids of messages sent as adversarial effects (their receives are marked too). */
  readonly #adversarialIds = new Set<number>();
  #adversarialSent = 0;
  #nextTimerGen = 0;
  readonly #decided = new Map<
    number,
    { json: string | undefined; node: NodeId; value: unknown; t: number }
  >();
  #violation: SafetyViolation | undefined;
  #error: HandlerError | undefined;
  #during: HandlerError['during'] = 'init';
  #duringNode = 0;

  constructor(o: SimulationOptions<S, M, Req, Rep, P>) {
    this.#o = o;
    this.#b = o.behavior;
    this.#signRequest = o.signRequest;
    if (!Number.isSafeInteger(o.seed))
      throw new RangeError(`simulate: seed must be a safe integer, got ${o.seed}`);
    if (!(o.duration >= 0) || !Number.isFinite(o.duration))
      throw new RangeError(`simulate: duration must be a finite number of ms ≥ 0, got ${o.duration}`);
    this.#names = nodeNames(o.nodes);
    this.#n = this.#names.length;
    this.#names.forEach((name, i) => {
      if (this.#index.has(name))
        throw new RangeError(`simulate: node ${JSON.stringify(name)} is listed twice`);
      this.#index.set(name, i);
    });
    this.#prng = new Prng(o.seed);
    this.#trace = o.trace;
    this.#writer = o.trace instanceof TraceWriter ? o.trace : undefined;
    // Messages, persisted variables and decided values are values (the node contract): the writer
    // serializes each message and each array (a batch in an accept, a vote, a decision) once.
    this.#writer?.assumeImmutable();
    const n = this.#n;
    this.#configs = this.#names.map((id) => ({ id, nodes: this.#names, params: o.params }));
    this.#state = new Array<S | undefined>(n).fill(undefined);
    this.#up = new Uint8Array(n);
    this.#paused = new Uint8Array(n);
    this.#held = Array.from({ length: n }, () => []);
    this.#durable = new Array<Map<string | symbol, unknown> | undefined>(n).fill(undefined);
    this.#keepDurable = o.scenario?.faults.some((f) => f.kind === 'crash') ?? false;
    this.#timers = Array.from({ length: n }, () => new Map<string, number>());
    this.#logs = Array.from({ length: n }, () => new Map<number, unknown>());

    const net = o.network ?? {};
    const base = net.latency ?? DEFAULT_LATENCY;
    this.#linkLatency = new Array<Latency>(n * n).fill(base);
    for (const [link, lat] of Object.entries(net.links ?? {})) {
      const [a, b] = this.#link(link);
      this.#linkLatency[a * n + b] = lat;
      this.#linkLatency[b * n + a] = lat;
    }
    this.#group = new Int32Array(n);
    const prob = (name: string, p: number | undefined): number => {
      const v = p ?? 0;
      if (!(v >= 0 && v <= 1))
        throw new RangeError(`simulate: network.${name} must be a probability in [0, 1], got ${String(p)}`);
      return v;
    };
    this.#loss = prob('loss', net.loss);
    this.#dup = prob('duplicate', net.duplicate);
    this.#reorder = prob('reorder', net.reorder);

    const w: (typeof DEFAULT_WORKLOAD & WorkloadOptions) | undefined =
      o.workload === undefined
        ? DEFAULT_WORKLOAD
        : o.workload === false
          ? undefined
          : { ...DEFAULT_WORKLOAD, ...o.workload };
    if (w !== undefined) {
      if (!(w.rate > 0)) throw new RangeError(`simulate: workload.rate must be > 0, got ${w.rate}`);
      if (!Number.isInteger(w.clients) || w.clients < 1)
        throw new RangeError(`simulate: workload.clients must be a positive integer, got ${w.clients}`);
      if (!Number.isInteger(w.keys) || w.keys < 1)
        throw new RangeError(`simulate: workload.keys must be a positive integer, got ${w.keys}`);
      if (!(w.readRatio >= 0 && w.readRatio <= 1))
        throw new RangeError(`simulate: workload.readRatio must be in [0, 1], got ${w.readRatio}`);
      if (w.replies !== undefined && !(Number.isInteger(w.replies) && w.replies >= 1 && w.replies <= n))
        throw new RangeError(
          `simulate: workload.replies must be an integer from 1 to the ${n} nodes, got ${w.replies}`,
        );
      if (w.retry !== undefined && !(w.retry > 0 && Number.isFinite(w.retry)))
        throw new RangeError(`simulate: workload.retry must be a number of ms > 0, got ${w.retry}`);
    }
    const classes = o.workload === false || o.workload === undefined ? undefined : o.workload.classes;
    if (classes !== undefined) {
      const entries = Object.entries(classes);
      const total = entries.reduce((a, [, x]) => a + x, 0);
      if (entries.some(([, x]) => !(x >= 0 && Number.isFinite(x))) || !(total > 0))
        throw new RangeError(
          `simulate: workload.classes weights must be finite numbers ≥ 0 summing to more than 0, got ${JSON.stringify(classes)}`,
        );
      let acc = 0;
      for (const [name, x] of entries) {
        acc += x / total;
        this.#classNames.push(name);
        this.#classCumulative.push(acc);
      }
    }
    this.#w = w;
    this.#collector =
      w?.replies !== undefined && w.replies > 1 ? new ReplyCollector(w.replies - 1) : undefined;
    this.#clientLatency = (o.workload === false ? undefined : o.workload?.latency) ?? base;
    const c = w?.clients ?? 0;
    this.#clientBusy = new Uint8Array(c);
    this.#idle = new Int32Array((c + 31) >> 5);
    for (let k = 0; k < c; k++) this.#idle[k >> 5]! |= 1 << (k & 31);
    this.#clientProcess = Int32Array.from({ length: c }, (_, i) => i);
    this.#clientTarget = Int32Array.from({ length: c }, (_, i) => i % n);
  }

  #link(link: string): [number, number] {
    const ends = link.split('-');
    const a = this.#index.get(ends[0] ?? '');
    const b = this.#index.get(ends[1] ?? '');
    if (ends.length !== 2 || a === undefined || b === undefined) {
      throw new RangeError(
        `simulate: link ${JSON.stringify(link)} must be "a-b" with two of ${this.#names.join(', ')}`,
      );
    }
    return [a, b];
  }

  run(): SimulationResult {
    const o = this.#o;
    const started = performance.now();
    if (this.#trace !== undefined) {
      const net = o.network ?? {};
      const links: Record<string, string> = {};
      for (const [k, v] of Object.entries(net.links ?? {})) links[k] = formatLatency(v);
      this.#trace.header({
        kind: 'header',
        format: 'synod-trace',
        version: 1,
        protocol: this.#b.protocol,
        nodes: this.#names,
        quorum: o.quorum ?? { kind: 'majority' },
        params: (o.headerParams ?? o.params) as Record<string, unknown>,
        seed: o.seed,
        clock: 'virtual',
        producer: { name: 'synod simulate' },
        x: {
          simulator: {
            duration: o.duration,
            network: {
              latency: formatLatency(net.latency ?? DEFAULT_LATENCY),
              links,
              loss: net.loss ?? 0,
              duplicate: net.duplicate ?? 0,
              reorder: net.reorder ?? 0,
            },
            workload: this.#w ?? null,
            faults: o.scenario?.faults.length ?? 0,
            ...o.traceInfo,
          },
        },
      });
    }
    const q = this.#q;
    // Faults, then the workload's first tick, then the nodes' starts: all at their times, in this order.
    o.scenario?.faults.forEach((f, i) => {
      const s = q.alloc(f.at, FAULT);
      q.aux[s] = i;
      q.push(s);
      if (f.end !== undefined) {
        const e = q.alloc(f.end, FAULT_END);
        q.aux[e] = i;
        q.push(e);
      }
    });
    if (this.#w !== undefined) q.pushSolo(q.alloc(0, TICK));
    for (let i = 0; i < this.#n && this.#error === undefined && this.#violation === undefined; i++)
      this.#start(i);

    const duration = o.duration;
    const maxEvents = o.maxEvents ?? Infinity;
    const hooks = o.hooks ?? {};
    const interval = o.progressIntervalMs ?? 250;
    let lastProgress = started;
    while (this.#error === undefined && this.#violation === undefined && this.#events < maxEvents) {
      // Popping the next event before knowing it is due: the queue is not used after the loop.
      const slot = q.pop();
      if (slot < 0 || q.time[slot]! > duration) break;
      this.#now = q.time[slot]!;
      this.#events++;
      if (this.#dispatch(slot)) q.release(slot);
      if (hooks.progress !== undefined && (this.#events & 8191) === 0) {
        const now = performance.now();
        if (now - lastProgress >= interval) {
          lastProgress = now;
          hooks.progress(this.#progress((now - started) / 1000));
        }
      }
    }
    if (this.#error === undefined && this.#violation === undefined && this.#events < maxEvents)
      this.#now = duration;
    // Operations still open at the end: their outcome is unknown.
    for (const op of this.#ops)
      if (op.outcome === 'pending') this.#complete(op, 'info', undefined, 'run ended');
    const wallSeconds = (performance.now() - started) / 1000;
    hooks.progress?.(this.#progress(wallSeconds));
    return this.#result(wallSeconds);
  }

  #progress(wallSeconds: number): SimulationProgress {
    return {
      virtualMs: this.#now,
      durationMs: this.#o.duration,
      decisions: this.#decided.size,
      sent: this.#sent,
      delivered: this.#delivered,
      dropped: this.#dropped,
      faultsApplied: this.#faultsApplied,
      clientOk: this.#okCount,
      events: this.#events,
      wallSeconds,
    };
  }

  #byClass(): SimulationStats['byClass'] {
    if (this.#classNames.length === 0) return undefined;
    const out: NonNullable<SimulationStats['byClass']> = {};
    const samples = new Map<string, number[]>();
    for (const name of this.#classNames) {
      samples.set(name, []);
      out[name] = { invoked: 0, ok: 0, latency: summary([]) };
    }
    for (const op of this.#ops) {
      const c = out[op.class!]!;
      c.invoked++;
      if (op.outcome === 'ok') {
        c.ok++;
        samples.get(op.class!)!.push(op.completedAt! - op.invokedAt);
      }
    }
    for (const name of this.#classNames) out[name]!.latency = summary(samples.get(name)!);
    return out;
  }

  #result(wallSeconds: number): SimulationResult {
    const sorted = sortedLatencies(this.#latencySamples);
    const sum = sorted.reduce((a, b) => a + b, 0);
    const byClass = this.#byClass();
    const decided = new Map<number, unknown>();
    for (const [slot, d] of [...this.#decided].sort((a, b) => a[0] - b[0])) decided.set(slot, d.value);
    const logs: Record<NodeId, Map<number, unknown>> = {};
    const finalStates: Record<NodeId, unknown> = {};
    this.#names.forEach((name, i) => {
      logs[name] = this.#logs[i]!;
      finalStates[name] = this.#up[i] === 1 ? this.#state[i] : undefined;
    });
    const decisions = this.#decided.size;
    return {
      status: this.#error !== undefined ? 'error' : this.#violation !== undefined ? 'safety-violation' : 'ok',
      protocol: this.#b.protocol,
      seed: this.#o.seed,
      nodes: this.#names,
      violation: this.#violation,
      error: this.#error,
      stats: {
        decisions,
        decideEvents: this.#decideEvents,
        messages: {
          sent: this.#sent,
          delivered: this.#delivered,
          dropped: this.#dropped,
          duplicated: this.#duplicated,
          ...(this.#adversarialSent > 0 ? { adversarial: this.#adversarialSent } : {}),
        },
        faultsApplied: this.#faultsApplied,
        clientOps: {
          invoked: this.#ops.length,
          ok: this.#okCount,
          fail: this.#failCount,
          info: this.#infoCount,
          skipped: this.#skipped,
        },
        latency: {
          samples: sorted.length,
          p50: percentile(sorted, 0.5),
          p95: percentile(sorted, 0.95),
          p99: percentile(sorted, 0.99),
          mean: sorted.length === 0 ? 0 : sum / sorted.length,
        },
        ...(byClass === undefined ? {} : { byClass }),
        messagesPerDecision: decisions === 0 ? 0 : this.#sent / decisions,
        events: this.#events,
        wallSeconds,
        virtualSeconds: this.#now / 1000,
        eventsPerWallSecond: wallSeconds > 0 ? this.#events / wallSeconds : 0,
      },
      decided,
      logs,
      finalStates,
      latencySamples: this.#latencySamples,
      ops: this.#ops,
    };
  }

  /** Handle one popped event; false when the slot was kept (held for a paused node). */
  #dispatch(slot: number): boolean {
    const q = this.#q;
    const i = q.node[slot]!;
    try {
      switch (q.kind[slot]!) {
        case DELIVER: {
          const from = q.from[slot]!;
          if (this.#up[i] === 0 || this.#group[from] !== this.#group[i]) {
            this.#dropped++;
            return true;
          }
          if (this.#paused[i] === 1) {
            this.#held[i]!.push(slot);
            return false;
          }
          this.#delivered++;
          const msg = q.obj[slot] as M;
          const adversarial = this.#adversarialIds.size > 0 && this.#adversarialIds.has(q.aux[slot]!);
          if (this.#writer !== undefined && !adversarial)
            this.#writer.recv(
              this.#now,
              this.#names[i]!,
              this.#names[from]!,
              q.aux[slot]!,
              msg,
              q.text[slot],
            );
          else
            this.#trace?.event({
              kind: 'recv',
              t: this.#now,
              node: this.#names[i]!,
              from: this.#names[from]!,
              id: q.aux[slot]!,
              msg: msg as never,
              ...(adversarial ? { adversarial: true } : {}),
            });
          this.#during = 'onMessage';
          this.#duringNode = i;
          this.#apply(i, this.#b.onMessage(this.#state[i]!, this.#names[from]!, msg, this.#now));
          return true;
        }
        case TIMER: {
          const name = q.obj[slot] as string;
          if (this.#up[i] === 0 || this.#timers[i]!.get(name) !== q.aux[slot]) return true;
          if (this.#paused[i] === 1) {
            this.#held[i]!.push(slot);
            return false;
          }
          this.#timers[i]!.delete(name);
          if (this.#writer !== undefined) this.#writer.timer(this.#now, this.#names[i]!, name, 'fire');
          else if (this.#trace !== undefined)
            this.#trace.event({ kind: 'timer', t: this.#now, node: this.#names[i]!, name, action: 'fire' });
          this.#during = 'onTimer';
          this.#duringNode = i;
          this.#apply(i, this.#b.onTimer(this.#state[i]!, name, this.#now));
          return true;
        }
        case ARRIVE: {
          if (this.#up[i] === 0 || this.#pending[q.aux[slot]!] === 0) return true;
          const op = this.#ops[q.aux[slot]! - 1]!;
          if (this.#paused[i] === 1) {
            this.#held[i]!.push(slot);
            return false;
          }
          this.#during = 'onRequest';
          this.#duringNode = i;
          const request: KvRequest =
            op.class !== undefined
              ? op.f === 'read'
                ? { f: 'read', key: op.key, class: op.class }
                : { f: 'write', key: op.key, value: op.value as number, class: op.class }
              : op.f === 'read'
                ? { f: 'read', key: op.key }
                : { f: 'write', key: op.key, value: op.value as number };
          const issued: ClientRequest<Req> = { op: op.op, client: op.process, request: request as Req };
          const req = this.#signRequest === undefined ? issued : this.#signRequest(issued);
          this.#apply(i, this.#b.onRequest(this.#state[i]!, req, this.#now));
          return true;
        }
        case REPLY: {
          if (this.#pending[q.aux[slot]!] === 0) return true;
          const op = this.#ops[q.aux[slot]! - 1]!;
          let reply = q.obj[slot] as { ok: boolean | 'unknown'; result?: unknown };
          if (this.#collector !== undefined) {
            // The client rule of Byzantine protocols: a result counts once enough distinct nodes sent it.
            const accepted = this.#collector.add(this.#names[i]!, op.op, reply);
            if (accepted === undefined) return true;
            reply = accepted;
          }
          if (reply.ok === true) {
            this.#complete(op, 'ok', reply.result, undefined);
          } else {
            const c = this.#clientOf(op);
            this.#complete(
              op,
              reply.ok === false ? 'fail' : 'info',
              undefined,
              reply.result ?? (reply.ok === false ? 'rejected' : 'unknown'),
            );
            // Follow a leader hint (`{ leader: 'n3' }`), else try the next node.
            const hint = (reply.result as { leader?: unknown } | undefined)?.leader;
            const h = typeof hint === 'string' ? this.#index.get(hint) : undefined;
            if (c >= 0) this.#clientTarget[c] = h ?? (this.#clientTarget[c]! + 1) % this.#n;
          }
          return true;
        }
        case TIMEOUT: {
          if (this.#pending[q.aux[slot]!] === 1) {
            const op = this.#ops[q.aux[slot]! - 1]!;
            const c = this.#clientOf(op);
            this.#complete(op, 'info', undefined, 'timeout');
            if (c >= 0) this.#clientTarget[c] = (this.#clientTarget[c]! + 1) % this.#n;
          }
          return true;
        }
        case RETRY: {
          if (this.#pending[q.aux[slot]!] === 0) return true;
          const op = this.#ops[q.aux[slot]! - 1]!;
          // Unanswered: the request goes to every node, and the retry timer runs again.
          for (let k = 0; k < this.#n; k++) {
            const a = q.alloc(this.#at(sampleLatency(this.#clientLatency, this.#prng)), ARRIVE);
            q.node[a] = k;
            q.aux[a] = op.op;
            q.push(a);
          }
          const r = q.alloc(this.#at(this.#w!.retry!), RETRY);
          q.aux[r] = op.op;
          q.push(r);
          return true;
        }
        case TICK:
          this.#tick();
          return true;
        case FAULT:
          this.#fault(q.aux[slot]!, true);
          return true;
        case FAULT_END:
          this.#fault(q.aux[slot]!, false);
          return true;
        default:
          throw new Error(`simulator: unknown event kind ${q.kind[slot]}`);
      }
    } catch (e) {
      if (e instanceof SimulatorBug) throw e;
      this.#error = {
        node: this.#names[this.#duringNode]!,
        during: this.#during,
        error: e,
        message: e instanceof Error ? e.message : String(e),
        t: this.#now,
      };
      return true;
    }
  }

  /** Virtual time `d` ms from now, rounded to microseconds (no drift from float sums in traces). */
  #at(d: number): number {
    return Math.round((this.#now + d) * 1000) / 1000;
  }

  #clientOf(op: ClientOp): number {
    const c = op.process % this.#clientBusy.length;
    return this.#clientProcess[c] === op.process ? c : -1;
  }

  /** Start or restart node i from its durable store. */
  #start(i: number): void {
    this.#up[i] = 1;
    this.#during = 'init';
    this.#duringNode = i;
    const durable = this.#durable[i];
    let step: Step<S, M, Rep>;
    try {
      step = this.#b.init(this.#configs[i]!, durable === undefined ? undefined : merged(durable), this.#now);
    } catch (e) {
      this.#error = {
        node: this.#names[i]!,
        during: 'init',
        error: e,
        message: e instanceof Error ? e.message : String(e),
        t: this.#now,
      };
      return;
    }
    this.#apply(i, step);
  }

  /** Apply a step: persist first, then the other effects in order. */
  #apply(i: number, step: Step<S, M, Rep>): void {
    this.#state[i] = step.state;
    const effects = step.effects;
    const len = effects.length;
    if (len === 0) return;
    const node = this.#names[i]!;
    const tr = this.#trace;
    for (let k = 0; k < len; k++) {
      const e = effects[k]!;
      if (e.kind === 'persist') {
        if (this.#keepDurable) addDurable((this.#durable[i] ??= new Map<string | symbol, unknown>()), e.vars);
        if (this.#writer !== undefined) this.#writer.persist(this.#now, node, e.vars);
        else if (tr !== undefined) tr.event({ kind: 'persist', t: this.#now, node, vars: e.vars });
      }
    }
    for (let k = 0; k < len; k++) {
      const e = effects[k]!;
      switch (e.kind) {
        case 'persist':
          break;
        case 'send': {
          const to = this.#index.get(e.to);
          if (to === undefined) throw new Error(`send to unknown node ${JSON.stringify(e.to)}`);
          if ((e as { adversarial?: unknown }).adversarial === true)
            this.#send(i, to, e.msg, undefined, true);
          else this.#send(i, to, e.msg, this.#writer?.messageText(e.msg));
          break;
        }
        case 'broadcast': {
          if ((e as { adversarial?: unknown }).adversarial === true) {
            for (let to = 0; to < this.#n; to++)
              if (to !== i || e.self === true) this.#send(i, to, e.msg, undefined, true);
            break;
          }
          // The message's text is made once for all its sends and receives.
          const text = this.#writer?.messageText(e.msg);
          for (let to = 0; to < this.#n; to++)
            if (to !== i || e.self === true) this.#send(i, to, e.msg, text);
          break;
        }
        case 'setTimer': {
          const gen = ++this.#nextTimerGen;
          this.#timers[i]!.set(e.name, gen);
          const after =
            e.jitter !== undefined && e.jitter > 0
              ? e.after + Math.round(this.#prng.next() * e.jitter * 1000) / 1000
              : e.after;
          if (!(after >= 0))
            throw new Error(`setTimer ${JSON.stringify(e.name)}: delay must be ≥ 0, got ${after}`);
          const s = this.#q.alloc(this.#at(after), TIMER);
          this.#q.node[s] = i;
          this.#q.aux[s] = gen;
          this.#q.obj[s] = e.name;
          this.#q.push(s);
          if (this.#writer !== undefined) this.#writer.timer(this.#now, node, e.name, 'set', after);
          else if (tr !== undefined)
            tr.event({ kind: 'timer', t: this.#now, node, name: e.name, action: 'set', after });
          break;
        }
        case 'cancelTimer':
          if (this.#timers[i]!.delete(e.name) && tr !== undefined) {
            tr.event({ kind: 'timer', t: this.#now, node, name: e.name, action: 'cancel' });
          }
          break;
        case 'decide':
          this.#decide(i, e);
          if (this.#violation !== undefined) return;
          break;
        case 'reconfig':
          tr?.event({ kind: 'reconfig', t: this.#now, node, slot: e.slot, quorum: e.quorum });
          break;
        case 'reply': {
          // (An op that is not a number, against the types, is looked up as it always was.)
          const id: unknown = e.op;
          if (typeof id === 'number' ? this.#pending[id] !== 1 : this.#ops[e.op - 1]?.outcome !== 'pending')
            break;
          // A reply that names its client (PBFT) answers that client's op only: op numbers are per
          // client, so another client's request may carry the same op number.
          const client = (e as { client?: unknown }).client;
          if (client !== undefined && client !== this.#ops[e.op - 1]!.process) break;
          const s = this.#q.alloc(this.#at(sampleLatency(this.#clientLatency, this.#prng)), REPLY);
          this.#q.node[s] = i;
          this.#q.aux[s] = e.op;
          this.#q.obj[s] = e;
          this.#q.push(s);
          break;
        }
        default:
          unreachable(e);
      }
    }
  }

  /**
   * Sends `msg` from node i to node `to`. A send a Byzantine node marked `adversarial` is written
   * with `adversarial: true`, and so is every `recv` of it (through `event()`, not the writer's
   * fast path, which has no such field).
   */
  #send(i: number, to: number, msg: M, text: MessageText | undefined, adversarial = false): void {
    const id = ++this.#nextMsgId;
    this.#sent++;
    const tr = this.#trace;
    if (adversarial) {
      this.#adversarialSent++;
      this.#adversarialIds.add(id);
      tr?.event({
        kind: 'send',
        t: this.#now,
        node: this.#names[i]!,
        to: this.#names[to]!,
        id,
        msg: msg as never,
        adversarial: true,
      });
    } else if (this.#writer !== undefined)
      this.#writer.send(this.#now, this.#names[i]!, this.#names[to]!, id, msg, text);
    else if (tr !== undefined)
      tr.event({
        kind: 'send',
        t: this.#now,
        node: this.#names[i]!,
        to: this.#names[to]!,
        id,
        msg: msg as never,
      });
    const q = this.#q;
    if (to === i) {
      // A node's message to itself is local: no loss, no delay beyond the queue.
      const s = q.alloc(this.#now, DELIVER);
      q.node[s] = to;
      q.from[s] = i;
      q.aux[s] = id;
      q.obj[s] = msg;
      q.text[s] = text;
      q.push(s);
      return;
    }
    const prng = this.#prng;
    if (this.#loss > 0 && prng.next() < this.#loss) {
      this.#dropped++;
      return;
    }
    const copies = this.#dup > 0 && prng.next() < this.#dup ? 2 : 1;
    if (copies === 2) this.#duplicated++;
    const lat = this.#linkLatency[i * this.#n + to]!;
    for (let c = 0; c < copies; c++) {
      let delay = sampleLatency(lat, prng);
      if (this.#reorder > 0 && prng.next() < this.#reorder)
        delay += Math.round(prng.next() * 2 * delay * 1000) / 1000;
      const s = q.alloc(this.#at(delay), DELIVER);
      q.node[s] = to;
      q.from[s] = i;
      q.aux[s] = id;
      q.obj[s] = msg;
      q.text[s] = text;
      q.push(s);
    }
  }

  #decide(i: number, e: Extract<Effect<M, Rep>, { kind: 'decide' }>): void {
    const node = this.#names[i]!;
    this.#decideEvents++;
    if (this.#writer !== undefined) this.#writer.decide(this.#now, node, e.slot, e.value, e.ballot);
    else if (this.#trace !== undefined) {
      this.#trace.event({
        kind: 'decide',
        t: this.#now,
        node,
        slot: e.slot,
        value: e.value,
        ballot: e.ballot as never,
      });
    }
    this.#logs[i]!.set(e.slot, e.value);
    const prior = this.#decided.get(e.slot);
    if (this.#violation !== undefined) return;
    if (prior === undefined) {
      // The canonical text is computed only when two decisions of a slot are different objects.
      this.#decided.set(e.slot, { json: undefined, node, value: e.value, t: this.#now });
    } else if (
      prior.value !== e.value &&
      (prior.json ??= canonicalJson(prior.value)) !== canonicalJson(e.value)
    ) {
      this.#violation = {
        slot: e.slot,
        first: { node: prior.node, value: prior.value, t: prior.t },
        second: { node, value: e.value, t: this.#now },
        t: this.#now,
      };
    }
  }

  /** The lowest idle client in [lo, hi), or -1: a word of the idle bitset at a time. */
  #idleFrom(lo: number, hi: number): number {
    const idle = this.#idle;
    for (let w = lo >> 5; w << 5 < hi; w++) {
      let x = idle[w]!;
      if (w === lo >> 5) x &= ~0 << (lo & 31);
      if (x === 0) continue;
      const c = (w << 5) + 31 - Math.clz32(x & -x);
      return c < hi ? c : -1;
    }
    return -1;
  }

  /**
   * The name of key `k` (`k7`), one string per key for the first {@link KEY_NAMES} keys: an op
   * makes no new string, and a node comparing two equal keys finds the same string (measured: a
   * few per cent of a Multi-Paxos run, whose store compares keys on every command).
   */
  #keyName(k: number): string {
    if (k >= KEY_NAMES) return `k${k}`;
    return (this.#keyNames[k] ??= `k${k}`);
  }

  #tick(): void {
    const w = this.#w!;
    const q = this.#q;
    const clients = this.#clientBusy.length;
    // The first idle client at or after the cursor, cyclically.
    let c = -1;
    if (this.#busyClients < clients) {
      c = this.#idleFrom(this.#clientCursor, clients);
      if (c < 0) c = this.#idleFrom(0, this.#clientCursor);
    }
    if (c < 0) this.#skipped++;
    else {
      this.#clientCursor = (c + 1) % clients;
      this.#clientBusy[c] = 1;
      this.#idle[c >> 5]! &= ~(1 << (c & 31));
      this.#busyClients++;
      const prng = this.#prng;
      const f = prng.next() < w.readRatio ? 'read' : 'write';
      const key = this.#keyName(prng.int(w.keys));
      let cls: string | undefined;
      if (this.#classNames.length > 0) {
        const u = prng.next();
        let k = 0;
        while (k < this.#classNames.length - 1 && u >= this.#classCumulative[k]!) k++;
        cls = this.#classNames[k]!;
      }
      const opId = this.#ops.length + 1;
      const target = this.#clientTarget[c]!;
      const op: ClientOp = {
        op: opId,
        process: this.#clientProcess[c]!,
        f,
        key,
        value: f === 'write' ? opId : undefined,
        node: this.#names[target]!,
        invokedAt: this.#now,
        outcome: 'pending',
        completedAt: undefined,
      };
      if (cls !== undefined) op.class = cls;
      this.#ops.push(op);
      if (opId === this.#pending.length) {
        const pending = new Uint8Array(2 * opId);
        pending.set(this.#pending);
        this.#pending = pending;
      }
      this.#pending[opId] = 1;
      if (this.#writer !== undefined) {
        this.#writer.client('invoke', this.#now, op.node, op.process, opId, f, key, op.value, cls);
      } else if (this.#trace !== undefined) {
        this.#trace.event({
          kind: 'invoke',
          t: this.#now,
          node: op.node,
          process: op.process,
          op: opId,
          f,
          key,
          value: op.value,
          ...(cls === undefined ? {} : { class: cls }),
        });
      }
      const a = q.alloc(this.#at(sampleLatency(this.#clientLatency, prng)), ARRIVE);
      q.node[a] = target;
      q.aux[a] = opId;
      q.push(a);
      // A timeout stays queued for seconds: its slot comes from the far pool (see EventQueue).
      const t = q.allocFar(this.#at(w.timeout), TIMEOUT);
      q.aux[t] = opId;
      q.push(t);
      if (w.retry !== undefined) {
        const r = q.alloc(this.#at(w.retry), RETRY);
        q.aux[r] = opId;
        q.push(r);
      }
    }
    const next = this.#at(1000 / w.rate);
    if (next <= this.#o.duration && (w.until === undefined || next <= w.until))
      q.pushSolo(q.alloc(next, TICK));
  }

  #complete(op: ClientOp, outcome: 'ok' | 'fail' | 'info', result: unknown, error: unknown): void {
    op.outcome = outcome;
    this.#pending[op.op] = 0;
    op.completedAt = this.#now;
    if (outcome === 'ok') {
      if (op.f === 'read') op.value = result ?? null;
      this.#okCount++;
      this.#latencySamples.push(this.#now - op.invokedAt);
    } else if (outcome === 'fail') this.#failCount++;
    else this.#infoCount++;
    const c = this.#clientOf(op);
    if (c >= 0) {
      if (this.#clientBusy[c] === 1) this.#busyClients--;
      this.#clientBusy[c] = 0;
      this.#idle[c >> 5]! |= 1 << (c & 31);
      // After an indefinite outcome the process may still be waiting: Jepsen gives the client a new process id.
      if (outcome === 'info') this.#clientProcess[c] = op.process + this.#clientBusy.length;
    }
    const w = this.#writer;
    if (w !== undefined) {
      if (outcome === 'ok')
        w.client('ok', this.#now, op.node, op.process, op.op, op.f, op.key, op.value, op.class);
      else {
        const value = op.f === 'write' ? op.value : undefined;
        w.client(outcome, this.#now, op.node, op.process, op.op, op.f, op.key, value, op.class, error);
      }
      return;
    }
    const tr = this.#trace;
    if (tr === undefined) return;
    const base = { t: this.#now, node: op.node, process: op.process, op: op.op, f: op.f, key: op.key };
    const cls = op.class === undefined ? {} : { class: op.class };
    if (outcome === 'ok') tr.event({ kind: 'ok', ...base, value: op.value, ...cls });
    else tr.event({ kind: outcome, ...base, value: op.f === 'write' ? op.value : undefined, error, ...cls });
  }

  #fault(index: number, start: boolean): void {
    const f: Fault = this.#o.scenario!.faults[index]!;
    const tr = this.#trace;
    const t = this.#now;
    const id = index + 1;
    if (start) this.#faultsApplied++;
    switch (f.kind) {
      case 'crash': {
        const i = this.#index.get(f.node)!;
        if (start) {
          if (this.#up[i] === 0) return;
          this.#up[i] = 0;
          this.#paused[i] = 0;
          this.#state[i] = undefined;
          this.#timers[i] = new Map();
          for (const s of this.#held[i]!) this.#q.release(s);
          this.#held[i] = [];
          tr?.event({ kind: 'crash', t, node: f.node });
        } else {
          if (this.#up[i] === 1) return;
          tr?.event({ kind: 'restart', t, node: f.node });
          this.#start(i);
        }
        return;
      }
      case 'pause': {
        const i = this.#index.get(f.node)!;
        if (start) {
          if (this.#up[i] === 0 || this.#paused[i] === 1) return;
          this.#paused[i] = 1;
          tr?.event({ kind: 'fault', t, node: f.node, fault: 'pause', id, nodes: [f.node] });
        } else {
          if (this.#paused[i] === 0) return;
          this.#paused[i] = 0;
          tr?.event({ kind: 'heal', t, node: f.node, fault: 'pause', id });
          // What queued up while paused is handled now, in arrival order.
          for (const s of this.#held[i]!) {
            this.#q.rekey(s, t);
            this.#q.push(s);
          }
          this.#held[i] = [];
        }
        return;
      }
      case 'partition': {
        if (start) {
          // Nodes named in no group form one more group together.
          this.#group.fill(f.groups.length);
          f.groups.forEach((g, gi) => {
            for (const name of g) this.#group[this.#index.get(name)!] = gi;
          });
          this.#partitionId = id;
          tr?.event({ kind: 'fault', t, fault: 'partition', id, groups: f.groups.map((g) => [...g]) });
        } else if (this.#partitionId === id) {
          this.#group.fill(0);
          this.#partitionId = -1;
          tr?.event({ kind: 'heal', t, fault: 'partition', id });
        }
        return;
      }
      case 'loss':
      case 'duplicate': {
        if (start) {
          this.#bursts.push({ kind: f.kind, rate: f.rate, id });
          tr?.event({ kind: 'fault', t, fault: f.kind, id, rate: f.rate });
        } else {
          const k = this.#bursts.findIndex((b) => b.id === id);
          if (k < 0) return;
          this.#bursts.splice(k, 1);
          tr?.event({ kind: 'heal', t, fault: f.kind, id });
        }
        const net = this.#o.network ?? {};
        this.#loss = Math.max(
          net.loss ?? 0,
          ...this.#bursts.filter((b) => b.kind === 'loss').map((b) => b.rate),
        );
        this.#dup = Math.max(
          net.duplicate ?? 0,
          ...this.#bursts.filter((b) => b.kind === 'duplicate').map((b) => b.rate),
        );
        return;
      }
      case 'latency': {
        const n = this.#n;
        const a = this.#index.get(f.link[0])!;
        const b = this.#index.get(f.link[1])!;
        if (start) {
          this.#savedLatency.set(id, [this.#linkLatency[a * n + b]!, this.#linkLatency[b * n + a]!]);
          this.#linkLatency[a * n + b] = f.latency;
          this.#linkLatency[b * n + a] = f.latency;
          tr?.event({
            kind: 'fault',
            t,
            fault: 'delay',
            id,
            links: [
              [f.link[0], f.link[1]],
              [f.link[1], f.link[0]],
            ],
            x: { latency: formatLatency(f.latency) },
          });
        } else {
          const saved = this.#savedLatency.get(id);
          if (saved === undefined) return;
          this.#linkLatency[a * n + b] = saved[0]!;
          this.#linkLatency[b * n + a] = saved[1]!;
          this.#savedLatency.delete(id);
          tr?.event({ kind: 'heal', t, fault: 'delay', id });
        }
        return;
      }
      default:
        unreachable(f);
    }
  }
}

/**
 * Adds a persist's variables to a node's durable store as `Object.assign` would to an object:
 * own enumerable string keys, then symbol keys; nothing for null or undefined (a node that breaks
 * the contract so is the node's problem, not a crash of the simulator).
 */
function addDurable(store: Map<string | symbol, unknown>, vars: unknown): void {
  if (vars === null || vars === undefined) return;
  const o = Object(vars) as Record<string | symbol, unknown>;
  for (const key of Object.keys(o)) store.set(key, o[key]);
  for (const sym of Object.getOwnPropertySymbols(o)) {
    if (Object.prototype.propertyIsEnumerable.call(o, sym)) store.set(sym, o[sym]);
  }
}

/**
 * The durable variables a restarted node gets, fresh on each restart: what assigning every write
 * in order to one object and then copying its own keys gave (same keys, order and values; the
 * copy leaves out a `__proto__` write, as it did).
 */
function merged(store: Map<string | symbol, unknown>): Record<string | symbol, unknown> {
  const out: Record<string | symbol, unknown> = {};
  for (const [key, value] of store) out[key] = value;
  return { ...out };
}

/** A broken invariant of the simulator itself (never a user's handler): rethrown, not reported as exit 75. */
class SimulatorBug extends Error {}

function unreachable(x: never): never {
  throw new SimulatorBug(`simulator: unexpected ${JSON.stringify(x)}`);
}
