// Signatures and digests of the PBFT node: Ed25519 keys derived from (keySeed, replica name) and
// (keySeed, client id), signing and verification over canonical JSON, SHA-256 request and state
// digests. Everything here
// is a pure function of its arguments (Ed25519 signing is deterministic), so handlers may call it.

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../sim/canonical.js';

/** What seeds every replica's key pair: a run's `keySeed` parameter. */
export type KeySeed = string | number;

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

// Key derivation is pure (a hash, then the curve arithmetic), so memoizing it is only a speed-up.
const keys = new Map<string, KeyPair>();
const MAX_KEYS = 4096;

function keyName(seed: KeySeed, replica: string): string {
  return `${String(seed)}\u0000${replica}`;
}

/**
 * The key pair of `replica` under `seed`: the Ed25519 private key whose 32-byte seed is
 * SHA-256 of `synod-pbft-key\0<seed>\0<replica>` (a number seed is written in decimal, so `7` and
 * `"7"` give the same keys). Every replica can derive every other replica's public key, and a
 * Byzantine wrapper can derive its own private key only by honest means: forged messages are
 * signed with the forger's key, which does not verify under the claimed replica's.
 */
export function keyPair(seed: KeySeed, replica: string): KeyPair {
  return derive(`synod-pbft-key\u0000${keyName(seed, replica)}`);
}

/** The key pair whose 32-byte Ed25519 seed is SHA-256 of `label` (memoized). */
function derive(label: string): KeyPair {
  let k = keys.get(label);
  if (k === undefined) {
    const raw = createHash('sha256').update(label).digest();
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, raw]),
      format: 'der',
      type: 'pkcs8',
    });
    k = { privateKey, publicKey: createPublicKey(privateKey) };
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(label, k);
  }
  return k;
}

/** The raw 32-byte public key of `replica`, base64url (for documentation and tests). */
export function publicKeyOf(seed: KeySeed, replica: string): string {
  const der = keyPair(seed, replica).publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64url');
}

/** SHA-256 of `text`, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The digest of a request (a client command, or `null` for the null request): SHA-256 of its canonical JSON. */
export function digestOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** The text a signature covers: the canonical JSON of the message without its `sig` field. */
export function signedText(msg: Readonly<Record<string, unknown>>): string {
  const rest: Record<string, unknown> = { ...msg };
  delete rest['sig'];
  return canonicalJson(rest);
}

/** Sign `text` as `replica` (base64url Ed25519 signature, 64 bytes). */
export function signText(seed: KeySeed, replica: string, text: string): string {
  signCalls++;
  return sign(null, Buffer.from(text), keyPair(seed, replica).privateKey).toString('base64url');
}

/**
 * Sign a message as `replica`: the message with its `sig` field set. The message must name
 * `replica` as its sender itself; forging (signing a message that names someone else) is what the
 * Byzantine wrappers do on purpose with {@link signText}.
 */
export function signMessage<T extends { readonly replica: string; readonly sig: string }>(
  seed: KeySeed,
  msg: Omit<T, 'sig'>,
): T {
  const m = { ...msg, sig: '' } as T;
  return { ...m, sig: signText(seed, msg.replica, signedText(m)) };
}

// Verification is a pure function of (public key, signature, text), so remembering its answers is
// safe: the same inputs always give the same boolean. In one simulator process n-1 replicas verify
// each broadcast message (and view changes carry many signed messages), so the cache saves most of
// the work. It is bounded: when full it is cleared (only speed is lost).
const verified = new Map<string, boolean>();
const MAX_VERIFIED = 50_000;
let verifyCalls = 0;
let verifyMisses = 0;
let signCalls = 0;

/** True when `sig` is `replica`'s signature of `text`. Never throws (a malformed signature is false). */
export function verifyText(seed: KeySeed, replica: string, text: string, sig: string): boolean {
  return verifyWith(`synod-pbft-key\u0000${keyName(seed, replica)}`, text, sig);
}

/** True when `sig` is the signature of `text` by the key derived from `label` (memoized). */
function verifyWith(label: string, text: string, sig: string): boolean {
  verifyCalls++;
  const key = `${label}\u0000${sig}\u0000${text.length > 512 ? sha256(text) : text}`;
  const hit = verified.get(key);
  if (hit !== undefined) return hit;
  verifyMisses++;
  let ok = false;
  const bytes = Buffer.from(sig, 'base64url');
  if (bytes.length === 64) {
    try {
      ok = verify(null, Buffer.from(text), derive(label).publicKey, bytes);
    } catch {
      ok = false;
    }
  }
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(key, ok);
  return ok;
}

/** True when a message's `sig` is valid for the `replica` it names. */
export function verifyMessage(seed: KeySeed, msg: unknown): boolean {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as { replica?: unknown; sig?: unknown };
  if (typeof m.replica !== 'string' || typeof m.sig !== 'string') return false;
  return verifyText(seed, m.replica, signedText(m), m.sig);
}

// ---------------------------------------------------------------------------------------------
// Client signatures (the paper's signed requests): a client signs each request it issues, so a
// faulty replica cannot make up a request, nor change one it relays or pre-prepares.

/** A client id as requests carry it. */
export type ClientId = string | number;

/**
 * The key pair of client `client` under `seed`: the Ed25519 private key whose 32-byte seed is
 * SHA-256 of `synod-pbft-client-key\0<seed>\0<canonical JSON of the id>` (so client `3` and
 * client `"3"` differ, and no client key is a replica key).
 */
export function clientKeyPair(seed: KeySeed, client: ClientId): KeyPair {
  return derive(clientLabel(seed, client));
}

function clientLabel(seed: KeySeed, client: ClientId): string {
  return `synod-pbft-client-key\u0000${String(seed)}\u0000${canonicalJson(client)}`;
}

/** The text a client signature covers: the canonical JSON of the request without its `csig` field. */
export function requestText(request: Readonly<Record<string, unknown>>): string {
  const rest: Record<string, unknown> = { ...request };
  delete rest['csig'];
  return canonicalJson(rest);
}

/**
 * Sign a request (a client command naming its `client` and `op`) as its client: the request with
 * its `csig` field set (base64url Ed25519 signature of {@link requestText}). The signature is part
 * of the request, so a request digest covers it and it travels inside pre-prepares and certificates.
 */
export function signRequest<T extends { readonly client: ClientId }>(
  seed: KeySeed,
  request: T,
): T & { readonly csig: string } {
  signCalls++;
  const text = requestText(request);
  const csig = sign(null, Buffer.from(text), clientKeyPair(seed, request.client).privateKey).toString(
    'base64url',
  );
  return { ...request, csig };
}

/** True when a request carries a valid signature (`csig`) of the client it names. Never throws. */
export function verifyRequest(seed: KeySeed, request: unknown): boolean {
  if (typeof request !== 'object' || request === null) return false;
  const r = request as { client?: unknown; csig?: unknown };
  if ((typeof r.client !== 'string' && typeof r.client !== 'number') || typeof r.csig !== 'string')
    return false;
  return verifyWith(clientLabel(seed, r.client), requestText(request as Record<string, unknown>), r.csig);
}

/**
 * Process-wide counters, for measurements: verification calls, real verifications (cache misses)
 * and signatures made.
 */
export function verifyStats(): { calls: number; misses: number; signs: number } {
  return { calls: verifyCalls, misses: verifyMisses, signs: signCalls };
}

/** Empty the verification cache (for measurements of the uncached cost). */
export function clearVerifyCache(): void {
  verified.clear();
}
