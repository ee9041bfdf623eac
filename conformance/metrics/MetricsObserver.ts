// The metrics observer: one pass over a trace's events keeps the little cluster state the metrics
// need (each node's contiguous decided prefix, who is crashed, the open slots, the pending client
// ops, the active faults) and turns it into the metrics of `catalog.ts` at the end.
import type {
  DecideEvent,
  FaultEvent,
  HealEvent,
  InvokeEvent,
  QuorumSystem,
  ReconfigEvent,
  SendEvent,
  TraceEvent,
} from '../../traces/index.js';
import { canonicalJson, commandsIn, opOf } from '../commands.js';
import {
  byzantineOf,
  digestOf,
  faultsOf,
  isCount,
  primaryOf,
  slotOfSeq,
  verifierFor,
} from '../pbftMessages.js';
import { QuorumAnswers, QuorumError, quorumsOf } from '../quorum.js';
import type { Quorums } from '../quorum.js';
import type { Distribution, MetricResult, TraceContext, TraceEnd, TraceObserver } from '../types.js';
import { METRICS, classedName } from './catalog.js';
import type { MetricName } from './catalog.js';
import { Fidelity } from './Fidelity.js';
import { SlotSchedule } from '../slotSchedule.js';
import { Samples } from './Samples.js';
import { Series } from './Series.js';

/** Options of {@link MetricsObserver} (see `createMetrics`). */
export interface MetricsObserverOptions {
  stabilizationMs: number;
  seriesPoints: number;
  /** Samples kept per metric for the quantiles (the rest is a uniform reservoir). */
  sampleCapacity: number;
  /** Open slots kept at most; beyond it the lowest is given up (counted as `abandonedSlots`). */
  maxOpenSlots: number;
}

/** A client op invoked and not yet decided, answered ok, or failed. */
interface PendingOp {
  op: number;
  t: number;
  line: number;
  process: number | string;
  f: string;
  key: string | undefined;
  value: unknown;
  /** The node the client talked to, when known. */
  node: string | undefined;
  /** That node was down at the invoke, or crashed while the op was pending: the request may have died with it. */
  lost: boolean;
  /** canonicalJson(value), computed when a decided value without op ids is matched by value. */
  canon: string | undefined;
  /** The op's criticality class (`class` of the invoke), if the trace names one. */
  cls: string | undefined;
}

/** A slot some node proposed (phase-2 accept) or decided, until every live node decided it. */
interface SlotRec {
  slot: number;
  /** Time of the first non-adversarial phase-2 accept sent for it (NaN when none). */
  acceptT: number;
  decided: boolean;
  /** Indexes of the nodes that decided it. */
  deciders: number[];
  /** Live members that have not decided it yet. */
  missing: number;
  quorumReached: boolean;
  /** Invoke times of the client ops its decided value carries. */
  opTimes: number[] | undefined;
  /** The criticality classes of those ops (same order), when any op has one. */
  opClasses: (string | undefined)[] | undefined;
  /** The class the slot's accept named (its phase-2 quorum), under a `classes` quorum system. */
  cls: string | undefined;
  /** Values of non-adversarial proposals for it (for fidelity), one per sending node in a row. */
  proposals: unknown[] | undefined;
}

/** A harness fault that has not been healed yet. */
interface ActiveFault {
  id: number | string | undefined;
  fault: string;
  line: number;
}

interface Config {
  fromSlot: number;
  quorums: Quorums | undefined;
  problem: string | undefined;
}

const MAX_ITEMS = 20;
/** Criticality classes tracked at most (the rest are not split out). */
const MAX_CLASSES = 16;

/** Computes every metric of `catalog.ts` over one trace, streaming. */
export class MetricsObserver implements TraceObserver<MetricResult[]> {
  // Time.
  private readonly timed: boolean;
  private sawTime = false;
  private now = 0;
  private firstT = 0;
  private maxT = 0;

  // Nodes, by index.
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly crashed: boolean[] = [];
  private readonly member: boolean[] = [];
  private readonly prefix: number[] = [];
  private readonly ahead: Array<Set<number> | undefined> = [];
  private liveMembers = 0;
  private maxPrefixAll = 0;

  // Slots.
  private readonly configs: SlotSchedule<Config>;
  /** Phase-2 quorum answers by decider set (node indexes below 31 as a bitmask). */
  private readonly answers = new QuorumAnswers();
  private readonly slots = new Map<number, SlotRec>();
  private doneBelow = 0;
  private readonly doneAbove = new Set<number>();
  private lastAcceptSlot = -1;
  private lastAcceptNode = '';
  private readonly genericProposals: boolean;
  private abandonedSlots = 0;

  // Client ops.
  private readonly pending = new Map<number, PendingOp>();
  private invokes = 0;
  private linkedOps = 0;

