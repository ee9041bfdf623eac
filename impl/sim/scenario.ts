// Fault scenarios as data: a JSON file of timed faults (partitions, crash/restart, pauses, loss and
// duplication bursts, link latency changes), checked with ajv and then against the cluster (node
// names, durations, latencies). Every error names the file, the field and what was expected.

import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { columnAt, locateJsonError } from '../../traces/lexical.js';
import type { NodeId } from '../Node.js';
import { DURATION_HELP, formatDuration, parseDuration } from './duration.js';
import { formatLatency, LATENCY_HELP, parseLatency, type Latency } from './latency.js';

/** One timed fault. Times are virtual ms from the start of the run; `end` undefined = never ends. */
export type Fault =
  | {
      readonly kind: 'partition';
      readonly at: number;
      readonly groups: readonly (readonly NodeId[])[];
      readonly end?: number;
    }
  | { readonly kind: 'crash'; readonly at: number; readonly node: NodeId; readonly end?: number }
  | { readonly kind: 'pause'; readonly at: number; readonly node: NodeId; readonly end?: number }
  | { readonly kind: 'loss'; readonly at: number; readonly rate: number; readonly end?: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly rate: number; readonly end?: number }
  | {
      readonly kind: 'latency';
      readonly at: number;
      readonly link: readonly [NodeId, NodeId];
      readonly latency: Latency;
      readonly end?: number;
    };

/** A fault schedule. */
export interface Scenario {
  readonly description?: string;
  readonly faults: readonly Fault[];
}

/** The fault kinds, each with the field that names it and the field that ends it. */
export const FAULT_KINDS = {
  partition: {
    end: 'heal',
    example: '{ "at": "10s", "partition": [["n1","n2"],["n3","n4","n5"]], "heal": "20s" }',
  },
  crash: { end: 'restart', example: '{ "at": "5s", "crash": "n2", "restart": "15s" }' },
  pause: { end: 'resume', example: '{ "at": "30s", "pause": "n3", "resume": "35s" }' },
  loss: { end: 'until', example: '{ "at": "40s", "loss": 0.3, "until": "45s" }' },
  duplicate: { end: 'until', example: '{ "at": "40s", "duplicate": 0.1, "until": "45s" }' },
  latency: {
    end: 'until',
    example: '{ "at": "50s", "link": "n1-n5", "latency": "uniform:3min..22min", "until": "2h" }',
  },
} as const;

type FaultKind = keyof typeof FAULT_KINDS;
const KIND_NAMES = Object.keys(FAULT_KINDS) as FaultKind[];

/** A scenario that cannot be used: a stable code, the file, the field, and a sentence. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code: string;
  /** Where: `file:line:column` for syntax errors, `file` otherwise. */
  readonly source: string;
  /** The field, e.g. `faults[2].at`, when there is one. */
  readonly field: string | undefined;
  constructor(code: string, source: string, field: string | undefined, message: string) {
    super(`${source}: ${field === undefined ? '' : `${field}: `}${message}`);
    this.code = code;
    this.source = source;
    this.field = field;
  }
}

const duration = { type: ['string', 'number'] };
const scenarioSchema = {
  type: 'object',
  properties: {
    description: { type: 'string' },
    faults: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          at: duration,
          partition: {
            type: 'array',
            minItems: 1,
            items: { type: 'array', items: { type: 'string' } },
          },
          heal: duration,
          crash: { type: 'string' },
          restart: duration,
          pause: { type: 'string' },
          resume: duration,
          loss: { type: 'number', minimum: 0, maximum: 1 },
          duplicate: { type: 'number', minimum: 0, maximum: 1 },
          until: duration,
          link: { type: 'string' },
          latency: { type: 'string' },
        },
        required: ['at'],
        additionalProperties: false,
      },
    },
  },
  required: ['faults'],
  additionalProperties: false,
} as const;

let validate: ReturnType<Ajv['compile']> | undefined;

function fieldOf(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1))
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(top level)' : out;
}

