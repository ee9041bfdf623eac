// How client operations meet the log: a decided value is one command or a batch (an array) of
// commands, and a command names the client operation it carries with an integer `op` field (the
// `op` of the client's `invoke`). These helpers find those ids and compare values canonically.

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

function opOf(v: unknown): number | undefined {
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

/** FNV-1a over the UTF-16 units of a string: a 32-bit fingerprint (of a settled value, a digest). */
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
 * `hash32(canonicalJson(value))` without building the text: the same units go through the hash
 * in the same order. The safety checkers fingerprint every settled slot's value this way (the
 * text was about a tenth of checking a Multi-Paxos trace's events).
 */
export function canonicalHash(value: unknown): number {
  return canonicalFnv(FNV_OFFSET, value) | 0;
}

function canonicalFnv(h: number, value: unknown): number {
  if (typeof value === 'string') return stringFnv(h, value);
  if (typeof value === 'number' && Number.isFinite(value)) return fnv(h, '' + value);
  if (value === null || typeof value !== 'object') return fnv(h, canonicalJson(value));
  if (Array.isArray(value)) {
    h = fnv(h, '[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) h = fnv(h, ',');
      h = canonicalFnv(h, value[i]);
    }
    return fnv(h, ']');
  }
  const obj = value as Record<string, unknown>;
  const keys = sortedKeys(obj);
  h = fnv(h, '{');
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) h = fnv(h, ',');
    first = false;
    h = stringFnv(h, k);
    h = fnv(h, ':');
    h = canonicalFnv(h, v);
  }
  return fnv(h, '}');
}

/** The hash of `JSON.stringify(s)`: the string between quotes when nothing in it is escaped. */
function stringFnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff))
      return fnv(h, JSON.stringify(s));
  }
  return fnv(fnv(fnv(h, '"'), s), '"');
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
