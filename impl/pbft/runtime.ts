// What a runtime (the simulator, the CLI) needs to run PBFT besides the node: the trace header's
// parameters (the effective f and every replica's public key, so that a trace checker can verify
// signatures without knowing how keys are derived), the client rule (f+1 matching replies, re-send
// to all when unanswered), the client's signature on each request it issues, and a few figures of a finished run (views entered, signatures made).

import type { ClientRequest, NodeId } from '../Node.js';
import { parseByzantine, type ByzantineAssignment, type ByzantineState } from './byzantine.js';
import { keyPair, signRequest, verifyStats } from './crypto.js';
import { PBFT_PARAMS, resolvePbftParams } from './PbftNode.js';

/** The parameters without the wrapper's `byzantine` (the honest node's view of them). */
function honestParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rest = { ...params };
  delete rest['byzantine'];
  return rest;
}

/** The raw 32-byte Ed25519 public key of `replica`, base64url (the JWK `x` of the key). */
export function publicKeyX(keySeed: string | number, replica: NodeId): string {
  const jwk = keyPair(keySeed, replica).publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error(`pbft: no public key for ${replica}`);
  return jwk.x;
}

/**
 * The trace header's `params` for a PBFT run: the resolved parameters with the effective `f`
 * (never -1), `publicKeys` (replica -> base64url raw Ed25519 public key, derived from `keySeed`
 * as the replicas derive them), and `byzantine` (the assignment, informative) when there is one.
 */
export function pbftHeaderParams(
  params: Readonly<Record<string, unknown>>,
  nodes: readonly NodeId[],
): Record<string, unknown> {
  const p = resolvePbftParams(honestParams(params), nodes.length);
  const { faults, ...resolved } = p;
  const publicKeys: Record<NodeId, string> = {};
  for (const r of nodes) publicKeys[r] = publicKeyX(p.keySeed, r);
  const out: Record<string, unknown> = { ...params, ...resolved, f: faults, publicKeys };
  const byz = params['byzantine'];
  if (typeof byz === 'string') out['byzantine'] = parseByzantine(byz, nodes);
  return out;
}

/** The PBFT client rule: f+1 matching replies complete an op; unanswered, it goes to every replica. */
export function pbftClientRule(
  params: Readonly<Record<string, unknown>>,
  nodes: readonly NodeId[],
): { replies: number; retry: number } {
  const p = resolvePbftParams(honestParams(params), nodes.length);
  return { replies: p.faults + 1, retry: 2 * p.requestTimeoutMs };
}

/**
 * A client request as its client issues it: the request (`req.request`) gains `csig`, the client's
 * signature of the command `{ ...request, op, client }` (crypto.ts `signRequest`, keys derived
 * from `keySeed` and the client id). Replicas accept no request without a valid one.
 */
export function pbftSignRequest<R extends object>(
  req: ClientRequest<R>,
  params: Readonly<Record<string, unknown>>,
): ClientRequest<R> {
  const keySeed = params['keySeed'];
  const seed =
    typeof keySeed === 'string' || typeof keySeed === 'number' ? keySeed : PBFT_PARAMS.keySeed.default;
  const signed = signRequest(seed, { ...req.request, op: req.op, client: req.client });
  return { ...req, request: { ...req.request, csig: signed.csig } };
}

/** The Byzantine replicas of `params` (empty when none), as an assignment. */
export function byzantineOf(
  params: Readonly<Record<string, unknown>>,
  nodes: readonly NodeId[],
): ByzantineAssignment {
  const byz = params['byzantine'];
  if (byz === undefined) return {};
  return typeof byz === 'string' ? parseByzantine(byz, nodes) : (byz as ByzantineAssignment);
}

/**
 * Figures of a finished run from the replicas' final states: the highest view an honest replica
 * reached (each view change moves at least one view up).
 */
export function pbftFigures(finalStates: Readonly<Record<NodeId, unknown>>): Record<string, number> {
  let view = 0;
  for (const st of Object.values(finalStates)) {
    const s = st as ByzantineState | undefined;
    if (s === undefined || s.byz !== null) continue;
    view = Math.max(view, s.inner.view);
  }
  return { 'view changes': view };
}

/** Process-wide crypto counters (the runtime shows the difference over a run). */
export function pbftCounters(): Record<string, number> {
  const v = verifyStats();
  return { signatures: v.signs, verifications: v.calls, 'verifications computed': v.misses };
}