function ajvMessage(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
    case 'required':
      return `missing field ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`;
    case 'type': {
      const t = (e.params as { type: string | string[] }).type;
      const want = Array.isArray(t) ? t.join(' or ') : t;
      return want === 'string,number' || want === 'string or number'
        ? `must be a duration (${DURATION_HELP})`
        : `must be ${want === 'array' || want === 'object' ? 'an' : 'a'} ${want}`;
    }
    default:
      return e.message ?? e.keyword;
  }
}

/** Check a parsed scenario against the schema and the cluster's node names; throws ScenarioError. */
export function parseScenario(value: unknown, nodes: readonly NodeId[], source = 'scenario'): Scenario {
  const known = new Set(nodes);
  const nodeList = nodes.join(', ');
  const fail = (code: string, field: string | undefined, message: string): never => {
    throw new ScenarioError(code, source, field, message);
  };
  // The fault kind first: "unknown fault kind" says more than ajv's "unknown field".
  if (typeof value === 'object' && value !== null && Array.isArray((value as { faults?: unknown }).faults)) {
    (value as { faults: unknown[] }).faults.forEach((f, i) => {
      if (typeof f !== 'object' || f === null || Array.isArray(f)) return;
      const keys = Object.keys(f);
      const kinds = keys.filter((k) => (KIND_NAMES as string[]).includes(k) && k !== 'latency');
      if (kinds.length === 0 && keys.includes('latency')) kinds.push('latency');
      if (kinds.length === 0) {
        const extra = keys.filter((k) => !(k in scenarioSchema.properties.faults.items.properties));
        const named = (f as { kind?: unknown }).kind;
        // `{"kind": "crash", ...}` (the trace's and the library's shape) is a likely first try.
        const what =
          typeof named === 'string' && (KIND_NAMES as string[]).includes(named)
            ? `the fault's kind is the key that holds its subject, not a "kind" field: write {"at": ..., ${JSON.stringify(named)}: ...}`
            : extra.length > 0
              ? `unknown fault kind ${JSON.stringify(extra[0])}`
              : 'no fault kind';
        fail(
          'E_SCENARIO_FAULT_KIND',
          `faults[${i}]`,
          `${what} (a fault is one of ${KIND_NAMES.join(', ')}; e.g. ${FAULT_KINDS.crash.example})`,
        );
      }
      if (kinds.length > 1)
        fail('E_SCENARIO_FAULT_KIND', `faults[${i}]`, `one fault per entry, got ${kinds.join(' and ')}`);
    });
  }
  validate ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(scenarioSchema);
  if (!validate(value)) {
    const e = validate.errors![0]!;
    const field =
      e.keyword === 'additionalProperties' || e.keyword === 'required'
        ? fieldOf(e.instancePath)
        : fieldOf(e.instancePath);
    fail('E_SCENARIO_SHAPE', field, ajvMessage(e));
  }
  const raw = value as { description?: string; faults: Record<string, unknown>[] };
  const faults: Fault[] = [];
  raw.faults.forEach((f, i) => {
    const where = `faults[${i}]`;
    const time = (key: string): number | undefined => {
      const v = f[key] as string | number | undefined;
      if (v === undefined) return undefined;
      const ms = parseDuration(v);
      if (ms === undefined)
        return fail(
          'E_SCENARIO_DURATION',
          `${where}.${key}`,
          `bad duration ${JSON.stringify(v)} (${DURATION_HELP})`,
        );
      return ms;
    };
    const node = (key: string, v: unknown): NodeId => {
      if (typeof v !== 'string' || !known.has(v)) {
        return fail(
          'E_SCENARIO_NODE',
          `${where}.${key}`,
          `unknown node ${JSON.stringify(v)} (nodes: ${nodeList})`,
        );
      }
      return v;
    };
    const kind = KIND_NAMES.find((k) => k in f && k !== 'latency') ?? 'latency';
    const endKey = FAULT_KINDS[kind].end;
    for (const k of ['heal', 'restart', 'resume', 'until']) {
      if (k in f && k !== endKey)
        fail('E_SCENARIO_SHAPE', `${where}.${k}`, `a ${kind} ends with "${endKey}", not "${k}"`);
    }
    const at = time('at')!;
    const end = time(endKey);
    if (end !== undefined && end < at)
      fail(
        'E_SCENARIO_DURATION',
        `${where}.${endKey}`,
        `${formatDuration(end)} is before "at" (${formatDuration(at)})`,
      );
    const endPart = end === undefined ? {} : { end };
    if (kind !== 'latency' && ('link' in f || 'latency' in f)) {
      fail('E_SCENARIO_SHAPE', where, `"link" and "latency" belong to a latency change, not a ${kind}`);
    }
    switch (kind) {
      case 'partition': {
        const groups = (f['partition'] as unknown[][]).map((g, gi) =>
          g.map((n, ni) => node(`partition[${gi}][${ni}]`, n)),
        );
        const seen = new Set<string>();
        for (const n of groups.flat()) {
          if (seen.has(n))
            fail('E_SCENARIO_NODE', `${where}.partition`, `node ${JSON.stringify(n)} is in two groups`);
          seen.add(n);
        }
        faults.push({ kind, at, groups, ...endPart });
        break;
      }
      case 'crash':
      case 'pause':
        faults.push({ kind, at, node: node(kind, f[kind]), ...endPart });
        break;
      case 'loss':
      case 'duplicate':
        faults.push({ kind, at, rate: f[kind] as number, ...endPart });
        break;
      case 'latency': {
        const link = f['link'];
        if (typeof link !== 'string')
          return fail('E_SCENARIO_SHAPE', `${where}.link`, 'a latency change needs "link": "n1-n2"');
        const ends = link.split('-');
        if (ends.length !== 2)
          fail('E_SCENARIO_SHAPE', `${where}.link`, `a link is written "n1-n2", got ${JSON.stringify(link)}`);
        const a = node('link', ends[0]);
        const b = node('link', ends[1]);
        const spec = f['latency'];
        if (typeof spec !== 'string')
          return fail(
            'E_SCENARIO_SHAPE',
            `${where}.latency`,
            `a latency change needs "latency" (${LATENCY_HELP})`,
          );
        const latency = parseLatency(spec);
        if (typeof latency === 'string') return fail('E_SCENARIO_LATENCY', `${where}.latency`, latency);
        faults.push({ kind, at, link: [a, b], latency, ...endPart });
        break;
      }
    }
  });
  return raw.description === undefined ? { faults } : { description: raw.description, faults };
}

