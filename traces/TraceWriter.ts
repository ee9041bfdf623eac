// The streaming trace writer: one line per call, keys in the schema's canonical order, so the same
// run gives byte-identical files. Built for the simulator's rate (about a million events a second):
// no per-event validation unless asked, no JSON.stringify of the envelope, buffered synchronous
// writes to files (memory stays bounded even when the producer never yields to the event loop),
// and to files the fast paths' values written as bytes with no string made (jsonArena.ts).
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { LineChecker, findForbiddenKey } from './check.js';
import { formatTraceError, type TraceError } from './errors.js';
import { digitCount, JsonArena, RecentCache, writeDigits } from './jsonArena.js';
import { EVENT_KINDS, traceSchema } from './schema.js';
import type { TraceEvent, TraceHeader, TraceLine } from './types.js';

/** Where lines go when the sink is not a file: `write` gets each line with its newline. */
export interface LineSink {
  write(text: string): unknown;
  /** Called (and awaited) by {@link TraceWriter.close}. */
  close?(): unknown;
}

/** Options of {@link TraceWriter}. */
export interface TraceWriterOptions {
  /** Check each line against the schema before writing it, and throw on errors (default false: debug aid). */
  validate?: boolean;
  /** File sinks: fsync before closing (default false). */
  fsync?: boolean;
  /** File sinks: bytes buffered before a write (default 64 Ki). */
  bufferSize?: number;
  /**
   * Messages and the values in events are immutable: serialize each message (and each decided
   * value, persisted variables object, ...) once and reuse the text wherever the same object is
   * written again, e.g. a broadcast's sends and receives, or one batch decided at every node;
   * and so for every non-empty array held by an object at any depth, e.g. a batch inside an
   * accept or a persisted vote (default false). The bytes are the same either way. Texts (for a
   * file: bytes in the writer's ring, see jsonArena.ts) are kept for recent objects only (a bounded
   * cache), and short ones not at all. Do not mutate an object after it has been written.
   */
  reuseMessages?: boolean;
}

/**
 * What {@link TraceWriter.messageText} returns for a message: its text, or for a file the number of
 * its bytes in the writer's ring. Opaque: pass it back to the same writer.
 */
export type MessageText = string | number;

/** Misuse of the writer, or (with `validate`) a line that breaks the schema. */
export class TraceWriteError extends Error {
  readonly errors: TraceError[];
  constructor(message: string, errors: TraceError[] = []) {
    super(message);
    this.name = 'TraceWriteError';
    this.errors = errors;
  }
}

/** For each kind, `{"kind":"<kind>"` and then `,"<key>":` for each further key, in schema order. */
const LAYOUT = new Map<string, { head: string; keys: string[]; prefixes: string[] }>();
for (const kind of ['header', ...EVENT_KINDS]) {
  const def = traceSchema.$defs![kind === 'header' ? 'header' : `event.${kind}`]!;
  const keys = Object.keys(def.properties!).filter((k) => k !== 'kind');
  LAYOUT.set(kind, {
    head: `{"kind":${JSON.stringify(kind)}`,
    keys,
    prefixes: keys.map((k) => `,${JSON.stringify(k)}:`),
  });
}

const EXTENSION_KEYS = Object.keys(traceSchema.$defs!['event.extension']!.properties!).filter(
  (k) => k !== 'kind',
);
const EXTENSION_KEY_SET: ReadonlySet<string> = new Set(['kind', ...EXTENSION_KEYS]);

/** A JSON string literal; the common case (short names, no escapes) stays out of native calls. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return '"' + s + '"';
}

function json(v: unknown, key: string): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TraceWriteError(`field "${key}": ${v} is not a JSON number`);
    return '' + v;
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  const s = JSON.stringify(v) as string | undefined;
  if (s === undefined) throw new TraceWriteError(`field "${key}": a ${typeof v} is not JSON`);
  return s;
}

/**
 * True for the numbers the fast paths write digit by digit (`#number`): integers
 * in [0, 2^31), whose JSON is their decimal digits (ids, slots, ops, written values).
 */
function smallInt(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= 0x7fffffff && (v | 0) === v;
}

/** The fast paths write pieces up to this long byte by byte, longer ones natively. */
const SHORT_PIECE = 48;

/**
 * A constant ASCII piece of the fast paths' lines (an event's head, `,"key":`, the end): its text
 * for line sinks and its bytes for file sinks, copied without `#raw`'s per-character checks. The
 * constant pieces are most of a short line (measured: a send line ~290 -> ~240 ns, a client line
 * ~320 -> ~280 ns; a traced Multi-Paxos run about 3% faster).
 */
type Piece = { readonly text: string; readonly bytes: Uint8Array };

function piece(text: string): Piece {
  return { text, bytes: Buffer.from(text, 'utf8') };
}

/** Pieces a {@link PieceTable} holds at most (node names and the like are few). */
const MAX_PIECES = 1 << 12;
/** Strings a {@link PieceTable} finds by comparison (a cluster's node names, timer names, f values). */
const GRID = 16;

/**
 * Constant pieces made of two strings that lines repeat (a node and its peer, a node and a timer's
 * name), by those strings: `,"node":"n1","to":"n2","id":` is one copy instead of five pieces.
 */
