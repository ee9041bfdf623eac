// Parsing long lines that repeat a long array: a Multi-Paxos batch of commands (about 1 KB for 16
// commands) is in the accept to every follower and its receipt, in every node's persisted vote and
// decision, and in the decide messages: some 25 lines carry the same text, close together.
// `JSON.parse` of such a line spends most of its time building that array again (about 5.6 µs for
// a 1 KB line); here the array's text is parsed once and the lines that carry it again get the
// same array, parsing only the rest of the line (about 2 µs). The reader's `shareValues` option.
import { mayHoldForbiddenKey, mayNameForbiddenKey } from './check.js';

/** Lines shorter than this are parsed whole: splitting them costs more than it saves. */
const MIN_LINE = 512;
/** Arrays shorter than this (in characters) are not shared, nor longer ones (memory). */
const MIN_ARRAY = 256;
const MAX_ARRAY = 1 << 16;
/**
 * Arrays remembered: the last few distinct ones (a batch recurs within a few dozen lines), found by
 * comparing texts of the same length, which is cheaper than hashing a long key for a Map.
 */
const RECENT = 16;
/**
 * After this many long lines in a row without a hit, sharing pauses for as many long lines (traces
 * whose long arrays do not repeat would pay for the split on every line).
 */
const GIVE_UP = 256;

/** Stands for the shared array in the rest of the line: a text that a line without a backslash cannot hold. */
const SENTINEL = '\u0000';
const SENTINEL_JSON = '"\\u0000"';

/**
 * `JSON.parse` for the lines of one trace, in order, with long repeated arrays shared. A line is
 * split when it is long, the text from its first `[` to its last `]` is one JSON array that names
 * no forbidden key, and the rest holds no backslash: the array comes from the recent ones (parsed
 * on a miss), the rest of the line is parsed with a placeholder in the array's place, and the
 * array is put there. The result equals `JSON.parse(line)` (same values, same key order) and
 * parse throws exactly when `JSON.parse(line)` does; only the identity of shared arrays differs.
 */
export class SharedArrayParser {
  readonly #texts: string[] = new Array<string>(RECENT).fill('');
  readonly #arrays: unknown[][] = new Array<unknown[]>(RECENT).fill([]);
  #next = 0;
  /** Long lines since the last hit, and long lines still to parse whole before trying again. */
  #misses = 0;
  #paused = 0;
  /** Lines whose array was shared (for tests and measurements). */
  hits = 0;
  /** `mayHoldForbiddenKey` of the last line parsed (found without a scan of a shared array). */
  mayHoldForbiddenKey = false;

  parse(text: string): unknown {
    if (text.length >= MIN_LINE) {
      if (this.#paused > 0) this.#paused--;
      else {
        const v = this.#split(text);
        if (v !== undefined) return v;
      }
    }
    this.mayHoldForbiddenKey = mayHoldForbiddenKey(text);
    return JSON.parse(text);
  }

  #split(text: string): unknown {
    const open = text.indexOf('[');
    if (open === -1) return undefined;
    const close = text.lastIndexOf(']');
    const n = close + 1 - open;
    if (n < MIN_ARRAY || n > MAX_ARRAY) return undefined;
    const rest = text.slice(0, open) + SENTINEL_JSON + text.slice(close + 1);
    // Without a backslash of its own the rest holds U+0000 only in the placeholder (and no
    // escaped key): the placeholder is found once, and a forbidden key would be named plainly.
    if (
      rest.indexOf('\\', open + 2) !== -1 ||
      rest.lastIndexOf('\\', open) !== -1 ||
      mayNameForbiddenKey(rest)
    )
      return undefined;
    const span = text.slice(open, close + 1);
    let array = this.#recent(span);
    if (array === undefined) {
      if (++this.#misses >= GIVE_UP) {
        this.#misses = 0;
        this.#paused = GIVE_UP;
      }
      if (mayHoldForbiddenKey(span)) return undefined;
      let v: unknown;
      try {
        v = JSON.parse(span);
      } catch {
        return undefined; // not one JSON value (or the line is not JSON): parsed whole
      }
      array = v as unknown[]; // the text starts with `[`
      this.#remember(span, array);
    } else {
      this.hits++;
      this.#misses = 0;
    }
    if (open === 0 && close === text.length - 1) {
      // The text is the array (a value the trace scanner hands over): nothing else to parse.
      this.mayHoldForbiddenKey = false;
      return array;
    }
    // When the array text and the rest both parse, the first `[` was outside strings (inside one,
    // the placeholder's backslash would fall outside a string and the rest would not parse) and the
    // last `]` closes it (the text between them is one value): the line is JSON, with the array in
    // the placeholder's place.
    let outer: unknown;
    try {
      outer = JSON.parse(rest);
    } catch {
      return undefined;
    }
    if (!place(outer, array)) return undefined;
    this.mayHoldForbiddenKey = false;
    return outer;
  }

  #recent(span: string): unknown[] | undefined {
    const n = span.length;
    for (let i = 0; i < RECENT; i++) {
      const t = this.#texts[i]!;
      if (t.length === n && t === span) return this.#arrays[i];
    }
    return undefined;
  }

  #remember(span: string, array: unknown[]): void {
    // A copy: a slice of the line would keep the whole chunk it was read from alive (V8 flattens
    // the concatenation into a new string, and the slice refers to that).
    this.#texts[this.#next] = (' ' + span).slice(1);
    this.#arrays[this.#next] = array;
    this.#next = (this.#next + 1) % RECENT;
  }
}

/** Puts `array` where the placeholder string is inside `outer` (a parsed line); false if it is not there. */
function place(outer: unknown, array: unknown[]): boolean {
  if (typeof outer !== 'object' || outer === null) return false;
  const stack: object[] = [outer];
  while (stack.length > 0) {
    const o = stack.pop() as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === SENTINEL) {
        o[k] = array; // the line names no forbidden key (checked): an own data property
        return true;
      }
      if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  return false;
}