/** Parse scenario text (JSON); syntax errors are reported at `file:line:column`. */
export function parseScenarioText(text: string, nodes: readonly NodeId[], source = 'scenario'): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const at = locateJsonError(text);
    if (at === undefined)
      throw new ScenarioError(
        'E_SCENARIO_JSON',
        source,
        undefined,
        `not JSON: ${e instanceof Error ? e.message : String(e)}`,
      );
    const before = text.slice(0, at.offset);
    const line = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const column = columnAt(text.slice(lineStart), at.offset - lineStart);
    throw new ScenarioError(
      'E_SCENARIO_JSON',
      `${source}:${line}:${column}`,
      undefined,
      `not valid JSON: expected ${at.expected}`,
    );
  }
  return parseScenario(value, nodes, source);
}

/** Read and check a scenario file. */
export function loadScenario(file: string, nodes: readonly NodeId[]): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ScenarioError(
      'E_SCENARIO_READ',
      file,
      undefined,
      code === 'ENOENT' ? 'no such file' : `cannot read: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return parseScenarioText(text, nodes, file);
}

/** The file form of a scenario (what {@link parseScenario} reads back to the same faults). */
export function scenarioToJson(scenario: Scenario): {
  description?: string;
  faults: Record<string, unknown>[];
} {
  const faults = scenario.faults.map((f): Record<string, unknown> => {
    const at = formatDuration(f.at);
    const end = f.end === undefined ? undefined : formatDuration(f.end);
    switch (f.kind) {
      case 'partition':
        return { at, partition: f.groups, heal: end };
      case 'crash':
        return { at, crash: f.node, restart: end };
      case 'pause':
        return { at, pause: f.node, resume: end };
      case 'loss':
        return { at, loss: f.rate, until: end };
      case 'duplicate':
        return { at, duplicate: f.rate, until: end };
      case 'latency':
        return { at, link: `${f.link[0]}-${f.link[1]}`, latency: formatLatency(f.latency), until: end };
    }
  });
  return scenario.description === undefined ? { faults } : { description: scenario.description, faults };
}
