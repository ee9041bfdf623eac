// PBFT (Castro and Liskov, OSDI 1999) as a node of the reference implementation (impl/Node.ts),
// with the replicated key-value store of impl/multipaxos/kv.ts on top. Twins: spec/pbft/pbft.ts
// and tla/PBFT.tla (normal case and view change, without checkpoints). Messages: messages.ts.
//
// The algorithm. n replicas tolerate f Byzantine ones (default f = floor((n-1)/3)); a quorum is any
// 2f+1 replicas. The primary of view v is the replica at index v mod n. Every message is signed
// (Ed25519) by the replica it names, and a replica acts on a message only after checking that
// signature, the request digest and the message's view and window: anything else is discarded
// with no effect and no state change.
//   Request     the replica a client asks (the request signed by the client) relays a signed `request` to all and keeps it pending
//               until executed (re-relaying it every `retryMs`), and so does every replica that
//               receives the relay (by client and op; a backup forwards it to the primary).
//   Pre-prepare the primary binds each pending request to the next seq inside the window
//               (low, low + logWindow] and multicasts `pre-prepare(v, seq, digest, request)`.
//   Prepare     a backup in view v accepts the pre-prepare if it is the first one it accepted for
//               (v, seq), and multicasts `prepare(v, seq, digest)`. It is *prepared* with the
//               pre-prepare and 2f matching prepares from distinct backups (its own included).
//   Commit      a prepared replica multicasts `commit(v, seq, digest)`; with 2f+1 matching commits
//               (its own included) it is *committed-local*, and it executes the requests in seq
//               order: a `decide` of slot seq - 1 (trace slots count from 0) with the request, the
//               store applies it, and every replica sends the client a `reply`. The client takes a
//               result once f+1 replicas sent the same one (client.ts): one of them is honest.
//   Checkpoint  after executing a seq that is a multiple of `checkpointInterval` K a replica signs
//               `checkpoint(seq, digest of its state)`; with 2f+1 matching ones the checkpoint is
//               stable: the low water mark moves to it and the log at or below it is dropped.
//               A replica that sees a stable checkpoint above what it executed fetches the state
//               (`fetch`, `state`; checked against the certified digest).
//   View change a replica that waits for a request longer than `requestTimeoutMs` moves to v+1: it
//               stops taking part in v and multicasts `view-change(v+1, stable checkpoint and its
//               proof, P)` with P its prepared certificates above the checkpoint. A replica that
//               sees view changes from f+1 replicas for higher views joins the smallest one. The
//               primary of v+1, with 2f+1 view changes for v+1 (its own included), computes O: for
//               each seq between the highest stable checkpoint and the highest certificate, the
//               request of the highest-view certificate, else the null request; it multicasts
//               `new-view(v+1, V, O)`. A backup recomputes O from V, enters v+1 and prepares O. If
//               the new view does not come within `viewChangeTimeoutMs` (doubled per consecutive
//               failed view), the replica moves on to the next view. A replica that waits that long
//               without even 2f+1 view changes for its view (a faulty primary showed its new view
//               to some replicas only, and they moved on from there) moves to the next view if
//               another replica's view change names a higher one (one view at a time: a faulty
//               replica may name any view); the f+1 rule then joins the others. Always safe.
//
// Why it is safe. Two quorums of 2f+1 among 3f+1 replicas share f+1, at least one of them honest.
// Within a view: two prepared certificates for (v, seq) with different digests would need an honest
// backup to accept two pre-prepares for (v, seq), which it never does; so all committed-local
// replicas at (v, seq) hold one request. Across views: a request committed at seq in v was prepared
// by 2f+1 replicas, f+1 of them honest; any 2f+1 view changes for a later view contain one of them
// (intersection again), whose certificate for seq is of view >= v. Every valid certificate of a view
// between v and the new one is for the same request (its honest signer prepared it, by induction),
// so the highest one in V is for it and O re-proposes it. Hence no two honest replicas execute
// different requests at one seq. With f+1 Byzantine replicas the intersection may hold no honest
// replica: byzantine.ts builds that run (`breakSafetyScenario`).
//
// Durable state (`persist`): `view` ({ view, active }), `vc` (own view change), `stable` (seq,
// 2f+1 signed checkpoints, the state snapshot at it), and per seq above the checkpoint `pp.<seq>`
// (the accepted pre-prepare: never accept another for its view after a restart), `cert.<seq>` (the
// prepared certificate, for the next view change) and `exec.<seq>` (the request executed there). A
// restarted replica rebuilds its store from the stable snapshot and re-executes the `exec` entries;
// what it collected from others (prepares, commits, checkpoints) is volatile and comes back through
// re-sends. A null `stable.snapshot` (it had not fetched the state yet) makes it fetch again.
//
// Bounded state: whatever views and seqs a faulty replica names in validly signed messages, an
// honest replica keeps one view change per replica (its highest view; the f+1 rule, the 2f+1 of a
// new view and the stall timer count each replica once, at its latest view), checkpoints in the
// window plus at most L/K + 1 per replica above it (its highest: what an honest replica offers at
// a time, so a laggard still gathers 2f+1 matching ones), and answers one `fetch` per requester per
// re-send interval (no amplification; a laggard whose state was lost fetches again).
//
// Clients sign their requests (the paper's client signatures): a request carries `csig`, its
// client's Ed25519 signature (keys derived from keySeed and the client id, crypto.ts), inside the
// request itself, so the request digest covers it and it travels in pre-prepares and certificates.
// A replica accepts a request (from a client, relayed, in a pre-prepare, in a view change's
// certificate or a new view's O) only when that signature verifies; otherwise it discards the
// message with no effect. So a faulty replica can order, delay or drop real requests, but never
// make one up nor change one: every executed request was issued by its client.

import type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from '../Node.js';
import { applyKvMap, clientRequestError, KvMap, type KvCommand, type KvRequest } from '../multipaxos/kv.js';
import { resolveParams, type ParamValues } from '../paxos/params.js';
import { digestOf, signMessage, verifyMessage, verifyRequest, type KeySeed } from './crypto.js';
import {
  checkNewView,
  clientSigned,
  isCommand,
  planNewView,
  primaryOf,
  stateDigest,
  validViewChange,
  wellFormed,
  type CheckpointMsg,
  type Checker,
  type ClientRecord,
  type CommitMsg,
  type FetchMsg,
  type RequestMsg,
  type StateMsg,
  type NewViewMsg,
  type PbftMessage,
  type PbftValue,
  type PrePrepareMsg,
  type PreparedCert,
  type PrepareMsg,
  type Snapshot,
  type ViewChangeMsg,
} from './messages.js';

