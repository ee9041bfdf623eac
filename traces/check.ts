// Checks one parsed line against the schema (ajv validators, compiled ahead of time from the
// schemas of validatorSchemas.ts into validators.generated.ts) and against the header (node
// names), and turns ajv's errors into TraceErrors with one sentence each. Shared by the reader and
// by the writer's validating mode.
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { describeValue, pointer, type TraceError, type TraceErrorCode } from './errors.js';
import {
  EVENT_KINDS,
  MAX_SAFE,
  TRACE_FORMAT,
  TRACE_VERSION,
  TYPED_PROTOCOLS,
  traceSchema,
  type SchemaNode,
} from './schema.js';
import type { QuorumSystem, TraceEvent, TraceHeader } from './types.js';
import { validators as generated } from './validators.generated.js';

const validators = generated as unknown as Readonly<Record<string, ValidateFunction>>;

const NO_ERRORS: readonly TraceError[] = Object.freeze([]);
const KNOWN_KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);
const TYPED: ReadonlySet<string> = new Set(TYPED_PROTOCOLS);

/** The validator of one event kind; under a typed protocol, send/recv also check the message body. */
function eventValidator(kind: string, protocol: string | undefined): ValidateFunction | undefined {
  if (KNOWN_KINDS.has(kind)) {
    if ((kind === 'send' || kind === 'recv') && protocol !== undefined && TYPED.has(protocol)) {
      return validators[`${kind}@${protocol}`];
    }
    return validators[kind];
  }
  if (kind.startsWith('x-')) return validators['extension'];
  return undefined;
}

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Cheap test on the raw text: could the line hold a forbidden key (possibly \u-escaped)? */
export function mayHoldForbiddenKey(text: string): boolean {
  return mayNameForbiddenKey(text) || text.includes('\\u');
}

/** {@link mayHoldForbiddenKey} for a text known to hold no backslash (so no escaped name). */
export function mayNameForbiddenKey(text: string): boolean {
  return text.includes('__proto__') || text.includes('constructor') || text.includes('prototype');
}

/** JSON pointer of the first object key named `__proto__`, `constructor` or `prototype`, if any. */
export function findForbiddenKey(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], pointer(at, i)]);
      continue;
    }
    const keys = Object.keys(v);
    for (const k of keys) if (FORBIDDEN_KEYS.has(k)) return pointer(at, k);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      stack.push([(v as Record<string, unknown>)[k], pointer(at, k)]);
    }
  }
  return undefined;
}

const SAFE_TEXT = '2^53 - 1';
const bound = (n: number): string =>
  n === MAX_SAFE ? SAFE_TEXT : n === -MAX_SAFE ? `-(${SAFE_TEXT})` : String(n);

function resolve(s: SchemaNode): SchemaNode {
  if (s.$ref === undefined) return s;
  const name = s.$ref.slice(s.$ref.indexOf('#/$defs/') + '#/$defs/'.length);
  return traceSchema.$defs?.[name] ?? s;
}

/** What a schema node accepts, in words. */
export function expectedOf(node: SchemaNode): string {
  const s = resolve(node);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum !== undefined) {
    const all = s.enum.map((v) => JSON.stringify(v));
    return all.length === 1 ? all[0]! : `one of ${all.join(', ')}`;
  }
  if (s.anyOf !== undefined) return s.anyOf.map(expectedOf).join(', or ');
  if (s.pattern === '^x-') return 'a name starting with "x-"';
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (types.length === 0) return 'any JSON value';
  return types
    .map((t) => {
      switch (t) {
        case 'integer':
          return `an integer from ${bound(s.minimum ?? -MAX_SAFE)} to ${bound(s.maximum ?? MAX_SAFE)}`;
        case 'number':
          if (s.minimum !== undefined && s.maximum !== undefined)
            return `a number from ${s.minimum} to ${s.maximum}`;
          if (s.minimum !== undefined) return `a number of at least ${s.minimum}`;
          return 'a number';
        case 'string':
          return s.minLength !== undefined && s.minLength > 0 ? 'a non-empty string' : 'a string';
        case 'boolean':
          return 'true or false';
        case 'null':
          return 'null';
        case 'array': {
          let a = 'an array';
          if (s.minItems !== undefined && s.minItems === s.maxItems) a += ` of ${s.minItems} items`;
          else if (s.minItems !== undefined && s.minItems > 0) a += ` of at least ${s.minItems} item(s)`;
          if (s.uniqueItems === true) a += ' without duplicates';
          return a;
        }
        case 'object':
          return s.required !== undefined && s.required.length > 0 && s.title !== undefined
            ? `a ${s.title} object (with ${s.required.join(', ')})`
            : 'an object';
        default:
          return t;
      }
    })
    .join(' or ');
}

const where = (field: string): string => (field === '' ? 'the line' : field);

