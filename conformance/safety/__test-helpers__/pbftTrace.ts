// Builds small signed PBFT traces by hand, exactly as impl/pbft/TRACE-FORMAT.md writes them: keys
// derived from a seed (Ed25519 seed = sha256(`synod-pbft:${seed}:${replica}`)), signatures over
// the canonical JSON of each message without its `sig`, request digests. For tests and fixtures.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TraceEvent, TraceHeader } from '../../../traces/index.js';
import { stringifyTraceLine } from '../../../traces/index.js';
import { canonicalJson } from '../../commands.js';
import { NULL_REQUEST, digestOf, primaryOf } from '../../pbftMessages.js';

/** A client request as replicas order it. */
export interface Request {
  op: number;
  client: string;
  f: string;
  key?: string;
  value?: unknown;
}

/** Any PBFT message (signed or not yet). */
export type Msg = Record<string, unknown> & { type: string };

/** A prepared certificate as a view-change carries it. */
export interface Prepared {
  prePrepare: Msg;
  prepares: Msg[];
}

/** Options of {@link PbftTrace}. */
export interface PbftTraceOptions {
  nodes?: string[];
  f?: number;
  seed?: number;
  checkpointInterval?: number;
  /** Written as `params.byzantine` (labels only). */
  byzantine?: unknown;
  /** Leave `params.publicKeys` out of the header (default false). */
  noKeys?: boolean;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The Ed25519 key pair of `replica` in a run seeded with `seed`, and its public key as JWK `x`. */
export function keyPairOf(seed: number | string, replica: string): { privateKey: KeyObject; x: string } {
  // As impl/pbft derives them: SHA-256("synod-pbft-key\0" + seed + "\0" + replica) is the Ed25519 seed.
  const raw = createHash('sha256')
    .update(`synod-pbft-key\0${String(seed)}\0${replica}`, 'utf8')
    .digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x as string;
  return { privateKey, x };
}

/** A trace under construction: messages are signed as they are made; events get lines 2, 3, ... */
export class PbftTrace {
  readonly header: TraceHeader;
  readonly events: TraceEvent[] = [];
  readonly nodes: string[];
  readonly f: number;
  private readonly keys = new Map<string, KeyObject>();
  private t = 0;

  constructor(options: PbftTraceOptions = {}) {
    this.nodes = options.nodes ?? ['r1', 'r2', 'r3', 'r4'];
    this.f = options.f ?? Math.floor((this.nodes.length - 1) / 3);
    const seed = options.seed ?? 1;
    const publicKeys: Record<string, string> = {};
    for (const r of this.nodes) {
      const k = keyPairOf(seed, r);
      this.keys.set(r, k.privateKey);
      publicKeys[r] = k.x;
    }
    this.header = {
      kind: 'header',
      format: 'synod-trace',
      version: 1,
      protocol: 'pbft',
      nodes: this.nodes,
      quorum: { kind: 'threshold', q1: 2 * this.f + 1, q2: 2 * this.f + 1 },
      params: {
        f: this.f,
        checkpointInterval: options.checkpointInterval ?? 100,
        ...(options.noKeys === true ? {} : { publicKeys }),
        ...(options.byzantine === undefined ? {} : { byzantine: options.byzantine }),
      },
      seed,
      clock: 'virtual',
      producer: { name: 'pbft-trace-builder', version: '1' },
    };
  }

  /** Time of the next events (ms). */
  at(t: number): this {
    this.t = t;
    return this;
  }

  /** The line the next event will have (the header is line 1). */
  get nextLine(): number {
    return this.events.length + 2;
  }

  /** Signs `msg` (without `sig`) by `as` (default: its `replica`); `sig: 'garbage'` is a forged one. */
  sign<M extends Msg>(msg: M, as?: string): M & { sig: string } {
    const body: Msg = { ...msg };
    delete body['sig'];
    const key = this.keys.get(as ?? (body['replica'] as string));
    if (key === undefined) throw new Error(`no key for ${as ?? String(body['replica'])}`);
    const sig = sign(null, Buffer.from(canonicalJson(body), 'utf8'), key).toString('base64url');
    return { ...(body as M), sig };
  }

  request(op: number, f: string, key?: string, value?: unknown, client = `c${op}`): Request {
    return {
      op,
      client,
      f,
      ...(key === undefined ? {} : { key }),
      ...(value === undefined ? {} : { value }),
    };
  }

  primary(view: number): string {
    return primaryOf(this.nodes, view);
  }

