// Structural, canonical 64-bit fingerprints of states, kept as two independent 32-bit lanes.
// Objects, Sets and Maps combine their entries with a commutative sum, so key order and insertion
// order never change a fingerprint; arrays combine in order. Values may carry a precomputed hash
// (see `structuralHash`) so that an unchanged part of a state costs O(1).

/**
 * The key under which a value supplies its own structural hash (see {@link StructurallyHashed}).
 * Objects carrying it are not walked.
 */
export const structuralHash: unique symbol = Symbol.for('synod.structuralHash');

/** A precomputed structural hash: two unsigned 32-bit lanes. */
export interface StructuralHash {
  readonly lane1: number;
  readonly lane2: number;
}

/**
 * A value that knows its own structural hash. It promises that structurally equal values have
 * equal lanes and that the lanes never change. The FiniteSet class implements it (as itself, so
 * reading the hash allocates nothing).
 */
export interface StructurallyHashed {
  readonly [structuralHash]: StructuralHash;
}

/** A 64-bit fingerprint as two unsigned 32-bit halves. */
export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

// The two lanes of the last hashed value. Module-level registers avoid allocating a pair per call.
let R1 = 0;
let R2 = 0;

const SEED1 = 0x9e3779b9;
const SEED2 = 0x85ebca6b;

// Type tags keep `[1]`, `Set{1}`, `{0: 1}`, `1`, `'1'` and `true` apart.
const T_UNDEF = 0x1b873593;
const T_NULL = 0x2c1b3c6d;
const T_TRUE = 0x297a2d39;
const T_FALSE = 0x68e31da4;
const T_INT = 0x3c6ef372;
const T_FLOAT = 0x5bd1e995;
const T_STRING = 0x7feb352d;
const T_BIGINT = 0x846ca68b;
const T_ARRAY = 0x165667b1;
const T_SET = 0x27d4eb2f;
const T_MAP = 0x61c88647;
const T_OBJECT = 0x4cf5ad43;
const T_BYTES = 0x1656667b;

/** murmur3's 32-bit finalizer: a bijective avalanche of one word (also conformance's value hash). */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One murmur3 round: fold word `k` into running hash `h`. */
function round(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

const stringCache = new Map<string, readonly [number, number]>();
const STRING_CACHE_LIMIT = 1 << 16;

function hashString(s: string): void {
  const cached = stringCache.get(s);
  if (cached !== undefined) {
    R1 = cached[0];
    R2 = cached[1];
    return;
  }
  let h1 = SEED1 ^ T_STRING;
  let h2 = SEED2 ^ T_STRING;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = round(h1, c);
    h2 = round(h2, c ^ 0x5bd1e995);
  }
  R1 = fmix(h1 ^ s.length);
  R2 = fmix(h2 ^ (s.length * 31));
  if (s.length <= 64) {
    if (stringCache.size >= STRING_CACHE_LIMIT) stringCache.clear();
    stringCache.set(s, [R1, R2]);
  }
}

function hashNumber(n: number): void {
  if ((n | 0) === n) {
    R1 = fmix(round(SEED1 ^ T_INT, n));
    R2 = fmix(round(SEED2 ^ T_INT, n ^ 0x27d4eb2f));
    return;
  }
  // -0 is an integer above. NaN has many bit patterns (V8 keeps the sign of 0/0) but is one value.
  if (n !== n) {
    R1 = fmix(SEED1 ^ T_FLOAT ^ 0x7ff80000);
    R2 = fmix(SEED2 ^ T_FLOAT ^ 0x7ff80000);
    return;
  }
  f64[0] = n;
  const a = u32[0]!;
  const b = u32[1]!;
  R1 = fmix(round(round(SEED1 ^ T_FLOAT, a), b));
  R2 = fmix(round(round(SEED2 ^ T_FLOAT, b), a));
}

/** Mix an entry (two hashes) into one unordered contribution, lane by lane. */
function entry(a: number, b: number, seed: number): number {
  return fmix(round(round(seed, a), b));
}

/**
 * @internal The contribution of a member with lane hash `h` to a set's commutative sum; with
 * {@link setLane1}/{@link setLane2} it lets other set types hash exactly as a `Set` does.
 */
export function setMember(h: number): number {
  return fmix(h ^ T_SET);
}

/** @internal Lane 1 of a set's fingerprint from its member sum and size. */
export function setLane1(sum: number, size: number): number {
  return fmix(round(SEED1 ^ T_SET, sum) ^ size) >>> 0;
}

/** @internal Lane 2 of a set's fingerprint from its member sum and size. */
export function setLane2(sum: number, size: number): number {
  return fmix(round(SEED2 ^ T_SET, sum) ^ size) >>> 0;
}