/** The parameters of the PBFT node. */
export const PBFT_PARAMS = {
  f: {
    kind: 'number',
    default: -1,
    min: -1,
    integer: true,
    description:
      'Byzantine replicas tolerated; quorums are 2f+1. -1 (default) derives floor((n-1)/3). A larger n than 3f+1 lets two quorums meet only in faulty replicas (unsafe).',
  },
  checkpointInterval: {
    kind: 'number',
    default: 8,
    min: 1,
    integer: true,
    description: 'K: a replica signs a checkpoint after executing every K-th sequence number.',
  },
  logWindow: {
    kind: 'number',
    default: 32,
    min: 1,
    integer: true,
    description: 'L: the primary assigns seqs in (low, low + L], low the stable checkpoint (at least K).',
  },
  requestTimeoutMs: {
    kind: 'number',
    default: 500,
    min: 1,
    description: 'A replica waiting this long for a request to execute starts a view change.',
  },
  viewChangeTimeoutMs: {
    kind: 'number',
    default: 1000,
    min: 1,
    description:
      'With 2f+1 view changes, a replica waits this long for the new view before moving on; doubled per consecutive failed view.',
  },
  retryMs: {
    kind: 'number',
    default: 200,
    min: 1,
    description:
      'Re-send interval of pending requests, own normal-case messages of unexecuted seqs, checkpoints, view changes and state fetches.',
  },
  keySeed: {
    kind: 'number',
    default: 0,
    integer: true,
    description:
      'Seed of every replica key pair (Ed25519, derived from keySeed and the replica name). The node also takes a string.',
  },
} as const;

/** Resolved parameters of the PBFT node (`keySeed` may be a string in the library). */
export type PbftParams = Omit<ParamValues<typeof PBFT_PARAMS>, 'keySeed'> & { readonly keySeed: KeySeed };

/**
 * Fill in defaults and check the parameters for `n` replicas; returns them with the effective f.
 * Throws a RangeError naming the parameter.
 */
export function resolvePbftParams(
  given: Readonly<Record<string, unknown>> | undefined,
  n: number,
): PbftParams & { readonly faults: number } {
  const { keySeed, ...rest } = given ?? {};
  const p = resolveParams('pbft', PBFT_PARAMS, rest);
  if (
    keySeed !== undefined &&
    typeof keySeed !== 'string' &&
    !(typeof keySeed === 'number' && Number.isFinite(keySeed))
  ) {
    throw new RangeError(
      `pbft: parameter keySeed must be a string or a number, got ${JSON.stringify(keySeed)}`,
    );
  }
  const faults = p.f < 0 ? Math.floor((n - 1) / 3) : p.f;
  if (2 * faults + 1 > n) {
    throw new RangeError(
      `pbft: parameter f = ${faults} needs quorums of ${2 * faults + 1}, more than the ${n} replicas`,
    );
  }
  if (p.logWindow < p.checkpointInterval) {
    throw new RangeError(
      `pbft: parameter logWindow (${p.logWindow}) must be at least checkpointInterval (${p.checkpointInterval})`,
    );
  }
  return { ...p, keySeed: keySeed ?? p.keySeed, faults };
}

/** The trace header's quorum system for PBFT: any 2f+1 replicas. */
export function pbftQuorum(
  params: Readonly<Record<string, unknown>>,
  nodes: readonly string[],
): { kind: 'threshold'; q1: number; q2: number } {
  const q = 2 * resolvePbftParams(params, nodes.length).faults + 1;
  return { kind: 'threshold', q1: q, q2: q };
}

/** The trace slot of a sequence number (seqs count from 1, trace slots from 0). */
export function slotOfSeq(seq: number): number {
  return seq - 1;
}

/** One sequence number of the log, as seen in `view`. */
export interface SeqEntry {
  /** The view the fields below belong to (older ones are reset when the seq is next touched). */
  readonly view: number;
  readonly pp: PrePrepareMsg | null;
  /** Prepares collected in `view` until prepared, one per replica (the first it sent). */
  readonly prepares: Readonly<Record<NodeId, PrepareMsg>>;
  /** Commit digests collected in `view` until committed-local, one per replica. */
  readonly commits: Readonly<Record<NodeId, string>>;
  readonly prepared: boolean;
  readonly committed: boolean;
  /** The highest-view prepared certificate this replica holds for the seq (kept across views). */
  readonly cert: PreparedCert | null;
}

/** A request this replica waits for. */
export interface PendingRequest {
  readonly cmd: KvCommand;
  /** True when a client handed it to this replica (it re-relays it). */
  readonly own: boolean;
}

