// The PBFT messages as they travel and as traces record them (`msg` of send/recv events under
// `"protocol": "pbft"`), and the checks every replica applies to a message before it may act on
// it: shape, signature, digest, and the certificates inside view changes and new views.

import type { NodeId } from '../Node.js';
import type { KvCommand } from '../multipaxos/kv.js';
import { kvRequestError } from '../multipaxos/kv.js';
import { canonicalJson } from '../sim/canonical.js';
import { digestOf, verifyMessage, verifyRequest, type KeySeed } from './crypto.js';

/**
 * What a sequence number is bound to: a client command, or `null` (the null request, a no-op).
 * A command carries its client's signature (`csig`, crypto.ts `signRequest`); replicas accept
 * only commands whose signature verifies ({@link clientSigned}).
 */
export type PbftValue = KvCommand | null;

/** Every protocol message names the replica that signed it and carries its signature. */
export interface Signed {
  /** The replica the message claims to come from (authenticated by `sig`, not by the transport). */
  readonly replica: NodeId;
  /** Ed25519 signature (base64url) of the canonical JSON of the message without `sig`. */
  readonly sig: string;
}

/** A client request (signed by its client: `request.csig`) relayed, and signed, by a replica. */
export interface RequestMsg extends Signed {
  readonly type: 'request';
  readonly request: KvCommand;
}
/** The primary of `view` binds `value` (with `digest`) to `seq`. */
export interface PrePrepareMsg extends Signed {
  readonly type: 'pre-prepare';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  readonly value: PbftValue;
}
/** A backup accepted the pre-prepare for (view, seq) with `digest`. */
export interface PrepareMsg extends Signed {
  readonly type: 'prepare';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
}
/** A replica is prepared for (view, seq, digest). */
export interface CommitMsg extends Signed {
  readonly type: 'commit';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
}
/** A replica executed every request up to `seq` and its state has digest `state`. */
export interface CheckpointMsg extends Signed {
  readonly type: 'checkpoint';
  readonly seq: number;
  readonly state: string;
}
/** A prepared certificate: a pre-prepare and 2f matching prepares from distinct backups. */
export interface PreparedCert {
  readonly prePrepare: PrePrepareMsg;
  readonly prepares: PrepareMsg[];
}
/** A replica moves to `view`: its stable checkpoint (with 2f+1 signatures) and its prepared certificates above it. */
export interface ViewChangeMsg extends Signed {
  readonly type: 'view-change';
  readonly view: number;
  readonly stable: number;
  readonly proof: CheckpointMsg[];
  readonly prepared: PreparedCert[];
}
/** The primary of `view` starts it: 2f+1 view changes and the pre-prepares they imply. */
export interface NewViewMsg extends Signed {
  readonly type: 'new-view';
  readonly view: number;
  readonly viewChanges: ViewChangeMsg[];
  readonly prePrepares: PrePrepareMsg[];
}
/** State transfer: a replica behind a stable checkpoint asks for the state at `seq`. */
export interface FetchMsg extends Signed {
  readonly type: 'fetch';
  readonly seq: number;
}
/** State transfer: the state at the stable checkpoint `seq` (checked against its certified digest). */
export interface StateMsg extends Signed {
  readonly type: 'state';
  readonly seq: number;
  readonly snapshot: Snapshot;
}

/** The replicated state at a checkpoint: the store and, per client, its last executed op and result. */
export interface Snapshot {
  readonly kv: Readonly<Record<string, unknown>>;
  readonly clients: Readonly<Record<string, ClientRecord>>;
}
/** The last op of a client the state executed, with its result (re-sent if the client asks again). */
export interface ClientRecord {
  readonly op: number;
  readonly ok: boolean;
  readonly result: unknown;
}

/** Every PBFT message. */
export type PbftMessage =
  | RequestMsg
  | PrePrepareMsg
  | PrepareMsg
  | CommitMsg
  | CheckpointMsg
  | ViewChangeMsg
  | NewViewMsg
  | FetchMsg
  | StateMsg;

/** The messages of the normal case, bound to one (view, seq). */
export type NormalMsg = PrePrepareMsg | PrepareMsg | CommitMsg;

/** The digest of a checkpoint state. */
export function stateDigest(seq: number, snapshot: Snapshot): string {
  return digestOf({ seq, snapshot });
}

