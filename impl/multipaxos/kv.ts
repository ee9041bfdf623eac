// The key-value state machine on top of the Multi-Paxos log: read, write and compare-and-set on
// string keys. Commands are applied in log order on every node, so every node computes the same
// result for every command; reads go through the log too, which makes them linearizable.

import { IntMap, type IntMapEditor } from './IntMap.js';

/** A client operation on the store, in Jepsen's vocabulary (`f`, `key`, `value`). */
export type KvRequest =
  | { readonly f: 'read'; readonly key: string }
  | { readonly f: 'write'; readonly key: string; readonly value: unknown }
  /** Set `key` to `value[1]` if it holds `value[0]` (an absent key holds `null`). */
  | { readonly f: 'cas'; readonly key: string; readonly value: readonly [unknown, unknown] };

/** A command in the log: the request and the operation id that links it to its client. */
export type KvCommand = KvRequest & { readonly op: number; readonly client: number | string };

/** What applying a command gives back: `ok: false` for a cas whose expectation failed. */
export type KvResult = { readonly ok: boolean; readonly value: unknown };

/** The store: key -> value (JSON values). */
export type KvStore = Readonly<Record<string, unknown>>;

/** JSON-level equality, enough for the values clients write. */
function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The value `cmd` leaves at its key (`NO_CHANGE` when it writes nothing) and its result. */
const NO_CHANGE: unique symbol = Symbol('no change');
function effectOf(current: unknown, cmd: KvRequest): { next: unknown; result: KvResult } {
  switch (cmd.f) {
    case 'read':
      return { next: NO_CHANGE, result: { ok: true, value: current } };
    case 'write':
      return { next: cmd.value, result: { ok: true, value: cmd.value } };
    case 'cas': {
      const [expected, next] = cmd.value;
      if (!same(current, expected)) return { next: NO_CHANGE, result: { ok: false, value: current } };
      return { next, result: { ok: true, value: next } };
    }
  }
}

/** Apply one command; the store is not modified (a new one is returned when it changes). */
export function applyKv(store: KvStore, cmd: KvRequest): { store: KvStore; result: KvResult } {
  const current = Object.prototype.hasOwnProperty.call(store, cmd.key) ? store[cmd.key] : null;
  const { next, result } = effectOf(current, cmd);
  return { store: next === NO_CHANGE ? store : { ...store, [cmd.key]: next }, result };
}

type Bucket = readonly (readonly [string, unknown])[];

/** 12 bits of FNV-1a: the bucket of a key (a shallow trie; a bucket holds the keys that collide). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 12) ^ (h >>> 24)) & 0xfff;
}

/**
 * The store as the node keeps it: a persistent map (a hash trie over {@link IntMap}), so a write
 * copies a few small arrays instead of the whole store. Same contents and semantics as
 * {@link KvStore}; {@link KvMap.toObject} gives the plain record.
 */
export class KvMap {
  private static readonly EMPTY = new KvMap(IntMap.empty(), 0);

  private constructor(
    private readonly buckets: IntMap<Bucket>,
    /** Number of keys present. */
    readonly size: number,
  ) {}

  static empty(): KvMap {
    return KvMap.EMPTY;
  }

  /** A store holding the entries of `record`. */
  static from(record: KvStore): KvMap {
    let m = KvMap.EMPTY;
    for (const [k, v] of Object.entries(record)) m = m.set(k, v);
    return m;
  }

  has(key: string): boolean {
    const b = this.buckets.get(hashKey(key));
    return b !== undefined && b.some((e) => e[0] === key);
  }

  /** The value at `key`, or `null` when absent (an absent key holds `null`). */
  get(key: string): unknown {
    const b = this.buckets.get(hashKey(key));
    if (b !== undefined) for (const e of b) if (e[0] === key) return e[1];
    return null;
  }

  set(key: string, value: unknown): KvMap {
    const h = hashKey(key);
    const b = this.buckets.get(h) ?? [];
    const i = b.findIndex((e) => e[0] === key);
    const nb =
      i < 0 ? [...b, [key, value] as const] : b.map((e, j) => (j === i ? ([key, value] as const) : e));
    return new KvMap(this.buckets.set(h, nb), this.size + (i < 0 ? 1 : 0));
  }