  // decision.*
  private readonly quorumByOp: Samples;
  /** Decision latencies per criticality class of the ops (`decision.quorum[class]`, `decision.all[class]`). */
  private readonly byClass = new Map<string, { quorum: Samples; all: Samples }>();
  private readonly sampleCap: number;
  private readonly quorumByAccept: Samples;
  private readonly allByOp: Samples;
  private readonly allByAccept: Samples;

  // liveness.*
  private lastBoundary = NaN;
  private readonly wait: Samples;
  private failedAfter = 0;
  private readonly faults: ActiveFault[] = [];
  private faultEvents = 0;

  // convergence, recovery, failover.
  private readonly convergenceOpen: number[] = [];
  private readonly convergence: Samples;
  private partitionHeals = 0;
  private readonly recoveryFrom: number[] = [];
  private readonly recoveryTarget: number[] = [];
  private readonly recovery: Samples;
  private recoveryInterrupted = 0;
  private leader: string | undefined;
  private failoverFrom = NaN;
  private leaderCrashes = 0;
  private readonly failover: Samples;

  // coherence.lag
  private lag = 0;
  private lagSince = 0;
  private lagArea = 0;
  private readonly lagSamples: Samples;
  private readonly lagSeries: Series;

  private readonly fidelity: Fidelity;

  // PBFT: faulty replicas (adversarial senders, params.byzantine) and view-change latency.
  private readonly pbft: boolean;
  /** PBFT: the f of the header (f+1 executions make a result a client accepts). */
  private readonly pbftF: number;
  private readonly protocol: string;
  private readonly replicas: readonly string[];
  private readonly faulty: boolean[] = [];
  private view = 0;
  private vcFrom = NaN;
  private vcFromView = 0;
  /** While a view change is measured: seq -> highest view it was pre-prepared in. */
  private readonly ppViews = new Map<number, number>();
  private viewChanges = 0;
  private readonly viewchange: Samples;

  constructor(
    ctx: TraceContext,
    private readonly options: MetricsObserverOptions,
  ) {
    const { header } = ctx;
    this.timed = header.clock !== 'none';
    this.genericProposals = header.protocol !== 'paxos' && header.protocol !== 'multipaxos';
    this.pbft = header.protocol === 'pbft';
    this.pbftF = this.pbft ? faultsOf(header) : 0;
    this.protocol = header.protocol;
    this.replicas = header.nodes;
    if (this.pbft) {
      const verifier = verifierFor(header);
      this.fidelity = new Fidelity({
        invalid: (msg) =>
          (verifier !== undefined && verifier.check(msg) === 'invalid') ||
          (msg['type'] === 'pre-prepare' && msg['digest'] !== digestOf(msg['value'])),
        faulty: (i) => this.faulty[i] === true,
      });
    } else {
      this.fidelity = new Fidelity();
    }
    for (const n of header.nodes) this.nodeIndex(n);
    if (this.pbft) for (const b of byzantineOf(header)) this.faulty[this.nodeIndex(b)] = true;
    for (let i = 0; i < this.names.length; i++) this.member[i] = true;
    this.liveMembers = this.names.length;
    this.configs = new SlotSchedule(configOf(0, header.quorum, header.nodes));
    const cap = options.sampleCapacity;
    this.sampleCap = cap;
    this.quorumByOp = new Samples(cap);
    this.quorumByAccept = new Samples(cap);
    this.allByOp = new Samples(cap);
    this.allByAccept = new Samples(cap);
    this.wait = new Samples(cap);
    this.convergence = new Samples(cap);
    this.recovery = new Samples(cap);
    this.failover = new Samples(cap);
    this.viewchange = new Samples(cap);
    this.lagSamples = new Samples(cap);
    this.lagSeries = new Series(options.seriesPoints);
  }