function isOutOfRange(data: unknown, schema: SchemaNode): boolean {
  if (typeof data !== 'number') return false;
  if (!Number.isFinite(data)) return true;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('integer') && Number.isInteger(data) && !Number.isSafeInteger(data);
}

/** One TraceError per ajv error that says something (if/then wrappers and anyOf branches folded). */
export function fromAjv(errors: readonly ErrorObject[], code: TraceErrorCode, line: number): TraceError[] {
  const anyOfAt = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const seen = new Set<string>();
  const out: TraceError[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (anyOfAt.some((p) => e.keyword !== 'anyOf' && e.schemaPath.startsWith(p + '/'))) continue;
    const parent = (e.parentSchema ?? {}) as SchemaNode;
    let field = e.instancePath;
    let expected: string;
    let message: string;
    let errCode = code;
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        field = pointer(field, missing);
        expected = expectedOf(parent.properties?.[missing] ?? {});
        message = `field ${field} is missing (expected ${expected})`;
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        field = pointer(field, extra);
        const names = Object.keys(parent.properties ?? {});
        expected = names.length > 0 ? `only the fields ${names.join(', ')}` : 'no fields';
        message =
          `field ${field} is not allowed here` +
          (names.includes('x') ? ' (put implementation-specific data under "x")' : '');
        break;
      }
      case 'uniqueItems': {
        const { i, j } = e.params as { i: number; j: number };
        expected = 'no duplicate items';
        message = `${where(field)} has duplicate items (${j} and ${i} are equal)`;
        break;
      }
      default: {
        expected = expectedOf(parent);
        if (isOutOfRange(e.data, parent)) errCode = 'number-out-of-range';
        message = `${where(field)}: expected ${expected}, got ${describeValue(e.data)}`;
      }
    }
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: errCode, message, line, field, expected });
  }
  return out;
}

/**
 * Checks the lines of one trace in order. It remembers the header (its protocol types the messages of
 * send/recv; its nodes, extended by `reconfig`, are the names events may use).
 */
