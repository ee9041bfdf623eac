// Thresholds: a JSON file that holds metrics to limits, e.g. `{ "recovery.p99": "<= 5s" }`, parsed
// and checked against the metric names and units of `metrics/catalog.ts`, then applied to a
// trace's metrics. A missed threshold makes the trace's verdict `threshold-missed` (exit 13).
import { METRICS, METRIC_NAMES, classedName, isMetricName } from './metrics/catalog.js';
import type { MetricName, MetricSpec } from './metrics/catalog.js';
import type { Distribution, MetricResult, ThresholdResult } from './types.js';

/** A statistic a threshold can name after the metric: `recovery.p99`. */
export type ThresholdStat = 'p50' | 'p95' | 'p99' | 'max' | 'mean' | 'count';

/** The statistics, in the order error messages list them. */
export const THRESHOLD_STATS: readonly ThresholdStat[] = ['p50', 'p95', 'p99', 'max', 'mean', 'count'];

/** A comparison operator of a threshold. */
export type ThresholdOp = ThresholdResult['op'];

/** One parsed threshold. */
export interface Threshold {
  /** The key as written: `metric.stat`, or a metric name alone (its `value`). */
  key: string;
  metric: MetricName;
  /** A criticality class (`decision.quorum[critical].p99`): the metric of that class's ops only. */
  cls?: string;
  /** The statistic; undefined for the metric's `value`. */
  stat: ThresholdStat | undefined;
  /** The text as written, e.g. `<= 5s`. */
  spec: string;
  op: ThresholdOp;
  /** The limit in the metric's unit (durations in ms). */
  limit: number;
}

/** Parsed thresholds, in file order. */
export interface Thresholds {
  /** The file they came from, when known. */
  source?: string;
  entries: Threshold[];
}

