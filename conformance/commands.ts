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
  const keys = Object.keys(obj);
  // Insertion sort: objects in traces are small, and often already sorted.
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
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