  prePrepare(
    view: number,
    seq: number,
    request: unknown,
    replica = this.primary(view),
  ): Msg & { sig: string } {
    return this.sign({ type: 'pre-prepare', view, seq, digest: digestOf(request), value: request, replica });
  }

  prepare(view: number, seq: number, request: unknown, replica: string): Msg & { sig: string } {
    return this.sign({ type: 'prepare', view, seq, digest: digestOf(request), replica });
  }

  commit(view: number, seq: number, request: unknown, replica: string): Msg & { sig: string } {
    return this.sign({ type: 'commit', view, seq, digest: digestOf(request), replica });
  }

  checkpoint(seq: number, state: string, replica: string): Msg & { sig: string } {
    return this.sign({ type: 'checkpoint', seq, state, replica });
  }

  /** A prepared certificate: the pre-prepare and the prepares of `backups`. */
  certificate(view: number, seq: number, request: unknown, backups: string[]): Prepared {
    return {
      prePrepare: this.prePrepare(view, seq, request),
      prepares: backups.map((b) => this.prepare(view, seq, request, b)),
    };
  }

  viewChange(
    view: number,
    replica: string,
    prepared: Prepared[] = [],
    stable = 0,
    proof: Msg[] = [],
  ): Msg & { sig: string } {
    return this.sign({ type: 'view-change', view, stable, proof, prepared, replica });
  }

  newView(
    view: number,
    viewChanges: Msg[],
    prePrepares: Msg[],
    replica = this.primary(view),
  ): Msg & { sig: string } {
    return this.sign({ type: 'new-view', view, viewChanges, prePrepares, replica });
  }

  /** The null request. */
  get nullRequest(): Request | null {
    return NULL_REQUEST;
  }

  send(node: string, to: string, msg: Msg, adversarial = false): this {
    return this.push({ kind: 'send', t: this.t, node, to, msg, ...(adversarial ? { adversarial } : {}) });
  }

  recv(node: string, from: string, msg: Msg, adversarial = false): this {
    return this.push({ kind: 'recv', t: this.t, node, from, msg, ...(adversarial ? { adversarial } : {}) });
  }

  /**
   * `from` sends `msg` to `to` (default: every other replica), then each receives it (unless
   * `deliver` is false). Adversarial messages are marked on both sides.
   */
  bcast(
    from: string,
    msg: Msg,
    options: { to?: string[]; adversarial?: boolean; deliver?: boolean } = {},
  ): this {
    const to = options.to ?? this.nodes.filter((r) => r !== from);
    const adv = options.adversarial ?? false;
    for (const r of to) this.send(from, r, msg, adv);
    if (options.deliver !== false) for (const r of to) this.recv(r, from, msg, adv);
    return this;
  }

  decide(node: string, seq: number, request: unknown): this {
    return this.push({ kind: 'decide', t: this.t, node, slot: seq - 1, value: request });
  }

  invoke(r: Request, node?: string): this {
    return this.push({
      kind: 'invoke',
      t: this.t,
      process: r.client,
      op: r.op,
      f: r.f,
      ...(r.key === undefined ? {} : { key: r.key }),
      ...(r.value === undefined ? {} : { value: r.value }),
      ...(node === undefined ? {} : { node }),
    });
  }

  ok(r: Request, value?: unknown): this {
    return this.push({
      kind: 'ok',
      t: this.t,
      process: r.client,
      op: r.op,
      f: r.f,
      ...(r.key === undefined ? {} : { key: r.key }),
      ...(value === undefined ? {} : { value }),
    });
  }

  crash(node: string): this {
    return this.push({ kind: 'crash', t: this.t, node });
  }

  restart(node: string): this {
    return this.push({ kind: 'restart', t: this.t, node });
  }

  push(ev: TraceEvent): this {
    this.events.push(ev);
    return this;
  }

  /**
   * The normal case for one request at `seq` in `view`: the primary pre-prepares it, the backups
   * prepare, everyone commits, and every replica in `execute` (default: all) executes it.
   */
  normalCase(view: number, seq: number, request: unknown, execute: string[] = this.nodes): this {
    const primary = this.primary(view);
    const backups = this.nodes.filter((r) => r !== primary);
    this.bcast(primary, this.prePrepare(view, seq, request));
    for (const b of backups) this.bcast(b, this.prepare(view, seq, request, b));
    for (const r of this.nodes) this.bcast(r, this.commit(view, seq, request, r));
    for (const r of execute) this.decide(r, seq, request);
    return this;
  }

  /** The trace as NDJSON text (the writer's field order). */
  ndjson(): string {
    return [this.header, ...this.events].map((l) => `${stringifyTraceLine(l)}\n`).join('');
  }
}