class PieceTable {
  /**
   * The first {@link GRID} strings seen and the pieces of their pairs, found by comparing the
   * strings (the same string objects each time: a pointer comparison) instead of hashing them.
   */
  readonly #names: string[] = [];
  readonly #grid: (Piece | undefined)[] = new Array<Piece | undefined>(GRID * GRID).fill(undefined);
  /** Pieces of pairs with a string not in `#names`. */
  readonly #map = new Map<string, Map<string, Piece>>();
  #size = 0;
  readonly #make: (a: string, b: string) => string;

  constructor(make: (a: string, b: string) => string) {
    this.#make = make;
  }

  /**
   * The piece for `a` and `b`; undefined for long strings (a piece must fit in the writer's buffer)
   * and when the table is full: then the line is written in pieces.
   */
  get(a: string, b: string): Piece | undefined {
    const ia = this.#index(a);
    const ib = this.#index(b);
    if (ia >= 0 && ib >= 0) {
      const pc = this.#grid[ia * GRID + ib];
      if (pc !== undefined) return pc;
    }
    return this.#slow(a, b);
  }

  #index(s: string): number {
    const names = this.#names;
    for (let i = 0; i < names.length; i++) if (names[i] === s) return i;
    return -1;
  }

  #slow(a: string, b: string): Piece | undefined {
    if (a.length > SHORT_PIECE || b.length > SHORT_PIECE) return undefined;
    let m = this.#map.get(a);
    const pc = m?.get(b);
    if (pc !== undefined) return pc;
    if (this.#size >= MAX_PIECES) return undefined;
    const made = piece(this.#make(a, b));
    this.#size++;
    const names = this.#names;
    let ia = this.#index(a);
    if (ia < 0 && names.length < GRID) ia = names.push(a) - 1;
    let ib = this.#index(b);
    if (ib < 0 && names.length < GRID) ib = names.push(b) - 1;
    if (ia >= 0 && ib >= 0) this.#grid[ia * GRID + ib] = made;
    else {
      if (m === undefined) this.#map.set(a, (m = new Map<string, Piece>()));
      m.set(b, made);
    }
    return made;
  }
}

/** The pieces of a timer line after its time, for one action: by node and timer name. */
function timerPieces(action: 'set' | 'cancel' | 'fire'): PieceTable {
  return new PieceTable((node, name) => `,"node":${quote(node)},"name":${quote(name)},"action":"${action}"`);
}

const P = {
  send: piece('{"kind":"send","t":'),
  recv: piece('{"kind":"recv","t":'),
  timer: piece('{"kind":"timer","t":'),
  persist: piece('{"kind":"persist","t":'),
  decide: piece('{"kind":"decide","t":'),
  node: piece(',"node":'),
  to: piece(',"to":'),
  from: piece(',"from":'),
  id: piece(',"id":'),
  msg: piece(',"msg":'),
  name: piece(',"name":'),
  action: piece(',"action":'),
  after: piece(',"after":'),
  vars: piece(',"vars":'),
  slot: piece(',"slot":'),
  value: piece(',"value":'),
  ballot: piece(',"ballot":'),
  process: piece(',"process":'),
  op: piece(',"op":'),
  f: piece(',"f":'),
  key: piece(',"key":'),
  class: piece(',"class":'),
  error: piece(',"error":'),
  end: piece('}\n'),
} as const;

const CLIENT_HEADS = {
  invoke: piece('{"kind":"invoke","t":'),
  ok: piece('{"kind":"ok","t":'),
  fail: piece('{"kind":"fail","t":'),
  info: piece('{"kind":"info","t":'),
} as const;

/** Times in whole microseconds below this (2^31 ms) are written digit by digit. */
const MAX_MICROS = 2 ** 31 * 1000;

/** `.001` .. `.999` without trailing zeros (index: thousandths), and '' for 0. */
const THOUSANDTHS: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  i === 0 ? '' : ('.' + String(i).padStart(3, '0')).replace(/0+$/, ''),
);

/**
 * `String(t)` for a time in whole microseconds (what the simulator writes: ms with at most 3
 * decimals), from integer parts instead of the general double-to-text algorithm; undefined for
 * any other number. Exact: below 2^50 µs doubles are far closer together than 0.001, so the
 * shortest text that reads back as `t` is its 3-decimal one with trailing zeros dropped.
 */
export function millisText(t: number): string | undefined {
  const k = Math.round(t * 1000);
  if (!(k >= 0 && k < 2 ** 50) || k / 1000 !== t) return undefined;
  const ms = Math.floor(k / 1000);
  return '' + ms + THOUSANDTHS[k - ms * 1000]!;
}

/**
 * Shorter texts are not kept: making them again costs about what finding them does, and a cache
 * full of small fresh objects (a message sent once) only keeps them alive.
 */
const MIN_CACHED = 128;

/** Nesting depth beyond which {@link nestedJson} hands the rest to JSON.stringify (which also finds cycles). */
const MAX_DEPTH = 64;

/** Whether `x` is a plain object with a non-empty array as one of its own values. */
function holdsArrays(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  const o = x as Record<string, unknown>;
  for (const k in o) {
    const y = o[k];
    if (Array.isArray(y) && y.length > 0) return true;
  }
  return false;
}