/** The state of one PBFT replica. */
export interface PbftState {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly params: PbftParams;
  readonly f: number;
  /** Durable: the current view, and whether the replica takes part in it (false during a view change). */
  readonly view: number;
  readonly active: boolean;
  /** Consecutive views that failed to start (the view-change timeout doubles with each). */
  readonly vcFails: number;
  /** Durable: the stable checkpoint (low water mark), its proof and the state at it (null: to fetch). */
  readonly low: number;
  readonly stableProof: readonly CheckpointMsg[];
  readonly stableSnapshot: Snapshot | null;
  /** Seqs above `low`. */
  readonly log: Readonly<Record<number, SeqEntry>>;
  /** Primary: the highest seq assigned in this view. */
  readonly nextSeq: number;
  /** The highest seq executed (below `low` while the state at `low` is being fetched). */
  readonly lastExec: number;
  readonly kv: KvMap;
  readonly clients: Readonly<Record<string, ClientRecord>>;
  /** Durable: what was executed at each seq above `low`. */
  readonly executed: Readonly<Record<number, PbftValue>>;
  /**
   * Checkpoint messages above `low`, by seq and replica: those in the window (low, low + L], and
   * above the high water mark at most `farCheckpoints` (L/K + 1) per replica, its highest (so what
   * one replica makes this one keep is bounded, whatever seqs it names).
   */
  readonly checkpoints: Readonly<Record<number, Readonly<Record<NodeId, CheckpointMsg>>>>;
  /** Own snapshots at checkpoints above `low` (served once stable). */
  readonly snapshots: Readonly<Record<number, Snapshot>>;
  /**
   * Requests waiting to execute, by client and op (`requestKey`): ops of different clients
   * never share an entry (one client's request must never shadow or retire another's; client
   * signatures already stop a faulty replica from relaying a made-up one). Only client-signed
   * requests get here.
   */
  readonly pending: Readonly<Record<string, PendingRequest>>;
  /** The request (its `requestKey`) the request timer watches, or null when it is not running. */
  readonly timedOp: string | null;
  /**
   * The latest valid view change of each replica (own included), for the current view (while
   * changing) or a higher one: one per replica, its highest view (a newer one replaces the older).
   * The f+1 rule, the 2f+1 new-view quorum and the stall timer need no more.
   */
  readonly viewChanges: Readonly<Record<NodeId, ViewChangeMsg>>;
  /** Own latest view change (durable). */
  readonly ownVc: ViewChangeMsg | null;
  /** The new view that started the current view (the primary re-sends it to late replicas). */
  readonly newView: NewViewMsg | null;
  readonly vcTimerArmed: boolean;
  /**
   * The armed view-change timer is a stall timer: this replica changes views without 2f+1 view
   * changes for its view. When it fires, the replica moves to the next view if another replica's
   * view change names a higher one (a replica left behind when a faulty primary showed its new
   * view to some replicas only, and the others moved on from there). Never unsafe.
   */
  readonly vcStall: boolean;
  readonly retryArmed: boolean;
  /**
   * Replicas whose `fetch` this replica answered since its last retry tick: one state reply per
   * requester per re-send interval (a faulty replica's repeated fetches amplify nothing).
   */
  readonly fetchServed: Readonly<Record<NodeId, true>>;
}

type Eff = Effect<PbftMessage, unknown>;
type PStep = Step<PbftState, PbftMessage, unknown>;

/** Timer names. */
export const PBFT_TIMERS = { request: 'request', viewChange: 'view-change', retry: 'retry' } as const;

/** Effects of one handler call: persisted variables first (merged), then the rest in order. */
class Ctx {
  readonly eff: Eff[] = [];
  private vars: Record<string, unknown> | null = null;
  persist(key: string, value: unknown): void {
    (this.vars ??= {})[key] = value;
  }
  broadcast(msg: PbftMessage): void {
    this.eff.push({ kind: 'broadcast', msg });
  }
  send(to: NodeId, msg: PbftMessage): void {
    this.eff.push({ kind: 'send', to, msg });
  }
  done(state: PbftState): PStep {
    return {
      state,
      effects: this.vars === null ? this.eff : [{ kind: 'persist', vars: this.vars }, ...this.eff],
    };
  }
}

const EMPTY_ENTRY = (view: number, cert: PreparedCert | null): SeqEntry => ({
  view,
  pp: null,
  prepares: {},
  commits: {},
  prepared: false,
  committed: false,
  cert,
});

function checker(s: PbftState): Checker {
  return {
    nodes: s.nodes,
    f: s.f,
    keySeed: s.params.keySeed,
    checkpointInterval: s.params.checkpointInterval,
    logWindow: s.params.logWindow,
  };
}

const primary = (s: PbftState, view = s.view): NodeId => primaryOf(s.nodes, view);
const isPrimary = (s: PbftState): boolean => primary(s) === s.id;
const inWindow = (s: PbftState, seq: number): boolean => seq > s.low && seq <= s.low + s.params.logWindow;

/**
 * Checkpoints kept per replica above the high water mark: L/K + 1, what one honest replica offers
 * at a time (its stable checkpoint and the checkpoints of its window above it), so a laggard keeps
 * every checkpoint an up-to-date replica re-sends and can still gather 2f+1 matching ones.
 */
const farCheckpoints = (s: PbftState): number =>
  Math.floor(s.params.logWindow / s.params.checkpointInterval) + 1;

/** The seqs above the high water mark at which `replica`'s checkpoint is held, lowest first. */
function farCheckpointSeqs(s: PbftState, replica: NodeId): number[] {
  const high = s.low + s.params.logWindow;
  const out: number[] = [];
  for (const [k, byReplica] of Object.entries(s.checkpoints))
    if (Number(k) > high && byReplica[replica] !== undefined) out.push(Number(k));
  return out.sort((a, b) => a - b); // (keys above 2^32 - 2 iterate in insertion order)
}

/** Sign as this replica. */
function signed<T extends PbftMessage>(s: PbftState, body: Omit<T, 'sig' | 'replica'>): T {
  return signMessage<T>(s.params.keySeed, { ...body, replica: s.id } as unknown as Omit<T, 'sig'>);
}

/** The entry of `seq` in the current view (a fresh one when absent or from an older view). */
function entryOf(s: PbftState, seq: number): SeqEntry {
  const e = s.log[seq];
  if (e === undefined) return EMPTY_ENTRY(s.view, null);
  return e.view === s.view ? e : EMPTY_ENTRY(s.view, e.cert);
}

function withEntry(s: PbftState, seq: number, e: SeqEntry): PbftState {
  return { ...s, log: { ...s.log, [seq]: e } };
}

const snapshotOf = (s: PbftState): Snapshot => ({ kv: s.kv.toObject(), clients: s.clients });
const clientKey = (c: string | number): string => (typeof c === 'number' ? `#${c}` : c);
/** The key of a request in `pending`: its client and op (never an integer-like string). */
const requestKey = (cmd: KvCommand): string => `${clientKey(cmd.client)}:${cmd.op}`;

/** True when the state already executed op `cmd.op` of its client (or a later one). */
function executedOp(s: PbftState, cmd: KvCommand): boolean {
  const r = s.clients[clientKey(cmd.client)];
  return r !== undefined && r.op >= cmd.op;
}

/**
 * A reply to `client`'s op. It names the client (the paper's reply carries c): op numbers are
 * the client's (clients number their ops independently), so a runtime must not count a reply for
 * another client's op (impl/sim does not).
 */
function reply(client: string | number, r: { op: number; ok: boolean; result: unknown }): Eff {
  return { kind: 'reply', ...r, client } as Eff;
}

function armRetry(s: PbftState, ctx: Ctx): PbftState {
  if (s.retryArmed) return s;
  ctx.eff.push({ kind: 'setTimer', name: PBFT_TIMERS.retry, after: s.params.retryMs });
  return { ...s, retryArmed: true };
}

