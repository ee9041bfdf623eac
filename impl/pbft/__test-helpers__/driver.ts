// A tiny deterministic network for testing PBFT replicas (and their Byzantine wrappers): virtual
// time, one seeded PRNG (impl/sim/prng.ts), uniform latency (so delivery order is random), loss and
// duplication, timers, crash/restart with durable variables, clients that sign their requests and
// follow the PBFT client rule (f+1 matching replies), a safety watch over honest decisions, and a check that every
// adversarial message an honest replica receives causes no effect. Not the simulator (impl/sim).

import type { ClientRequest, Effect, NodeBehavior, NodeId, Step } from '../../Node.js';
import type { KvRequest } from '../../multipaxos/kv.js';
import { canonicalJson } from '../../sim/canonical.js';
import { Prng } from '../../sim/prng.js';
import { ReplyCollector, type PbftReply } from '../client.js';
import { pbftSignRequest } from '../runtime.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBehavior = NodeBehavior<any, any, any, any, Record<string, unknown>>;

/** Options of {@link Driver}. */
export interface DriverOptions {
  /** The replicas' names (default n1..n4). */
  readonly nodes?: readonly NodeId[];
  /** The node code, one for all or per replica. */
  readonly behavior: AnyBehavior | ((id: NodeId) => AnyBehavior);
  readonly params?: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** f for the client rule (f+1 matching replies). */
  readonly f: number;
  /** Uniform one-way latency in ms; default [1, 20]. */
  readonly latency?: readonly [number, number];
  readonly loss?: number;
  readonly dup?: number;
  /** Replicas whose decisions are not judged (Byzantine). */
  readonly byzantine?: readonly NodeId[];
  /** A client re-sends an unanswered request to every replica after this long; default 1000 ms. */
  readonly clientRetryMs?: number;
}

/** An adversarial receive at an honest replica that caused effects. */
export interface Reaction {
  readonly node: NodeId;
  readonly from: NodeId;
  readonly msg: unknown;
  readonly effects: readonly string[];
  readonly stateChanged: boolean;
}

interface Ev {
  readonly t: number;
  readonly seq: number;
  readonly run: () => void;
}

/** The driver's network, replicas and clients. */
export class Driver {
  readonly ids: readonly NodeId[];
  readonly prng: Prng;
  now = 0;
  loss: number;
  dup: number;
  readonly states = new Map<NodeId, unknown>();
  readonly durable = new Map<NodeId, Record<string, unknown>>();
  /** Per replica, slot -> canonical value decided. */
  readonly decided = new Map<NodeId, Map<number, string>>();
  /** Honest decisions that disagree: `slot: a by n1, b by n2`. */
  readonly violations: string[] = [];
  /** Adversarial receives at honest replicas, and those that caused effects. */
  adversarialReceived = 0;
  readonly reactions: Reaction[] = [];
  /** Client ops answered (f+1 matching replies), by op. */
  readonly answers = new Map<number, PbftReply & { t: number }>();
  readonly invoked = new Map<number, number>();
  /** The client of each invoked op. */
  readonly clientOf = new Map<number, string | number>();
  sent = 0;
  delivered = 0;
  private readonly heap: Ev[] = [];
  private evSeq = 0;
  private timerGen = 0;
  private readonly behaviors = new Map<NodeId, AnyBehavior>();
  private readonly epoch = new Map<NodeId, number>();
  private readonly timers = new Map<string, number>();
  private readonly byz: Set<NodeId>;
  private readonly collector: ReplyCollector;
  private readonly latency: readonly [number, number];
  private readonly params: Readonly<Record<string, unknown>>;
  private readonly clientRetryMs: number;

  constructor(opts: DriverOptions) {
    this.ids = opts.nodes ?? ['n1', 'n2', 'n3', 'n4'];
    this.prng = new Prng(opts.seed);
    this.loss = opts.loss ?? 0;
    this.dup = opts.dup ?? 0;
    this.latency = opts.latency ?? [1, 20];
    this.params = opts.params ?? {};
    this.byz = new Set(opts.byzantine ?? []);
    this.collector = new ReplyCollector(opts.f);
    this.clientRetryMs = opts.clientRetryMs ?? 1000;
    for (const id of this.ids) {
      const b = typeof opts.behavior === 'function' ? opts.behavior(id) : opts.behavior;
      this.behaviors.set(id, b);
      this.durable.set(id, {});
      this.decided.set(id, new Map());
      this.epoch.set(id, 0);
    }
    for (const id of this.ids) this.start(id, undefined);
  }