  /** One event, in trace order. */
  event(ev: TraceEvent, line: number): void {
    if (this.timed) {
      const et = ev.t;
      if (et !== undefined) {
        if (!this.sawTime) this.startClock(et);
        this.now = et;
        if (et > this.maxT) this.maxT = et;
      }
    }
    const t = this.now;
    if (this.fidelity.openCount > 0 && ev.node !== undefined) {
      this.fidelity.observe(ev, this.nodeIndex(ev.node), line, this.timed);
    }
    switch (ev.kind) {
      case 'send':
        if (ev.adversarial === true) {
          this.fidelity.other();
          if (this.pbft) this.faulty[this.nodeIndex(ev.node)] = true;
        } else if (ev.msg.type === 'accept') this.onAccept(ev, t);
        else if (this.pbft) this.onPbftSend(ev, t);
        else if (this.genericProposals) this.onGenericProposal(ev);
        return;
      case 'recv':
        if (ev.adversarial === true) {
          this.fidelity.recv(
            ev,
            this.nodeIndex(ev.node),
            line,
            this.timed && ev.t !== undefined ? ev.t : undefined,
          );
        }
        return;
      case 'state':
      case 'persist':
      case 'timer':
        if (ev.adversarial === true) this.fidelity.other();
        return;
      case 'decide':
        if (ev.adversarial === true) this.fidelity.other();
        else this.onDecide(ev, t, line);
        return;
      case 'crash':
        this.adversarialOther(ev);
        if (this.pbft && ev.node === primaryOf(this.replicas, this.view)) this.viewChangeStarts(t);
        this.onCrash(this.nodeIndex(ev.node), ev.node, t);
        return;
      case 'restart':
        this.adversarialOther(ev);
        this.onRestart(this.nodeIndex(ev.node), t);
        return;
      case 'fault':
        this.adversarialOther(ev);
        this.onFault(ev, t, line);
        return;
      case 'heal':
        this.adversarialOther(ev);
        this.onHeal(ev, t);
        return;
      case 'reconfig':
        this.adversarialOther(ev);
        this.onReconfig(ev, t);
        return;
      case 'invoke':
        this.adversarialOther(ev);
        this.onInvoke(ev, t, line);
        return;
      case 'ok': {
        this.adversarialOther(ev);
        const p = this.pending.get(ev.op);
        if (p !== undefined) {
          this.pending.delete(ev.op);
          this.resolved(p, t);
        }
        return;
      }
      case 'fail':
        this.adversarialOther(ev);
        if (this.pending.delete(ev.op) && t >= this.lastBoundary + this.options.stabilizationMs)
          this.failedAfter++;
        return;
      case 'info':
        // Unknown outcome: the op stays pending, it may still be decided.
        this.adversarialOther(ev);
        return;
      default:
        this.adversarialOther(ev);
        return;
    }
  }

  /** The metrics, in the order of `catalog.ts`. */
  finish(end: TraceEnd): MetricResult[] {
    const timed = this.timed && this.sawTime;
    const lastTime = timed ? Math.max(end.lastTime, this.maxT) : 0;
    const noTime = this.timed
      ? 'no event carries a time `t`: durations cannot be measured'
      : 'the trace has no times (clock: none): durations cannot be measured';
    const out: MetricResult[] = [];

    // decision.*
    // Clients whose ops never appear in a decided value (e.g. Paxos deciding a configured value):
    // measure from the first accept instead.
    const byOp = this.linkedOps > 0;
    const start = byOp ? 'invoke' : 'accept';
    const qProblem = this.configs.entries.find((c) => c.problem !== undefined)?.problem;
    const noStart =
      this.invokes > 0
        ? 'no decided value carries an invoked client op, and no phase-2 accept preceded a decision'
        : 'no client ops, and no phase-2 accept preceded a decision';
    out.push(
      timed
        ? this.dist(
            'decision.quorum',
            byOp ? this.quorumByOp : this.quorumByAccept,
            qProblem ?? (byOp ? 'no decided slot was decided by a phase-2 quorum of nodes' : noStart),
            {
              start,
              ...(byOp ? { linkedOps: this.linkedOps } : {}),
            },
          )
        : this.none('decision.quorum', noTime),
    );
    out.push(
      timed
        ? this.dist(
            'decision.all',
            byOp ? this.allByOp : this.allByAccept,
            byOp ? 'no slot holding a client op was decided by every live node' : noStart,
            {
              start,
              ...(byOp ? { linkedOps: this.linkedOps } : {}),
              ...(this.abandonedSlots > 0 ? { abandonedSlots: this.abandonedSlots } : {}),
            },
          )
        : this.none('decision.all', noTime),
    );
    if (timed) {
      // Per criticality class (adaptive quorums), in class-name order.
      for (const cls of [...this.byClass.keys()].sort()) {
        const per = this.byClass.get(cls) as { quorum: Samples; all: Samples };
        for (const [which, samples] of [
          ['decision.quorum', per.quorum],
          ['decision.all', per.all],
        ] as const) {
          const r = this.dist(which, samples, `no ${cls} op was decided this way`, { start, class: cls });
          r.name = classedName(which, cls);
          r.description = `${METRICS[which].description} (ops of class ${cls})`;
          out.push(r);
        }
      }
    }

    // liveness.*
    out.push(...this.liveness(timed, lastTime, noTime));

    // convergence, recovery, failover.
    if (!timed) {
      out.push(
        this.none('convergence', noTime),
        this.none('recovery', noTime),
        this.none('failover', noTime),
      );
    } else {
      out.push(
        this.dist(
          'convergence',
          this.convergence,
          this.partitionHeals === 0
            ? 'no partition healed in this trace'
            : 'no partition heal was followed by convergence',
          { heals: this.partitionHeals, neverConverged: this.convergenceOpen.length },
        ),
      );
      let never = 0;
      for (const f of this.recoveryFrom) if (f !== undefined && !Number.isNaN(f)) never++;
      out.push(
        this.dist(
          'recovery',
          this.recovery,
          this.recovery.count + never + this.recoveryInterrupted === 0
            ? 'no node restarted in this trace'
            : 'no restarted node caught up',
          { neverRecovered: never, interrupted: this.recoveryInterrupted },
        ),
      );
      out.push(
        this.dist(
          'failover',
          this.failover,
          this.leaderCrashes === 0
            ? 'the leader never crashed in this trace'
            : 'no slot was decided after a leader crash',
          { leaderCrashes: this.leaderCrashes, noDecisionAfter: Number.isNaN(this.failoverFrom) ? 0 : 1 },
        ),
      );
    }
    out.push(
      !this.pbft
        ? this.none('viewchange', `the ${this.protocol} protocol has no views (measured on PBFT traces)`)
        : !timed
          ? this.none('viewchange', noTime)
          : this.dist(
              'viewchange',
              this.viewchange,
              this.viewChanges === 0
                ? 'no primary crashed and no view change started in this trace'
                : 'no honest replica executed a request of a later view after the view change started',
              { viewChanges: this.viewChanges, neverCompleted: Number.isNaN(this.vcFrom) ? 0 : 1 },
            ),
    );

    // coherence.lag
    const lagSpec = METRICS['coherence.lag'];
    const lagStats = this.lagSamples.stats();
    const lag: MetricResult = { name: 'coherence.lag', description: lagSpec.description, unit: lagSpec.unit };
    if (lagStats === undefined) {
      lag.reason = 'no node decided anything';
    } else {
      lag.stats = lagStats;
      const span = lastTime - this.firstT;
      if (!timed) lag.reason = 'the trace has no times: no time-weighted mean (the stats are per decide)';
      else
        lag.value = span > 0 ? (this.lagArea + this.lag * Math.max(0, lastTime - this.lagSince)) / span : 0;
      lag.series = this.lagSeries.points();
    }
    out.push(lag);

    out.push(this.fidelity.result());
    return out;
  }

