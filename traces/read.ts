// The streaming trace reader: bytes in chunks -> lines -> JSON -> checked events, with memory
// bounded by the chunk size and the longest line (never the trace length). Malformed input is
// reported as TraceError values and reading goes on, up to a limit.
import { isUtf8 } from 'node:buffer';
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setImmediate as turn } from 'node:timers/promises';
import { LineChecker, findForbiddenKey, mayHoldForbiddenKey } from './check.js';
import type { TraceError } from './errors.js';
import { columnAt, findInvalidUtf8, locateJsonError } from './lexical.js';
import { EMPTY_VARS, FastLines, SCAN_CAPACITY } from './fastLines.js';
import { SharedArrayParser } from './sharedArrays.js';
import type { TraceEvent, TraceHeader } from './types.js';

/**
 * A trace to read: a file path or URL, a readable stream, or any (async) iterable of chunks (bytes or
 * text). A string is always a path.
 */
export type TraceSource = string | URL | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Options of {@link readTrace} and {@link validateTrace}. */
export interface ReadTraceOptions {
  /** Stop reading after this many errors (default 20). */
  maxErrors?: number;
  /** Longest line accepted, in bytes (default 16 MiB); longer lines are skipped with `line-too-long`. */
  maxLineBytes?: number;
  /** Check every event against the schema (default true). False trusts the events' shape. */
  validate?: boolean;
  /** Called with each error as it is found. */
  onError?: (error: TraceError) => void;
  /**
   * Events of long lines that carry the same long array (a batch of commands in an accept, the
   * votes and decisions of it) share one parsed copy of that array instead of each getting its own
   * (default false). The events are then not independent objects: do not mutate them.
   */
  shareValues?: boolean;
  /**
   * Read the lines of a `multipaxos` or `adaptive` trace that are in synod's writer's form with
   * the WebAssembly scanner (`fastLines.ts`): the same events and errors, several times faster;
   * events may share nested values, as with `shareValues` (default false).
   */
  fast?: boolean;
  /**
   * Persist and state events come with an empty, frozen `vars` object instead of their variables
   * (the lines are checked all the same): for consumers that never read them, such as
   * `synod conform` without its HTML report. Building a persisted vote costs about as much as the
   * rest of its line, since every slot's variable has a name of its own (default false).
   */
  omitVars?: boolean;
}

/** Events of a trace and the lines they are on (`lines[i]` is the line of `events[i]`). */
export interface EventBatch {
  events: TraceEvent[];
  lines: number[];
}

/** One event of a trace and the line it is on. */
export interface TraceRecord {
  line: number;
  event: TraceEvent;
}

/** What {@link validateTrace} found. */
export interface TraceValidation {
  /** True when the trace has a valid header and no error. */
  ok: boolean;
  header: TraceHeader | undefined;
  /** Number of valid events. */
  events: number;
  /** Number of lines read. */
  lines: number;
  errors: TraceError[];
  /** True when reading stopped at `maxErrors` (or at an unsupported format) before the end. */
  stoppedEarly: boolean;
}

const CHUNK = 1 << 16;
/** Deepest nesting of arrays and objects accepted in a line. */
const MAX_DEPTH = 256;