/** The fixed facts a replica checks messages against. */
export interface Checker {
  readonly nodes: readonly NodeId[];
  readonly f: number;
  readonly keySeed: KeySeed;
  readonly checkpointInterval: number;
  readonly logWindow: number;
}

/** The primary of `view`: the replicas take turns in their configured order. */
export function primaryOf(nodes: readonly NodeId[], view: number): NodeId {
  return nodes[view % nodes.length]!;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string';

/** True for a well-formed client command (what a request or a pre-prepare may carry). */
export function isCommand(x: unknown): x is KvCommand {
  if (!isObj(x) || kvRequestError(x) !== null) return false;
  return Number.isSafeInteger(x['op']) && (isStr(x['client']) || typeof x['client'] === 'number');
}

/**
 * The shape of a message, checked before anything else reads it (a Byzantine sender may send
 * anything; a handler must never throw on it). Nested messages are checked by the certificate
 * checks below.
 */
export function wellFormed(m: unknown): m is PbftMessage {
  if (!isObj(m) || !isStr(m['replica']) || !isStr(m['sig'])) return false;
  switch (m['type']) {
    case 'request':
      return isCommand(m['request']);
    case 'pre-prepare':
      return (
        isNat(m['view']) &&
        isNat(m['seq']) &&
        isStr(m['digest']) &&
        (m['value'] === null || isCommand(m['value']))
      );
    case 'prepare':
    case 'commit':
      return isNat(m['view']) && isNat(m['seq']) && isStr(m['digest']);
    case 'checkpoint':
      return isNat(m['seq']) && isStr(m['state']);
    case 'view-change':
      return (
        isNat(m['view']) && isNat(m['stable']) && Array.isArray(m['proof']) && Array.isArray(m['prepared'])
      );
    case 'new-view':
      return isNat(m['view']) && Array.isArray(m['viewChanges']) && Array.isArray(m['prePrepares']);
    case 'fetch':
      return isNat(m['seq']);
    case 'state':
      return (
        isNat(m['seq']) &&
        isObj(m['snapshot']) &&
        isObj(m['snapshot']['kv']) &&
        isObj(m['snapshot']['clients'])
      );
    default:
      return false;
  }
}

/** True for the null request or a command whose client signature (`csig`) verifies. */
export function clientSigned(keySeed: KeySeed, value: PbftValue): boolean {
  return value === null || verifyRequest(keySeed, value);
}

/**
 * A pre-prepare that is well formed, signed by the primary of its view, whose digest matches its
 * request, and whose request is the null request or signed by its client.
 */
export function validPrePrepare(c: Checker, pp: unknown): pp is PrePrepareMsg {
  return (
    wellFormed(pp) &&
    pp.type === 'pre-prepare' &&
    pp.replica === primaryOf(c.nodes, pp.view) &&
    pp.digest === digestOf(pp.value) &&
    verifyMessage(c.keySeed, pp) &&
    clientSigned(c.keySeed, pp.value)
  );
}

/**
 * A checkpoint proof for `seq`: at least 2f+1 checkpoint messages from distinct replicas, all for
 * `seq` with one state digest, all validly signed. Returns that digest, or null.
 */
export function checkProof(c: Checker, seq: number, proof: unknown): string | null {
  if (seq === 0) return Array.isArray(proof) && proof.length === 0 ? '' : null;
  if (!Array.isArray(proof) || seq % c.checkpointInterval !== 0) return null;
  const signers = new Set<string>();
  let state: string | null = null;
  for (const m of proof) {
    if (!wellFormed(m) || m.type !== 'checkpoint' || m.seq !== seq || !c.nodes.includes(m.replica))
      return null;
    if (state !== null && m.state !== state) return null;
    state = m.state;
    if (signers.has(m.replica) || !verifyMessage(c.keySeed, m)) return null;
    signers.add(m.replica);
  }
  return signers.size >= 2 * c.f + 1 ? state : null;
}

/** A prepared certificate for a view below `below`, with its seq in (stable, stable + L]. */
export function validCert(c: Checker, cert: unknown, below: number, stable: number): cert is PreparedCert {
  if (!isObj(cert) || !Array.isArray(cert['prepares'])) return false;
  const pp = cert['prePrepare'];
  if (!validPrePrepare(c, pp) || pp.view >= below) return false;
  if (pp.seq <= stable || pp.seq > stable + c.logWindow) return false;
  const primary = primaryOf(c.nodes, pp.view);
  const signers = new Set<string>();
  for (const p of cert['prepares'] as unknown[]) {
    if (!wellFormed(p) || p.type !== 'prepare') return false;
    if (p.view !== pp.view || p.seq !== pp.seq || p.digest !== pp.digest) return false;
    if (p.replica === primary || !c.nodes.includes(p.replica) || signers.has(p.replica)) return false;
    if (!verifyMessage(c.keySeed, p)) return false;
    signers.add(p.replica);
  }
  return signers.size >= 2 * c.f;
}

/** A view change: signed, with a valid checkpoint proof and valid certificates, one per seq. */
export function validViewChange(c: Checker, vc: unknown): vc is ViewChangeMsg {
  if (!wellFormed(vc) || vc.type !== 'view-change' || !c.nodes.includes(vc.replica)) return false;
  if (!verifyMessage(c.keySeed, vc)) return false;
  if (checkProof(c, vc.stable, vc.proof) === null) return false;
  const seqs = new Set<number>();
  for (const cert of vc.prepared) {
    if (!validCert(c, cert, vc.view, vc.stable) || seqs.has(cert.prePrepare.seq)) return false;
    seqs.add(cert.prePrepare.seq);
  }
  return true;
}

/** What a set of view changes implies for the new view: the stable checkpoint and the requests to re-propose. */
export interface NewViewPlan {
  /** The highest stable checkpoint among the view changes (min-s in the paper). */
  readonly stable: number;
  /** Its proof, from the view change that reported it. */
  readonly proof: CheckpointMsg[];
  /** For each seq in (stable, max-s]: the request of the highest-view certificate, else null. */
  readonly entries: { readonly seq: number; readonly digest: string; readonly value: PbftValue }[];
}

/** Compute the new view's pre-prepares from valid view changes (the paper's O). */
export function planNewView(vcs: readonly ViewChangeMsg[]): NewViewPlan {
  let best: ViewChangeMsg | undefined;
  for (const vc of vcs) if (best === undefined || vc.stable > best.stable) best = vc;
  const stable = best?.stable ?? 0;
  const top = new Map<number, PrePrepareMsg>();
  let maxS = stable;
  for (const vc of vcs) {
    for (const cert of vc.prepared) {
      const pp = cert.prePrepare;
      if (pp.seq <= stable) continue;
      maxS = Math.max(maxS, pp.seq);
      const cur = top.get(pp.seq);
      if (cur === undefined || pp.view > cur.view) top.set(pp.seq, pp);
    }
  }
  const entries: { seq: number; digest: string; value: PbftValue }[] = [];
  for (let seq = stable + 1; seq <= maxS; seq++) {
    const pp = top.get(seq);
    entries.push(
      pp === undefined
        ? { seq, digest: digestOf(null), value: null }
        : { seq, digest: pp.digest, value: pp.value },
    );
  }
  return { stable, proof: best?.proof ?? [], entries };
}

/**
 * A new view: signed by the primary of its view, 2f+1 valid view changes for that view from
 * distinct replicas, and exactly the pre-prepares those imply, each signed by the primary.
 * Returns the plan, or null when anything does not check.
 */
export function checkNewView(c: Checker, nv: NewViewMsg): NewViewPlan | null {
  if (nv.replica !== primaryOf(c.nodes, nv.view) || !verifyMessage(c.keySeed, nv)) return null;
  const signers = new Set<string>();
  for (const vc of nv.viewChanges) {
    if (!validViewChange(c, vc) || vc.view !== nv.view || signers.has(vc.replica)) return null;
    signers.add(vc.replica);
  }
  if (signers.size < 2 * c.f + 1) return null;
  const plan = planNewView(nv.viewChanges);
  if (plan.entries.length !== nv.prePrepares.length) return null;
  for (let i = 0; i < plan.entries.length; i++) {
    const e = plan.entries[i]!;
    const pp: unknown = nv.prePrepares[i];
    if (!validPrePrepare(c, pp) || pp.view !== nv.view || pp.seq !== e.seq || pp.digest !== e.digest)
      return null;
    if (canonicalJson(pp.value) !== canonicalJson(e.value)) return null;
  }
  return plan;
}