/**
 * Start the request timer on the oldest pending request, if it is not running. The primary runs it
 * too (the paper: backups only): a primary whose requests do not execute, e.g. because a backup
 * left for a view the others have not joined, then votes for a view change and the f+1 rule
 * brings the rest along, where with backups alone the cluster could wait forever.
 */
function armRequestTimer(s: PbftState, ctx: Ctx): PbftState {
  if (s.timedOp !== null || !s.active) return s;
  const first = Object.keys(s.pending)[0];
  if (first === undefined) return s;
  ctx.eff.push({ kind: 'setTimer', name: PBFT_TIMERS.request, after: s.params.requestTimeoutMs });
  return { ...s, timedOp: first };
}

// ---------------------------------------------------------------------------------------------
// Normal case.

/** Primary: bind pending requests to the next seqs inside the window. */
function assign(s0: PbftState, ctx: Ctx): PbftState {
  let s = s0;
  if (!s.active || !isPrimary(s)) return s;
  const inLog = new Set<string>();
  for (const e of Object.values(s.log)) {
    if (e.view === s.view && e.pp?.value != null)
      inLog.add(`${clientKey(e.pp.value.client)}:${e.pp.value.op}`);
  }
  for (const p of Object.values(s.pending)) {
    if (s.nextSeq + 1 > s.low + s.params.logWindow) break;
    if (executedOp(s, p.cmd) || inLog.has(`${clientKey(p.cmd.client)}:${p.cmd.op}`)) continue;
    const seq = s.nextSeq + 1;
    const pp = signed<PrePrepareMsg>(s, {
      type: 'pre-prepare',
      view: s.view,
      seq,
      digest: digestOf(p.cmd),
      value: p.cmd,
    });
    ctx.persist(`pp.${seq}`, pp);
    ctx.broadcast(pp);
    s = advance(withEntry({ ...s, nextSeq: seq }, seq, { ...entryOf(s, seq), pp }), seq, ctx);
  }
  return s;
}

/** Accept a pre-prepare (checked by the caller): log it and prepare (backups). */
function acceptPrePrepare(s: PbftState, pp: PrePrepareMsg, ctx: Ctx): PbftState {
  ctx.persist(`pp.${pp.seq}`, pp);
  let e: SeqEntry = { ...entryOf(s, pp.seq), pp };
  if (!isPrimary(s)) {
    const prepare = signed<PrepareMsg>(s, { type: 'prepare', view: s.view, seq: pp.seq, digest: pp.digest });
    e = { ...e, prepares: { ...e.prepares, [s.id]: prepare } };
    ctx.broadcast(prepare);
  }
  return withEntry(s, pp.seq, e);
}

/** Move seq forward: prepared -> commit, committed-local -> execute. */
function advance(s0: PbftState, seq: number, ctx: Ctx): PbftState {
  let s = s0;
  let e = entryOf(s, seq);
  const pp = e.pp;
  if (pp === null) return s;
  if (!e.prepared) {
    const p = primary(s);
    const matching = Object.values(e.prepares)
      .filter((m) => m.digest === pp.digest && m.replica !== p)
      .sort((a, b) => (a.replica < b.replica ? -1 : 1));
    if (matching.length < 2 * s.f) return s;
    const cert: PreparedCert = { prePrepare: pp, prepares: matching.slice(0, 2 * s.f) };
    ctx.persist(`cert.${seq}`, cert);
    ctx.broadcast(signed<CommitMsg>(s, { type: 'commit', view: s.view, seq, digest: pp.digest }));
    e = { ...e, prepared: true, prepares: {}, cert, commits: { ...e.commits, [s.id]: pp.digest } };
    s = withEntry(s, seq, e);
  }
  if (!e.committed) {
    let n = 0;
    for (const d of Object.values(e.commits)) if (d === pp.digest) n++;
    if (n < 2 * s.f + 1) return s;
    s = withEntry(s, seq, { ...e, committed: true, commits: {} });
  }
  return execute(s, ctx);
}

/** Apply one value to the store; the reply, when there is one. */
function applyValue(
  s: PbftState,
  value: PbftValue,
): { s: PbftState; reply: { op: number; ok: boolean; result: unknown } | null } {
  if (value === null || executedOp(s, value)) return { s, reply: null };
  const { store, result } = applyKvMap(s.kv, value);
  const rec: ClientRecord = { op: value.op, ok: result.ok, result: result.value };
  return {
    s: { ...s, kv: store, clients: { ...s.clients, [clientKey(value.client)]: rec } },
    reply: { op: value.op, ok: result.ok, result: result.value },
  };
}

/** After executing `seq`: a checkpoint when it is a multiple of K. */
function checkpointAt(s: PbftState, seq: number, ctx: Ctx | null): PbftState {
  if (seq % s.params.checkpointInterval !== 0) return s;
  const snapshot = snapshotOf(s);
  const cp = signed<CheckpointMsg>(s, { type: 'checkpoint', seq, state: stateDigest(seq, snapshot) });
  ctx?.broadcast(cp);
  const s2: PbftState = {
    ...s,
    snapshots: { ...s.snapshots, [seq]: snapshot },
    checkpoints: { ...s.checkpoints, [seq]: { ...s.checkpoints[seq], [s.id]: cp } },
  };
  return ctx === null ? s2 : checkStable(s2, seq, ctx);
}

/** Execute committed-local seqs in order. */
function execute(s0: PbftState, ctx: Ctx): PbftState {
  let s = s0;
  if (s.lastExec < s.low) return s; // waiting for the state at the stable checkpoint
  let timedDone = false;
  for (;;) {
    const seq = s.lastExec + 1;
    const e = s.log[seq];
    if (e === undefined || e.view !== s.view || !e.committed || e.pp === null) break;
    const value = e.pp.value;
    ctx.eff.push({ kind: 'decide', slot: slotOfSeq(seq), value });
    const applied = applyValue(s, value);
    s = applied.s;
    if (applied.reply !== null) ctx.eff.push(reply(value!.client, applied.reply));
    if (value !== null) {
      // The request and every older op of its client are done: none of them will be assigned
      // again (a faulty replica may have relayed an older op after a newer one), so none may
      // stay pending and fire the request timer, view change after view change.
      const client = clientKey(value.client);
      let pending: Record<string, PendingRequest> | null = null;
      for (const [key, p] of Object.entries(s.pending)) {
        if (clientKey(p.cmd.client) !== client || p.cmd.op > value.op) continue;
        pending ??= { ...s.pending };
        delete pending[key];
        if (s.timedOp === key) timedDone = true;
      }
      if (pending !== null) s = { ...s, pending };
    }
    ctx.persist(`exec.${seq}`, { value });
    s = { ...s, lastExec: seq, vcFails: 0, executed: { ...s.executed, [seq]: value } };
    s = checkpointAt(s, seq, ctx);
  }
  if (timedDone) s = restartRequestTimer(s, ctx);
  return s;
}