const AS_IS = Symbol('as is');

/** JSON.stringify of an object without calling its own `toJSON` (a replacer runs after `toJSON`). */
function stringifyAsIs(v: object): string {
  return JSON.stringify(AS_IS, (_k, x: unknown) => (x === AS_IS ? v : x));
}

/**
 * `JSON.stringify(v)` for a value found under `key` (what `toJSON` gets), with the text of every
 * non-empty array inside plain objects taken from `cache` when that array was written before, and
 * stored there when not. So one batch of commands is serialized once for all the lines that carry
 * it: an accept, the votes persisted as `{"v.7":{"ballot":...,"value":<batch>}}`, the decide
 * message, the five nodes' decisions. Plain objects are walked, not cached (they are mostly
 * fresh: messages, persisted variables); an array's contents, anything else (class instances,
 * boxed primitives) and deep values go to JSON.stringify. `undefined` where JSON.stringify gives
 * undefined.
 */
function nestedJson(
  v: unknown,
  key: string | number,
  cache: RecentCache<string>,
  depth: number,
): string | undefined {
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(key: string): unknown }).toJSON(String(key));
    // JSON.stringify calls one toJSON per value: a result with a toJSON of its own (a Date) is
    // written as it is, which JSON.stringify(v) would not do.
    if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function')
      return stringifyAsIs(v);
  }
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? '' + v : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      return JSON.stringify(v); // throws, as JSON.stringify of the whole would
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const n = v.length;
    if (n === 0) return '[]';
    let t = cache.get(v);
    if (t !== undefined) return t;
    if (holdsArrays(v[0]) && depth < MAX_DEPTH) {
      // Records that carry arrays (a catch-up's `{slot, value: <batch>}`): walked, so the texts of
      // those arrays are reused. JSON.stringify writes null for what has no JSON.
      t = '[';
      for (let i = 0; i < n; i++)
        t += (i === 0 ? '' : ',') + (nestedJson(v[i], i, cache, depth + 1) ?? 'null');
      t += ']';
    } else {
      // Natively, in one flat string: a text built of many small pieces is slow to encode.
      t = JSON.stringify(v);
    }
    if (t.length >= MIN_CACHED) cache.set(v, t);
    return t;
  }
  if (!walked(v, depth)) return JSON.stringify(v);
  const o = v;
  let t = '{';
  for (const k of Object.keys(o)) {
    const x = nestedJson(o[k], k, cache, depth + 1);
    if (x === undefined) continue;
    t += (t.length === 1 ? '' : ',') + quote(k) + ':' + x;
  }
  return t + '}';
}

/**
 * {@link json}, with the text of an object reused from `cache` when it was written before (and
 * of the arrays inside it, see {@link nestedJson}); `keep` false: `v`'s own text is looked up but
 * not stored (the texts of the arrays inside still are).
 */
function cachedJson(v: unknown, key: string, cache: RecentCache<string> | undefined, keep = true): string {
  if (cache === undefined || typeof v !== 'object' || v === null) return json(v, key);
  let t = cache.get(v);
  if (t === undefined) {
    t = nestedJson(v, key, cache, 0);
    if (t === undefined) throw new TraceWriteError(`field "${key}": a ${typeof v} is not JSON`);
    if (keep && t.length >= MIN_CACHED) cache.set(v, t);
  }
  return t;
}

/** Texts at least this long stay pieces of their own in {@link jsonPieces}. */
const LONG_PIECE = 256;

function pushPiece(out: string[], x: string): void {
  const n = out.length;
  if (x.length < LONG_PIECE && n > 0 && out[n - 1]!.length < LONG_PIECE) out[n - 1] += x;
  else out.push(x);
}

