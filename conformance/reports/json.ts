// The JSON report: the result object itself, with a stable key order (the order of the types in
// conformance/types.ts, trace lines in the trace schema's order) so the same run gives the same
// bytes. Its shape is conformance/schema/conformance-result.schema.json.
import { stringifyTraceLine } from '../../traces/index.js';
import type { TraceLine } from '../../traces/index.js';
import type { ConformResult } from '../types.js';

const RESULT_KEYS = ['format', 'version', 'tool', 'verdict', 'exitCode', 'startedAt', 'traces'];
const TRACE_KEYS = [
  'source',
  'verdict',
  'header',
  'lines',
  'events',
  'errors',
  'invariants',
  'metrics',
  'thresholds',
  'stats',
  'timeline',
];
const ERROR_KEYS = ['code', 'message', 'line', 'column', 'field', 'expected'];
const INVARIANT_KEYS = ['name', 'description', 'status', 'checks', 'violations', 'reason', 'violation'];
const VIOLATION_KEYS = ['invariant', 'message', 'slot', 'ballot', 'view', 'nodes', 'window'];
const METRIC_KEYS = ['name', 'description', 'unit', 'stats', 'value', 'reason', 'detail', 'items', 'series'];
const DIST_KEYS = ['count', 'p50', 'p95', 'p99', 'max', 'mean'];
const THRESHOLD_KEYS = ['key', 'spec', 'op', 'limit', 'actual', 'status'];
const TIMELINE_KEYS = ['nodes', 'clock', 'truncated', 'faults', 'events'];

/**
 * Renders a result as JSON: stable key order, 2-space indent, a final newline. Arrays of plain
 * values (timeline rows, chart series) stay on one line each.
 */
export function renderJson(result: ConformResult): string {
  return `${pretty(orderResult(result), '')}\n`;
}

/** A copy of `obj` with `keys` first (in that order), then any other keys sorted. */
function ordered(
  obj: object,
  keys: readonly string[],
  map?: (key: string, v: unknown) => unknown,
): Record<string, unknown> {
  const src = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const rest = Object.keys(src)
    .filter((k) => !keys.includes(k))
    .sort();
  for (const k of [...keys, ...rest]) {
    const v = src[k];
    if (v === undefined) continue;
    out[k] = map === undefined ? v : map(k, v);
  }
  return out;
}

function orderResult(r: ConformResult): Record<string, unknown> {
  return ordered(r, RESULT_KEYS, (k, v) =>
    k === 'traces'
      ? r.traces.map((t) =>
          ordered(t, TRACE_KEYS, (tk, tv) => {
            switch (tk) {
              case 'header':
                return traceLine(tv as TraceLine);
              case 'errors':
                return t.errors.map((e) => ordered(e, ERROR_KEYS));
              case 'invariants':
                return t.invariants.map((i) =>
                  ordered(i, INVARIANT_KEYS, (ik, iv) =>
                    ik === 'violation' && i.violation !== undefined
                      ? ordered(i.violation, VIOLATION_KEYS, (vk, vv) =>
                          vk === 'window'
                            ? i.violation!.window.map((w) => ({ line: w.line, event: traceLine(w.event) }))
                            : vk === 'ballot'
                              ? ordered(vv as object, ['round', 'node'])
                              : vv,
                        )
                      : iv,
                  ),
                );
              case 'metrics':
                return t.metrics.map((m) =>
                  ordered(m, METRIC_KEYS, (mk, mv) =>
                    mk === 'stats'
                      ? ordered(mv as object, DIST_KEYS)
                      : mk === 'detail'
                        ? ordered(mv as object, [])
                        : mk === 'items'
                          ? m.items!.map((it) => ordered(it, ['line', 'text']))
                          : mv,
                  ),
                );
              case 'thresholds':
                return t.thresholds.map((x) => ordered(x, THRESHOLD_KEYS));
              case 'stats':
                return ordered(tv as object, ['seconds', 'eventsPerSecond', 'peakRssBytes']);
              case 'timeline':
                return ordered(tv as object, TIMELINE_KEYS);
              default:
                return tv;
            }
          }),
        )
      : k === 'tool'
        ? ordered(v as object, ['name', 'version'])
        : v,
  );
}

/**
 * A trace line in the writer's canonical key order; nested free-form values (messages, vars,
 * values) get `type`, `round`, `node` first and their other keys sorted, whatever their writer did.
 */
function traceLine(line: TraceLine): unknown {
  let canonical: Record<string, unknown>;
  try {
    canonical = JSON.parse(stringifyTraceLine(line)) as Record<string, unknown>;
  } catch {
    canonical = ordered(line, []);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(canonical)) out[k] = sortDeep(v);
  return out;
}

const NESTED_FIRST = ['type', 'round', 'node'];

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(src).sort();
  for (const k of [
    ...NESTED_FIRST.filter((x) => x in src),
    ...keys.filter((x) => !NESTED_FIRST.includes(x)),
  ]) {
    out[k] = sortDeep(src[k]);
  }
  return out;
}

const isPrimitive = (v: unknown): boolean => v === null || typeof v !== 'object';

/** One line for an array of plain values, or a row of plain values and flat arrays (`[0, 9, "x", [1, 2]]`). */
function isOneLine(v: unknown[]): boolean {
  let primitives = 0;
  for (const x of v) {
    if (isPrimitive(x)) primitives++;
    else if (!Array.isArray(x) || !x.every(isPrimitive)) return false;
  }
  return primitives > 0;
}

/** JSON.stringify with 2-space indent, but rows of plain values on one line. */
function pretty(v: unknown, indent: string): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (isOneLine(v)) return JSON.stringify(v);
    return `[\n${v.map((x) => inner + pretty(x === undefined ? null : x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(
    ([, x]) => x !== undefined && typeof x !== 'function',
  );
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(',\n')}\n${indent}}`;
}