/** The watched request executed (or the state moved past it): watch the next one, if any. */
function restartRequestTimer(s: PbftState, ctx: Ctx): PbftState {
  ctx.eff.push({ kind: 'cancelTimer', name: PBFT_TIMERS.request });
  return armRequestTimer({ ...s, timedOp: null }, ctx);
}

// ---------------------------------------------------------------------------------------------
// Checkpoints and state transfer.

/** Make the checkpoint at `seq` stable when 2f+1 replicas signed one state digest. */
function checkStable(s: PbftState, seq: number, ctx: Ctx): PbftState {
  if (seq <= s.low) return s;
  const byDigest = new Map<string, CheckpointMsg[]>();
  for (const m of Object.values(s.checkpoints[seq] ?? {})) {
    const list = byDigest.get(m.state) ?? [];
    list.push(m);
    byDigest.set(m.state, list);
  }
  for (const list of byDigest.values()) {
    if (list.length >= 2 * s.f + 1) {
      const proof = [...list].sort((a, b) => (a.replica < b.replica ? -1 : 1)).slice(0, 2 * s.f + 1);
      return makeStable(s, seq, proof, ctx);
    }
  }
  return s;
}

/** Move the low water mark to `seq` (its proof checked), drop the log at or below it. */
function makeStable(s0: PbftState, seq: number, proof: readonly CheckpointMsg[], ctx: Ctx): PbftState {
  let s = s0;
  const digest = proof[0]!.state;
  const own = s.snapshots[seq];
  const snapshot = s.lastExec >= seq && own !== undefined && stateDigest(seq, own) === digest ? own : null;
  const keep = <T>(r: Readonly<Record<number, T>>): Record<number, T> => {
    const out: Record<number, T> = {};
    for (const [k, v] of Object.entries(r)) if (Number(k) > seq) out[Number(k)] = v;
    return out;
  };
  for (let q = s.low + 1; q <= seq; q++) {
    if (s.log[q] !== undefined) {
      ctx.persist(`pp.${q}`, null);
      ctx.persist(`cert.${q}`, null);
    }
    if (s.executed[q] !== undefined) ctx.persist(`exec.${q}`, null);
  }
  ctx.persist('stable', { seq, proof, snapshot });
  s = {
    ...s,
    low: seq,
    stableProof: proof,
    stableSnapshot: snapshot,
    log: keep(s.log),
    executed: keep(s.executed),
    checkpoints: keep(s.checkpoints),
    snapshots: keep(s.snapshots),
    nextSeq: Math.max(s.nextSeq, seq),
  };
  if (snapshot === null && s.lastExec < seq) {
    ctx.broadcast(signed<FetchMsg>(s, { type: 'fetch', seq }));
    return armRetry(s, ctx);
  }
  return assign(s, ctx);
}

/** Adopt the state at the stable checkpoint (checked against its certified digest). */
function adoptState(s0: PbftState, snapshot: Snapshot, ctx: Ctx): PbftState {
  let s: PbftState = {
    ...s0,
    kv: KvMap.from(snapshot.kv),
    clients: snapshot.clients,
    lastExec: s0.low,
    stableSnapshot: snapshot,
  };
  ctx.persist('stable', { seq: s.low, proof: s.stableProof, snapshot });
  const pending: Record<string, PendingRequest> = {};
  for (const [key, p] of Object.entries(s.pending)) if (!executedOp(s, p.cmd)) pending[key] = p;
  const timedGone = s.timedOp !== null && pending[s.timedOp] === undefined;
  s = { ...s, pending };
  if (timedGone) s = restartRequestTimer(s, ctx);
  return assign(execute(s, ctx), ctx);
}

// ---------------------------------------------------------------------------------------------
// View change.

/** The held view changes for `view` or higher. */
function viewChangesFrom(
  vcs: Readonly<Record<NodeId, ViewChangeMsg>>,
  view: number,
): Record<NodeId, ViewChangeMsg> {
  const out: Record<NodeId, ViewChangeMsg> = {};
  for (const [r, m] of Object.entries(vcs)) if (m.view >= view) out[r] = m;
  return out;
}

/** Leave the current view for `view`: send a view change with the prepared certificates. */
function startViewChange(s0: PbftState, view: number, ctx: Ctx): PbftState {
  let s = s0;
  const prepared: PreparedCert[] = [];
  for (const [k, e] of Object.entries(s.log)) if (Number(k) > s.low && e.cert !== null) prepared.push(e.cert);
  const vc = signed<ViewChangeMsg>(s, {
    type: 'view-change',
    view,
    stable: s.low,
    proof: [...s.stableProof],
    prepared,
  });
  const viewChanges = viewChangesFrom(s.viewChanges, view);
  viewChanges[s.id] = vc;
  if (s.timedOp !== null) ctx.eff.push({ kind: 'cancelTimer', name: PBFT_TIMERS.request });
  if (s.vcTimerArmed) ctx.eff.push({ kind: 'cancelTimer', name: PBFT_TIMERS.viewChange });
  ctx.persist('view', { view, active: false });
  ctx.persist('vc', vc);
  ctx.broadcast(vc);
  s = {
    ...s,
    view,
    active: false,
    ownVc: vc,
    newView: null,
    viewChanges,
    timedOp: null,
    vcTimerArmed: false,
    vcStall: false,
  };
  return armRetry(onViewChanges(s, ctx), ctx);
}

