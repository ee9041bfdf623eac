// What the PBFT checks share about the trace format of impl/pbft/README.md: request digests,
// Ed25519 signatures over canonical JSON (verified once per distinct message), the primary of a
// view, and which replicas the trace shows to be faulty.
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TraceHeader } from '../traces/index.js';
import { canonicalJson } from './commands.js';

/** The request a new primary pre-prepares for a sequence number no view-change reported prepared. */
export const NULL_REQUEST = null;

/**
 * The log slot of sequence number `seq`: PBFT numbers requests from 1, trace slots count from 0
 * (a replica that executes seq writes `decide` with `slot: seq - 1`).
 */
export function slotOfSeq(seq: number): number {
  return seq - 1;
}

/** Message types a PBFT replica signs (every replica-to-replica message). */
export const PBFT_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'request',
  'pre-prepare',
  'prepare',
  'commit',
  'checkpoint',
  'view-change',
  'new-view',
  'fetch',
  'state',
]);

/** hex(sha256(canonicalJson(request))): the digest pre-prepares, prepares and commits name. */
export function digestOf(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request), 'utf8').digest('hex');
}

/** The null request (`null`: a no-op when executed). */
export function isNullRequest(v: unknown): boolean {
  return v === null;
}

/** The primary of `view`: `nodes[view mod n]`. */
export function primaryOf(nodes: readonly string[], view: number): string {
  return nodes[((view % nodes.length) + nodes.length) % nodes.length] as string;
}

/** A non-negative safe integer (views, sequence numbers). */
export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** `f` of the header's params, else the most faults n replicas tolerate: floor((n - 1) / 3). */
export function faultsOf(header: TraceHeader): number {
  const f = (header.params as { f?: unknown } | undefined)?.f;
  return isCount(f) ? f : Math.floor((header.nodes.length - 1) / 3);
}

/**
 * The replicas `params.byzantine` names: a list of names, a list of objects with a `replica` (or
 * `node`) name, or an object keyed by name. It only labels; nothing else in the header is trusted.
 */
export function byzantineOf(header: TraceHeader): string[] {
  const b = (header.params as { byzantine?: unknown } | undefined)?.byzantine;
  const known = new Set(header.nodes);
  const out: string[] = [];
  const add = (x: unknown): void => {
    if (typeof x === 'string' && known.has(x) && !out.includes(x)) out.push(x);
  };
  if (Array.isArray(b)) {
    for (const e of b as unknown[]) {
      if (typeof e === 'string') add(e);
      else if (typeof e === 'object' && e !== null) {
        const o = e as { replica?: unknown; node?: unknown };
        add(o.replica ?? o.node);
      }
    }
  } else if (typeof b === 'object' && b !== null) {
    for (const k of Object.keys(b)) add(k);
  }
  return out;
}

/** Verdict of one signature: valid, invalid (or missing), or no usable key for the named replica. */
export type SigStatus = 'valid' | 'invalid' | 'no-key';

/** Most verification results remembered; the memo starts over beyond it. */
const MEMO_LIMIT = 100_000;

/**
 * Verifies PBFT message signatures with the header's public keys. A broadcast is sent and received
 * n - 1 times with the same bytes: each distinct (replica, sig, body) is verified once.
 */
export class SignatureVerifier {
  readonly #keys = new Map<string, KeyObject>();
  readonly #memo = new Map<string, boolean>();
  /** Replicas whose key is missing or unusable, with why. */
  readonly problems: string[] = [];
  /** Verifications actually run (not answered from the memo). */
  verified = 0;

  constructor(publicKeys: Record<string, unknown>, nodes: readonly string[]) {
    for (const node of nodes) {
      const x = publicKeys[node];
      if (typeof x !== 'string') {
        this.problems.push(`params.publicKeys has no key for ${node}`);
        continue;
      }
      try {
        const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
        this.#keys.set(node, key);
      } catch {
        this.problems.push(`params.publicKeys.${node} is not a base64url raw Ed25519 public key`);
      }
    }
  }

  /** Does `msg.sig` sign canonicalJson(msg without sig) by the key of `msg.replica`? */
  check(msg: unknown): SigStatus {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return 'invalid';
    const { sig, ...body } = msg as Record<string, unknown>;
    const replica = body['replica'];
    if (typeof replica !== 'string') return 'invalid';
    const key = this.#keys.get(replica);
    if (key === undefined) return 'no-key';
    if (typeof sig !== 'string' || sig.length === 0) return 'invalid';
    // The message's own JSON text (native, fast) is the memo key: the same bytes, the same verdict.
    const memoKey = JSON.stringify(msg);
    const hit = this.#memo.get(memoKey);
    if (hit !== undefined) return hit ? 'valid' : 'invalid';
    const text = canonicalJson(body);
    let ok: boolean;
    try {
      ok = verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(sig, 'base64url'));
    } catch {
      ok = false;
    }
    this.verified++;
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
    this.#memo.set(memoKey, ok);
    return ok ? 'valid' : 'invalid';
  }
}

const verifiers = new WeakMap<TraceHeader, SignatureVerifier | null>();

/**
 * The signature verifier of a trace (shared by the safety checker and the metrics of the same
 * header object), or undefined when the header has no `params.publicKeys` object.
 */
export function verifierFor(header: TraceHeader): SignatureVerifier | undefined {
  const hit = verifiers.get(header);
  if (hit !== undefined) return hit ?? undefined;
  const keys = (header.params as { publicKeys?: unknown } | undefined)?.publicKeys;
  const v =
    typeof keys === 'object' && keys !== null && !Array.isArray(keys)
      ? new SignatureVerifier(keys as Record<string, unknown>, header.nodes)
      : null;
  verifiers.set(header, v);
  return v ?? undefined;
}

/** The (seq, digest) pairs a PBFT message proposes or votes for, nested certificates included. */
export function digestsCarried(msg: Record<string, unknown>): Array<{ seq: number; digest: string }> {
  const out: Array<{ seq: number; digest: string }> = [];
  const one = (m: unknown): void => {
    if (typeof m !== 'object' || m === null) return;
    const { seq, digest } = m as { seq?: unknown; digest?: unknown };
    if (isCount(seq) && typeof digest === 'string') out.push({ seq, digest });
  };
  switch (msg['type']) {
    case 'pre-prepare':
    case 'prepare':
    case 'commit':
      one(msg);
      break;
    case 'view-change':
      if (Array.isArray(msg['prepared'])) {
        for (const p of msg['prepared'] as unknown[]) {
          if (typeof p === 'object' && p !== null) one((p as { prePrepare?: unknown }).prePrepare);
        }
      }
      break;
    case 'new-view':
      if (Array.isArray(msg['prePrepares'])) for (const p of msg['prePrepares'] as unknown[]) one(p);
      break;
    default:
      break;
  }
  return out;
}