  // ---- events ----

  private startClock(t: number): void {
    this.sawTime = true;
    this.firstT = t;
    this.maxT = t;
    this.lagSince = t;
    // The start of the run is a fault boundary: nodes are just starting.
    if (Number.isNaN(this.lastBoundary)) this.lastBoundary = t;
  }

  private onAccept(ev: SendEvent, t: number): void {
    this.leader = ev.node;
    const msg = ev.msg as { slot?: unknown; value?: unknown; class?: unknown };
    const slot = typeof msg.slot === 'number' ? msg.slot : 0;
    // A broadcast is one send per receiver: handle it once.
    if (slot === this.lastAcceptSlot && ev.node === this.lastAcceptNode) return;
    this.lastAcceptSlot = slot;
    this.lastAcceptNode = ev.node;
    if (this.isDone(slot)) return;
    const rec = this.slotRec(slot);
    if (Number.isNaN(rec.acceptT)) rec.acceptT = t;
    if (typeof msg.class === 'string') rec.cls = msg.class;
    if (!rec.decided) (rec.proposals ??= []).push(msg.value);
  }

  /** A non-adversarial PBFT message: pre-prepares are proposals; views move with new-views. */
  private onPbftSend(ev: SendEvent, t: number): void {
    const msg = ev.msg as Record<string, unknown>;
    const view = msg['view'];
    if (!isCount(view)) return;
    switch (msg['type']) {
      case 'pre-prepare':
        this.leader = ev.node;
        if (isCount(msg['seq']) && typeof msg['digest'] === 'string') {
          this.pbftProposal(ev.node, msg['seq'], view, msg['digest'], t);
        }
        if (view > this.view) this.view = view;
        return;
      case 'new-view':
        if (Array.isArray(msg['prePrepares'])) {
          for (const pp of msg['prePrepares'] as unknown[]) {
            const { seq, digest } = (pp ?? {}) as { seq?: unknown; digest?: unknown };
            if (isCount(seq) && typeof digest === 'string') this.pbftProposal(ev.node, seq, view, digest, t);
          }
        }
        if (view > this.view) this.view = view;
        return;
      case 'view-change':
        if (view > this.view) this.viewChangeStarts(t);
        return;
      default:
        return;
    }
  }

