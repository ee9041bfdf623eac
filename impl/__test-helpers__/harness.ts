// A tiny deterministic test harness for NodeBehaviors: virtual time, one seeded PRNG, uniform
// latency (so delivery order is random), loss, duplication, partitions, crash/restart with durable
// storage, client requests, and a safety watch over decisions. Enough for unit tests of the protocol
// nodes; it is not the simulator (impl/sim).

import type { ClientRequest, Effect, NodeBehavior, NodeId, Step } from '../Node.js';

/** mulberry32: a small, fast, seedable PRNG; `next()` is uniform in [0, 1). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

/** Options of {@link Harness}. */
export interface HarnessOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  behavior: NodeBehavior<any, any, any, any, any>;
  /** Node count (named n1..nN) or the names; default 3. */
  nodes?: number | readonly NodeId[];
  params?: Record<string, unknown>;
  seed: number;
  /** Uniform one-way latency in ms, inclusive; default [1, 10]. */
  latency?: readonly [number, number];
  /** Probability that a message is lost; default 0. */
  loss?: number;
  /** Probability that a message is delivered twice; default 0. */
  dup?: number;
  /** Record every sent message (for schema checks); default false. */
  recordMessages?: boolean;
}

/** A decision as the harness saw it. */
export interface Decision {
  readonly node: NodeId;
  readonly slot: number;
  readonly value: unknown;
  readonly t: number;
}

/** A reply as the harness saw it. */
export interface Reply {
  readonly node: NodeId;
  readonly op: number;
  readonly ok: boolean | 'unknown';
  readonly result: unknown;
  readonly t: number;
}

type Event = { readonly t: number; readonly seq: number; readonly run: () => void };

