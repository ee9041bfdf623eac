// JSON straight into bytes, for the trace writer's file sinks: plain values (what the simulator's
// nodes send, persist and decide) are written into a ring of bytes with no string made, and the
// bytes of an array written before (a batch of commands, carried by an accept, the votes persisted
// for it, the decide message and every node's decision) are copied instead of written again.
// Measured on the messages of a traced Multi-Paxos run: 0.95 us a message against 1.42 us for
// JSON.stringify and encoding, and nothing left for the garbage collector.

/** The number of decimal digits of an integer in [0, 2^31). */
export function digitCount(n: number): number {
  if (n < 100000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  return n < 10000000 ? (n < 1000000 ? 6 : 7) : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
}

/** Writes the `digits` digits of integer `n` (in [0, 2^31)) at `p` in `b`. */
export function writeDigits(b: Uint8Array, p: number, n: number, digits: number): void {
  for (let i = p + digits - 1, x = n; i >= p; i--) {
    const q = (x / 10) | 0;
    b[i] = 0x30 + x - q * 10;
    x = q;
  }
}

/**
 * What was made of immutable objects written lately (see the writer's `reuseMessages`: their texts,
 * or their entries in a {@link JsonArena}), by identity: two generations of at most `capacity`
 * entries each; when the young one is full it becomes the old one and the old one is dropped, and
 * a hit in the old one is copied to the young one. Bounded memory and no weak references for the
 * garbage collector to trace: what a trace repeats (a broadcast, one batch in the votes and
 * decisions of every node) comes close together.
 */
export class RecentCache<V> {
  #young = new Map<object, V>();
  #old = new Map<object, V>();
  readonly #capacity: number;

  constructor(capacity = 1 << 12) {
    this.#capacity = capacity;
  }

  get(o: object): V | undefined {
    const t = this.#young.get(o);
    if (t !== undefined) return t;
    const u = this.#old.get(o);
    if (u !== undefined) this.set(o, u);
    return u;
  }

  set(o: object, v: V): void {
    if (this.#young.size >= this.#capacity) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(o, v);
  }
}

/** What {@link JsonArena.put} returns for a value it does not write (see there). */
export const NOT_WRITTEN = -1;

/** Nesting depth beyond which a value is left to JSON.stringify (which also finds cycles). */
const MAX_DEPTH = 64;

/** Arrays whose bytes are shorter are not remembered: copying them costs about what writing does. */
const MIN_KEPT = 128;

/** What {@link JsonArena.#ser} returns when the ring's end is reached, or a value has parts it does not write. */
const FULL = -1;
const FOREIGN = -2;

const LIT_NULL = [0x6e, 0x75, 0x6c, 0x6c] as const;
const LIT_TRUE = [0x74, 0x72, 0x75, 0x65] as const;
const LIT_FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65] as const;

/**
 * A byte buffer in two parts: `mem[0, outputSize)` for the writer's lines, and a ring after it
 * where {@link JsonArena.put} writes the JSON of values, each an *entry* named by a number. An
 * entry's bytes stay until the ring comes round to them: {@link JsonArena.start} says whether
 * they still do. Entries are copied with `copyWithin` (one native call, no view allocated).
 */
export class JsonArena {
  /** The bytes: lines in `[0, outputSize)`, then the ring. */
  readonly mem: Buffer;
  readonly #base: number;
  readonly #size: number;
  /**
   * Positions in the ring: `#lap` (a multiple of its size) and `#ringAt` (an offset in it) make the
   * absolute position of the next byte, `#lap + #ringAt`; every ring byte was written at an
   * absolute position below it.
   */
  #lap = 0;
  #ringAt = 0;
  /** Where `#ser` stopped when it gave up (all bytes it wrote lie below). */
  #stop = 0;
  #next = 0;
  readonly #mask: number;
  readonly #seq: Float64Array;
  readonly #at: Float64Array;
  readonly #off: Int32Array;
  readonly #len: Int32Array;
  /** Arrays written lately, by identity, to their entries. */
  readonly #recent: RecentCache<number>;
  /**
   * Whether the bytes of arrays are remembered and copied when the same array is written again:
   * for values that are never mutated after they are written (the writer's `reuseMessages`).
   */
  remember = false;

  constructor(outputSize: number, ringSize = 1 << 19, entries = 1 << 14) {
    this.mem = Buffer.allocUnsafeSlow(outputSize + ringSize);
    this.#base = outputSize;
    this.#size = ringSize;
    this.#mask = entries - 1;
    this.#seq = new Float64Array(entries).fill(-1);
    this.#at = new Float64Array(entries);
    this.#off = new Int32Array(entries);
    this.#len = new Int32Array(entries);
    this.#recent = new RecentCache<number>();
  }

  /**
   * Writes `v`'s JSON (what `JSON.stringify(v)` gives) into the ring: its entry, or
   * {@link NOT_WRITTEN} when `v` holds anything but plain objects, arrays, strings, finite or
   * infinite numbers, booleans, null and (in objects and arrays) undefined, functions and symbols:
   * a `toJSON`, a class instance, a bigint, nesting deeper than 64, or more bytes than the ring.
   * Such values are left to the caller (JSON.stringify, which calls `toJSON` and throws on what has
   * no JSON). Calls no code of `v`'s except getters.
   */
  put(v: unknown): number {
    if (typeof v !== 'object' || v === null) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean' && v !== null)
        return NOT_WRITTEN;
    } else if (this.remember && Array.isArray(v)) {
      const e = this.#known(v, this.#lap + this.#ringAt);
      if (e >= 0) return e;
    }
    const base = this.#base;
    const size = this.#size;
    for (let tries = 0; tries < 2; tries++) {
      const start = base + this.#ringAt;
      const end = this.#ser(v, start, base + size, 0);
      if (end >= 0) {
        this.#ringAt = end - base;
        return this.#entry(start, end - start);
      }
      // Whatever was written lies below #stop: the ring's bytes stay accounted for.
      this.#ringAt = this.#stop - base;
      if (end === FOREIGN || start === base) return NOT_WRITTEN;
      this.#lap += size; // try again at the ring's start
      this.#ringAt = 0;
    }
    return NOT_WRITTEN;
  }

  /** Where entry `e` starts in `mem`, or -1 when the ring has come round to its bytes (or there is no such entry). */
  start(e: number): number {
    return this.#startBefore(e, this.#lap + this.#ringAt);
  }

  /** The number of bytes of entry `e` (a live one: see {@link JsonArena.start}). */
  length(e: number): number {
    return this.#len[e & this.#mask]!;
  }

  /**
   * {@link JsonArena.start} for a copy to ring bytes from absolute position `to` on: every byte
   * written so far lies below `to`, and an entry's bytes are intact until a byte is written one
   * ring size past its start (the copy itself moves them as `memmove` does, overlapping or not).
   */
  #startBefore(e: number, to: number): number {
    const i = e & this.#mask;
    if (this.#seq[i] !== e || e < 0) return -1;
    if (to > this.#at[i]! + this.#size) return -1;
    return this.#off[i]!;
  }

  /** Records the `length` bytes at `offset` in `mem` (in the ring, this lap) as an entry; returns its number. */
  #entry(offset: number, length: number): number {
    const e = this.#next++;
    const i = e & this.#mask;
    this.#seq[i] = e;
    this.#at[i] = this.#lap + offset - this.#base;
    this.#off[i] = offset;
    this.#len[i] = length;
    return e;
  }

  /** The live entry of array `a` for a copy to absolute position `to` on, or -1. */
  #known(a: object, to: number): number {
    const e = this.#recent.get(a);
    return e !== undefined && this.#startBefore(e, to) >= 0 ? e : -1;
  }

  /**
   * Writes `v`'s JSON at `p` (below `end`); returns the position after it, or FULL or FOREIGN with
   * `#stop` set to a position that every byte written lies below. `p` and `end` are in the ring.
   */
  #ser(v: unknown, p: number, end: number, depth: number): number {
    switch (typeof v) {
      case 'string':
        return this.#string(v, p, end);
      case 'number':
        return this.#number(v, p, end);
      case 'boolean':
        return this.#literal(v ? LIT_TRUE : LIT_FALSE, p, end);
      case 'object':
        break;
      case 'bigint':
      case 'function':
      case 'symbol':
      case 'undefined':
        return this.#fail(FOREIGN, p);
    }
    if (v === null) return this.#literal(LIT_NULL, p, end);
    if (depth >= MAX_DEPTH) return this.#fail(FOREIGN, p);
    const mem = this.mem;
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return this.#fail(FOREIGN, p);
      const n = v.length;
      if (n > 0 && this.remember) {
        const e = this.#known(v, this.#lap + p - this.#base);
        if (e >= 0) {
          const len = this.#len[e & this.#mask]!;
          if (p + len > end) return this.#fail(FULL, p);
          const from = this.#off[e & this.#mask]!;
          mem.copyWithin(p, from, from + len);
          return p + len;
        }
      }
      const start = p;
      if (p + 2 > end) return this.#fail(FULL, p);
      mem[p++] = 0x5b;
      for (let i = 0; i < n; i++) {
        if (i > 0) {
          if (p + 1 > end) return this.#fail(FULL, p);
          mem[p++] = 0x2c;
        }
        const x: unknown = v[i];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol')
          p = this.#literal(LIT_NULL, p, end);
        else p = this.#ser(x, p, end, depth + 1);
        if (p < 0) return p;
      }
      if (p + 1 > end) return this.#fail(FULL, p);
      mem[p++] = 0x5d;
      if (p - start >= MIN_KEPT && this.remember) this.#recent.set(v, this.#entry(start, p - start));
      return p;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (
      (proto !== Object.prototype && proto !== null) ||
      typeof (v as { toJSON?: unknown }).toJSON === 'function'
    )
      return this.#fail(FOREIGN, p);
    if (p + 2 > end) return this.#fail(FULL, p);
    mem[p++] = 0x7b;
    let first = true;
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      p = this.#key(k, first, p, end);
      if (p < 0) return p;
      first = false;
      // Leaves here, without a recursive call (most values are leaves).
      if (typeof x === 'string') p = this.#string(x, p, end);
      else if (typeof x === 'number') p = this.#number(x, p, end);
      else p = this.#ser(x, p, end, depth + 1);
      if (p < 0) return p;
    }
    if (p + 1 > end) return this.#fail(FULL, p);
    mem[p++] = 0x7d;
    return p;
  }

  /** `"k":`, after a comma unless `first`: a key as {@link JsonArena.#string} writes it. */
  #key(k: string, first: boolean, p: number, end: number): number {
    const n = k.length;
    if (p + n + 4 > end) return this.#fail(FULL, p);
    const mem = this.mem;
    if (!first) mem[p++] = 0x2c;
    mem[p] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = k.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) {
        p = this.#string(k, p, end);
        if (p < 0) return p;
        if (p + 1 > end) return this.#fail(FULL, p);
        mem[p] = 0x3a;
        return p + 1;
      }
      mem[p + 1 + i] = c;
    }
    mem[p + n + 1] = 0x22;
    mem[p + n + 2] = 0x3a;
    return p + n + 3;
  }

  #fail(code: number, p: number): number {
    this.#stop = p;
    return code;
  }

  #literal(bytes: readonly number[], p: number, end: number): number {
    const n = bytes.length;
    if (p + n > end) return this.#fail(FULL, p);
    const mem = this.mem;
    for (let i = 0; i < n; i++) mem[p + i] = bytes[i]!;
    return p + n;
  }

  /** Digits for integers in [0, 2^31), the rest as JSON.stringify writes them (always ASCII). */
  #number(v: number, p: number, end: number): number {
    const mem = this.mem;
    if (v >= 0 && v <= 0x7fffffff && (v | 0) === v) {
      const digits = digitCount(v);
      if (p + digits > end) return this.#fail(FULL, p);
      writeDigits(mem, p, v, digits);
      return p + digits;
    }
    if (!Number.isFinite(v)) return this.#literal(LIT_NULL, p, end);
    const s = '' + v;
    const n = s.length;
    if (p + n > end) return this.#fail(FULL, p);
    for (let i = 0; i < n; i++) mem[p + i] = s.charCodeAt(i);
    return p + n;
  }

  /** A JSON string literal: printable ASCII byte by byte, anything else through JSON.stringify. */
  #string(s: string, p: number, end: number): number {
    const n = s.length;
    if (p + n + 2 > end) return this.#fail(FULL, p);
    const mem = this.mem;
    mem[p] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) {
        const q = JSON.stringify(s);
        if (p + Buffer.byteLength(q, 'utf8') > end) return this.#fail(FULL, p);
        return p + mem.write(q, p, 'utf8');
      }
      mem[p + 1 + i] = c;
    }
    mem[p + n + 1] = 0x22;
    return p + n + 2;
  }
}