/** After a view change arrived or was sent: join a higher view (f+1 rule), arm the timer, lead. */
function onViewChanges(s0: PbftState, ctx: Ctx): PbftState {
  let s = s0;
  // f+1 replicas want views above ours: join the smallest of them.
  // (Each replica's latest view change only: one that moved on from a view no longer counts for it,
  // as it would not take part in it.)
  const above: number[] = [];
  const vcs: ViewChangeMsg[] = [];
  for (const m of Object.values(s.viewChanges)) {
    if (m.view > s.view && m.replica !== s.id) above.push(m.view);
    if (m.view === s.view) vcs.push(m);
  }
  if (above.length >= s.f + 1) return startViewChange(s, Math.min(...above), ctx);
  if (s.active) return s;
  const after = s.params.viewChangeTimeoutMs * 2 ** Math.min(s.vcFails, 20);
  if (vcs.length < 2 * s.f + 1) {
    if (!s.vcTimerArmed) {
      ctx.eff.push({ kind: 'setTimer', name: PBFT_TIMERS.viewChange, after });
      s = { ...s, vcTimerArmed: true, vcStall: true };
    }
    return s;
  }
  if (!s.vcTimerArmed || s.vcStall) {
    // The paper's timer starts with 2f+1 view changes (a running stall timer is replaced).
    ctx.eff.push({ kind: 'setTimer', name: PBFT_TIMERS.viewChange, after });
    s = { ...s, vcTimerArmed: true, vcStall: false };
  }
  if (!isPrimary(s) || s.ownVc === null || s.ownVc.view !== s.view) return s;
  const others = vcs
    .filter((m) => m.replica !== s.id)
    .sort((a, b) => (a.replica < b.replica ? -1 : 1))
    .slice(0, 2 * s.f);
  const chosen = [s.ownVc, ...others];
  const plan = planNewView(chosen);
  const prePrepares = plan.entries.map((e) =>
    signed<PrePrepareMsg>(s, {
      type: 'pre-prepare',
      view: s.view,
      seq: e.seq,
      digest: e.digest,
      value: e.value,
    }),
  );
  const nv = signed<NewViewMsg>(s, { type: 'new-view', view: s.view, viewChanges: chosen, prePrepares });
  ctx.broadcast(nv);
  return enterView(s, nv, plan.stable, plan.proof, ctx);
}

/** Enter the view of `nv` (checked): adopt its checkpoint, log and prepare its pre-prepares. */
function enterView(
  s0: PbftState,
  nv: NewViewMsg,
  stable: number,
  proof: readonly CheckpointMsg[],
  ctx: Ctx,
): PbftState {
  let s = s0;
  if (s.vcTimerArmed) ctx.eff.push({ kind: 'cancelTimer', name: PBFT_TIMERS.viewChange });
  const viewChanges = viewChangesFrom(s.viewChanges, nv.view + 1);
  ctx.persist('view', { view: nv.view, active: true });
  // Active only once the new view's pre-prepares are in: a primary must not assign seqs (makeStable
  // and checkpoints below call assign) before it knows which seqs O takes, nor keep a nextSeq
  // below a seq it assigned (it would assign that seq again, to another request: equivocation).
  s = {
    ...s,
    view: nv.view,
    active: false,
    newView: nv,
    viewChanges,
    vcTimerArmed: false,
    vcStall: false,
    timedOp: null,
  };
  if (stable > s.low) s = makeStable(s, stable, proof, ctx);
  let top = s.low;
  for (const pp of nv.prePrepares) {
    top = Math.max(top, pp.seq);
    if (pp.seq > s.low) s = advance(acceptPrePrepare(s, pp, ctx), pp.seq, ctx);
  }
  s = { ...s, active: true, nextSeq: Math.max(top, s.low) };
  if (s0.timedOp !== null) ctx.eff.push({ kind: 'cancelTimer', name: PBFT_TIMERS.request });
  s = armRequestTimer(s, ctx);
  return armRetry(assign(s, ctx), ctx);
}

// ---------------------------------------------------------------------------------------------
// Handlers.

function onRequest(s0: PbftState, req: ClientRequest<KvRequest>, ctx: Ctx): PbftState {
  let s = s0;
  const error = clientRequestError(req);
  if (error !== null) {
    ctx.eff.push(reply(req.client, { op: req.op, ok: false, result: { error } }));
    return s;
  }
  const cmd = { ...req.request, op: req.op, client: req.client } as KvCommand;
  // Only what the client signed (a request without its client's signature is no request).
  if (!verifyRequest(s.params.keySeed, cmd)) return s;
  const rec = s.clients[clientKey(cmd.client)];
  if (rec !== undefined && rec.op === cmd.op) {
    ctx.eff.push(reply(cmd.client, { op: cmd.op, ok: rec.ok, result: rec.result })); // a client retry
    return s;
  }
  if (executedOp(s, cmd) || s.pending[requestKey(cmd)] !== undefined) return s;
  ctx.broadcast(signed<RequestMsg>(s, { type: 'request', request: cmd }));
  s = { ...s, pending: { ...s.pending, [requestKey(cmd)]: { cmd, own: true } } };
  return armRetry(armRequestTimer(assign(s, ctx), ctx), ctx);
}

