// How client operations meet the log: a decided value is one command or a batch (an array) of
// commands, and a command names the client operation it carries with an integer `op` field (the
// `op` of the client's `invoke`). These helpers find those ids and compare values canonically.
import { fmix } from '../model-check/fingerprint.js';

/** The client operation ids carried by a decided (or proposed) value, in order; empty when none. */
export function opsIn(value: unknown): number[] {
  if (Array.isArray(value)) {
    const out: number[] = [];
    for (const v of value) {
      const op = opOf(v);
      if (op !== undefined) out.push(op);
    }
    return out;
  }
  const op = opOf(value);
  return op === undefined ? [] : [op];
}

/** The client operation id of one command (its integer `op` field), or undefined. */
export function opOf(v: unknown): number | undefined {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const op = (v as { op?: unknown }).op;
    if (typeof op === 'number' && Number.isInteger(op)) return op;
  }
  return undefined;
}

/** The commands of a decided value: the array's elements, or the value itself. */
export function commandsIn(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * A canonical text of a JSON value: object keys sorted at every depth by UTF-16 code units, arrays
 * in order, no whitespace, `undefined` fields left out. Two values equal as JSON get the same key
 * whatever order their writers used; PBFT signs and digests exactly these bytes (UTF-8).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = sortedKeys(obj);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (obj[k] === undefined) continue; // as JSON.stringify: an undefined field is left out
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k);
    out += ':';
    out += canonicalJson(obj[k]);
  }
  return `${out}}`;
}

/** FNV-1a over the UTF-16 units of a string: a 32-bit fingerprint (of a PBFT digest). */
export function hash32(text: string): number {
  return fnv(FNV_OFFSET, text) | 0;
}

const FNV_OFFSET = 0x811c9dc5;

function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/**
 * A 32-bit fingerprint of a JSON value that values with the same {@link canonicalJson} share,
 * found without the text and without sorting keys: an object's fields are combined in an
 * order-free way (a sum of per-field hashes), arrays in order, and each kind of leaf is tagged so
 * that `1`, `"1"` and `[1]` differ. The safety checkers fingerprint each settled slot's value this
 * way (the canonical text of every decided batch was about a tenth of checking a Multi-Paxos
 * trace; hashing it, a few percent).
 */
export function valueHash(value: unknown): number {
  return hashOf(value) | 0;
}

const TAG_NULL = 0x1b873593;
const TAG_TRUE = 0x2c1b3c6d;
const TAG_FALSE = 0x297a2d39;
const TAG_NUMBER = 0x3c6ef372;
const TAG_STRING = 0x7f4a7c15;
const TAG_ARRAY = 0x5bd1e995;
const TAG_OBJECT = 0x68e31da4;

function hashOf(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return fmix(fnv(TAG_STRING, v));
    case 'number':
      if (!Number.isFinite(v)) return TAG_NULL; // canonicalJson writes null
      // Integers (and -0, written 0) by value; other numbers by their text, which is unique to them.
      if ((v | 0) === v) return fmix(Math.imul(v ^ TAG_NUMBER, 0x01000193) + 1);
      return fmix(fnv(TAG_NUMBER, '' + v));
    case 'boolean':
      return v ? TAG_TRUE : TAG_FALSE;
    case 'object':
      break;
    case 'bigint':
      return hash32(canonicalJson(v)); // throws, as canonicalJson does
    case 'undefined':
    case 'function':
    case 'symbol':
      return TAG_NULL; // canonicalJson writes null
  }
  if (v === null) return TAG_NULL;
  if (Array.isArray(v)) {
    let h = TAG_ARRAY ^ v.length;
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ hashOf(v[i]), 0x01000193) + 0x3c6ef372;
    return fmix(h);
  }
  const obj = v as Record<string, unknown>;
  let sum = 0;
  let fields = 0;
  for (const k in obj) {
    if (!own(obj, k)) continue;
    const x = obj[k];
    if (x === undefined) continue; // canonicalJson leaves undefined fields out
    fields++;
    sum = (sum + fmix(Math.imul(fnv(FNV_OFFSET, k), 0x9e3779b1) ^ hashOf(x))) | 0;
  }
  return fmix(sum ^ Math.imul(fields, TAG_OBJECT));
}

/** An object's own enumerable keys sorted by UTF-16 code units (insertion sort: keys are few). */
function sortedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** True for what {@link canonicalJson} writes as `null` among non-objects. */
function nullLike(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    typeof v === 'function' ||
    typeof v === 'symbol' ||
    (typeof v === 'number' && !Number.isFinite(v))
  );
}

/**
 * `canonicalJson(a) === canonicalJson(b)`, without building either text: a walk of both values
 * that stops at the first difference (objects compared by their defined fields, in any order).
 * The safety checkers compare values this way; it costs a fraction of serializing them. Exact for
 * JSON values (what JSON.parse makes) and for undefined, NaN and -0 among them; it does not
 * mirror canonicalJson's edge cases beyond those (a BigInt, which canonicalJson rejects, or
 * non-enumerable own fields).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    // A scalar never equals an object or array; distinct scalars have distinct texts (0 and -0
    // are ===), except the ones written as null.
    return nullLike(a) && nullLike(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let fields = 0;
  for (const k in x) {
    if (!own(x, k)) continue;
    const v = x[k];
    if (v === undefined) continue; // canonicalJson leaves undefined fields out
    fields++;
    if (!own(y, k) || !sameJson(v, y[k])) return false;
  }
  for (const k in y) if (own(y, k) && y[k] !== undefined) fields--;
  return fields === 0;
}