export class LineChecker {
  /** The header, once a valid one has been checked. */
  header: TraceHeader | undefined;
  #nodes: Set<string> | undefined;
  /** How many nodes the current membership has (the header's, then the last reconfig's `nodes`). */
  #members = 0;
  #protocol: string | undefined;
  /** Validators by event kind, for this trace's protocol. */
  readonly #validators = new Map<string, ValidateFunction>();
  /** Under a typed protocol: validators of send and recv by message type, for the schema's types. */
  readonly #byType = {
    send: new Map<string, ValidateFunction>(),
    recv: new Map<string, ValidateFunction>(),
  };

  /**
   * Checks a header line. Returns its errors; `fatal` when the line names another format or version
   * (nothing after it can be read as this format).
   */
  checkHeader(value: Record<string, unknown>, line: number): { errors: TraceError[]; fatal: boolean } {
    if (value.format !== TRACE_FORMAT || value.version !== TRACE_VERSION) {
      const what =
        value.format !== TRACE_FORMAT
          ? `format ${describeValue(value.format)}`
          : `${TRACE_FORMAT} version ${describeValue(value.version)}`;
      return {
        errors: [
          {
            code: 'unsupported-format',
            message: `the header declares ${what}; this reader reads ${TRACE_FORMAT} version ${TRACE_VERSION}`,
            line,
            field: value.format !== TRACE_FORMAT ? '/format' : '/version',
            expected: `"format": "${TRACE_FORMAT}", "version": ${TRACE_VERSION}`,
          },
        ],
        fatal: true,
      };
    }
    const v = validators['header']!;
    if (!v(value)) return { errors: fromAjv(v.errors ?? [], 'invalid-header', line), fatal: false };
    const header = value as unknown as TraceHeader;
    const nodes = new Set(header.nodes);
    const errors = quorumErrors(header.quorum, nodes, '/quorum', line, 'invalid-header');
    // The header has the schema's shape: adopt it even when a quorum names an unknown node.
    this.header = header;
    this.#nodes = nodes;
    this.#members = header.nodes.length;
    this.#protocol = header.protocol;
    this.#validators.clear();
    this.#byType.send.clear();
    this.#byType.recv.clear();
    return { errors, fatal: false };
  }

  /** Checks an event line whose `kind` is a string; `validate: false` skips the schema (trusted input). */
  checkEvent(
    value: Record<string, unknown>,
    kind: string,
    line: number,
    validate = true,
  ): readonly TraceError[] {
    let v = this.#validators.get(kind);
    if (v === undefined) {
      v = eventValidator(kind, this.#protocol);
      if (v === undefined) {
        return [
          {
            code: 'unknown-kind',
            message: `unknown event kind ${JSON.stringify(kind)}`,
            line,
            field: '/kind',
            expected: `one of ${EVENT_KINDS.join(', ')}, or a name starting with "x-"`,
          },
        ];
      }
      this.#validators.set(kind, v);
    }
    if (validate) {
      if ((kind === 'send' || kind === 'recv') && this.#protocol !== undefined)
        v = this.#typed(kind, value, v);
      if (!v(value)) return fromAjv(v.errors ?? [], 'invalid-event', line);
    }
    return this.#nodes === undefined ? NO_ERRORS : this.#nodeErrors(value as unknown as TraceEvent, line);
  }

  /**
   * A send or recv whose message has a type the protocol defines is checked against that type's
   * schema only (same verdict and errors, half the work); anything else by `v`, the kind's.
   */
  #typed(kind: 'send' | 'recv', value: Record<string, unknown>, v: ValidateFunction): ValidateFunction {
    const msg = value.msg;
    if (msg === null || typeof msg !== 'object') return v;
    const type = (msg as Record<string, unknown>).type;
    if (typeof type !== 'string') return v;
    const byType = this.#byType[kind];
    let t = byType.get(type);
    if (t === undefined && TYPED.has(this.#protocol!)) {
      // Only the schema's types are remembered: `x-` types are open-ended.
      t = validators[`${kind}@${this.#protocol!}/${type}`];
      if (t !== undefined) byType.set(type, t);
    }
    return t ?? v;
  }

  // Hot path: no closures or arrays unless a name is unknown.
  #nodeErrors(e: TraceEvent, line: number): readonly TraceError[] {
    const nodes = this.#nodes!;
    let errors: TraceError[] | undefined;
    const add = (name: string, field: string): void => {
      (errors ??= []).push(unknownNode(name, field, nodes, line));
    };
    if (e.node !== undefined && !nodes.has(e.node)) add(e.node, '/node');
    if (e.kind === 'send') {
      if (!nodes.has(e.to)) add(e.to, '/to');
    } else if (e.kind === 'recv') {
      if (!nodes.has(e.from)) add(e.from, '/from');
    } else if (e.kind === 'fault') {
      e.nodes?.forEach((n, i) => nodes.has(n) || add(n, `/nodes/${i}`));
      e.groups?.forEach((g, i) => g.forEach((n, j) => nodes.has(n) || add(n, `/groups/${i}/${j}`)));
      e.links?.forEach((l, i) => l.forEach((n, j) => nodes.has(n) || add(n, `/links/${i}/${j}`)));
    } else if (e.kind === 'reconfig') {
      // New members join the set of names later events may use.
      e.nodes?.forEach((n) => nodes.add(n));
      if (e.nodes !== undefined) this.#members = new Set(e.nodes).size;
      for (const err of quorumErrors(e.quorum, nodes, '/quorum', line, 'invalid-event', this.#members))
        (errors ??= []).push(err);
    }
    if (e.vc !== undefined) for (const n in e.vc) if (!nodes.has(n)) add(n, pointer('/vc', n));
    return errors ?? NO_ERRORS;
  }
}

function unknownNode(name: string, field: string, nodes: Set<string>, line: number): TraceError {
  const list = [...nodes];
  const shown = list.length > 8 ? `${list.slice(0, 8).join(', ')}, ...` : list.join(', ');
  return {
    code: 'unknown-node',
    message: `${field}: node ${JSON.stringify(name)} is not one of the header's nodes (${shown})`,
    line,
    field,
    expected: "a node listed in the header's nodes",
  };
}

function quorumErrors(
  q: QuorumSystem,
  nodes: Set<string>,
  at: string,
  line: number,
  code: TraceErrorCode,
  /** Size of the membership a system without `members` spans (default: every known node). */
  members: number = nodes.size,
): TraceError[] {
  const errors: TraceError[] = [];
  const check = (n: string, field: string): void => {
    if (!nodes.has(n)) errors.push(unknownNode(n, field, nodes, line));
  };
  switch (q.kind) {
    case 'majority':
    case 'threshold':
      q.members?.forEach((n, i) => check(n, `${at}/members/${i}`));
      break;
    case 'grid': {
      q.members?.forEach((n, i) => check(n, `${at}/members/${i}`));
      const count = q.members?.length ?? members;
      if (q.rows * q.cols !== count) {
        errors.push({
          code,
          message: `${at}: a ${q.rows} x ${q.cols} grid needs ${q.rows * q.cols} members, got ${count}`,
          line,
          field: at,
          expected: 'rows x cols equal to the number of members',
        });
      }
      break;
    }
    case 'explicit':
      for (const phase of ['q1', 'q2'] as const) {
        q[phase].forEach((set, i) => set.forEach((n, j) => check(n, `${at}/${phase}/${i}/${j}`)));
      }
      break;
    case 'weighted':
      for (const n of Object.keys(q.weights)) check(n, pointer(`${at}/weights`, n));
      break;
    case 'classes':
      for (const [name, sub] of Object.entries(q.classes)) {
        errors.push(...quorumErrors(sub, nodes, pointer(`${at}/classes`, name), line, code, members));
      }
      break;
    default:
      break;
  }
  return errors;
}