function onMessage(s: PbftState, msg: unknown, ctx: Ctx): PbftState {
  if (!wellFormed(msg) || msg.replica === s.id || !s.nodes.includes(msg.replica)) return s;
  const keySeed = s.params.keySeed;
  switch (msg.type) {
    case 'request': {
      const cmd = msg.request;
      const key = requestKey(cmd);
      if (executedOp(s, cmd) || s.pending[key] !== undefined || !verifyMessage(keySeed, msg)) return s;
      if (!verifyRequest(keySeed, cmd)) return s; // made up or altered by the relaying replica
      const next = { ...s, pending: { ...s.pending, [key]: { cmd, own: false } } };
      return armRetry(armRequestTimer(assign(next, ctx), ctx), ctx);
    }
    case 'pre-prepare': {
      if (!s.active || msg.view !== s.view || msg.replica !== primary(s) || !inWindow(s, msg.seq)) return s;
      if (msg.seq <= s.lastExec || entryOf(s, msg.seq).pp !== null) return s;
      if (msg.digest !== digestOf(msg.value) || !verifyMessage(keySeed, msg)) return s;
      if (!clientSigned(keySeed, msg.value)) return s; // a request no client issued
      return armRetry(advance(acceptPrePrepare(s, msg, ctx), msg.seq, ctx), ctx);
    }
    case 'prepare': {
      if (!s.active || msg.view !== s.view || msg.replica === primary(s) || !inWindow(s, msg.seq)) return s;
      const e = entryOf(s, msg.seq);
      if (e.prepared || e.prepares[msg.replica] !== undefined) return s;
      if ((e.pp !== null && msg.digest !== e.pp.digest) || !verifyMessage(keySeed, msg)) return s;
      const next = withEntry(s, msg.seq, { ...e, prepares: { ...e.prepares, [msg.replica]: msg } });
      return advance(next, msg.seq, ctx);
    }
    case 'commit': {
      if (!s.active || msg.view !== s.view || !inWindow(s, msg.seq)) return s;
      const e = entryOf(s, msg.seq);
      if (e.committed || e.commits[msg.replica] !== undefined) return s;
      if ((e.pp !== null && msg.digest !== e.pp.digest) || !verifyMessage(keySeed, msg)) return s;
      const next = withEntry(s, msg.seq, { ...e, commits: { ...e.commits, [msg.replica]: msg.digest } });
      return advance(next, msg.seq, ctx);
    }
    case 'checkpoint': {
      if (msg.seq <= s.low || msg.seq % s.params.checkpointInterval !== 0) return s;
      if (s.checkpoints[msg.seq]?.[msg.replica] !== undefined) return s;
      // Above the high water mark (a laggard learns of the stable checkpoint there), at most
      // farCheckpoints per replica, its highest: the lowest one gives way, or the message does.
      let evict: number | null = null;
      if (msg.seq > s.low + s.params.logWindow) {
        const far = farCheckpointSeqs(s, msg.replica);
        if (far.length >= farCheckpoints(s)) {
          if (msg.seq < far[0]!) return s;
          evict = far[0]!;
        }
      }
      if (!verifyMessage(keySeed, msg)) return s;
      const checkpoints = { ...s.checkpoints };
      if (evict !== null) {
        const rest = { ...checkpoints[evict] };
        delete rest[msg.replica];
        if (Object.keys(rest).length === 0) delete checkpoints[evict];
        else checkpoints[evict] = rest;
      }
      checkpoints[msg.seq] = { ...checkpoints[msg.seq], [msg.replica]: msg };
      return checkStable({ ...s, checkpoints }, msg.seq, ctx);
    }
    case 'view-change': {
      if (msg.view === s.view && s.active) {
        // A replica that missed the new view: its primary sends it again.
        if (!isPrimary(s) || s.newView === null || !validViewChange(checker(s), msg)) return s;
        ctx.send(msg.replica, s.newView);
        return s;
      }
      // One per replica, its highest view: a newer one replaces the older (a replica that moved on
      // takes no part in the view it left), an older or repeated one is discarded. A faulty
      // replica naming view after view makes this one keep one message for it, not one per view.
      const held = s.viewChanges[msg.replica];
      if (msg.view < s.view || (held !== undefined && held.view >= msg.view)) return s;
      if (!validViewChange(checker(s), msg)) return s;
      return onViewChanges({ ...s, viewChanges: { ...s.viewChanges, [msg.replica]: msg } }, ctx);
    }
    case 'new-view': {
      if (msg.view < s.view || (msg.view === s.view && s.active)) return s;
      const plan = checkNewView(checker(s), msg);
      if (plan === null) return s;
      return enterView(s, msg, plan.stable, plan.proof, ctx);
    }
    case 'fetch': {
      // Once per requester per re-send interval (cleared on the retry tick): a lost state is sent
      // again when the laggard fetches again, a faulty replica's stream of fetches gets one reply.
      if (msg.seq !== s.low || s.stableSnapshot === null || s.fetchServed[msg.replica] === true) return s;
      if (!verifyMessage(keySeed, msg)) return s;
      ctx.send(msg.replica, signed<StateMsg>(s, { type: 'state', seq: s.low, snapshot: s.stableSnapshot }));
      return armRetry({ ...s, fetchServed: { ...s.fetchServed, [msg.replica]: true } }, ctx);
    }
    case 'state': {
      if (msg.seq !== s.low || s.lastExec >= s.low || s.stableProof.length === 0) return s;
      if (stateDigest(msg.seq, msg.snapshot) !== s.stableProof[0]!.state) return s;
      return adoptState(s, msg.snapshot, ctx);
    }
  }
}

function onTimer(s0: PbftState, name: string, ctx: Ctx): PbftState {
  let s = s0;
  switch (name) {
    case PBFT_TIMERS.request: {
      const op = s.timedOp;
      s = { ...s, timedOp: null };
      if (op === null || s.pending[op] === undefined || !s.active) return armRequestTimer(s, ctx);
      return startViewChange(s, s.view + 1, ctx);
    }
    case PBFT_TIMERS.viewChange: {
      const stall = s.vcStall;
      s = { ...s, vcTimerArmed: false, vcStall: false };
      if (s.active) return s;
      if (stall) {
        // Someone is ahead: climb one view, never straight to the view it names. One faulty
        // replica may name any view (up to the largest safe integer, where the next view change
        // is malformed and no view could follow); with f+1 ahead, the f+1 rule joins the smallest.
        const ahead = Object.values(s.viewChanges).some((m) => m.view > s.view && m.replica !== s.id);
        return ahead ? startViewChange(s, s.view + 1, ctx) : onViewChanges(s, ctx);
      }
      return startViewChange({ ...s, vcFails: s.vcFails + 1 }, s.view + 1, ctx);
    }
    case PBFT_TIMERS.retry:
      return resend({ ...s, retryArmed: false, fetchServed: {} }, ctx);
    default:
      return s;
  }
}