/** A binary min-heap of events by (time, sequence number). */
class Heap {
  private readonly a: Event[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  private swap(i: number, j: number): void {
    const t = this.a[i]!;
    this.a[i] = this.a[j]!;
    this.a[j] = t;
  }
  push(e: Event): void {
    this.a.push(e);
    let i = this.a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  peek(): Event | undefined {
    return this.a[0];
  }
  pop(): Event | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (this.a.length > 0 && last !== undefined) {
      this.a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

const canon = (v: unknown): string => JSON.stringify(v);

/** A cluster of nodes under the harness. */
export class Harness {
  readonly ids: readonly NodeId[];
  readonly rng: Rng;
  now = 0;
  loss: number;
  dup: number;
  latency: readonly [number, number];
  /** Node state while up; `undefined` while crashed. */
  readonly states = new Map<NodeId, unknown>();
  readonly durable = new Map<NodeId, Record<string, unknown>>();
  /** Every decide effect, in order. */
  readonly decisions: Decision[] = [];
  /** The first value decided for each slot, with the node that decided it. */
  readonly chosen = new Map<number, { value: unknown; key: string; node: NodeId }>();
  /** Per node, slot -> value decided (kept across restarts). */
  readonly decidedBy = new Map<NodeId, Map<number, unknown>>();
  readonly replies: Reply[] = [];
  /** Every reconfig effect, in order. */
  readonly reconfigs: { node: NodeId; slot: number; quorum: unknown; t: number }[] = [];
  /** Safety violations seen (two different decisions for one slot). */
  readonly violations: string[] = [];
  readonly messages: { t: number; from: NodeId; to: NodeId; msg: unknown }[] = [];
  sent = 0;
  delivered = 0;
  events = 0;
  private readonly heap = new Heap();
  private seq = 0;
  private readonly epoch = new Map<NodeId, number>();
  private readonly timers = new Map<string, number>();
  private partition: Map<NodeId, number> | null = null;
  private readonly opts: HarnessOptions;

  constructor(opts: HarnessOptions) {
    this.opts = opts;
    const n = opts.nodes ?? 3;
    this.ids = typeof n === 'number' ? Array.from({ length: n }, (_, i) => `n${i + 1}`) : n;
    this.rng = new Rng(opts.seed);
    this.loss = opts.loss ?? 0;
    this.dup = opts.dup ?? 0;
    this.latency = opts.latency ?? [1, 10];
    for (const id of this.ids) {
      this.durable.set(id, {});
      this.decidedBy.set(id, new Map());
      this.epoch.set(id, 0);
      this.start(id, undefined);
    }
  }

  private schedule(t: number, run: () => void): void {
    this.heap.push({ t, seq: this.seq++, run });
  }

  private start(id: NodeId, durable: Record<string, unknown> | undefined): void {
    const step = this.opts.behavior.init(
      { id, nodes: this.ids, params: this.opts.params ?? {} },
      durable,
      this.now,
    ) as Step<unknown, unknown>;
    this.apply(id, step);
  }

  isUp(id: NodeId): boolean {
    return this.states.has(id);
  }

  state<S>(id: NodeId): S | undefined {
    return this.states.get(id) as S | undefined;
  }

  private connected(a: NodeId, b: NodeId): boolean {
    return this.partition === null || this.partition.get(a) === this.partition.get(b);
  }

  private apply(id: NodeId, step: Step<unknown, unknown>): void {
    this.states.set(id, step.state);
    const ep = this.epoch.get(id)!;
    for (const e of step.effects) {
      if (e.kind === 'persist') Object.assign(this.durable.get(id)!, e.vars);
    }
    for (const e of step.effects as readonly Effect<unknown>[]) {
      switch (e.kind) {
        case 'persist':
          break;
        case 'send':
          this.send(id, e.to, e.msg);
          break;
        case 'broadcast':
          for (const to of this.ids) if (to !== id || e.self === true) this.send(id, to, e.msg);
          break;
        case 'setTimer': {
          const key = `${id}\u0000${e.name}`;
          const token = (this.timers.get(key) ?? 0) + 1;
          this.timers.set(key, token);
          const delay = e.after + (e.jitter !== undefined && e.jitter > 0 ? this.rng.next() * e.jitter : 0);
          this.schedule(this.now + delay, () => {
            if (this.timers.get(key) !== token || this.epoch.get(id) !== ep || !this.isUp(id)) return;
            this.timers.delete(key);
            this.events++;
            this.apply(
              id,
              this.opts.behavior.onTimer(this.states.get(id), e.name, this.now) as Step<unknown, unknown>,
            );
          });
          break;
        }
        case 'cancelTimer':
          this.timers.delete(`${id}\u0000${e.name}`);
          break;
        case 'decide':
          this.recordDecision(id, e.slot, e.value);
          break;
        case 'reply':
          this.replies.push({ node: id, op: e.op, ok: e.ok, result: e.result, t: this.now });
          break;
        case 'reconfig':
          this.reconfigs.push({ node: id, slot: e.slot, quorum: e.quorum, t: this.now });
          break;
        default: {
          const never: never = e;
          throw new Error(`unknown effect ${JSON.stringify(never)}`);
        }
      }
    }
  }

  private recordDecision(node: NodeId, slot: number, value: unknown): void {
    this.decisions.push({ node, slot, value, t: this.now });
    const key = canon(value);
    const first = this.chosen.get(slot);
    if (first === undefined) this.chosen.set(slot, { value, key, node });
    else if (first.key !== key) {
      this.violations.push(
        `slot ${slot}: ${first.node} decided ${first.key}, ${node} decided ${key} at t=${this.now}`,
      );
    }
    this.decidedBy.get(node)!.set(slot, value);
  }

  private send(from: NodeId, to: NodeId, msg: unknown): void {
    this.sent++;
    if (this.opts.recordMessages === true) this.messages.push({ t: this.now, from, to, msg });
    if (!this.connected(from, to) || this.rng.next() < this.loss) return;
    const copies = this.rng.next() < this.dup ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = this.rng.int(this.latency[0], this.latency[1]);
      this.schedule(this.now + delay, () => {
        if (!this.isUp(to) || !this.connected(from, to)) return;
        this.delivered++;
        this.events++;
        this.apply(
          to,
          this.opts.behavior.onMessage(this.states.get(to), from, msg, this.now) as Step<unknown, unknown>,
        );
      });
    }
  }

  /** Hand a client request to `node` now (dropped if the node is down). */
  request<R>(node: NodeId, req: ClientRequest<R>): void {
    if (!this.isUp(node)) return;
    this.events++;
    this.apply(
      node,
      this.opts.behavior.onRequest(this.states.get(node), req, this.now) as Step<unknown, unknown>,
    );
  }

  /** Crash `node`: volatile state and timers are lost, durable state is kept. */
  crash(node: NodeId): void {
    if (!this.isUp(node)) return;
    this.states.delete(node);
    this.epoch.set(node, this.epoch.get(node)! + 1);
  }

  /** Restart a crashed node from its durable state. */
  restart(node: NodeId): void {
    if (this.isUp(node)) return;
    this.start(node, { ...this.durable.get(node)! });
  }

  /**
   * The recorded run as synod-trace text (header, one `send` per recorded message, one `decide`
   * per decision), for tests that check the messages against the trace schema.
   */
  traceText(protocol: string): string {
    const lines = [
      JSON.stringify({
        kind: 'header',
        format: 'synod-trace',
        version: 1,
        protocol,
        nodes: this.ids,
        quorum: { kind: 'majority' },
      }),
      ...this.messages.map((m, id) =>
        JSON.stringify({ kind: 'send', t: m.t, node: m.from, to: m.to, id, msg: m.msg }),
      ),
      ...this.decisions.map((d) =>
        JSON.stringify({ kind: 'decide', t: d.t, node: d.node, slot: d.slot, value: d.value }),
      ),
    ];
    return `${lines.join('\n')}\n`;
  }

  /** Split the nodes into groups that cannot talk to each other (messages in flight are dropped). */
  split(groups: readonly (readonly NodeId[])[]): void {
    this.partition = new Map();
    groups.forEach((g, i) => g.forEach((id) => this.partition!.set(id, i)));
    for (const id of this.ids) if (!this.partition.has(id)) this.partition.set(id, groups.length);
  }

  heal(): void {
    this.partition = null;
  }

  /** Run `fn` at virtual time `t` (at the latest `now`). */
  at(t: number, fn: () => void): void {
    this.schedule(Math.max(t, this.now), fn);
  }

  /** Process events up to virtual time `t` (or until `maxEvents` handler calls). */
  runUntil(t: number, maxEvents = Number.POSITIVE_INFINITY): void {
    const stop = this.events + maxEvents;
    for (;;) {
      const e = this.heap.peek();
      if (e === undefined || e.t > t || this.events >= stop) break;
      this.heap.pop();
      this.now = e.t;
      e.run();
    }
    if (this.heap.peek() === undefined || this.heap.peek()!.t > t) this.now = Math.max(this.now, t);
  }

  runFor(ms: number, maxEvents?: number): void {
    this.runUntil(this.now + ms, maxEvents);
  }

  /** Run until `pred` holds (checked after each event) or time `limit`; true if it held. */
  runUntilTrue(pred: () => boolean, limit: number): boolean {
    for (;;) {
      if (pred()) return true;
      const e = this.heap.peek();
      if (e === undefined || e.t > limit) return pred();
      this.heap.pop();
      this.now = e.t;
      e.run();
    }
  }

  /** `node`'s decided values for slots 0, 1, ... up to its first gap. */
  prefix(node: NodeId): unknown[] {
    const m = this.decidedBy.get(node)!;
    const out: unknown[] = [];
    while (m.has(out.length)) out.push(m.get(out.length));
    return out;
  }
}