/** A thresholds file that cannot be used: the message names the file, the key and what is expected. */
export class ThresholdsError extends Error {
  /** A stable code for this kind of error. */
  readonly code = 'invalid-thresholds';
  constructor(
    message: string,
    /** The file, as given to {@link parseThresholds}. */
    readonly file: string,
    /** The offending key, when the problem is one entry. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ThresholdsError';
  }
}

const splitByClass = (name: MetricName): boolean => (METRICS[name] as MetricSpec).classes === true;
const CLASSED = /^([a-z.]+)\[([A-Za-z][A-Za-z0-9_-]*)\]\.([a-z0-9]+)$/;
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const SPEC = /^\s*(<=|>=|==|<|>)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-z]*)\s*$/;

/**
 * Parses a thresholds file: a JSON object whose keys are `metric.stat` (stat: p50, p95, p99, max,
 * mean, count) or a metric name alone (its `value`), and whose values are strings like `"<= 5s"`,
 * `"< 250ms"`, `">= 0.99"`, `"== 0"`. Durations take `ms`, `s`, `min` or `h` (a plain number is ms)
 * and only for `ms` metrics; other units and `count` take plain numbers. A `$schema` key is ignored.
 *
 * @param file the file name used in error messages (default `thresholds`).
 * @throws ThresholdsError on bad JSON, an unknown metric or statistic, or a bad limit.
 */
export function parseThresholds(text: string, file = 'thresholds'): Thresholds {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ThresholdsError(
      `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}); expected an object like {"recovery.p99": "<= 5s"}`,
      file,
    );
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ThresholdsError(
      `${file}: expected a JSON object like {"recovery.p99": "<= 5s"}, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
      file,
    );
  }
  const entries: Threshold[] = [];
  for (const [key, spec] of Object.entries(json as Record<string, unknown>)) {
    if (key === '$schema') continue;
    entries.push(parseEntry(file, key, spec));
  }
  return { source: file, entries };
}

function parseEntry(file: string, key: string, spec: unknown): Threshold {
  const fail = (what: string): never => {
    throw new ThresholdsError(`${file}: ${JSON.stringify(key)}: ${what}`, file, key);
  };
  let metric: MetricName;
  let stat: ThresholdStat | undefined;
  // `metric[class].stat`: the per-class figures of the decision metrics.
  const classed = CLASSED.exec(key);
  if (classed !== null) {
    const [, name = '', cls = '', st = ''] = classed;
    if (!isMetricName(name)) return fail(`unknown metric; the metrics are ${METRIC_NAMES.join(', ')}`);
    if (!splitByClass(name)) {
      return fail(
        `${name} is not split by criticality class; the metrics that are: ${METRIC_NAMES.filter(splitByClass).join(', ')}`,
      );
    }
    try {
      return { ...parseEntry(file, `${name}.${st}`, spec), key, cls };
    } catch (e) {
      if (!(e instanceof ThresholdsError)) throw e;
      throw new ThresholdsError(
        e.message.replace(JSON.stringify(`${name}.${st}`), JSON.stringify(key)),
        file,
        key,
      );
    }
  }
  if (key.includes('[')) {
    // A class qualifier that CLASSED did not accept: say what the form is.
    return fail(
      `expected metric[class].stat, e.g. "decision.quorum[critical].p99" (class: a letter, then letters, digits, _ or -; stat: ${THRESHOLD_STATS.join(', ')})`,
    );
  }
  if (isMetricName(key)) {
    metric = key;
    if (!METRICS[key].value) {
      fail(
        `${key} has no single value; name a statistic: ${THRESHOLD_STATS.map((s) => `${key}.${s}`).join(', ')}`,
      );
    }
  } else {
    const dot = key.lastIndexOf('.');
    const name = dot < 0 ? key : key.slice(0, dot);
    const st = dot < 0 ? '' : key.slice(dot + 1);
    if (!isMetricName(name)) {
      return fail(`unknown metric; the metrics are ${METRIC_NAMES.join(', ')}`);
    }
    metric = name;
    if (!(THRESHOLD_STATS as readonly string[]).includes(st)) {
      fail(`unknown statistic ${JSON.stringify(st)}; expected one of ${THRESHOLD_STATS.join(', ')}`);
    }
    if (!METRICS[name].stats) {
      fail(`${name} has no statistics, only a value; write the key ${JSON.stringify(name)}`);
    }
    stat = st as ThresholdStat;
  }
  const unit = stat === 'count' ? 'count' : METRICS[metric].unit;
  const example = unit === 'ms' ? '"<= 5s"' : unit === 'ratio' ? '">= 0.99"' : '"<= 3"';
  const expected =
    unit === 'ms'
      ? `an operator (<=, <, >=, >, ==) and a duration: a number with ms, s, min or h (a plain number is ms), e.g. ${example}`
      : `an operator (<=, <, >=, >, ==) and a plain number (the unit is ${unit}), e.g. ${example}`;
  if (typeof spec !== 'string') {
    return fail(`expected a string with ${expected}, got ${JSON.stringify(spec) ?? String(spec)}`);
  }
  const m = SPEC.exec(spec);
  if (m === null) return fail(`${JSON.stringify(spec)} is not a threshold; expected ${expected}`);
  const op = m[1] as ThresholdOp;
  let limit = Number(m[2]);
  const suffix = m[3] ?? '';
  if (suffix !== '') {
    if (unit !== 'ms') {
      const what = stat === 'count' ? 'a count' : `${metric} (in ${unit})`;
      fail(
        `${JSON.stringify(spec)}: ${what} takes a plain number, not ${JSON.stringify(suffix)}; e.g. ${example}`,
      );
    }
    const scale = DURATION_UNITS[suffix];
    if (scale === undefined) {
      fail(
        `${JSON.stringify(spec)}: unknown unit ${JSON.stringify(suffix)}; expected ms, s, min or h, e.g. ${example}`,
      );
    }
    limit *= scale as number;
  }
  if (!Number.isFinite(limit)) fail(`${JSON.stringify(spec)}: the limit is not a finite number`);
  return { key, metric, stat, spec, op, limit };
}

/**
 * Holds `metrics` to `thresholds`, in the thresholds' order. A threshold whose metric has no
 * figure (no samples, or no value: the metric's `reason` says why) is `no-data`, not missed.
 */
export function applyThresholds(thresholds: Thresholds, metrics: readonly MetricResult[]): ThresholdResult[] {
  return thresholds.entries.map((th) => {
    const name = th.cls === undefined ? th.metric : classedName(th.metric, th.cls);
    const m = metrics.find((x) => x.name === name);
    const actual = m === undefined ? undefined : th.stat === undefined ? m.value : statOf(m.stats, th.stat);
    const base = { key: th.key, spec: th.spec, op: th.op, limit: th.limit };
    if (actual === undefined) return { ...base, status: 'no-data' as const };
    return {
      ...base,
      actual,
      status: holds(actual, th.op, th.limit) ? ('met' as const) : ('missed' as const),
    };
  });
}

function statOf(stats: Distribution | undefined, stat: ThresholdStat): number | undefined {
  return stats === undefined ? undefined : stats[stat];
}

function holds(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<=':
      return actual <= limit;
    case '<':
      return actual < limit;
    case '>=':
      return actual >= limit;
    case '>':
      return actual > limit;
    case '==':
      return actual === limit;
  }
}