/** Re-send what may have been lost; re-arm while something is outstanding. */
function resend(s: PbftState, ctx: Ctx): PbftState {
  let busy = false;
  for (const p of Object.values(s.pending)) {
    busy = true;
    if (p.own) ctx.broadcast(signed<RequestMsg>(s, { type: 'request', request: p.cmd }));
    // A relayed request goes on to the primary (the paper's backups forward it): a faulty relayer
    // that shows a request to the backups only must not force a view change per request.
    else if (s.active && !isPrimary(s))
      ctx.send(primary(s), signed<RequestMsg>(s, { type: 'request', request: p.cmd }));
  }
  if (s.active) {
    for (const [k, e] of Object.entries(s.log)) {
      const seq = Number(k);
      // Not committed-local in this view, or not executed: others may still need our messages.
      if ((seq <= s.lastExec && e.committed) || e.view !== s.view || e.pp === null) continue;
      busy = true;
      if (isPrimary(s)) ctx.broadcast(e.pp);
      else ctx.broadcast(signed<PrepareMsg>(s, { type: 'prepare', view: s.view, seq, digest: e.pp.digest }));
      if (e.prepared)
        ctx.broadcast(signed<CommitMsg>(s, { type: 'commit', view: s.view, seq, digest: e.pp.digest }));
    }
  } else if (s.ownVc !== null) {
    busy = true;
    ctx.broadcast(s.ownVc);
  }
  for (const [k, byReplica] of Object.entries(s.checkpoints)) {
    const cp = byReplica[s.id];
    if (Number(k) > s.low && cp !== undefined) {
      busy = true;
      ctx.broadcast(cp);
    }
  }
  if (s.lastExec < s.low) {
    busy = true;
    ctx.broadcast(signed<FetchMsg>(s, { type: 'fetch', seq: s.low }));
  }
  if (busy) {
    // Laggards learn of the stable checkpoint from its proof's own message.
    const own = s.stableProof.find((m) => m.replica === s.id);
    if (own !== undefined) ctx.broadcast(own);
  }
  return busy ? armRetry(s, ctx) : s;
}

// ---------------------------------------------------------------------------------------------
// Start and restart.

function restore(
  config: NodeConfig<Record<string, unknown>>,
  durable: Readonly<Record<string, unknown>> | undefined,
) {
  const p = resolvePbftParams(config.params, config.nodes.length);
  const { faults, ...params } = p;
  if (!config.nodes.includes(config.id)) {
    throw new RangeError(`pbft: node ${config.id} is not among the nodes (${config.nodes.join(', ')})`);
  }
  const d = durable ?? {};
  const v = d['view'] as { view?: unknown; active?: unknown } | undefined;
  const view = typeof v?.view === 'number' ? v.view : 0;
  const active = v?.active !== false;
  const st = d['stable'] as { seq?: unknown; proof?: unknown; snapshot?: unknown } | undefined;
  const low = typeof st?.seq === 'number' ? st.seq : 0;
  const stableProof = low > 0 && Array.isArray(st?.proof) ? (st.proof as CheckpointMsg[]) : [];
  const snap = st?.snapshot as Snapshot | null | undefined;
  const stableSnapshot = low === 0 ? { kv: {}, clients: {} } : (snap ?? null);
  let s: PbftState = {
    id: config.id,
    nodes: config.nodes,
    params,
    f: faults,
    view,
    active,
    vcFails: 0,
    low,
    stableProof,
    stableSnapshot,
    log: {},
    nextSeq: low,
    lastExec: stableSnapshot === null ? low - 1 : low,
    kv: KvMap.from(stableSnapshot?.kv ?? {}),
    clients: stableSnapshot?.clients ?? {},
    executed: {},
    checkpoints: {},
    snapshots: {},
    pending: {},
    timedOp: null,
    viewChanges: {},
    ownVc: null,
    newView: null,
    vcTimerArmed: false,
    vcStall: false,
    retryArmed: false,
    fetchServed: {},
  };
  const log: Record<number, SeqEntry> = {};
  const executed: Record<number, PbftValue> = {};
  for (const [k, val] of Object.entries(d)) {
    if (val === null || val === undefined) continue;
    const dot = k.indexOf('.');
    const seq = Number(k.slice(dot + 1));
    if (dot < 0 || !(seq > low)) continue;
    const kind = k.slice(0, dot);
    if (kind === 'pp' && wellFormed(val) && val.type === 'pre-prepare') {
      const e = log[seq] ?? EMPTY_ENTRY(val.view, null);
      log[seq] = { ...e, view: val.view, pp: val };
    } else if (kind === 'cert') {
      const cert = val as PreparedCert;
      const e = log[seq] ?? EMPTY_ENTRY(cert.prePrepare.view, null);
      log[seq] = { ...e, cert };
    } else if (kind === 'exec') {
      const value = (val as { value?: unknown }).value;
      executed[seq] = value === null || isCommand(value) ? value : null;
    }
  }
  for (const [k, e] of Object.entries(log)) {
    const prepared = e.pp !== null && e.cert !== null && e.cert.prePrepare.view === e.view;
    log[Number(k)] = { ...e, prepared };
    if (e.pp !== null && e.view === view && e.pp.replica === config.id)
      s = { ...s, nextSeq: Math.max(s.nextSeq, Number(k)) };
  }
  s = { ...s, log };
  // Re-execute what was executed above the stable checkpoint (it was committed-local then).
  if (s.lastExec === low) {
    for (let seq = low + 1; executed[seq] !== undefined; seq++) {
      s = applyValue(s, executed[seq]!).s;
      s = { ...s, lastExec: seq, executed: { ...s.executed, [seq]: executed[seq]! } };
      s = checkpointAt(s, seq, null);
    }
  }
  const vc = d['vc'];
  if (!active && wellFormed(vc) && vc.type === 'view-change' && vc.view === view) {
    s = { ...s, ownVc: vc, viewChanges: { [s.id]: vc } };
  }
  return s;
}

function init(
  config: NodeConfig<Record<string, unknown>>,
  durable: Readonly<Record<string, unknown>> | undefined,
): PStep {
  const ctx = new Ctx();
  let s = restore(config, durable);
  if (durable !== undefined) s = resend(s, ctx);
  return ctx.done(s);
}

/**
 * PBFT with a key-value store on the node contract. Parameters: {@link PBFT_PARAMS} (resolved by
 * {@link resolvePbftParams}); client requests are {@link KvRequest}s, answered by every replica
 * with the value read or written (a client accepts f+1 matching replies: {@link ReplyCollector}).
 * Decisions: slot `seq - 1`, value the executed request (or null for the null request).
 */
export const pbftNode: NodeBehavior<PbftState, PbftMessage, KvRequest, unknown, Record<string, unknown>> = {
  protocol: 'pbft',
  init: (config, durable) => init(config, durable),
  onMessage(s, _from, msg): PStep {
    const ctx = new Ctx();
    const next = onMessage(s, msg, ctx);
    return next === s && ctx.eff.length === 0 ? { state: s, effects: [] } : ctx.done(next);
  },
  onTimer(s, name): PStep {
    const ctx = new Ctx();
    return ctx.done(onTimer(s, name, ctx));
  },
  onRequest(s, req): PStep {
    const ctx = new Ctx();
    return ctx.done(onRequest(s, req, ctx));
  },
};