  /** A pre-prepare (alone or in a new-view) of `digest` at `seq` in `view` by `node`. */
  private pbftProposal(node: string, seq: number, view: number, digest: string, t: number): void {
    if (seq < 1) return;
    // Everything here is keyed by slot, as decide events are: seq n is slot n - 1.
    seq = slotOfSeq(seq);
    if (!Number.isNaN(this.vcFrom) && view > this.vcFromView) {
      const v = this.ppViews.get(seq);
      if (v === undefined || view > v) this.ppViews.set(seq, view);
    }
    // A broadcast is one send per receiver: handle it once.
    if (seq === this.lastAcceptSlot && node === this.lastAcceptNode) return;
    this.lastAcceptSlot = seq;
    this.lastAcceptNode = node;
    if (this.isDone(seq)) return;
    const rec = this.slotRec(seq);
    if (Number.isNaN(rec.acceptT)) rec.acceptT = t;
    if (!rec.decided) (rec.proposals ??= []).push(digest);
  }

  /** The primary of the current view crashed, or a view change began: the clock starts (once). */
  private viewChangeStarts(t: number): void {
    if (!Number.isNaN(this.vcFrom)) return;
    this.vcFrom = t;
    this.vcFromView = this.view;
    this.viewChanges++;
    this.ppViews.clear();
  }

  private onGenericProposal(ev: SendEvent): void {
    const msg = ev.msg as { slot?: unknown; seq?: unknown; value?: unknown };
    if (msg.value === undefined) return;
    const slot = typeof msg.slot === 'number' ? msg.slot : typeof msg.seq === 'number' ? msg.seq : 0;
    if (slot === this.lastAcceptSlot && ev.node === this.lastAcceptNode) return;
    this.lastAcceptSlot = slot;
    this.lastAcceptNode = ev.node;
    if (this.isDone(slot)) return;
    const rec = this.slotRec(slot);
    if (!rec.decided) (rec.proposals ??= []).push(msg.value);
  }

  private onDecide(ev: DecideEvent, t: number, line: number): void {
    const i = this.nodeIndex(ev.node);
    const slot = ev.slot;
    // The node's contiguous decided prefix.
    const before = this.prefix[i] as number;
    let p = before;
    if (slot === p) {
      p++;
      const set = this.ahead[i];
      if (set !== undefined && set.size > 0) while (set.delete(p)) p++;
      this.prefix[i] = p;
      if (p > this.maxPrefixAll) this.maxPrefixAll = p;
    } else if (slot > p) {
      let set = this.ahead[i];
      if (set === undefined) this.ahead[i] = set = new Set();
      set.add(slot);
    }

    if (this.pbft) {
      const honest = this.faulty[i] !== true;
      if (this.fidelity.suspects.size > 0) {
        this.fidelity.executed(slot, digestOf(ev.value), this.slots.get(slot)?.proposals, i, line);
      }
      if (honest && !Number.isNaN(this.vcFrom) && (this.ppViews.get(slot) ?? -1) > this.vcFromView) {
        this.viewchange.add(t - this.vcFrom);
        this.vcFrom = NaN;
        this.ppViews.clear();
      }
    } else if (this.fidelity.suspects.size > 0) {
      this.fidelity.decided(slot, ev.value, this.slots.get(slot)?.proposals, line);
    }

    // decision.* for slots not yet decided by every live node.
    if (!this.isDone(slot)) {
      const rec = this.slotRec(slot);
      if (!rec.decided) this.firstDecision(rec, ev.value, t);
      if (!rec.deciders.includes(i)) {
        rec.deciders.push(i);
        if (this.member[i] === true && this.crashed[i] !== true) rec.missing--;
        if (!rec.quorumReached) this.checkQuorum(rec, t);
        if (rec.missing <= 0) this.complete(rec, t);
      }
    }

    // coherence, convergence, recovery.
    if (p !== before) {
      this.updateLag(t);
      const from = this.recoveryFrom[i];
      if (from !== undefined && !Number.isNaN(from) && p >= (this.recoveryTarget[i] as number)) {
        this.recovery.add(t - from);
        this.recoveryFrom[i] = NaN;
      }
    }
    if (this.crashed[i] !== true && this.liveMembers > 0) {
      this.lagSamples.add(this.lag);
      this.lagSeries.add(this.sawTime ? t : this.lagSamples.count - 1, this.lag);
    }
  }

  private firstDecision(rec: SlotRec, value: unknown, t: number): void {
    rec.decided = true;
    if (!Number.isNaN(this.failoverFrom)) {
      this.failover.add(t - this.failoverFrom);
      this.failoverFrom = NaN;
    }
    if (this.pending.size === 0) return;
    // The ops the value carries (opsIn, without making the list).
    let carriesOps = false;
    for (const cmd of commandsIn(value)) {
      const op = opOf(cmd);
      if (op === undefined) continue;
      carriesOps = true;
      const p = this.pending.get(op);
      if (p === undefined) continue;
      this.pending.delete(op);
      this.link(rec, p, t);
    }
    if (!carriesOps && value !== undefined && value !== null) {
      // Values without op ids (e.g. single-decree Paxos): the first pending invoke of an equal value.
      const canon = canonicalJson(value);
      for (const p of this.pending.values()) {
        if (p.value === undefined) continue;
        p.canon ??= canonicalJson(p.value);
        if (p.canon === canon) {
          this.pending.delete(p.op);
          this.link(rec, p, t);
          break;
        }
      }
    }
  }

