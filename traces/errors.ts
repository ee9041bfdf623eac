// Malformed-trace errors as values: a stable code, where (line, column, field as a JSON pointer),
// what was expected, and one readable sentence. The reader collects them; it never throws them.

/** Stable codes of malformed-trace errors. */
export const TRACE_ERROR_CODES = [
  'io-error',
  'missing-header',
  'duplicate-header',
  'misplaced-header',
  'unsupported-format',
  'invalid-header',
  'invalid-utf8',
  'line-too-long',
  'invalid-json',
  'truncated-line',
  'forbidden-key',
  'number-out-of-range',
  'unknown-kind',
  'invalid-event',
  'unknown-node',
  'too-deep',
] as const;

/**
 * What is wrong with a trace:
 * - `io-error`: the input could not be opened or read;
 * - `missing-header` / `duplicate-header` / `misplaced-header`: line 1 is not a header, a second header, a header
 *   after events;
 * - `unsupported-format`: the header names another format or version (reading stops);
 * - `invalid-header` / `invalid-event`: the line breaks the schema (`field` and `expected` say how);
 * - `invalid-utf8`, `line-too-long`, `invalid-json`, `truncated-line` (the last line is cut off);
 * - `forbidden-key`: an object key `__proto__`, `constructor` or `prototype`;
 * - `number-out-of-range`: an integer field beyond 2^53 - 1, or a number beyond the double range;
 * - `unknown-kind`: an event kind that is neither known nor an `x-` extension;
 * - `unknown-node`: a node name the header does not list;
 * - `too-deep`: arrays and objects nested more than 256 levels deep.
 */
export type TraceErrorCode = (typeof TRACE_ERROR_CODES)[number];

/** One problem found in a trace. */
export interface TraceError {
  /** Stable code. */
  code: TraceErrorCode;
  /** One sentence saying what is wrong (without the location). */
  message: string;
  /** 1-based line number; 0 when the problem is not tied to a line (the input could not be read). */
  line: number;
  /** 1-based column in characters (code points), when it is meaningful. */
  column?: number;
  /** JSON pointer to the offending field within the line's object (`""` is the whole object). */
  field?: string;
  /** What was expected there. */
  expected?: string;
}

/** `file:line:column: code: message`, the form editors and CI logs link to. */
export function formatTraceError(error: TraceError, file?: string): string {
  let where = file ?? '';
  if (error.line > 0) {
    where += `${where === '' ? 'line ' : ':'}${error.line}`;
    if (error.column !== undefined) where += `:${error.column}`;
  }
  return `${where === '' ? '' : `${where}: `}${error.code}: ${error.message}`;
}

/** A short description of a JSON value for "got ..." clauses. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : 'an array';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
    return v.length === 0 ? 'an empty string' : `the string ${s}`;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'a number beyond the range of a double';
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return 'an integer beyond 2^53 - 1 (not exact)';
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** Appends a property name to a JSON pointer (RFC 6901 escaping). */
export function pointer(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
