// The streaming trace writer: one line per call, keys in the schema's canonical order, so the same
// run gives byte-identical files. Built for the simulator's rate (about a million events a second):
// no per-event validation unless asked, no JSON.stringify of the envelope, buffered synchronous
// writes to files (memory stays bounded even when the producer never yields to the event loop).
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { LineChecker, findForbiddenKey } from './check.js';
import { formatTraceError, type TraceError } from './errors.js';
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
  /** File sinks: characters buffered before a write (default 64 Ki). */
  bufferSize?: number;
  /**
   * Messages are immutable values: serialize each message object once and reuse the text for its
   * other sends and receives (default false). Do not mutate a message after it has been written.
   */
  reuseMessages?: boolean;
}

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
  const s = JSON.stringify(v) as string | undefined;
  if (s === undefined) throw new TraceWriteError(`field "${key}": a ${typeof v} is not JSON`);
  return s;
}

function stringify(line: TraceLine, messages: WeakMap<object, string> | undefined): string {
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
    if (messages !== undefined && k === 'msg' && typeof v === 'object' && v !== null) {
      let m = messages.get(v);
      if (m === undefined) messages.set(v, (m = json(v, k)));
      s += prefixes[i]! + m;
    } else s += prefixes[i]! + json(v, k);
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
  readonly #messages: WeakMap<object, string> | undefined;
  #buffer = '';
  #lines = 0;
  #state: 'new' | 'open' | 'closed' = 'new';

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
    this.#messages = options.reuseMessages === true ? new WeakMap() : undefined;
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

  /** Writes buffered lines out to the file now. */
  flush(): void {
    if (this.#fd !== undefined && this.#buffer.length > 0) {
      writeSync(this.#fd, this.#buffer);
      this.#buffer = '';
    }
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
    this.#lines++;
    if (this.#sink !== undefined) {
      this.#sink.write(text + '\n');
      return;
    }
    this.#buffer += text + '\n';
    if (this.#buffer.length >= this.#bufferSize) this.flush();
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