  private link(rec: SlotRec, p: PendingOp, t: number): void {
    (rec.opTimes ??= []).push(p.t);
    if (p.cls !== undefined || rec.opClasses !== undefined) {
      const cs = (rec.opClasses ??= new Array<string | undefined>(rec.opTimes.length - 1).fill(undefined));
      cs.push(p.cls);
    }
    this.linkedOps++;
    this.resolved(p, t);
  }

  private checkQuorum(rec: SlotRec, t: number): void {
    if (this.pbft) {
      // PBFT: a client accepts a result on f+1 matching replies, and only honest replicas' executions
      // are recorded, so "decided at a quorum" is f+1 replicas that executed the slot.
      if (rec.deciders.length < this.pbftF + 1) return;
    } else {
      const config = this.configs.at(rec.slot);
      const q = config.quorums;
      if (q === undefined || rec.deciders.length < q.minQ2) return;
      let mask = 0;
      for (const i of rec.deciders) mask = i < 31 ? mask | (1 << i) : -1;
      const ok =
        mask === -1
          ? q.isQ2(
              rec.deciders.map((i) => this.names[i] as string),
              rec.cls,
            )
          : this.answers.isQ2(q, mask, this.names, rec.cls);
      if (!ok) return;
    }
    rec.quorumReached = true;
    if (rec.opTimes !== undefined) {
      for (const s of rec.opTimes) this.quorumByOp.add(t - s);
      this.addByClass(rec, t, 'quorum');
    }
    if (!Number.isNaN(rec.acceptT)) this.quorumByAccept.add(t - rec.acceptT);
  }

  /** The decision latencies of a slot's ops, by the ops' criticality classes. */
  private addByClass(rec: SlotRec, t: number, which: 'quorum' | 'all'): void {
    const cs = rec.opClasses;
    const ts = rec.opTimes;
    if (cs === undefined || ts === undefined) return;
    for (let k = 0; k < ts.length; k++) {
      const cls = cs[k];
      if (cls === undefined) continue;
      let per = this.byClass.get(cls);
      if (per === undefined) {
        if (this.byClass.size >= MAX_CLASSES) continue;
        per = { quorum: new Samples(this.sampleCap), all: new Samples(this.sampleCap) };
        this.byClass.set(cls, per);
      }
      per[which].add(t - (ts[k] as number));
    }
  }

  private complete(rec: SlotRec, t: number): void {
    if (rec.opTimes !== undefined) {
      for (const s of rec.opTimes) this.allByOp.add(t - s);
      this.addByClass(rec, t, 'all');
    }
    if (!Number.isNaN(rec.acceptT)) this.allByAccept.add(t - rec.acceptT);
    this.slots.delete(rec.slot);
    this.markDone(rec.slot);
    if (this.fidelity.suspects.size > 0) this.fidelity.forget(rec.slot);
  }

  private onCrash(i: number, node: string, t: number): void {
    this.boundary(t);
    if (this.crashed[i] === true) return;
    this.crashed[i] = true;
    for (const p of this.pending.values()) if (p.node === node) p.lost = true;
    if (node === this.leader) {
      this.leaderCrashes++;
      if (Number.isNaN(this.failoverFrom)) this.failoverFrom = t;
    }
    const from = this.recoveryFrom[i];
    if (from !== undefined && !Number.isNaN(from)) {
      this.recoveryInterrupted++;
      this.recoveryFrom[i] = NaN;
    }
    if (this.member[i] !== true) return;
    this.liveMembers--;
    for (const rec of this.slots.values()) {
      if (rec.deciders.includes(i)) continue;
      rec.missing--;
      if (rec.missing <= 0 && rec.decided) this.complete(rec, t);
    }
    this.updateLag(t);
  }

  private onRestart(i: number, t: number): void {
    this.boundary(t);
    if (this.crashed[i] === true) {
      this.crashed[i] = false;
      if (this.member[i] === true) {
        this.liveMembers++;
        for (const rec of this.slots.values()) if (!rec.deciders.includes(i)) rec.missing++;
      }
    }
    const target = this.maxPrefixAll;
    if ((this.prefix[i] as number) >= target) this.recovery.add(0);
    else {
      this.recoveryFrom[i] = t;
      this.recoveryTarget[i] = target;
    }
    this.updateLag(t);
  }

  private onFault(ev: FaultEvent, t: number, line: number): void {
    this.faultEvents++;
    this.boundary(t);
    this.faults.push({ id: ev.id, fault: ev.fault, line });
  }