  private push(t: number, run: () => void): void {
    const h = this.heap;
    h.push({ t, seq: this.evSeq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private less(a: Ev, b: Ev): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  private pop(): Ev | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  private start(id: NodeId, durable: Record<string, unknown> | undefined): void {
    const b = this.behaviors.get(id)!;
    this.apply(
      id,
      b.init({ id, nodes: this.ids, params: { ...this.params } }, durable, this.now) as Step<
        unknown,
        unknown
      >,
    );
  }

  isUp(id: NodeId): boolean {
    return this.states.has(id);
  }

  /** The state of a replica (undefined while crashed). */
  state<S>(id: NodeId): S | undefined {
    return this.states.get(id) as S | undefined;
  }

  private apply(id: NodeId, step: Step<unknown, unknown>): void {
    this.states.set(id, step.state);
    const ep = this.epoch.get(id)!;
    for (const e of step.effects) if (e.kind === 'persist') Object.assign(this.durable.get(id)!, e.vars);
    for (const e of step.effects as readonly Effect<unknown>[]) {
      const adversarial = (e as { adversarial?: unknown }).adversarial === true;
      switch (e.kind) {
        case 'send':
          this.transmit(id, e.to, e.msg, adversarial);
          break;
        case 'broadcast':
          for (const to of this.ids)
            if (to !== id || e.self === true) this.transmit(id, to, e.msg, adversarial);
          break;
        case 'setTimer': {
          const key = `${id}\u0000${e.name}`;
          const gen = ++this.timerGen;
          this.timers.set(key, gen);
          const jitter = e.jitter !== undefined && e.jitter > 0 ? this.prng.uniform(0, e.jitter) : 0;
          this.push(this.now + e.after + jitter, () => {
            if (this.timers.get(key) !== gen || this.epoch.get(id) !== ep || !this.isUp(id)) return;
            this.timers.delete(key);
            this.apply(
              id,
              this.behaviors.get(id)!.onTimer(this.states.get(id), e.name, this.now) as Step<
                unknown,
                unknown
              >,
            );
          });
          break;
        }
        case 'cancelTimer':
          this.timers.delete(`${id}\u0000${e.name}`);
          break;
        case 'persist':
          break;
        case 'decide':
          this.decide(id, e.slot, e.value);
          break;
        case 'reply': {
          // A reply naming another client answers that client's op, not ours.
          const c = (e as { client?: unknown }).client;
          if (c !== undefined && c !== this.clientOf.get(e.op)) break;
          const got = this.collector.add(id, e.op, { ok: e.ok, result: e.result });
          if (got !== undefined) this.answers.set(e.op, { ...got, t: this.now });
          break;
        }
        case 'reconfig':
          break;
      }
    }
  }

  private decide(id: NodeId, slot: number, value: unknown): void {
    const text = canonicalJson(value);
    const mine = this.decided.get(id)!;
    const before = mine.get(slot);
    if (before !== undefined && before !== text)
      this.violations.push(`${id} decided slot ${slot} twice: ${before} then ${text}`);
    mine.set(slot, text);
    if (this.byz.has(id)) return;
    for (const [other, m] of this.decided) {
      if (other === id || this.byz.has(other)) continue;
      const v = m.get(slot);
      if (v !== undefined && v !== text)
        this.violations.push(`slot ${slot}: ${v} by ${other}, ${text} by ${id}`);
    }
  }

  private transmit(from: NodeId, to: NodeId, msg: unknown, adversarial: boolean): void {
    this.sent++;
    if (from !== to && this.prng.next() < this.loss) return;
    const copies = from !== to && this.prng.next() < this.dup ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const [lo, hi] = this.latency;
      const at = from === to ? this.now : this.now + this.prng.uniform(lo, hi);
      const ep = this.epoch.get(to)!;
      this.push(at, () => {
        if (!this.isUp(to) || this.epoch.get(to) !== ep) return;
        this.delivered++;
        const before = this.states.get(to);
        const step = this.behaviors.get(to)!.onMessage(before, from, msg, this.now) as Step<unknown, unknown>;
        if (adversarial && !this.byz.has(to)) {
          this.adversarialReceived++;
          if (step.effects.length > 0) {
            this.reactions.push({
              node: to,
              from,
              msg,
              effects: step.effects.map((e) =>
                e.kind === 'send' || e.kind === 'broadcast'
                  ? `${e.kind} ${(e.msg as { type: string }).type}`
                  : e.kind,
              ),
              stateChanged: step.state !== before,
            });
          }
        }
        this.apply(to, step);
      });
    }
  }

  /** A client invokes `op` at replica `to`; unanswered, it re-sends to every replica (the paper's rule). */
  request(op: number, request: KvRequest, to: NodeId, client: string | number = `c${op}`): void {
    this.invoked.set(op, this.now);
    this.clientOf.set(op, client);
    // The client signs what it issues (pbftSignRequest): replicas take no unsigned request.
    const req: ClientRequest<KvRequest> = pbftSignRequest({ op, client, request }, this.params);
    const send = (targets: readonly NodeId[]): void => {
      for (const id of targets) {
        if (!this.isUp(id)) continue;
        this.apply(
          id,
          this.behaviors.get(id)!.onRequest(this.states.get(id), req, this.now) as Step<unknown, unknown>,
        );
      }
    };
    send([to]);
    const retry = (): void => {
      if (this.answers.has(op)) return;
      send(this.ids);
      this.push(this.now + this.clientRetryMs, retry);
    };
    this.push(this.now + this.clientRetryMs, retry);
  }

  /** Run events up to virtual time `until` (ms). */
  runUntil(until: number): void {
    for (;;) {
      const e = this.heap[0];
      if (e === undefined || e.t > until) break;
      this.pop();
      this.now = Math.max(this.now, e.t);
      e.run();
    }
    this.now = Math.max(this.now, until);
  }

  /** Run until `done()` holds (checked after each event) or `limit` ms of virtual time pass. True if done. */
  runWhile(done: () => boolean, limit: number): boolean {
    const end = this.now + limit;
    while (!done()) {
      const e = this.heap[0];
      if (e === undefined || e.t > end) return done();
      this.pop();
      this.now = Math.max(this.now, e.t);
      e.run();
    }
    return true;
  }

  /** Crash a replica: volatile state and timers lost, messages to it dropped. */
  crash(id: NodeId): void {
    this.states.delete(id);
    this.epoch.set(id, this.epoch.get(id)! + 1);
  }

  /** Restart a crashed replica from its durable variables (through JSON, as a disk would hold them). */
  restart(id: NodeId): void {
    this.start(id, JSON.parse(JSON.stringify(this.durable.get(id)!)) as Record<string, unknown>);
  }

  /** The decided log of a replica: canonical values by slot. */
  log(id: NodeId): Map<number, string> {
    return this.decided.get(id)!;
  }
}
