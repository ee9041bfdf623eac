// The reader's fast path for `multipaxos` and `adaptive` traces written in synod's writer's form: a WebAssembly
// scanner (traces/scan/scan.c, SIMD) checks each line of a chunk against the writer's templates
// and writes its fields into columns; this module builds each matching line's event from those
// columns (the same object JSON.parse would give, keys in the same order) without parsing or
// validating the line again. Lines that do not match are left to the reader's full path. Nested
// values (a batch of commands, persisted variables) are parsed once per distinct text: the scanner
// keeps the last 64 texts it validated and tells which one a line repeats. Each scanner is one
// module instance with 16 MiB of WebAssembly memory (columns for 65,536 lines, a 1 MiB input
// buffer, the cache), of which a reader touches little more than its chunk size.
import type { TraceEvent, TraceHeader } from './types.js';
import { SCAN_WASM } from './scan.generated.js';

/** Bytes the scanner takes at once; the reader's chunks are smaller. */
export const SCAN_CAPACITY = 1 << 20;

const KINDS = [
  undefined,
  'send',
  'recv',
  'persist',
  'decide',
  'invoke',
  'ok',
  'timer',
  'crash',
  'restart',
] as const;
const MESSAGE_TYPES = [
  undefined,
  'prepare',
  'promise',
  'accept',
  'accepted',
  'decide',
  'heartbeat',
  'catchup',
  'x-forward',
] as const;
const M_ACCEPT = MESSAGE_TYPES.indexOf('accept');
const M_DECIDE = MESSAGE_TYPES.indexOf('decide');
const M_FORWARD = MESSAGE_TYPES.indexOf('x-forward');
const OPERATIONS = [undefined, 'read', 'write', 'cas'] as const;
const TIMER_ACTIONS = [undefined, 'set', 'fire', 'cancel'] as const;
/** The `vars` of persist and state events read with the reader's `omitVars`. */
export const EMPTY_VARS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Slots whose persisted `vars` are kept (a power of two). */
const PERSISTED = 16;
/**
 * Values shorter than this are parsed natively: the scanner found no forbidden key in any value
 * it passed, and the reader's shared-array parser only splits longer texts (its MIN_LINE).
 */
const SHORT_VALUE = 512;
/** An integral number in small-integer range as an int32 (so V8 stores it unboxed), else itself. */
function small(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/** Texts up to this long (keys, classes, timer names) are looked up in FastLines.#short's table. */
const SHORT_TEXT = 32;
/** Entries in that table (a power of two). */
const SHORT_TEXTS = 256;
/** `c_vslot` of a row without a cached value. */
const NO_SLOT = 255;
/** `c_clen` of a row without a `class`. */
const NO_CLASS = 0xffffffff;

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: Wasm }).WebAssembly;
let compiled: object | undefined;

interface Exports {
  memory: { buffer: ArrayBuffer };
  col(i: number): number;
  set_nodes(n: number): number;
  set_untyped(on: number): void;
  scan(start: number, len: number): number;
  consumed(): number;
}

/** The `vars` built for a slot's persisted vote or batch, and the columns it was built from. */
interface PersistedVars {
  form: number;
  slot: number;
  round: number;
  bnode: number;
  value: unknown;
  vars: Record<string, unknown>;
}

/** The last message of one type built, and the columns it was built from. */
interface LastMessage {
  slot: number;
  round: number;
  bnode: number;
  value: unknown;
  cls: string | undefined;
  msg: unknown;
}

/** One line's place and verdict. */
export interface ScannedLine {
  /** Offset of the line in the bytes given to {@link FastLines.scan}, and its length (no newline). */
  offset: number;
  length: number;
  /** False for a line the full path must read. */
  valid: boolean;
  /** The line's event, when it is valid and events are built. */
  event: TraceEvent | undefined;
}

/**
 * The scanner for one trace. `parse` reads nested value texts (JSON.parse, or the reader's shared
 * array parser): its results become parts of events.
 */