  private onHeal(ev: HealEvent, t: number): void {
    this.boundary(t);
    let partition = false;
    for (let k = this.faults.length - 1; k >= 0; k--) {
      const f = this.faults[k] as ActiveFault;
      const ends =
        ev.id !== undefined ? f.id === ev.id : ev.fault !== undefined ? f.fault === ev.fault : true;
      if (!ends) continue;
      if (f.fault === 'partition') partition = true;
      this.faults.splice(k, 1);
    }
    if (!partition) return;
    this.partitionHeals++;
    if (this.lag === 0) this.convergence.add(0);
    else this.convergenceOpen.push(t);
  }

  private onReconfig(ev: ReconfigEvent, t: number): void {
    // Every node reports the same reconfiguration when it applies it: the first report of a slot
    // counts. A lagging node's late report of an older one must not replace a newer one, so the
    // systems are kept in slot order (`configs.at` takes the last one at or below a slot).
    if (this.configs.reported(ev.slot) !== undefined) return;
    const members = ev.nodes ?? this.names.filter((_, i) => this.member[i] === true);
    // Older than a reconfiguration already applied: it governs only the slots up to that one,
    // and the membership stays the newer one's.
    if (!this.configs.add(configOf(ev.slot, ev.quorum, members))) return;
    if (ev.nodes === undefined) return;
    for (const n of ev.nodes) this.nodeIndex(n);
    const now = new Set(ev.nodes);
    this.liveMembers = 0;
    for (let i = 0; i < this.names.length; i++) {
      this.member[i] = now.has(this.names[i] as string);
      if (this.member[i] === true && this.crashed[i] !== true) this.liveMembers++;
    }
    for (const rec of this.slots.values()) {
      let missing = 0;
      for (let i = 0; i < this.names.length; i++) {
        if (this.member[i] === true && this.crashed[i] !== true && !rec.deciders.includes(i)) missing++;
      }
      rec.missing = missing;
      if (missing === 0 && rec.decided) this.complete(rec, t);
    }
    this.updateLag(t);
  }

  private onInvoke(ev: InvokeEvent, t: number, line: number): void {
    this.invokes++;
    this.pending.set(ev.op, {
      op: ev.op,
      t,
      line,
      process: ev.process,
      f: ev.f,
      key: ev.key,
      value: ev.value,
      node: ev.node,
      cls: typeof ev.class === 'string' ? ev.class : undefined,
      // Sent to a node that is down: the request never reached the cluster.
      lost: ev.node !== undefined && this.crashed[this.nodeIndex(ev.node)] === true,
      canon: undefined,
    });
  }

  private adversarialOther(ev: TraceEvent): void {
    if (ev.adversarial === true) this.fidelity.other();
  }

  // ---- state helpers ----