/** A plain object that {@link nestedJson} walks key by key at `depth`. */
function walked(x: unknown, depth: number): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || depth >= MAX_DEPTH) return false;
  if (typeof (x as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * {@link nestedJson} of a plain object walked at `depth`, appended to `out` in pieces whose
 * concatenation is that text: short pieces joined, long ones (the cached texts of arrays) kept
 * apart. Writing the pieces one by one copies no long text into a new string, where the native
 * encoder first flattens a string built by concatenation: a persisted vote or decided batch (about
 * 1 KB, and persist lines are a fifth of a Multi-Paxos trace's bytes) was copied once more per line
 * (measured: a traced Multi-Paxos run about 2.5% faster).
 */
function jsonPieces(
  o: Record<string, unknown>,
  cache: RecentCache<string>,
  depth: number,
  out: string[],
): void {
  pushPiece(out, '{');
  let sep = '';
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (walked(x, depth + 1)) {
      pushPiece(out, sep + quote(k) + ':');
      jsonPieces(x, cache, depth + 1, out);
    } else {
      const t = nestedJson(x, k, cache, depth + 1);
      if (t === undefined) continue;
      pushPiece(out, sep + quote(k) + ':');
      pushPiece(out, t);
    }
    sep = ',';
  }
  pushPiece(out, '}');
}

function stringify(line: TraceLine, messages: RecentCache<string> | undefined): string {
  const o = line as unknown as Record<string, unknown>;
  const kind = o.kind;
  const layout = typeof kind === 'string' ? LAYOUT.get(kind) : undefined;
  if (layout === undefined) {
    if (typeof kind !== 'string' || !kind.startsWith('x-')) {
      throw new TraceWriteError(`unknown event kind ${JSON.stringify(kind)}`);
    }
    // Known envelope fields first, then the event's own fields in sorted order.
    let s = `{"kind":${quote(kind)}`;
    for (const k of [
      ...EXTENSION_KEYS,
      ...Object.keys(o)
        .filter((k) => !EXTENSION_KEY_SET.has(k))
        .sort(),
    ]) {
      const v = o[k];
      if (v !== undefined) s += `,${quote(k)}:${json(v, k)}`;
    }
    return s + '}';
  }
  const { head, keys, prefixes } = layout;
  let s = head;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    if (v === undefined) continue;
    s += prefixes[i]! + cachedJson(v, k, messages);
  }
  return s + '}';
}

/**
 * One trace line as JSON text (no newline). The header's and events' own fields come in the schema's
 * order whatever order the object has; nested values (messages, vars, values) keep their own order.
 * Fields set to `undefined` are left out. Extension (`x-`) events: envelope fields, then the others sorted.
 */
export function stringifyTraceLine(line: TraceLine): string {
  return stringify(line, undefined);
}

/**
 * Writes a trace: {@link TraceWriter.header} once, then {@link TraceWriter.event} per event, then
 * {@link TraceWriter.close}.
 *
 * @example
 * ```ts
 * const w = new TraceWriter('run.ndjson');
 * w.header({ kind: 'header', format: 'synod-trace', version: 1, protocol: 'paxos', nodes, quorum: { kind: 'majority' } });
 * w.event({ kind: 'crash', t: 120, node: 'n2' });
 * await w.close();
 * ```
 */
export class TraceWriter {
  readonly #sink: LineSink | undefined;
  readonly #fd: number | undefined;
  readonly #fsync: boolean;
  readonly #bufferSize: number;
  readonly #checker: LineChecker | undefined;
  #messages: RecentCache<string> | undefined;
  /** File sinks: lines are encoded into this buffer, written out when it holds `bufferSize` bytes. */
  readonly #bytes: Buffer | undefined;
  /** File sinks: the values of the fast paths are written as bytes here (`#bytes` is its `mem`). */
  readonly #arena: JsonArena | undefined;
  /** The size of the line part of `#bytes` (a ring for values follows it). */
  readonly #cap: number = 0;
  #pos = 0;
  #lines = 0;
  /** File sinks: the last time written digit by digit (whole microseconds) and its bytes. */
  #lastMicros = -1;
  readonly #lastTime = new Uint8Array(16);
  #lastTimeLength = 0;
  /** Line sinks: the fast paths' line so far. */
  #acc = '';
  #state: 'new' | 'open' | 'closed' = 'new';
  /** `,"node":<node>,"to":<peer>,"id":` and its `recv` twin, by node and peer. */
  readonly #sendPieces = new PieceTable((node, to) => `,"node":${quote(node)},"to":${quote(to)},"id":`);
  readonly #recvPieces = new PieceTable((node, from) => `,"node":${quote(node)},"from":${quote(from)},"id":`);
  /** `,"node":<node>,"name":<name>,"action":"<action>"` by action, node and name. */
  readonly #timerPieces = {
    set: timerPieces('set'),
    cancel: timerPieces('cancel'),
    fire: timerPieces('fire'),
  };
  /** Client lines: `,"node":<node>,"process":` by node (and ''). */
  readonly #processPieces = new PieceTable((node) => `,"node":${quote(node)},"process":`);
  /** Client lines: `,"f":<f>` and `,"f":<f>,"key":`, by f and what follows it ('' or `,"key":`). */
  readonly #fPieces = new PieceTable((f, tail) => `,"f":${quote(f)}${tail}`);

  /** @param sink - a file path or URL (created or truncated), or a {@link LineSink}. */
  constructor(sink: string | URL | LineSink, options: TraceWriterOptions = {}) {
    const bufferSize = options.bufferSize ?? 1 << 16;
    if (!Number.isInteger(bufferSize) || bufferSize < 0) {
      throw new RangeError(
        `TraceWriter: bufferSize must be a non-negative integer, got ${String(bufferSize)}`,
      );
    }
    if (typeof sink === 'string' || sink instanceof URL) this.#fd = openSync(sink, 'w');
    else if (typeof sink?.write === 'function') this.#sink = sink;
    else
      throw new TypeError(
        'TraceWriter: the sink must be a path, a URL or an object with a write(text) method',
      );
    this.#fsync = options.fsync ?? false;
    this.#bufferSize = bufferSize;
    this.#checker = options.validate === true ? new LineChecker() : undefined;
    this.#messages = options.reuseMessages === true ? new RecentCache<string>() : undefined;
    if (this.#fd !== undefined) {
      this.#cap = Math.max(bufferSize, 1 << 12) + (1 << 12);
      this.#arena = new JsonArena(this.#cap);
      this.#arena.remember = this.#messages !== undefined;
      this.#bytes = this.#arena.mem;
    }
  }

  /**
   * Turns {@link TraceWriterOptions.reuseMessages} on for every later line: for a producer that
   * never mutates a message or value after writing it. The simulator does (impl/sim): by the node
   * contract a node's messages, persisted variables and decided values are values.
   */
  assumeImmutable(): void {
    this.#messages ??= new RecentCache<string>();
    if (this.#arena !== undefined) this.#arena.remember = true;
  }

  /** Lines written so far (header included). */
  get lines(): number {
    return this.#lines;
  }

  /** Writes the header; call it once, first. */
  header(header: TraceHeader): void {
    if (this.#state !== 'new') {
      throw new TraceWriteError(
        this.#state === 'closed'
          ? 'TraceWriter: header() after close()'
          : 'TraceWriter: header() called twice',
      );
    }
    const text = stringifyTraceLine(header);
    if (this.#checker !== undefined) this.#check(text, true);
    this.#state = 'open';
    this.#put(text);
  }

  /** Writes one event. */
  event(event: TraceEvent): void {
    if (this.#state !== 'open') {
      throw new TraceWriteError(
        this.#state === 'closed'
          ? 'TraceWriter: event() after close()'
          : 'TraceWriter: event() before header()',
      );
    }
    const text = stringify(event, this.#messages);
    if (this.#checker !== undefined) this.#check(text, false);
    this.#put(text);
  }

  // Fast paths for producers that write many events (the simulator): the same line as `event()`
  // with the event object it names, without building that object. Validation mode goes through
  // `event()`.

  /**
   * A message's JSON made once, for {@link TraceWriter.send} and {@link TraceWriter.recv}: a
   * producer that writes one message several times (a broadcast, its receives) serializes it once
   * and passes what this returns with each. For a file, that is usually the number of its bytes in
   * the writer's ring (written there with no string made, see traces/jsonArena.ts); when the ring
   * has come round to them by the time a line needs them, the line writes `msg` again. The
   * producer keeps it: the writer's cache (`reuseMessages`) does not keep messages (it does keep
   * the arrays inside), so that it holds values written again, not every message.
   */
  messageText(msg: unknown): MessageText | undefined {
    if (msg === undefined || this.#checker !== undefined) return undefined;
    const e = this.#arena?.put(msg) ?? -1;
    return e >= 0 ? e : cachedJson(msg, 'msg', this.#messages, false);
  }

  /**
   * Writes `{ kind: 'send', t, node, to, id, msg }`; `text`, when given, is what
   * {@link TraceWriter.messageText} returned for `msg`.
   */
  send(t: number, node: string, to: string, id: number, msg: unknown, text?: MessageText): void {
    if (text === undefined && (this.#checker !== undefined || msg === undefined)) {
      this.event({ kind: 'send', t, node, to, id, msg } as TraceEvent);
      return;
    }
    this.#message(P.send, P.to, t, node, to, id, msg, text);
  }

  /** Writes `{ kind: 'recv', t, node, from, id, msg }`; `text` as for {@link TraceWriter.send}. */
  recv(t: number, node: string, from: string, id: number, msg: unknown, text?: MessageText): void {
    if (text === undefined && (this.#checker !== undefined || msg === undefined)) {
      this.event({ kind: 'recv', t, node, from, id, msg } as TraceEvent);
      return;
    }
    this.#message(P.recv, P.from, t, node, from, id, msg, text);
  }

  /** A send or recv line; `peerKey` is `,"to":` or `,"from":`. */
  #message(
    head: Piece,
    peerKey: Piece,
    t: number,
    node: string,
    other: string,
    id: number,
    msg: unknown,
    text: MessageText | undefined,
  ): void {
    this.#open();
    // Every text that can throw is made before the first piece is written.
    const time = this.#time(t);
    const idText = this.#intText(id, 'id');
    const body =
      typeof text === 'string'
        ? text
        : text !== undefined && this.#arena !== undefined && this.#arena.start(text) >= 0
          ? text
          : this.#json(msg, 'msg');
    this.#piece(head);
    this.#writeTime(time);
    const pair = (head === P.send ? this.#sendPieces : this.#recvPieces).get(node, other);
    if (pair !== undefined) this.#piece(pair);
    else {
      this.#piece(P.node);
      this.#quoted(node);
      this.#piece(peerKey);
      this.#quoted(other);
      this.#piece(P.id);
    }
    this.#number(idText, id);
    this.#piece(P.msg);
    this.#emit(body);
    this.#endLine(P.end);
  }

  /** Writes `{ kind: 'timer', t, node, name, action, after }` (`after` left out when undefined). */
  timer(t: number, node: string, name: string, action: 'set' | 'cancel' | 'fire', after?: number): void {
    if (this.#checker !== undefined) {
      this.event({ kind: 'timer', t, node, name, action, after });
      return;
    }
    this.#open();
    const time = this.#time(t);
    const afterTime = after === undefined ? undefined : this.#millis(after, 'after');
    this.#piece(P.timer);
    this.#writeTime(time);
    const named = (this.#timerPieces[action] as PieceTable | undefined)?.get(node, name);
    if (named !== undefined) this.#piece(named);
    else {
      this.#piece(P.node);
      this.#quoted(node);
      this.#piece(P.name);
      this.#quoted(name);
      this.#piece(P.action);
      this.#quoted(action);
    }
    if (afterTime !== undefined) {
      this.#piece(P.after);
      this.#writeTime(afterTime);
    }
    this.#endLine(P.end);
  }

  /** Writes `{ kind: 'persist', t, node, vars }`. */
  persist(t: number, node: string, vars: Readonly<Record<string, unknown>>): void {
    if (this.#checker !== undefined || vars === undefined) {
      this.event({ kind: 'persist', t, node, vars });
      return;
    }
    this.#open();
    const time = this.#time(t);
    const e = this.#arena?.put(vars) ?? -1;
    if (e >= 0) {
      this.#head(P.persist, time, node);
      this.#piece(P.vars);
      this.#copy(e);
      this.#endLine(P.end);
      return;
    }
    // A node's persisted variables are mostly a fresh object each time: not kept, and written in
    // pieces (see jsonPieces), collected in a fresh array per line (a `toJSON` in `vars` may write
    // to this writer while it is built).
    const cache = this.#messages;
    const pieces: string[] = [];
    const known = cache?.get(vars);
    if (known !== undefined) pieces.push(known);
    else if (cache !== undefined && walked(vars, 0)) jsonPieces(vars, cache, 0, pieces);
    else pieces.push(cachedJson(vars, 'vars', cache, false));
    this.#head(P.persist, time, node);
    this.#piece(P.vars);
    for (let i = 0; i < pieces.length; i++) this.#raw(pieces[i]!);
    this.#endLine(P.end);
  }

  /** Writes `{ kind: 'decide', t, node, slot, value, ballot }` (`ballot` left out when undefined). */
  decide(t: number, node: string, slot: number, value: unknown, ballot?: unknown): void {
    if (this.#checker !== undefined || value === undefined) {
      this.event({ kind: 'decide', t, node, slot, value, ballot } as TraceEvent);
      return;
    }
    this.#open();
    const time = this.#time(t);
    const slotText = this.#intText(slot, 'slot');
    let valueJson = this.#json(value, 'value');
    const ballotJson = ballot === undefined ? undefined : this.#json(ballot, 'ballot');
    if (ballotJson !== undefined) valueJson = this.#still(valueJson, value, 'value');
    this.#head(P.decide, time, node);
    this.#piece(P.slot);
    this.#number(slotText, slot);
    this.#piece(P.value);
    this.#emit(valueJson);
    if (ballotJson !== undefined) {
      this.#piece(P.ballot);
      this.#emit(ballotJson);
    }
    this.#endLine(P.end);
  }

  /**
   * Writes a client event `{ kind, t, node, process, op, f, key, value, class, error }`: `invoke`
   * and `ok` (no `error`), `fail` and `info`. Fields that are undefined are left out.
   */
  client(
    kind: 'invoke' | 'ok' | 'fail' | 'info',
    t: number,
    node: string | undefined,
    process: number | string,
    op: number | string,
    f: string,
    key: unknown,
    value: unknown,
    cls?: string,
    error?: unknown,
  ): void {
    const withError = kind === 'fail' || kind === 'info';
    if (this.#checker !== undefined) {
      const e = { kind, t, node, process, op, f, key, value, class: cls };
      this.event((withError ? { ...e, error } : e) as TraceEvent);
      return;
    }
    this.#open();
    const time = this.#time(t);
    const processText = this.#intText(process, 'process');
    const opText = this.#intText(op, 'op');
    let keyJson = key === undefined || typeof key === 'string' ? undefined : this.#json(key, 'key');
    let valueJson = value === undefined || smallInt(value) ? undefined : this.#json(value, 'value');
    const errorJson = withError && error !== undefined ? this.#json(error, 'error') : undefined;
    // A later value's bytes may have taken the ring's room of an earlier one's (huge values only).
    if (valueJson !== undefined || errorJson !== undefined) keyJson = this.#still(keyJson, key, 'key');
    if (errorJson !== undefined) valueJson = this.#still(valueJson, value, 'value');
    // A switch, not a keyed load: four names at one site make a slow generic lookup.
    this.#piece(
      kind === 'invoke'
        ? CLIENT_HEADS.invoke
        : kind === 'ok'
          ? CLIENT_HEADS.ok
          : kind === 'fail'
            ? CLIENT_HEADS.fail
            : CLIENT_HEADS.info,
    );
    this.#writeTime(time);
    const at = node === undefined ? undefined : this.#processPieces.get(node, '');
    if (at !== undefined) this.#piece(at);
    else {
      if (node !== undefined) {
        this.#piece(P.node);
        this.#quoted(node);
      }
      this.#piece(P.process);
    }
    this.#number(processText, process as number);
    this.#piece(P.op);
    this.#number(opText, op as number);
    const fKey = this.#fPieces.get(f, key === undefined ? '' : P.key.text);
    if (fKey !== undefined) this.#piece(fKey);
    else {
      this.#piece(P.f);
      this.#quoted(f);
      if (key !== undefined) this.#piece(P.key);
    }
    if (key !== undefined) {
      if (keyJson === undefined) this.#quoted(key as string);
      else this.#emit(keyJson);
    }
    if (value !== undefined) {
      this.#piece(P.value);
      if (valueJson === undefined) this.#number(undefined, value as number);
      else this.#emit(valueJson);
    }
    if (cls !== undefined) {
      this.#piece(P.class);
      this.#quoted(cls);
    }
    if (errorJson !== undefined) {
      this.#piece(P.error);
      this.#emit(errorJson);
    }
    this.#endLine(P.end);
  }

  /**
   * A value's JSON for a fast path: objects and arrays as an entry in the ring when they can be
   * (see {@link JsonArena.put}), anything else as text (made now: it throws what `event()` would).
   */
  #json(v: unknown, key: string): MessageText {
    if (typeof v === 'object' && v !== null && this.#arena !== undefined) {
      const e = this.#arena.put(v);
      if (e >= 0) return e;
    }
    return cachedJson(v, key, this.#messages);
  }

  /** `x` (from {@link TraceWriter.#json}) if it is text or its bytes are still in the ring, else `v`'s text. */
  #still<T extends MessageText | undefined>(x: T, v: unknown, key: string): T | string {
    return typeof x === 'number' && this.#arena!.start(x) < 0 ? cachedJson(v, key, this.#messages) : x;
  }

  /** Appends what {@link TraceWriter.#json} returned. */
  #emit(x: MessageText): void {
    if (typeof x === 'number') this.#copy(x);
    else this.#raw(x);
  }

  /** Appends the bytes of a live ring entry. */
  #copy(e: number): void {
    const a = this.#arena!;
    const from = a.start(e);
    const n = a.length(e);
    let p = this.#pos;
    if (p + n > this.#cap) {
      this.#writeOut();
      p = 0;
      if (n > this.#cap) {
        for (let off = 0; off < n;) off += writeSync(this.#fd!, a.mem, from + off, n - off);
        return;
      }
    }
    a.mem.copyWithin(p, from, from + n);
    this.#pos = p + n;
  }

  /** A field's JSON, as `event()` writes it. */
  #field(v: unknown, key: string): string {
    return cachedJson(v, key, this.#messages);
  }

  /** A field for {@link TraceWriter.#number}: undefined for a {@link smallInt} (written as digits), else its JSON. */
  #intText(v: unknown, key: string): string | undefined {
    return smallInt(v) ? undefined : this.#field(v, key);
  }

  // The fast paths write a line in pieces: into the byte buffer (file sinks), with no line string
  // built, or onto #acc (line sinks). Each piece is whole JSON text (never half a surrogate pair),
  // so the bytes equal those of the joined line.

  /** Appends JSON text: short ASCII text byte by byte, the rest encoded natively. */
  #raw(s: string): void {
    const b = this.#bytes;
    if (b === undefined) {
      this.#acc += s;
      return;
    }
    const n = s.length;
    let p = this.#pos;
    if (n <= SHORT_PIECE) {
      if (p + n > this.#cap) {
        this.#writeOut();
        p = 0;
      }
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[p + i] = c;
      }
      if (i === n) {
        this.#pos = p + n;
        return;
      }
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (p + 3 * n > this.#cap) {
      this.#writeOut();
      if (3 * n > this.#cap) {
        writeSync(this.#fd!, s);
        return;
      }
      p = 0;
    }
    this.#pos = p + b.write(s, p, 'utf8');
  }

  /** Appends a constant piece. */
  #piece(pc: Piece): void {
    const b = this.#bytes;
    if (b === undefined) {
      this.#acc += pc.text;
      return;
    }
    const a = pc.bytes;
    const n = a.length;
    let p = this.#pos;
    if (p + n > this.#cap) {
      this.#writeOut();
      p = 0;
    }
    if (n > 16) b.set(a, p);
    else for (let i = 0; i < n; i++) b[p + i] = a[i]!;
    this.#pos = p + n;
  }

  /** Appends `text`, or when it is undefined the digits of `n` (a {@link smallInt}) with no string made. */
  #number(text: string | undefined, n: number): void {
    if (text !== undefined) {
      this.#raw(text);
      return;
    }
    const b = this.#bytes;
    if (b === undefined) {
      this.#acc += n;
      return;
    }
    const digits = digitCount(n);
    let p = this.#pos;
    if (p + digits > this.#cap) {
      this.#writeOut();
      p = 0;
    }
    writeDigits(b, p, n, digits);
    this.#pos = p + digits;
  }

  /** The start of an event line: `{"kind":"<kind>","t":` (given whole), the time, the node. */
  #head(kindAndT: Piece, time: number | string, node: string): void {
    this.#piece(kindAndT);
    this.#writeTime(time);
    this.#piece(P.node);
    this.#quoted(node);
  }

  /** Appends `s` as a JSON string literal. */
  #quoted(s: string): void {
    const b = this.#bytes;
    const n = s.length;
    if (b === undefined || n > SHORT_PIECE) {
      this.#raw(quote(s));
      return;
    }
    let p = this.#pos;
    if (p + n + 2 > this.#cap) {
      this.#writeOut();
      p = 0;
    }
    b[p] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // What needs escaping, and what is not one byte in UTF-8: the general path (the bytes
      // written so far are past #pos, so they do not count).
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) {
        this.#raw(quote(s));
        return;
      }
      b[p + 1 + i] = c;
    }
    b[p + n + 1] = 0x22;
    this.#pos = p + n + 2;
  }

  /** Appends `tail` (ending with the newline) and ends the line. */
  #endLine(tail: Piece): void {
    this.#lines++;
    if (this.#bytes === undefined) {
      const line = this.#acc + tail.text;
      this.#acc = '';
      this.#sink!.write(line);
      return;
    }
    this.#piece(tail);
    if (this.#pos >= this.#bufferSize) this.#writeOut();
  }

  /** Encodes `text` into the byte buffer (or writes it straight out when it is too long for it). */
  #writeText(text: string): void {
    const bytes = this.#bytes!;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#pos + 3 * text.length > this.#cap) {
      this.#writeOut();
      if (3 * text.length > this.#cap) {
        writeSync(this.#fd!, text);
        return;
      }
    }
    this.#pos += bytes.write(text, this.#pos, 'utf8');
  }

  /** Writes the byte buffer's contents to the file. */
  #writeOut(): void {
    let off = 0;
    while (off < this.#pos) off += writeSync(this.#fd!, this.#bytes!, off, this.#pos - off);
    this.#pos = 0;
  }

  #open(): void {
    if (this.#state !== 'open') {
      throw new TraceWriteError(
        this.#state === 'closed'
          ? 'TraceWriter: event() after close()'
          : 'TraceWriter: event() before header()',
      );
    }
  }

  /** `t` in whole microseconds when {@link TraceWriter.#writeTime} writes it digit by digit, else its text. */
  #time(t: number): number | string {
    return this.#millis(t, 't');
  }

  /**
   * A time or delay in ms: in whole microseconds (what the simulator writes) below 2^31 ms, which
   * {@link TraceWriter.#writeTime} writes as digits with no string made; else its text (made now:
   * it throws what `event()` would).
   */
  #millis(v: number, key: string): number | string {
    const k = Math.round(v * 1000);
    if (k >= 0 && k < MAX_MICROS && k / 1000 === v) return k;
    return millisText(v) ?? json(v, key);
  }

  /** Appends what {@link TraceWriter.#millis} returned: `String(k / 1000)` for whole microseconds `k`. */
  #writeTime(x: number | string): void {
    if (typeof x === 'string') {
      this.#raw(x);
      return;
    }
    const ms = Math.floor(x / 1000);
    const frac = x - ms * 1000;
    const b = this.#bytes;
    if (b === undefined) {
      this.#acc += ms + THOUSANDTHS[frac]!;
      return;
    }
    let p = this.#pos;
    // At most 10 digits, the point and 3 more.
    if (p + 14 > this.#cap) {
      this.#writeOut();
      p = 0;
    }
    const last = this.#lastTime;
    if (x === this.#lastMicros) {
      // The lines of one step share their time.
      const n = this.#lastTimeLength;
      for (let i = 0; i < n; i++) b[p + i] = last[i]!;
      this.#pos = p + n;
      return;
    }
    const digits = digitCount(ms);
    writeDigits(b, p, ms, digits);
    let q = p + digits;
    if (frac !== 0) {
      const d3 = frac % 10;
      const d2 = ((frac / 10) | 0) % 10;
      b[q++] = 0x2e;
      b[q++] = 0x30 + ((frac / 100) | 0);
      if (d2 !== 0 || d3 !== 0) b[q++] = 0x30 + d2;
      if (d3 !== 0) b[q++] = 0x30 + d3;
    }
    const n = q - p;
    for (let i = 0; i < n; i++) last[i] = b[p + i]!;
    this.#lastTimeLength = n;
    this.#lastMicros = x;
    this.#pos = q;
  }

  /** Writes buffered lines out to the file now. */
  flush(): void {
    if (this.#bytes !== undefined && this.#pos > 0) this.#writeOut();
  }

  /** Flushes, optionally fsyncs, and closes the file (or calls the sink's `close`). Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#fd !== undefined) {
      try {
        this.flush();
        if (this.#fsync) fsyncSync(this.#fd);
      } finally {
        closeSync(this.#fd);
      }
    } else {
      await this.#sink!.close?.();
    }
  }

  #put(text: string): void {
    this.#putLine(text + '\n');
  }

  #putLine(line: string): void {
    this.#lines++;
    if (this.#sink !== undefined) {
      this.#sink.write(line);
      return;
    }
    this.#writeText(line);
    if (this.#pos >= this.#bufferSize) this.#writeOut();
  }

  #check(text: string, isHeader: boolean): void {
    const line = this.#lines + 1;
    const value = JSON.parse(text) as Record<string, unknown>;
    const at = findForbiddenKey(value);
    let errors: readonly TraceError[];
    if (at !== undefined) {
      errors = [{ code: 'forbidden-key', message: `${at}: forbidden key`, line, field: at }];
    } else if (isHeader) {
      errors = this.#checker!.checkHeader(value, line).errors;
    } else {
      errors = this.#checker!.checkEvent(value, value.kind as string, line);
    }
    if (errors.length > 0) {
      throw new TraceWriteError(
        `TraceWriter: invalid ${isHeader ? 'header' : 'event'}: ${errors.map((e) => formatTraceError(e)).join('; ')}`,
        [...errors],
      );
    }
  }
}