export class FastLines {
  readonly #x: Exports;
  readonly #mem: Buffer;
  readonly #nodes: readonly string[];
  readonly #parse: (text: string) => unknown;
  /** Persist events get {@link EMPTY_VARS} (the reader's `omitVars`). */
  readonly #omitVars: boolean;
  /** The `vars` built for recent slots' persisted votes and batches (see #vars). */
  readonly #persisted = Array.from({ length: PERSISTED }, (): PersistedVars => ({
    form: 0,
    slot: -1,
    round: -1,
    bnode: -1,
    value: undefined,
    vars: {},
  }));
  /** Per message type (MESSAGE_TYPES index): the last message built, and its columns (see #message). */
  readonly #lastMessage = MESSAGE_TYPES.map((): LastMessage => ({
    slot: -1,
    round: -1,
    bnode: -1,
    value: undefined,
    cls: undefined,
    msg: undefined,
  }));
  /** Per node index: the last ballot of that node built (see #ballot). */
  readonly #lastBallot: Array<{ round: number; node: string } | undefined> = [];
  /** Recent short texts by a hash of their bytes (see #short). */
  readonly #shortTexts: Array<string | undefined> = new Array<string | undefined>(SHORT_TEXTS).fill(
    undefined,
  );
  /** The parsed value of each scanner cache slot (replaying its stores in row order). */
  readonly #values: unknown[] = new Array<unknown>(64).fill(undefined);
  readonly #in: number;
  readonly #c: {
    kind: Uint8Array;
    mtype: Uint8Array;
    fcode: Uint8Array;
    vslot: Uint8Array;
    vnew: Uint8Array;
    node: Int8Array;
    peer: Int8Array;
    bnode: Int8Array;
    t: Float64Array;
    id: Float64Array;
    slot: Float64Array;
    round: Float64Array;
    op: Float64Array;
    num: Float64Array;
    loff: Uint32Array;
    llen: Uint32Array;
    voff: Uint32Array;
    vlen: Uint32Array;
    soff: Uint32Array;
    slen: Uint32Array;
    coff: Uint32Array;
    clen: Uint32Array;
  };

  private constructor(
    x: Exports,
    nodes: readonly string[],
    parse: (text: string) => unknown,
    omitVars: boolean,
  ) {
    this.#x = x;
    this.#omitVars = omitVars;
    this.#nodes = nodes;
    this.#parse = parse;
    const buf = x.memory.buffer;
    this.#mem = Buffer.from(buf);
    this.#in = x.col(0);
    const rows = 65536;
    const u8 = (i: number): Uint8Array => new Uint8Array(buf, x.col(i), rows);
    const i8 = (i: number): Int8Array => new Int8Array(buf, x.col(i), rows);
    const f64 = (i: number): Float64Array => new Float64Array(buf, x.col(i), rows);
    const u32 = (i: number): Uint32Array => new Uint32Array(buf, x.col(i), rows);
    this.#c = {
      kind: u8(1),
      mtype: u8(2),
      fcode: u8(3),
      node: i8(4),
      peer: i8(5),
      bnode: i8(6),
      t: f64(7),
      id: f64(8),
      slot: f64(9),
      round: f64(10),
      op: f64(11),
      num: f64(12),
      loff: u32(13),
      llen: u32(14),
      voff: u32(15),
      vlen: u32(16),
      soff: u32(18),
      slen: u32(19),
      vslot: u8(20),
      vnew: u8(21),
      coff: u32(22),
      clen: u32(23),
    };
  }

  /**
   * A scanner for a trace with this header, or undefined when the fast path does not apply (a
   * protocol other than `multipaxos` and `adaptive`, node names the scanner cannot hold, no
   * WebAssembly SIMD).
   */
  static for(
    header: TraceHeader,
    parse: (text: string) => unknown,
    options: { omitVars?: boolean } = {},
  ): FastLines | undefined {
    // `multipaxos` (typed messages) and `adaptive` (its untyped variant, whose accepts name a class).
    const untyped = header.protocol === 'adaptive';
    if ((header.protocol !== 'multipaxos' && !untyped) || header.nodes.length > 64) return undefined;
    const names = header.nodes.map((n) => Buffer.from(n, 'utf8'));
    if (
      names.some(
        (b) =>
          b.length < 1 || b.length > 16 || b.some((c) => c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c),
      )
    )
      return undefined;
    let x: Exports;
    try {
      compiled ??= new wasm!.Module(Buffer.from(SCAN_WASM, 'base64'));
      x = new wasm!.Instance(compiled, {}).exports as Exports;
    } catch {
      return undefined; // a runtime without WebAssembly SIMD: the full path reads everything
    }
    const mem = new Uint8Array(x.memory.buffer);
    let at = x.col(0);
    for (const b of names) {
      mem.set(b, at);
      mem[at + b.length] = 0;
      at += b.length + 1;
    }
    if (x.set_nodes(names.length) !== names.length) return undefined;
    x.set_untyped(untyped ? 1 : 0);
    return new FastLines(x, header.nodes, parse, options.omitVars === true);
  }

  /**
   * Scans complete lines: `bytes` ends with a newline and is at most {@link SCAN_CAPACITY} long.
   * Calls `each` for every line in order, until it returns false. With `build` false only the
   * verdicts are given (validation): no event is built and no value parsed, and a scanner used so
   * must go on being used so (its values are not kept).
   */
  scan(bytes: Uint8Array, each: (line: ScannedLine) => boolean, build = true): void {
    if (bytes.length > SCAN_CAPACITY)
      throw new RangeError(`FastLines.scan: at most ${SCAN_CAPACITY} bytes at once`);
    const x = this.#x;
    this.#mem.set(bytes, this.#in);
    const c = this.#c;
    const line: ScannedLine = { offset: 0, length: 0, valid: false, event: undefined };
    let from = 0;
    while (from < bytes.length) {
      const rows = x.scan(from, bytes.length);
      for (let r = 0; r < rows; r++) {
        line.offset = c.loff[r]!;
        line.length = c.llen[r]!;
        line.valid = c.kind[r] !== 0;
        if (build) {
          if (line.valid) line.event = this.#event(r);
          else {
            line.event = undefined;
            this.#keepValue(r);
          }
        }
        if (!each(line)) return;
      }
      from = x.consumed();
    }
  }

  /**
   * For a row whose value is not used (a line for the full path, `vars` left out): a value the
   * scanner kept still becomes its cache slot's, with no parse of one it did not keep.
   */
  #keepValue(r: number): void {
    if (this.#c.vnew[r] === 1) this.#value(r);
  }

  #value(r: number): unknown {
    const c = this.#c;
    const slot = c.vslot[r]!;
    if (slot !== NO_SLOT && c.vnew[r] === 0) return this.#values[slot];
    const n = c.vlen[r]!;
    // A short value (a client's number, a small batch) is parsed natively (see SHORT_VALUE).
    const text = this.#string(c.voff[r]!, n);
    const v = n < SHORT_VALUE ? (JSON.parse(text) as unknown) : this.#parse(text);
    if (slot !== NO_SLOT) this.#values[slot] = v;
    return v;
  }

  /** The row's `class` string, or undefined. */
  #class(r: number): string | undefined {
    const n = this.#c.clen[r]!;
    return n === NO_CLASS ? undefined : this.#short(this.#c.coff[r]!, n);
  }

  /** The row's key (a client event's) or name (a timer's). */
  #text(r: number): string {
    return this.#short(this.#c.soff[r]!, this.#c.slen[r]!);
  }

  /** Bytes of the scanned input as text (the scanner lets only printable ASCII through). */
  #string(offset: number, length: number): string {
    const off = this.#in + offset;
    return this.#mem.toString('latin1', off, off + length);
  }

  /**
   * {@link FastLines.#string} for the short texts that recur (a client's key, a class, a timer's
   * name): the last text seen with each small hash is given again when its bytes match, with no
   * new string (making one from the buffer costs more than the rest of a client line).
   */
  #short(offset: number, length: number): string {
    if (length > SHORT_TEXT) return this.#string(offset, length);
    const mem = this.#mem;
    const at = this.#in + offset;
    let h = length;
    for (let i = 0; i < length; i++) h = Math.imul(h ^ mem[at + i]!, 0x01000193);
    const k = (h ^ (h >>> 15)) & (SHORT_TEXTS - 1);
    const known = this.#shortTexts[k];
    if (known !== undefined && known.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (known.charCodeAt(i) !== mem[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const text = this.#string(offset, length);
    this.#shortTexts[k] = text;
    return text;
  }

  #event(r: number): TraceEvent {
    const c = this.#c;
    const nodes = this.#nodes;
    const kind = KINDS[c.kind[r]!]!;
    const t = small(c.t[r]!);
    const node = nodes[c.node[r]!]!;
    switch (kind) {
      case 'send':
      case 'recv': {
        const peer = nodes[c.peer[r]!]!;
        const id = small(c.id[r]!);
        const msg = this.#message(r);
        return (
          kind === 'send' ? { kind, t, node, to: peer, id, msg } : { kind, t, node, from: peer, id, msg }
        ) as TraceEvent;
      }
      case 'persist':
        return { kind, t, node, vars: this.#vars(r) };
      case 'decide': {
        const slot = c.slot[r]!;
        const value = this.#value(r);
        return c.round[r]! < 0
          ? { kind, t, node, slot, value }
          : { kind, t, node, slot, value, ballot: this.#ballot(r) };
      }
      case 'invoke':
      case 'ok': {
        const process = small(c.num[r]!);
        const op = small(c.op[r]!);
        const f = OPERATIONS[c.fcode[r]!]!;
        const key = c.mtype[r] === 1 ? this.#text(r) : undefined;
        const value = c.vlen[r]! > 0 ? this.#value(r) : undefined;
        const cls = this.#class(r);
        // The usual shapes as literals: fields added one by one need a second store for them.
        if (key !== undefined && cls === undefined) {
          return value === undefined
            ? { kind, t, node, process, op, f, key }
            : { kind, t, node, process, op, f, key, value };
        }
        const e: Record<string, unknown> = { kind, t, node, process, op, f };
        if (key !== undefined) e.key = key;
        if (value !== undefined) e.value = value;
        if (cls !== undefined) e.class = cls;
        return e as unknown as TraceEvent;
      }
      case 'timer': {
        const name = this.#text(r);
        const action = TIMER_ACTIONS[c.mtype[r]!]!;
        return c.num[r]! < 0
          ? { kind, t, node, name, action }
          : { kind, t, node, name, action, after: c.num[r]! };
      }
      case 'crash':
      case 'restart':
        return { kind, t, node };
    }
  }

  /**
   * A persist's `vars`: a vote or decided batch from its columns (c_mtype 1, 2), else the cached
   * value. The nodes of a cluster persist the same vote for a slot: each of the last few slots
   * keeps the object built for it (one object per slot, as when the whole text was cached; and
   * every slot's key, `v.<slot>`, costs V8 a new hidden class).
   */
  #vars(r: number): Record<string, unknown> {
    if (this.#omitVars) {
      this.#keepValue(r);
      return EMPTY_VARS;
    }
    const c = this.#c;
    const form = c.mtype[r]!;
    if (form !== 1 && form !== 2) return this.#value(r) as Record<string, unknown>;
    const slot = c.slot[r]!;
    const round = c.round[r]!;
    const bnode = c.bnode[r]!;
    const value = this.#value(r);
    const memo = this.#persisted[slot & (PERSISTED - 1)]!;
    if (
      memo.form === form &&
      memo.slot === slot &&
      memo.round === round &&
      memo.bnode === bnode &&
      memo.value === value
    )
      return memo.vars;
    const vars =
      form === 1 ? { ['v.' + slot]: { ballot: this.#ballot(r), value } } : { ['d.' + slot]: value };
    memo.form = form;
    memo.slot = slot;
    memo.round = round;
    memo.bnode = bnode;
    memo.value = value;
    memo.vars = vars;
    return vars;
  }

  /**
   * The row's message. A broadcast sends one message to every peer and each peer receives it: the
   * same text, over and over (an accept, the votes for it, a decision). The last message built of
   * each type is kept with the columns it came from, and a row with the same columns gets that
   * object again (events may share nested values): about three message objects per slot instead
   * of twenty.
   */
  #message(r: number): unknown {
    const c = this.#c;
    const mtype = c.mtype[r]!;
    const slot = c.slot[r]!;
    const round = c.round[r]!;
    const bnode = c.bnode[r]!;
    // The value first: reading it replays the scanner's cache (see #value).
    const value =
      mtype === M_ACCEPT || mtype === M_DECIDE || mtype === M_FORWARD ? this.#value(r) : undefined;
    const cls = mtype === M_ACCEPT ? this.#class(r) : undefined;
    const last = this.#lastMessage[mtype]!;
    if (
      last.slot === slot &&
      last.round === round &&
      last.bnode === bnode &&
      last.value === value &&
      last.cls === cls &&
      last.msg !== undefined
    )
      return last.msg;
    const msg = this.#newMessage(r, value, cls);
    last.slot = slot;
    last.round = round;
    last.bnode = bnode;
    last.value = value;
    last.cls = cls;
    last.msg = msg;
    return msg;
  }

  #newMessage(r: number, value: unknown, cls: string | undefined): unknown {
    const c = this.#c;
    const type = MESSAGE_TYPES[c.mtype[r]!]!;
    switch (type) {
      case 'accept': {
        const m = { type, ballot: this.#ballot(r), slot: c.slot[r]!, value };
        return cls === undefined ? m : { ...m, class: cls };
      }
      case 'accepted':
        return { type, ballot: this.#ballot(r), slot: c.slot[r]! };
      case 'decide': {
        const m = { type, slot: c.slot[r]!, value };
        return c.round[r]! < 0 ? m : { ...m, ballot: this.#ballot(r) };
      }
      case 'prepare':
      case 'promise':
        return { type, ballot: this.#ballot(r), fromSlot: c.slot[r]! };
      case 'heartbeat':
        return { type, ballot: this.#ballot(r), decidedBelow: c.slot[r]! };
      case 'catchup':
        return { type, fromSlot: c.slot[r]! };
      case 'x-forward':
        return { type, cmds: value };
    }
  }

  /** The row's ballot; the last one of each node is kept and given again while its round holds. */
  #ballot(r: number): { round: number; node: string } {
    const round = this.#c.round[r]!;
    const bnode = this.#c.bnode[r]!;
    const last = this.#lastBallot[bnode];
    if (last !== undefined && last.round === round) return last;
    const b = { round, node: this.#nodes[bnode]! };
    this.#lastBallot[bnode] = b;
    return b;
  }
}