  private nodeIndex(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
      this.crashed.push(false);
      this.member.push(false);
      this.prefix.push(0);
      this.ahead.push(undefined);
      this.recoveryFrom.push(NaN);
      this.recoveryTarget.push(0);
    }
    return i;
  }

  private slotRec(slot: number): SlotRec {
    let rec = this.slots.get(slot);
    if (rec === undefined) {
      rec = {
        slot,
        acceptT: NaN,
        decided: false,
        deciders: [],
        missing: this.liveMembers,
        quorumReached: false,
        opTimes: undefined,
        opClasses: undefined,
        cls: undefined,
        proposals: undefined,
      };
      this.slots.set(slot, rec);
      if (this.slots.size > this.options.maxOpenSlots) {
        // Bounded memory: give up the oldest open slot (a node that never catches up keeps slots open).
        for (const [s] of this.slots) {
          this.slots.delete(s);
          this.markDone(s);
          this.abandonedSlots++;
          break;
        }
      }
    }
    return rec;
  }

  private isDone(slot: number): boolean {
    return slot < this.doneBelow || (this.doneAbove.size > 0 && this.doneAbove.has(slot));
  }

  private markDone(slot: number): void {
    if (slot === this.doneBelow) {
      this.doneBelow++;
      if (this.doneAbove.size > 0) while (this.doneAbove.delete(this.doneBelow)) this.doneBelow++;
    } else if (slot > this.doneBelow) {
      this.doneAbove.add(slot);
    }
  }

  /** Recomputes the lag of the live members; integrates the old one; closes convergence waits. */
  private updateLag(t: number): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.names.length; i++) {
      if (this.member[i] !== true || this.crashed[i] === true) continue;
      const p = this.prefix[i] as number;
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    const lag = hi >= lo ? hi - lo : 0;
    if (lag === this.lag) return;
    if (this.sawTime) {
      this.lagArea += this.lag * Math.max(0, t - this.lagSince);
      this.lagSince = t;
    }
    this.lag = lag;
    if (lag === 0 && this.convergenceOpen.length > 0) {
      for (const h of this.convergenceOpen) this.convergence.add(t - h);
      this.convergenceOpen.length = 0;
    }
  }

  /** A fault starts or ends, a node crashes or restarts: liveness is judged from the last one on. */
  private boundary(t: number): void {
    if (!this.sawTime) return;
    this.lastBoundary = t;
    this.wait.reset();
    this.failedAfter = 0;
  }

  /** A pending op is decided (first decide carrying it) or answered ok at `t`. */
  private resolved(p: PendingOp, t: number): void {
    const stable = this.lastBoundary + this.options.stabilizationMs;
    if (this.sawTime && t >= stable) this.wait.add(t - Math.max(p.t, stable));
  }

  // ---- results ----

  private liveness(timed: boolean, lastTime: number, noTime: string): MetricResult[] {
    if (!timed) return [this.none('liveness.wait', noTime), this.none('liveness.undecided', noTime)];
    const delay = this.options.stabilizationMs;
    let reason: string | undefined;
    const blocking = this.faults.filter((f) => f.fault !== 'byzantine');
    const live = this.names.filter((_, i) => this.member[i] === true && this.crashed[i] !== true);
    const q = this.configs.latest;
    const stable = this.lastBoundary + delay;
    if (blocking.length > 0) {
      const f = blocking[0] as ActiveFault;
      reason = `${blocking.length} fault${blocking.length === 1 ? ' is' : 's are'} never healed (first: ${f.fault} at line ${f.line}): the run never stabilizes`;
    } else if (q.quorums !== undefined && !(q.quorums.isQ1(live) && q.quorums.isQ2(live))) {
      reason = `only ${live.length} node${live.length === 1 ? ' is' : 's are'} live at the end: no quorum, no progress expected`;
    } else if (stable > lastTime) {
      reason = `the trace ends at ${fmt(lastTime)} ms, before stabilization at ${fmt(stable)} ms`;
    }
    if (reason !== undefined) {
      return [this.none('liveness.wait', reason), this.none('liveness.undecided', reason)];
    }
    const detail = { stabilizedAt: stable, delayMs: delay };
    const waitMax = this.wait.max;
    const wait = this.dist('liveness.wait', this.wait, 'no client op was decided after stabilization', {
      ...detail,
      longestWaitMs: waitMax ?? 0,
      failedAfterStabilization: this.failedAfter,
    });
    // Ops invoked in the last `delay` ms had less time than the stabilization delay: not judged.
    let undecided = 0;
    let tooLate = 0;
    let lost = 0;
    let oldest = NaN;
    const items: Array<{ line: number; text: string }> = [];
    for (const p of this.pending.values()) {
      if (p.lost) {
        lost++;
        continue;
      }
      if (p.t > lastTime - delay) {
        tooLate++;
        continue;
      }
      undecided++;
      const waited = lastTime - Math.max(p.t, stable);
      if (!(waited <= oldest)) oldest = waited;
      if (items.length < MAX_ITEMS) items.push({ line: p.line, text: opText(p) });
    }
    const spec = METRICS['liveness.undecided'];
    const und: MetricResult = {
      name: 'liveness.undecided',
      description: spec.description,
      unit: spec.unit,
      value: undecided,
      detail: {
        ...detail,
        tooLateToJudge: tooLate,
        lostInCrash: lost,
        ...(undecided > 0 ? { longestPendingMs: oldest } : {}),
      },
    };
    if (items.length > 0) und.items = items;
    if (undecided > 0) wait.detail = { ...wait.detail, longestWaitMs: Math.max(waitMax ?? 0, oldest) };
    return [wait, und];
  }

  private dist(
    name: MetricName,
    samples: Samples,
    reason: string,
    detail: Record<string, number | string>,
  ): MetricResult {
    const spec = METRICS[name];
    const stats: Distribution | undefined = samples.stats();
    const r: MetricResult = { name, description: spec.description, unit: spec.unit };
    if (stats === undefined) r.reason = reason;
    else r.stats = stats;
    if (samples.negatives > 0) detail = { ...detail, negativeClamped: samples.negatives };
    r.detail = detail;
    return r;
  }

  private none(name: MetricName, reason: string): MetricResult {
    const spec = METRICS[name];
    return { name, description: spec.description, unit: spec.unit, reason };
  }
}

function configOf(fromSlot: number, system: QuorumSystem, nodes: readonly string[]): Config {
  try {
    return { fromSlot, quorums: quorumsOf(system, nodes), problem: undefined };
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
    return { fromSlot, quorums: undefined, problem: `${e.message}: cannot tell when a quorum decided` };
  }
}

function opText(p: PendingOp): string {
  const what = p.key === undefined ? p.f : `${p.f} ${p.key}`;
  const value = p.value === undefined ? '' : ` ${short(p.value)}`;
  return `op ${p.op} (${what}${value}, process ${String(p.process)}) invoked at ${fmt(p.t)} ms was never decided`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