function hashValue(v: unknown): void {
  switch (typeof v) {
    case 'number':
      hashNumber(v);
      return;
    case 'string':
      hashString(v);
      return;
    case 'boolean':
      R1 = fmix(SEED1 ^ (v ? T_TRUE : T_FALSE));
      R2 = fmix(SEED2 ^ (v ? T_TRUE : T_FALSE));
      return;
    case 'undefined':
      R1 = fmix(SEED1 ^ T_UNDEF);
      R2 = fmix(SEED2 ^ T_UNDEF);
      return;
    case 'bigint': {
      hashString(v.toString(16));
      R1 = fmix(R1 ^ T_BIGINT);
      R2 = fmix(R2 ^ T_BIGINT);
      return;
    }
    case 'object':
      if (v === null) {
        R1 = fmix(SEED1 ^ T_NULL);
        R2 = fmix(SEED2 ^ T_NULL);
        return;
      }
      hashObject(v);
      return;
    case 'symbol':
    case 'function':
      throw new TypeError(`cannot fingerprint a ${typeof v}: states must be plain data`);
  }
}

function hashObject(v: object): void {
  if (Array.isArray(v)) {
    hashArray(v);
    return;
  }
  const own = (v as Partial<StructurallyHashed>)[structuralHash];
  if (own !== undefined) {
    R1 = own.lane1 >>> 0;
    R2 = own.lane2 >>> 0;
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    hashRecord(v as Record<string, unknown>);
    return;
  }
  if (v instanceof Set) {
    let s1 = 0;
    let s2 = 0;
    for (const e of v) {
      hashValue(e);
      s1 = (s1 + setMember(R1)) | 0;
      s2 = (s2 + setMember(R2)) | 0;
    }
    R1 = setLane1(s1, v.size);
    R2 = setLane2(s2, v.size);
    return;
  }
  if (v instanceof Map) {
    let s1 = 0;
    let s2 = 0;
    for (const [k, e] of v) {
      hashValue(k);
      const k1 = R1;
      const k2 = R2;
      hashValue(e);
      s1 = (s1 + entry(k1, R1, T_MAP)) | 0;
      s2 = (s2 + entry(k2, R2, T_MAP)) | 0;
    }
    R1 = fmix(round(SEED1 ^ T_MAP, s1) ^ v.size);
    R2 = fmix(round(SEED2 ^ T_MAP, s2) ^ v.size);
    return;
  }
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    let h1 = SEED1 ^ T_BYTES;
    let h2 = SEED2 ^ T_BYTES;
    for (let i = 0; i < bytes.length; i++) {
      h1 = round(h1, bytes[i]!);
      h2 = round(h2, bytes[i]! ^ 0xa5);
    }
    R1 = fmix(h1 ^ bytes.length);
    R2 = fmix(h2 ^ bytes.length);
    return;
  }
  // A class instance: its own enumerable keys, as for a plain object.
  hashRecord(v as Record<string, unknown>);
}

function hashArray(v: readonly unknown[]): void {
  let h1 = SEED1 ^ T_ARRAY;
  let h2 = SEED2 ^ T_ARRAY;
  for (let i = 0; i < v.length; i++) {
    hashValue(v[i]);
    h1 = round(h1, R1);
    h2 = round(h2, R2);
  }
  R1 = fmix(h1 ^ v.length);
  R2 = fmix(h2 ^ v.length);
}

function hashRecord(v: Record<string, unknown>): void {
  let s1 = 0;
  let s2 = 0;
  let n = 0;
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const e = v[k];
    if (e === undefined) continue; // `{a: undefined}` and `{}` are the same state
    hashString(k);
    const k1 = R1;
    const k2 = R2;
    hashValue(e);
    s1 = (s1 + entry(k1, R1, T_OBJECT)) | 0;
    s2 = (s2 + entry(k2, R2, T_OBJECT)) | 0;
    n++;
  }
  R1 = fmix(round(SEED1 ^ T_OBJECT, s1) ^ n);
  R2 = fmix(round(SEED2 ^ T_OBJECT, s2) ^ n);
}

/**
 * Fingerprint `value` structurally and canonically: key order of objects and insertion order of
 * Sets and Maps do not change the result; `-0` equals `0`; an object key holding `undefined` is
 * the same as an absent key. Throws a TypeError for functions and symbols.
 */
export function fingerprint(value: unknown): Fingerprint {
  hashValue(value);
  return { hi: R1 >>> 0, lo: R2 >>> 0 };
}

/**
 * Allocation-free form of {@link fingerprint} for hot loops: hashes `value` and writes the two
 * halves into `out[0]` (hi) and `out[1]` (lo).
 */
export function fingerprintInto(value: unknown, out: Uint32Array): void {
  hashValue(value);
  out[0] = R1;
  out[1] = R2;
}

/** Render a fingerprint as 16 hex digits. */
export function fingerprintHex(fp: Fingerprint): string {
  return fp.hi.toString(16).padStart(8, '0') + fp.lo.toString(16).padStart(8, '0');
}