/** Offset of the bracket that opens level `max + 1` of `text` (valid JSON), or -1. */
function depthExceeded(text: string, max: number): number {
  // Nesting deeper than `max` takes more than `max` opening brackets: counted natively first (about
  // ten times faster than the walk below, which a line of a long batch of commands would need).
  let openers = 0;
  for (let i = text.indexOf('{'); i !== -1 && openers <= max; i = text.indexOf('{', i + 1)) openers++;
  for (let i = text.indexOf('['); i !== -1 && openers <= max; i = text.indexOf('[', i + 1)) openers++;
  if (openers <= max) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
const NEWLINE = 0x0a;

/** Readers of {@link validateTrace}: the lines the scanner finds valid are counted, not built. */
const COUNT_ONLY = new WeakSet<TraceReader>();

/**
 * The bytes of a file in chunks of one reused buffer (the reader copies what it keeps), read
 * synchronously: a read stream left the thread idle while it waited for each chunk (about 12 % of
 * checking a simulator trace, 7 % of the synthetic one). After each chunk the event loop turns:
 * other work of the process goes on (worker threads asking for the next trace), and so do the
 * garbage collector's tasks, which V8 posts to the loop (without the turns, peak memory rose by
 * 10-60 MB).
 */
async function* fileChunks(file: string | URL): AsyncGenerator<Buffer> {
  // Opened in the thread pool: opening a named pipe waits for its writer.
  const handle = await open(file, 'r');
  let streamed = false;
  try {
    if (!(await handle.stat()).isFile()) {
      // A pipe or a device (`<(zcat trace.gz)`, /dev/stdin): a synchronous read would hold the
      // whole thread while the writer is slow, so it is read as a stream (which closes the handle).
      streamed = true;
      for await (const chunk of handle.createReadStream({ highWaterMark: CHUNK })) yield chunk as Buffer;
      return;
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(handle.fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield n === CHUNK ? buf : buf.subarray(0, n);
      await turn();
    }
  } finally {
    if (!streamed) await handle.close();
  }
}

/**
 * A trace being read. Iterate it (once) for the valid events in order; `header`, `errors`, `lines`
 * and `events` fill in as reading goes. Reading stops after `maxErrors` errors (`stoppedEarly`).
 */
export class TraceReader implements AsyncIterable<TraceRecord> {
  /** The header, once line 1 has been read and found valid. */
  header: TraceHeader | undefined;
  /** Errors found so far, in line order. */
  readonly errors: TraceError[] = [];
  /** True when reading stopped before the end of the input. */
  stoppedEarly = false;
  /** Lines read so far. */
  lines = 0;
  /** Valid events yielded so far. */
  events = 0;

  readonly #source: TraceSource;
  readonly #maxErrors: number;
  readonly #maxLineBytes: number;
  readonly #validate: boolean;
  readonly #onError: ((error: TraceError) => void) | undefined;
  readonly #shared: SharedArrayParser | undefined;
  readonly #wantFast: boolean;
  readonly #omitVars: boolean;
  /** The scanner, once the header is known and allows it (`null`: it does not). */
  #fast: FastLines | null | undefined;
  readonly #checker = new LineChecker();
  #started = false;
  #stop = false;
  #expectHeader = true;
  #headerLine = 0;
  #firstEventLine = 0;
  /** The valid events of the chunk being read, and their lines. */
  #out: TraceEvent[] = [];
  #outLines: number[] = [];

  constructor(source: TraceSource, options: ReadTraceOptions = {}) {
    const maxErrors = options.maxErrors ?? 20;
    if (!Number.isInteger(maxErrors) || maxErrors < 1) {
      throw new RangeError(`readTrace: maxErrors must be a positive integer, got ${String(maxErrors)}`);
    }
    const maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new RangeError(`readTrace: maxLineBytes must be a positive integer, got ${String(maxLineBytes)}`);
    }
    this.#source = source;
    this.#maxErrors = maxErrors;
    this.#maxLineBytes = maxLineBytes;
    this.#validate = options.validate ?? true;
    this.#onError = options.onError;
    this.#shared =
      options.shareValues === true || options.fast === true ? new SharedArrayParser() : undefined;
    this.#wantFast = options.fast === true;
    this.#omitVars = options.omitVars === true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TraceRecord> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** The valid events in batches (one per chunk read): cheaper than one promise per event. */
  async *batches(): AsyncGenerator<TraceRecord[]> {
    for await (const b of this.eventBatches()) {
      const records = new Array<TraceRecord>(b.events.length);
      for (let i = 0; i < records.length; i++) records[i] = { line: b.lines[i]!, event: b.events[i]! };
      yield records;
    }
  }

  /**
   * {@link TraceReader.batches} as two arrays, the events and their line numbers, with no record
   * object per event (for consumers that go through millions of events, such as `synod conform`).
   */
  async *eventBatches(): AsyncGenerator<EventBatch> {
    if (this.#started) throw new Error('readTrace: a TraceReader can be iterated only once');
    this.#started = true;
    const source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> =
      typeof this.#source === 'string' || this.#source instanceof URL
        ? fileChunks(this.#source)
        : this.#source;
    let carry: Buffer | undefined; // the start of a line that continues in the next chunk
    let skipping = false; // inside a line longer than maxLineBytes
    try {
      for await (const raw of source) {
        const chunk =
          typeof raw === 'string'
            ? Buffer.from(raw, 'utf8')
            : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        let pos = 0;
        if (carry !== undefined || skipping) {
          const nl = chunk.indexOf(NEWLINE);
          if (nl === -1) {
            if (!skipping) carry = this.#grow(carry!, chunk);
            if (carry === undefined) skipping = true;
            continue;
          }
          if (skipping) {
            skipping = false;
            this.lines++;
          } else {
            const bytes = Buffer.concat([carry!, chunk.subarray(0, nl)]);
            carry = undefined;
            if (bytes.length > this.#maxLineBytes) this.#tooLong(++this.lines);
            else this.#lineBytes(bytes, false);
          }
          pos = nl + 1;
        }
        const last = chunk.lastIndexOf(NEWLINE);
        if (!this.#stop && last >= pos) {
          this.#region(chunk, pos, last);
          pos = last + 1;
        }
        if (!this.#stop && pos < chunk.length) {
          carry = this.#grow(Buffer.alloc(0), chunk.subarray(pos));
          if (carry === undefined) skipping = true;
        }
        if (this.#out.length > 0) yield this.#flush();
        if (this.#stop) return;
      }
    } catch (e) {
      this.#add({
        code: 'io-error',
        message: `cannot read the trace: ${e instanceof Error ? e.message : String(e)}`,
        line: 0,
      });
      this.stoppedEarly = true;
      if (this.#out.length > 0) yield this.#flush();
      return;
    }
    if (skipping) this.lines++;
    else if (carry !== undefined && carry.length > 0) this.#lineBytes(carry, true);
    if (!this.#stop && this.#headerLine === 0 && this.#firstEventLine === 0 && this.#expectHeader) {
      this.#add({
        code: 'missing-header',
        message:
          this.lines === 0 ? 'the trace is empty: line 1 must be the header' : 'the trace has no header line',
        line: Math.max(1, this.lines),
        expected: 'a header line ({"kind":"header","format":"synod-trace","version":1,...})',
      });
    }
    if (this.#out.length > 0) yield this.#flush();
  }

  #flush(): EventBatch {
    const out = { events: this.#out, lines: this.#outLines };
    this.#out = [];
    this.#outLines = [];
    return out;
  }

  /** Appends to the pending line; undefined (after reporting) when it grows beyond the limit. */
  #grow(carry: Buffer, more: Buffer): Buffer | undefined {
    const next = carry.length === 0 ? Buffer.from(more) : Buffer.concat([carry, more]);
    if (next.length <= this.#maxLineBytes) return next;
    this.#tooLong(this.lines + 1);
    return undefined;
  }

  #tooLong(line: number): void {
    this.#add({
      code: 'line-too-long',
      message: `the line is longer than ${this.#maxLineBytes} bytes; it was skipped`,
      line,
      expected: `a line of at most ${this.#maxLineBytes} bytes (see maxLineBytes)`,
    });
  }

  /** Complete lines in chunk[start, end), separated by newlines (chunk[end] is a newline). */
  #region(chunk: Buffer, start: number, end: number): void {
    if (this.#wantFast && this.#fast === undefined && this.header !== undefined) {
      const shared = this.#shared!;
      this.#fast =
        FastLines.for(this.header, (text) => shared.parse(text), { omitVars: this.#omitVars }) ?? null;
    }
    if (this.#fast && end + 1 - start <= SCAN_CAPACITY) {
      this.#fastRegion(this.#fast, chunk, start, end);
      return;
    }
    if (isUtf8(chunk.subarray(start, end))) {
      // A newline byte never occurs inside a multi-byte character, so the decoded text splits cleanly.
      const text = chunk.toString('utf8', start, end);
      const max = this.#maxLineBytes;
      let from = 0;
      for (;;) {
        const nl = text.indexOf('\n', from);
        const line = nl === -1 ? text.slice(from) : text.slice(from, nl);
        // A character takes at most 3 UTF-8 bytes per UTF-16 unit: measure bytes only when it matters.
        if (line.length * 3 > max && Buffer.byteLength(line) > max) this.#tooLong(++this.lines);
        else this.#line(line, false);
        if (this.#stop || nl === -1) return;
        from = nl + 1;
      }
    }
    let from = start;
    for (;;) {
      let nl = chunk.indexOf(NEWLINE, from);
      if (nl === -1 || nl > end) nl = end;
      if (nl - from > this.#maxLineBytes) this.#tooLong(++this.lines);
      else this.#lineBytes(chunk.subarray(from, nl), false);
      if (this.#stop || nl === end) return;
      from = nl + 1;
    }
  }

  /** {@link TraceReader.#region} through the scanner: lines it cannot build go the full way. */
  #fastRegion(fast: FastLines, chunk: Buffer, start: number, end: number): void {
    const max = this.#maxLineBytes;
    const build = !COUNT_ONLY.has(this);
    fast.scan(
      chunk.subarray(start, end + 1),
      (l) => {
        if (l.length > max) this.#tooLong(++this.lines);
        else if (l.valid) {
          this.events++;
          const line = ++this.lines;
          if (build) {
            this.#out.push(l.event!);
            this.#outLines.push(line);
          }
        } else this.#lineBytes(chunk.subarray(start + l.offset, start + l.offset + l.length), false);
        return !this.#stop;
      },
      build,
    );
  }

  #lineBytes(bytes: Buffer, unterminated: boolean): void {
    if (isUtf8(bytes)) {
      this.#line(bytes.toString('utf8'), unterminated);
      return;
    }
    const line = ++this.lines;
    const bad = findInvalidUtf8(bytes)!;
    const column = columnAt(bytes.toString('utf8', 0, bad.offset), Infinity);
    if (unterminated && bad.incomplete) {
      this.#add({
        code: 'truncated-line',
        message: 'the last line stops inside a character and has no newline: the trace was cut off',
        line,
        column,
        expected: 'a complete line ending with a newline',
      });
      return;
    }
    this.#add({
      code: 'invalid-utf8',
      message: `the line is not valid UTF-8 (byte 0x${bytes[bad.offset]!.toString(16).padStart(2, '0')} at column ${column})`,
      line,
      column,
      expected: 'UTF-8 text',
    });
  }

  #line(raw: string, unterminated: boolean): void {
    const line = ++this.lines;
    let text = raw;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length === 0) return;
    const c0 = text.charCodeAt(0);
    if ((c0 === 0x20 || c0 === 0x09) && text.trim() === '') return;
    let value: unknown;
    try {
      value = this.#shared === undefined ? JSON.parse(text) : this.#shared.parse(text);
    } catch {
      this.#jsonError(text, line, unterminated);
      return;
    }
    if (this.#shared === undefined ? mayHoldForbiddenKey(text) : this.#shared.mayHoldForbiddenKey) {
      const at = findForbiddenKey(value);
      if (at !== undefined) {
        this.#expectHeader = false;
        const key = at.slice(at.lastIndexOf('/') + 1); // one of the forbidden names: nothing to unescape
        const m = new RegExp(`"${key}"\\s*:`).exec(text);
        this.#add({
          code: 'forbidden-key',
          message: `${at}: the key ${JSON.stringify(key)} is not allowed in a trace (it could alter object prototypes)`,
          line,
          ...(m === null ? {} : { column: columnAt(text, m.index) }),
          field: at,
          expected: 'no __proto__, constructor or prototype keys',
        });
        return;
      }
    }
    // A line nested deeper than any trace needs would overflow the stack of whatever walks it
    // next (reports, canonical comparison): it is an error, found by a scan of long lines only.
    if (text.length > MAX_DEPTH * 2) {
      const at = depthExceeded(text, MAX_DEPTH);
      if (at !== -1) {
        this.#expectHeader = false;
        this.#add({
          code: 'too-deep',
          message: `the line nests arrays and objects more than ${MAX_DEPTH} levels deep`,
          line,
          column: columnAt(text, at),
          expected: `at most ${MAX_DEPTH} levels of nesting`,
        });
        return;
      }
    }
    this.#value(value, line);
  }

  #jsonError(text: string, line: number, unterminated: boolean): void {
    const loc = locateJsonError(text);
    if (unterminated && (loc === undefined || loc.atEnd)) {
      this.#add({
        code: 'truncated-line',
        message: 'the last line is incomplete JSON and has no newline: the trace was cut off',
        line,
        column: columnAt(text, text.length),
        expected: loc?.expected ?? 'a complete JSON object',
      });
      return;
    }
    const column = loc === undefined ? undefined : columnAt(text, loc.offset);
    this.#add({
      code: 'invalid-json',
      message:
        loc === undefined
          ? 'the line is not valid JSON'
          : `the line is not valid JSON: expected ${loc.expected} at column ${column}`,
      line,
      ...(column === undefined ? {} : { column }),
      expected: loc?.expected ?? 'one JSON object',
    });
  }

  #value(value: unknown, line: number): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const expectHeader = this.#expectHeader;
      this.#expectHeader = false;
      if (expectHeader) this.#firstEventLine = line;
      this.#add({
        code: expectHeader ? 'missing-header' : 'invalid-event',
        message: `expected a JSON object${expectHeader ? ' (the header)' : ''}, got ${describe(value)}`,
        line,
        field: '',
        expected: 'a JSON object',
      });
      return;
    }
    const obj = value as Record<string, unknown>;
    const kind = obj.kind;
    if (kind === 'header') {
      this.#header(obj, line);
      return;
    }
    if (this.#expectHeader) {
      this.#expectHeader = false;
      this.#firstEventLine = line;
      this.#add({
        code: 'missing-header',
        message: `the first line must be the header, but this is ${typeof kind === 'string' ? `a "${kind}" event` : 'not'}`,
        line,
        field: '/kind',
        expected: '"header"',
      });
      if (this.#stop) return;
    }
    if (typeof kind !== 'string') {
      this.#add({
        code: 'invalid-event',
        message:
          kind === undefined
            ? 'field /kind is missing (expected a string)'
            : `/kind: expected a string, got ${describe(kind)}`,
        line,
        field: '/kind',
        expected: 'a string',
      });
      return;
    }
    const errors = this.#checker.checkEvent(obj, kind, line, this.#validate);
    if (errors.length > 0) {
      for (const e of errors) if (!this.#stop) this.#add(e);
      return;
    }
    this.events++;
    if (this.#omitVars && (kind === 'persist' || kind === 'state')) obj.vars = EMPTY_VARS;
    this.#out.push(obj as unknown as TraceEvent);
    this.#outLines.push(line);
  }

  #header(obj: Record<string, unknown>, line: number): void {
    if (this.#headerLine !== 0) {
      this.#add({
        code: 'duplicate-header',
        message: `a second header (the first is on line ${this.#headerLine})`,
        line,
        field: '/kind',
        expected: 'an event',
      });
      return;
    }
    if (!this.#expectHeader) {
      this.#add({
        code: 'misplaced-header',
        message: `the header must be the first line, but events start on line ${this.#firstEventLine}`,
        line,
        field: '/kind',
        expected: 'an event',
      });
      return;
    }
    this.#expectHeader = false;
    this.#headerLine = line;
    const { errors, fatal } = this.#checker.checkHeader(obj, line);
    for (const e of errors) if (!this.#stop) this.#add(e);
    this.header = this.#checker.header;
    if (fatal) {
      this.#stop = true;
      this.stoppedEarly = true;
    }
  }

  #add(error: TraceError): void {
    this.errors.push(error);
    this.#onError?.(error);
    if (this.errors.length >= this.#maxErrors) {
      this.#stop = true;
      this.stoppedEarly = true;
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

/**
 * Reads a trace as a stream of checked events.
 *
 * @example
 * ```ts
 * const reader = readTrace('run.ndjson');
 * for await (const { line, event } of reader) { ... }
 * if (reader.errors.length > 0) ...
 * ```
 */
export function readTrace(source: TraceSource, options?: ReadTraceOptions): TraceReader {
  return new TraceReader(source, options);
}

/** Reads a whole trace and reports whether it is well-formed, without keeping its events. */
export async function validateTrace(
  source: TraceSource,
  options?: ReadTraceOptions,
): Promise<TraceValidation> {
  const reader = new TraceReader(source, options);
  COUNT_ONLY.add(reader);
  // Only the counts and errors matter here: the events are dropped batch by batch.
  for await (const batch of reader.eventBatches()) batch.events.length = 0;
  return {
    ok: reader.errors.length === 0 && reader.header !== undefined,
    header: reader.header,
    events: reader.events,
    lines: reader.lines,
    errors: reader.errors,
    stoppedEarly: reader.stoppedEarly,
  };
}