  /** An editor for many writes at once (see {@link IntMap.edit}); `done()` gives the new store. */
  edit(): KvMapEditor {
    return new KvMapEditor(this.buckets.edit(), this.size);
  }

  /** @internal The store of an editor's buckets. */
  static of(buckets: IntMap<Bucket>, size: number): KvMap {
    return size === 0 ? KvMap.EMPTY : new KvMap(buckets, size);
  }

  /** The entries as a plain record, keys sorted. */
  toObject(): Record<string, unknown> {
    const entries: (readonly [string, unknown])[] = [];
    this.buckets.forEach((b) => entries.push(...b));
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      // defineProperty: a key named `__proto__` is data, as in the record applyKv builds.
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  toJSON(): Record<string, unknown> {
    return this.toObject();
  }
}

/** Writes to a {@link KvMap} in place of a private copy (see {@link IntMapEditor}). */
export class KvMapEditor {
  constructor(
    private readonly buckets: IntMapEditor<Bucket>,
    private size: number,
  ) {}

  /** The value at `key`, or `null` when absent. */
  get(key: string): unknown {
    const b = this.buckets.get(hashKey(key));
    if (b !== undefined) for (let i = 0; i < b.length; i++) if (b[i]![0] === key) return b[i]![1];
    return null;
  }

  set(key: string, value: unknown): void {
    const h = hashKey(key);
    const b = this.buckets.get(h);
    let i = 0;
    const n = b === undefined ? 0 : b.length;
    while (i < n && b![i]![0] !== key) i++;
    // A new bucket array: the old one may be shared with earlier versions of the store.
    const nb: (readonly [string, unknown])[] = n === 0 ? [] : b!.slice();
    nb[i] = [key, value];
    this.buckets.set(h, nb);
    if (i === n) this.size++;
  }

  /** Apply `cmd` (one hash and one bucket lookup for the read and the write). */
  apply(cmd: KvRequest): KvResult {
    const key = cmd.key;
    const h = hashKey(key);
    const b = this.buckets.get(h);
    const n = b === undefined ? 0 : b.length;
    let i = 0;
    while (i < n && b![i]![0] !== key) i++;
    const { next, result } = effectOf(i < n ? b![i]![1] : null, cmd);
    if (next !== NO_CHANGE) {
      // A new bucket array: the old one may be shared with earlier versions of the store.
      const nb: (readonly [string, unknown])[] = n === 0 ? [] : b!.slice();
      nb[i] = [key, next];
      this.buckets.set(h, nb);
      if (i === n) this.size++;
    }
    return result;
  }

  /** The store with every write; the editor takes no more. */
  done(): KvMap {
    return KvMap.of(this.buckets.done(), this.size);
  }
}

/** {@link applyKv} on a store being edited: the store takes the write, the result comes back. */
export function applyKvEdit(store: KvMapEditor, cmd: KvRequest): KvResult {
  return store.apply(cmd);
}

/** {@link applyKv} on the node's persistent store. */
export function applyKvMap(store: KvMap, cmd: KvRequest): { store: KvMap; result: KvResult } {
  const { next, result } = effectOf(store.get(cmd.key), cmd);
  return { store: next === NO_CHANGE ? store : store.set(cmd.key, next), result };
}

/** Check a client's op number and request; a message naming what is wrong, or null. */
export function clientRequestError(req: { op: number; request: unknown }): string | null {
  return !Number.isSafeInteger(req.op) || req.op < 0
    ? 'op must be a non-negative integer'
    : kvRequestError(req.request);
}

/** Check the shape of a client request; a message naming what is wrong, or null. */
export function kvRequestError(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'a request must be an object { f, key, value? }';
  const { f, key, value } = r as { f?: unknown; key?: unknown; value?: unknown };
  if (typeof key !== 'string') return 'a request needs a string key';
  if (f === 'read' || f === 'write') return null;
  if (f === 'cas')
    return Array.isArray(value) && value.length === 2 ? null : 'cas needs value [expected, new]';
  return `unknown operation ${JSON.stringify(f)} (read, write or cas)`;
}
